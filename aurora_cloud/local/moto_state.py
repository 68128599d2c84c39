"""moto in-process on 127.0.0.1, with its state saved to and restored from a folder.

moto keeps everything in memory; the local stack pickles the DynamoDB,
Cognito and SES backends of its account/region into DIR/moto-state.pickle
(atomically) and loads them back at start, so data survives a restart.
Requests to moto and snapshots take one lock, so a snapshot never sees a
half-applied request. The file is a development convenience tied to the
installed moto version, not a durable format.

A snapshot is taken once writes pause, so on its own a kill -9 would lose
every write since the last one. Two things make an answered write survive:

- DynamoDB: each mutating request moto answered with 2xx is appended to a
  journal (DIR/moto-journal.<generation>.log: length, CRC-32, the request's
  target header and body) and fsync'd *before* the answer leaves; at start
  the journals at or after the snapshot's generation are replayed on top of
  it, in order (moto applies the same requests to the same state the same
  way). A snapshot rotates to a new generation under the lock and deletes the
  older journals once the snapshot file is in place. A torn last record (a
  crash inside the write) was never answered and is dropped at replay.
- Cognito: requests that change moto's pools (sign-up, confirmation, sign-in,
  which stores refresh tokens, ...) carry random ids, so they are not
  replayed: the Cognito backend alone (small: users and tokens) is pickled
  to DIR/cognito-state.pickle before the answer instead; whichever of the
  two files holds the later Cognito state wins at start.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import secrets
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

SERVICES = ("dynamodb", "cognito-idp", "ses")
STATE_FILE = "moto-state.pickle"
COGNITO_FILE = "cognito-state.pickle"
JOURNAL_GLOB = "moto-journal.*.log"
DYNAMODB_PREFIX = "DynamoDB_20120810."
COGNITO_PREFIX = "AWSCognitoIdentityProviderService."
# DynamoDB operations that change tables or items (journalled when answered 2xx)
DYNAMODB_WRITES = frozenset({
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction", "CreateTable",
    "DeleteTable", "UpdateTable", "UpdateTimeToLive", "TagResource", "UntagResource",
    "UpdateContinuousBackups"})
# Cognito operations that change nothing in moto (every other one saves the pools)
COGNITO_READS = frozenset({
    "GetUser", "AdminGetUser", "ListUsers", "ListUserPools", "ListUserPoolClients",
    "DescribeUserPool", "DescribeUserPoolClient", "DescribeUserPoolDomain", "ListGroups",
    "AdminListGroupsForUser", "ListUsersInGroup", "GetUserPoolMfaConfig",
    "GetSigningCertificate", "ListTagsForResource", "ListIdentityProviders",
    "ListResourceServers", "GetGroup"})
SECRET_HEADER = "X-Aurora-Local-Secret"
_SECRET_ENVIRON = "HTTP_X_AURORA_LOCAL_SECRET"
_RECORD = struct.Struct("<II")  # payload length, CRC-32 of the payload
_KEEP_HEADERS = ("content-type", "x-amz-target", "authorization")


def write_kind(target: str) -> str | None:
    """"dynamodb" / "cognito" for a request (by its X-Amz-Target) that changes moto's
    state in a way the journal or the Cognito save must keep; None otherwise."""
    if target.startswith(DYNAMODB_PREFIX):
        return "dynamodb" if target[len(DYNAMODB_PREFIX):] in DYNAMODB_WRITES else None
    if target.startswith(COGNITO_PREFIX):
        return None if target[len(COGNITO_PREFIX):] in COGNITO_READS else "cognito"
    return None


class Journal:
    """Append-only file of answered DynamoDB writes (see the module docstring).

    :meth:`append` runs under moto's lock (so the file's order is the order moto
    applied them); :meth:`sync` runs after the lock is released, so writers that
    overlap share one fsync. ``fsync=False`` only writes (the kernel keeps the
    data through a kill -9 of this process, not through a power cut)."""

    def __init__(self, folder: Path, generation: int, *, fsync: bool = True) -> None:
        self.generation = generation
        self.path = folder / f"moto-journal.{generation:08d}.log"
        self.fsync = fsync
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                       0o600)
        self._lock = threading.Lock()
        self.records = 0

    def append(self, headers: dict[str, str], body: bytes) -> None:
        payload = json.dumps(headers, separators=(",", ":")).encode() + b"\n" + body
        data = _RECORD.pack(len(payload), zlib.crc32(payload)) + payload
        with self._lock:
            assert self._fd is not None, "append to a closed journal"
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            self.records += 1

    def sync(self) -> None:
        if not self.fsync:
            return
        with self._lock:  # not held while syncing: appends go on meanwhile
            fd = self._fd
        if fd is None:
            return  # a closed journal was synced as it closed
        try:
            os.fsync(fd)
        except OSError:
            if self._fd is not None:
                raise
            # closed (after its own fsync) while we were about to sync: already durable

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None


def journal_generation(path: Path) -> int:
    m = re.search(r"moto-journal\.(\d+)\.log$", path.name)
    return int(m.group(1)) if m else -1


def read_journal(path: Path) -> list[tuple[dict[str, str], bytes]]:
    """The records of one journal file, up to the first torn or damaged one."""
    data = path.read_bytes()
    out: list[tuple[dict[str, str], bytes]] = []
    pos = 0
    while pos + _RECORD.size <= len(data):
        length, crc = _RECORD.unpack_from(data, pos)
        payload = data[pos + _RECORD.size:pos + _RECORD.size + length]
        if len(payload) < length or zlib.crc32(payload) != crc:
            break  # torn tail: the write was never answered
        head, _, body = payload.partition(b"\n")
        out.append((json.loads(head), body))
        pos += _RECORD.size + length
    return out


def _header(headers: Any, name: str) -> str:
    value = headers.get(name) or headers.get(name.title()) or ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _moto_jwk() -> Any:
    """moto's fixed Cognito signing key (every moto pool signs with it)."""
    from joserfc import jwk
    from moto.utilities.utils import load_resource

    return jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


def _reduce_moto_jwk(key: Any) -> Any:
    return _moto_jwk, ()


class _StatePickler(pickle.Pickler):
    """Pickles moto's pools' signing key (an RSAKey, which does not pickle) as a reference
    to moto's fixed key. Through ``dispatch_table`` (a lookup by exact type in C), not
    ``reducer_override``, which would run Python for each of the ~15 objects per item."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import copyreg

        from joserfc import jwk

        super().__init__(*args, **kwargs)
        self.dispatch_table = {**copyreg.dispatch_table, jwk.RSAKey: _reduce_moto_jwk}


class _Locked:
    """WSGI middleware: one moto request at a time, and never during a snapshot; a
    write is kept (journal or Cognito save) before its answer leaves."""

    def __init__(self, app: Any, server: MotoServer) -> None:
        self.app = app
        self.server = server
        self.lock = server.lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not secrets.compare_digest(str(environ.get(_SECRET_ENVIRON, "")),
                                      self.server.secret):
            # moto's port answers anything (ListUsers, AdminSetUserPassword, Scan ...):
            # only the stack itself, which knows the secret, may talk to it.
            body = json.dumps({"__type": "UnrecognizedClientException",
                               "message": "The security token included in the request is "
                                          "invalid."}).encode()
            start_response("403 Forbidden", [("Content-Type", "application/x-amz-json-1.1"),
                                             ("Content-Length", str(len(body)))])
            return [body]
        kind = write_kind(str(environ.get("HTTP_X_AMZ_TARGET", "")))
        if kind is None:
            with self.lock:
                return list(self.app(environ, start_response))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        status: list[int] = []

        def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(int(code.split(" ", 1)[0]))
            return start_response(code, headers, exc_info) if exc_info else \
                start_response(code, headers)

        headers = {"content-type": str(environ.get("CONTENT_TYPE", "")),
                   "x-amz-target": str(environ.get("HTTP_X_AMZ_TARGET", "")),
                   "authorization": str(environ.get("HTTP_AUTHORIZATION", ""))}
        with self.lock:
            result = list(self.app(environ, capture))
            journal = self.server.kept(kind, status[0] if status else 500, headers, body)
        if journal is not None:
            journal.sync()
        return result


_PATCHED = False


def patch_moto_transactions() -> None:
    """Make moto's TransactWriteItems cost O(items), not O(table) per item.

    moto deep-copies the whole table once per transaction item to roll back
    a failed transaction, which makes the stack crawl (and eat gigabytes)
    past a few thousand events. Here the table copy is skipped and the
    rollback restores just the touched items. Safe because the local stack
    runs one moto request at a time (see :class:`_Locked`).
    """
    global _PATCHED
    if _PATCHED:
        return
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _NoTableCopy:
        @staticmethod
        def deepcopy(obj: Any, memo: Any = None) -> Any:
            return obj if isinstance(obj, Table) else copy.deepcopy(obj, memo)

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Any, Any, Any, Any]] = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            try:
                hk = DynamoType(key[table.hash_key_attr])
                rk = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except KeyError:
                continue
            saved.append((table, hk, rk, copy.deepcopy(table.get_item(hk, rk))))
        try:
            original(self, transact_items)
        except Exception:
            for table, hk, rk, old in reversed(saved):
                if old is None:
                    if rk is None:
                        table.items.pop(hk, None)
                    else:
                        table.items.get(hk, {}).pop(rk, None)
                elif rk is None:
                    table.items[hk] = old
                else:
                    table.items[hk][rk] = old
                _touched(table)
            raise

    models.copy = _NoTableCopy  # type: ignore[attr-defined, assignment]  # moto imports copy there
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _PATCHED = True


_QUERIES_PATCHED = False
_query_candidates = threading.local()  # (table, items) of the query running on this thread
_ORIGINALS: dict[str, Any] = {}  # moto's own functions, for the differential test
_STATES: Any = None  # WeakKeyDictionary: moto Table -> _TableState


class _TableState:
    """What the fast Query paths know about one moto table.

    - ``generation`` moves with every write, so derived orders are reused only
      while nothing changed;
    - ``by_value``: for the GSI partition keys other than the table's own
      (``series``, ``due_pk``), attribute -> value -> keys of the items that
      have held that value. A superset: writes add, nothing is removed on
      write; a read drops keys whose item no longer has the value;
    - ``orders``: per (index, partition), that partition's items past a bound in
      the index's order, as of one generation.

    Every write reaches it: moto writes only through ``Table.put_item``
    (PutItem, BatchWriteItem, transactions, PartiQL, the update of a missing
    item) and ``Table.delete_item``, or updates in place in
    ``DynamoDBBackend.update_item``; a rolled-back transaction's items were
    indexed when written and :func:`patch_moto_transactions` reports its
    restores. A table whose items were replaced wholesale starts afresh.
    """

    def __init__(self, table: Any) -> None:
        from collections import defaultdict

        self.items_ref = table.items
        self.generation = 0
        self.attrs = sorted({k["AttributeName"] for i in (table.global_indexes or [])
                             for k in i.schema if k["KeyType"] == "HASH"}
                            - {table.hash_key_attr})
        self.by_value: dict[str, dict[Any, set[tuple[Any, Any]]]] = {
            a: defaultdict(set) for a in self.attrs}
        self.orders: dict[tuple[str, Any], tuple[int, Any, bool, list[Any], list[Any]]] = {}
        for part in table.items.values():
            for item in (part.values() if table.range_key_attr else [part]):
                self.add(item)

    def add(self, item: Any) -> None:
        self.generation += 1
        for a in self.attrs:
            value = item.attrs.get(a)
            if value is not None:
                self.by_value[a][value].add((item.hash_key, item.range_key))

    def having(self, table: Any, attr: str, value: Any) -> list[Any]:
        keys = self.by_value[attr].get(value)
        if not keys:
            return []
        out = []
        for key in list(keys):
            hk, rk = key
            part = table.items.get(hk)
            item = None if part is None else part.get(rk) if table.range_key_attr else part
            held = None if item is None else item.attrs.get(attr)
            if held is None or held != value:
                keys.discard(key)
                continue
            out.append(item)
        return out


def _state(table: Any) -> _TableState:
    st: _TableState | None = _STATES.get(table)
    if st is None or st.items_ref is not table.items:
        st = _STATES[table] = _TableState(table)
    return st


def _touched(table: Any, item: Any = None) -> None:
    """A write to ``table`` (``item``: what it holds now, if anything)."""
    st = _STATES.get(table) if _STATES is not None else None
    if st is None:
        return
    if item is not None:
        st.add(item)
    else:
        st.generation += 1


def patch_moto_fast_paths() -> None:
    """Make moto's Query cost what DynamoDB's does: the items in the key range, not
    the whole table.

    moto answers every Query by sorting every item of the table (all users) and
    testing each: a /sync with nothing new took ~0.4 s next to 10,000 events, and a
    first upload's series look-ups grew with the table. Here moto's own Query still
    does all the work (key conditions, order, Limit, LastEvaluatedKey, filters,
    projections), on these candidates only:

    - a key condition on the table's partition key (table queries, and GSIs keyed
      by it, such as ``sync``): that partition's items;
    - on another attribute (``series``, ``due_pk``): the items that hold that
      value (:class:`_TableState`);
    - a ``>``/``>=`` condition on the index's one sort key, read forward with a
      Limit, no start key and no legacy QueryFilter (the change feed): the first
      Limit + 1 items past the bound in the index's order (kept between writes).
      Items that fail such a condition sort before every item that passes, so
      moto's answer, LastEvaluatedKey included, is the same.

    Also: answers of GetItem, Query and BatchGetItem skip moto's serializer
    (:func:`_patch_item_answers`), and moto looks up a handler's method names
    once per class instead of with ``inspect`` on every request.

    Safe because the local stack runs one moto request at a time (see
    :class:`_Locked`).
    """
    global _QUERIES_PATCHED, _STATES
    if _QUERIES_PATCHED:
        return
    import bisect
    import weakref

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    _STATES = weakref.WeakKeyDictionary()
    original_query = _ORIGINALS["query"] = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item
    original_update = models.DynamoDBBackend.update_item

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        _touched(self, item)
        return item

    def delete_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_delete(self, *args, **kwargs)
        _touched(self)
        return item

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        item = original_update(self, table_name, *args, **kwargs)
        _touched(self.get_table(table_name), item)
        return item

    def candidates(table: Any, hash_key: Any, index_name: str | None,
                   hash_conditions: list[tuple[str, Any]] | None) -> list[Any] | None:
        if index_name:
            conds = dict(hash_conditions or ())
            if not conds:
                return None
            value = conds.get(table.hash_key_attr)
            if value is None:
                attr, value = next(iter(conds.items()))
                st = _state(table)
                return st.having(table, attr, value) if attr in st.by_value else None
        else:
            value = hash_key
            if value is None:
                return None
        part = table.items.get(value)
        if part is None:
            return []
        return list(part.values()) if table.range_key_attr else [part]

    def past_bound(table: Any, index: Any, items: list[Any], hash_value: Any, op: str,
                   bound: Any, limit: int) -> list[Any]:
        """The first ``limit`` + 1 of ``items`` past ``bound`` in the index's order.

        What was ordered is kept until the next write, with the bound it was cut at:
        a later query whose bound is at or past it (the next page, the next sync
        with nothing new) is answered from it by bisection."""
        st = _state(table)
        names = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        names += [a for a in (table.hash_key_attr, table.range_key_attr) if a]
        cut = bound.cast_value
        inclusive = op in (">=", "GE")
        cached = st.orders.get((index.name, hash_value))
        if cached is None or cached[0] != st.generation or not (
                cut > cached[1] or (cut == cached[1] and (cached[2] or not inclusive))):
            keyed = []
            first = names[0]
            for it in items:
                at = it.attrs
                v = at.get(first)
                if v is None:
                    continue
                v = v.cast_value
                if (v > cut or (inclusive and v == cut)) and all(a in at for a in names):
                    keyed.append(((v, *[at[a].cast_value for a in names[1:]]), it))
            keyed.sort(key=lambda pair: pair[0])
            cached = (st.generation, cut, inclusive, [k[0] for k, _ in keyed],
                      [it for _, it in keyed])
            st.orders[(index.name, hash_value)] = cached
        firsts, ordered = cached[3], cached[4]
        start = (bisect.bisect_left if inclusive else bisect.bisect_right)(firsts, cut)
        return ordered[start:start + limit + 1]

    def query(self: Any, hash_key: Any, range_comparison: str | None, range_objs: list[Any],
              limit: int, exclusive_start_key: dict[str, Any], scan_index_forward: bool,
              projection_expressions: Any, index_name: str | None = None,
              consistent_read: bool = False, filter_expression: Any = None,
              hash_key_conditions: list[tuple[str, Any]] | None = None,
              range_key_conditions: list[tuple[str, str, list[Any]]] | None = None,
              **filter_kwargs: Any) -> Any:
        found = candidates(self, hash_key, index_name, hash_key_conditions)
        if found is not None and index_name and limit and not exclusive_start_key \
                and not filter_kwargs and scan_index_forward is not False \
                and range_key_conditions and len(range_key_conditions) == 1 \
                and range_key_conditions[0][1] in (">", ">=", "GT", "GE") \
                and len(range_key_conditions[0][2]) == 1:
            index = self.get_index(index_name)
            ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
            conds = dict(hash_key_conditions or ())
            if ranges == [range_key_conditions[0][0]] and len(conds) == 1:
                _, op, (bound,) = range_key_conditions[0]
                found = past_bound(self, index, found, next(iter(conds.values())), op, bound,
                                   int(limit))
        if found is None:
            return original_query(self, hash_key, range_comparison, range_objs, limit,
                                  exclusive_start_key, scan_index_forward,
                                  projection_expressions, index_name, consistent_read,
                                  filter_expression, hash_key_conditions=hash_key_conditions,
                                  range_key_conditions=range_key_conditions, **filter_kwargs)
        # moto's Query reads its candidates from all_items(): give it ours for this call,
        # on this thread only. (Setting it on the table raced: the dispatcher queries its
        # buckets from several threads, and one query read another's candidates or found
        # the attribute already deleted.)
        previous = getattr(_query_candidates, "override", None)
        _query_candidates.override = (self, found)
        try:
            return original_query(self, hash_key, range_comparison, range_objs, limit,
                                  exclusive_start_key, scan_index_forward,
                                  projection_expressions, index_name, consistent_read,
                                  filter_expression, hash_key_conditions=hash_key_conditions,
                                  range_key_conditions=range_key_conditions, **filter_kwargs)
        finally:
            _query_candidates.override = previous

    original_all_items = Table.all_items

    def all_items(self: Any) -> Any:
        override = getattr(_query_candidates, "override", None)
        if override is not None and override[0] is self:
            return override[1]
        return original_all_items(self)

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    models.DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    _patch_item_answers()
    _patch_method_names()
    _patch_condition_parse()
    _QUERIES_PATCHED = True


def _patch_condition_parse() -> None:
    """moto parses every condition expression again for each item of each write (three
    times per transaction item): a parse is remembered by its expression, names and
    values. The condition tree it returns is only read when evaluated."""
    import json

    from moto.dynamodb.comparisons import ConditionExpressionParser

    original = _ORIGINALS["parse"] = ConditionExpressionParser.parse
    parsed: dict[tuple[Any, ...], tuple[Any, list[str], list[str]]] = {}

    def parse(self: Any) -> Any:
        try:
            key = (self.condition_expression,
                   json.dumps(self.expression_attribute_names, sort_keys=True),
                   json.dumps(self.expression_attribute_values, sort_keys=True))
        except TypeError:
            return original(self)
        hit = parsed.get(key)
        if hit is None:
            names, values = len(self.expr_attr_names_found), len(self.expr_attr_values_found)
            op = original(self)
            if len(parsed) > 4096:
                parsed.clear()
            hit = parsed[key] = (op, self.expr_attr_names_found[names:],
                                 self.expr_attr_values_found[values:])
            return op
        self.expr_attr_names_found.extend(hit[1])
        self.expr_attr_values_found.extend(hit[2])
        return hit[0]

    ConditionExpressionParser.parse = parse  # type: ignore[method-assign]


def _patch_method_names() -> None:
    from moto.core import responses

    names: dict[Any, list[str]] = {}
    original = responses.method_names_from_class  # type: ignore[attr-defined]  # re-exported

    def method_names_from_class(clazz: object) -> list[str]:
        found = names.get(clazz)
        if found is None:
            found = names[clazz] = original(clazz)
        return found

    responses.method_names_from_class = method_names_from_class  # type: ignore[attr-defined]


_PLAIN_ANSWERS = frozenset({"GetItem", "Query", "BatchGetItem"})
# Their answers' members that hold only items, keys and counts (ConsumedCapacity has floats).
_PLAIN_MEMBERS = frozenset({"Item", "Items", "Count", "ScannedCount", "LastEvaluatedKey",
                            "Responses", "UnprocessedKeys"})


def _patch_item_answers() -> None:
    """Answers of GetItem, Query and BatchGetItem as ``json.dumps`` of the result.

    moto serializes every answer by walking botocore's shape model member by
    member, which costs ~1 ms per item (a 1,000-change /sync page spent over a
    second there). For these operations the JSON protocol's body is the result
    itself: items are AttributeValue maps of strings, booleans, lists and maps.
    A result with anything else (binary values, which ``json.dumps`` refuses;
    ConsumedCapacity) takes moto's path; a test holds both paths to the same
    parsed answer. moto's conversion of its item objects to plain values
    (``dynamo_to_dict``) gets a shortcut for plain strings, lists and dicts.
    """
    import json

    from moto.dynamodb import responses
    from moto.dynamodb.models import utilities
    from moto.dynamodb.responses import DynamoResult

    original = _ORIGINALS["execute_result"] = DynamoResult.execute_result
    original_to_dict = _ORIGINALS["dynamo_to_dict"] = utilities.dynamo_to_dict

    def dynamo_to_dict(obj: Any) -> Any:
        kind = type(obj)
        if kind is str or kind is bool or kind is int or obj is None:
            return obj
        if kind is dict:
            return {k: dynamo_to_dict(v) for k, v in obj.items()}
        if kind is list:
            return [dynamo_to_dict(v) for v in obj]
        return original_to_dict(obj)  # DynamoType, datetime, to_json(): moto's own rules

    def execute_result(self: Any, context: Any) -> Any:
        model = context.operation_model
        result = self.result
        if str(model.name) in _PLAIN_ANSWERS and isinstance(result, dict) \
                and set(result) <= _PLAIN_MEMBERS:
            try:
                body = json.dumps(result)
            except TypeError:  # bytes
                return original(self, context)
            json_version = model.service_model.metadata.get("jsonVersion", "1.0")
            return (model.http.get("responseCode", 200),
                    {"Content-Type": f"application/x-amz-json-{json_version}"}, body)
        return original(self, context)

    utilities.dynamo_to_dict = dynamo_to_dict  # moto's recursion looks the name up here
    responses.dynamo_to_dict = dynamo_to_dict  # type: ignore[attr-defined]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]


class MotoServer:
    """moto's server on 127.0.0.1 (ephemeral port unless given)."""

    def __init__(self, account: str = "123456789012", region: str = "us-east-1",
                 port: int = 0, *, fsync: bool = True) -> None:
        self.account = account
        self.region = region
        self.port = port
        self.fsync = fsync  # False: a journal write survives kill -9 but not a power cut
        self.lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.folder: Path | None = None  # set by restore(): where state is kept
        self.journal: Journal | None = None
        self._seq = 0  # orders the Cognito state of the two state files
        self.replayed = 0  # journal records applied by the last restore()
        # moto's HTTP port serves only requests carrying this (SECRET_HEADER): the stack's
        # own clients (see add_secret) and the Cognito proxy
        self.secret = secrets.token_urlsafe(32)

    def add_secret(self, events: Any) -> None:
        """Make every client of a boto3 session's (or client's) ``events`` carry the secret."""
        def add(request: Any, **kwargs: Any) -> None:
            request.headers[SECRET_HEADER] = self.secret

        events.register("request-created", add)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        patch_moto_transactions()
        patch_moto_fast_paths()
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        class Quiet(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        app = _Locked(DomainDispatcherApplication(create_backend_app), self)
        self._server = make_server("127.0.0.1", self.port, app, threaded=True,
                                   request_handler=Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="moto-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        with self.lock:
            if self.journal is not None:
                self.journal.close()
                self.journal = None

    def attach_in_process(self, client: Any) -> Any:
        """Serve ``client``'s calls from moto in this process, skipping HTTP.

        The stack's own clients (storage, SES, the user directory) use this:
        same moto backends, same lock, a few milliseconds less per call.
        Anything moto does not recognise still goes over HTTP to 127.0.0.1.
        """
        from botocore.awsrequest import AWSPreparedRequest
        from moto.core.botocore_stubber import BotocoreStubber

        stubber = BotocoreStubber()
        stubber.enabled = True
        prefix = client.meta.service_model.endpoint_prefix
        base = f"https://{prefix}.{self.region}.amazonaws.com"
        local = self.url

        def before_send(request: AWSPreparedRequest, **kwargs: Any) -> Any:
            if not request.url.startswith(local):
                return None
            aws = AWSPreparedRequest(method=request.method,
                                     url=base + request.url[len(local):],
                                     headers=request.headers, body=request.body,
                                     stream_output=request.stream_output)
            kind = write_kind(_header(request.headers, "X-Amz-Target"))
            journal = None
            with self.lock:
                response = stubber(event_name="before-send", request=aws)
                if kind is not None and response is not None:
                    body = request.body or b""
                    journal = self.kept(kind, int(response.status_code), {
                        h: _header(request.headers, h) for h in _KEEP_HEADERS},
                        body.encode() if isinstance(body, str) else bytes(body))
            if journal is not None:
                journal.sync()
            return response

        client.meta.events.register_first("before-send", before_send)
        return client

    # -- state ------------------------------------------------------------

    def _regional(self, service: str) -> Any:
        from moto.backends import get_backend

        return get_backend(service)[self.account]  # type: ignore[call-overload]

    def kept(self, kind: str, status: int, headers: dict[str, str],
             body: bytes) -> Journal | None:
        """Keep an answered write (under the lock): a DynamoDB write goes to the journal
        (returned: the caller syncs it once the lock is released); a Cognito write saves
        the Cognito backend now."""
        if not 200 <= status < 300 or self.folder is None:
            return None
        if kind == "dynamodb":
            if self.journal is None:
                return None
            self.journal.append(headers, body)
            return self.journal
        self._save_cognito(self.folder)
        return None

    def _save_cognito(self, folder: Path) -> None:
        with self.lock:
            self._seq += 1
            buf = io.BytesIO()
            _StatePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(
                {"seq": self._seq, "state": self._regional("cognito-idp").get(self.region)})
            _write_atomically(folder / COGNITO_FILE, buf.getvalue(), fsync=self.fsync)

    def snapshot(self, folder: Path) -> None:
        """Write the backends' state to ``folder`` atomically; the journals it folds in
        are deleted once it is in place."""
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with self.lock:
            self._seq += 1
            generation = (self.journal.generation + 1) if self.journal is not None else 1
            state: dict[str, Any] = {s: self._regional(s).get(self.region) for s in SERVICES}
            state["__meta__"] = {"generation": generation, "cognito_seq": self._seq}
            _StatePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
            if self.folder == folder:  # new writes go to the next generation's journal
                old, self.journal = self.journal, Journal(folder, generation, fsync=self.fsync)
                if old is not None:
                    old.close()
        _write_atomically(folder / STATE_FILE, buf.getvalue(), fsync=True)
        for path in folder.glob(JOURNAL_GLOB):
            if journal_generation(path) < generation:
                path.unlink(missing_ok=True)

    def restore(self, folder: Path) -> bool:
        """Load state saved by :meth:`snapshot` (and a later Cognito save), replay the
        journals written since, and journal from now on; False if there is no state."""
        patch_moto_transactions()
        patch_moto_fast_paths()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        path = folder / STATE_FILE
        journals = sorted(folder.glob(JOURNAL_GLOB), key=journal_generation)
        if not path.exists():
            for stale in journals:  # writes to a stack whose creation never finished
                stale.unlink()
            (folder / COGNITO_FILE).unlink(missing_ok=True)
            self.journal = Journal(folder, 1, fsync=self.fsync)
            return False
        state = pickle.loads(path.read_bytes())
        meta = state.pop("__meta__", {"generation": 0, "cognito_seq": 0})
        cognito_path = folder / COGNITO_FILE
        self._seq = int(meta["cognito_seq"])
        if cognito_path.exists():
            saved = pickle.loads(cognito_path.read_bytes())
            if int(saved["seq"]) > self._seq:
                state["cognito-idp"] = saved["state"]
                self._seq = int(saved["seq"])
        generation = int(meta["generation"])
        with self.lock:
            for service, backend in state.items():
                if backend is not None:
                    self._regional(service)[self.region] = backend
            self.replayed = 0
            for journal in journals:
                if journal_generation(journal) >= generation:
                    self.replayed += self._replay(journal)
            last = max([generation, *(journal_generation(j) for j in journals)])
            self.journal = Journal(folder, last + 1, fsync=self.fsync)
        if self.replayed:
            self.snapshot(folder)  # fold the replayed writes in; the journals go
        return True

    def _replay(self, path: Path) -> int:
        from botocore.awsrequest import AWSPreparedRequest
        from moto.core.botocore_stubber import BotocoreStubber

        stubber = BotocoreStubber()
        stubber.enabled = True
        n = 0
        for headers, body in read_journal(path):
            request = AWSPreparedRequest(
                method="POST", url=f"https://dynamodb.{self.region}.amazonaws.com/",
                headers={k.title(): v for k, v in headers.items() if v}, body=body,
                stream_output=False)
            response = stubber(event_name="before-send", request=request)
            if response is None or not 200 <= int(response.status_code) < 300:
                raise RuntimeError(f"{path.name}: record {n + 1} "
                                   f"({headers.get('x-amz-target')}) no longer applies")
            n += 1
        return n


def _write_atomically(path: Path, data: bytes, *, fsync: bool) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        if fsync:
            os.fsync(fh.fileno())
    os.replace(tmp, path)
    if fsync:
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
