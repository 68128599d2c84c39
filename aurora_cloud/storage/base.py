"""What the storage hands out and takes in (:class:`Stored`, :class:`Write`, :class:`Due`),
and :class:`StorageBase`: the client, the table and the calls every part makes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from aurora_cloud.errors import TooManyRequests
from aurora_cloud.storage.keys import (
    DUE_SHARDS,
    KIND_OF_PREFIX,
    Kind,
    due_bucket,
    iso,
    shard_of,
)


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
        return KIND_OF_PREFIX[self.sk[:4]]

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


THROTTLE_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException",
                  "RequestLimitExceeded"}


class StorageBase:
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

    def _conditional(self, update: dict[str, Any]) -> bool:
        try:
            self._call("update_item", **update)
        except ClientError as exc:
            if self._is_condition_failure(exc):
                return False
            raise
        return True

    def _due_attrs(self, sub: str, event_id: str, due: Due) -> dict[str, Any]:
        shard = shard_of(sub, event_id, self.due_shards)
        return {
            "due_pk": {"S": due_bucket(due.at, shard)},
            "due_sk": {"S": f"{iso(due.at)}#{sub}#{event_id}"},
            "due_info": {"S": json.dumps(due.info)},
        }
