"""moto in-process on 127.0.0.1, with its state saved to and restored from a folder.

moto keeps everything in memory; the local stack pickles the DynamoDB,
Cognito and SES backends of its account/region into DIR/moto-state.pickle
(atomically) and loads them back at start, so data survives a restart.
Requests to moto and snapshots take one lock, so a snapshot never sees a
half-applied request. The file is a development convenience tied to the
installed moto version, not a durable format.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

SERVICES = ("dynamodb", "cognito-idp", "ses")
STATE_FILE = "moto-state.pickle"


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
    """WSGI middleware: one moto request at a time, and never during a snapshot."""

    def __init__(self, app: Any, lock: threading.RLock) -> None:
        self.app = app
        self.lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            return list(self.app(environ, start_response))


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
        self.all_items = lambda: found  # moto's Query reads its candidates from here
        try:
            return original_query(self, hash_key, range_comparison, range_objs, limit,
                                  exclusive_start_key, scan_index_forward,
                                  projection_expressions, index_name, consistent_read,
                                  filter_expression, hash_key_conditions=hash_key_conditions,
                                  range_key_conditions=range_key_conditions, **filter_kwargs)
        finally:
            del self.all_items

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
                 port: int = 0) -> None:
        self.account = account
        self.region = region
        self.port = port
        self.lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

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

        app = _Locked(DomainDispatcherApplication(create_backend_app), self.lock)
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
            with self.lock:
                return stubber(event_name="before-send", request=aws)

        client.meta.events.register_first("before-send", before_send)
        return client

    # -- state ------------------------------------------------------------

    def _regional(self, service: str) -> Any:
        from moto.backends import get_backend

        return get_backend(service)[self.account]  # type: ignore[call-overload]

    def snapshot(self, folder: Path) -> None:
        """Write the backends' state to ``folder`` atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with self.lock:
            state = {s: self._regional(s).get(self.region) for s in SERVICES}
            _StatePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
        tmp = folder / (STATE_FILE + ".tmp")
        tmp.write_bytes(buf.getvalue())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, folder / STATE_FILE)

    def restore(self, folder: Path) -> bool:
        """Load state saved by :meth:`snapshot`; False if there is none."""
        path = folder / STATE_FILE
        if not path.exists():
            return False
        state = pickle.loads(path.read_bytes())
        with self.lock:
            for service, backend in state.items():
                if backend is not None:
                    self._regional(service)[self.region] = backend
        return True
