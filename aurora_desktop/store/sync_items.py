"""The synced items as sync sees them: their content, their bases, per-account values.

- **content**: an item (calendar, event, reminder state) in wire form without
  the server's fields, normalised so that equal means "no change"
  (:func:`event_content`, :meth:`SyncItemsMixin._local_content`).
- **base** (``sync_base``): the item exactly as the server last confirmed it,
  in wire form, with its server version. No base: never confirmed.
- **sync values** (``sync_meta``): per-account bookkeeping, such as the cursor.

The other sync parts (``sync_outbox``, ``sync_conflicts``, ``sync_remote``,
``sync_accounts``) build on this one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aurora_core.model import Calendar, Event
from aurora_desktop.lazy import LazyModule

from .base import ReminderState, StoreBase
from .rows import _EVENT_COLS

if TYPE_CHECKING:
    from aurora_core import merge as mg
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    mg = LazyModule("aurora_core.merge")
    wire = LazyModule("aurora_core.wire")


__all__ = ["SERVER_FIELDS", "SyncItemsMixin", "calendar_content", "event_content",
           "reminder_state_content"]

SERVER_FIELDS = ("version", "created_at", "updated_at", "deleted")


def _content(item: dict[str, Any]) -> dict[str, Any]:
    """The client-owned part of a stored wire item."""
    data = {k: v for k, v in item.items() if k not in SERVER_FIELDS}
    if "uid" in data and data["uid"] is None:
        data["uid"] = data.get("id")
    return data


def event_content(ev: Event) -> dict[str, Any]:
    return mg.normalize_event(wire.event_to_wire(ev).content()) or {}


def calendar_content(cal: Calendar, source_url: str | None = None) -> dict[str, Any]:
    # ``visible`` is this machine's preference: it never syncs. ``source_url``: a
    # subscription's address (its content never syncs: each desktop fetches it).
    data = wire.calendar_to_wire(cal, source_url=source_url).content()
    data["visible"] = True
    return data


def reminder_state_content(st: ReminderState, changed_at: datetime) -> dict[str, Any]:
    return {
        "id": wire.reminder_state_id(st.occurrence_key, st.reminder, st.due),
        "occurrence_key": st.occurrence_key, "reminder": st.reminder, "state": st.state,
        "due": _iso(st.due),
        "snoozed_until": None if st.snoozed_until is None else _iso(st.snoozed_until),
        "changed_at": _iso(changed_at),
    }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _norm(entity: str, content: dict[str, Any] | None) -> dict[str, Any] | None:
    if content is None:
        return None
    if entity == "event":
        return mg.normalize_event(content)
    if entity == "calendar":
        return {**content, "visible": True}
    return content


def _chunks(ids: Sequence[str], n: int = 500) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]



class SyncItemsMixin(StoreBase):
    # ------------------------------------------------------- sync values

    def sync_value(self, account: str, name: str) -> str | None:
        """The sync bookkeeping value ``name`` ("cursor", "adopt_local", …) of ``account``."""
        row = self._db.execute("SELECT value FROM sync_meta WHERE key = ?",
                               (f"{account}|{name}",)).fetchone()
        return None if row is None else str(row[0])

    def set_sync_value(self, account: str, name: str, value: str | None) -> None:
        with self._tx():
            self._put_sync_value(account, name, value)

    def _put_sync_value(self, account: str, name: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM sync_meta WHERE key = ?", (f"{account}|{name}",))
        else:
            self._db.execute("INSERT OR REPLACE INTO sync_meta VALUES (?, ?)",
                             (f"{account}|{name}", value))

    def _drop_sync_values(self, account: str) -> None:
        """Forget every sync value of ``account`` (its calendars went, or it was deleted)."""
        prefix = f"{account}|"
        self._db.execute("DELETE FROM sync_meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))

    # ------------------------------------------------------ items, bases

    def _local_content(self, entity: str, item_id: str) -> dict[str, Any] | None:
        """The item as this desktop has it now, in wire content form (None: deleted)."""
        if entity == "event":
            r = self._db.execute(f"SELECT {_EVENT_COLS} FROM events WHERE id = ? AND deleted = 0",
                                 (item_id,)).fetchone()
            return None if r is None else event_content(self._row_to_event(r))
        if entity == "calendar":
            r = self._db.execute("SELECT id, name, color, visible, read_only, source_url FROM "
                                 "calendars WHERE id = ? AND deleted = 0", (item_id,)).fetchone()
            return None if r is None else calendar_content(
                Calendar(r[0], r[1], r[2], bool(r[3]), bool(r[4])), r[5])
        occurrence_key, _, reminder = item_id.rpartition("#")
        r = self._db.execute(
            "SELECT state, due, snoozed_until, updated FROM reminder_state "
            "WHERE occurrence_key = ? AND reminder = ?", (occurrence_key, reminder)).fetchone()
        if r is None:
            return None
        st = ReminderState(occurrence_key, reminder, r[0], datetime.fromtimestamp(r[1], UTC),
                           None if r[2] is None else datetime.fromtimestamp(r[2], UTC))
        return reminder_state_content(st, datetime.fromtimestamp(r[3], UTC))

    def base(self, entity: str, item_id: str) -> tuple[int, dict[str, Any]] | None:
        """(server version, the item as the server last confirmed it) or None."""
        row = self._db.execute("SELECT version, base FROM sync_base WHERE entity = ? AND id = ?",
                               (entity, item_id)).fetchone()
        return None if row is None else (int(row[0]), json.loads(row[1]))

    def _set_base(self, entity: str, item_id: str, version: int, item: dict[str, Any]) -> None:
        self._db.execute("INSERT OR REPLACE INTO sync_base VALUES (?, ?, ?, ?)",
                         (entity, item_id, version, json.dumps(item, separators=(",", ":"))))
