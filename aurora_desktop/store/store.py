"""The local store: one SQLite file holding calendars, events, instances and the outbox.

Contract:
- Every mutation writes its rows and one outbox entry per changed item in a
  single transaction: after a crash both are there or neither is.
- Deletions are tombstones (``deleted = 1``) until sync has told the server.
- ``occurrences()`` answers from the ``instances`` table, which always holds
  every occurrence of every live event up to the horizon (``meta.horizon``);
  a query past the horizon first moves it.
- Errors from the environment (disk full, database locked, corrupt or
  read-only file, a newer schema) raise :class:`StoreError` with a message for
  the user; anything else is a bug and propagates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from aurora_core.model import (
    AllDayDate,
    Calendar,
    Event,
    EventStatus,
    EventTime,
    FloatingTime,
    Occurrence,
    Reminder,
    ValidationError,
    ZonedTime,
    get_zone,
    new_id,
    time_from_key,
    time_key,
)
from aurora_core.recurrence import (
    MAX_INSTANCES,
    SeriesChange,
    _frame,
    parse_rule,
    rule_walls_between,
)

from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DEFAULT_CALENDAR_NAME", "ChangeNotice", "ReminderState", "Store", "StoreError"]

DEFAULT_CALENDAR_NAME = "Personal"
# Open-ended series are materialised this far past "now"; a view beyond moves it.
HORIZON = timedelta(days=400)
HORIZON_STEP = timedelta(days=62)  # how much further a view past the horizon moves it
_EPOCH = datetime(1970, 1, 1)
_KIND = {ZonedTime: 0, AllDayDate: 1, FloatingTime: 2}


class StoreError(Exception):
    """The database cannot be used (its file, the disk, or its version); the message says why."""


@dataclass(frozen=True)
class ReminderState:
    """What happened to one reminder of one occurrence.

    ``occurrence_key`` is :attr:`Occurrence.key`; ``reminder`` is
    ``"<minutes_before>:<channel>"``; ``state`` is fired, snoozed or dismissed.
    """

    occurrence_key: str
    reminder: str
    state: str
    due: datetime
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class ChangeNotice:
    """What a committed mutation touched (for views and the reminder planner)."""

    event_ids: frozenset[str] = frozenset()
    calendar_ids: frozenset[str] = frozenset()
    reminder_state: bool = False


def _wall_seconds(wall: datetime) -> int:
    return int((wall - _EPOCH).total_seconds())


def _from_wall_seconds(s: int) -> datetime:
    return _EPOCH + timedelta(seconds=s)


def _key(t: EventTime) -> int:
    if isinstance(t, ZonedTime):
        return int(t.at.timestamp())
    if isinstance(t, AllDayDate):
        return _wall_seconds(datetime(t.day.year, t.day.month, t.day.day))
    return _wall_seconds(t.wall)


def _time(kind: int, tz: str | None, k: int) -> EventTime:
    if kind == 0:
        assert tz is not None
        return ZonedTime(datetime.fromtimestamp(k, UTC), tz)
    if kind == 1:
        return AllDayDate(_from_wall_seconds(k).date())
    return FloatingTime(_from_wall_seconds(k))


def _event_values(ev: Event) -> tuple[object, ...]:
    """The events-table columns id..updated of ``ev``."""
    return (
        ev.id, ev.uid, ev.calendar_id,
        None if ev.recurrence_id is None else time_key(ev.recurrence_id),
        ev.title, ev.location, ev.notes, str(ev.status), _KIND[type(ev.start)],
        ev.start.tz if isinstance(ev.start, ZonedTime) else None,
        _key(ev.start), _key(ev.end), ev.rrule,
        " ".join(time_key(x) for x in ev.exdates), " ".join(time_key(x) for x in ev.rdates),
        _reminders_text(ev.reminders), int(ev.created.timestamp()), int(ev.updated.timestamp()),
    )


def _reminders_text(rs: Sequence[Reminder]) -> str:
    return " ".join(f"{r.minutes_before}:{r.channel}" for r in rs)


def _reminders_parse(text: str) -> tuple[Reminder, ...]:
    out = []
    for part in text.split():
        m, ch = part.split(":", 1)
        out.append(Reminder(int(m), ch))  # type: ignore[arg-type]  # checked on write
    return tuple(out)


def _environment_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """A user-facing StoreError for environment failures, None for bugs."""
    msg = str(exc).lower()
    if "full" in msg:
        return StoreError(f"the disk holding {path} is full; nothing was saved")
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path} is locked by another program; try again")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"{path} is read-only; nothing was saved")
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path} is damaged (not a readable Aurora database)")
    if "unable to open" in msg or "disk i/o" in msg:
        return StoreError(f"cannot open or write {path}: {exc}")
    return None


_EVENT_COLS = (
    "rowid, id, uid, calendar_id, rid, title, location, notes, status, kind, tz, start_key, "
    "end_key, rrule, exdates, rdates, reminders, created, updated"
)

_E_COLS = ", ".join("e." + c.strip() for c in _EVENT_COLS.split(","))


class Store:
    """The local calendar database. Not thread-safe: use it from one thread.

    ``clock`` gives "now" (aware UTC); tests pass a fake one.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._listeners: list[Callable[[ChangeNotice], None]] = []
        self._event_cache: dict[int, tuple[int, Event]] = {}
        self._span: int | None = None  # see _max_span
        self._seen_version = -1  # PRAGMA data_version when the caches were last valid
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {self.path.parent}: {exc.strerror}") from None
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA cache_size = -32000")  # 32 MB: bulk imports stay in memory
            self._migrate()
            self._ensure_default_calendar()
        except sqlite3.Error as exc:
            err = _environment_error(exc, self.path)
            if err is None:
                raise
            raise err from None

    # ------------------------------------------------------------------ setup

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer Aurora Time (schema {version}; this "
                f"version knows up to {SCHEMA_VERSION}). Update Aurora Time to open it."
            )
        for v in range(version, SCHEMA_VERSION):
            with self._tx():
                MIGRATIONS[v](self._db)
                self._db.execute(f"PRAGMA user_version = {v + 1}")

    def _ensure_default_calendar(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'initialised'").fetchone()
        if row is None:
            with self._tx() as notice:
                self._write_calendar(Calendar(new_id(), DEFAULT_CALENDAR_NAME), notice)
                self._db.execute("INSERT INTO meta VALUES ('initialised', '1')")

    @contextmanager
    def _tx(self) -> Iterator[set[str]]:
        """One write transaction. Yields a set the body fills with touched event ids."""
        touched: set[str] = set()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield touched
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            err = _environment_error(exc, self.path)
            if err is None:
                raise
            raise err from None

    def subscribe(self, listener: Callable[[ChangeNotice], None]) -> None:
        """Call ``listener`` after every committed mutation."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[ChangeNotice], None]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            listener(notice)

    def now(self) -> datetime:
        return self._clock()

    # ------------------------------------------------------------ calendars

    def calendars(self, *, include_hidden: bool = True) -> list[Calendar]:
        sql = "SELECT id, name, color, visible, read_only FROM calendars WHERE deleted = 0"
        if not include_hidden:
            sql += " AND visible = 1"
        rows = self._db.execute(sql + " ORDER BY position, name").fetchall()
        return [Calendar(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]

    def calendar(self, calendar_id: str) -> Calendar:
        for c in self.calendars():
            if c.id == calendar_id:
                return c
        raise KeyError(calendar_id)

    def calendar_by_name(self, name: str) -> Calendar | None:
        folded = name.casefold()
        return next((c for c in self.calendars() if c.name.casefold() == folded), None)

    def default_calendar(self) -> Calendar:
        cals = self.calendars()
        writable = [c for c in cals if not c.read_only]
        if writable:
            return writable[0]
        cal = Calendar(new_id(), DEFAULT_CALENDAR_NAME)
        self.put_calendar(cal)
        return cal

    def _write_calendar(self, cal: Calendar, touched: set[str]) -> None:
        cal.validate()
        old = self._db.execute("SELECT version FROM calendars WHERE id = ?", (cal.id,)).fetchone()
        pos = self._db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM calendars").fetchone()[0]
        self._db.execute(
            "INSERT INTO calendars (id, name, color, visible, read_only, position, deleted, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " color = excluded.color, visible = excluded.visible, read_only = excluded.read_only,"
            " deleted = 0, updated = excluded.updated",
            (cal.id, cal.name, cal.color, int(cal.visible), int(cal.read_only), pos, self._stamp()),
        )
        self._outbox("calendar", cal.id, "put", old[0] if old else None)
        touched.add("calendar:" + cal.id)

    def put_calendar(self, cal: Calendar) -> None:
        """Create or update a calendar. Raises ValidationError for a bad name or colour."""
        with self._tx() as touched:
            self._write_calendar(cal, touched)
        self._notify(ChangeNotice(calendar_ids=frozenset({cal.id})))

    def delete_calendar(self, calendar_id: str) -> int:
        """Delete a calendar and all its events (tombstones). Returns how many events went.

        Set-based, so a calendar of thousands of events goes at once; a series that
        keeps rows in another calendar (an occurrence moved there) is rebuilt.
        """
        with self._tx():
            ver = self._db.execute(
                "SELECT version FROM calendars WHERE id = ? AND deleted = 0", (calendar_id,)
            ).fetchone()
            if ver is None:
                raise KeyError(calendar_id)
            rows = self._db.execute(
                "SELECT rowid, id, uid, version FROM events WHERE calendar_id = ? AND deleted = 0",
                (calendar_id,)).fetchall()
            stamp = self._stamp()
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (rowid INTEGER PRIMARY KEY)")
            self._db.execute("DELETE FROM doomed")
            self._db.executemany("INSERT INTO doomed VALUES (?)", [(r[0],) for r in rows])
            self._db.execute("DELETE FROM instances WHERE series_rowid IN (SELECT rowid FROM doomed)"
                             " OR event_rowid IN (SELECT rowid FROM doomed)")
            self._db.execute("UPDATE events SET deleted = 1, updated = ? "
                             "WHERE rowid IN (SELECT rowid FROM doomed)", (stamp,))
            self._db.executemany(
                "INSERT INTO outbox (entity, entity_id, op, base_version, created) "
                "VALUES ('event', ?, 'delete', ?, ?)", [(r[1], r[3], stamp) for r in rows])
            for uid in {r[2] for r in rows}:
                if self._db.execute("SELECT 1 FROM events WHERE uid = ? AND deleted = 0 LIMIT 1",
                                    (uid,)).fetchone():
                    self._rematerialise_uid(uid)
            self._db.execute("DELETE FROM doomed")
            self._db.execute(
                "UPDATE calendars SET deleted = 1, updated = ? WHERE id = ?", (stamp, calendar_id))
            self._outbox("calendar", calendar_id, "delete", ver[0])
        ids = frozenset(r[1] for r in rows)
        self._notify(ChangeNotice(event_ids=ids, calendar_ids=frozenset({calendar_id})))
        return len(ids)

    def count_events(self, calendar_id: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM events WHERE deleted = 0 AND rid IS NULL"
        args: tuple[str, ...] = ()
        if calendar_id is not None:
            sql += " AND calendar_id = ?"
            args = (calendar_id,)
        return int(self._db.execute(sql, args).fetchone()[0])

    # --------------------------------------------------------------- events

    def _stamp(self) -> int:
        return int(self._clock().timestamp())

    def _outbox(self, entity: str, entity_id: str, op: str, base_version: int | None) -> None:
        self._db.execute(
            "INSERT INTO outbox (entity, entity_id, op, base_version, created) VALUES (?,?,?,?,?)",
            (entity, entity_id, op, base_version, self._stamp()),
        )

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
                self._outbox("reminder_state", f"{new_key}#{reminder}", "put", None)

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

    def _tombstone(self, event_id: str) -> bool:
        row = self._db.execute(
            "SELECT rowid, version, uid, rid FROM events WHERE id = ? AND deleted = 0", (event_id,)
        ).fetchone()
        if row is None:
            return False
        rowid, version, uid, rid = row
        # A master's or single's instances carry its rowid as series_rowid; an
        # override's are rebuilt with its series below.
        self._db.execute("DELETE FROM instances WHERE series_rowid = ?", (rowid,))
        self._db.execute("UPDATE events SET deleted = 1, updated = ? WHERE rowid = ?",
                         (self._stamp(), rowid))
        self._outbox("event", event_id, "delete", version)
        if rid is not None or self._db.execute(
                "SELECT 1 FROM events WHERE uid = ? AND deleted = 0 LIMIT 1", (uid,)).fetchone():
            # An override went (its series is rebuilt), or a master went while overrides
            # stay (they show on their own).
            self._rematerialise_uid(uid)
        return True

    def _put_many(
        self, events: Sequence[Event], touched: set[str],
        progress: Callable[[int, int], None] | None, touch: bool,
    ) -> list[Event]:
        """Validate and write events in bulk, then rebuild the instances they affect."""
        stamp = self._clock().replace(microsecond=0)
        total = len(events)
        stored = [ev.replace(updated=stamp) for ev in events] if touch else list(events)
        existing: dict[str, tuple[int, int | None, str]] = {}
        ids = [ev.id for ev in stored]
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for row in self._db.execute(
                    f"SELECT id, rowid, version, uid FROM events WHERE id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                existing[row[0]] = (row[1], row[2], row[3])
        cal_ok: dict[str, bool] = {}
        next_rowid = int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM events")
                         .fetchone()[0])
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        outbox: list[tuple[str, str, str, int | None, int]] = []
        singles: list[tuple[object, ...]] = []
        series_to_build: set[str] = set()
        now = self._stamp()
        for i, ev in enumerate(stored):
            ev.validate()
            if ev.calendar_id not in cal_ok:
                r = self._db.execute(
                    "SELECT read_only FROM calendars WHERE id = ? AND deleted = 0",
                    (ev.calendar_id,)).fetchone()
                if r is None:
                    raise ValidationError(f"no calendar with id {ev.calendar_id}")
                cal_ok[ev.calendar_id] = not r[0]
            if not cal_ok[ev.calendar_id]:
                raise ValidationError("that calendar is read-only")
            values = _event_values(ev)
            old = existing.get(ev.id)
            if old is None:
                rowid = next_rowid
                next_rowid += 1
                existing[ev.id] = (rowid, None, ev.uid)
                inserts.append((rowid, *values))
                outbox.append(("event", ev.id, "put", None, now))
            else:
                rowid, version, old_uid = old
                updates.append((*values, rowid))
                outbox.append(("event", ev.id, "put", version, now))
                self._event_cache.pop(rowid, None)
                if old_uid != ev.uid:
                    series_to_build.add(old_uid)
            touched.add(ev.id)
            if ev.recurrence_id is not None or ev.is_recurring or old is not None:
                series_to_build.add(ev.uid)
            else:
                singles.append((rowid, rowid, 0 if isinstance(ev.start, ZonedTime) else 1,
                                _key(ev.start), _key(ev.end), None))
            if progress is not None and (i % 500 == 0 or i == total - 1):
                progress(i + 1, total)
        self._db.executemany(
            "INSERT INTO events (rowid, id, uid, calendar_id, rid, title, location, notes, "
            "status, kind, tz, start_key, end_key, rrule, exdates, rdates, reminders, created, "
            "updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", inserts)
        self._db.executemany(
            "UPDATE events SET id=?, uid=?, calendar_id=?, rid=?, title=?, location=?, notes=?, "
            "status=?, kind=?, tz=?, start_key=?, end_key=?, rrule=?, exdates=?, rdates=?, "
            "reminders=?, created=?, updated=?, deleted=0 WHERE rowid = ?", updates)
        self._db.executemany(
            "INSERT INTO outbox (entity, entity_id, op, base_version, created) VALUES (?,?,?,?,?)",
            outbox)
        self._insert_instances(singles)
        for uid in series_to_build:
            self._rematerialise_uid(uid)
        return stored

    def _insert_single_instance(self, rowid: int, ev: Event) -> None:
        local = 0 if isinstance(ev.start, ZonedTime) else 1
        self._insert_instances([(rowid, rowid, local, _key(ev.start), _key(ev.end), None)])

    def _insert_instances(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Insert instance rows (event, series, local, start, end, rid), keeping the longest
        span known so range queries stay bounded without scanning the table."""
        self._db.executemany("INSERT INTO instances VALUES (?,?,?,?,?,?)", rows)
        if rows and self._span is not None:
            longest = max(int(r[4]) - int(r[3]) for r in rows)  # type: ignore[call-overload]
            self._span = max(self._span, longest)

    # ------------------------------------------------------------ instances

    def _horizon(self) -> int:
        """Wall seconds up to which open-ended series are materialised."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'horizon'").fetchone()
        if row is not None:
            return int(row[0])
        h = _wall_seconds(self._clock().replace(tzinfo=None) + HORIZON)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('horizon', ?)", (str(h),))
        return h

    def _rematerialise_uid(self, uid: str) -> None:
        rows = self._db.execute(
            f"SELECT {_EVENT_COLS} FROM events WHERE uid = ? AND deleted = 0", (uid,)
        ).fetchall()
        rowids = [int(r[0]) for r in rows]
        if rowids:
            marks = ",".join("?" * len(rowids))
            self._db.execute(f"DELETE FROM instances WHERE series_rowid IN ({marks})", rowids)
        evs = [(int(r[0]), self._row_to_event(r)) for r in rows]
        masters = [(rid, e) for rid, e in evs if e.recurrence_id is None]
        overrides = [(rid, e) for rid, e in evs if e.recurrence_id is not None]
        if not masters or not masters[0][1].is_recurring:
            # A single event, or overrides whose master is not (yet) here: shown as they are.
            for rowid, e in masters + overrides:
                self._insert_single_instance(rowid, e)
            return
        master_rowid, master = masters[0]
        self._materialise(master_rowid, master, overrides, self._horizon())

    def _materialise(self, master_rowid: int, master: Event,
                     overrides: Sequence[tuple[int, Event]], horizon: int,
                     from_wall: int | None = None) -> None:
        """Write the instances of a series with walls in [from_wall, horizon].

        Works on wall clocks and integer keys (no per-instance objects): this is
        the hot path of an import.
        """
        start = master.start
        zone = get_zone(start.tz) if isinstance(start, ZonedTime) else None
        local = 0 if zone is not None else 1
        rule = parse_rule(master.rrule, start) if master.rrule else None
        bounded = rule is None or rule.bounded
        lo = _from_wall_seconds(from_wall) if from_wall is not None else datetime.min
        hi = _from_wall_seconds(horizon) if not bounded else datetime.max
        dur = master.duration
        whole_days = zone is not None and dur.seconds == 0 and dur.microseconds == 0
        dur_s = int(dur.total_seconds())

        def key_of(wall: datetime) -> int:
            if zone is None:
                return _wall_seconds(wall)
            return int(wall.replace(tzinfo=zone).timestamp())

        walls = rule_walls_between(master, lo, hi)[:MAX_INSTANCES]
        skip = {_key(x) for x in master.exdates}
        skip.update(_key(e.recurrence_id) for _, e in overrides if e.recurrence_id is not None)
        rows = []
        seen: set[int] = set()
        extra = [_frame(r) for r in master.rdates if lo <= _frame(r) <= hi]
        for wall in (*walls, *extra):
            k = key_of(wall)
            if k in skip or k in seen:
                continue
            seen.add(k)
            end = key_of(wall + dur) if whole_days else k + dur_s
            rows.append((master_rowid, master_rowid, local, k, end, k))
        if from_wall is None:
            excluded = {_key(x) for x in master.exdates}
            for rowid, ov in overrides:
                assert ov.recurrence_id is not None
                rk = _key(ov.recurrence_id)
                if rk in excluded or ov.status == EventStatus.CANCELLED:
                    continue
                ov_local = 0 if isinstance(ov.start, ZonedTime) else 1
                rows.append((rowid, master_rowid, ov_local, _key(ov.start), _key(ov.end), rk))
        self._insert_instances(rows)
        self._db.execute("UPDATE events SET expanded_to = ? WHERE rowid = ?",
                         (None if bounded else horizon, master_rowid))

    def _extend_horizon(self, wall_needed: int) -> None:
        """Materialise open-ended series further, up to at least ``wall_needed``."""
        old = self._horizon()
        if wall_needed <= old:
            return
        # Only as far as asked plus two months: this runs on the GUI thread, and a
        # step of HORIZON took seconds with a thousand open-ended series.
        new = wall_needed + int(HORIZON_STEP.total_seconds())
        with self._tx():
            for r in self._db.execute(
                f"SELECT {_EVENT_COLS} FROM events WHERE expanded_to IS NOT NULL AND deleted = 0"
            ).fetchall():
                master = self._row_to_event(r)
                # Its overrides' instances already exist; their originals must be skipped.
                overrides = [(int(o[0]), self._row_to_event(o)) for o in self._db.execute(
                    f"SELECT {_EVENT_COLS} FROM events WHERE uid = ? AND rid IS NOT NULL "
                    "AND deleted = 0", (master.uid,))]
                self._materialise(int(r[0]), master, overrides, new, from_wall=old + 1)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('horizon', ?)", (str(new),))

    # -------------------------------------------------------------- queries

    def occurrences(
        self,
        start: datetime,
        end: datetime,
        local_tz: tzinfo,
        *,
        calendar_ids: Iterable[str] | None = None,
    ) -> list[Occurrence]:
        """Occurrences overlapping [start, end) in visible calendars (or the given ones), sorted.

        ``start``/``end`` are aware; all-day and floating times are read in ``local_tz``.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("window bounds must be aware datetimes")
        ws, we = int(start.timestamp()), int(end.timestamp())
        lws = _wall_seconds(start.astimezone(local_tz).replace(tzinfo=None))
        lwe = _wall_seconds(end.astimezone(local_tz).replace(tzinfo=None))
        self._extend_horizon(max(lwe, we) + 86400)
        if calendar_ids is None:
            cal_filter = "c.visible = 1"
            args: list[object] = []
        else:
            ids = list(calendar_ids)
            cal_filter = f"c.id IN ({','.join('?' * len(ids))})"
            args = list(ids)
        self._sync_with_other_writers()
        span = self._max_span()
        sql = (
            f"SELECT i.start_key, i.end_key, i.rid, i.local, {_E_COLS} "
            "FROM instances i JOIN events e ON e.rowid = i.event_rowid "
            "JOIN calendars c ON c.id = e.calendar_id "
            "WHERE i.local = ? AND i.start_key >= ? AND i.start_key < ? "
            "AND (i.start_key >= ? OR i.end_key > ?) "
            f"AND c.deleted = 0 AND {cal_filter}"
        )
        out: list[tuple[datetime, str, Occurrence]] = []
        for local, lo, hi in ((0, ws, we), (1, lws, lwe)):
            for r in self._db.execute(sql, (local, lo - span, hi, lo, lo, *args)):
                ev = self._row_to_event(r[4:])
                kind, tz = int(r[4 + 9]), r[4 + 10]
                if r[2] is None:
                    occ = Occurrence(ev, ev.start, ev.end, None)
                elif ev.recurrence_id is not None:
                    occ = Occurrence(ev, ev.start, ev.end, ev.recurrence_id)
                else:
                    s = _time(kind, tz, r[0])
                    occ = Occurrence(ev, s, _time(kind, tz, r[1]), s)
                out.append((occ.start.instant(local_tz), ev.title, occ))
        out.sort(key=lambda x: (x[0], x[1]))
        return [o for _, _, o in out]

    def _max_span(self) -> int:
        """The longest instance (seconds): the lower bound of every range scan.

        Kept up to date by our own writes; rescanned after another connection
        has committed (see :meth:`_sync_with_other_writers`).
        """
        if self._span is None:
            r = self._db.execute("SELECT MAX(end_key - start_key) FROM instances").fetchone()
            self._span = int(r[0] or 0)
        return self._span

    def data_version(self) -> int:
        """A number that changes whenever another connection (another Aurora process, an
        import worker) commits to this file; this connection's own commits leave it."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _sync_with_other_writers(self) -> None:
        """Drop what this connection derived from the file if another connection (another
        Aurora process, an import worker) committed since we last looked."""
        version = self.data_version()
        if version != self._seen_version:
            self._seen_version = version
            self._span = None
            self._event_cache.clear()

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

    # -------------------------------------------------------- reminder state

    def reminder_states(self) -> dict[tuple[str, str], ReminderState]:
        """Every stored reminder state, keyed by (occurrence key, reminder key)."""
        return {
            (r[0], r[1]): ReminderState(r[0], r[1], r[2], datetime.fromtimestamp(r[3], UTC),
                                        None if r[4] is None else datetime.fromtimestamp(r[4], UTC))
            for r in self._db.execute(
                "SELECT occurrence_key, reminder, state, due, snoozed_until FROM reminder_state")
        }

    def set_reminder_states(self, states: Iterable[ReminderState]) -> None:
        """Record fired/snoozed/dismissed states (one transaction, with outbox entries)."""
        with self._tx():
            for st in states:
                if st.state not in ("fired", "snoozed", "dismissed"):
                    raise ValueError(f"unknown reminder state {st.state!r}")
                self._db.execute(
                    "INSERT OR REPLACE INTO reminder_state VALUES (?,?,?,?,?,?)",
                    (st.occurrence_key, st.reminder, st.state, int(st.due.timestamp()),
                     None if st.snoozed_until is None else int(st.snoozed_until.timestamp()),
                     self._stamp()))
                self._outbox("reminder_state", f"{st.occurrence_key}#{st.reminder}", "put", None)
        self._notify(ChangeNotice(reminder_state=True))

    def forget_reminder_states(self, before: datetime) -> int:
        """Drop states of reminders due before ``before`` (housekeeping). Returns how many."""
        with self._tx():
            cur = self._db.execute("DELETE FROM reminder_state WHERE due < ? AND state != 'snoozed'",
                                   (int(before.timestamp()),))
        return cur.rowcount

    # --------------------------------------------------------------- outbox

    def outbox(self) -> list[tuple[int, str, str, str, int | None]]:
        """Pending outbox entries: (seq, entity, entity_id, op, base_version)."""
        return [tuple(r) for r in self._db.execute(
            "SELECT seq, entity, entity_id, op, base_version FROM outbox ORDER BY seq")]

    def day_bounds(self, day: date, local_tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) of a local day as UTC instants (23 or 25 hours apart on DST days).

        UTC, because Python subtracts two datetimes sharing a tzinfo by wall clock.
        """
        s = datetime(day.year, day.month, day.day, tzinfo=local_tz)
        nxt = day + timedelta(days=1)
        e = datetime(nxt.year, nxt.month, nxt.day, tzinfo=local_tz)
        return s.astimezone(UTC), e.astimezone(UTC)

