"""The series rules of aurora_core.series: the whole-series move on the series' wall
clock, and overrides that stand alone without their master."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_core.model import AllDayDate, Event, FloatingTime, ZonedTime, shift, time_key
from aurora_core.recurrence import edit_occurrence, expand, instances
from aurora_core.series import (
    moved_series_times,
    overrides_stand_alone,
    series_occurrences,
    standing_alone,
)

NY = "America/New_York"
BERLIN = "Europe/Berlin"


def ny(*args: int) -> ZonedTime:
    return ZonedTime.from_local(datetime(*args), NY)  # type: ignore[arg-type]


def walls(times: list[ZonedTime]) -> list[str]:
    return [t.local.strftime("%a %d %b %H:%M %Z") for t in times]


# ---------------------------------------------------------------- series move


def test_a_weekly_new_york_series_dragged_across_the_dst_switch_stays_at_09_00() -> None:
    # Mondays 09:00 from 2 March 2026 (EST); the US switches to EDT on Sunday 8 March.
    series = ny(2026, 3, 2, 9)
    occurrence = ny(2026, 3, 9, 9)  # the first Monday after the switch (EDT)
    # Dragged back to Saturday 7 March 09:00, before the switch: 47 elapsed hours earlier,
    # two days on the wall clock. Every instance becomes Saturday 09:00.
    new_start, new_end = ny(2026, 3, 7, 9), ny(2026, 3, 7, 10)
    assert occurrence.at - new_start.at == timedelta(hours=47)
    start, end = moved_series_times(series, occurrence, new_start, new_end)
    assert start == ny(2026, 2, 28, 9)  # elapsed time would have made it 10:00
    assert end == ny(2026, 2, 28, 10)
    master = Event.new("cal", "Stand-up", start, end, rrule="FREQ=WEEKLY")
    assert walls(instances(master, datetime(2026, 2, 27), datetime(2026, 3, 15))) == [  # type: ignore[arg-type]
        "Sat 28 Feb 09:00 EST", "Sat 07 Mar 09:00 EST", "Sat 14 Mar 09:00 EDT"]


def test_a_new_york_series_dragged_an_hour_after_the_switch_moves_an_hour_in_est_too() -> None:
    start, end = moved_series_times(ny(2026, 3, 2, 9), ny(2026, 3, 16, 9), ny(2026, 3, 16, 10),
                                    ny(2026, 3, 16, 11))
    assert (start, end) == (ny(2026, 3, 2, 10), ny(2026, 3, 2, 11))


def test_a_drag_to_the_next_day_across_the_dst_night_keeps_the_new_wall_time() -> None:
    series = ZonedTime.from_local(datetime(2026, 3, 21, 9), BERLIN)
    saturday = ZonedTime.from_local(datetime(2026, 3, 28, 9), BERLIN)
    sunday = ZonedTime.from_local(datetime(2026, 3, 29, 10), BERLIN)
    assert sunday.at - saturday.at == timedelta(hours=24)  # only a day of elapsed time
    start, end = moved_series_times(series, saturday, sunday,
                                    ZonedTime(sunday.at + timedelta(minutes=30), BERLIN))
    assert start == ZonedTime.from_local(datetime(2026, 3, 22, 10), BERLIN)
    assert end.at - start.at == timedelta(minutes=30)


def test_the_move_is_measured_on_the_series_zone_not_the_viewers() -> None:
    # A Berlin series dragged by a viewer whose times arrive as New York times.
    series = ZonedTime.from_local(datetime(2026, 3, 2, 9), BERLIN)
    occ = ZonedTime.from_local(datetime(2026, 3, 23, 9), BERLIN)  # CET, US already on EDT
    new = ZonedTime(occ.at + timedelta(hours=2), NY)
    start, _ = moved_series_times(series, occ, new, ZonedTime(new.at + timedelta(hours=1), NY))
    assert start.local.replace(tzinfo=None) == datetime(2026, 3, 2, 11)
    assert isinstance(start, ZonedTime) and start.tz == BERLIN


def test_an_unmoved_series_keeps_its_start_and_takes_the_new_length() -> None:
    series, occ = ny(2026, 3, 2, 9), ny(2026, 3, 16, 9)
    start, end = moved_series_times(series, occ, occ, ny(2026, 3, 16, 9, 45))
    assert start is series
    assert end == ny(2026, 3, 2, 9, 45)


def test_all_day_and_floating_series_move_by_days_and_wall_time() -> None:
    start, end = moved_series_times(AllDayDate(date(2026, 1, 5)), AllDayDate(date(2026, 1, 12)),
                                    AllDayDate(date(2026, 1, 14)), AllDayDate(date(2026, 1, 16)))
    assert (start, end) == (AllDayDate(date(2026, 1, 7)), AllDayDate(date(2026, 1, 9)))
    f = FloatingTime
    start, end = moved_series_times(f(datetime(2026, 1, 5, 9)), f(datetime(2026, 1, 12, 9)),
                                    f(datetime(2026, 1, 12, 7, 30)), f(datetime(2026, 1, 12, 8)))
    assert (start, end) == (f(datetime(2026, 1, 5, 7, 30)), f(datetime(2026, 1, 5, 8)))


def test_a_move_to_another_kind_of_time_takes_the_new_times() -> None:
    new = (AllDayDate(date(2026, 1, 12)), AllDayDate(date(2026, 1, 13)))
    assert moved_series_times(ny(2026, 1, 5, 9), ny(2026, 1, 12, 9), *new) == new


@settings(max_examples=200, deadline=None)
@given(series_day=st.integers(0, 365), weeks=st.integers(0, 60),
       minutes=st.integers(-3 * 24 * 60, 3 * 24 * 60),
       zone=st.sampled_from([NY, BERLIN, "Australia/Lord_Howe", "UTC"]))
def test_dragging_back_undoes_a_move(series_day: int, weeks: int, minutes: int,
                                     zone: str) -> None:
    """An occurrence dragged by some wall time moves the series by that wall time (not
    elapsed time), and dragging it back gives the series its start again. Walls in a
    DST gap are left out (they do not exist)."""

    def exists(w: datetime) -> bool:
        return ZonedTime.from_local(w, zone).local.replace(tzinfo=None) == w

    wall = datetime(2025, 1, 1, 9) + timedelta(days=series_day)
    series = ZonedTime.from_local(wall, zone)
    occ = shift(series, timedelta(weeks=weeks))
    assert isinstance(occ, ZonedTime)
    target = occ.local.replace(tzinfo=None) + timedelta(minutes=minutes)
    if not exists(target) or not exists(wall + timedelta(minutes=minutes)):
        return
    new = ZonedTime.from_local(target, zone)
    start, _ = moved_series_times(series, occ, new, new)
    assert isinstance(start, ZonedTime)
    assert start.local.replace(tzinfo=None) == wall + timedelta(minutes=minutes)
    back, _ = moved_series_times(start, new, occ, occ)
    assert back == series


# ----------------------------------------------------- overrides standing alone


def _weekly() -> tuple[Event, Event]:
    master = Event.new("cal", "Weekly", ny(2026, 3, 2, 9), ny(2026, 3, 2, 10),
                       rrule="FREQ=WEEKLY;COUNT=4")
    (override,) = edit_occurrence(master, [], ny(2026, 3, 9, 9), start=ny(2026, 3, 9, 14),
                                  end=ny(2026, 3, 9, 15), title="Moved").upserts
    return master, override


WS = datetime(2026, 3, 1, tzinfo=UTC)
WE = datetime(2026, 4, 1, tzinfo=UTC)


def test_with_its_master_an_override_replaces_its_instance() -> None:
    master, override = _weekly()
    assert not overrides_stand_alone(master)
    occs = series_occurrences(master, [override], WS, WE, UTC)
    assert occs == expand(master, [override], WS, WE, UTC)
    assert [o.event.title for o in occs] == ["Weekly", "Moved", "Weekly", "Weekly"]


def test_without_its_master_an_override_stands_alone() -> None:
    _, override = _weekly()
    assert overrides_stand_alone(None)
    (occ,) = series_occurrences(None, [override], WS, WE, UTC)
    # Shown and edited as an event of its own (no instance of a series: recurrence_id
    # None), yet still the override it is (its own recurrence id kept, as the desktop's
    # occurrence index keeps it), so its occurrence key stays the one it has beside its
    # master (docs/reminders.md).
    assert occ.event == override and occ.recurrence_id is None
    assert standing_alone(override).recurrence_id is None
    assert (occ.event.id, occ.event.uid) == (override.id, override.uid)
    assert (occ.start, occ.end) == (ny(2026, 3, 9, 14), ny(2026, 3, 9, 15))
    assert series_occurrences(None, [override], WE, WE + timedelta(days=1), UTC) == []


def test_overrides_of_a_master_that_no_longer_repeats_stand_alone_beside_it() -> None:
    master, override = _weekly()
    single = master.replace(rrule=None)
    assert overrides_stand_alone(single)
    occs = series_occurrences(single, [override], WS, WE, UTC)
    assert [(o.event.title, o.start) for o in occs] == [
        ("Weekly", ny(2026, 3, 2, 9)), ("Moved", ny(2026, 3, 9, 14))]


def test_an_override_keeps_its_occurrence_key_whether_it_stands_alone_or_not() -> None:
    master, override = _weekly()
    assert override.recurrence_id is not None
    key = f"{override.uid}/{time_key(override.recurrence_id)}"
    (beside,) = [o for o in series_occurrences(master, [override], WS, WE, UTC)
                 if o.event.id == override.id]
    (alone,) = series_occurrences(None, [override], WS, WE, UTC)
    assert beside.key == alone.key == key
    without_rule = series_occurrences(master.replace(rrule=None), [override], WS, WE, UTC)
    assert [o.key for o in without_rule] == [f"{master.uid}/", key]


def test_two_overrides_standing_alone_have_two_occurrence_keys() -> None:
    master, first = _weekly()
    (second,) = edit_occurrence(master, [first], ny(2026, 3, 16, 9), title="Other").upserts
    keys = [o.key for o in series_occurrences(None, [first, second], WS, WE, UTC)]
    assert len(keys) == len(set(keys)) == 2
