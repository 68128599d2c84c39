"""Importing: what an .ics file brings, stored in one transaction and counted.

An import never moves an event out of another calendar (docs/import.md): each
item stays in the calendar that holds it, and a series split off at an earlier
import is rejoined (RANGE=THISANDFUTURE in two imports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from aurora_core.counting import Elsewhere, ImportCounts
from aurora_core.model import Calendar, Event

from .base import ChangeNotice
from .events import EventsMixin
from .rows import _EVENT_COLS, _event_values

if TYPE_CHECKING:
    from aurora_core.ical import Rejoined

__all__ = ["ImportsMixin"]


class ImportsMixin(EventsMixin):
    def import_events(
        self, events: Sequence[Event], *, progress: Callable[[int, int], None] | None = None,
        create: Calendar | None = None,
    ) -> ImportCounts:
        """Store what an import read (one transaction, the file's stamps kept) and count it
        by the one rule of :mod:`aurora_core.counting`: one per UID, new, updated or
        unchanged. Events already stored exactly as in the file are not written again
        (nothing to sync, nothing to re-index).

        An import never moves an event out of another calendar (docs/import.md): an event
        whose UID is already in another calendar (and not in the one imported into) is
        updated where it is, or left alone when unchanged or when that calendar is
        read-only, and counted per calendar in ``ImportCounts.elsewhere``.
        ``create``: the calendar imported into when it is new; it is made in the same
        transaction, and only if anything goes into it."""
        self._sync_with_other_writers()
        target = {ev.calendar_id for ev in events}
        events = self._keep_homes(events)
        deletes: list[Event] = []
        rejoined = self._rejoin_range(events)
        if rejoined is not None:  # docs/import.md: RANGE=THISANDFUTURE in two imports
            events, deletes = rejoined.events, rejoined.deletes
        groups: dict[str, list[Event]] = {}
        for ev in events:
            groups.setdefault(ev.uid, []).append(ev)
        stored: dict[str, tuple[object, ...]] = {}
        ids = [ev.id for ev in events]
        cols = _EVENT_COLS.split(",", 1)[1]  # the columns _event_values gives, in its order
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for row in self._db.execute(
                    f"SELECT {cols} FROM events WHERE deleted = 0 AND id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                stored[row[0]] = tuple(row)
        new = updated = unchanged = 0
        other: dict[str, list[int]] = {}  # calendar id -> [updated, unchanged, read-only]
        read_only = {c.id for c in self.calendars() if c.read_only}  # type: ignore[attr-defined]
        to_write: list[Event] = []
        for group in groups.values():
            # where this event is: the one other calendar all of it is in, else None
            cals = {ev.calendar_id for ev in group}
            home = next(iter(cals)) if len(cals) == 1 and not cals & target else None
            left_alone = next((c for c in cals if c in read_only and c not in target), None)
            if left_alone is not None:  # in a subscription: not ours to change
                other.setdefault(left_alone, [0, 0, 0])[2] += 1
                continue
            there = [stored.get(ev.id) for ev in group]
            if home is None and all(row is None for row in there):
                new += 1
            elif all(row == _event_values(ev) for row, ev in zip(there, group, strict=True)):
                if home is None:
                    unchanged += 1
                else:
                    other.setdefault(home, [0, 0, 0])[1] += 1
                continue
            elif home is None:
                updated += 1
            else:
                other.setdefault(home, [0, 0, 0])[0] += 1
            to_write.extend(group)
        goes_to_target = bool(new or updated)
        touched: set[str] = set()
        if deletes or to_write or (create is not None and goes_to_target):
            with self._tx() as touched:
                if create is not None and goes_to_target:
                    self._write_calendar(create, touched)
                for ev in deletes:
                    if self._tombstone(ev.id):
                        touched.add(ev.id)
                self._put_many(to_write, touched, progress, False)
            ids_touched = frozenset(t for t in touched if not t.startswith("calendar:"))
            cal_touched = frozenset(t[9:] for t in touched if t.startswith("calendar:"))
            self._notify(ChangeNotice(event_ids=ids_touched, calendar_ids=cal_touched))
        elif progress is not None:
            progress(len(events), len(events))
        names = {c.id: c.name for c in self.calendars()}  # type: ignore[attr-defined]
        elsewhere = tuple(Elsewhere(names.get(cid, "?"), *n) for cid, n in other.items())
        return ImportCounts(new, updated, unchanged, elsewhere)

    def calendars_holding(self, uids: Iterable[str]) -> dict[str, int]:
        """{calendar id: how many of these UIDs it holds} (live events; a UID split or
        moved at import, ``<uid>/from-…``, counts as its own UID's)."""
        wanted = list(set(uids))
        found: dict[str, set[str]] = {}
        for i in range(0, len(wanted), 900):
            chunk = wanted[i:i + 900]
            for uid, cal in self._db.execute(
                    f"SELECT DISTINCT uid, calendar_id FROM events WHERE deleted = 0 AND uid IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                found.setdefault(str(cal), set()).add(str(uid))
        return {cal: len(held) for cal, held in found.items()}

    def _keep_homes(self, events: Sequence[Event]) -> list[Event]:
        """The import's events, each kept in the calendar that holds it: an item stored
        already (by id) stays in its calendar; a new item of a series whose master is in
        another calendar (and nothing of it in the one imported into) joins its master
        there; anything else goes where the import goes."""
        if not events:
            return list(events)
        uids = list({ev.uid.rpartition("/from-")[0] or ev.uid for ev in events})
        rows: list[tuple[str, str, str, object]] = []
        for i in range(0, len(uids), 900):
            chunk = uids[i:i + 900]
            rows.extend(self._db.execute(
                f"SELECT id, uid, calendar_id, rid FROM events WHERE deleted = 0 AND uid IN "
                f"({','.join('?' * len(chunk))})", chunk))
        ids = [ev.id for ev in events]
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            rows.extend(self._db.execute(
                f"SELECT id, uid, calendar_id, rid FROM events WHERE deleted = 0 AND id IN "
                f"({','.join('?' * len(chunk))})", chunk))
        if not rows:
            return list(events)
        cal_of_id = {r[0]: r[2] for r in rows}
        held = {(uid, cal) for _id, uid, cal, _rid in rows}
        master_cal = {uid: cal for _id, uid, cal, rid in rows if rid is None}
        out = []
        for ev in events:
            base = ev.uid.rpartition("/from-")[0] or ev.uid
            cal = cal_of_id.get(ev.id)
            if cal is None and (base, ev.calendar_id) not in held:
                cal = master_cal.get(base)
            out.append(ev if cal is None or cal == ev.calendar_id else ev.replace(calendar_id=cal))
        return out

    def _rejoin_range(self, events: Sequence[Event]) -> Rejoined | None:
        """:func:`aurora_core.ical.rejoin_range` against this calendar's stored events,
        or None when no override kept for its series (and no series split off from
        one) meets its series in this import: one query in the common case."""
        from aurora_core.ical import rejoin_range  # (icalendar: not at the CLI's start)
        from aurora_core.ical_extra import RANGE_LINE, SPLIT_MARK

        uids = {ev.uid for ev in events}
        bases: dict[str, set[str]] = {}  # calendar id -> series UIDs to read
        for ev in events:
            if ev.recurrence_id is not None and RANGE_LINE in ev.extra:
                bases.setdefault(ev.calendar_id, set()).add(ev.uid)
        for cal_id in {ev.calendar_id for ev in events}:
            for uid, in self._db.execute(
                    "SELECT uid FROM events WHERE deleted = 0 AND calendar_id = ? AND "
                    "(instr(extra, ?) > 0 OR instr(extra, ?) > 0)",
                    (cal_id, RANGE_LINE, SPLIT_MARK + ":")):
                base = str(uid).rpartition("/from-")[0] or str(uid)
                if base in uids:
                    bases.setdefault(cal_id, set()).add(base)
        if not bases:
            return None
        stored: list[Event] = []
        for cal_id, series in bases.items():
            for base in series:
                prefix = base + "/from-"
                stored.extend(self._row_to_event(r) for r in self._db.execute(
                    f"SELECT {_EVENT_COLS} FROM events WHERE deleted = 0 AND calendar_id = ? "
                    "AND (uid = ? OR substr(uid, 1, ?) = ?)", (cal_id, base, len(prefix), prefix)))
        return rejoin_range(events, stored)
