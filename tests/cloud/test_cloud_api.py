"""The API handlers in process (Powertools resolver over moto's DynamoDB)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.helpers.cloud import InProcess, event_body

CREATE = {"If-None-Match": "*"}


def match(v: int) -> dict[str, str]:
    return {"If-Match": f'"{v}"'}


def test_create_read_update_delete_round_trip(inproc: InProcess) -> None:
    body = event_body(title="Standup", location="Room 1", notes="agenda",
                      reminders=[{"minutes_before": 10, "channel": "email"}])
    status, headers, created = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    assert status == 201
    assert created["version"] == 1 and headers["ETag"] == '"1"'
    assert created["title"] == "Standup" and created["uid"] == body["id"]

    status, _, got = inproc.call("GET", f"/events/{body['id']}")
    assert status == 200 and got == created

    status, _, updated = inproc.call("PUT", f"/events/{body['id']}",
                                     {**body, "title": "Standup (moved)"}, headers=match(1))
    assert status == 200 and updated["version"] == 2
    assert updated["created_at"] == created["created_at"]

    status, _, _ = inproc.call("DELETE", f"/events/{body['id']}", headers=match(2))
    assert status == 204
    status, _, problem = inproc.call("GET", f"/events/{body['id']}")
    assert status == 404 and problem["title"] == "Not found"


def test_a_stale_version_gets_412_with_the_current_item(inproc: InProcess) -> None:
    body = event_body()
    inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    inproc.call("PUT", f"/events/{body['id']}", {**body, "title": "desktop A"}, headers=match(1))
    status, headers, problem = inproc.call("PUT", f"/events/{body['id']}",
                                           {**body, "title": "desktop B"}, headers=match(1))
    assert status == 412
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["current"]["title"] == "desktop A" and problem["current"]["version"] == 2


def test_retrying_the_same_write_is_idempotent(inproc: InProcess) -> None:
    body = event_body()
    first = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    again = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    assert (first[0], again[0]) == (201, 200) and again[2]["version"] == 1
    inproc.call("PUT", f"/events/{body['id']}", {**body, "title": "x"}, headers=match(1))
    retry = inproc.call("PUT", f"/events/{body['id']}", {**body, "title": "x"}, headers=match(1))
    assert retry[0] == 200 and retry[2]["version"] == 2
    assert inproc.call("DELETE", f"/events/{body['id']}", headers=match(2))[0] == 204
    assert inproc.call("DELETE", f"/events/{body['id']}", headers=match(2))[0] == 204


def test_a_write_without_precondition_is_refused(inproc: InProcess) -> None:
    body = event_body()
    status, _, problem = inproc.call("PUT", f"/events/{body['id']}", body)
    assert status == 428 and "If-Match" in problem["detail"]


def test_a_deleted_event_is_a_tombstone_in_sync(inproc: InProcess) -> None:
    body = event_body()
    inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    _, _, page = inproc.call("GET", "/sync")
    cursor = page["cursor"]
    inproc.call("DELETE", f"/events/{body['id']}", headers=match(1))
    status, _, page = inproc.call("GET", "/sync", query={"cursor": cursor})
    assert status == 200
    [tomb] = page["events"]
    assert tomb["id"] == body["id"] and tomb["deleted"] is True and tomb["version"] == 2


def test_sync_pages_in_change_order_and_expires_old_cursors(inproc: InProcess) -> None:
    ids = []
    for i in range(7):
        b = event_body(title=f"e{i}")
        ids.append(b["id"])
        inproc.call("PUT", f"/events/{b['id']}", b, headers=CREATE)
    inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work"}, headers=CREATE)
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        status, _, page = inproc.call("GET", "/sync", query=query)
        assert status == 200
        seen += [e["id"] for e in page["events"]] + [c["id"] for c in page["calendars"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert seen == [*ids, "work"]
    inproc.clock.advance(timedelta(days=31))
    status, _, problem = inproc.call("GET", "/sync", query={"cursor": cursor})
    assert status == 410 and problem["title"] == "Gone"


def test_another_users_event_is_404_and_cannot_be_overwritten(inproc: InProcess) -> None:
    body = event_body(title="Alice's secret")
    inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE, sub="alice")
    assert inproc.call("GET", f"/events/{body['id']}", sub="bob")[0] == 404
    assert inproc.call("PUT", f"/events/{body['id']}", {**body, "title": "pwned"},
                       headers=match(1), sub="bob")[0] == 404
    assert inproc.call("DELETE", f"/events/{body['id']}", sub="bob")[0] == 404
    _, _, page = inproc.call("GET", "/sync", sub="bob")
    assert page["events"] == []
    assert inproc.call("GET", f"/events/{body['id']}", sub="alice")[2]["title"] == "Alice's secret"


def test_requests_without_a_verified_user_are_401(inproc: InProcess) -> None:
    status, _, problem = inproc.call("GET", "/sync", sub=None)
    assert status == 401 and problem["status"] == 401
    assert inproc.call("GET", "/config", sub=None)[0] == 200


def test_list_by_date_expands_series_and_overrides(inproc: InProcess) -> None:
    master = event_body(title="Daily", rrule="FREQ=DAILY;COUNT=5")
    inproc.call("PUT", f"/events/{master['id']}", master, headers=CREATE)
    override = event_body(title="Daily (late)", uid=master["id"],
                          start="2026-11-27T15:00:00+01:00", end="2026-11-27T16:00:00+01:00",
                          recurrence_id="2026-11-27T09:00:00+01:00")
    inproc.call("PUT", f"/events/{override['id']}", override, headers=CREATE)
    allday = event_body(title="Holiday", all_day=True, timezone=None, start="2026-11-26",
                        end="2026-11-27")
    inproc.call("PUT", f"/events/{allday['id']}", allday, headers=CREATE)
    status, _, data = inproc.call("GET", "/events", query={
        "from": "2026-11-25", "to": "2026-12-01", "tz": "Europe/Berlin"})
    assert status == 200
    got = [(o["event"]["title"], o["start"]) for o in data["occurrences"]]
    assert got == [
        ("Daily", "2026-11-25T09:00:00+01:00"),
        ("Holiday", "2026-11-26"),
        ("Daily", "2026-11-26T09:00:00+01:00"),
        ("Daily (late)", "2026-11-27T15:00:00+01:00"),
        ("Daily", "2026-11-28T09:00:00+01:00"),
        ("Daily", "2026-11-29T09:00:00+01:00"),
    ]
    _, _, only = inproc.call("GET", "/events", query={"from": "2026-11-28", "to": "2026-11-29",
                                                      "tz": "Europe/Berlin"})
    assert [o["start"] for o in only["occurrences"]] == ["2026-11-28T09:00:00+01:00"]


def test_calendars_and_deleting_one_tombstones_its_events(inproc: InProcess) -> None:
    status, _, cal = inproc.call("PUT", "/calendars/home", {"id": "home", "name": "Home",
                                                            "color": "#ff0000"}, headers=CREATE)
    assert status == 201 and cal["version"] == 1
    ev = event_body(calendar_id="home")
    inproc.call("PUT", f"/events/{ev['id']}", ev, headers=CREATE)
    assert [c["id"] for c in inproc.call("GET", "/calendars")[2]["calendars"]] == ["home"]
    assert inproc.call("DELETE", "/calendars/home", headers=match(1))[0] == 204
    assert inproc.call("GET", "/calendars")[2]["calendars"] == []
    assert inproc.call("GET", f"/events/{ev['id']}")[0] == 404


def test_batch_upload_reports_each_event(inproc: InProcess) -> None:
    existing = event_body(title="already there")
    inproc.call("PUT", f"/events/{existing['id']}", existing, headers=CREATE)
    fresh = [event_body(title=f"import {i}") for i in range(3)]
    bad = event_body(start="2026-11-25T10:00:00+01:00", end="2026-11-25T09:00:00+01:00")
    status, _, data = inproc.call("POST", "/events/batch", {"events": [
        *fresh, existing, existing, bad, {**existing, "title": "different"},
        event_body(title="new one")]})
    assert status == 200
    by_status = [r["status"] for r in data["results"]]
    assert by_status[:3] == [201, 201, 201]
    assert by_status[3] == 200  # same content: an idempotent retry
    assert by_status[4] == 400  # the same id twice in one batch
    assert by_status[5] == 400 and "ends before" in data["results"][5]["detail"]
    assert by_status[6] == 400  # the same id again, other content
    assert by_status[7] == 201
    _, _, page = inproc.call("GET", "/sync")
    assert len(page["events"]) == 5


def test_settings_round_trip(inproc: InProcess) -> None:
    assert inproc.call("GET", "/me/settings")[2]["reminder_email"] is True
    status, _, s = inproc.call("PUT", "/me/settings", {"reminder_email": False,
                                                       "timezone": "Asia/Tokyo"})
    assert status == 200 and s["version"] == 1
    assert inproc.call("GET", "/me/settings")[2]["timezone"] == "Asia/Tokyo"
    assert inproc.call("PUT", "/me/settings", {"timezone": "Mars/Olympus"})[0] == 400


@pytest.mark.parametrize("raw", [
    "{not json", "[]", "null", '"text"', "1e999999", '{"id": 1}', "[" * 5000 + "]" * 5000,
])
def test_malformed_bodies_are_400_problems(inproc: InProcess, raw: str) -> None:
    eid = str(uuid.uuid4())
    status, headers, problem = inproc.call("PUT", f"/events/{eid}", raw=raw, headers=CREATE)
    assert status == 400, problem
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == 400 and problem["title"]


@pytest.mark.parametrize("change", [
    {"title": "x" * 501},
    {"notes": "n" * 20_001},
    {"reminders": [{"minutes_before": 5}] * 21},
    {"reminders": [{"minutes_before": 10**12, "channel": "email"}]},
    {"reminders": [{"minutes_before": 5, "channel": "pigeon"}]},
    {"exdates": ["2026-11-25T09:00:00+01:00"] * 1001},
    {"start": "9999-12-31T23:59:59+14:00", "end": "9999-12-31T23:59:59+14:00"},
    {"start": "0001-01-01T00:00:00+00:00"},
    {"timezone": "Not/AZone"},
    {"timezone": "../../etc/passwd"},
    {"start": "2026-11-25T09:00:00"},  # zoned needs an offset
    {"all_day": True},  # all-day needs dates and no zone
    {"rrule": "FREQ=SECONDLY"},
    {"rrule": "FREQ=DAILY;INTERVAL=0"},
    {"rrule": "NOT A RULE"},
    {"rrule": "FREQ=DAILY;COUNT=99999999999"},
    {"calendar_id": "../x"},
    {"status": "maybe"},
    {"unknown_field": 1},
    {"id": "not-a-uuid"},
])
def test_absurd_values_are_4xx_problems_never_5xx(inproc: InProcess,
                                                  change: dict[str, Any]) -> None:
    body = event_body(**change)
    eid = body["id"] if len(str(body["id"])) == 36 else str(uuid.uuid4())
    status, headers, problem = inproc.call("PUT", f"/events/{eid}", body, headers=CREATE)
    assert 400 <= status < 500, problem
    assert headers["Content-Type"] == "application/problem+json"


def test_oversize_body_is_413(inproc: InProcess) -> None:
    body = event_body(notes="n" * 20_000)
    raw = json.dumps(body) + " " * (256 * 1024)
    status, _, problem = inproc.call("PUT", f"/events/{body['id']}", raw=raw, headers=CREATE)
    assert status == 413 and problem["title"] == "Payload too large"


@pytest.mark.parametrize("query", [
    {"from": "yesterday", "to": "2026-11-30"},
    {"from": "2026-11-30", "to": "2026-11-01"},
    {"from": "2000-01-01", "to": "2030-01-01"},
    {"from": "2026-11-01", "to": "2026-11-30", "tz": "No/Where"},
    {"to": "2026-11-30"},
])
def test_bad_windows_are_400(inproc: InProcess, query: dict[str, str]) -> None:
    status, _, problem = inproc.call("GET", "/events", query=query)
    assert status == 400 and problem["status"] == 400


@pytest.mark.parametrize("query", [{"cursor": "garbage"}, {"limit": "0"}, {"limit": "100000"},
                                   {"limit": "-1"}, {"cursor": "c1.1.9999999999999"}])
def test_bad_sync_parameters_are_4xx(inproc: InProcess, query: dict[str, str]) -> None:
    status, _, problem = inproc.call("GET", "/sync", query=query)
    assert 400 <= status < 500 and problem["status"] == status


def test_unknown_routes_and_ids_are_404_problems(inproc: InProcess) -> None:
    assert inproc.call("GET", "/nope")[0] == 404
    assert inproc.call("GET", "/events/short")[0] == 404
