"""What sync needs from the store: pending changes, bases, the remote path, conflicts.

Per synced item (calendar, event, reminder state) the store keeps:

- its **base** (``sync_base``): the item exactly as the server last confirmed
  it, in wire form, with its server version. No base: never confirmed.
- whether it has **local changes** (``pending``): one row per item however
  many edits were made (coalesced). What to send is read from the item itself
  when pushing. A change that puts an item back to its base is no change.

Contract of the remote path (:meth:`SyncMixin.apply_remote_page`): what a pull
brings is written without creating pending changes, a page and the new cursor
in one transaction; an item with local changes is merged three ways
(:mod:`aurora_core.merge`), never overwritten; the server's own echo of our
change (same version as the base) is skipped.

Ownership: calendars belong to this computer (``account`` NULL) or to one
account; events follow their calendar and reminder states their event. Only
the signed-in account's items are ever sent, so two accounts never mix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aurora_core.defaults import DEFAULT_COLOR
from aurora_core.model import Calendar, Event
from aurora_desktop.lazy import LazyModule

from .base import _EVENT_COLS, ChangeNotice, ReminderState, StoreBase

if TYPE_CHECKING:
    from aurora_core import merge as mg
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    mg = LazyModule("aurora_core.merge")
    wire = LazyModule("aurora_core.wire")


__all__ = ["ApplyReport", "Conflict", "Outgoing", "SyncMixin"]

SERVER_FIELDS = ("version", "created_at", "updated_at", "deleted")
SENT_KEPT = 32  # distinct unconfirmed contents remembered per item


@dataclass(frozen=True)
class Outgoing:
    """One pending change as it is to be sent."""

    entity: str                     # 'calendar' | 'event' | 'reminder_state'
    id: str                         # the item id (reminder state: "<occurrence key>#<reminder>")
    content: dict[str, Any] | None  # what the server should hold; None: delete it there
    base_version: int | None        # the version our change is based on (None: never synced)
    base_deleted: bool = False      # the base is a tombstone: send as a (re)create
    is_override: bool = False
    sent: bool = False              # an earlier attempt may have reached the server
    # The event's row as it was read (opaque): confirm_written() compares the row, not
    # the content, to tell whether the event changed while it was being sent.
    row: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Conflict:
    """A unit both sides changed: ``kept`` is what every desktop has, ``lost`` ours."""

    seq: int
    entity: str
    id: str
    unit: str
    title: str
    kept: Any
    lost: Any
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "entity": self.entity, "field": self.unit, "title": self.title,
                "kept": self.kept, "lost": self.lost, "at": self.at.isoformat(),
                "conflict": self.seq}


@dataclass
class ApplyReport:
    """What applying server changes did (summed over pages)."""

    applied: int = 0
    merged: int = 0
    skipped_echo: int = 0
    regressed: int = 0         # server items older than our base: the server went back in time
    restored: list[str] = field(default_factory=list)   # an edit beat a delete
    conflicts: int = 0
    event_ids: set[str] = field(default_factory=set)
    calendar_ids: set[str] = field(default_factory=set)
    reminder_states: bool = False

    def notice(self) -> ChangeNotice:
        return ChangeNotice(event_ids=frozenset(self.event_ids),
                            calendar_ids=frozenset(self.calendar_ids),
                            reminder_state=self.reminder_states, remote=True)


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


class SyncMixin(StoreBase):
    # ------------------------------------------------------------ accounts

    def set_current_account(self, account: str | None) -> None:
        """The account this store syncs with from now on (None: signed out)."""
        with self._tx():
            self._set_meta("account", account)

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

    def local_calendars(self) -> list[Calendar]:
        """This computer's own calendars (in no account)."""
        ids = {cid for cid, acc in self.calendar_accounts().items() if acc is None}
        return [c for c in self.calendars() if c.id in ids]  # type: ignore[attr-defined]

    def is_unused_default(self, calendar_id: str) -> bool:
        """The empty calendar every new store starts with, never used or renamed."""
        if self._meta("default_calendar") != calendar_id:
            return False
        row = self._db.execute("SELECT name FROM calendars WHERE id = ?", (calendar_id,)).fetchone()
        used = self._db.execute("SELECT 1 FROM events WHERE calendar_id = ? LIMIT 1",
                                (calendar_id,)).fetchone()
        from .base import DEFAULT_CALENDAR_NAME

        return row is not None and row[0] == DEFAULT_CALENDAR_NAME and used is None

    def adopt_local_calendars(self, account: str) -> list[str]:
        """Add this computer's calendars to ``account`` (after its first pull).

        A local calendar whose name the account already uses is merged into it
        (its events move there): signing in twice, or on two computers with the
        same calendars, never makes a second "Work". The empty calendar every new
        store starts with is dropped when the account already has a calendar or
        another calendar of this computer goes to it (so the result never depends
        on the order of the rows). Returns the names of the calendars added.
        """
        added: list[str] = []
        touched_events: set[str] = set()
        with self._tx():
            # Subscriptions go to the account too (their address, name and colour; each
            # desktop fetches the content), never merged by name, only by address: one the
            # account already has is that one (docs/subscriptions.md).
            subs = self._db.execute("SELECT id, name, source_url, account FROM calendars "
                                    "WHERE deleted = 0 AND source_url IS NOT NULL").fetchall()
            taken = {r[2] for r in subs if r[3] == account}
            for cid, name, url, owner in subs:
                if owner is not None:
                    continue
                if url in taken:
                    self._drop_subscription_content(cid)  # type: ignore[attr-defined]
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM calendars WHERE id = ?", (cid,))
                    continue
                self._db.execute("UPDATE calendars SET account = ? WHERE id = ?", (account, cid))
                self._mark_changed("calendar", [cid])
                taken.add(url)
                added.append(name)
            rows = self._db.execute("SELECT id, name, account FROM calendars WHERE deleted = 0 "
                                    "AND source_url IS NULL").fetchall()
            mine = {r[1].casefold(): r[0] for r in rows if r[2] == account}
            # Other calendars going to the account: the unused default is not needed either.
            others = any(r[2] is None and not self.is_unused_default(r[0]) for r in rows)
            for cid, name, owner in rows:
                if owner is not None:
                    continue
                if self.is_unused_default(cid) and (mine or others):
                    self._db.execute("UPDATE calendars SET deleted = 1 WHERE id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    continue
                target = mine.get(name.casefold())
                ids = [r[0] for r in self._db.execute(
                    "SELECT id FROM events WHERE calendar_id = ?", (cid,))]
                if target is not None:
                    self._db.execute("UPDATE events SET calendar_id = ? WHERE calendar_id = ?",
                                     (target, cid))
                    self._db.execute("UPDATE calendars SET deleted = 1 WHERE id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._event_cache.clear()
                else:
                    self._db.execute("UPDATE calendars SET account = ? WHERE id = ?",
                                     (account, cid))
                    self._mark_changed("calendar", [cid])
                    mine[name.casefold()] = cid
                    added.append(name)
                self._mark_changed("event", ids)
                touched_events.update(ids)
            item_ids = [r[0] + "#" + r[1] for r in self._db.execute(
                "SELECT occurrence_key, reminder FROM reminder_state")]
            self._mark_changed("reminder_state", item_ids)
        self._notify(ChangeNotice(event_ids=frozenset(touched_events),
                                  calendar_ids=frozenset(r[0] for r in [*rows, *subs])))
        return added

    def release_account(self, account: str, *, keep: bool) -> int:
        """Signing out of ``account``: keep its calendars here (they stay the account's,
        so signing in again resumes them) or remove them from this computer.

        Returns how many events were removed. Removing touches nothing on the server.
        """
        removed = 0
        with self._tx():
            if self._meta("account") == account:
                self._set_meta("account", None)
            if not keep:
                cals = [r[0] for r in self._db.execute(
                    "SELECT id FROM calendars WHERE account = ?", (account,))]
                for cid in cals:
                    ev = self._db.execute(
                        "SELECT rowid, id FROM events WHERE calendar_id = ?", (cid,)).fetchall()
                    removed += sum(1 for _ in ev)
                    ids = [r[1] for r in ev]
                    for chunk in _chunks(ids):
                        marks = ",".join("?" * len(chunk))
                        self._db.execute(f"DELETE FROM pending WHERE entity = 'event' AND id IN "
                                         f"({marks})", chunk)
                        self._db.execute(f"DELETE FROM sync_base WHERE entity = 'event' AND id IN"
                                         f" ({marks})", chunk)
                    self._db.execute("DELETE FROM instances WHERE event_rowid IN (SELECT rowid "
                                     "FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM instances WHERE series_rowid IN (SELECT rowid "
                                     "FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM subscription_reminders WHERE event_id IN "
                                     "(SELECT id FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM subscription_fetch WHERE calendar_id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM events WHERE calendar_id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM sync_base WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM calendars WHERE id = ?", (cid,))
                self._db.execute("DELETE FROM sync_conflicts WHERE account = ?", (account,))
                self._db.execute("DELETE FROM sync_meta WHERE key LIKE ? ESCAPE '\\'",
                                 (account.replace("%", "\\%").replace("_", "\\_") + "|%",))
                self._event_cache.clear()
                self._span = None
        self._notify(ChangeNotice(calendar_ids=frozenset({"*"})))
        return removed

    def detach_account(self, account: str) -> None:
        """The account was deleted: its calendars here become this computer's own."""
        with self._tx():
            cals = [r[0] for r in self._db.execute(
                "SELECT id FROM calendars WHERE account = ?", (account,))]
            for cid in cals:
                self._db.execute("DELETE FROM sync_base WHERE entity = 'event' AND id IN "
                                 "(SELECT id FROM events WHERE calendar_id = ?)", (cid,))
                self._db.execute("DELETE FROM sync_base WHERE entity = 'calendar' AND id = ?",
                                 (cid,))
            self._db.execute("UPDATE calendars SET account = NULL WHERE account = ?", (account,))
            self._db.execute("DELETE FROM sync_conflicts WHERE account = ?", (account,))
            self._db.execute("DELETE FROM sync_meta WHERE key LIKE ? ESCAPE '\\'",
                             (account.replace("%", "\\%").replace("_", "\\_") + "|%",))
            if self._meta("account") == account:
                self._set_meta("account", None)
        self._notify(ChangeNotice(calendar_ids=frozenset(cals)))

    # ------------------------------------------------------------- pending

    def _mark_changed(self, entity: str, ids: Iterable[str]) -> None:
        """Record local changes (inside the writing transaction); an item back at its
        base is no change. A new local change clears a set-aside problem."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        now = self._stamp()
        self._db.executemany(
            "INSERT INTO pending (entity, id, since) VALUES (?, ?, ?) ON CONFLICT(entity, id) "
            "DO UPDATE SET problem = NULL, attempts = 0", [(entity, i, now) for i in ids])
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            based = self._db.execute(
                f"SELECT id, base FROM sync_base WHERE entity = ? AND id IN ({marks})",
                (entity, *chunk)).fetchall()
            for item_id, base_text in based:
                base = json.loads(base_text)
                if base.get("deleted"):
                    continue
                if _norm(entity, _content(base)) == self._local_content(entity, item_id):
                    self._db.execute("DELETE FROM pending WHERE entity = ? AND id = ?",
                                     (entity, item_id))

    def pending(self, entity: str | None = None) -> list[tuple[str, str]]:
        """Every item with a local change not yet confirmed by the server: (entity, id)."""
        sql = "SELECT entity, id FROM pending"
        args: tuple[str, ...] = ()
        if entity is not None:
            sql += " WHERE entity = ?"
            args = (entity,)
        return [(r[0], r[1]) for r in self._db.execute(sql + " ORDER BY entity, id", args)]

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

    def _owned_sql(self, *, problems: bool = False) -> str:
        """Pending rows of one account (parameter: the account), with their entity;
        ``problems``: the set-aside ones instead of the sendable ones."""
        refused = "IS NOT NULL" if problems else "IS NULL"
        return (
            f"SELECT p.entity, p.id FROM pending p WHERE p.problem {refused} AND ("
            " (p.entity = 'calendar' AND EXISTS (SELECT 1 FROM calendars c WHERE c.id = p.id"
            "   AND c.account = :acc))"
            " OR (p.entity = 'event' AND EXISTS (SELECT 1 FROM events e JOIN calendars c ON"
            "   c.id = e.calendar_id WHERE e.id = p.id AND c.account = :acc))"
            " OR (p.entity IN ('calendar', 'event') AND EXISTS (SELECT 1 FROM sync_base b"
            "   WHERE b.entity = p.entity AND b.id = p.id))"
            " OR (p.entity = 'reminder_state' AND EXISTS (SELECT 1 FROM events e JOIN calendars"
            "   c ON c.id = e.calendar_id WHERE c.account = :acc AND e.deleted = 0 AND"
            "   e.uid = substr(p.id, 1, instr(p.id, '/') - 1))))")

    def pending_count(self, account: str | None) -> int:
        """Changes of ``account`` waiting to be sent (set-aside ones not counted)."""
        if account is None:
            return 0
        return int(self._db.execute(f"SELECT COUNT(*) FROM ({self._owned_sql()})",
                                    {"acc": account}).fetchone()[0])

    def outgoing(self, account: str) -> list[Outgoing]:
        """The pending changes of ``account`` in the order to send them: calendars,
        then events (series before their overrides), deletions of events (overrides
        first), deletions of calendars, reminder states."""
        rows = self._db.execute(self._owned_sql(), {"acc": account}).fetchall()
        owners = dict(self._db.execute("SELECT id, account FROM calendars"))
        sent = {(r[0], r[1]) for r in self._db.execute(
            "SELECT entity, id FROM pending WHERE sent IS NOT NULL")}
        bases = {(r[0], r[1]): (int(r[2]), json.loads(r[3])) for r in self._db.execute(
            "SELECT b.entity, b.id, b.version, b.base FROM pending p JOIN sync_base b "
            "ON b.entity = p.entity AND b.id = p.id")}
        event_rows = self._event_rows([i for e, i in rows if e == "event"])
        out: list[Outgoing] = []
        for entity, item_id in rows:
            base = bases.get((entity, item_id))
            row = event_rows.get(item_id) if entity == "event" else None
            if entity == "event":
                content = None if row is None else event_content(self._row_to_event(row))
            else:
                content = self._local_content(entity, item_id)
            if entity == "event" and content is not None and \
                    owners.get(content["calendar_id"]) != account:
                content = None  # moved to a calendar that is not the account's: gone there
            if entity == "calendar" and content is not None and owners.get(item_id) != account:
                content = None
            out.append(Outgoing(
                entity, item_id, content,
                None if base is None else base[0],
                base is not None and bool(base[1].get("deleted")),
                entity == "event" and content is not None and bool(content.get("recurrence_id")),
                (entity, item_id) in sent, row))

        def order(o: Outgoing) -> tuple[int, int]:
            if o.entity == "calendar":
                return (0 if o.content is not None else 4, 0)
            if o.entity == "event":
                if o.content is not None:
                    return (1, 1 if o.is_override else 0)
                base = bases.get(("event", o.id))
                override = bool(base and base[1].get("recurrence_id"))
                return (2, 0 if override else 1)
            return (5, 0)

        out.sort(key=order)
        return out

    def _event_rows(self, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The rows of the live events among ``ids``, by id."""
        out: dict[str, tuple[Any, ...]] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT {_EVENT_COLS} FROM events "
                                      f"WHERE deleted = 0 AND id IN ({marks})", chunk):
                out[str(r[1])] = tuple(r)
        return out

    def mark_sending(self, items: Sequence[Outgoing]) -> None:
        """Journal what is about to be sent (one transaction, before the request): if the
        process dies after the server took it, the next sync recognises its own write.
        Every distinct unconfirmed content is kept (the item may change between attempts);
        sending the same content again only moves it to the end, so retries of a newer
        edit never push out an older one the server may already hold."""
        with self._tx():
            for o in items:
                row = self._db.execute("SELECT sent FROM pending WHERE entity = ? AND id = ?",
                                       (o.entity, o.id)).fetchone()
                if row is None:
                    continue
                journal = json.loads(row[0]) if row[0] else []
                journal = [*(c for c in journal if c != o.content), o.content][-SENT_KEPT:]
                self._db.execute("UPDATE pending SET sent = ? WHERE entity = ? AND id = ?",
                                 (json.dumps(journal, separators=(",", ":")), o.entity, o.id))

    def _sent(self, entity: str, item_id: str) -> list[dict[str, Any] | None]:
        """What unconfirmed attempts sent for a pending item (None: a delete)."""
        row = self._db.execute("SELECT sent FROM pending WHERE entity = ? AND id = ?",
                               (entity, item_id)).fetchone()
        if row is None or row[0] is None:
            return []
        journal: list[dict[str, Any] | None] = json.loads(row[0])
        return journal

    def base(self, entity: str, item_id: str) -> tuple[int, dict[str, Any]] | None:
        """(server version, the item as the server last confirmed it) or None."""
        row = self._db.execute("SELECT version, base FROM sync_base WHERE entity = ? AND id = ?",
                               (entity, item_id)).fetchone()
        return None if row is None else (int(row[0]), json.loads(row[1]))

    def _set_base(self, entity: str, item_id: str, version: int, item: dict[str, Any]) -> None:
        self._db.execute("INSERT OR REPLACE INTO sync_base VALUES (?, ?, ?, ?)",
                         (entity, item_id, version, json.dumps(item, separators=(",", ":"))))

    def confirm_sent(self, entity: str, item_id: str, sent: dict[str, Any] | None,
                     server_item: dict[str, Any] | None, version: int | None) -> None:
        """The server accepted ``sent`` (None: our delete) as ``version``.

        The base becomes what the server holds; the pending change goes unless the
        item changed again here while it was being sent.
        """
        with self._tx():
            if sent is None:
                self._confirm_deleted(entity, item_id)
                return
            assert version is not None
            item = dict(server_item) if server_item is not None else {**sent}
            item.update({"version": version, "deleted": False})
            self._set_base(entity, item_id, version, item)
            now = self._local_content(entity, item_id)
            if _norm(entity, now) == _norm(entity, sent):
                self._drop_pending(entity, item_id)
            else:
                self._db.execute("UPDATE pending SET sent = NULL WHERE entity = ? AND id = ?",
                                 (entity, item_id))

    def confirm_written(self, written: Sequence[tuple[Outgoing, int | None]]) -> None:
        """:meth:`confirm_sent` for events the server created or updated from
        ``outgoing()``'s contents (the batch endpoint answers with versions only), in one
        transaction. An event whose row is as ``outgoing()`` read it did not change
        meanwhile; otherwise its content decides, as in :meth:`confirm_sent`."""
        if not written:
            return
        with self._tx():
            rows = self._event_rows([o.id for o, _ in written])
            for o, version in written:
                assert o.entity == "event" and o.content is not None and version is not None
                self._set_base("event", o.id, version,
                               {**o.content, "version": version, "deleted": False})
                row = rows.get(o.id)
                if row is not None and (row == o.row or _norm("event", event_content(
                        self._row_to_event(row))) == _norm("event", o.content)):
                    self._drop_pending("event", o.id)
                else:
                    self._db.execute("UPDATE pending SET sent = NULL WHERE entity = 'event' "
                                     "AND id = ?", (o.id,))

    def confirm_deleted(self, deleted: Sequence[Outgoing]) -> None:
        """:meth:`confirm_sent` of our deletes (the server deleted them, or did not have
        them), in one transaction."""
        if not deleted:
            return
        with self._tx():
            for o in deleted:
                self._confirm_deleted(o.entity, o.id)

    def _confirm_deleted(self, entity: str, item_id: str) -> None:
        self._db.execute("DELETE FROM sync_base WHERE entity = ? AND id = ?", (entity, item_id))
        if entity == "event" or self._local_content(entity, item_id) is None:
            self._drop_pending(entity, item_id)
        self._purge_tombstone(entity, item_id)

    def _drop_pending(self, entity: str, item_id: str) -> None:
        self._db.execute("DELETE FROM pending WHERE entity = ? AND id = ?", (entity, item_id))

    def drop_pending(self, entity: str, item_id: str) -> None:
        with self._tx():
            self._drop_pending(entity, item_id)
            self._purge_tombstone(entity, item_id)

    def _purge_tombstone(self, entity: str, item_id: str) -> None:
        """A deletion the server has (or never needed): the row can go for good."""
        if entity == "event":
            row = self._db.execute("SELECT rowid FROM events WHERE id = ? AND deleted = 1",
                                   (item_id,)).fetchone()
            if row is not None:
                self._event_cache.pop(row[0], None)
                self._db.execute("DELETE FROM instances WHERE event_rowid = ?", (row[0],))
                self._db.execute("DELETE FROM events WHERE rowid = ?", (row[0],))
        elif entity == "calendar":
            left = self._db.execute("SELECT 1 FROM events WHERE calendar_id = ? LIMIT 1",
                                    (item_id,)).fetchone()
            if left is None:
                self._db.execute("DELETE FROM calendars WHERE id = ? AND deleted = 1", (item_id,))

    def set_aside(self, entity: str, item_id: str, problem: str) -> None:
        """The server refused this change (400): keep it, show it, stop sending it."""
        with self._tx():
            self._db.execute("UPDATE pending SET problem = ?, attempts = attempts + 1 "
                             "WHERE entity = ? AND id = ?", (problem[:500], entity, item_id))

    def clear_problem(self, entity: str, item_id: str) -> None:
        """Try a set-aside change again at the next sync."""
        with self._tx():
            self._db.execute("UPDATE pending SET problem = NULL WHERE entity = ? AND id = ?",
                             (entity, item_id))

    def problems(self, account: str | None = None) -> list[tuple[str, str, str, str]]:
        """Set-aside changes (of one account, or all): (entity, id, title, problem)."""
        rows = self._db.execute(
            "SELECT entity, id, problem FROM pending WHERE problem IS NOT NULL").fetchall()
        if account is not None:
            owned = {(r[0], r[1]) for r in self._db.execute(
                self._owned_sql(problems=True), {"acc": account})}
            rows = [r for r in rows if (r[0], r[1]) in owned]
        return [(entity, item_id, self._title(entity, item_id), problem)
                for entity, item_id, problem in rows]

    def _title(self, entity: str, item_id: str) -> str:
        if entity == "event":
            row = self._db.execute("SELECT title FROM events WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                base = self.base("event", item_id)
                return str(base[1].get("title", "")) if base else ""
            return str(row[0])
        if entity == "calendar":
            row = self._db.execute("SELECT name FROM calendars WHERE id = ?",
                                   (item_id,)).fetchone()
            return "" if row is None else str(row[0])
        return item_id.rpartition("/")[0]

    # ---------------------------------------------------------- the remote path

    def apply_remote_page(self, account: str, page: wire.SyncPage | None, *,
                          cursor: str | None, report: ApplyReport,
                          items: Sequence[tuple[str, Any]] | None = None,
                          force: bool = False) -> None:
        """Apply one page of server changes and save ``cursor``, in one transaction.

        ``items`` (entity, wire item) replaces the page's lists (a full resync
        re-applies items); ``force`` applies an item even when its version is not
        newer than the base (resync after the server went back in time).
        """
        if items is None:
            assert page is not None
            items = [("calendar", c) for c in page.calendars]
            items += [("event", e) for e in page.events]
            items += [("reminder_state", r) for r in page.reminder_states]
        with self._tx():
            plain: list[Event] = []
            # Read once for the page: an item's base and pending change move only when
            # that item is applied, so they hold for each item's first appearance.
            known = self._base_versions(items)
            pending = self._pending_items(items)
            seen: set[tuple[str, str]] = set()
            ensured: set[str] = set()  # calendars known to be there (reset by a calendar)
            for entity, w in items:
                item = (entity, str(w.id))
                first = entity != "reminder_state" and item not in seen
                seen.add(item)
                if first and not force and item in known and w.version <= known[item]:
                    report.skipped_echo += 1  # our own echo (as _apply_item would say)
                    if w.version < known[item]:
                        report.regressed += 1
                    continue
                if entity == "event":
                    if first:
                        base_version, has_pending = known.get(item), item in pending
                    else:
                        base = self.base("event", w.id)
                        base_version = None if base is None else base[0]
                        has_pending = self._db.execute(
                            "SELECT 1 FROM pending WHERE entity = 'event' AND id = ?",
                            (w.id,)).fetchone() is not None
                    if self._apply_event_fast(w, account, report, plain, base_version,
                                              has_pending, ensured):
                        continue
                else:
                    ensured.clear()
                if plain and entity != "event":
                    self._flush_plain(plain)
                self._apply_item(entity, w, account, report, force)
            self._flush_plain(plain)
            if cursor is not None:
                self._put_sync_value(account, "cursor", cursor)
        self._notify(report.notice())

    def _base_versions(self, items: Sequence[tuple[str, Any]]) -> dict[tuple[str, str], int]:
        """(entity, id) -> base version, for the calendars and events of ``items``."""
        out: dict[tuple[str, str], int] = {}
        for entity in ("calendar", "event"):
            ids = list({str(w.id) for e, w in items if e == entity})
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for item_id, version in self._db.execute(
                        f"SELECT id, version FROM sync_base WHERE entity = ? AND id IN ({marks})",
                        (entity, *chunk)):
                    out[(entity, item_id)] = int(version)
        return out

    def _pending_items(self, items: Sequence[tuple[str, Any]]) -> set[tuple[str, str]]:
        """The calendars and events of ``items`` with a local change."""
        out: set[tuple[str, str]] = set()
        for entity in ("calendar", "event"):
            ids = list({str(w.id) for e, w in items if e == entity})
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                out.update((entity, r[0]) for r in self._db.execute(
                    f"SELECT id FROM pending WHERE entity = ? AND id IN ({marks})",
                    (entity, *chunk)))
        return out

    def _flush_plain(self, plain: list[Event]) -> None:
        if plain:
            touched: set[str] = set()
            self._put_many(plain, touched, None, False, local=False)  # type: ignore[attr-defined]
            plain.clear()

    def _apply_event_fast(self, w: wire.EventWire, account: str, report: ApplyReport,
                          plain: list[Event], base_version: int | None, has_pending: bool,
                          ensured: set[str]) -> bool:
        """A live server event with no local change: collect it for one bulk write."""
        if w.deleted:
            return False
        if base_version is not None and w.version <= base_version:
            return False  # our own echo, or the server went back in time: the careful path
        if has_pending:
            return False
        if w.calendar_id not in ensured:
            self._ensure_calendar(w.calendar_id, account)
            ensured.add(w.calendar_id)
        plain.append(_event_of(w))
        self._db.execute("INSERT OR REPLACE INTO sync_base VALUES (?, ?, ?, ?)",
                         ("event", w.id, w.version, w.model_dump_json()))
        report.applied += 1
        report.event_ids.add(w.id)
        return True

    def _ensure_calendar(self, calendar_id: str, account: str) -> None:
        """An event of a calendar we do not have (yet): a placeholder the calendar's
        own change fills in; a calendar deleted here comes back (an edit beats a delete)."""
        row = self._db.execute("SELECT deleted FROM calendars WHERE id = ?",
                               (calendar_id,)).fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO calendars (id, name, color, visible, read_only, position, deleted, "
                "updated, account) VALUES (?, 'Calendar', ?, 1, 0, 999, 0, ?, ?)",
                (calendar_id, DEFAULT_COLOR, self._stamp(), account))
        elif row[0]:
            self._db.execute("UPDATE calendars SET deleted = 0 WHERE id = ?", (calendar_id,))

    def _apply_item(self, entity: str, w: Any, account: str, report: ApplyReport,
                    force: bool) -> None:
        item = w.model_dump(mode="json")
        if entity == "reminder_state":
            # Joins are idempotent: no echo to skip, and one row here may meet the
            # server items of several dues (the event moved).
            self._apply_reminder_state(w, item, f"{w.occurrence_key}#{w.reminder}", report)
            return
        item_id = w.id
        base = self.base(entity, item_id)
        if base is not None and w.version < base[0] and force:
            # The server holds an older version than it once confirmed to us: it was
            # restored from a backup. Ours is newer: keep it and send it again.
            self._set_base(entity, item_id, w.version, item)
            if self._local_content(entity, item_id) is not None or entity == "reminder_state":
                self._db.execute("INSERT OR IGNORE INTO pending (entity, id, since) "
                                 "VALUES (?, ?, ?)", (entity, item_id, self._stamp()))
            report.regressed += 1
            return
        if base is not None and w.version <= base[0] and not force:
            report.skipped_echo += 1
            if w.version < base[0]:
                report.regressed += 1
            return
        pending = self._db.execute("SELECT 1 FROM pending WHERE entity = ? AND id = ?",
                                   (entity, item_id)).fetchone() is not None
        remote = None if w.deleted else _norm(entity, _content(item))
        local = self._local_content(entity, item_id)
        base_content = None if base is None or base[1].get("deleted") else \
            _norm(entity, _content(base[1]))
        sent = self._sent(entity, item_id) if pending else []
        if remote is not None and any(c is not None and _norm(entity, c) == remote
                                      for c in sent):
            # Our own write, taken by the server before we heard back (a crash, a lost
            # answer): not a change of someone else's. The base moves; ours stays pending
            # only if it changed again since.
            self._db.execute("UPDATE pending SET sent = NULL WHERE entity = ? AND id = ?",
                             (entity, item_id))
            if local == remote:
                self._drop_pending(entity, item_id)
            report.skipped_echo += 1
        elif not pending:
            self._write_remote(entity, item_id, remote, account, w)
            self._drop_pending(entity, item_id)
            report.applied += 1
        else:
            if entity == "event":
                result = mg.merge_event(base_content, local, remote)
            else:
                result = mg.merge_calendar(base_content, local, remote)
            self._write_remote(entity, item_id, result.merged, account, w)
            if not result.changed_locally:
                self._drop_pending(entity, item_id)
            if result.restored:
                report.restored.append(item_id)
            title = str((result.merged or remote or local or {}).get(
                "title" if entity == "event" else "name", ""))
            for c in result.conflicts:
                self._add_conflict(account, entity, item_id, c.unit, title, c.kept, c.lost)
                report.conflicts += 1
            report.merged += 1
        self._set_base(entity, item_id, w.version, item)
        if entity == "event":
            report.event_ids.add(item_id)
            if remote is not None and not remote.get("recurrence_id") and (
                    base_content is None or base_content.get("rrule") != remote.get("rrule")
                    or base_content.get("start") != remote.get("start")):
                self._flag_orphans(account, item_id, report)
        else:
            report.calendar_ids.add(item_id)

    def _flag_orphans(self, account: str, master_id: str, report: ApplyReport) -> None:
        """The series' rule or start changed on the other side: overrides of ours that no
        longer name one of its instances are kept (shown on their own) and flagged."""
        master = self._local_content("event", master_id)
        if master is None or not master.get("rrule"):
            return
        uid = master.get("uid") or master_id
        overrides = [c for c in (self._local_content("event", r[0]) for r in self._db.execute(
            "SELECT id FROM events WHERE uid = ? AND rid IS NOT NULL AND deleted = 0", (uid,)))
            if c is not None]
        if not overrides:
            return
        try:
            orphans = set(mg.orphaned_overrides(master, overrides))
        except ValueError:
            return
        flagged = {r[0] for r in self._db.execute(
            "SELECT id FROM sync_conflicts WHERE unit = 'orphaned'")}
        for ov in overrides:
            if ov["id"] in orphans and ov["id"] not in flagged:
                self._add_conflict(account, "event", str(ov["id"]), "orphaned",
                                   str(ov.get("title", "")), ov, None)
                report.conflicts += 1

    def _write_remote(self, entity: str, item_id: str, content: dict[str, Any] | None,
                      account: str, w: Any) -> None:
        """Write the server's (or the merged) version here without making a pending change."""
        if entity == "calendar":
            if content is None:
                row = self._db.execute("SELECT source_url FROM calendars WHERE id = ? AND "
                                       "deleted = 0", (item_id,)).fetchone()
                if row is not None and row[0] is not None:  # unsubscribed elsewhere
                    self._delete_remote_subscription(item_id)  # type: ignore[attr-defined]
                elif row is not None:
                    self._delete_calendar_rows(item_id, local=False)  # type: ignore[attr-defined]
                return
            row = self._db.execute("SELECT visible FROM calendars WHERE id = ?",
                                   (item_id,)).fetchone()
            cw = wire.CalendarWire.model_validate({**content, "version": 0})
            cal = wire.calendar_from_wire(cw)
            if row is not None:
                cal = Calendar(cal.id, cal.name, cal.color, bool(row[0]), cal.read_only)
            self._write_calendar(cal, set(), local=False)
            self._db.execute("UPDATE calendars SET account = ? WHERE id = ? AND account IS NULL",
                             (account, item_id))
            if cw.source_url is not None:
                self._write_remote_subscription(  # type: ignore[attr-defined]
                    item_id, cw.source_url, account)
            return
        if content is None:
            self._tombstone(item_id, local=False)  # type: ignore[attr-defined]
            self._purge_tombstone("event", item_id)
            return
        ew = wire.EventWire.model_validate({**content, "version": 0,
                                            "created_at": getattr(w, "created_at", None),
                                            "updated_at": getattr(w, "updated_at", None)})
        self._ensure_calendar(ew.calendar_id, account)
        self._put_many([_event_of(ew)], set(), None, False, local=False)  # type: ignore[attr-defined]

    def _apply_reminder_state(self, w: Any, item: dict[str, Any], item_id: str,
                              report: ApplyReport) -> None:
        """A server state of a reminder: joined with ours when it is about the same due
        (dismissed beats snoozed beats fired); about another due (the event moved), the
        later decision is kept here; each due stays its own item on the server."""
        local = self._local_content("reminder_state", item_id)
        if local is None:
            result = w
        else:
            mine = wire.ReminderStateWire.model_validate(local)
            if mine.due == w.due:
                result = wire.join_reminder_states(mine, w)
            else:
                result = w if w.changed_at > mine.changed_at else mine
        if local is None or _content(result.model_dump(mode="json")) != _content(local):
            st = ReminderState(result.occurrence_key, result.reminder, result.state,
                               result.due.astimezone(UTC),
                               None if result.snoozed_until is None
                               else result.snoozed_until.astimezone(UTC))
            self._write_reminder_state(  # type: ignore[attr-defined]
                st, int(result.changed_at.timestamp()))
            report.reminder_states = True
        if _content(result.model_dump(mode="json")) == _content(item):
            self._drop_pending("reminder_state", item_id)  # the server has what we have
        report.applied += 1

    # ------------------------------------------------------------ conflicts

    def _add_conflict(self, account: str | None, entity: str, item_id: str, unit: str,
                      title: str, kept: Any, lost: Any) -> None:
        self._db.execute(
            "INSERT INTO sync_conflicts (entity, id, account, unit, title, kept, lost, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entity, item_id, account, unit, title, json.dumps(kept), json.dumps(lost),
             self._stamp()))

    def add_conflicts(self, account: str | None, entity: str, item_id: str, title: str,
                      conflicts: Iterable[mg.UnitConflict]) -> int:
        n = 0
        with self._tx():
            for c in conflicts:
                self._add_conflict(account, entity, item_id, c.unit, title, c.kept, c.lost)
                n += 1
        return n

    def conflicts(self, account: str | None = None) -> list[Conflict]:
        """Conflicts kept for the user (of one account, or all), oldest first."""
        sql = "SELECT seq, entity, id, unit, title, kept, lost, at FROM sync_conflicts"
        args: tuple[Any, ...] = ()
        if account is not None:
            sql += " WHERE account = ?"
            args = (account,)
        return [Conflict(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]),
                         datetime.fromtimestamp(r[7], UTC))
                for r in self._db.execute(sql + " ORDER BY seq", args)]

    def dismiss_conflict(self, seq: int) -> None:
        """Keep what won: forget the conflict."""
        with self._tx():
            self._db.execute("DELETE FROM sync_conflicts WHERE seq = ?", (seq,))
        self._notify(ChangeNotice())

    def use_lost_value(self, seq: int) -> None:
        """"Use this one": this desktop's value becomes a new local edit (it syncs)."""
        row = self._db.execute("SELECT entity, id, unit, lost FROM sync_conflicts WHERE seq = ?",
                               (seq,)).fetchone()
        if row is None:
            raise KeyError(seq)
        entity, item_id, unit, lost_text = row
        lost = json.loads(lost_text)
        current = self._local_content(entity, item_id)
        if entity == "event":
            if unit == "deleted":
                if current is not None:
                    self.delete_event(item_id)  # type: ignore[attr-defined]
            elif current is not None and unit != "orphaned":
                data = dict(current)
                if unit == "time" and isinstance(lost, dict):
                    data.update(lost)
                else:
                    data[unit] = lost
                ev = _event_of(wire.EventWire.model_validate(data))
                self.put_event(ev)  # type: ignore[attr-defined]
        elif entity == "calendar" and current is not None and unit in ("name", "color"):
            cal = self.calendar(item_id)  # type: ignore[attr-defined]
            cal = Calendar(cal.id, lost if unit == "name" else cal.name,
                           lost if unit == "color" else cal.color, cal.visible, cal.read_only)
            self.put_calendar(cal)  # type: ignore[attr-defined]
        self.dismiss_conflict(seq)

    # -------------------------------------------------------------- resync

    def account_item_ids(self, account: str) -> dict[str, set[str]]:
        """Ids of the account's items that have a base here (what the server should have)."""
        out: dict[str, set[str]] = {"calendar": set(), "event": set()}
        for entity, item_id in self._db.execute("SELECT entity, id FROM sync_base "
                                                "WHERE entity IN ('calendar', 'event')"):
            out[entity].add(item_id)
        return out

    def reconcile_missing(self, account: str, entity: str, ids: Iterable[str], *,
                          server_restored: bool, report: ApplyReport) -> int:
        """Items we have a base for that a full listing of the server lacks.

        After the tombstone horizon (``server_restored`` False) a clean item was
        deleted elsewhere long ago: it goes here too. An item with local changes
        stays and is sent again (an edit beats a delete). When the server went back
        in time, nothing goes: every such item is sent again. Returns how many
        items will be sent again.
        """
        again = 0
        with self._tx():
            for item_id in ids:
                pending = self._db.execute("SELECT 1 FROM pending WHERE entity = ? AND id = ?",
                                           (entity, item_id)).fetchone() is not None
                self._db.execute("DELETE FROM sync_base WHERE entity = ? AND id = ?",
                                 (entity, item_id))
                if server_restored or pending:
                    if self._local_content(entity, item_id) is not None:
                        self._db.execute("INSERT OR IGNORE INTO pending (entity, id, since) "
                                         "VALUES (?, ?, ?)", (entity, item_id, self._stamp()))
                        again += 1
                    else:
                        self._drop_pending(entity, item_id)
                        self._purge_tombstone(entity, item_id)
                    continue
                self._write_remote(entity, item_id, None, account, None)
                report.applied += 1
                (report.event_ids if entity == "event" else report.calendar_ids).add(item_id)
        self._notify(report.notice())
        return again

    def mark_for_resend(self, entity: str, item_id: str) -> None:
        """Send this item again even if it equals its base (the server lost it)."""
        with self._tx():
            self._db.execute("INSERT OR IGNORE INTO pending (entity, id, since) VALUES (?, ?, ?)",
                             (entity, item_id, self._stamp()))


def _event_of(w: wire.EventWire) -> Event:
    return wire.event_from_wire(w)


def _chunks(ids: Sequence[str], n: int = 500) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]
