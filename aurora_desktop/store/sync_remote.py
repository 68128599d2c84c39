"""The remote path: applying what the server sends, and a full resync.

Contract (:meth:`RemoteMixin.apply_remote_page`): what a pull brings is written
without creating pending changes, a page and the new cursor in one
transaction; an item with local changes is merged three ways
(:mod:`aurora_core.merge`), never overwritten; the server's own echo of our
change (same version as the base) is skipped. Overrides a changed series no
longer names are kept and flagged (:meth:`RemoteMixin._flag_orphans`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any

from aurora_core.defaults import DEFAULT_COLOR
from aurora_core.model import Calendar, Event
from aurora_desktop.lazy import LazyModule

from .base import ChangeNotice, ReminderState
from .sync_conflicts import ConflictsMixin
from .sync_items import _chunks, _content, _norm
from .sync_outbox import OutboxMixin

if TYPE_CHECKING:
    from aurora_core import merge as mg
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    mg = LazyModule("aurora_core.merge")
    wire = LazyModule("aurora_core.wire")


__all__ = ["ApplyReport", "RemoteMixin"]


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



class RemoteMixin(OutboxMixin, ConflictsMixin):
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
        plain.append(wire.event_from_wire(w))
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
                    or base_content.get("rdates") != remote.get("rdates")
                    or base_content.get("start") != remote.get("start")):
                self._flag_orphans(account, item_id, report)
        else:
            report.calendar_ids.add(item_id)

    def _flag_orphans(self, account: str, master_id: str, report: ApplyReport) -> None:
        """The series' rule, RDATEs or start changed on the other side: overrides of ours
        that no longer name one of its instances are kept (shown on their own) and
        flagged. A master that no longer repeats (its rule taken away) names none: all
        its overrides stand alone, and all are flagged (docs/merge.md)."""
        master = self._local_content("event", master_id)
        if master is None:
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
        self._put_many([wire.event_from_wire(ew)], set(), None, False, local=False)  # type: ignore[attr-defined]

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
