"""Fault injection: the dispatcher process dies at random points; no email is lost.

Every DynamoDB call and every send is a point where the process can die
(before the call, or after it took effect). A dead run does nothing more;
the next run (a minute later, on a pinned clock) goes on. The claim is:
every reminder is emailed at least once, and an email goes out twice only
when a run died between SES accepting it and its lease being marked
finished: at most one duplicate per crash at exactly that point.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aurora_cloud.reminders.dispatcher import Dispatcher
from aurora_cloud.storage import Storage
from tests.helpers.cloud import InProcess, event_body

T0 = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)
DUE = T0 + timedelta(minutes=10)


class Crash(BaseException):
    """The process dies (nothing may catch it)."""


@dataclass
class Faults:
    """Counts steps (calls and sends); dies at ``crash_at`` (before or after the step),
    or at each step with probability ``p`` (drawn from ``rng``)."""

    crash_at: int | None = None
    after: bool = False
    p: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    step: int = 0
    dead: bool = False
    open_window: set[str] = field(default_factory=set)  # accepted by SES, not yet marked
    window_crashes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0

    def around(self, action: Any, on_done: Any = None) -> Any:
        if self.dead:
            raise Crash()
        here = self.step
        self.step += 1
        if self.p and self.rng.random() < self.p:
            self.crash_at, self.after = here, self.rng.random() < 0.5
        if here == self.crash_at and not self.after:
            self.die()
        result = action()
        if on_done is not None:
            on_done()
        if here == self.crash_at and self.after:
            self.die()
        return result

    def die(self) -> None:
        self.dead = True
        self.crashes += 1
        self.window_crashes.update(self.open_window)
        raise Crash()


class FaultyClient:
    def __init__(self, client: Any, faults: Faults) -> None:
        self._client = client
        self._faults = faults

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            def done() -> None:
                # A finished lease ("sent") closes the event's duplicate window.
                expr = kwargs.get("UpdateExpression", "")
                if name == "update_item" and "last_sent" in expr:
                    self._faults.open_window.discard(kwargs["Key"]["SK"]["S"][4:])
            return self._faults.around(lambda: attr(*args, **kwargs), done)
        return call


class FaultyMailer:
    def __init__(self, inner: Any, faults: Faults) -> None:
        self.inner = inner
        self.faults = faults
        self.delivered: Counter[str] = Counter()

    def send(self, email: Any) -> None:
        def accept() -> None:
            self.inner.send(email)
            eid = re.search(r"m-([0-9a-f-]{36})", email.subject)
            assert eid
            self.delivered[eid.group(1)] += 1
            self.faults.open_window.add(eid.group(1))
        self.faults.around(accept)


def _setup(inproc: InProcess, n: int) -> list[str]:
    inproc.clock.pin(T0)
    ids = []
    for _ in range(n):
        body = event_body(start=(DUE + timedelta(minutes=10)).isoformat(),
                          end=(DUE + timedelta(minutes=40)).isoformat(), timezone="UTC",
                          reminders=[{"minutes_before": 10, "channel": "email"}])
        body["title"] = f"m-{body['id']}"
        assert inproc.call("PUT", f"/events/{body['id']}", body,
                           headers={"If-None-Match": "*"})[0] == 201
        ids.append(body["id"])
    inproc.dispatcher.run()  # deployed a while ago: the mark exists (07:59)
    return ids


def _dispatcher(inproc: InProcess, faults: Faults) -> tuple[Dispatcher, FaultyMailer]:
    storage = Storage(FaultyClient(inproc.storage.client, faults), inproc.storage.table)
    mailer = FaultyMailer(inproc.mailbox, faults)
    d = Dispatcher(storage, mailer, inproc.dispatcher.users, sender="r@aurora.example",
                   clock=inproc.clock, workers=1, lease=timedelta(minutes=3))
    return d, mailer


def _pending(inproc: InProcess, ids: list[str]) -> list[str]:
    """Events whose reminder is still due, leased or parked."""
    out = []
    for eid in ids:
        item = inproc.storage.get_raw("USER#alice", f"EVT#{eid}")
        if item is not None and "due_sk" in item:
            out.append(eid)
    return out


@pytest.mark.parametrize("seed", [20261202, 7, 42])
def test_random_crashes_lose_no_email_and_duplicate_only_in_the_window(
        inproc: InProcess, seed: int) -> None:
    ids = _setup(inproc, 30)
    faults = Faults(p=0.02, rng=random.Random(seed))
    d, mailer = _dispatcher(inproc, faults)
    inproc.clock.pin(DUE + timedelta(seconds=15))
    for _ in range(50):
        faults.dead, faults.step, faults.crash_at = False, 0, None
        faults.open_window.clear()  # a new process: only its own sends are in flight
        with contextlib.suppress(Crash):
            d.run()
        if not _pending(inproc, ids) and not faults.dead:
            break
        inproc.clock.advance(timedelta(minutes=1))
    assert _pending(inproc, ids) == []
    assert faults.crashes >= 10
    assert inproc.clock() - DUE < timedelta(hours=1)  # nothing went stale on the way
    for eid in ids:
        assert mailer.delivered[eid] >= 1, "lost"
        # one duplicate per crash between SES accepting it and the mark, none otherwise
        assert mailer.delivered[eid] - 1 == faults.window_crashes[eid]


def test_a_crash_right_after_ses_accepted_sends_exactly_one_duplicate(
        inproc: InProcess) -> None:
    [eid] = _setup(inproc, 1)
    faults = Faults()
    d, mailer = _dispatcher(inproc, faults)
    inproc.clock.pin(DUE + timedelta(seconds=15))
    original = mailer.send

    def accept_then_die(email: Any) -> None:
        original(email)
        faults.die()

    mailer.send = accept_then_die  # type: ignore[method-assign]
    with contextlib.suppress(Crash):
        d.run()
    assert mailer.delivered[eid] == 1 and faults.window_crashes[eid] == 1
    mailer.send = original  # type: ignore[method-assign]
    for _ in range(5):
        faults.dead = False
        inproc.clock.advance(timedelta(minutes=1))
        d.run()
    assert mailer.delivered[eid] == 2
    assert _pending(inproc, [eid]) == []


def test_a_crash_before_ses_accepted_sends_once(inproc: InProcess) -> None:
    [eid] = _setup(inproc, 1)
    faults = Faults()
    d, mailer = _dispatcher(inproc, faults)
    inproc.clock.pin(DUE + timedelta(seconds=15))

    def die(email: Any) -> None:
        faults.die()

    original = mailer.send
    mailer.send = die  # type: ignore[method-assign]
    with contextlib.suppress(Crash):
        d.run()
    mailer.send = original  # type: ignore[method-assign]
    for _ in range(5):
        faults.dead = False
        inproc.clock.advance(timedelta(minutes=1))
        d.run()
    assert mailer.delivered[eid] == 1
