"""A calendar's ``source_url`` (a subscription, issue 11): validated, stored, returned.

The server keeps a subscription's address, name and colour like any calendar's;
its events never come here (each desktop fetches them).
"""

from __future__ import annotations

from typing import Any

import pytest

from aurora_core import wire
from tests.helpers.cloud import InProcess

CREATE = {"If-None-Match": "*"}
FEED = "https://calendars.example.org/holidays.ics"


def match(v: int) -> dict[str, str]:
    return {"If-Match": f'"{v}"'}


def _sync_calendars(inproc: InProcess) -> list[dict[str, Any]]:
    status, _, page = inproc.call("GET", "/sync")
    assert status == 200
    return list(page["calendars"])


def test_a_subscriptions_address_round_trips(inproc: InProcess) -> None:
    body = {"id": "hol", "name": "Holidays", "color": "#10b981", "read_only": True,
            "source_url": FEED}
    status, _, created = inproc.call("PUT", "/calendars/hol", body, headers=CREATE)
    assert status == 201 and created["source_url"] == FEED
    assert inproc.call("GET", "/calendars")[2]["calendars"][0]["source_url"] == FEED
    [synced] = _sync_calendars(inproc)
    assert synced["source_url"] == FEED and synced["name"] == "Holidays"
    # Renamed, recoloured, moved (a permanent redirect): a calendar change like any.
    moved = {**body, "name": "Public holidays", "source_url": FEED.replace("holidays", "h2")}
    status, _, updated = inproc.call("PUT", "/calendars/hol", moved, headers=match(1))
    assert status == 200 and updated["version"] == 2
    assert updated["source_url"].endswith("/h2.ics") and updated["name"] == "Public holidays"
    # The same write again is the idempotent retry, not a new version.
    again = inproc.call("PUT", "/calendars/hol", moved, headers=match(1))
    assert again[0] == 200 and again[2]["version"] == 2
    # Unsubscribing is deleting the calendar: a tombstone in the change feed.
    assert inproc.call("DELETE", "/calendars/hol", headers=match(2))[0] == 204
    [tomb] = _sync_calendars(inproc)
    assert tomb["deleted"] is True


@pytest.mark.parametrize("url", [
    "webcal://calendars.example.org/h.ics",
    "webcals://calendars.example.org/h.ics",
    "http://127.0.0.1:8080/feed?team=7",
    "HTTPS://Calendars.Example.org/h.ics",
])
def test_web_and_webcal_addresses_are_taken_as_written(inproc: InProcess, url: str) -> None:
    body = {"id": "c1", "name": "Feed", "source_url": url}
    status, _, got = inproc.call("PUT", "/calendars/c1", body, headers=CREATE)
    assert status == 201 and got["source_url"] == url


def test_an_ordinary_calendar_has_no_source_url_key(inproc: InProcess) -> None:
    """Absent, not null: desktops older than the field (their models forbid unknown keys)
    read every account without subscriptions as they always did."""
    _, _, created = inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work"},
                                headers=CREATE)
    assert "source_url" not in created
    assert "source_url" not in _sync_calendars(inproc)[0]
    _, _, explicit = inproc.call("PUT", "/calendars/w2", {"id": "w2", "name": "W",
                                                          "source_url": None}, headers=CREATE)
    assert "source_url" not in explicit


@pytest.mark.parametrize(("url", "says"), [
    ("ftp://example.org/h.ics", "https://, http:// or webcal://"),
    ("javascript:alert(1)", "https://, http:// or webcal://"),
    ("file:///etc/passwd", "https://, http:// or webcal://"),
    ("https:///h.ics", "no server name"),
    ("https://exa mple.org/h.ics", "spaces or control characters"),
    ("https://example.org/\nh.ics", "spaces or control characters"),
    ("https://example.org:99999999/h.ics", "not a web address"),
    ("https://example.org/" + "x" * 2_000, "2000"),
    ("", "at least 8"),
    ("h.ics", "at least 8"),
])
def test_a_bad_address_is_a_400_naming_the_field(inproc: InProcess, url: str,
                                                 says: str) -> None:
    body = {"id": "bad", "name": "Bad", "source_url": url}
    status, headers, problem = inproc.call("PUT", "/calendars/bad", body, headers=CREATE)
    assert status == 400, problem
    assert headers["Content-Type"] == "application/problem+json"
    text = str(problem)
    assert "source_url" in text and says in text, text
    assert inproc.call("GET", "/calendars/bad")[0] == 404


def test_a_calendar_cannot_become_a_subscription_or_stop_being_one(inproc: InProcess) -> None:
    inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work"}, headers=CREATE)
    status, _, problem = inproc.call(
        "PUT", "/calendars/work", {"id": "work", "name": "Work", "source_url": FEED},
        headers=match(1))
    assert status == 400 and "cannot become a subscription" in problem["detail"]
    inproc.call("PUT", "/calendars/hol", {"id": "hol", "name": "Hol", "source_url": FEED},
                headers=CREATE)
    status, _, problem = inproc.call("PUT", "/calendars/hol", {"id": "hol", "name": "Hol"},
                                     headers=match(1))
    assert status == 400 and "source_url" in problem["detail"]
    # A deleted calendar's id may be made anew either way (a tombstone is not a calendar).
    inproc.call("DELETE", "/calendars/work", headers=match(1))
    status, _, again = inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work",
                                                              "source_url": FEED},
                                   headers=CREATE)
    assert status in (200, 201) and again["source_url"] == FEED


def test_the_wire_model_validates_and_drops_an_absent_address() -> None:
    w = wire.CalendarWire(id="a", name="A", source_url="webcal://example.org/a.ics")
    assert w.content()["source_url"] == "webcal://example.org/a.ics"
    assert "source_url" not in wire.CalendarWire(id="a", name="A").model_dump_json()
    with pytest.raises(ValueError, match="webcal"):
        wire.CalendarWire(id="a", name="A", source_url="gopher://example.org/a")
    assert wire.subscription_url("webcal://Example.ORG/a.ics#x") == "https://example.org/a.ics"
    assert wire.subscription_url("http://u@Host:81") == "http://u@host:81/"
