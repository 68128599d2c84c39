"""The email reminder dispatcher (EventBridge, every minute).

One run (docs/cloud.md, "The reminder dispatcher"):

1. **Scan and claim.** From the minute after the mark (the last minute whose
   due buckets are all claimed) towards now, query every shard of a few
   minutes at a time and *lease* what is due: a conditional write moves each
   reminder into its shard's lease bucket, claimable again when the lease
   runs out (of two concurrent runs exactly one wins). Claiming needs no
   planning, so it is cheap; scanning stops after ``scan_seconds`` (at least
   one batch of minutes is done), and catch-up after an outage of any length
   moves forward by about 2,000 minutes a run until it reaches the present.
2. **Move the mark** past every minute whose reminders are all leased, before
   sending anything: a run that dies later loses nothing (its leases stay).
3. **Send** the fresh reminders, oldest first, on ``workers`` threads, each
   with its own budget (``item_budget``): reading the event, planning its
   next reminder and rendering the email run under a watchdog; one that
   raises or runs over the budget is *parked* with its reason (no email; it
   waits in ``PARKED`` until the event is written again) and counted, and the
   others go on. Sent, or skipped (over an hour late, emails off, no
   address): the lease is finished and the event moves on to its next due.
   A send that fails is given back for the next run; what the run had no
   time for (``run_seconds``) is given back after the others.
4. **Retry** the leases that ran out (a run died) or were given back: 25 at
   a time, claimed and sent like fresh ones, only while the run has time.

Never lost: a reminder leaves its minute only into a lease, and a lease
leaves only as "sent", "skipped" or "parked". Duplicates are possible only
when a run dies between SES accepting a message and the lease being marked
finished: the lease runs out and the reminder is sent again (once per such
crash).
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aurora_cloud.reminders import schedule
from aurora_cloud.reminders.render import Email, render_reminder
from aurora_cloud.storage import Due, Storage
from aurora_cloud.storage.keys import due_bucket, parse_iso, user_of
from aurora_core import custom_zones, wire
from aurora_core.model import Event, ValidationError
from aurora_core.times import DisplayZone

if TYPE_CHECKING:
    from aurora_cloud.settings import Settings

log = logging.getLogger("aurora.dispatcher")
T = TypeVar("T")


CLAIM_CHUNK = 25  # reminders claimed per transaction
RELEASE_SECONDS = 8.0  # after the run's time: for giving back what it did not start
SCAN_MINUTES = 3  # minutes whose buckets are queried (in parallel) before claiming


class Mailer(Protocol):
    def send(self, email: Email) -> None:
        """Send ``email``; raise on failure."""


class UserDirectory(Protocol):
    def email_of(self, sub: str) -> str | None:
        """The user's verified email address, or None."""


class SesMailer:
    """Sends through SES SendEmail (SES builds the text + HTML alternative)."""

    def __init__(self, client: Any, configuration_set: str | None = None) -> None:
        self.client = client
        self.configuration_set = configuration_set  # its bounces reach the suppression list

    def send(self, email: Email) -> None:
        body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        if email.html is not None:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        extra = {"ConfigurationSetName": self.configuration_set} if self.configuration_set \
            else {}
        self.client.send_email(
            Source=email.from_header, Destination={"ToAddresses": [email.to]},
            Message={"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body},
            **extra)


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


class OverBudget(Exception):
    """A reminder's planning or rendering ran over its budget."""


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


class Watchdog:
    """Interrupts a call that outlives its budget: raises :class:`OverBudget` in its
    thread (at the next Python instruction; a long C call is caught when it returns,
    by the time check around the call).

    One watcher thread for all calls; a call that ends just as its budget runs out
    clears the exception before it can land anywhere else.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread id)
        self._fired: set[int] = set()
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._wake_at = 0.0  # when the watcher wakes up next (monotonic)

    def call(self, fn: Callable[[], T], seconds: float) -> T:
        thread_id = threading.get_ident()
        start = time.monotonic()
        with self._cond:
            token = next(self._tokens)
            self._armed[token] = (start + seconds, thread_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True,
                                                name="aurora-dispatcher-watchdog")
                self._thread.start()
            if start + seconds < self._wake_at:  # the watcher sleeps past this deadline
                self._cond.notify()
        fired = False
        try:
            try:
                result = fn()
            finally:
                fired = self._disarm(token, thread_id)
        except OverBudget:
            fired = True
        if fired or time.monotonic() - start > seconds:
            raise OverBudget(f"planning and rendering took over its budget of {seconds:g} s")
        return result

    def _disarm(self, token: int, thread_id: int) -> bool:
        with self._cond:
            self._armed.pop(token, None)
            if token not in self._fired:
                return False
            self._fired.discard(token)
            _async_raise(thread_id, None)  # not raised yet: never will be
            return True

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, thread_id) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        self._fired.add(token)
                        _async_raise(thread_id, OverBudget)
                wait = max(min((d for d, _ in self._armed.values()), default=now + 60) - now,
                           0.001)
                self._wake_at = now + wait
                self._cond.wait(timeout=wait)


WATCHDOG = Watchdog()


@dataclass
class RunReport:
    minutes: int = 0  # minutes scanned (and, but for the current one, done)
    found: int = 0  # due reminders found in them
    retried: int = 0  # leases claimed again (given back, or ran out)
    lease_expired: int = 0  # of which ran out without being given back (a run died)
    sent: int = 0
    skipped: int = 0  # not emailed (over an hour late, emails off, no address)
    lost_race: int = 0  # another run claimed it first
    failed: int = 0  # the send (or a read) failed: given back, retried next run
    parked: int = 0  # failed or over budget while planning or rendering: parked
    deferred: int = 0  # the run's time was up: given back
    waiting: int = 0  # leases due again that the run had no time to claim
    behind_minutes: int = 0  # minutes between the mark and now after this run
    lag_seconds: float = 0.0  # age of the oldest reminder not done (minute not done, given back)
    parked_reasons: list[str] = field(default_factory=list)


def _floor_minute(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass
class _Leased:
    raw: dict[str, Any]  # the item as the query read it
    pk: str
    sk: str
    lease_sk: str
    reminder_sk: str  # the reminder's own due_sk
    due_at: datetime


class Dispatcher:
    def __init__(self, storage: Storage, mailer: Mailer, users: UserDirectory, *,
                 sender: str, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 workers: int = 8, stale_after: timedelta = timedelta(hours=1),
                 lease: timedelta = timedelta(minutes=3), item_budget: float = 1.0,
                 run_seconds: float = 45.0, scan_seconds: float = 20.0,
                 settings: Settings | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 suppressed: Callable[[str], bool] | None = None) -> None:
        self.storage = storage
        self.mailer = mailer
        self.users = users
        self.sender = sender
        self.clock = clock
        self.workers = workers
        self.stale_after = stale_after
        self.lease = lease
        self.item_budget = item_budget
        self.run_seconds = run_seconds
        self.scan_seconds = scan_seconds
        self.monotonic = monotonic
        self.suppressed = suppressed  # aurora_cloud.suppression: bounced or complained
        if settings is not None:
            self.workers = settings.workers
            self.lease = timedelta(seconds=settings.lease_seconds)
            self.item_budget = settings.item_budget_seconds
            self.run_seconds = settings.run_seconds
            self.scan_seconds = settings.scan_seconds
        self.planner = schedule.next_email_due  # tests replace it (slow, raising)
        self._report_lock = threading.Lock()
        self.watchdog = WATCHDOG

    def run(self, *, seconds: float | None = None) -> RunReport:
        """One run; ``seconds``: the time it may take (the Lambda's remaining time)."""
        started = self.monotonic()
        budget = self.run_seconds if seconds is None else min(self.run_seconds, seconds)
        run_end = started + budget
        scan_end = started + min(self.scan_seconds, budget)
        now = self.clock()
        this_minute = _floor_minute(now)
        mark = self.storage.dispatcher_mark()
        first = this_minute - timedelta(minutes=1) if mark is None else \
            _floor_minute(mark) + timedelta(minutes=1)
        report = RunReport()
        lease_until = now + self.lease
        cache = _RunCache(self.storage, self.users)
        with ThreadPoolExecutor(max(1, self.workers)) as pool:
            fresh, done_through = self._scan(first, this_minute, now, lease_until, scan_end,
                                             pool, report)
            if done_through is not None:
                self.storage.set_dispatcher_mark(done_through)
            last_done = done_through if done_through is not None else \
                first - timedelta(minutes=1)
            report.behind_minutes = max(0, int((this_minute - last_done).total_seconds()
                                               // 60) - 1)
            expired = self._expired_leases(now, pool, report)
            # Fresh reminders first: a lease that keeps dying never holds up new ones.
            work = sorted(fresh, key=lambda it: it.due_at)
            outcomes = list(pool.map(lambda it: self._process(it, now, cache, run_end), work))
            self._give_back([it for it, (outcome, _) in zip(work, outcomes, strict=True)
                             if outcome == "deferred"], now, run_end + RELEASE_SECONDS, pool)
            results = [(it.due_at, outcome, reason)
                       for it, (outcome, reason) in zip(work, outcomes, strict=True)]
            # Then the leases that ran out or were given back, claimed 25 at a time only
            # while there is time to send them (the rest stay due for the next run).
            chunks = [expired[i:i + CLAIM_CHUNK] for i in range(0, len(expired), CLAIM_CHUNK)]
            for part in pool.map(lambda chunk: self._retry_chunk(
                    chunk, now, lease_until, cache, run_end, report), chunks):
                results.extend(part)
        oldest = last_done + timedelta(minutes=1)  # the oldest minute not done yet
        for due_at, outcome, reason in results:
            setattr(report, outcome, getattr(report, outcome) + 1)
            if reason:
                report.parked_reasons.append(reason)
            if outcome in ("failed", "deferred", "waiting"):
                oldest = min(oldest, due_at)
        report.lag_seconds = max(0.0, (now - oldest).total_seconds())
        log.info("dispatch run", extra={"report": report.__dict__})
        return report

    # -- 1. scan and claim ------------------------------------------------

    def _scan(self, first: datetime, this_minute: datetime, now: datetime,
              lease_until: datetime, scan_end: float, pool: ThreadPoolExecutor,
              report: RunReport) -> tuple[list[_Leased], datetime | None]:
        leased: list[_Leased] = []
        done: datetime | None = None
        minute = first
        while minute <= this_minute:
            if done is not None and self.monotonic() >= scan_end:
                break
            batch: list[datetime] = []
            while minute <= this_minute and len(batch) < SCAN_MINUTES:
                batch.append(minute)
                minute += timedelta(minutes=1)
            buckets = [due_bucket(m, shard) for m in batch
                       for shard in range(self.storage.due_shards)]
            try:
                found = list(pool.map(lambda b: self.storage.due_in_bucket(b, now), buckets))
                items = [raw for part in found for raw in part]
                report.found += len(items)
                leased += self._claim(items, lease_until, pool, report,
                                      reminder_sk=lambda raw: str(raw["due_sk"]["S"]))
            except Exception:
                log.exception("scanning due reminders failed; the next run goes on")
                break
            report.minutes += len(batch)
            through = min(batch[-1], this_minute - timedelta(minutes=1))  # now's goes on
            if through >= first:
                done = through
                if minute <= this_minute:  # more batches to scan: keep what is done
                    self.storage.set_dispatcher_mark(done)
        return leased, done

    def _claim(self, items: list[dict[str, Any]], lease_until: datetime,
               pool: ThreadPoolExecutor, report: RunReport,
               reminder_sk: Callable[[dict[str, Any]], str]) -> list[_Leased]:
        chunks = [items[i:i + CLAIM_CHUNK] for i in range(0, len(items), CLAIM_CHUNK)]

        def claim(chunk: list[dict[str, Any]]) -> list[str | None]:
            return self.storage.claim_leases(
                [(raw["PK"]["S"], raw["SK"]["S"], raw["due_sk"]["S"], reminder_sk(raw))
                 for raw in chunk], lease_until)

        out = []
        for chunk, leases in zip(chunks, pool.map(claim, chunks), strict=True):
            for raw, lease_sk in zip(chunk, leases, strict=True):
                if lease_sk is None:
                    report.lost_race += 1
                    continue
                rsk = reminder_sk(raw)
                out.append(_Leased(raw, raw["PK"]["S"], raw["SK"]["S"], lease_sk, rsk,
                                   parse_iso(rsk.split("#", 1)[0])))
        return out

    # -- 3. leases that ran out --------------------------------------------

    def _expired_leases(self, now: datetime, pool: ThreadPoolExecutor,
                        report: RunReport) -> list[dict[str, Any]]:
        """Leases due again (ran out, or given back), oldest reminder first."""
        try:
            found = list(pool.map(lambda b: self.storage.due_in_bucket(b, now),
                                  self.storage.lease_buckets()))
        except Exception:
            log.exception("reading expired leases failed; the next run goes on")
            return []
        items = [raw for part in found for raw in part if "lease_of" in raw]
        report.lease_expired += sum(1 for raw in items if "released" not in raw)
        items.sort(key=lambda raw: str(raw["lease_of"]["S"]))
        return items

    def _retry_chunk(self, chunk: list[dict[str, Any]], now: datetime,
                     lease_until: datetime, cache: _RunCache, run_end: float,
                     report: RunReport) -> list[tuple[datetime, str, str]]:
        """Claim and send up to 25 expired leases (one worker, in order)."""
        def due_at(raw: dict[str, Any]) -> datetime:
            return parse_iso(str(raw["lease_of"]["S"]).split("#", 1)[0])

        if self.monotonic() >= run_end:
            return [(due_at(raw), "waiting", "") for raw in chunk]
        try:
            leases = self.storage.claim_leases(
                [(raw["PK"]["S"], raw["SK"]["S"], raw["due_sk"]["S"], raw["lease_of"]["S"])
                 for raw in chunk], lease_until)
        except Exception:
            log.exception("claiming expired leases failed; the next run goes on")
            return [(due_at(raw), "waiting", "") for raw in chunk]
        out: list[tuple[datetime, str, str]] = []
        deferred: list[_Leased] = []
        for raw, lease_sk in zip(chunk, leases, strict=True):
            if lease_sk is None:
                out.append((due_at(raw), "lost_race", ""))
                continue
            with self._report_lock:
                report.retried += 1
            it = _Leased(raw, raw["PK"]["S"], raw["SK"]["S"], lease_sk,
                         str(raw["lease_of"]["S"]), due_at(raw))
            outcome, reason = self._process(it, now, cache, run_end)
            if outcome == "deferred":
                deferred.append(it)
            out.append((it.due_at, outcome, reason))
        if deferred:
            try:
                self.storage.release_leases([(it.pk, it.sk, it.lease_sk) for it in deferred],
                                            now)
            except Exception:
                log.exception("giving leases back failed; they run out by themselves")
        return out

    def _give_back(self, items: list[_Leased], now: datetime, until: float,
                   pool: ThreadPoolExecutor) -> None:
        """Give back what the run had no time for (25 a transaction), so the next run
        sends it; what is still left when ``until`` comes waits for its lease."""
        chunks = [items[i:i + CLAIM_CHUNK] for i in range(0, len(items), CLAIM_CHUNK)]

        def release(chunk: list[_Leased]) -> None:
            if self.monotonic() >= until:
                return
            try:
                self.storage.release_leases([(it.pk, it.sk, it.lease_sk) for it in chunk], now)
            except Exception:
                log.exception("giving leases back failed; they run out by themselves")

        list(pool.map(release, chunks))

    # -- 4. one reminder ----------------------------------------------------

    def _process(self, it: _Leased, now: datetime, cache: _RunCache,
                 run_end: float) -> tuple[str, str]:
        try:
            if self.monotonic() >= run_end:
                return "deferred", ""  # given back after the others, in batches
            return self._one(it, now, cache)
        except Exception:  # a read, the send or a write failed: the lease says what's next
            log.exception("a reminder failed; it will be retried")
            try:
                self.storage.release_lease(it.pk, it.sk, it.lease_sk, now)
            except Exception:
                log.exception("giving a lease back failed; it runs out by itself")
            return "failed", ""

    def _one(self, it: _Leased, now: datetime, cache: _RunCache) -> tuple[str, str]:
        sub = user_of(it.pk)
        # An event in a zone a file defined: its stored definition, registered here for
        # the threads the work runs on (docs/import.md).
        token = custom_zones.resolver.set(functools.partial(self.storage.get_zone, sub))
        try:
            zone_name = json.loads(it.raw["doc"]["S"]).get("timezone")
            if isinstance(zone_name, str) and custom_zones.is_custom(zone_name):
                custom_zones.lookup(zone_name)
        except Exception:  # unreadable: the event fails to decode below and is parked
            pass
        try:
            return self._one_in_zones(it, now, cache, sub)
        finally:
            custom_zones.resolver.reset(token)

    def _one_in_zones(self, it: _Leased, now: datetime, cache: _RunCache,
                      sub: str) -> tuple[str, str]:
        settings = cache.settings(sub)
        spent = 0.0

        def guarded(fn: Callable[[], T]) -> T:
            nonlocal spent
            t0 = time.monotonic()  # the budget is real time, as the watchdog's
            try:
                return self.watchdog.call(fn, max(self.item_budget - spent, 0.001))
            finally:
                spent += time.monotonic() - t0

        def park(exc: Exception) -> tuple[str, str]:
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("parked a reminder", extra={"pk": it.pk, "sk": it.sk,
                                                     "reason": reason})
            self.storage.park_lease(it.pk, it.sk, it.lease_sk, reason, now)
            return "parked", reason

        # Reads (settings, overrides, the address) are outside the budget: a failed
        # read is given back and retried; what the budget guards is our own work.
        try:
            master = guarded(lambda: _event(json.loads(it.raw["doc"]["S"])))
            if master is None:
                raise ValueError("the stored event does not validate")
            zone = DisplayZone.named(settings.timezone)
            info = json.loads(it.raw["due_info"]["S"])
        except Exception as exc:  # OverBudget too
            return park(exc)
        overrides = cache.overrides(sub, master.uid) if master.is_recurring else []
        try:
            next_due = guarded(lambda: self.planner(master, overrides, it.due_at, zone.tz))
        except Exception as exc:
            return park(exc)
        why = "stale" if now - it.due_at > self.stale_after else \
            "emails off" if not settings.reminder_email else ""
        to = cache.email(sub) if not why else None
        if to and self.suppressed is not None and cache.suppressed(to, self.suppressed):
            to = None  # it bounced or complained: never mailed again (skipped)
        email = None
        if not why and to:
            try:
                email = guarded(lambda: self._render(master, overrides, info, zone, settings,
                                                     to, now))
            except Exception as exc:
                return park(exc)
        if email is None:
            self._finish(it, next_due, None)
            return "skipped", ""
        self.mailer.send(email)
        # SES has the message; until the lease is finished, a crash means it goes again.
        self._finish(it, next_due, now)
        return "sent", ""

    def _render(self, master: Event, overrides: list[Event], info: dict[str, Any],
                zone: DisplayZone, settings: wire.SettingsWire, to: str, now: datetime) -> Email:
        event = master
        if info.get("event_id") and info["event_id"] != master.id:
            event = next((o for o in overrides if o.id == info["event_id"]), master)
        start = wire.parse_time(info["start"], all_day=event.all_day,
                                timezone=getattr(event.start, "tz", None))
        return render_reminder(event, start, minutes_before=int(info["minutes_before"]),
                               zone=zone, to=to,
                               sender=self.sender, now=now)

    def _finish(self, it: _Leased, next_due: Due | None, sent_at: datetime | None) -> None:
        for attempt in range(3):
            try:
                self.storage.finish_lease(it.pk, it.sk, it.lease_sk, next_due, sent_at)
                return
            except Exception:
                if attempt == 2:
                    log.exception("marking a reminder done failed; its lease will run out "
                                  "and it is sent again")
                    return
                time.sleep(0.05 * (attempt + 1))


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
        self._suppressed: dict[str, bool] = {}

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

    def suppressed(self, address: str, check: Callable[[str], bool]) -> bool:
        with self._lock:
            if address in self._suppressed:
                return self._suppressed[address]
        listed = check(address)
        with self._lock:
            self._suppressed[address] = listed
        return listed

    def overrides(self, sub: str, uid: str) -> list[Event]:
        out = []
        for s in self.storage.series_members(sub, uid):
            if s.deleted or not s.doc.get("recurrence_id"):
                continue
            ev = _event(s.doc)
            if ev is not None:
                out.append(ev)
        return out
