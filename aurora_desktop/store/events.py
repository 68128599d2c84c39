"""Events: read, write (one, many, a series change), delete, search.

Local writes mark what they change as pending for sync; the same code with
``local=False`` is the remote path (what a pull brings), which marks nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from aurora_core.model import Event, EventStatus, ValidationError, ZonedTime, time_from_key
from aurora_core.recurrence import SeriesChange

from .base import ChangeNotice, StoreBase
from .rows import _E_COLS, _EVENT_COLS, _event_values, _reminders_parse, _time, _time_seconds
from .zones import save_zones

__all__ = ["EventsMixin"]


class EventsMixin(StoreBase):
    def _row_to_event(self, r: Sequence[object]) -> Event:
        rowid, updated = int(r[0]), int(r[18])  # type: ignore[call-overload]  # sqlite row
        cached = self._event_cache.get(rowid)
        if cached is not None and cached[0] == updated:
            return cached[1]
        kind, tz = int(r[9]), r[10]  # type: ignore[call-overload]
        start = _time(kind, tz, r[11])  # type: ignore[arg-type]
        end = _time(kind, tz, r[12])  # type: ignore[arg-type]
        exd = tuple(time_from_key(k, start) for k in str(r[14]).split())
        rdd = tuple(time_from_key(k, start) for k in str(r[15]).split())
        ev = Event(
            id=str(r[1]), uid=str(r[2]), calendar_id=str(r[3]), title=str(r[5]),
            start=start, end=end, location=str(r[6]), notes=str(r[7]),
            status=EventStatus(r[8]), rrule=r[13],  # type: ignore[arg-type]
            exdates=exd, rdates=rdd,
            recurrence_id=None if r[4] is None else time_from_key(str(r[4]), start),
            reminders=_reminders_parse(str(r[16])),
            created=datetime.fromtimestamp(r[17], UTC),  # type: ignore[arg-type]
            updated=datetime.fromtimestamp(updated, UTC),
            extra=tuple(str(r[19]).split("\n")) if r[19] else (),
        )
        if len(self._event_cache) > 50_000:
            self._event_cache.clear()
        self._event_cache[rowid] = (updated, ev)
        return ev

    def get_event(self, event_id: str) -> Event:
        """The live event with this id; raises KeyError if there is none."""
        self._sync_with_other_writers()
        r = self._db.execute(
            f"SELECT {_EVENT_COLS} FROM events WHERE id = ? AND deleted = 0", (event_id,)
        ).fetchone()
        if r is None:
            raise KeyError(event_id)
        return self._row_to_event(r)

    def series(self, uid: str) -> tuple[Event | None, list[Event]]:
        """The master with this UID and its overrides."""
        self._sync_with_other_writers()
        rows = self._db.execute(
            f"SELECT {_EVENT_COLS} FROM events WHERE uid = ? AND deleted = 0", (uid,)
        ).fetchall()
        evs = [self._row_to_event(r) for r in rows]
        master = next((e for e in evs if e.recurrence_id is None), None)
        return master, [e for e in evs if e.recurrence_id is not None]

    def events(self, calendar_id: str | None = None) -> list[Event]:
        """Every live event (masters and overrides), optionally of one calendar."""
        self._sync_with_other_writers()
        sql = f"SELECT {_EVENT_COLS} FROM events WHERE deleted = 0"
        args: tuple[str, ...] = ()
        if calendar_id is not None:
            sql += " AND calendar_id = ?"
            args = (calendar_id,)
        return [self._row_to_event(r) for r in self._db.execute(sql + " ORDER BY rowid", args)]

    def put_event(self, event: Event) -> Event:
        """Create or update one event. Raises ValidationError; returns the stored event."""
        return self.put_events([event])[0]

    def put_events(
        self, events: Sequence[Event], *, progress: Callable[[int, int], None] | None = None,
        touch: bool = True,
    ) -> list[Event]:
        """Create or update events in one transaction (all or nothing).

        ``touch`` stamps ``updated`` with now (an import keeps the file's stamps).
        """
        stored: list[Event] = []
        with self._tx() as touched:
            stored = self._put_many(events, touched, progress, touch)
        self._notify(ChangeNotice(event_ids=frozenset(touched)))
        return stored

    def apply(self, change: SeriesChange) -> None:
        """Apply a series edit (writes and deletes) in one transaction."""
        with self._tx() as touched:
            for ev in change.deletes:
                if self._tombstone(ev.id):
                    touched.add(ev.id)
            self._put_many(change.upserts, touched, None, True)
            if change.handed_over is not None:
                self._hand_over_reminder_states(*change.handed_over)
        self._notify(ChangeNotice(event_ids=frozenset(touched)))

    def _hand_over_reminder_states(self, old_uid: str, new_uid: str, from_key: str) -> None:
        """After a split, reminder states of instances from ``from_key`` on follow them to
        the new series (a reminder already shown is not shown again)."""
        prefix = old_uid + "/"
        rows = self._db.execute(
            "SELECT occurrence_key, reminder FROM reminder_state "
            "WHERE substr(occurrence_key, 1, ?) = ?", (len(prefix), prefix)).fetchall()
        for key, reminder in rows:
            rid = key[len(prefix):]
            if rid >= from_key:  # keys of one series share one format: text order is time order
                new_key = f"{new_uid}/{rid}"
                self._db.execute(
                    "UPDATE reminder_state SET occurrence_key = ? "
                    "WHERE occurrence_key = ? AND reminder = ?", (new_key, key, reminder))
                self._mark_changed("reminder_state", [f"{new_key}#{reminder}"])

    def delete_event(self, event_id: str) -> None:
        """Delete an event; for a series master, its overrides go too. KeyError if absent."""
        with self._tx() as touched:
            ev = self.get_event(event_id)
            ids = [event_id]
            if ev.recurrence_id is None:
                ids += [r[0] for r in self._db.execute(
                    "SELECT id FROM events WHERE uid = ? AND rid IS NOT NULL AND deleted = 0",
                    (ev.uid,))]
            for eid in ids:
                self._tombstone(eid)
                touched.add(eid)
        self._notify(ChangeNotice(event_ids=frozenset(touched)))

    def _tombstone(self, event_id: str, *, local: bool = True) -> bool:
        row = self._db.execute(
            "SELECT rowid, uid, rid FROM events WHERE id = ? AND deleted = 0", (event_id,)
        ).fetchone()
        if row is None:
            return False
        rowid, uid, rid = row
        self._event_cache.pop(rowid, None)
        # A master's or single's instances carry its rowid as series_rowid; an
        # override's are rebuilt with its series below.
        self._db.execute("DELETE FROM instances WHERE series_rowid = ?", (rowid,))
        self._db.execute("UPDATE events SET deleted = 1, updated = ? WHERE rowid = ?",
                         (self._stamp(), rowid))
        if local:
            self._mark_changed("event", [event_id])
        if rid is not None or self._db.execute(
                "SELECT 1 FROM events WHERE uid = ? AND deleted = 0 LIMIT 1", (uid,)).fetchone():
            # An override went (its series is rebuilt), or a master went while overrides
            # stay (they show on their own).
            self._rematerialise_uid(uid)
        return True

    def _put_many(
        self, events: Sequence[Event], touched: set[str],
        progress: Callable[[int, int], None] | None, touch: bool, *, local: bool = True,
    ) -> list[Event]:
        """Validate and write events in bulk, then rebuild the instances they affect.

        ``local``: this desktop's edit (checked against read-only calendars, pending
        for sync); otherwise the server's (written as it is, nothing pending).
        """
        stamp = self._clock().replace(microsecond=0)
        total = len(events)
        stored = [ev.replace(updated=stamp) for ev in events] if touch else list(events)
        existing: dict[str, tuple[int, str]] = {}
        ids = [ev.id for ev in stored]
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for row in self._db.execute(
                    f"SELECT id, rowid, uid FROM events WHERE id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                existing[row[0]] = (row[1], row[2])
        cal_ok: dict[str, bool] = {}
        next_rowid = int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM events")
                         .fetchone()[0])
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        singles: list[tuple[object, ...]] = []
        series_to_build: set[str] = set()
        for i, ev in enumerate(stored):
            ev.validate()
            if ev.calendar_id not in cal_ok:
                r = self._db.execute(
                    "SELECT read_only FROM calendars WHERE id = ? AND deleted = 0",
                    (ev.calendar_id,)).fetchone()
                if r is None:
                    raise ValidationError(f"no calendar with id {ev.calendar_id}")
                cal_ok[ev.calendar_id] = not r[0] or not local
            if not cal_ok[ev.calendar_id]:
                raise ValidationError("that calendar is read-only")
            values = _event_values(ev)
            old = existing.get(ev.id)
            if old is None:
                rowid = next_rowid
                next_rowid += 1
                existing[ev.id] = (rowid, ev.uid)
                inserts.append((rowid, *values))
            else:
                rowid, old_uid = old
                updates.append((*values, rowid))
                self._event_cache.pop(rowid, None)
                if old_uid != ev.uid:
                    series_to_build.add(old_uid)
            touched.add(ev.id)
            if ev.recurrence_id is not None or ev.is_recurring or old is not None:
                series_to_build.add(ev.uid)
            else:
                singles.append((rowid, rowid, 0 if isinstance(ev.start, ZonedTime) else 1,
                                _time_seconds(ev.start), _time_seconds(ev.end), None))
            if progress is not None and (i % 500 == 0 or i == total - 1):
                progress(i + 1, total)
        # The definitions of zones a file defined go with their events (store/zones.py).
        save_zones(self._db, {ev.start.tz for ev in stored if isinstance(ev.start, ZonedTime)})
        self._db.executemany(
            "INSERT INTO events (rowid, id, uid, calendar_id, rid, title, location, notes, "
            "status, kind, tz, start_key, end_key, rrule, exdates, rdates, reminders, created, "
            "updated, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", inserts)
        self._db.executemany(
            "UPDATE events SET id=?, uid=?, calendar_id=?, rid=?, title=?, location=?, notes=?, "
            "status=?, kind=?, tz=?, start_key=?, end_key=?, rrule=?, exdates=?, rdates=?, "
            "reminders=?, created=?, updated=?, extra=?, deleted=0 WHERE rowid = ?", updates)
        if local:
            self._mark_changed("event", ids)
        self._insert_instances(singles)
        for uid in series_to_build:
            self._rematerialise_uid(uid)
        return stored

    def search(self, text: str, *, limit: int = 200) -> list[Event]:
        """Live events whose title, location or notes contain ``text`` (case-insensitive)."""
        self._sync_with_other_writers()
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        needle = f"%{escaped}%"
        rows = self._db.execute(
            f"SELECT {_E_COLS} "
            "FROM events e JOIN calendars c ON c.id = e.calendar_id "
            "WHERE e.deleted = 0 AND c.deleted = 0 AND (e.title LIKE ? ESCAPE '\\' "
            "OR e.location LIKE ? ESCAPE '\\' OR e.notes LIKE ? ESCAPE '\\') "
            "ORDER BY e.start_key LIMIT ?",
            (needle, needle, needle, limit),
        ).fetchall()
        return [self._row_to_event(r) for r in rows]

