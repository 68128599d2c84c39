"""Email reminders due: an event's next due, the due buckets, the dispatcher's leases,
parking and its mark (docs/cloud.md, "The reminder dispatcher")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from aurora_cloud.storage.base import Due, StorageBase
from aurora_cloud.storage.keys import (
    DISPATCHER_KEY,
    GSI_DUE,
    PARKED_PK,
    Kind,
    event_of,
    iso,
    item_sk,
    lease_bucket,
    parse_iso,
    shard_of,
    user_of,
    user_pk,
)


class DuePart(StorageBase):
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
        sub, event_id = user_of(pk), event_of(sk)
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

    def _release_update(self, pk: str, sk: str, lease_sk: str,
                        retry_at: datetime) -> dict[str, Any]:
        sub, event_id = user_of(pk), event_of(sk)
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
        sub = user_of(pk)
        values: dict[str, Any] = {":lease": {"S": lease_sk}}
        sets = []
        if due is None:
            removes = ["due_pk", "due_sk", "due_info"]
        else:
            attrs = self._due_attrs(sub, event_of(sk), due)
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
        sub, event_id = user_of(pk), event_of(sk)
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
