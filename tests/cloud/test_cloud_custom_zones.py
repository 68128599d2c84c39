"""Zones a file defined (X-AURORA/<hash>) on the server: stored with the events that use
them, sent back with them, used for occurrences and email reminders; refused without
their definition (docs/import.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aurora_core import custom_zones
from tests.helpers.cloud import InProcess, event_body

ODD = ("BEGIN:VTIMEZONE\nTZID:Odd\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
       "TZOFFSETFROM:+0317\nTZOFFSETTO:+0317\nEND:STANDARD\nEND:VTIMEZONE")
T0 = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)


@pytest.fixture
def odd() -> tuple[str, str]:
    name = custom_zones.register(ODD)
    return name, custom_zones.definition(name)


def _forget() -> None:
    """As a fresh Lambda process: no zone parsed yet."""
    custom_zones._cache.clear()


def _event(name: str, **over: object) -> dict[str, object]:
    return event_body(start="2026-11-25T12:10:00+03:17", end="2026-11-25T13:10:00+03:17",
                      timezone=name, **over)


def test_an_event_in_a_files_zone_needs_its_definition(inproc: InProcess,
                                                        odd: tuple[str, str]) -> None:
    name, text = odd
    body = _event(name)
    status, _, data = inproc.call("POST", "/events/batch", {"events": [body]})
    assert status == 200
    [r] = data["results"]
    assert r["status"] == 400 and "came without its definition" in r["detail"]
    status, _, data = inproc.call("POST", "/events/batch",
                                  {"events": [body], "zones": {name: text}})
    assert [r["status"] for r in data["results"]] == [201]
    # Another user cannot lean on alice's copy: bob's events must decode on their own.
    status, _, data = inproc.call("POST", "/events/batch", {"events": [_event(name)]},
                                  sub="bob")
    assert data["results"][0]["status"] == 400
    # A definition that is not its name's is refused as a whole (422/400 problem).
    status, _, _ = inproc.call("POST", "/events/batch", {
        "events": [_event(name)], "zones": {name: text.replace("+0317", "+0318")}})
    assert status in (400, 422)


def test_sync_and_occurrences_carry_the_zone(inproc: InProcess, odd: tuple[str, str]) -> None:
    name, text = odd
    body = _event(name, rrule="FREQ=DAILY;COUNT=3")
    inproc.call("POST", "/events/batch", {"events": [body], "zones": {name: text}})
    _forget()
    status, _, page = inproc.call("GET", "/sync")
    assert status == 200, page
    assert page["zones"] == {name: text}
    assert [e["timezone"] for e in page["events"]] == [name]
    _forget()
    status, _, occ = inproc.call("GET", "/events", query={
        "from": "2026-11-24T00:00:00Z", "to": "2026-12-01T00:00:00Z"})
    assert status == 200, occ
    assert occ["zones"] == {name: text}
    starts = [datetime.fromisoformat(o["start"]).astimezone(UTC) for o in occ["occurrences"]]
    assert starts == [datetime(2026, 11, d, 8, 53, tzinfo=UTC) for d in (25, 26, 27)]
    status, _, _ = inproc.call("PUT", "/me/settings", {"timezone": name})
    assert status in (400, 422)  # the user's own zone is an IANA one


def test_the_email_reminder_is_due_at_the_files_offset(inproc: InProcess,
                                                       odd: tuple[str, str]) -> None:
    name, text = odd
    inproc.clock.pin(T0)
    body = _event(name, reminders=[{"minutes_before": 10, "channel": "email"}])
    inproc.call("POST", "/events/batch", {"events": [body], "zones": {name: text}})
    _forget()
    inproc.clock.pin(datetime(2026, 11, 25, 8, 42, 30, tzinfo=UTC))
    assert inproc.dispatcher.run().sent == 0  # due 08:43 UTC = 12:00 at +03:17
    inproc.clock.advance(timedelta(minutes=1))
    _forget()
    assert inproc.dispatcher.run().sent == 1
    [msg] = inproc.mailbox.sent
    text = msg.get_body(("plain",)).get_content()
    assert "Wed 25 Nov 2026, 08:53 (UTC) — 12:10 in Odd" in text  # the file's name, not a hash
