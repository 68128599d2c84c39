"""Email reminders of an override standing alone (its master not here yet, or no longer
repeating: aurora_core.series): sent at its own time, once, and not again when its
repeating master arrives and takes the instance over (docs/cloud.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers.cloud import InProcess, event_body

T0 = datetime(2026, 11, 25, 7, 58, 30, tzinfo=UTC)  # 08:58:30 in Berlin
CREATE = {"If-None-Match": "*"}
EMAIL_10 = [{"minutes_before": 10, "channel": "email"}]
SERIES = "0b7f3c1e-5a3d-4c1b-9a77-2f0e6f6d2a10"  # the master's id and the uid


def _put(inproc: InProcess, body: dict[str, Any]) -> None:
    status, _, data = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    assert status == 201, data


def _override(day: int, title: str, uid: str = SERIES) -> dict[str, Any]:
    """The daily 09:10 meeting of ``day`` November moved to 10:10, its reminder 10 minutes
    before (10:00 Berlin, 09:00 UTC)."""
    return event_body(title=title, uid=uid, start=f"2026-11-{day}T10:10:00+01:00",
                      end=f"2026-11-{day}T11:00:00+01:00",
                      recurrence_id=f"2026-11-{day}T09:10:00+01:00", reminders=EMAIL_10)


def _master(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": "Daily", "start": "2026-11-24T09:10:00+01:00",
                              "end": "2026-11-24T10:00:00+01:00",
                              "rrule": "FREQ=DAILY;COUNT=4", "reminders": EMAIL_10}
    return event_body(SERIES, **{**fields, **over})


def _subjects(inproc: InProcess) -> list[str]:
    return [m["Subject"] for m in inproc.mailbox.sent]


def _run_at(inproc: InProcess, at: datetime) -> int:
    """The dispatcher's runs of every minute up to ``at`` (as runs that found nothing
    would have left its mark), then the one at ``at``: emails sent."""
    inproc.storage.set_dispatcher_mark(at - timedelta(minutes=2))
    inproc.clock.pin(at)
    return inproc.dispatcher.run().sent


def test_an_override_standing_alone_is_emailed_once_at_its_own_time(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _override(25, "Daily (late)"))
    assert inproc.dispatcher.run().sent == 0
    assert _run_at(inproc, datetime(2026, 11, 25, 8, 59, 50, tzinfo=UTC)) == 0
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)) == 1
    (subject,) = _subjects(inproc)
    assert "Daily (late)" in subject and "10:10" in subject
    inproc.clock.advance(timedelta(minutes=3))
    assert inproc.dispatcher.run().sent == 0
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 0, 15, tzinfo=UTC)) == 0


def test_two_overrides_standing_alone_of_one_series_send_two_emails(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _override(25, "Wednesday, later"))
    _put(inproc, _override(26, "Thursday, later"))
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)) == 1
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 0, 15, tzinfo=UTC)) == 1
    subjects = _subjects(inproc)
    assert len(subjects) == 2
    assert "Wednesday, later" in subjects[0] and "Thursday, later" in subjects[1]


def test_its_master_arriving_after_the_email_sends_no_second_one(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _override(25, "Daily (late)"))
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)) == 1
    inproc.clock.pin(datetime(2026, 11, 25, 9, 5, tzinfo=UTC))
    _put(inproc, _master())  # the series arrives: the override replaces its instance
    assert inproc.dispatcher.run().sent == 0
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)) == 0
    # The master's own next instance (Thursday 09:10, reminded 09:00 Berlin) is its own.
    assert _run_at(inproc, datetime(2026, 11, 26, 8, 0, 15, tzinfo=UTC)) == 1
    subjects = _subjects(inproc)
    assert len(subjects) == 2 and "Daily (late)" in subjects[0] and "Thu 26 Nov" in subjects[1]


def test_its_master_arriving_before_the_email_takes_it_over_once(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _override(25, "Daily (late)"))
    _put(inproc, _master())  # 08:58:30: the master's schedule now has the override's time
    sent = [_run_at(inproc, datetime(2026, 11, 25, 8, 59, 50, tzinfo=UTC)),
            _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)),
            _run_at(inproc, datetime(2026, 11, 25, 9, 1, 15, tzinfo=UTC))]
    assert sent == [0, 1, 0]
    (subject,) = _subjects(inproc)
    assert "Daily (late)" in subject and "10:10" in subject


def test_the_overrides_of_a_master_whose_rule_was_taken_away_are_emailed(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _master())
    _put(inproc, _override(26, "Thursday, later"))
    status, _, cur = inproc.call("GET", f"/events/{SERIES}")
    assert status == 200
    single = _master(rrule=None)
    status, _, data = inproc.call("PUT", f"/events/{SERIES}", single,
                                  headers={"If-Match": f'"{cur["version"]}"'})
    assert status == 200, data
    assert _run_at(inproc, datetime(2026, 11, 26, 8, 0, 15, tzinfo=UTC)) == 0  # no instance
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 0, 15, tzinfo=UTC)) == 1
    (subject,) = _subjects(inproc)
    assert "Thursday, later" in subject


def _batch(inproc: InProcess, request: dict[str, Any]) -> list[int]:
    status, _, data = inproc.call("POST", "/events/batch", request)
    assert status == 200, data
    return [r["status"] for r in data["results"]]


def test_a_sync_batch_hands_the_override_to_its_master_and_back(inproc: InProcess) -> None:
    """As the desktop's sync writes them (POST /events/batch): the override alone, then
    its master (one email, the master's schedule's), then the master's rule taken away
    (the next override stands alone again, emailed on its own)."""
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    assert _batch(inproc, {"events": [_override(25, "Wednesday, later"),
                                      _override(26, "Thursday, later")]}) == [201, 201]
    assert _batch(inproc, {"events": [_master()]}) == [201]
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)) == 1
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 1, 15, tzinfo=UTC)) == 0
    assert _batch(inproc, {"events": [_master(rrule=None)], "if_match": {SERIES: 1}}) == [200]
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 0, 15, tzinfo=UTC)) == 1
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 1, 15, tzinfo=UTC)) == 0
    subjects = _subjects(inproc)
    assert len(subjects) == 2
    assert "Wednesday, later" in subjects[0] and "Thursday, later" in subjects[1]


def test_deleting_the_master_alone_leaves_its_overrides_emailed(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _put(inproc, _master())
    _put(inproc, _override(26, "Thursday, later"))
    assert inproc.call("DELETE", f"/events/{SERIES}", headers={"If-Match": '"1"'})[0] == 204
    assert _run_at(inproc, datetime(2026, 11, 26, 9, 0, 15, tzinfo=UTC)) == 1
    (subject,) = _subjects(inproc)
    assert "Thursday, later" in subject


def test_each_email_reminder_of_an_override_standing_alone_is_sent(inproc: InProcess) -> None:
    """The dispatcher plans the override's next reminder after sending one (its item
    carries its own schedule while it stands alone)."""
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    body = _override(25, "Daily (late)")
    body["reminders"] = [{"minutes_before": 60, "channel": "email"}, *EMAIL_10]
    _put(inproc, body)
    assert _run_at(inproc, datetime(2026, 11, 25, 8, 10, 15, tzinfo=UTC)) == 1  # 09:10
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 0, 15, tzinfo=UTC)) == 1  # 10:00
    assert _run_at(inproc, datetime(2026, 11, 25, 9, 30, tzinfo=UTC)) == 0
    assert len(_subjects(inproc)) == 2
