"""Recurrence across DST and awkward zones: the wall clock of the event's own zone rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aurora_core.model import (
    AllDayDate,
    Event,
    FloatingTime,
    ValidationError,
    ZonedTime,
    get_zone,
)
from aurora_core.recurrence import expand, parse_rule
from tests.helpers.times import zoned

UTCZ = ZoneInfo("UTC")


def daily(tz: str, start: datetime, minutes: int = 30, rule: str = "FREQ=DAILY") -> Event:
    s = ZonedTime.from_local(start, tz)
    return Event.new("cal", "daily", s, ZonedTime(s.at + timedelta(minutes=minutes), tz),
                     rrule=rule)


def window(a: date, b: date) -> tuple[datetime, datetime]:
    return (datetime(a.year, a.month, a.day, tzinfo=UTC) - timedelta(days=1),
            datetime(b.year, b.month, b.day, tzinfo=UTC) + timedelta(days=1))


def local_starts(ev: Event, a: date, b: date, viewer: str = "UTC") -> list[datetime]:
    ws, we = window(a, b)
    occs = expand(ev, [], ws, we, ZoneInfo(viewer))
    out = []
    for o in occs:
        assert isinstance(o.start, ZonedTime)
        local = o.start.local
        if a <= local.date() <= b:
            out.append(local)
    return out


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        ("Europe/Berlin", date(2026, 3, 28), date(2026, 3, 30)),  # spring forward 29 Mar
        ("Europe/Berlin", date(2026, 10, 24), date(2026, 10, 26)),  # fall back 25 Oct
        ("America/New_York", date(2026, 3, 7), date(2026, 3, 9)),  # 8 Mar
        ("America/New_York", date(2026, 10, 31), date(2026, 11, 2)),  # 1 Nov
        ("Europe/London", date(2026, 3, 28), date(2026, 3, 30)),
        ("Australia/Sydney", date(2026, 4, 4), date(2026, 4, 6)),  # fall back 5 Apr
        ("Australia/Sydney", date(2026, 10, 3), date(2026, 10, 5)),  # spring forward 4 Oct
    ],
)
def test_daily_0900_stays_0900_across_dst(tz: str, before: date, after: date) -> None:
    ev = daily(tz, datetime(2026, 1, 5, 9, 0))
    starts = local_starts(ev, before, after)
    assert [s.date() for s in starts] == [before + timedelta(days=i) for i in range(3)]
    assert all((s.hour, s.minute) == (9, 0) for s in starts)
    # ...and the UTC offset really changed between the first and the last.
    assert starts[0].utcoffset() != starts[-1].utcoffset()


def test_berlin_meeting_seen_from_new_york_moves_only_in_the_weeks_between_changes() -> None:
    # Europe changes on 29 Mar, the US on 8 Mar: for three weeks the gap is 5 h, not 6.
    ev = daily("Europe/Berlin", datetime(2026, 3, 1, 9, 0))
    ws, we = window(date(2026, 3, 2), date(2026, 4, 2))
    ny = get_zone("America/New_York")
    hours = {}
    for o in expand(ev, [], ws, we, ny):
        assert isinstance(o.start, ZonedTime)
        hours[o.start.local.date()] = o.start.at.astimezone(ny).hour
    assert hours[date(2026, 3, 5)] == 3
    assert hours[date(2026, 3, 15)] == 4
    assert hours[date(2026, 3, 30)] == 3


def test_time_in_spring_gap_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in Berlin on 29 Mar 2026: RFC 5545 reads it with the
    # offset before the gap, i.e. 03:30 CEST (01:30 UTC).
    ev = daily("Europe/Berlin", datetime(2026, 3, 27, 2, 30))
    starts = local_starts(ev, date(2026, 3, 27), date(2026, 3, 30))
    assert [(s.day, s.hour, s.minute) for s in starts] == [
        (27, 2, 30), (28, 2, 30), (29, 3, 30), (30, 2, 30)]
    gap_day = starts[2]
    assert gap_day.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_time_in_autumn_overlap_is_the_first_of_the_two() -> None:
    # 01:30 happens twice in New York on 1 Nov 2026; the first (EDT, UTC-4) counts.
    ev = daily("America/New_York", datetime(2026, 10, 30, 1, 30))
    starts = local_starts(ev, date(2026, 10, 30), date(2026, 11, 2))
    assert len(starts) == 4
    overlap = next(s for s in starts if s.day == 1)
    assert overlap.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert overlap.utcoffset() == timedelta(hours=-4)


def test_samoa_skipped_30_december_2011() -> None:
    # Pacific/Apia jumped from UTC-10 to UTC+14: 30 Dec 2011 never happened there.
    ev = daily("Pacific/Apia", datetime(2011, 12, 27, 10, 0), minutes=60)
    starts = local_starts(ev, date(2011, 12, 28), date(2012, 1, 1))
    assert [s.day for s in starts] == [28, 29, 31, 1]
    assert all(s.hour == 10 for s in starts)
    # 29 Dec 10:00 (UTC-10) and 31 Dec 10:00 (UTC+14) are only 24 h apart.
    assert starts[2].astimezone(UTC) - starts[1].astimezone(UTC) == timedelta(hours=24)


def test_kolkata_half_hour_offset_has_no_dst() -> None:
    ev = daily("Asia/Kolkata", datetime(2026, 1, 1, 9, 0), rule="FREQ=WEEKLY;BYDAY=MO,TH")
    ws, we = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    occs = expand(ev, [], ws, we, UTCZ)
    assert len(occs) == 105  # 1 Jan 2026 is a Thursday: 52 Mondays + 53 Thursdays
    assert {o.start.at.strftime("%H:%M") for o in occs} == {"03:30"}  # type: ignore[union-attr]


def test_london_weekly_until_in_utc_is_inclusive() -> None:
    ev = daily("Europe/London", datetime(2026, 6, 1, 18, 0),
               rule="FREQ=WEEKLY;UNTIL=20260629T170000Z")
    starts = local_starts(ev, date(2026, 6, 1), date(2026, 7, 31))
    # 18:00 BST is 17:00Z: the 29 June instance is exactly UNTIL and included.
    assert [s.day for s in starts] == [1, 8, 15, 22, 29]


def test_monthly_on_the_31st_skips_short_months() -> None:
    ev = daily("Europe/Berlin", datetime(2026, 1, 31, 9, 0), rule="FREQ=MONTHLY;COUNT=5")
    starts = local_starts(ev, date(2026, 1, 1), date(2026, 12, 31))
    assert [s.month for s in starts] == [1, 3, 5, 7, 8]


def test_all_day_events_are_dates_in_every_zone() -> None:
    ev = Event.new("cal", "Holiday", AllDayDate(date(2026, 12, 24)), AllDayDate(date(2026, 12, 27)),
                   rrule="FREQ=YEARLY;COUNT=3")
    for viewer in ("Pacific/Apia", "Pacific/Honolulu", "Asia/Kolkata", "Europe/Berlin"):
        z = get_zone(viewer)
        # A window of just 25 Dec local time, in that viewer's zone.
        ws = datetime(2027, 12, 25, 12, tzinfo=z)
        occs = expand(ev, [], ws, ws + timedelta(hours=1), z)
        assert [(o.start, o.end) for o in occs] == [
            (AllDayDate(date(2027, 12, 24)), AllDayDate(date(2027, 12, 27)))], viewer
        # Its instant is midnight local wherever it is seen.
        assert occs[0].start.instant(z).astimezone(z).hour == 0


def test_floating_time_is_the_same_wall_clock_in_every_zone() -> None:
    ev = Event.new("cal", "Pills", FloatingTime(datetime(2026, 3, 1, 8, 0)),
                   FloatingTime(datetime(2026, 3, 1, 8, 5)), rrule="FREQ=DAILY")
    for viewer in ("Europe/Berlin", "America/New_York", "Australia/Sydney"):
        z = get_zone(viewer)
        ws = datetime(2026, 3, 29, tzinfo=z)
        occs = expand(ev, [], ws, ws + timedelta(days=1), z)
        assert len(occs) == 1
        assert occs[0].start.instant(z).astimezone(z).strftime("%H:%M") == "08:00"


def test_zero_length_event_at_window_start_is_included_at_end_excluded() -> None:
    s = zoned(2026, 5, 1, 12, 0, tz="UTC")
    ev = Event.new("cal", "deadline", s, s)
    at = s.at
    assert len(expand(ev, [], at, at + timedelta(hours=1), UTCZ)) == 1
    assert expand(ev, [], at - timedelta(hours=1), at, UTCZ) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SOMETIMES", "FREQ"),
        ("FREQ=MINUTELY", "must end"),
        ("FREQ=SECONDLY;INTERVAL=5", "must end"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z", "both COUNT and UNTIL"),
        ("FREQ=DAILY;BYDAY=XX", "does not parse"),
        ("FREQ=DAILY;COUNT=0", "COUNT"),
        ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL"),
        ("FREQ=DAILY;COLOUR=RED", "unknown part"),
        ("", "empty"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_rule(rule, zoned(2026, 1, 1, 9, tz="UTC"))


def test_minutely_with_count_is_fine() -> None:
    parse_rule("FREQ=MINUTELY;COUNT=10", zoned(2026, 1, 1, 9, tz="UTC"))


@pytest.mark.parametrize(
    ("start", "end", "tz", "message"),
    [
        ((2026, 1, 1, 10), (2026, 1, 1, 9), "Europe/Berlin", "ends before"),
        ((2026, 1, 1, 10), (2026, 1, 1, 11), "Mars/Olympus_Mons", "unknown time zone"),
        ((2026, 1, 1, 10), (2026, 1, 1, 11), "../../etc/passwd", "unknown time zone"),
    ],
)
def test_invalid_events_say_why(start: tuple[int, ...], end: tuple[int, ...], tz: str,
                                message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Event.new("cal", "x", zoned(*start, tz=tz), zoned(*end, tz=tz)).validate()


def test_mixed_kinds_are_refused() -> None:
    with pytest.raises(ValidationError, match="both be all-day"):
        Event.new("cal", "x", AllDayDate(date(2026, 1, 1)),
                  FloatingTime(datetime(2026, 1, 2))).validate()


def test_count_includes_an_unsynchronised_dtstart() -> None:
    # DTSTART on a Wednesday, rule on Mondays: DTSTART is instance 1 of 3 (RFC 5545).
    ev = daily("Europe/Berlin", datetime(2026, 11, 25, 9, 0), rule="FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    starts = local_starts(ev, date(2026, 11, 1), date(2027, 3, 1))
    assert [s.date() for s in starts] == [date(2026, 11, 25), date(2026, 11, 30),
                                          date(2026, 12, 7)]
