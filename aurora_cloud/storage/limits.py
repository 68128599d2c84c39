"""Request limits per caller (GCRA, aurora_cloud/limits.py)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from aurora_cloud.storage.base import StorageBase
from aurora_cloud.storage.keys import LIMIT_SK, limit_pk


class LimitsPart(StorageBase):
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
        key_attrs = {"PK": {"S": limit_pk(key)}, "SK": {"S": LIMIT_SK}}
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


def _tat_of(exc: ClientError) -> int | None:
    """The stored ``tat`` a failed conditional update returned (ALL_OLD), if any."""
    text = ((exc.response.get("Item") or {}).get("tat") or {}).get("N")
    return int(text) if text is not None else None
