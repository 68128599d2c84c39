"""All DynamoDB access: one single table, one module, an injected boto3 client.

The layout (docs/data-model.md has every access pattern):

==================  ==========================  =====================================
PK                  SK                          what
==================  ==========================  =====================================
``USER#<sub>``      ``META``                    change counter, settings
``USER#<sub>``      ``CAL#<id>``                a calendar (or its tombstone)
``USER#<sub>``      ``EVT#<id>``                an event (or its tombstone)
``USER#<sub>``      ``RST#<id>``                a reminder state (expires 60 days after due)
``REVOKED#<sub>``   ``REVOKED``                 tokens issued before ``revoked_at`` are refused
``LIMIT#<caller>``  ``LIMIT``                   a caller's request allowance (GCRA ``tat``; TTL)
``SYSTEM``          ``DISPATCHER``              the dispatcher's last processed minute
==================  ==========================  =====================================

GSIs: ``sync`` (PK, seq) is the per-user change feed; ``due`` (due_pk,
due_sk) holds the next email reminder of each event, write-sharded by minute;
``series`` (series, SK) groups a recurring master with its overrides.

Every versioned write is one transaction of two items: the user's counter
moves from the value read to value + n, and the item is written only if it
is still the version that was read. So ``seq`` order is commit order, a
/sync reader never skips a write that commits late, and a lost race surfaces
as :class:`aurora_cloud.errors.Contention` for the caller to retry.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from aurora_cloud.errors import Contention, TooManyRequests

GSI_SYNC = "sync"
GSI_DUE = "due"
GSI_SERIES = "series"
DUE_SHARDS = 10
META_SK = "META"
ZONE_PREFIX = "ZONE#"  # + X-AURORA/<hash>: a zone an imported file defined
REVOKED_SK = "REVOKED"
LIMIT_SK = "LIMIT"
BATCH_WRITE = 25  # DynamoDB's BatchWriteItem limit
BATCH_GET = 100  # DynamoDB's BatchGetItem limit
PARKED_PK = "PARKED"  # the due GSI partition of parked reminders
DISPATCHER_KEY = {"PK": {"S": "SYSTEM"}, "SK": {"S": "DISPATCHER"}}
THROTTLE_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException",
                  "RequestLimitExceeded"}


class Kind(StrEnum):
    """What a versioned item of a user is."""

    CALENDAR = "calendar"
    EVENT = "event"
    REMINDER_STATE = "reminder_state"


_PREFIX = {Kind.CALENDAR: "CAL#", Kind.EVENT: "EVT#", Kind.REMINDER_STATE: "RST#"}
_KIND_OF = {prefix: kind for kind, prefix in _PREFIX.items()}


def item_sk(kind: Kind, item_id: str) -> str:
    """The sort key of a user's item. Event and reminder state ids are UUIDs, matched
    whatever their case; a calendar id is the client's, kept as it is."""
    return _PREFIX[kind] + (item_id if kind is Kind.CALENDAR else item_id.lower())


def user_pk(sub: str) -> str:
    return f"USER#{sub}"


def revoked_pk(sub: str) -> str:
    return f"REVOKED#{sub}"


def minute_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def due_bucket(at: datetime, shard: int) -> str:
    """The ``due`` GSI partition for reminders due in ``at``'s minute on ``shard``."""
    return f"DUE#{minute_text(at)}#{shard}"


def lease_bucket(shard: int) -> str:
    """The ``due`` GSI partition of claimed reminders of ``shard`` (docs/cloud.md)."""
    return f"LEASE#{shard}"


def shard_of(sub: str, event_id: str, shards: int = DUE_SHARDS) -> int:
    digest = hashlib.blake2b(f"{sub}/{event_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % shards


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Due:
    """When an event's next email reminder is due, and for which occurrence."""

    at: datetime
    info: dict[str, Any]  # occurrence start, recurrence id, minutes before: for the email


@dataclass
class Stored:
    """One versioned item as stored: the wire document plus server fields."""

    sk: str
    doc: dict[str, Any]
    version: int
    seq: int
    created_at: str
    updated_at: str
    deleted: bool
    due_sk: str | None = None
    due_info: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        return _KIND_OF[self.sk[:4]]

    @property
    def id(self) -> str:
        """The item's id (an event's or reminder state's in lower case)."""
        return self.sk[4:]


@dataclass(frozen=True)
class Write:
    """One item to write in a versioned commit: the ``kind`` of item and its ``id``."""

    kind: Kind
    id: str
    doc: dict[str, Any]
    prev_version: int | None  # None: the item must not exist
    deleted: bool = False
    created_at: str | None = None
    due: Due | None = None
    series_uid: str | None = None  # an event of a series (master or override): its uid
    envelope: tuple[int, int] | None = None  # epoch seconds an event can touch: [rs, re]
    expires_at: int | None = None  # TTL (epoch seconds) of a live item; tombstones get theirs

    @classmethod
    def tombstone(cls, cur: Stored) -> Write:
        """The write that deletes ``cur`` (its content stays, as a tombstone)."""
        return cls(kind=cur.kind, id=cur.id, doc=cur.doc, prev_version=cur.version,
                   deleted=True, created_at=cur.created_at)


class Storage:
    """The table, for one deployment. Methods raise :class:`Contention` on a lost race
    and :class:`TooManyRequests` when DynamoDB throttles; nothing else of botocore leaks.
    """

    def __init__(self, client: Any, table: str, *, tombstone_days: int = 30,
                 due_shards: int = DUE_SHARDS, capacity_log: list[dict[str, Any]] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.table = table
        self.sleep = sleep  # back-off between retries of unprocessed batch items
        self.tombstone_horizon = timedelta(days=tombstone_days)
        self.due_shards = due_shards
        self.capacity_log = capacity_log  # when a list, ConsumedCapacity of each call lands here

    # -- plumbing ---------------------------------------------------------

    def _call(self, op: str, **kw: Any) -> Any:
        if self.capacity_log is not None:
            kw["ReturnConsumedCapacity"] = "TOTAL"
        try:
            resp = getattr(self.client, op)(**kw)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in THROTTLE_CODES:
                raise TooManyRequests("the database is busy; retry shortly",
                                      headers={"Retry-After": "1"}) from exc
            raise
        if self.capacity_log is not None:
            cc = resp.get("ConsumedCapacity")
            self.capacity_log.append({"op": op, "capacity": cc})
        return resp

    @staticmethod
    def _is_condition_failure(exc: ClientError) -> bool:
        code = exc.response.get("Error", {}).get("Code", "")
        return code in ("ConditionalCheckFailedException", "TransactionCanceledException",
                        "TransactionConflictException")

    def _from_item(self, item: dict[str, Any]) -> Stored:
        due_info = item.get("due_info", {}).get("S")
        return Stored(
            sk=item["SK"]["S"],
            doc=json.loads(item["doc"]["S"]),
            version=int(item["version"]["N"]),
            seq=int(item["seq"]["N"]),
            created_at=item["created_at"]["S"],
            updated_at=item["updated_at"]["S"],
            deleted=item.get("deleted", {}).get("BOOL", False),
            due_sk=item.get("due_sk", {}).get("S"),
            due_info=json.loads(due_info) if due_info else None,
            extra={"pk": item["PK"]["S"]},
        )

    # -- versioned items --------------------------------------------------

    def get(self, sub: str, kind: Kind, item_id: str) -> Stored | None:
        """The user's item (live or a tombstone), or None. One consistent read."""
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": user_pk(sub)}, "SK": {"S": item_sk(kind, item_id)}})
        item = resp.get("Item")
        return self._from_item(item) if item else None

    def get_many(self, sub: str, kind: Kind, ids: Sequence[str]) -> dict[str, Stored]:
        """:meth:`get` for many items of ``sub``, keyed by the ids as asked (absent items
        are left out)."""
        asked: dict[str, list[str]] = {}
        for item_id in ids:
            asked.setdefault(item_sk(kind, item_id), []).append(item_id)
        found = self._get_many(sub, list(asked))
        return {item_id: stored for sk, stored in found.items() for item_id in asked[sk]}

    def _get_many(self, sub: str, keys: Sequence[str]) -> dict[str, Stored]:
        """Items by sort key (consistent reads, BatchGetItem, 100 keys a call; unprocessed
        keys retried with back-off)."""
        pk = user_pk(sub)
        out: dict[str, Stored] = {}
        for start in range(0, len(keys), BATCH_GET):
            want = [{"PK": {"S": pk}, "SK": {"S": sk}} for sk in keys[start:start + BATCH_GET]]
            delay = 0.05
            for _ in range(8):
                resp = self._call("batch_get_item", RequestItems={
                    self.table: {"Keys": want, "ConsistentRead": True}})
                for item in (resp.get("Responses") or {}).get(self.table, []):
                    stored = self._from_item(item)
                    out[stored.sk] = stored
                want = ((resp.get("UnprocessedKeys") or {}).get(self.table) or {}).get("Keys") \
                    or []
                if not want:
                    break
                self.sleep(delay)
                delay = min(delay * 2, 2.0)
            else:
                raise TooManyRequests("the database is busy; retry shortly",
                                      headers={"Retry-After": "1"})
        return out

    def counter(self, sub: str) -> int:
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": user_pk(sub)}, "SK": {"S": META_SK}},
                          ProjectionExpression="#c", ExpressionAttributeNames={"#c": "counter"})
        return int(resp.get("Item", {}).get("counter", {}).get("N", "0"))

    def commit(self, sub: str, writes: Sequence[Write], now: datetime) -> list[Stored]:
        """Write ``writes`` in one transaction with consecutive change numbers.

        Each write succeeds only if its item is still at ``prev_version`` (or
        absent for None). Raises :class:`Contention` when anything moved.
        """
        if not writes or len(writes) > 99:
            raise ValueError("commit takes 1..99 writes")
        pk = user_pk(sub)
        base = self.counter(sub)
        stamp = iso(now)
        counter_update: dict[str, Any] = {
            "TableName": self.table,
            "Key": {"PK": {"S": pk}, "SK": {"S": META_SK}},
            "UpdateExpression": "SET #c = :new",
            "ExpressionAttributeNames": {"#c": "counter"},
            "ExpressionAttributeValues": {":new": {"N": str(base + len(writes))}},
        }
        if base == 0:
            counter_update["ConditionExpression"] = "attribute_not_exists(#c)"
        else:
            counter_update["ConditionExpression"] = "#c = :old"
            counter_update["ExpressionAttributeValues"][":old"] = {"N": str(base)}
        actions: list[dict[str, Any]] = [{"Update": counter_update}]
        stored: list[Stored] = []
        for i, w in enumerate(writes, start=1):
            version = (w.prev_version or 0) + 1
            sk = item_sk(w.kind, w.id)
            item: dict[str, Any] = {
                "PK": {"S": pk},
                "SK": {"S": sk},
                "doc": {"S": json.dumps(w.doc, separators=(",", ":"), ensure_ascii=False)},
                "version": {"N": str(version)},
                "seq": {"N": str(base + i)},
                "created_at": {"S": w.created_at or stamp},
                "updated_at": {"S": stamp},
                "deleted": {"BOOL": w.deleted},
            }
            if w.deleted:
                item["expires_at"] = {"N": str(int((now + self.tombstone_horizon).timestamp()))}
            elif w.expires_at is not None:
                item["expires_at"] = {"N": str(w.expires_at)}
            if w.series_uid is not None:
                item["series"] = {"S": series_key(sub, w.series_uid)}
            if w.envelope:
                item["rs"] = {"N": str(w.envelope[0])}
                item["re"] = {"N": str(w.envelope[1])}
            due_sk = None
            if w.due is not None and not w.deleted:
                due_attrs = self._due_attrs(sub, w.id.lower(), w.due)
                item.update(due_attrs)
                due_sk = due_attrs["due_sk"]["S"]
            put: dict[str, Any] = {"TableName": self.table, "Item": item}
            if w.prev_version is None:
                put["ConditionExpression"] = "attribute_not_exists(PK)"
            else:
                put["ConditionExpression"] = "version = :v"
                put["ExpressionAttributeValues"] = {":v": {"N": str(w.prev_version)}}
            actions.append({"Put": put})
            stored.append(Stored(sk=sk, doc=w.doc, version=version, seq=base + i,
                                 created_at=w.created_at or stamp, updated_at=stamp,
                                 deleted=w.deleted, due_sk=due_sk,
                                 due_info=w.due.info if w.due else None))
        try:
            self._call("transact_write_items", TransactItems=actions)
        except ClientError as exc:
            if self._is_condition_failure(exc):
                raise Contention(str(exc)) from exc
            raise
        return stored

    def calendars(self, sub: str) -> Iterator[Stored]:
        """The user's calendars (not the deleted ones)."""
        return self._query_prefix(sub, _PREFIX[Kind.CALENDAR])

    def events(self, sub: str, *, window: tuple[int, int] | None = None) -> Iterator[Stored]:
        """The user's events (not the deleted ones); with ``window``, only those that may
        touch [from, to] epoch seconds (by the envelope they were written with)."""
        return self._query_prefix(sub, _PREFIX[Kind.EVENT], window=window)

    def _query_prefix(self, sub: str, prefix: str, *, include_deleted: bool = False,
                      window: tuple[int, int] | None = None) -> Iterator[Stored]:
        """Items of ``sub`` whose SK starts with ``prefix``; ``window`` filters events
        by their envelope (they may touch [from, to] epoch seconds)."""
        kw: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
            "ExpressionAttributeValues": {":pk": {"S": user_pk(sub)}, ":p": {"S": prefix}},
        }
        filters = []
        if not include_deleted:
            filters.append("deleted = :f")
            kw["ExpressionAttributeValues"][":f"] = {"BOOL": False}
        if window is not None:
            filters.append("rs <= :to AND re >= :from")
            kw["ExpressionAttributeValues"][":from"] = {"N": str(window[0])}
            kw["ExpressionAttributeValues"][":to"] = {"N": str(window[1])}
        if filters:
            kw["FilterExpression"] = " AND ".join(filters)
        while True:
            resp = self._call("query", **kw)
            for item in resp.get("Items", []):
                yield self._from_item(item)
            if "LastEvaluatedKey" not in resp:
                return
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def series_members(self, sub: str, uid: str) -> list[Stored]:
        """The master and overrides sharing ``uid`` (eventually consistent GSI read)."""
        kw: dict[str, Any] = {
            "TableName": self.table, "IndexName": GSI_SERIES,
            "KeyConditionExpression": "series = :s",
            "ExpressionAttributeValues": {":s": {"S": series_key(sub, uid)}},
        }
        out: list[Stored] = []
        while True:
            resp = self._call("query", **kw)
            out.extend(self._from_item(i) for i in resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                return out
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def changes(self, sub: str, after_seq: int, limit: int) -> tuple[list[Stored], bool]:
        """Items of ``sub`` changed after ``after_seq``, in change order; True if more."""
        resp = self._call(
            "query", TableName=self.table, IndexName=GSI_SYNC,
            KeyConditionExpression="PK = :pk AND seq > :s",
            ExpressionAttributeValues={":pk": {"S": user_pk(sub)}, ":s": {"N": str(after_seq)}},
            Limit=limit,
        )
        items = [self._from_item(i) for i in resp.get("Items", [])]
        return items, "LastEvaluatedKey" in resp

    # -- settings ---------------------------------------------------------

    # -- zones a file defined (X-AURORA/<hash>, docs/import.md) -----------

    def get_zone(self, sub: str, name: str) -> str | None:
        """The definition ``sub`` stored for zone ``name``, or None."""
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": user_pk(sub)}, "SK": {"S": ZONE_PREFIX + name}},
                          ProjectionExpression="#d", ExpressionAttributeNames={"#d": "definition"})
        text = resp.get("Item", {}).get("definition", {}).get("S")
        return str(text) if text else None

    def put_zones(self, sub: str, zones: dict[str, str]) -> None:
        """Keep zone definitions for ``sub`` (a name is the hash of its definition, so
        writing one again writes the same item). Deleted with the account's items."""
        for name, text in sorted(zones.items()):
            self._call("put_item", TableName=self.table, Item={
                "PK": {"S": user_pk(sub)}, "SK": {"S": ZONE_PREFIX + name},
                "definition": {"S": text}})

    def get_settings(self, sub: str) -> dict[str, Any] | None:
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": user_pk(sub)}, "SK": {"S": META_SK}},
                          ProjectionExpression="settings")
        text = resp.get("Item", {}).get("settings", {}).get("S")
        return json.loads(text) if text else None

    def put_settings(self, sub: str, settings: dict[str, Any]) -> None:
        self._call("update_item", TableName=self.table,
                   Key={"PK": {"S": user_pk(sub)}, "SK": {"S": META_SK}},
                   UpdateExpression="SET settings = :s",
                   ExpressionAttributeValues={":s": {"S": json.dumps(settings)}})

    # -- the account ------------------------------------------------------

    def revoked_at(self, sub: str) -> tuple[float, bool] | None:
        """The user's revoked mark: (epoch seconds of the last sign-out-everywhere or
        account deletion, whether the account was deleted), or None."""
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": revoked_pk(sub)}, "SK": {"S": REVOKED_SK}},
                          ProjectionExpression="revoked_at, account_deleted")
        item = resp.get("Item") or {}
        text = item.get("revoked_at", {}).get("N")
        if not text:
            return None
        return float(text), bool(item.get("account_deleted", {}).get("BOOL", False))

    def mark_revoked(self, sub: str, at: datetime, keep: timedelta, *,
                     account_deleted: bool = False) -> None:
        """Refuse tokens issued before ``at`` (never moves the mark back; with
        ``account_deleted``, every token of the user). The item expires (TTL) ``keep``
        after ``at``."""
        when = at.timestamp()
        values: dict[str, Any] = {":t": {"N": f"{when:.3f}"},
                                  ":e": {"N": str(math.ceil(when + keep.total_seconds()))}}
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": {"PK": {"S": revoked_pk(sub)}, "SK": {"S": REVOKED_SK}},
            "UpdateExpression": "SET revoked_at = :t, expires_at = :e",
            "ExpressionAttributeValues": values}
        if account_deleted:  # refuses every token: where revoked_at stands no longer matters
            update["UpdateExpression"] += ", account_deleted = :d"
            values[":d"] = {"BOOL": True}
        else:
            update["ConditionExpression"] = "attribute_not_exists(revoked_at) OR revoked_at < :t"
        try:
            self._call("update_item", **update)
        except ClientError as exc:
            if not self._is_condition_failure(exc):
                raise

    def delete_user_items(self, sub: str, limit: int) -> tuple[int, bool]:
        """Delete up to ``limit`` items of the user's partition (everything: META,
        calendars, events, reminder states, tombstones).

        Returns (items deleted, whether more may remain). Batches of 25;
        unprocessed items are retried with exponential back-off.
        """
        kw: dict[str, Any] = {
            "TableName": self.table, "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": user_pk(sub)}},
            "ProjectionExpression": "PK, SK",
        }
        keys: list[dict[str, Any]] = []
        more = False
        while len(keys) < limit:
            kw["Limit"] = min(1000, limit - len(keys))
            resp = self._call("query", **kw)
            keys.extend({"PK": i["PK"], "SK": i["SK"]} for i in resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                break
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        else:
            more = True
        for start in range(0, len(keys), BATCH_WRITE):
            self._batch_delete(keys[start:start + BATCH_WRITE])
        return len(keys), more

    def _batch_delete(self, keys: list[dict[str, Any]], attempts: int = 8) -> None:
        requests: list[dict[str, Any]] = [{"DeleteRequest": {"Key": k}} for k in keys]
        delay = 0.05
        for _ in range(attempts):
            resp = self._call("batch_write_item", RequestItems={self.table: requests})
            requests = (resp.get("UnprocessedItems") or {}).get(self.table) or []
            if not requests:
                return
            self.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise TooManyRequests("the database is busy; retry shortly",
                              headers={"Retry-After": "1"})

    # -- request limits ---------------------------------------------------

    def take_turn(self, key: str, now_ms: int, interval_ms: int, tolerance_ms: int,
                  keep_seconds: int) -> int:
        """One request of caller ``key`` under GCRA (aurora_cloud/limits.py): 0 if it may
        go (its turn is recorded), else the milliseconds until it may.

        The item keeps ``tat``, when the caller's next request is due (epoch ms). An
        idle caller (``tat`` past) starts afresh in one conditional update; a busy
        one (``tat`` ahead, told by that update's failure) moves ``tat`` one interval
        on, on condition that it is still at most ``tolerance_ms`` ahead. Races re-run
        the pair (at most 3 times; then the request is refused for one interval).
        """
        key_attrs = {"PK": {"S": f"LIMIT#{key}"}, "SK": {"S": LIMIT_SK}}
        for _ in range(3):
            expires = {"N": str((now_ms + interval_ms) // 1000 + keep_seconds)}
            try:
                self._call("update_item", TableName=self.table, Key=key_attrs,
                           UpdateExpression="SET tat = :next, expires_at = :e",
                           ConditionExpression="attribute_not_exists(tat) OR tat < :now",
                           ExpressionAttributeValues={
                               ":next": {"N": str(now_ms + interval_ms)},
                               ":now": {"N": str(now_ms)}, ":e": expires},
                           ReturnValuesOnConditionCheckFailure="ALL_OLD")
                return 0
            except ClientError as exc:
                if not self._is_condition_failure(exc):
                    raise
                tat = _tat_of(exc)
            if tat is None or tat < now_ms:
                continue
            if tat - now_ms > tolerance_ms:
                return tat - tolerance_ms - now_ms
            latest = now_ms + tolerance_ms + interval_ms
            try:
                self._call("update_item", TableName=self.table, Key=key_attrs,
                           UpdateExpression="SET tat = tat + :i, expires_at = :e",
                           ConditionExpression="tat >= :now AND tat <= :limit",
                           ExpressionAttributeValues={
                               ":i": {"N": str(interval_ms)}, ":now": {"N": str(now_ms)},
                               ":limit": {"N": str(now_ms + tolerance_ms)},
                               ":e": {"N": str(latest // 1000 + keep_seconds)}},
                           ReturnValuesOnConditionCheckFailure="ALL_OLD")
                return 0
            except ClientError as exc:
                if not self._is_condition_failure(exc):
                    raise
                tat = _tat_of(exc)
            if tat is not None and tat - now_ms > tolerance_ms:
                return tat - tolerance_ms - now_ms
        return interval_ms

    # -- due reminders ----------------------------------------------------

    def _due_attrs(self, sub: str, event_id: str, due: Due) -> dict[str, Any]:
        shard = shard_of(sub, event_id, self.due_shards)
        return {
            "due_pk": {"S": due_bucket(due.at, shard)},
            "due_sk": {"S": f"{iso(due.at)}#{sub}#{event_id}"},
            "due_info": {"S": json.dumps(due.info)},
        }

    def set_event_due(self, sub: str, event_id: str, version: int, due: Due | None) -> bool:
        """Point an event's next reminder at ``due`` (None: none) if the event is still
        ``version`` and not deleted; False if it is not."""
        key = {"PK": {"S": user_pk(sub)}, "SK": {"S": item_sk(Kind.EVENT, event_id)}}
        values: dict[str, Any] = {":v": {"N": str(version)}}
        # A lease or a parking of the dispatcher is over: the reminders are planned anew.
        if due is None:
            expr = "REMOVE due_pk, due_sk, due_info, lease_of, released, parked_reason"
        else:
            attrs = self._due_attrs(sub, event_id.lower(), due)
            expr = ("SET due_pk = :dp, due_sk = :ds, due_info = :di "
                    "REMOVE lease_of, released, parked_reason")
            values.update({":dp": attrs["due_pk"], ":ds": attrs["due_sk"],
                           ":di": attrs["due_info"]})
        try:
            self._call("update_item", TableName=self.table, Key=key, UpdateExpression=expr,
                       ConditionExpression="version = :v AND deleted = :f",
                       ExpressionAttributeValues={**values, ":f": {"BOOL": False}})
        except ClientError as exc:
            if self._is_condition_failure(exc):
                return False
            raise
        return True

    def due_in_bucket(self, bucket: str, upto: datetime) -> list[dict[str, Any]]:
        """Raw items in one due bucket whose reminder is due at or before ``upto``."""
        kw: dict[str, Any] = {
            "TableName": self.table, "IndexName": GSI_DUE,
            "KeyConditionExpression": "due_pk = :b AND due_sk <= :u",
            "ExpressionAttributeValues": {":b": {"S": bucket}, ":u": {"S": iso(upto) + "~"}},
        }
        out: list[dict[str, Any]] = []
        while True:
            resp = self._call("query", **kw)
            out.extend(resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                return out
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    # -- the dispatcher's leases (docs/cloud.md, "The reminder dispatcher") ------------
    #
    # A claimed reminder moves out of its minute's bucket into its shard's lease
    # bucket (``LEASE#<shard>``), sorted by when the lease runs out; every run
    # claims the leases that ran out again. ``lease_of`` keeps the reminder's own
    # due_sk. "Sent" moves it on to its next due; parking moves it to ``PARKED``.

    def lease_buckets(self) -> list[str]:
        return [lease_bucket(shard) for shard in range(self.due_shards)]

    def _lease_update(self, pk: str, sk: str, old_due_sk: str, reminder_sk: str,
                      lease_until: datetime) -> tuple[dict[str, Any], str]:
        sub, event_id = pk.removeprefix("USER#"), sk.removeprefix("EVT#")
        lease_sk = f"{iso(lease_until)}#{sub}#{event_id}#{uuid.uuid4().hex[:8]}"
        update = {
            "TableName": self.table, "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": "SET due_pk = :lp, due_sk = :ls, lease_of = :of "
                                "REMOVE released",
            "ConditionExpression": "due_sk = :old",
            "ExpressionAttributeValues": {
                ":lp": {"S": lease_bucket(shard_of(sub, event_id, self.due_shards))},
                ":ls": {"S": lease_sk}, ":of": {"S": reminder_sk}, ":old": {"S": old_due_sk}}}
        return update, lease_sk

    def claim_leases(self, claims: Sequence[tuple[str, str, str, str]],
                     lease_until: datetime) -> list[str | None]:
        """Lease reminders for sending: each ``(pk, sk, due_sk as read, the reminder's
        own due_sk)`` moves to its lease bucket, claimable again from ``lease_until``.

        Conditional on the due_sk read: of two runs exactly one wins. Returns the
        lease's due_sk for each, None for a lost race. One transaction when none is
        contested, one conditional update each otherwise (same answers).
        """
        parts = [self._lease_update(*claim, lease_until) for claim in claims]
        if len(parts) > 1:
            try:
                self._call("transact_write_items",
                           TransactItems=[{"Update": update} for update, _ in parts])
                return [lease_sk for _, lease_sk in parts]
            except ClientError as exc:
                if not self._is_condition_failure(exc):
                    raise
        out: list[str | None] = []
        for update, lease_sk in parts:
            out.append(lease_sk if self._conditional(update) else None)
        return out

    def _conditional(self, update: dict[str, Any]) -> bool:
        try:
            self._call("update_item", **update)
        except ClientError as exc:
            if self._is_condition_failure(exc):
                return False
            raise
        return True

    def _release_update(self, pk: str, sk: str, lease_sk: str,
                        retry_at: datetime) -> dict[str, Any]:
        sub, event_id = pk.removeprefix("USER#"), sk.removeprefix("EVT#")
        return {
            "TableName": self.table, "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": "SET due_sk = :r, released = :t",
            "ConditionExpression": "due_sk = :lease",
            "ExpressionAttributeValues": {
                ":r": {"S": f"{iso(retry_at)}#{sub}#{event_id}#{uuid.uuid4().hex[:8]}"},
                ":t": {"BOOL": True}, ":lease": {"S": lease_sk}}}

    def release_lease(self, pk: str, sk: str, lease_sk: str, retry_at: datetime) -> bool:
        """Give a leased reminder back (its send failed, or the run ran out of time): the
        first run at or after ``retry_at`` claims it again."""
        return self._conditional(self._release_update(pk, sk, lease_sk, retry_at))

    def release_leases(self, leases: Sequence[tuple[str, str, str]],
                       retry_at: datetime) -> list[bool]:
        """:meth:`release_lease` for many ``(pk, sk, lease_sk)``: one transaction when
        all are still ours, one update each otherwise (same answers)."""
        updates = [self._release_update(pk, sk, lease, retry_at) for pk, sk, lease in leases]
        if len(updates) > 1:
            try:
                self._call("transact_write_items",
                           TransactItems=[{"Update": u} for u in updates])
                return [True] * len(updates)
            except ClientError as exc:
                if not self._is_condition_failure(exc):
                    raise
        return [self._conditional(u) for u in updates]

    def finish_lease(self, pk: str, sk: str, lease_sk: str, due: Due | None,
                     sent_at: datetime | None) -> bool:
        """The leased reminder is done (emailed at ``sent_at``, or skipped): move the
        event on to ``due`` (None: no more). False if the lease is no longer ours (the
        event was written meanwhile: the API planned its reminders again)."""
        sub = pk.removeprefix("USER#")
        values: dict[str, Any] = {":lease": {"S": lease_sk}}
        sets = []
        if due is None:
            removes = ["due_pk", "due_sk", "due_info"]
        else:
            attrs = self._due_attrs(sub, sk.removeprefix("EVT#"), due)
            sets += ["due_pk = :dp", "due_sk = :ds", "due_info = :di"]
            values.update({":dp": attrs["due_pk"], ":ds": attrs["due_sk"],
                           ":di": attrs["due_info"]})
            removes = []
        if sent_at is not None:
            sets.append("last_sent = :sent")
            values[":sent"] = {"S": iso(sent_at)}
        removes += ["lease_of", "released"]
        expr = ("SET " + ", ".join(sets) + " " if sets else "") + "REMOVE " + ", ".join(removes)
        return self._conditional({
            "TableName": self.table, "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": expr, "ConditionExpression": "due_sk = :lease",
            "ExpressionAttributeValues": values})

    def park_lease(self, pk: str, sk: str, lease_sk: str, reason: str, at: datetime) -> bool:
        """Take a leased reminder out of the schedule: planning or rendering it failed or
        ran over its budget. It waits in ``PARKED`` (with ``parked_reason`` and, in
        ``lease_of``, the reminder) until the event is written again."""
        sub, event_id = pk.removeprefix("USER#"), sk.removeprefix("EVT#")
        return self._conditional({
            "TableName": self.table, "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
            "UpdateExpression": "SET due_pk = :p, due_sk = :s, parked_reason = :r "
                                "REMOVE released",
            "ConditionExpression": "due_sk = :lease",
            "ExpressionAttributeValues": {
                ":p": {"S": PARKED_PK}, ":s": {"S": f"{iso(at)}#{sub}#{event_id}"},
                ":r": {"S": reason[:1000]}, ":lease": {"S": lease_sk}}})

    def parked(self, limit: int = 100) -> list[dict[str, Any]]:
        """Parked reminders, oldest first (raw items: ``parked_reason``, ``lease_of``)."""
        resp = self._call("query", TableName=self.table, IndexName=GSI_DUE,
                          KeyConditionExpression="due_pk = :p",
                          ExpressionAttributeValues={":p": {"S": PARKED_PK}}, Limit=limit)
        items: list[dict[str, Any]] = resp.get("Items", [])
        return items

    def get_raw(self, pk: str, sk: str) -> dict[str, Any] | None:
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key={"PK": {"S": pk}, "SK": {"S": sk}})
        item: dict[str, Any] | None = resp.get("Item")
        return item

    def dispatcher_mark(self) -> datetime | None:
        resp = self._call("get_item", TableName=self.table, ConsistentRead=True,
                          Key=DISPATCHER_KEY)
        text = resp.get("Item", {}).get("done_through", {}).get("S")
        return parse_iso(text) if text else None

    def set_dispatcher_mark(self, done_through: datetime) -> None:
        """Record that every bucket up to ``done_through``'s minute is done.

        Never moves the mark backwards past a later mark another run wrote.
        """
        try:
            self._call("put_item", TableName=self.table,
                       Item={**DISPATCHER_KEY, "done_through": {"S": iso(done_through)}},
                       ConditionExpression="attribute_not_exists(done_through) OR "
                                           "done_through < :d",
                       ExpressionAttributeValues={":d": {"S": iso(done_through)}})
        except ClientError as exc:
            if not self._is_condition_failure(exc):
                raise


def _tat_of(exc: ClientError) -> int | None:
    """The stored ``tat`` a failed conditional update returned (ALL_OLD), if any."""
    text = ((exc.response.get("Item") or {}).get("tat") or {}).get("N")
    return int(text) if text is not None else None


def series_key(sub: str, uid: str) -> str:
    digest = hashlib.sha256(uid.encode()).hexdigest()[:32]
    return f"USER#{sub}#UID#{digest}"
