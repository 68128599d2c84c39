"""The reminder engine: planner + persisted state + delivery, without Qt.

:class:`ReminderEngine` is driven by :meth:`ReminderEngine.check`: the Qt
scheduler calls it when the next reminder falls due, every minute, and after
store changes; tests call it directly with a fake clock.

Guarantees:
- A reminder is recorded as ``fired`` in the store (one transaction) *before*
  the notifier shows it, so a crash after showing never shows it again, and
  a crash before recording shows it (once) at the next start.
- The watermark (the instant up to which reminders have been delivered) is
  saved only after the states: reminders due after it are "missed" at the
  next start or wake and are delivered exactly once.
- While paused, nothing is delivered and the watermark stays put; what fell
  due meanwhile is delivered when the pause ends.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from aurora_desktop.store import ChangeNotice, ReminderState, Store

from .planner import (
    DEFAULT_HORIZON,
    DEFAULT_LOOKBACK,
    MAX_SNOOZE,
    Decision,
    Delivery,
    DueReminder,
    Planner,
    ReminderKey,
    WindowPlan,
    decide,
)

__all__ = [
    "FileWatermark",
    "MemoryWatermark",
    "PendingReminder",
    "PlanJob",
    "PlanRunner",
    "ReminderEngine",
    "Watermark",
]

log = logging.getLogger("aurora.reminders")

REBUILD_AFTER = 200  # changed events beyond which a full re-plan is cheaper


class Watermark(Protocol):
    """Where the engine keeps "reminders were delivered up to this instant"."""

    def load(self) -> datetime | None: ...

    def save(self, at: datetime) -> None: ...


class MemoryWatermark:
    def __init__(self, at: datetime | None = None) -> None:
        self.at = at

    def load(self) -> datetime | None:
        return self.at

    def save(self, at: datetime) -> None:
        self.at = at


class FileWatermark:
    """A watermark in a small JSON file, replaced atomically.

    It is per machine on purpose (it says what *this* desktop watched), so it
    lives next to the store rather than in it (the store would sync it).
    An unreadable file counts as no watermark (as on a first run).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last: datetime | None = None

    def load(self) -> datetime | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            at = datetime.fromisoformat(data["watched_until"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

    def save(self, at: datetime) -> None:
        if self._last is not None and abs(at - self._last) < timedelta(seconds=1):
            return
        text = json.dumps({"watched_until": at.astimezone(UTC).isoformat()})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".watermark", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:  # the disk: keep running, missed ones may show again late
            log.warning("cannot save the reminder watermark %s: %s", self.path, exc)
            return
        self._last = at


@dataclass(frozen=True, slots=True)
class PendingReminder:
    """A row of the reminder window.

    ``missed``: delivered late (this session); ``earlier``: shown in an
    earlier session and still neither dismissed nor snoozed.
    """

    reminder: DueReminder
    missed: bool
    earlier: bool = False

    @property
    def key(self) -> ReminderKey:
        return self.reminder.key


class DeliverySink(Protocol):
    def notify(self, deliveries: Sequence[Delivery]) -> None: ...


PlanJob = Callable[[Store], WindowPlan]
# Runs a plan job elsewhere (a worker thread with its own Store on the same file), then
# calls back on the engine's thread with the plan or the exception.
PlanRunner = Callable[[PlanJob, Callable[[WindowPlan], None],
                       Callable[[BaseException], None]], None]


class ReminderEngine:
    """Plans, delivers and records desktop reminders. Use it from one thread.

    ``on_pending``: called with the full pending list and the new deliveries
    whenever either changes. ``on_dirty``: called when the store changed and
    a :meth:`check` is wanted soon (the scheduler defers one; tests call
    :meth:`check` themselves).

    ``plan_runner``: where the planner's full re-read of the window runs (the
    window's ops run it on a worker thread). Without one it runs inside
    :meth:`check`. With one, a check that needs it starts it and decides
    nothing until its plan is in (deciding on an outdated plan could deliver a
    reminder of an event deleted meanwhile); the plan arriving asks for a check
    (``on_dirty``), and events changed while it was read are re-read then.
    """

    def __init__(
        self,
        store: Store,
        notifier: DeliverySink,
        *,
        local_tz: tzinfo,
        clock: Callable[[], datetime] | None = None,
        watermark: Watermark | None = None,
        lookback: timedelta = DEFAULT_LOOKBACK,
        horizon: timedelta = DEFAULT_HORIZON,
        on_pending: Callable[[list[PendingReminder], list[Delivery]], None] | None = None,
        on_dirty: Callable[[], None] | None = None,
        plan_runner: PlanRunner | None = None,
    ) -> None:
        self.store = store
        self.plan_runner = plan_runner
        self._planning = False  # a plan job is out with the runner
        self.notifier = notifier
        self.clock = clock or store.now
        self.watermark = watermark or MemoryWatermark()
        self.planner = Planner(store, local_tz, lookback=lookback, horizon=horizon)
        self.on_pending = on_pending
        self.on_dirty = on_dirty
        self.paused_until: datetime | None = None
        self.next_wakeup: datetime | None = None
        self.last_decision = Decision()
        self._pending: dict[ReminderKey, PendingReminder] = {}
        self._missed: set[ReminderKey] = set()  # delivered late, this session
        self._shown: set[ReminderKey] = set()  # delivered this session
        self._dirty_ids: set[str] = set()
        self._full = True
        self._writing = False
        self._housekept: datetime | None = None
        self._closed = False
        # Writes by other connections (the window's import worker, `aurora import` in a
        # terminal) send no notice to this store's listeners: we compare versions.
        self._store_version = store.data_version()
        store.subscribe(self._on_store_change)

    def close(self) -> None:
        """Stop reacting to the store and drop the callbacks: a closed engine stays
        subscribed and ignores the store's notices."""
        self._closed = True
        self.on_dirty = None
        self.on_pending = None

    # ----------------------------------------------------------- settings

    @property
    def lookback(self) -> timedelta:
        return self.planner.lookback

    def set_lookback(self, lookback: timedelta) -> None:
        self.planner.lookback = lookback
        self.replan()

    def set_local_tz(self, tz: tzinfo) -> None:
        """The system zone changed: all-day and floating reminders move with it."""
        self.planner.local_tz = tz
        self.replan()

    def replan(self) -> None:
        """Re-read the whole window at the next check (clock jump, wake, zone change)."""
        self._full = True
        self._wanted()

    def pause(self, until: datetime) -> None:
        """Hold deliveries until ``until``; they are delivered (as missed) afterwards."""
        self.paused_until = until
        self._wanted()

    def resume(self) -> None:
        self.paused_until = None
        self._wanted()

    def is_paused(self, now: datetime | None = None) -> bool:
        return self.paused_until is not None and (now or self.clock()) < self.paused_until

    # -------------------------------------------------------------- store

    def _on_store_change(self, notice: ChangeNotice) -> None:
        if self._writing or self._closed:
            return
        if notice.calendar_ids and not notice.event_ids:
            self._full = True
        self._dirty_ids |= notice.event_ids
        if len(self._dirty_ids) > REBUILD_AFTER:
            # An import or a big sync: one pass over the window beats series by series.
            self._full = True
            self._dirty_ids.clear()
        # reminder_state from elsewhere (sync): the next check re-reads the states.
        self._wanted()

    def _wanted(self) -> None:
        if self.on_dirty is not None:
            self.on_dirty()

    # -------------------------------------------------------------- check

    def check(self) -> Decision:
        """Bring the plan up to date and deliver whatever is due now.

        Returns the decision; :attr:`next_wakeup` says when to check again.
        """
        now = self.clock()
        planner = self.planner
        version = self.store.data_version()
        if version != self._store_version:
            self._store_version = version
            self._full = True
        if self._full or planner.needs_rebuild(now):
            if self.plan_runner is not None:
                self._plan_elsewhere(now)
                return self.last_decision  # decided when the plan is in
            planner.rebuild(now)
            self._full = False
            self._dirty_ids.clear()
            self._housekeep(now)
        elif self._dirty_ids:
            ids, self._dirty_ids = self._dirty_ids, set()
            planner.update(ids)
        states = self.store.reminder_states()
        d = decide(planner.reminders(), states, now, self.watermark.load(), planner.lookback)
        paused = self.is_paused(now)
        if paused:
            held = d.deliver
            d.deliver = []
        if d.deliver:
            self._record(d.deliver, now)
        new = list(d.deliver)
        previous = self._pending
        pending: dict[ReminderKey, PendingReminder] = {}
        for dl in new:
            self._shown.add(dl.reminder.key)
            if dl.missed:
                self._missed.add(dl.reminder.key)
        for r in d.listed:
            pending[r.key] = PendingReminder(r, r.key in self._missed,
                                             earlier=r.key not in self._shown)
        for dl in new:
            pending[dl.reminder.key] = PendingReminder(dl.reminder, dl.missed)
        self._pending = dict(sorted(pending.items(), key=lambda kv: (kv[1].reminder.due,
                                                                    kv[1].reminder.title)))
        if new:
            try:
                self.notifier.notify(new)
            except Exception:  # a broken notifier must not lose the window or the plan
                log.exception("the notifier failed; the reminders stay in the reminder window")
        if not paused:
            self.watermark.save(now)
        wake = [t for t in (d.next_due, planner.window[1] - planner.horizon / 2) if t is not None]
        if paused:
            assert self.paused_until is not None
            wake.append(self.paused_until)
            if held:
                log.info("%d reminder(s) held while paused", len(held))
        self.next_wakeup = min(wake) if wake else None
        self.last_decision = d
        if self.on_pending is not None and (new or previous != self._pending):
            self.on_pending(self.pending(), new)
        return d

    def _plan_elsewhere(self, now: datetime) -> None:
        """Hand the window's full re-read to :attr:`plan_runner` (once at a time). What
        changed before this moment is in the store it reads; what changes while it reads
        stays in ``_dirty_ids``, re-read incrementally once the plan is in."""
        if self._planning:
            return
        assert self.plan_runner is not None
        self._planning = True
        self._full = False
        self._dirty_ids.clear()
        self.plan_runner(self.planner.plan_job(now), self._plan_ready, self._plan_failed)

    def _plan_ready(self, plan: WindowPlan) -> None:
        self._planning = False
        if self._closed:
            return
        self.planner.apply(plan)
        self._housekeep(plan.built_at)
        self._wanted()

    def _plan_failed(self, exc: BaseException) -> None:
        self._planning = False
        self._full = True  # the next check (a minute's tick at most) tries again
        log.error("re-planning reminders failed; trying again at the next check",
                  exc_info=exc)

    def _record(self, deliveries: Sequence[Delivery], now: datetime) -> None:
        states = [ReminderState(dl.reminder.occurrence_key, dl.reminder.reminder, "fired",
                                dl.reminder.due, None) for dl in deliveries]
        self._write(states)

    def _write(self, states: Sequence[ReminderState]) -> None:
        self._writing = True
        try:
            self.store.set_reminder_states(states)
        finally:
            self._writing = False

    def _housekeep(self, now: datetime) -> None:
        if self._housekept is not None and now - self._housekept < timedelta(hours=12):
            return
        self._housekept = now
        # Older than anything the planner looks at: no longer needed.
        self.store.forget_reminder_states(now - self.planner.back - timedelta(days=2))

    # ------------------------------------------------------------ actions

    def pending(self) -> list[PendingReminder]:
        """The reminder window's rows, by due time."""
        return list(self._pending.values())

    def _targets(self, keys: Iterable[ReminderKey]) -> list[DueReminder]:
        return [self._pending[k].reminder for k in keys if k in self._pending]

    def snooze(self, keys: Iterable[ReminderKey], delay: timedelta) -> int:
        """Snooze pending reminders for ``delay``; they fire again then. Returns how many."""
        if not timedelta(0) < delay <= MAX_SNOOZE:
            raise ValueError("a snooze lasts more than nothing and at most a week")
        until = self.clock() + delay
        targets = self._targets(keys)
        self._write([ReminderState(r.occurrence_key, r.reminder, "snoozed", r.due, until)
                     for r in targets])
        self._drop(targets)
        return len(targets)

    def dismiss(self, keys: Iterable[ReminderKey]) -> int:
        """Dismiss pending reminders for good (this occurrence at this time). Returns how many."""
        targets = self._targets(keys)
        self._write([ReminderState(r.occurrence_key, r.reminder, "dismissed", r.due, None)
                     for r in targets])
        self._drop(targets)
        return len(targets)

    def dismiss_all(self) -> int:
        return self.dismiss(list(self._pending))

    def _drop(self, targets: Sequence[DueReminder]) -> None:
        if not targets:
            return
        for r in targets:
            self._pending.pop(r.key, None)
            self._missed.discard(r.key)
        if self.on_pending is not None:
            self.on_pending(self.pending(), [])
        self._wanted()  # a snooze needs the next wake-up moved

    def upcoming(self, limit: int = 1) -> list[DueReminder]:
        """The next reminders still to fall due (for the tray tooltip)."""
        now = self.clock()
        states = self.store.reminder_states()
        rs = [r for r in self.planner.reminders()
              if r.due > now and (r.key not in states or states[r.key].due != r.due)]
        rs.sort(key=lambda r: r.due)
        return rs[:limit]
