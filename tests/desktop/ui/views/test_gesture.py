"""The drag helper the hour grid, the all-day row and the month share (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_desktop.ui.views.gesture import (
    DAY_CELLS,
    HOUR_GRID,
    Change,
    Click,
    Create,
    DragMode,
    DragTracker,
    floor_to,
    round_to,
)

THRESHOLD = 10  # px
WED = datetime(2026, 11, 25)


@dataclass(frozen=True)
class Ev:
    start: datetime
    end: datetime


def at(h: int, m: int = 0, day: int = 0) -> datetime:
    return WED + timedelta(days=day, hours=h, minutes=m)


def y(t: datetime) -> tuple[float, float]:
    """A pixel position for ``t`` (50 px an hour, as the hour grid draws it)."""
    return (100.0 * (t - WED).days, (t - datetime.combine(t.date(), WED.time())).seconds / 72)


def grid() -> DragTracker[Ev]:
    return DragTracker(HOUR_GRID)


# ------------------------------------------------------------- the hour grid

def test_a_moved_block_keeps_its_length_and_starts_on_a_quarter_hour() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press(y(at(10, 20)), at(10, 20), ev, DragMode.MOVE, THRESHOLD)
    assert d.move(y(at(13, 27, day=1)), at(13, 27, day=1))
    pv = d.preview
    assert pv is not None and (pv.start, pv.end) == (at(13, day=1), at(14, day=1))
    assert d.release() == Change(ev, at(13, day=1), at(14, day=1))
    assert not d.pressed


def test_an_off_grid_block_lands_on_the_grid_when_moved() -> None:
    ev = Ev(at(10, 7), at(10, 52))
    d = grid()
    d.press(y(at(10, 20)), at(10, 20), ev, DragMode.MOVE, THRESHOLD)
    d.move(y(at(11, 20)), at(11, 20))
    assert d.release() == Change(ev, at(11), at(11, 45))


def test_resizing_snaps_the_end_and_keeps_at_least_a_quarter_hour() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press(y(at(10, 58)), at(10, 58), ev, DragMode.RESIZE, THRESHOLD)
    d.move(y(at(12, 22)), at(12, 22))
    pv = d.preview
    assert pv is not None and (pv.start, pv.end) == (at(10), at(12, 15))
    d.move(y(at(8)), at(8))  # above the start: one slot, never inverted
    assert d.release() == Change(ev, at(10), at(10, 15))


def test_dragging_empty_time_creates_from_the_pressed_slot() -> None:
    d = grid()
    d.press(y(at(14, 5)), at(14, 5), None, DragMode.CREATE, THRESHOLD)
    d.move(y(at(15, 55)), at(15, 55))
    assert d.release() == Create(at(14), at(16))
    d.press(y(at(14, 5)), at(14, 5), None, DragMode.CREATE, THRESHOLD)
    d.move(y(at(12, 40)), at(12, 40))  # upwards: the pressed slot is still in it
    assert d.release() == Create(at(12, 45), at(14, 15))


# ------------------------------------------------------- threshold and ends

def test_nothing_is_dragged_until_the_pointer_passes_the_drag_distance() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press((50, 500), at(10), ev, DragMode.MOVE, THRESHOLD)
    assert not d.move((54, 505), at(10, 6))  # 9 px, Manhattan
    assert d.preview is None
    assert d.release() == Click(ev)


def test_a_started_drag_follows_the_pointer_back_and_dropping_in_place_does_nothing() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press((50, 500), at(10), ev, DragMode.MOVE, THRESHOLD)
    assert d.move((50, 600), at(12))
    assert d.move((50, 502), at(10, 2))  # back near the press: the preview follows
    pv = d.preview
    assert pv is not None and pv.start == at(10)
    assert d.release() is None


def test_move_reports_only_changes_of_the_preview() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press((50, 500), at(10), ev, DragMode.MOVE, THRESHOLD)
    assert d.move((50, 550), at(11))
    assert not d.move((50, 551), at(11, 1))  # the same quarter hour
    assert d.move((50, 570), at(11, 24))


def test_cancel_drops_the_drag_and_the_release_then_does_nothing() -> None:
    ev = Ev(at(10), at(11))
    d = grid()
    d.press((50, 500), at(10), ev, DragMode.MOVE, THRESHOLD)
    d.move((50, 600), at(12))
    assert d.cancel()
    assert d.preview is None and d.release() is None
    assert not d.cancel()
    assert not d.move((50, 700), at(14))


def test_a_move_needs_an_event_and_a_create_none() -> None:
    d = grid()
    with pytest.raises(ValueError, match="needs an event"):
        d.press((0, 0), at(10), None, DragMode.MOVE, THRESHOLD)
    with pytest.raises(ValueError, match="needs no event"):
        d.press((0, 0), at(10), Ev(at(10), at(11)), DragMode.CREATE, THRESHOLD)


# ------------------------------------------------ the all-day row and month

def test_a_day_move_keeps_the_time_of_day() -> None:
    ev = Ev(at(15), at(16))
    d: DragTracker[Ev] = DragTracker(DAY_CELLS)
    d.press((150, 40), at(0), ev, DragMode.MOVE, THRESHOLD)  # the day's midnight
    d.move((450, 40), at(0, day=3))
    pv = d.preview
    assert pv is not None and pv.target == at(0, day=3) and pv.origin == at(0)
    assert d.release() == Change(ev, at(15, day=3), at(16, day=3))


def test_dragging_across_days_creates_every_day_from_first_to_last() -> None:
    d: DragTracker[Ev] = DragTracker(DAY_CELLS)
    d.press((350, 70), at(0, day=1), None, DragMode.CREATE, THRESHOLD)
    d.move((550, 70), at(0, day=3))
    assert d.release() == Create(at(0, day=1), at(0, day=4))  # Thursday to Saturday
    d.press((550, 70), at(0, day=3), None, DragMode.CREATE, THRESHOLD)
    d.move((350, 70), at(0, day=1))  # right to left: the same days
    assert d.release() == Create(at(0, day=1), at(0, day=4))
    d.press((350, 70), at(0, day=1), None, DragMode.CREATE, THRESHOLD)
    d.move((370, 70), at(0, day=1))  # dragged inside one day: that day
    assert d.release() == Create(at(0, day=1), at(0, day=2))


# ------------------------------------------------------------- properties

minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


@given(start=minutes, length=st.integers(min_value=1, max_value=600),
       press=st.integers(min_value=0, max_value=59), to=st.integers(-3 * 1440, 3 * 1440))
def test_a_grid_move_keeps_the_length_and_lands_on_the_grid(start: int, length: int,
                                                            press: int, to: int) -> None:
    ev = Ev(WED + timedelta(minutes=start), WED + timedelta(minutes=start + length))
    p = ev.start + timedelta(minutes=press)
    d = grid()
    d.press((0, 0), p, ev, DragMode.MOVE, 0)
    d.move((0, 1), p + timedelta(minutes=to))
    pv = d.preview
    assert pv is not None
    assert pv.end - pv.start == ev.end - ev.start
    assert floor_to(pv.start, HOUR_GRID.step) == pv.start
    assert abs(pv.start - (ev.start + timedelta(minutes=to))) <= timedelta(minutes=7.5)


@given(a=st.integers(-10, 10), b=st.integers(-10, 10))
def test_a_day_create_is_the_same_whichever_way_it_is_dragged(a: int, b: int) -> None:
    def create(frm: int, to: int) -> object:
        d: DragTracker[Ev] = DragTracker(DAY_CELLS)
        d.press((0, 0), at(0, day=frm), None, DragMode.CREATE, 0)
        d.move((1, 0), at(0, day=to))
        return d.release()
    assert create(a, b) == create(b, a) == Create(at(0, day=min(a, b)),
                                                  at(0, day=max(a, b) + 1))


@given(m=st.integers(0, 24 * 60 * 60 - 1))
def test_rounding_and_flooring_stay_within_one_step(m: int) -> None:
    t = WED + timedelta(seconds=m)
    step = timedelta(minutes=15)
    assert timedelta(0) <= t - floor_to(t, step) < step
    assert abs(t - round_to(t, step)) <= step / 2
