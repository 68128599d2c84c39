"""Press, drag, release on a calendar surface: one state machine, no Qt.

The hour grid, the all-day row and the month view share it. A press on an
event moves or resizes it, a press on empty space creates one; nothing
happens until the pointer has travelled the platform's drag distance (a
press and release without that is a click); from then on the preview
follows the pointer on the surface's snapping, and the release says what to
do: change the event, create one, or nothing (dropped where it was, or
cancelled with Escape).

Positions come in twice: in pixels, for the drag distance, and as the wall
time under the pointer, which the surface computes (the hour grid: the time
at that height; the all-day row and the month: the day's midnight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Generic, Protocol, TypeAlias, TypeVar


class DragMode(StrEnum):
    """What a press on a surface starts."""

    MOVE = "move"      # an event, keeping its length
    RESIZE = "resize"  # an event's end (its lower edge in the hour grid)
    CREATE = "create"  # a new event over the dragged range


def floor_to(t: datetime, step: timedelta) -> datetime:
    """``t`` down to a multiple of ``step`` counted from its midnight."""
    base = datetime.combine(t.date(), time())
    return base + (t - base) // step * step


def round_to(t: datetime, step: timedelta) -> datetime:
    """``t`` to the nearest multiple of ``step`` counted from its midnight."""
    base = datetime.combine(t.date(), time())
    return base + round((t - base) / step) * step


@dataclass(frozen=True)
class Axis:
    """How a surface snaps: its slot length, and what a position names.

    ``cells``: a position names the whole slot under it (a day in the month
    or the all-day row), so a move shifts by whole slots and keeps the time
    of day, and a range covers the slots from first to last. Otherwise a
    position names the nearest slot boundary (a grid line in the hour grid),
    and a moved event's start lands on a line.
    """

    step: timedelta
    cells: bool

    def floor(self, t: datetime) -> datetime:
        return floor_to(t, self.step)

    def start_at(self, t: datetime) -> datetime:
        """Where a range that begins at ``t`` starts."""
        return self.floor(t) if self.cells else round_to(t, self.step)

    def end_at(self, t: datetime) -> datetime:
        """Where a range that ends at ``t`` ends."""
        return self.floor(t) + self.step if self.cells else round_to(t, self.step)


HOUR_GRID = Axis(timedelta(minutes=15), cells=False)
DAY_CELLS = Axis(timedelta(days=1), cells=True)


class Timed(Protocol):
    """What can be dragged: anything with a wall-clock start and end."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True)
class Preview(Generic[T]):
    """What to draw while dragging: the range the release would give."""

    mode: DragMode
    item: T | None  # None while creating
    start: datetime
    end: datetime
    origin: datetime  # the pressed position, snapped (cells: the pressed day's midnight)
    target: datetime  # the position under the pointer, snapped


@dataclass(frozen=True)
class Change(Generic[T]):
    """Released: give ``item`` this range."""

    item: T
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Create:
    """Released: a new event over this range."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Click(Generic[T]):
    """Released without dragging (on ``item``, or on empty space)."""

    item: T | None


Outcome: TypeAlias = Change[T] | Create | Click[T] | None


@dataclass
class _Press(Generic[T]):
    mode: DragMode
    x: float
    y: float
    at: datetime
    item: T | None
    threshold: int
    preview: Preview[T] | None = None


class DragTracker(Generic[T]):
    """One surface's press/move/release, snapped on ``axis``.

    ``press`` starts a gesture, ``move`` reports whether the preview changed
    (repaint then), ``release`` ends it with what to do, ``cancel`` drops it.
    """

    def __init__(self, axis: Axis) -> None:
        self.axis = axis
        self._press: _Press[T] | None = None

    @property
    def pressed(self) -> bool:
        return self._press is not None

    @property
    def preview(self) -> Preview[T] | None:
        """The range being dragged, once the drag has started; else None."""
        return self._press.preview if self._press else None

    def press(self, pos: tuple[float, float], at: datetime, item: T | None, mode: DragMode,
              threshold: int) -> None:
        """A press at pixel ``pos``, wall time ``at``; a drag starts beyond ``threshold`` px."""
        if (item is None) != (mode is DragMode.CREATE):
            raise ValueError(f"a {mode} drag needs {'an' if item is None else 'no'} event")
        self._press = _Press(mode, pos[0], pos[1], at, item, threshold)

    def move(self, pos: tuple[float, float], at: datetime) -> bool:
        """The pointer is at ``pos`` (wall time ``at``): True when the preview changed."""
        p = self._press
        if p is None:
            return False
        if p.preview is None and abs(pos[0] - p.x) + abs(pos[1] - p.y) < p.threshold:
            return False
        start, end = self._span(p, at)
        preview = Preview(p.mode, p.item, start, end, self.axis.start_at(p.at),
                          self.axis.start_at(at))
        changed = preview != p.preview
        p.preview = preview
        return changed

    def release(self) -> Outcome[T]:
        """The button is up: what the gesture asks for (None: nothing to do)."""
        p, self._press = self._press, None
        if p is None:
            return None
        pv = p.preview
        if pv is None:
            return Click(p.item)
        if p.item is None:
            return Create(pv.start, pv.end)
        if (pv.start, pv.end) != (p.item.start, p.item.end):
            return Change(p.item, pv.start, pv.end)
        return None

    def cancel(self) -> bool:
        """Drop the gesture; True if there was one."""
        had, self._press = self._press is not None, None
        return had

    def _span(self, p: _Press[T], at: datetime) -> tuple[datetime, datetime]:
        ax = self.axis
        it = p.item
        if it is None:  # create: from the pressed slot to the one under the pointer
            a = ax.floor(p.at)
            b = ax.start_at(at)
            if b >= a:
                return a, max(ax.end_at(at), a + ax.step)
            return b, a + ax.step
        if p.mode is DragMode.RESIZE:  # the end follows; at least one slot long
            return it.start, max(ax.end_at(at), it.start + ax.step)
        if ax.cells:  # whole slots, the time of day kept
            start = it.start + (ax.floor(at) - ax.floor(p.at))
        else:  # the start lands on a grid line
            start = round_to(it.start + (at - p.at), ax.step)
        return start, start + (it.end - it.start)
