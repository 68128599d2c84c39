"""Pure layout for the calendar views (no Qt): where each occurrence goes.

Everything works on *display items*: an occurrence with its start and end as
naive wall-clock datetimes in the user's zone, so a meeting at 09:00 New York
shows at 15:00 for a user in Berlin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property

from aurora_core.defaults import DEFAULT_COLOR, NO_TITLE
from aurora_core.model import (
    AllDayDate,
    Calendar,
    EventStatus,
    Occurrence,
)
from aurora_core.times import wall_in

__all__ = [
    "Item",
    "MonthCell",
    "Piece",
    "layout_day_columns",
    "layout_month",
    "layout_span_lanes",
    "to_items",
]

MIN_PIECE = timedelta(minutes=20)
# An event starting this long after an overlapping one is drawn over it, indented
# (a cascade), instead of taking a column of its own: the earlier one's title,
# above, stays readable. 30 min is 25 px at 50 px an hour: one title line.
CASCADE_AFTER = timedelta(minutes=30)
MAX_INDENT = 3


@dataclass(eq=False)
class Item:
    """One occurrence as the views see it."""

    occ: Occurrence
    start: datetime  # naive, user's wall clock
    end: datetime
    all_day: bool
    color: str
    calendar_name: str = ""
    # Derived once (views ask for them thousands of times per layout).
    title: str = field(init=False)
    spans_days: bool = field(init=False)  # a bar in all-day rows: all-day or 24 h and longer
    first_day: date = field(init=False)
    last_day: date = field(init=False)  # an end at midnight does not touch that day
    cancelled: bool = field(init=False)  # shown struck through (docs/import.md)

    @cached_property
    def key(self) -> str:
        return self.occ.key

    def __post_init__(self) -> None:
        self.title = self.occ.event.title or NO_TITLE
        self.cancelled = self.occ.event.status == EventStatus.CANCELLED
        self.spans_days = self.all_day or self.end - self.start >= timedelta(hours=24)
        self.first_day = self.start.date()
        self.last_day = self.start.date() if self.end <= self.start else \
            (self.end - timedelta(microseconds=1)).date()


def to_items(occs: Iterable[Occurrence], zone: tzinfo,
             calendars: dict[str, Calendar]) -> list[Item]:
    out = []
    for o in occs:
        cal = calendars.get(o.event.calendar_id)
        out.append(Item(o, wall_in(o.start, zone), wall_in(o.end, zone), isinstance(o.start, AllDayDate),
                        cal.color if cal else DEFAULT_COLOR, cal.name if cal else ""))
    return out


# --------------------------------------------------------------- time grid


@dataclass(eq=False)
class Piece:
    """The part of a timed item inside one day column."""

    item: Item
    day_index: int
    start: datetime  # clipped to the day
    end: datetime
    col: int = 0
    ncols: int = 1
    cont_before: bool = False  # the item started on an earlier day
    cont_after: bool = False
    indent: int = 0  # cascade depth: drawn over the piece(s) it overlaps in its column
    span: int = 1  # columns it covers, from ``col`` rightwards (free ones are used)
    covered_from: datetime | None = None  # a piece cascaded over this one starts here
    crowded: bool = False  # a piece in a column to the right runs beside its title
    vis_end: datetime = field(init=False)  # the end as drawn (at least MIN_PIECE long)

    def __post_init__(self) -> None:
        self.vis_end = max(self.end, self.start + MIN_PIECE)


def layout_day_columns(items: Sequence[Item], days: Sequence[date]) -> list[Piece]:
    """Timed items clipped to each day: overlapping ones cascade or sit side by side.

    Overlaps form clusters. A piece starting ``CASCADE_AFTER`` or more after
    every piece still running in a column is drawn over them, indented one
    step (at most ``MAX_INDENT``); else it takes the lowest free column, or a
    new one. Every piece shares its cluster's column count and spreads over
    the free columns to its right. Pieces come in painting order (later ones
    on top).
    """
    pieces: list[Piece] = []
    for di, d in enumerate(days):
        d0 = datetime.combine(d, time())
        d1 = d0 + timedelta(days=1)
        day_pieces = []
        for it in items:
            if it.spans_days:
                continue
            zero_inside = it.start == it.end and d0 <= it.start < d1
            if (it.end <= d0 or it.start >= d1) and not zero_inside:
                continue
            s, e = max(it.start, d0), min(it.end, d1)
            day_pieces.append(Piece(it, di, s, e, cont_before=it.start < d0, cont_after=it.end > d1))
        day_pieces.sort(key=lambda p: (p.start, -(p.end - p.start).total_seconds(), p.item.title))
        _assign_columns(day_pieces)
        pieces.extend(day_pieces)
    return pieces


def _assign_columns(ps: list[Piece]) -> None:
    cluster: list[Piece] = []
    cols: list[list[Piece]] = []  # per column: its pieces, in order
    col_end: list[datetime] = []  # per column: when the last of its pieces ends
    running: list[list[Piece]] = []  # per column: its pieces not ended yet
    cluster_end: datetime | None = None
    for p in ps:
        start = p.start
        if cluster_end is not None and start >= cluster_end:
            _finish_cluster(cluster, cols)
            cluster, cols, col_end, running, cluster_end = [], [], [], [], None
        col = -1
        for i, end in enumerate(col_end):  # a column that is free again
            if end <= start:
                col = i
                running[i] = []
                break
        if col < 0:
            for i in range(len(running)):  # cascade over what runs in a column
                run = running[i] = [q for q in running[i] if q.vis_end > start]
                if run and all(start - q.start >= CASCADE_AFTER for q in run):
                    depth = max(q.indent for q in run) + 1
                    if depth > MAX_INDENT:
                        continue
                    col, p.indent = i, depth
                    for q in run:
                        if q.covered_from is None or start < q.covered_from:
                            q.covered_from = start
                    break
        if col < 0:
            col = len(cols)
            cols.append([])
            col_end.append(p.vis_end)
            running.append([])
        p.col = col
        cols[col].append(p)
        running[col].append(p)
        col_end[col] = max(col_end[col], p.vis_end)
        cluster.append(p)
        cluster_end = p.vis_end if cluster_end is None else max(cluster_end, p.vis_end)
    _finish_cluster(cluster, cols)


def _finish_cluster(cluster: list[Piece], cols: list[list[Piece]]) -> None:
    n = max(len(cols), 1)
    for p in cluster:
        p.ncols = n
        if n == 1:
            continue
        span = 1
        for c in range(p.col + 1, n):  # spread right while nothing there overlaps it
            if any(q.start < p.vis_end and p.start < q.vis_end for q in cols[c]):
                break
            span += 1
        p.span = span
        title_end = p.start + CASCADE_AFTER
        p.crowded = any(q.start < title_end and p.start < q.vis_end
                        for c in range(p.col + span, n) for q in cols[c])


# ------------------------------------------------------------ spanning bars


@dataclass(eq=False)
class Bar:
    """A spanning item inside one row of days: columns [first, last] and a lane."""

    item: Item
    first: int
    last: int
    lane: int
    cont_before: bool
    cont_after: bool


def layout_span_lanes(items: Sequence[Item], days: Sequence[date],
                      only_spanning: bool = True) -> list[Bar]:
    """Bars for items across a row of consecutive ``days``, each in the lowest free lane."""
    if not days:
        return []
    d_first, d_last = days[0], days[-1]
    cands = []
    for it in items:
        if only_spanning and not it.spans_days:
            continue
        f, la = it.first_day, it.last_day
        if la < d_first or f > d_last:
            continue
        cands.append(it)
    cands.sort(key=lambda it: (it.first_day, -(it.last_day - it.first_day).days, not it.all_day,
                               it.start, it.title))
    lanes: list[int] = []  # per lane: last occupied column
    bars = []
    for it in cands:
        first = max((it.first_day - d_first).days, 0)
        last = min((it.last_day - d_first).days, len(days) - 1)
        for lane, occupied_to in enumerate(lanes):
            if occupied_to < first:
                lanes[lane] = last
                break
        else:
            lane = len(lanes)
            lanes.append(last)
        bars.append(Bar(it, first, last, lane, it.first_day < d_first, it.last_day > d_last))
    return bars


# ------------------------------------------------------------------- month


@dataclass(eq=False)
class MonthCell:
    day: date
    # slot index -> the item shown there: a Bar starting in this row or a timed Item
    timed: list[tuple[int, Item]] = field(default_factory=list)
    hidden: int = 0  # how many items did not fit ("+N more")
    all_items: list[Item] = field(default_factory=list)


def layout_month(items: Sequence[Item], first_day: date, weeks: int,
                 slots: int) -> tuple[list[list[Bar]], list[list[MonthCell]]]:
    """Bars (per week row) and cells (per week row, 7 each) for a month grid.

    ``slots`` is how many one-line chips fit in a cell. Bars whose lane does
    not fit are dropped and counted in their days' ``hidden``; when something
    is hidden the last slot shows "+N more" instead.
    """
    rows_bars: list[list[Bar]] = []
    rows_cells: list[list[MonthCell]] = []
    by_day: dict[date, list[Item]] = {}
    for it in sorted(items, key=_day_order):  # buckets keep this order
        d = it.first_day
        while d <= it.last_day:
            by_day.setdefault(d, []).append(it)
            d += timedelta(days=1)
            if (d - it.first_day).days > 400:
                break
    for w in range(weeks):
        days = [first_day + timedelta(days=w * 7 + i) for i in range(7)]
        bars = layout_span_lanes(items, days)
        cells = [MonthCell(d, all_items=by_day.get(d, [])) for d in days]
        used: list[set[int]] = [set() for _ in days]
        for b in bars:
            for c in range(b.first, b.last + 1):
                used[c].add(b.lane)
        # How many slots are usable: all when nothing overflows, else one less for "+N".
        kept_bars = []
        for ci, cell in enumerate(cells):
            timed = [it for it in cell.all_items if not it.spans_days]
            need = len(used[ci]) + len(timed)
            cap = slots if need <= slots else max(slots - 1, 0)
            free = [s for s in range(cap) if s not in used[ci]]
            for s, it in zip(free, timed, strict=False):
                cell.timed.append((s, it))
            shown_timed = min(len(free), len(timed))
            hidden_bars = sum(1 for lane in used[ci] if lane >= cap)
            cell.hidden = len(timed) - shown_timed + hidden_bars
        for b in bars:
            caps = []
            for c in range(b.first, b.last + 1):
                cell = cells[c]
                n = len(used[c]) + sum(1 for it in cell.all_items if not it.spans_days)
                caps.append(slots if n <= slots else max(slots - 1, 0))
            if b.lane < min(caps):
                kept_bars.append(b)
            else:
                # Partly visible bars are split into the runs of days where they fit.
                run_start = None
                for off, cap in enumerate([*caps, -1]):
                    fits = b.lane < cap
                    if fits and run_start is None:
                        run_start = off
                    elif not fits and run_start is not None:
                        kept_bars.append(Bar(b.item, b.first + run_start, b.first + off - 1,
                                             b.lane, b.cont_before or run_start > 0,
                                             b.cont_after or off - 1 < b.last - b.first))
                        run_start = None
        rows_bars.append(kept_bars)
        rows_cells.append(cells)
    return rows_bars, rows_cells


def _day_order(it: Item) -> tuple[int, datetime, str]:
    return (0 if it.spans_days else 1, it.start, it.title)


def week_start_of(d: date, first_weekday: int) -> date:
    """The first day of the week holding ``d``; ``first_weekday`` is ISO (1 = Monday)."""
    return d - timedelta(days=(d.isoweekday() - first_weekday) % 7)


def month_grid_start(d: date, first_weekday: int) -> date:
    return week_start_of(d.replace(day=1), first_weekday)
