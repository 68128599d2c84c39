"""The occurrence index: every occurrence of every live event, series up to a horizon.

See docs/architecture.md ("The store"): zoned rows key by UTC epoch seconds,
all-day and floating rows by wall seconds; open-ended series are
materialised up to a rolling horizon that a query past it moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from aurora_core.model import Event, EventStatus, Occurrence, ZonedTime, get_zone
from aurora_core.recurrence import parse_rule, rule_walls_between
from aurora_core.series import overrides_stand_alone
from aurora_core.times import own_wall

from .base import HORIZON, HORIZON_STEP, StoreBase
from .rows import _E_COLS, _EVENT_COLS, _from_wall_seconds, _time, _time_seconds, _wall_seconds

__all__ = ["InstancesMixin"]

# Instances of one series materialised at a time: a rule every few minutes keeps about
# two weeks around today and is carried on as the horizon moves (a rule every minute
# since 1900 would otherwise be 66 million rows, or 100,000 in 1900 and none today).
DENSE = 20_000


class InstancesMixin(StoreBase):
    def _ensure_horizon(self) -> int:
        """Wall seconds up to which open-ended series are materialised (the first call on
        a store sets it: its now plus HORIZON, written to meta)."""
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
        if overrides_stand_alone(masters[0][1] if masters else None):
            # A single event, or overrides standing alone (no master here, or one that no
            # longer repeats): each shown as it is.
            for rowid, e in masters + overrides:
                self._insert_single_instance(rowid, e)
            return
        master_rowid, master = masters[0]
        self._materialise(master_rowid, master, overrides, self._ensure_horizon())

    def _materialise(self, master_rowid: int, master: Event,
                     overrides: Sequence[tuple[int, Event]], horizon: int,
                     from_wall: int | None = None, needed: int | None = None) -> None:
        """Write the instances of a series with walls in [from_wall, horizon].

        Works on wall clocks and integer keys (no per-instance objects): this is
        the hot path of an import.
        """
        start = master.start
        zone = get_zone(start.tz) if isinstance(start, ZonedTime) else None
        wall_clock = 0 if zone is not None else 1
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

        walls = rule_walls_between(master, lo, hi, DENSE)
        expanded_to = None if bounded else horizon
        if len(walls) >= DENSE:
            # More instances than the index keeps of one series at once (a rule every
            # few minutes since 1900): the first time, keep those from a little before
            # today; either way the series is carried on from its last wall as the
            # horizon moves, like an open-ended one (docs/recurrence.md).
            # Where the instances kept must reach: today the first time, else the
            # end of the window being shown (a gap before it stays unmaterialised).
            target = self._clock().replace(tzinfo=None) if from_wall is None else \
                _from_wall_seconds(needed) if needed is not None else None
            spacing = (walls[-1] - walls[0]) / (len(walls) - 1)
            if target is not None and walls[-1] < target:
                share = DENSE // 4 if from_wall is None else DENSE * 3 // 4
                lo = max(lo, target - spacing * share)
                walls = rule_walls_between(master, lo, hi, DENSE)
            if len(walls) >= DENSE:
                expanded_to = _wall_seconds(walls[-1])
        skip = {_time_seconds(x) for x in master.exdates}
        skip.update(_time_seconds(e.recurrence_id) for _, e in overrides if e.recurrence_id is not None)
        rows = []
        seen: set[int] = set()
        extra = [own_wall(r) for r in master.rdates if lo <= own_wall(r) <= hi]
        for wall in (*walls, *extra):
            k = key_of(wall)
            if k in skip or k in seen:
                continue
            seen.add(k)
            end = key_of(wall + dur) if whole_days else k + dur_s
            rows.append((master_rowid, master_rowid, wall_clock, k, end, k))
        if from_wall is None:
            excluded = {_time_seconds(x) for x in master.exdates}
            for rowid, ov in overrides:
                assert ov.recurrence_id is not None
                rk = _time_seconds(ov.recurrence_id)
                if rk in excluded or ov.status == EventStatus.CANCELLED:
                    continue
                ov_wall = 0 if isinstance(ov.start, ZonedTime) else 1
                rows.append((rowid, master_rowid, ov_wall, _time_seconds(ov.start),
                             _time_seconds(ov.end), rk))
        self._insert_instances(rows)
        self._db.execute("UPDATE events SET expanded_to = ? WHERE rowid = ?",
                         (expanded_to, master_rowid))

    def _extend_horizon(self, wall_needed: int) -> None:
        """Materialise open-ended series further, up to at least ``wall_needed``."""
        if self.read_only:
            return  # answers from what is materialised (400 days past the last writer's now)
        old = self._ensure_horizon()
        behind = self._db.execute(
            f"SELECT {_EVENT_COLS}, expanded_to FROM events WHERE expanded_to IS NOT NULL "
            "AND expanded_to < ? AND deleted = 0", (wall_needed,)).fetchall()
        if not behind:
            return
        # Only as far as asked plus two months: this runs on the GUI thread, and a
        # step of HORIZON took seconds with a thousand open-ended series.
        new = old if wall_needed <= old else wall_needed + int(HORIZON_STEP.total_seconds())
        with self._tx():
            for r in behind:
                master = self._row_to_event(r[:-1])
                # Its overrides' instances already exist; their originals must be skipped.
                overrides = [(int(o[0]), self._row_to_event(o)) for o in self._db.execute(
                    f"SELECT {_EVENT_COLS} FROM events WHERE uid = ? AND rid IS NOT NULL "
                    "AND deleted = 0", (master.uid,))]
                # From where this series stopped (the horizon, or its last kept wall).
                self._materialise(int(r[0]), master, overrides, new, from_wall=int(r[-1]) + 1,
                                  needed=wall_needed)
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
            f"SELECT i.start_key, i.end_key, i.rid, i.wall_clock, {_E_COLS} "
            "FROM instances i JOIN events e ON e.rowid = i.event_rowid "
            "JOIN calendars c ON c.id = e.calendar_id "
            "WHERE i.wall_clock = ? AND i.start_key >= ? AND i.start_key < ? "
            "AND (i.start_key >= ? OR i.end_key > ?) "
            f"AND c.deleted = 0 AND {cal_filter}"
        )
        out: list[tuple[datetime, str, Occurrence]] = []
        for wall_clock, lo, hi in ((0, ws, we), (1, lws, lwe)):
            for r in self._db.execute(sql, (wall_clock, lo - span, hi, lo, lo, *args)):
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

    def _insert_single_instance(self, rowid: int, ev: Event) -> None:
        wall_clock = 0 if isinstance(ev.start, ZonedTime) else 1
        self._insert_instances([(rowid, rowid, wall_clock, _time_seconds(ev.start),
                                 _time_seconds(ev.end), None)])

    def _insert_instances(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Insert instance rows (event, series, wall_clock, start, end, rid), keeping the longest
        span known so range queries stay bounded without scanning the table."""
        self._db.executemany("INSERT INTO instances VALUES (?,?,?,?,?,?)", rows)
        if rows and self._span is not None:
            longest = max(int(r[4]) - int(r[3]) for r in rows)  # type: ignore[call-overload]
            self._span = max(self._span, longest)
