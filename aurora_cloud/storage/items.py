"""Versioned items of a user (calendars, events, reminder states): reads, the
transactional commit with the change counter, the change feed and series index;
and the user's zone definitions and settings."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from aurora_cloud.errors import Contention, TooManyRequests
from aurora_cloud.storage.base import StorageBase, Stored, Write
from aurora_cloud.storage.keys import (
    GSI_SERIES,
    GSI_SYNC,
    ITEM_PREFIX,
    META_SK,
    ZONE_PREFIX,
    Kind,
    iso,
    item_sk,
    series_key,
    user_pk,
)

BATCH_GET = 100  # DynamoDB's BatchGetItem limit


class ItemsPart(StorageBase):
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
        return self._query_prefix(sub, ITEM_PREFIX[Kind.CALENDAR])

    def events(self, sub: str, *, window: tuple[int, int] | None = None) -> Iterator[Stored]:
        """The user's events (not the deleted ones); with ``window``, only those that may
        touch [from, to] epoch seconds (by the envelope they were written with)."""
        return self._query_prefix(sub, ITEM_PREFIX[Kind.EVENT], window=window)

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
