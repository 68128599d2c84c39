"""Issue 10: no input makes a request unbounded, and bad input is 4xx, never 5xx.

Each case here answered 500 or ran for minutes before aurora_core bounded the
expansion of repeat rules (aurora_core/rule_cost.py). Timings are in
bench/hostile_rules.py; these tests assert outcomes (and would hang without the
fix: pytest's timeout ends them)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.helpers.cloud import InProcess, event_body
from tests.helpers.times import zoned

CREATE = {"If-None-Match": "*"}

EMAIL = [{"minutes_before": 10, "channel": "email"}]
FROM_1900 = {"start": "1900-01-01T09:00:00+01:00", "end": "1900-01-01T09:30:00+01:00"}


def put(inproc: InProcess, **over: Any) -> tuple[int, Any]:
    body = event_body(**over)
    status, _, answer = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    return status, answer


@pytest.mark.parametrize("rrule", [
    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",      # never matches
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",           # every 7 days from a Monday: never a Tuesday
    "FREQ=HOURLY;BYSETPOS=2",                   # one candidate an hour: never a second
    "FREQ=MINUTELY;COUNT=100000;BYHOUR=9",      # its end is too dear to find
])
@pytest.mark.timeout(60)
def test_a_rule_too_complex_to_expand_is_a_400_that_says_so(inproc: InProcess,
                                                             rrule: str) -> None:
    status, problem = put(inproc, rrule=rrule, reminders=EMAIL, **FROM_1900)
    assert status == 400, problem
    assert "repeat rule too complex" in problem["detail"]


@pytest.mark.timeout(60)
def test_a_minutely_rule_from_1900_is_stored_and_listed_near_today(inproc: InProcess) -> None:
    status, stored = put(inproc, rrule="FREQ=MINUTELY;UNTIL=22001231T000000Z",
                         reminders=EMAIL, **FROM_1900)
    assert status == 201, stored
    status, _, page = inproc.call("GET", "/events", query={
        "from": "2026-12-02T10:00:00+01:00", "to": "2026-12-02T10:05:00+01:00",
        "tz": "Europe/Berlin"})
    assert status == 200, page
    starts = sorted(o["start"] for o in page["occurrences"] if o["event"]["id"] == stored["id"])
    # Every minute of the window (30-minute events: those that began up to 30 min before
    # overlap too), the first and last as the rule puts them.
    assert starts[-1] == "2026-12-02T10:04:00+01:00"
    assert starts[0] == "2026-12-02T09:31:00+01:00" and len(starts) == 34


@pytest.mark.parametrize("over", [
    {"rrule": "FREQ=DAILY;UNTIL=99991231T235959Z"},
    {"rrule": "FREQ=YEARLY", "start": "9990-06-01T09:00:00+02:00",
     "end": "9990-06-01T10:00:00+02:00"},
    {"rrule": "FREQ=YEARLY;COUNT=50", "start": "9990-06-01T09:00:00+02:00",
     "end": "9990-06-01T10:00:00+02:00", "reminders": EMAIL},
    {"rrule": "FREQ=MONTHLY;UNTIL=99991231T000000Z", "reminders": EMAIL},
])
@pytest.mark.timeout(60)
def test_rules_reaching_the_year_9999_are_stored_or_refused_never_500(
        inproc: InProcess, over: dict[str, Any]) -> None:
    status, answer = put(inproc, **over)
    assert status in (200, 201) or 400 <= status < 500, answer
    if status < 300:
        status, _, page = inproc.call("GET", "/events", query={
            "from": "2026-11-01", "to": "2026-12-01", "tz": "Europe/Berlin"})
        assert status == 200, page


@pytest.mark.parametrize("query", [
    {"from": "0001-01-01", "to": "0001-06-01", "tz": "Asia/Tokyo"},
    {"from": "9999-06-01", "to": "9999-12-31", "tz": "Pacific/Kiritimati"},
    {"from": "0001-01-01T00:00:00+00:00", "to": "0001-01-02T00:00:00+00:00"},
])
def test_windows_at_the_ends_of_the_calendar_are_answered_not_500(
        inproc: InProcess, query: dict[str, str]) -> None:
    put(inproc, rrule="FREQ=DAILY")  # something to expand
    status, _, answer = inproc.call("GET", "/events", query=query)
    assert status == 200 or 400 <= status < 500, answer


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "UTC/../UTC",
                                  "posix/Europe/Berlin", "right/UTC"])
def test_zone_names_that_depend_on_the_host_are_refused(inproc: InProcess, zone: str) -> None:
    status, problem = put(inproc, timezone=zone)
    assert status == 400, problem
    status, _, problem = inproc.call("GET", "/events", query={
        "from": "2026-11-01", "to": "2026-11-30", "tz": zone})
    assert status == 400, problem
    status, _, problem = inproc.call("PUT", "/settings", {"timezone": zone})
    assert 400 <= status < 500, problem


def test_an_ordinary_rule_still_expands(inproc: InProcess) -> None:
    status, stored = put(inproc, rrule="FREQ=WEEKLY;BYDAY=MO,WE", **FROM_1900)
    assert status == 201
    status, _, page = inproc.call("GET", "/events", query={
        "from": "2026-11-30", "to": "2026-12-07", "tz": "Europe/Berlin"})
    starts = sorted(o["start"] for o in page["occurrences"] if o["event"]["id"] == stored["id"])
    assert starts == ["2026-11-30T09:00:00+01:00", "2026-12-02T09:00:00+01:00"]
    assert uuid.UUID(stored["id"])


@pytest.mark.timeout(60)
def test_the_next_email_of_a_minutely_series_from_1900_is_the_next_minute() -> None:
    """A series denser than one window lets through (expand() stops at a day of
    instances): the search goes on from where the window ended, not a year later."""
    from datetime import UTC, datetime, timedelta

    from aurora_cloud.reminders.schedule import next_email_due
    from aurora_core.model import Event, Reminder, ZonedTime

    start = zoned(1900, 1, 1, 9)
    master = Event(id="m", uid="m", calendar_id="c", title="t", start=start,
                   end=ZonedTime(start.at + timedelta(minutes=30), "Europe/Berlin"),
                   rrule="FREQ=MINUTELY;UNTIL=22001231T000000Z",
                   reminders=(Reminder(minutes_before=10, channel="email"),))
    after = datetime(2026, 12, 2, 10, 0, 30, tzinfo=UTC)
    due = next_email_due(master, [], after, UTC)
    assert due is not None and due.at == datetime(2026, 12, 2, 10, 1, tzinfo=UTC)
    assert due.info["start"] == "2026-12-02T11:11:00+01:00"
