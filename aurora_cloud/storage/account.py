"""The account: the revoked mark (sign out everywhere, deletion) and deleting every
item of a user."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from aurora_cloud.errors import TooManyRequests
from aurora_cloud.storage.base import StorageBase
from aurora_cloud.storage.keys import REVOKED_SK, revoked_pk, user_pk

BATCH_WRITE = 25  # DynamoDB's BatchWriteItem limit


class AccountPart(StorageBase):
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
