"""Bounded expansion of repeat rules (issue 10).

An expansion starts near its window instead of at DTSTART (whole periods skipped,
the parts dateutil derives from DTSTART written out), a COUNT rule's end is
computed once, and dateutil's work between two instances has a budget
(aurora_core/rule_cost.py). The property tests hold every window, last instance
and "next on or after" to a plain walk from DTSTART; the rest shows hostile rules
end quickly with a reason instead of running for minutes. No timing is asserted:
without the budget these tests do not end (pytest-timeout stops them)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aurora_core import ical, recurrence, rule_cost
from aurora_core.model import (
    AllDayDate,
    Event,
    EventTime,
    FloatingTime,
    ValidationError,
    ZonedTime,
    get_zone,
)
from aurora_core.recurrence import (
    RuleTooComplex,
    _rule_for,
    first_instance_on_or_after,
    last_instance,
    rule_walls_between,
)
from aurora_core.times import own_wall
from tests.helpers.times import zoned

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
UNIT = {"YEARLY": timedelta(days=365), "MONTHLY": timedelta(days=30),
        "WEEKLY": timedelta(days=7), "DAILY": timedelta(days=1),
        "HOURLY": timedelta(hours=1), "MINUTELY": timedelta(minutes=1),
        "SECONDLY": timedelta(seconds=1)}


@st.composite
def series(draw: st.DrawFn) -> tuple[Event, str]:
    freq = draw(st.sampled_from(list(UNIT)))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(2, 5))}")
    coarse = freq in ("YEARLY", "MONTHLY")
    if draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
        if coarse and draw(st.booleans()):
            days = [f"{draw(st.sampled_from(['1', '2', '-1']))}{d}" for d in days]
        parts.append("BYDAY=" + ",".join(days))
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"BYMONTHDAY={draw(st.sampled_from(['1', '13', '28', '31', '-1', '1,15']))}")
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"BYMONTH={draw(st.sampled_from(['1', '2', '6,12', '3,4,5']))}")
    if freq != "SECONDLY" and draw(st.integers(0, 3)) == 0:
        parts.append(f"BYHOUR={draw(st.sampled_from(['0', '9', '9,17', '23']))}")
    if freq in ("HOURLY", "MINUTELY", "SECONDLY") or draw(st.integers(0, 4)) == 0:
        parts.append(f"BYMINUTE={draw(st.sampled_from(['0', '30', '0,15,45']))}")
    if freq == "YEARLY" and draw(st.integers(0, 4)) == 0:
        parts.append(f"BYWEEKNO={draw(st.sampled_from(['1', '20', '-1']))}")
    if freq == "YEARLY" and draw(st.integers(0, 5)) == 0:
        parts.append(f"BYYEARDAY={draw(st.sampled_from(['1', '100', '-1']))}")
    if draw(st.integers(0, 4)) == 0:
        parts.append(f"BYSETPOS={draw(st.sampled_from(['1', '-1', '2']))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(['MO', 'SU', 'WE']))}")
    kind = draw(st.sampled_from(["zoned", "floating", "allday"]))
    wall = datetime(2000, 1, 1) + timedelta(days=draw(st.integers(0, 9000)),
                                            minutes=draw(st.integers(0, 1439)))
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 300))}")
    elif end == "until":
        until = wall + UNIT[freq] * draw(st.integers(1, 3000))
        parts.append("UNTIL=" + (until.strftime("%Y%m%d") if kind == "allday"
                                 else until.strftime("%Y%m%dT%H%M%SZ")))
    start: EventTime
    if kind == "zoned":
        start = ZonedTime.from_local(wall, draw(st.sampled_from(
            ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"])))
    elif kind == "floating":
        start = FloatingTime(wall)
    else:
        start = AllDayDate(wall.date())
        assume(freq in ("YEARLY", "MONTHLY", "WEEKLY", "DAILY"))
        parts = [p for p in parts if not p.startswith(("BYHOUR", "BYMINUTE"))]
    rule = ";".join(parts)
    end_t = start if not isinstance(start, AllDayDate) else AllDayDate(
        start.day + timedelta(days=1))
    try:
        ev = Event.new("cal", "s", start, end_t, rrule=rule)
        ev.validate()
    except RuleTooComplex:
        assume(False)
    except ValidationError:  # dateutil refuses the combination
        assume(False)
    return ev, freq


def walked(ev: Event, hi: datetime) -> list[datetime]:
    """Every instance wall up to ``hi``, walked from DTSTART the plain way (DTSTART
    first and counted by COUNT, as RFC 5545 says)."""
    r = _rule_for(ev)
    assert r is not None
    start_wall = own_wall(ev.start)
    until = r.__dict__.get("_until")
    if until is not None and start_wall > until:
        return []
    out = [start_wall]
    count = r.__dict__.get("_count")
    rest = (w for w in r if w != start_wall)
    if count is not None:
        rest = itertools.islice(rest, count - 1)
    with rule_cost.budget(10**9):
        for w in rest:
            if w > hi:
                break
            out.append(w)
    return out


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=series(), offset=st.integers(0, 400), length=st.integers(0, 60))
def test_a_window_far_from_dtstart_gives_what_a_walk_from_dtstart_gives(
        data: tuple[Event, str], offset: int, length: int) -> None:
    ev, freq = data
    unit = UNIT[freq] * (1 if freq in ("YEARLY", "MONTHLY") else 5)
    lo = own_wall(ev.start) + unit * offset
    hi = lo + unit * length
    expected = [w for w in walked(ev, hi) if lo <= w <= hi]
    assert rule_walls_between(ev, lo, hi) == expected, ev.rrule


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=series(), offset=st.integers(0, 300))
def test_last_and_next_instances_are_the_walks(data: tuple[Event, str], offset: int) -> None:
    ev, freq = data
    r = _rule_for(ev)
    assert r is not None and ev.rrule is not None
    horizon = own_wall(ev.start) + UNIT[freq] * 3200
    if "COUNT" in ev.rrule or "UNTIL" in ev.rrule:
        every = walked(ev, datetime.max)
        last = last_instance(ev)
        if every:  # (a series that ends before it starts has none)
            assert last is not None and own_wall(last) == every[-1], ev.rrule
    after = (own_wall(ev.start) + UNIT[freq] * offset).date()
    nxt = first_instance_on_or_after(ev, after)
    floor = datetime.combine(after, datetime.min.time())
    later = [w for w in walked(ev, horizon) if w >= floor]
    if later:
        assert nxt is not None and own_wall(nxt) == later[0], ev.rrule


def dtstart_1900(rule: str) -> Event:
    start = zoned(1900, 1, 1, 9)
    end = zoned(1900, 1, 1, 9, 30)
    return Event(id="e", uid="e", calendar_id="c", title="t", start=start, end=end,
                 rrule=rule)


@pytest.mark.parametrize("rule", [
    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
    "FREQ=HOURLY;BYSETPOS=2",
    "FREQ=SECONDLY;UNTIL=22001231T000000Z;BYMONTH=4;BYMONTHDAY=31",
])
@pytest.mark.timeout(60)
def test_a_rule_that_never_finds_an_instance_is_refused_and_expands_to_nothing(
        rule: str) -> None:
    ev = dtstart_1900(rule)
    with pytest.raises(RuleTooComplex, match="repeat rule too complex"):
        ev.validate()
    lo = datetime(2026, 12, 1)
    assert rule_walls_between(ev, lo, lo + timedelta(days=30)) == []
    assert first_instance_on_or_after(ev, lo.date()) is None


@pytest.mark.timeout(60)
def test_a_count_too_long_to_walk_is_refused_and_an_arithmetic_one_is_not() -> None:
    with pytest.raises(RuleTooComplex, match="COUNT"):
        dtstart_1900("FREQ=MINUTELY;COUNT=100000;BYHOUR=9").validate()
    plain = dtstart_1900("FREQ=MINUTELY;COUNT=100000")
    plain.validate()
    last = last_instance(plain)
    assert last is not None and own_wall(last) == datetime(1900, 1, 1, 9) + timedelta(
        minutes=99_999)


@pytest.mark.timeout(60)
def test_a_minutely_rule_from_1900_expands_near_today_in_full() -> None:
    ev = dtstart_1900("FREQ=MINUTELY;UNTIL=22001231T000000Z")
    ev.validate()
    lo = datetime(2026, 12, 2, 10)
    walls = rule_walls_between(ev, lo, lo + timedelta(hours=2))
    assert walls == [lo + timedelta(minutes=i) for i in range(121)]
    assert last_instance(ev) == zoned(2200, 12, 31, 1)
    # A window holds at most MAX_WINDOW instances of one series.
    day = recurrence.instances(ev, lo, lo + timedelta(days=5))
    assert len(day) == recurrence.MAX_WINDOW and own_wall(day[0]) == lo


def test_every_period_of_dateutil_is_charged() -> None:
    """The budget rests on dateutil asking _iterinfo for each period's days: a new
    dateutil that stops doing so must fail here, not hang in production."""
    ev = dtstart_1900("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    r = _rule_for(ev)
    assert r is not None
    with pytest.raises(rule_cost.BudgetExceeded), rule_cost.budget(3_000):
        next(iter(r))
    assert rule_cost.remaining() is None  # no budget outside the block


def test_an_imported_file_with_such_a_rule_skips_that_event_with_the_reason() -> None:
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:never@x", "DTSTAMP:20260101T000000Z", "SUMMARY:Never",
        "DTSTART:19000101T090000Z", "DTEND:19000101T093000Z",
        "RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "END:VEVENT",
        "BEGIN:VEVENT", "UID:fine@x", "DTSTAMP:20260101T000000Z", "SUMMARY:Fine",
        "DTSTART:19000101T090000Z", "DTEND:19000101T093000Z",
        "RRULE:FREQ=MINUTELY;UNTIL=22001231T000000Z", "END:VEVENT",
        "END:VCALENDAR", ""])
    result = ical.parse_ics(text, calendar_id="c")
    assert [e.title for e in result.events] == ["Fine"]
    assert len(result.skipped) == 1 and "repeat rule too complex" in result.skipped[0].reason


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "posix/Europe/Berlin",
                                  "right/UTC"])
def test_zone_names_that_depend_on_the_host_are_unknown(name: str) -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        get_zone(name)
    assert get_zone("Europe/Berlin").key == "Europe/Berlin"


def test_a_count_window_just_past_the_first_period_counts_what_came_before() -> None:
    """Found by the property test: the arithmetic path skipped no period yet took the
    first period's instances off the count (an instance past COUNT came back)."""
    ev = Event.new("c", "s", AllDayDate(datetime(2000, 1, 1).date()),
                   AllDayDate(datetime(2000, 1, 2).date()), rrule="FREQ=WEEKLY;INTERVAL=3;COUNT=2")
    assert rule_walls_between(ev, datetime(2000, 2, 5), datetime(2000, 3, 11)) == []
    assert rule_walls_between(ev, datetime(2000, 1, 1), datetime(2000, 3, 11)) == [
        datetime(2000, 1, 1), datetime(2000, 1, 22)]
