"""The suppression list: addresses the dispatcher must never email again.

SES publishes bounce and complaint events of the stack's configuration set to an
SNS topic; :func:`handler` (SuppressionFunction) records each hard-bounced or
complaining recipient as an item of the table::

    PK = "SUPPRESSED#<address, lower case>", SK = "SUPPRESSED"

and :class:`SuppressionList` is the look-up the dispatcher makes before it sends
(one GetItem, which its role already may). Soft (transient) bounces are not
recorded: SES retries those itself. An item is never removed automatically;
an operator deletes it once the address works again (docs/deploy.md).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

PREFIX = "SUPPRESSED#"
SORT_KEY = "SUPPRESSED"


def _key(address: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": PREFIX + address.strip().lower()}, "SK": {"S": SORT_KEY}}


class SuppressionList:
    """Suppressed addresses in the table (a low-level DynamoDB client)."""

    def __init__(self, ddb: Any, table: str) -> None:
        self.ddb = ddb
        self.table = table

    def add(self, address: str, reason: str, at: datetime | None = None) -> None:
        when = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ddb.put_item(TableName=self.table, Item={
            **_key(address), "reason": {"S": reason}, "at": {"S": when}})

    def contains(self, address: str) -> bool:
        got = self.ddb.get_item(TableName=self.table, Key=_key(address),
                                ProjectionExpression="PK", ConsistentRead=True)
        return "Item" in got


def suppressed_recipients(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(address, reason) pairs to suppress from one SES event (configuration-set
    event publishing: ``eventType``; identity notifications: ``notificationType``)."""
    kind = str(message.get("eventType") or message.get("notificationType") or "")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(str(r["emailAddress"]), "bounce")
                for r in bounce.get("bouncedRecipients") or [] if r.get("emailAddress")]
    if kind == "Complaint":
        complaint = message.get("complaint") or {}
        return [(str(r["emailAddress"]), "complaint")
                for r in complaint.get("complainedRecipients") or [] if r.get("emailAddress")]
    return []


def _address_only(text: str) -> str:
    """``Name <a@b>`` -> ``a@b``."""
    if "<" in text and text.endswith(">"):
        return text[text.rindex("<") + 1:-1]
    return text


def record(event: dict[str, Any], suppressions: SuppressionList) -> int:
    """Record every suppressed recipient of an SNS event; returns how many."""
    n = 0
    for rec in event.get("Records") or []:
        message = json.loads(rec["Sns"]["Message"])
        for address, reason in suppressed_recipients(message):
            suppressions.add(_address_only(address), reason)
            n += 1
    return n


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    import boto3

    suppressions = SuppressionList(boto3.client("dynamodb"), os.environ["TABLE_NAME"])
    return {"suppressed": record(event, suppressions)}
