"""The table's keys: what the storage writes into ``PK``, ``SK`` and the GSI keys, and
reads back out of them. Nothing outside :mod:`aurora_cloud.storage` builds or reads one."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum

GSI_SYNC = "sync"
GSI_DUE = "due"
GSI_SERIES = "series"
DUE_SHARDS = 10
META_SK = "META"
ZONE_PREFIX = "ZONE#"  # + X-AURORA/<hash>: a zone an imported file defined
REVOKED_SK = "REVOKED"
LIMIT_SK = "LIMIT"
PARKED_PK = "PARKED"  # the due GSI partition of parked reminders
DISPATCHER_KEY = {"PK": {"S": "SYSTEM"}, "SK": {"S": "DISPATCHER"}}


class Kind(StrEnum):
    """What a versioned item of a user is."""

    CALENDAR = "calendar"
    EVENT = "event"
    REMINDER_STATE = "reminder_state"


ITEM_PREFIX = {Kind.CALENDAR: "CAL#", Kind.EVENT: "EVT#", Kind.REMINDER_STATE: "RST#"}
KIND_OF_PREFIX = {prefix: kind for kind, prefix in ITEM_PREFIX.items()}


def item_sk(kind: Kind, item_id: str) -> str:
    """The sort key of a user's item. Event and reminder state ids are UUIDs, matched
    whatever their case; a calendar id is the client's, kept as it is."""
    return ITEM_PREFIX[kind] + (item_id if kind is Kind.CALENDAR else item_id.lower())


def user_pk(sub: str) -> str:
    return f"USER#{sub}"


def user_of(pk: str) -> str:
    """The ``sub`` of a user's partition key."""
    return pk.removeprefix("USER#")


def event_of(sk: str) -> str:
    """The event id of an event's sort key."""
    return sk.removeprefix(ITEM_PREFIX[Kind.EVENT])


def revoked_pk(sub: str) -> str:
    return f"REVOKED#{sub}"


def limit_pk(caller: str) -> str:
    return f"LIMIT#{caller}"


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


def series_key(sub: str, uid: str) -> str:
    digest = hashlib.sha256(uid.encode()).hexdigest()[:32]
    return f"USER#{sub}#UID#{digest}"
