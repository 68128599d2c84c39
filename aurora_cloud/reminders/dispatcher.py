"""The email reminder dispatcher (EventBridge, every minute).

One run:

1. reads the mark (the last minute whose due buckets are all done) and
   queries every shard of every minute after it up to now (a run that was
   missed is caught up, at most ``max_catchup`` minutes per run);
2. for each due reminder, *claims* it with a conditional write that moves
   the item's reminder to its next due instant (the next occurrence of a
   series) — of two concurrent runs exactly one wins the claim;
3. the winner renders and sends the email; if sending fails it puts the
   reminder back (conditionally), so the next run retries it, and the mark
   stays before that minute;
4. writes the new mark.

So a reminder is emailed once: never by two runs, and a failed send is
retried without a duplicate. A process that dies between claim and send
loses that one email (at-most-once), which is the failure we prefer over
duplicates. Reminders found more than ``stale_after`` late are advanced
without an email (nobody wants yesterday's reminder).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from aurora_cloud.reminders.render import Email, render_reminder
from aurora_cloud.reminders.schedule import next_email_due
from aurora_cloud.storage import Due, Storage
from aurora_cloud.storage.dynamo import due_bucket, parse_iso
from aurora_core import wire
from aurora_core.model import Event, ValidationError, get_zone

log = logging.getLogger("aurora.dispatcher")


CLAIM_CHUNK = 25  # reminders claimed per transaction


class Mailer(Protocol):
    def send(self, email: Email) -> None:
        """Send ``email``; raise on failure."""


class UserDirectory(Protocol):
    def email_of(self, sub: str) -> str | None:
        """The user's verified email address, or None."""


class SesMailer:
    """Sends through SES SendEmail (SES builds the text + HTML alternative)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, email: Email) -> None:
        body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        if email.html is not None:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        self.client.send_email(
            Source=email.from_header, Destination={"ToAddresses": [email.to]},
            Message={"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body})


class CognitoDirectory:
    """Looks users up in the Cognito pool (AdminGetUser by ``sub``)."""

    def __init__(self, client: Any, pool_id: str) -> None:
        self.client = client
        self.pool_id = pool_id

    def email_of(self, sub: str) -> str | None:
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool_id, Username=sub)
        except self.client.exceptions.UserNotFoundException:
            return None
        attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        if not user.get("Enabled", True) or attrs.get("email_verified") == "false":
            return None
        return attrs.get("email")


@dataclass
class RunReport:
    minutes: int = 0
    found: int = 0
    sent: int = 0
    skipped: int = 0  # claimed but not emailed (stale, emails off, no address)
    lost_race: int = 0
    failed: int = 0
    failed_minutes: list[datetime] = field(default_factory=list)


def _floor_minute(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(second=0, microsecond=0)


class Dispatcher:
    def __init__(self, storage: Storage, mailer: Mailer, users: UserDirectory, *,
                 sender: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 workers: int = 8, stale_after: timedelta = timedelta(hours=1),
                 max_catchup: int = 120) -> None:
        self.storage = storage
        self.mailer = mailer
        self.users = users
        self.sender = sender
        self.clock = clock
        self.workers = workers
        self.stale_after = stale_after
        self.max_catchup = max_catchup

    def run(self) -> RunReport:
        now = self.clock()
        this_minute = _floor_minute(now)
        mark = self.storage.dispatcher_mark()
        first = this_minute - timedelta(minutes=1) if mark is None else \
            _floor_minute(mark) + timedelta(minutes=1)
        last = min(this_minute, first + timedelta(minutes=self.max_catchup - 1))
        report = RunReport()
        minutes = []
        m = first
        while m <= last:
            minutes.append(m)
            m += timedelta(minutes=1)
        report.minutes = len(minutes)
        items: list[dict[str, Any]] = []
        for minute in minutes:
            for shard in range(self.storage.due_shards):
                items.extend(self.storage.due_in_bucket(due_bucket(minute, shard), now))
        report.found = len(items)
        cache = _RunCache(self.storage, self.users)
        lock = threading.Lock()

        def work(chunk: list[dict[str, Any]]) -> None:
            outcomes = self._chunk(chunk, now, cache)
            with lock:
                for outcome, due_at in outcomes:
                    setattr(report, outcome, getattr(report, outcome) + 1)
                    if outcome == "failed":
                        report.failed_minutes.append(_floor_minute(due_at))

        chunks = [items[i:i + CLAIM_CHUNK] for i in range(0, len(items), CLAIM_CHUNK)]
        if self.workers > 1 and len(chunks) > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                list(pool.map(work, chunks))
        else:
            for chunk in chunks:
                work(chunk)
        done_through = last if last < this_minute else this_minute - timedelta(minutes=1)
        if report.failed_minutes:
            done_through = min(done_through, min(report.failed_minutes) - timedelta(minutes=1))
        if minutes:
            self.storage.set_dispatcher_mark(done_through)
        log.info("dispatch run", extra={"report": report.__dict__ | {"failed_minutes": None}})
        return report

    def _chunk(self, chunk: list[dict[str, Any]], now: datetime, cache: _RunCache
               ) -> list[tuple[str, datetime]]:
        """Claim a chunk of due reminders, then send the ones this run won."""
        plans = [self._plan(raw, cache) for raw in chunk]
        claims = self.storage.claim_many(
            [(p.pk, p.sk, p.due_sk, p.next_due) for p in plans], now)
        return [self._deliver(p, claimed, new_sk, now, cache)
                for p, (claimed, new_sk) in zip(plans, claims, strict=True)]

    def _plan(self, raw: dict[str, Any], cache: _RunCache) -> _Plan:
        pk, sk = raw["PK"]["S"], raw["SK"]["S"]
        due_sk = raw["due_sk"]["S"]
        due_at = parse_iso(due_sk.split("#", 1)[0])
        sub = pk.removeprefix("USER#")
        settings = cache.settings(sub)
        zone = get_zone(settings.timezone)
        master = _event(json.loads(raw["doc"]["S"]))
        overrides: list[Event] = []
        if master is not None and master.is_recurring:
            overrides = cache.overrides(sub, master.uid)
        nxt = next_email_due(master, overrides, due_at, zone) if master is not None else None
        return _Plan(raw, pk, sk, sub, due_sk, due_at, nxt, master, overrides,
                     json.loads(raw["due_info"]["S"]), settings, zone)

    def _deliver(self, p: _Plan, claimed: bool, new_sk: str | None, now: datetime,
                 cache: _RunCache) -> tuple[str, datetime]:
        if not claimed:
            return "lost_race", p.due_at
        if p.master is None or now - p.due_at > self.stale_after or \
                not p.settings.reminder_email:
            return "skipped", p.due_at
        to = cache.email(p.sub)
        if not to:
            return "skipped", p.due_at
        event = p.master
        if p.info.get("event_id") and p.info["event_id"] != p.master.id:
            event = next((o for o in p.overrides if o.id == p.info["event_id"]), p.master)
        try:
            start = wire.parse_time(p.info["start"], all_day=event.all_day,
                                    timezone=getattr(event.start, "tz", None))
            email = render_reminder(event, start,
                                    minutes_before=int(p.info["minutes_before"]),
                                    zone=p.zone, zone_name=p.settings.timezone, to=to,
                                    sender=self.sender, now=now)
            self.mailer.send(email)
        except Exception:
            log.exception("sending a reminder failed; it will be retried")
            self.storage.restore_due(p.pk, p.sk, new_sk, p.raw)
            return "failed", p.due_at
        return "sent", p.due_at


@dataclass
class _Plan:
    raw: dict[str, Any]
    pk: str
    sk: str
    sub: str
    due_sk: str
    due_at: datetime
    next_due: Due | None
    master: Event | None
    overrides: list[Event]
    info: dict[str, Any]
    settings: wire.SettingsWire
    zone: tzinfo


def _event(doc: dict[str, Any]) -> Event | None:
    try:
        return wire.event_from_wire(wire.EventWire.model_validate(doc))
    except (ValidationError, ValueError):
        return None


class _RunCache:
    """Per-run lookups shared by the worker threads."""

    def __init__(self, storage: Storage, users: UserDirectory) -> None:
        self.storage = storage
        self.users = users
        self._lock = threading.Lock()
        self._settings: dict[str, wire.SettingsWire] = {}
        self._emails: dict[str, str | None] = {}

    def settings(self, sub: str) -> wire.SettingsWire:
        with self._lock:
            if sub in self._settings:
                return self._settings[sub]
        data = self.storage.get_settings(sub)
        s = wire.SettingsWire.model_validate(data) if data else wire.SettingsWire()
        with self._lock:
            self._settings[sub] = s
        return s

    def email(self, sub: str) -> str | None:
        with self._lock:
            if sub in self._emails:
                return self._emails[sub]
        address = self.users.email_of(sub)
        with self._lock:
            self._emails[sub] = address
        return address

    def overrides(self, sub: str, uid: str) -> list[Event]:
        out = []
        for s in self.storage.series_members(sub, uid):
            if s.deleted or not s.doc.get("recurrence_id"):
                continue
            ev = _event(s.doc)
            if ev is not None:
                out.append(ev)
        return out

