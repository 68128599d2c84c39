"""aurora_core.times: wall clocks and their inverses, the difference of two times (the
inverse of shift), local day bounds and the display zone; examples at DST gaps and
overlaps, and the inverse laws as properties over all three kinds of time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_core.model import (
    AllDayDate,
    EventTime,
    FloatingTime,
    ValidationError,
    ZonedTime,
    get_zone,
    shift,
)
from aurora_core.times import (
    DisplayZone,
    day_bounds,
    difference,
    from_own_wall,
    from_wall,
    own_wall,
    wall_in,
    window_bounds,
)

BERLIN = get_zone("Europe/Berlin")
NEW_YORK = get_zone("America/New_York")
# Zones with DST, a half-hour DST (Lord Howe), a day skipped (Apia, 2011) and none.
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia",
         "Asia/Kolkata", "America/Santiago", "UTC"]


def zoned(y: int, mo: int, d: int, h: int, mi: int = 0, tz: str = "Europe/Berlin",
          fold: int = 0) -> ZonedTime:
    return ZonedTime.from_local(datetime(y, mo, d, h, mi, fold=fold), tz)


# ------------------------------------------------------------------ examples

def test_wall_in_a_viewer_zone_and_back_keeps_the_event_zone() -> None:
    meeting = zoned(2026, 11, 25, 9, tz="America/New_York")
    assert wall_in(meeting, BERLIN) == datetime(2026, 11, 25, 15, 0)
    moved = from_wall(datetime(2026, 11, 26, 16, 0), meeting, BERLIN)
    assert moved == zoned(2026, 11, 26, 10, tz="America/New_York")


def test_all_day_and_floating_read_the_same_everywhere() -> None:
    day, wall = AllDayDate(date(2026, 3, 29)), FloatingTime(datetime(2026, 3, 29, 2, 30))
    for zone in (BERLIN, NEW_YORK):
        assert wall_in(day, zone) == datetime(2026, 3, 29) == own_wall(day)
        assert wall_in(wall, zone) == datetime(2026, 3, 29, 2, 30) == own_wall(wall)
        assert from_wall(datetime(2026, 4, 2, 17, 45), day, zone) == AllDayDate(date(2026, 4, 2))
        assert from_wall(datetime(2026, 4, 2, 17, 45), wall, zone) == \
            FloatingTime(datetime(2026, 4, 2, 17, 45))


def test_the_second_half_hour_of_an_overlap_reads_back_to_itself() -> None:
    # 25 Oct 2026 in Berlin: 02:30 happens twice.
    first, second = zoned(2026, 10, 25, 2, 30), zoned(2026, 10, 25, 2, 30, fold=1)
    assert second.at - first.at == timedelta(hours=1)
    for t in (first, second):
        assert own_wall(t) == datetime(2026, 10, 25, 2, 30)
        assert from_own_wall(own_wall(t), t) == t
        assert from_wall(wall_in(t, BERLIN), t, BERLIN) == t
    assert own_wall(second).fold == 1


def test_a_wall_clock_in_a_gap_takes_the_offset_before_it() -> None:
    # 29 Mar 2026 in Berlin: 02:00-03:00 does not exist; 02:30 is 02:30 CET = 03:30 CEST.
    t = from_own_wall(datetime(2026, 3, 29, 2, 30), zoned(2026, 3, 28, 9))
    assert isinstance(t, ZonedTime) and t.at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert from_wall(datetime(2026, 3, 29, 2, 30), zoned(2026, 1, 1, 9), BERLIN) == t


def test_difference_moves_on_the_wall_clock_across_a_dst_night() -> None:
    sat, sun = zoned(2026, 3, 28, 9), zoned(2026, 3, 29, 9)
    assert sun.at - sat.at == timedelta(hours=23)
    assert difference(sat, sun) == timedelta(days=1)
    assert difference(sat, zoned(2026, 3, 29, 10)) == timedelta(hours=24)
    assert difference(zoned(2026, 10, 24, 9), zoned(2026, 10, 25, 9)) == timedelta(days=1)
    assert difference(sat, sat) == timedelta(0)
    assert difference(sun, sat) == timedelta(days=-1)


def test_difference_into_the_second_half_of_an_overlap_is_elapsed_time() -> None:
    # Saturday 02:30 to the second 02:30 on Sunday: a 1-day wall move would land on the
    # first one, so the difference is the 25 elapsed hours.
    sat, second = zoned(2026, 10, 24, 2, 30), zoned(2026, 10, 25, 2, 30, fold=1)
    assert difference(sat, second) == timedelta(hours=25)
    assert shift(sat, difference(sat, second)) == second


def test_difference_of_other_kinds_and_mixed_kinds() -> None:
    a, b = AllDayDate(date(2026, 2, 27)), AllDayDate(date(2026, 3, 2))
    assert difference(a, b) == timedelta(days=3)
    f, g = FloatingTime(datetime(2026, 3, 29, 1)), FloatingTime(datetime(2026, 3, 29, 4))
    assert difference(f, g) == timedelta(hours=3)
    with pytest.raises(ValidationError):
        difference(a, f)


def test_difference_to_another_zone_is_reached_at_the_same_instant() -> None:
    berlin, ny = zoned(2026, 11, 25, 9), zoned(2026, 11, 26, 3, tz="America/New_York")
    d = difference(berlin, ny)
    assert d == timedelta(days=1)
    assert shift(berlin, d) == ZonedTime(ny.at, berlin.tz)


def test_the_one_difference_shift_cannot_reach() -> None:
    # Saturday 12:00 to Sunday 13:00 over the spring-forward night: 24 elapsed hours,
    # which shift reads as one day on the wall clock. No timedelta reaches it.
    sat, sun = zoned(2026, 3, 28, 12), zoned(2026, 3, 29, 13)
    assert difference(sat, sun) == timedelta(hours=24) == sun.at - sat.at


def test_day_bounds_on_dst_days() -> None:
    s, e = day_bounds(date(2026, 3, 29), BERLIN)
    assert (s, e) == (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 22, tzinfo=UTC))
    assert s.tzinfo is UTC and e - s == timedelta(hours=23)
    s, e = day_bounds(date(2026, 10, 25), BERLIN)
    assert e - s == timedelta(hours=25)
    s, e = window_bounds(date(2026, 3, 1), date(2026, 4, 1), BERLIN)
    assert e - s == timedelta(days=31, hours=-1)


def test_day_bounds_where_midnight_is_skipped() -> None:
    # Santiago springs forward at midnight: 6 Sep 2026 starts at 01:00 local.
    s, e = day_bounds(date(2026, 9, 6), get_zone("America/Santiago"))
    assert e - s == timedelta(hours=23)
    assert s == datetime(2026, 9, 6, 4, tzinfo=UTC)


def test_display_zone_named_and_its_fallback() -> None:
    z = DisplayZone.named("Europe/Berlin")
    assert z.name == "Europe/Berlin" and z.tz is BERLIN
    with pytest.raises(ValidationError):
        DisplayZone.named("Mars/Olympus")
    for bad in ("", None, "Mars/Olympus", "X-AURORA/0123456789abcdef0123456789abcdef",
                "localtime", "../etc/passwd"):
        assert DisplayZone.named_or_utc(bad) == DisplayZone.named("UTC")
    assert DisplayZone.named_or_utc("America/New_York").tz is NEW_YORK


def test_display_zone_helpers() -> None:
    z = DisplayZone.named("Europe/Berlin")
    meeting = zoned(2026, 11, 25, 9, tz="America/New_York")
    assert z.wall(meeting) == datetime(2026, 11, 25, 15)
    assert z.wall(datetime(2026, 11, 25, 14, tzinfo=UTC)) == datetime(2026, 11, 25, 15)
    assert z.wall(datetime(2026, 11, 25, 14)) == datetime(2026, 11, 25, 14)
    assert z.time_at(datetime(2026, 11, 25, 15), meeting) == meeting
    assert z.window(date(2026, 3, 1), date(2026, 4, 1)) == \
        window_bounds(date(2026, 3, 1), date(2026, 4, 1), BERLIN)


# ------------------------------------------------------------------ properties
# Instants around the DST changes of the zones above, from 2010 to 2030.

instants = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))
zone_names = st.sampled_from(ZONES)
walls = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2030, 12, 31))


@st.composite
def zoned_times(draw: st.DrawFn) -> ZonedTime:
    # Often on the hour or half hour, where DST changes happen.
    at = draw(instants)
    if draw(st.booleans()):
        at = at.replace(minute=draw(st.sampled_from([0, 30])), second=0, microsecond=0)
    return ZonedTime(at, draw(zone_names))


all_days = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)).map(AllDayDate)
floating = walls.map(lambda w: FloatingTime(w.replace(microsecond=0)))
event_times = st.one_of(zoned_times(), all_days, floating)


@given(event_times, zone_names)
def test_from_wall_inverts_wall_in(t: EventTime, zone_name: str) -> None:
    zone = get_zone(zone_name)
    assert from_wall(wall_in(t, zone), t, zone) == t


@given(event_times)
def test_from_own_wall_inverts_own_wall(t: EventTime) -> None:
    assert from_own_wall(own_wall(t), t) == t


@given(walls, zone_names, zone_names)
def test_wall_in_inverts_from_wall_outside_gaps(wall: datetime, like_zone: str,
                                                zone_name: str) -> None:
    zone = get_zone(zone_name)
    like = ZonedTime(datetime(2026, 1, 1, tzinfo=UTC), like_zone)
    back = wall_in(from_wall(wall, like, zone), zone)
    exists = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(
        tzinfo=None) == wall
    if exists:  # a wall clock in a gap moves out of it; every other comes back
        assert back == wall
    else:
        assert back != wall and abs(back - wall) <= timedelta(hours=24)
    for other in (AllDayDate(date(2026, 1, 1)), FloatingTime(datetime(2026, 1, 1))):
        assert wall_in(from_wall(wall, other, zone), zone) == (
            datetime.combine(wall.date(), time()) if isinstance(other, AllDayDate) else wall)


@st.composite
def same_kind_pairs(draw: st.DrawFn) -> tuple[EventTime, EventTime]:
    kind = draw(st.sampled_from(["zoned", "near", "day", "floating"]))
    if kind == "day":
        return draw(all_days), draw(all_days)
    if kind == "floating":
        return draw(floating), draw(floating)
    a = draw(zoned_times())
    if kind == "zoned":
        b = draw(zoned_times())
    else:  # a few days and hours away in the same zone: across that zone's DST changes
        wall = own_wall(a) + timedelta(days=draw(st.integers(-40, 40)),
                                       minutes=30 * draw(st.integers(-6, 6)))
        b = ZonedTime.from_local(wall.replace(fold=draw(st.sampled_from([0, 1]))), a.tz)
    return a, b


@given(same_kind_pairs())
def test_difference_inverts_shift(pair: tuple[EventTime, EventTime]) -> None:
    a, b = pair
    d = difference(a, b)
    moved = shift(a, d)
    if isinstance(a, ZonedTime) and isinstance(b, ZonedTime) and isinstance(moved, ZonedTime):
        if moved.at != b.at:
            # The one unreachable case: whole days elapsed between wall clocks that
            # are not whole days apart (shift reads whole days on the wall clock).
            assert d == b.at - a.at and d.seconds == 0 and d.microseconds == 0
            assert own_wall(moved).time() == own_wall(a).time()
        assert moved.tz == a.tz
    else:
        assert moved == b


@given(event_times, st.integers(-400, 400), st.integers(-48, 48))
def test_difference_of_a_shift_is_the_shift(t: EventTime, days: int, half_hours: int) -> None:
    delta = timedelta(days=days) if isinstance(t, AllDayDate) else \
        timedelta(days=days, minutes=30 * half_hours)
    moved = shift(t, delta)
    assert shift(t, difference(t, moved)) == moved


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)), zone_names)
def test_day_bounds_tile_the_timeline(day: date, zone_name: str) -> None:
    zone = get_zone(zone_name)
    s, e = day_bounds(day, zone)
    s2, _ = day_bounds(day + timedelta(days=1), zone)
    assert e == s2 and s <= e <= s + timedelta(hours=25)
    if s == e:  # a day the zone skipped (Apia, 30 Dec 2011): no instant reads as it
        assert day not in {(s + timedelta(hours=h)).astimezone(zone).date() for h in range(-30, 30)}
    else:  # every instant in it reads as that day there
        assert s.astimezone(zone).date() == day == (e - timedelta(microseconds=1)).astimezone(
            zone).date()


def test_a_skipped_day_has_empty_bounds() -> None:
    s, e = day_bounds(date(2011, 12, 30), get_zone("Pacific/Apia"))
    assert s == e


def test_shifting_the_second_of_a_repeated_hour_by_whole_days_keeps_it_second() -> None:
    second = ZonedTime.from_local(datetime(2024, 10, 27, 1, 30, fold=1), "Europe/London")
    assert shift(second, timedelta(0)) == second  # was the first 01:30: an hour earlier
