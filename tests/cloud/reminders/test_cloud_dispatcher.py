"""The email reminder dispatcher over moto, with a pinned clock (no sleeps)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from aurora_cloud.reminders.dispatcher import Dispatcher
from aurora_cloud.storage import Kind
from tests.helpers.cloud import InProcess, event_body

T0 = datetime(2026, 11, 25, 7, 58, 30, tzinfo=UTC)  # 08:58:30 in Berlin
CREATE = {"If-None-Match": "*"}


def _body(message) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


def _create(inproc: InProcess, **over: Any) -> dict[str, Any]:
    body = event_body(start="2026-11-25T09:10:00+01:00", end="2026-11-25T10:00:00+01:00",
                      reminders=[{"minutes_before": 10, "channel": "email"}], **over)
    status, _, created = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    assert status == 201, created
    result: dict[str, Any] = created
    return result


def test_a_reminder_due_in_a_minute_is_emailed_once_and_escaped(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    _create(inproc, title="<script>alert(1)</script> & Co", location="Room <b>4</b>",
            notes="bring \"snacks\"\n<img src=x>")
    assert inproc.dispatcher.run().sent == 0  # 08:58:30: not yet due (09:00)
    inproc.clock.advance(timedelta(minutes=1, seconds=45))  # 09:00:15
    report = inproc.dispatcher.run()
    assert report.sent == 1
    [msg] = inproc.mailbox.sent
    assert msg["To"] == "alice@example.com"
    text, html = _body(msg)
    assert "<script>alert(1)</script> & Co" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "Room &lt;b&gt;4&lt;/b&gt;" in html and "<img" not in html
    assert "09:10 (Europe/Berlin)" in text and "\n" not in msg["Subject"]
    inproc.clock.advance(timedelta(minutes=5))
    assert inproc.dispatcher.run().sent == 0
    assert len(inproc.mailbox.sent) == 1


def test_two_concurrent_runs_send_one_email(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    for i in range(20):
        _create(inproc, title=f"meeting {i}")
    inproc.clock.advance(timedelta(minutes=2))
    other = Dispatcher(inproc.storage, inproc.mailbox, inproc.dispatcher.users,
                       sender="reminders@aurora.example", clock=inproc.clock, workers=4)
    barrier = threading.Barrier(2)
    reports = []

    def go(d: Dispatcher) -> None:
        barrier.wait()
        reports.append(d.run())

    threads = [threading.Thread(target=go, args=(d,)) for d in (inproc.dispatcher, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    titles = sorted(m["Subject"] for m in inproc.mailbox.sent)
    assert len(titles) == 20 and len(set(titles)) == 20
    assert sum(r.sent for r in reports) == 20


def test_a_failed_send_is_retried_next_minute_without_duplicate(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    _create(inproc, title="retry me")
    inproc.clock.advance(timedelta(minutes=2))
    inproc.mailbox.fail = 1
    assert inproc.dispatcher.run().failed == 1
    assert inproc.mailbox.sent == []
    inproc.clock.advance(timedelta(minutes=1))
    assert inproc.dispatcher.run().sent == 1
    inproc.clock.advance(timedelta(minutes=1))
    assert inproc.dispatcher.run().sent == 0
    assert len(inproc.mailbox.sent) == 1


def test_missed_minutes_are_caught_up(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.dispatcher.run()
    _create(inproc, title="while the dispatcher was down")
    inproc.clock.advance(timedelta(minutes=30))  # runs at 09:00..09:28 never happened
    assert inproc.dispatcher.run().sent == 1


def test_a_series_reminds_again_for_the_next_occurrence(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"})
    created = _create(inproc, title="daily", rrule="FREQ=DAILY;COUNT=3")
    inproc.clock.advance(timedelta(minutes=2))
    assert inproc.dispatcher.run().sent == 1
    item = inproc.storage.get("alice", Kind.EVENT, created["id"])
    assert item is not None and item.due_sk is not None
    assert item.due_sk.startswith("2026-11-26T08:00:00")  # tomorrow 09:00 Berlin
    # The schedule ran every minute since (nothing was due); tomorrow at 09:00:30:
    inproc.storage.set_dispatcher_mark(datetime(2026, 11, 26, 7, 58, tzinfo=UTC))
    inproc.clock.pin(datetime(2026, 11, 26, 8, 0, 30, tzinfo=UTC))
    assert inproc.dispatcher.run().sent == 1
    subjects = [m["Subject"] for m in inproc.mailbox.sent]
    assert "Wed 25 Nov" in subjects[0] and "Thu 26 Nov" in subjects[1]


def test_an_override_moves_the_series_reminder(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    master = _create(inproc, title="weekly", rrule="FREQ=DAILY;COUNT=3")
    # Move today's instance to 11:10: its reminder becomes 11:00, not 09:00.
    moved = event_body(title="weekly (moved)", uid=master["id"],
                       start="2026-11-25T11:10:00+01:00", end="2026-11-25T12:00:00+01:00",
                       recurrence_id="2026-11-25T09:10:00+01:00",
                       reminders=[{"minutes_before": 10, "channel": "email"}])
    assert inproc.call("PUT", f"/events/{moved['id']}", moved, headers=CREATE)[0] == 201
    inproc.clock.advance(timedelta(minutes=2))
    assert inproc.dispatcher.run().sent == 0
    inproc.clock.advance(timedelta(hours=2))  # two hours to catch up: two runs
    assert inproc.dispatcher.run().sent + inproc.dispatcher.run().sent == 1
    assert "moved" in inproc.mailbox.sent[0]["Subject"]


def test_no_email_when_the_user_turned_emails_off(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.call("PUT", "/me/settings", {"reminder_email": False})
    _create(inproc)
    inproc.clock.advance(timedelta(minutes=2))
    report = inproc.dispatcher.run()
    assert report.sent == 0 and report.skipped == 1
    assert inproc.mailbox.sent == []


def test_editing_an_event_reschedules_and_deleting_cancels(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    created = _create(inproc, title="edit me")
    body = {k: v for k, v in created.items()
            if k not in ("version", "created_at", "updated_at", "deleted")}
    later = {**body, "start": "2026-11-25T12:00:00+01:00", "end": "2026-11-25T13:00:00+01:00"}
    inproc.call("PUT", f"/events/{created['id']}", later, headers={"If-Match": "1"})
    deleted = _create(inproc, title="delete me")
    inproc.call("DELETE", f"/events/{deleted['id']}", headers={"If-Match": "1"})
    inproc.clock.advance(timedelta(minutes=2))
    assert inproc.dispatcher.run().sent == 0
    inproc.clock.advance(timedelta(hours=1))
    assert inproc.dispatcher.run().sent == 0
    inproc.clock.advance(timedelta(hours=2))  # 12:00:30 Berlin; due 11:50
    assert inproc.dispatcher.run().sent == 1
    assert "edit me" in inproc.mailbox.sent[0]["Subject"]
