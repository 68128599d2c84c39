"""Property: no request body or query string the API can be sent is answered 5xx.

Hypothesis builds event bodies from the wire model's fields with values at and
past every edge (years 1 and 9999, rules from every part and hostile values,
zones real, host-dependent and made up) and query strings for GET /events and
GET /sync; every answer must be 2xx or a 4xx problem. In process over moto, so a
few hundred requests take seconds; schemathesis drives the same over HTTP from the
OpenAPI document (test_cloud_schemathesis.py)."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cloud import InProcess

PARTS = {
    "FREQ": ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY", "NEVER"],
    "INTERVAL": ["0", "1", "7", "10000", "10001", "-1", "x"],
    "COUNT": ["0", "1", "50", "100000", "100001", "99999999999"],
    "UNTIL": ["19000101T000000Z", "20261231T235959Z", "99991231T235959Z", "00010101",
              "20261231", "2026-12-31", "Z"],
    "BYMONTH": ["1", "2", "13", "0", "-1", "1,2,3"],
    "BYMONTHDAY": ["1", "29", "30", "31", "-1", "32", "0"],
    "BYDAY": ["MO", "1MO", "-1FR", "53SU", "XX", "MO,TU"],
    "BYHOUR": ["0", "23", "24", "9,17"],
    "BYMINUTE": ["0", "59", "60"],
    "BYSECOND": ["0", "60", "61"],
    "BYSETPOS": ["1", "-1", "2", "367", "0"],
    "BYYEARDAY": ["1", "366", "-366", "367"],
    "BYWEEKNO": ["1", "53", "-53", "54"],
    "WKST": ["MO", "SU", "XX"],
}
ZONES = ["Europe/Berlin", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Apia", "UTC",
         "localtime", "Factory", "posix/UTC", "Not/AZone", "", "../x", "Etc/GMT+12"]
TIMES = ["1900-01-01T00:00:00+14:00", "1900-01-01T00:00:00-12:00", "2026-12-02T09:00:00+01:00",
         "2200-12-31T23:59:59-12:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+00:00",
         "2026-03-29T02:30:00+01:00", "2026-12-02T09:00:00", "2026-12-02", "1900-01-01",
         "2200-12-31", "0001-01-01", "9999-12-31", "not a time"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(PARTS)), min_size=1, max_size=4, unique=True))
    if "FREQ" not in names and draw(st.integers(0, 5)) > 0:
        names.insert(0, "FREQ")
    return ";".join(f"{n}={draw(st.sampled_from(PARTS[n]))}" for n in names)


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "calendar_id": "work",
                            "title": draw(st.text(max_size=20))}
    if draw(st.booleans()):  # a valid event to start from, then values at the edges
        year = draw(st.sampled_from([1900, 2026, 2200]))
        body.update(start=f"{year}-01-01T09:00:00+01:00", end=f"{year}-01-01T10:00:00+01:00",
                    timezone=draw(st.sampled_from(["Europe/Berlin", *ZONES])))
        if draw(st.booleans()):
            body["rrule"] = draw(rules())
        return body
    all_day = draw(st.booleans())
    body["all_day"] = all_day
    body["start"] = draw(st.sampled_from(TIMES))
    body["end"] = draw(st.sampled_from(TIMES))
    if draw(st.booleans()):
        body["timezone"] = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        body["rrule"] = draw(rules())
    if draw(st.booleans()):
        body["exdates"] = draw(st.lists(st.sampled_from(TIMES), max_size=3))
    if draw(st.booleans()):
        body["rdates"] = draw(st.lists(st.sampled_from(TIMES), max_size=3))
    if draw(st.booleans()):
        body["reminders"] = [{"minutes_before": draw(st.sampled_from(
            [-527041, -10, 0, 10, 527040, 527041])), "channel": draw(st.sampled_from(
                ["email", "notification", "pigeon"]))}]
    if draw(st.booleans()):
        body["recurrence_id"] = draw(st.sampled_from(TIMES))
    return body


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(body=bodies())
def test_no_event_body_is_answered_5xx(inproc: InProcess, body: dict[str, Any]) -> None:
    status, _, answer = inproc.call("PUT", f"/events/{body['id']}", body,
                                    headers={"If-None-Match": "*"})
    assert status < 500, (body, answer)
    if status < 300:
        status, _, answer = inproc.call("GET", "/events", query={
            "from": "2026-11-01", "to": "2026-12-31", "tz": "Asia/Tokyo"})
        assert status < 500, (body, answer)
    status, _, answer = inproc.call("POST", "/events/batch", {"events": [body]})
    assert status < 500, (body, answer)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(start=st.sampled_from(TIMES), end=st.sampled_from([*TIMES, "2026-12-31", "2027-01-01"]),
       tz=st.one_of(st.none(), st.sampled_from(ZONES)),
       calendar=st.one_of(st.none(), st.text(max_size=8)),
       cursor=st.one_of(st.none(), st.text(max_size=40),
                        st.sampled_from(["c1.0.999999999999", "c1.1.1", "c2.x"])),
       limit=st.one_of(st.none(), st.sampled_from(["0", "1", "1000", "1001", "-1", "x", ""])))
def test_no_query_string_is_answered_5xx(inproc: InProcess, start: str, end: str,
                                         tz: str | None, calendar: str | None,
                                         cursor: str | None, limit: str | None) -> None:
    query = {"from": start, "to": end}
    if tz is not None:
        query["tz"] = tz
    if calendar is not None:
        query["calendar"] = calendar
    status, _, answer = inproc.call("GET", "/events", query=query)
    assert status < 500, (query, answer)
    sync: dict[str, str] = {}
    if cursor is not None:
        sync["cursor"] = cursor
    if limit is not None:
        sync["limit"] = limit
    status, _, answer = inproc.call("GET", "/sync", query=sync)
    assert status < 500, (sync, answer)
