"""The dispatcher cannot be poisoned: per-reminder budget, parking, the mark always moves.

Ten HOURLY events from 1900 once made a run take 32 s (their next reminder
took ~3 s each to plan); a run killed by the Lambda timeout moved nothing
forward, the same items killed the next run, and no user got reminders any
more. The planner is replaced here (slow, or raising) so these tests do not
depend on how cheap aurora_core makes such rules.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aurora_cloud.reminders import schedule
from aurora_cloud.reminders.dispatcher import Dispatcher
from tests.helpers.cloud import InProcess, event_body

T0 = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)
DUE = T0 + timedelta(minutes=10)  # events start at 08:20 UTC, reminders 10 minutes before
CREATE = {"If-None-Match": "*"}


def _create(inproc: InProcess, title: str, start: datetime, **over: Any) -> str:
    body = event_body(title=title, start=start.isoformat(),
                      end=(start + timedelta(minutes=30)).isoformat(), timezone="UTC",
                      reminders=[{"minutes_before": 10, "channel": "email"}], **over)
    status, _, created = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE)
    assert status == 201, created
    return str(body["id"])


def _slow_for(titles: set[str]) -> Any:
    """A planner that takes 30 s for events titled in ``titles`` (as a rule from 1900
    once did: ~3 s each), in small steps like a pure-Python expansion."""

    def planner(master: Any, overrides: Any, after: Any, zone: Any) -> Any:
        if master.title in titles:
            end = time.monotonic() + 30
            while time.monotonic() < end:
                time.sleep(0.002)
        return schedule.next_email_due(master, overrides, after, zone)
    return planner


def _raising_for(titles: set[str]) -> Any:
    def planner(master: Any, overrides: Any, after: Any, zone: Any) -> Any:
        if master.title in titles:
            raise RuntimeError("cannot plan this rule")
        return schedule.next_email_due(master, overrides, after, zone)
    return planner


def _subjects(inproc: InProcess) -> list[str]:
    return [str(m["Subject"]) for m in inproc.mailbox.sent]


def test_slow_reminders_are_parked_and_the_others_sent(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    poison = {f"poison {i}" for i in range(10)}
    for title in sorted(poison):
        _create(inproc, title, DUE + timedelta(minutes=10), rrule="FREQ=HOURLY")
    for i in range(5):
        _create(inproc, f"fine {i}", DUE + timedelta(minutes=10))
    d = inproc.dispatcher
    d.item_budget = 0.2
    d.planner = _slow_for(poison)
    inproc.clock.pin(DUE + timedelta(seconds=20))
    report = d.run()
    assert report.sent == 5 and report.parked == 10
    assert sorted(_subjects(inproc)) == sorted(
        s for s in _subjects(inproc) if "fine" in s) and len(_subjects(inproc)) == 5
    assert all("OverBudget" in r for r in report.parked_reasons)
    assert inproc.storage.dispatcher_mark() == DUE - timedelta(minutes=1)
    parked = inproc.storage.parked()
    assert len(parked) == 10
    assert all("OverBudget" in p["parked_reason"]["S"] for p in parked)
    # Parked stays parked: the next runs do not plan them again.
    inproc.clock.advance(timedelta(minutes=1))
    again = d.run()
    assert again.parked == 0 and again.sent == 0 and again.retried == 0
    assert inproc.storage.dispatcher_mark() == DUE


def test_a_reminder_whose_planning_raises_is_parked_with_its_reason(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    bad = _create(inproc, "bad", DUE + timedelta(minutes=10), rrule="FREQ=DAILY")
    _create(inproc, "good", DUE + timedelta(minutes=10))
    inproc.dispatcher.planner = _raising_for({"bad"})
    inproc.clock.pin(DUE + timedelta(seconds=20))
    report = inproc.dispatcher.run()
    assert report.sent == 1 and report.parked == 1
    assert "good" in _subjects(inproc)[0]
    [parked] = inproc.storage.parked()
    assert parked["SK"]["S"] == f"EVT#{bad}"
    assert parked["parked_reason"]["S"] == "RuntimeError: cannot plan this rule"
    assert parked["lease_of"]["S"].startswith("2026-11-25T08:10:00")


def test_writing_a_parked_event_puts_it_back_in_the_schedule(inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    eid = _create(inproc, "bad", DUE + timedelta(minutes=10), rrule="FREQ=DAILY")
    inproc.dispatcher.planner = _raising_for({"bad"})
    inproc.clock.pin(DUE + timedelta(seconds=20))
    assert inproc.dispatcher.run().parked == 1
    _, _, stored = inproc.call("GET", f"/events/{eid}")
    body = {k: v for k, v in stored.items()
            if k not in ("version", "created_at", "updated_at", "deleted")}
    body["title"] = "fixed"
    assert inproc.call("PUT", f"/events/{eid}", body,
                       headers={"If-Match": str(stored["version"])})[0] == 200
    assert inproc.storage.parked() == []
    inproc.clock.pin(DUE + timedelta(days=1, seconds=20))  # tomorrow's reminder
    inproc.storage.set_dispatcher_mark(DUE + timedelta(days=1, minutes=-2))
    assert inproc.dispatcher.run().sent == 1


def test_catch_up_after_a_long_outage_with_poison_in_it_reaches_the_present(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    inproc.dispatcher.run()  # the mark: 07:59
    poison = {f"poison {i}" for i in range(10)}
    for title in sorted(poison):  # due in the first minute of the outage
        _create(inproc, title, T0 + timedelta(minutes=11), rrule="FREQ=HOURLY")
    later = T0 + timedelta(hours=5)
    _create(inproc, "after the outage", later + timedelta(minutes=10))
    inproc.dispatcher.planner = _raising_for(poison)
    inproc.clock.pin(later + timedelta(seconds=5))  # 5 hours without a run
    reports = []
    for _ in range(10):
        reports.append(inproc.dispatcher.run())
        if reports[-1].behind_minutes == 0:
            break
        inproc.clock.advance(timedelta(seconds=5))
    assert reports[-1].behind_minutes == 0
    assert sum(r.parked for r in reports) == 10
    assert inproc.storage.dispatcher_mark() == later - timedelta(minutes=1)
    inproc.clock.pin(later + timedelta(seconds=30))
    assert sum(r.sent for r in reports) + inproc.dispatcher.run().sent == 1
    [subject] = _subjects(inproc)
    assert "after the outage" in subject


def test_the_mark_moves_before_sending_and_a_dead_run_loses_nothing(
        inproc: InProcess) -> None:
    class Crash(BaseException):
        """The process dies (not an error the dispatcher may catch)."""

    inproc.clock.pin(T0)
    for i in range(3):
        _create(inproc, f"m{i}", DUE + timedelta(minutes=10))
    real_send = inproc.mailbox.send

    def die(email: Any) -> None:
        raise Crash()

    inproc.mailbox.send = die  # type: ignore[method-assign]
    inproc.clock.pin(DUE + timedelta(seconds=20))
    d = Dispatcher(inproc.storage, inproc.mailbox, inproc.dispatcher.users,
                   sender="reminders@aurora.example", clock=inproc.clock, workers=1,
                   lease=timedelta(minutes=3))
    try:
        d.run()
        raise AssertionError("the run should have died")
    except Crash:
        pass
    assert inproc.storage.dispatcher_mark() == DUE - timedelta(minutes=1)
    inproc.mailbox.send = real_send  # type: ignore[method-assign]
    inproc.clock.advance(timedelta(minutes=1))
    assert d.run().sent == 0  # still leased by the dead run
    inproc.clock.advance(timedelta(minutes=3))
    report = d.run()
    assert report.sent == 3 and report.lease_expired == 3
    assert len(_subjects(inproc)) == 3


def test_what_is_left_when_the_runs_time_is_up_goes_to_the_next_run(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    for i in range(6):
        _create(inproc, f"m{i}", DUE + timedelta(minutes=10))
    elapsed = [0.0]  # the run's clock: each email takes 15 s (a slow SES)
    real_send = inproc.mailbox.send

    def slow_send(email: Any) -> None:
        real_send(email)
        elapsed[0] += 15

    inproc.mailbox.send = slow_send  # type: ignore[method-assign]
    d = Dispatcher(inproc.storage, inproc.mailbox, inproc.dispatcher.users,
                   sender="reminders@aurora.example", clock=inproc.clock, workers=1,
                   run_seconds=40.0, monotonic=lambda: elapsed[0])
    inproc.clock.pin(DUE + timedelta(seconds=20))
    first = d.run()
    assert first.sent == 3 and first.deferred == 3
    # A run with no time left claims none of them: they stay due, unclaimed.
    ticks = itertools.count(0, 50)
    d.monotonic = lambda: float(next(ticks))
    inproc.clock.advance(timedelta(minutes=1))
    busy = d.run()
    assert busy.waiting == 3 and busy.retried == 0 and busy.sent == 0
    assert busy.lag_seconds > 60  # the oldest waiting reminder is over a minute old
    d.monotonic = lambda: elapsed[0]
    d.run_seconds = 1000.0
    inproc.clock.advance(timedelta(minutes=1))
    second = d.run()
    assert second.sent == first.deferred and second.lease_expired == 0
    assert len(_subjects(inproc)) == 6
