"""Arms the reminder engine in the Qt event loop with APScheduler's QtScheduler.

- :class:`GuiThreadScheduler` is a QtScheduler whose jobs run on the GUI
  thread (the debug executor runs them inline in the scheduler's wake-up,
  which the QTimer delivers on the GUI thread) and whose wake-ups use one
  precise QTimer (PySide6's ``QTimer.singleShot`` returns None, so the stock
  QtScheduler can neither stop nor replace its timer; and a coarse timer may
  be 5 % late, three seconds on a one-minute wait).
- :class:`ReminderScheduler` keeps one APScheduler job, ``due``, at the
  engine's next wake-up, and a minute tick. The tick compares the wall clock
  with the monotonic clock (a difference means the clock was set or the
  machine slept: re-plan and deliver what was skipped) and the system zone
  with the last one seen (re-plan all-day and floating reminders), then
  checks and re-arms ``due`` from the current wall time. The tick is a
  plain QTimer, not an APScheduler interval job: APScheduler's triggers are
  wall-clock times, so after the clock is set back an hour an interval job
  (and the ``due`` job) would sleep an hour too; a QTimer counts monotonic
  time, so within a minute of any jump ``due`` is armed right again.
  Store changes, snoozes and pauses ask for a check through a zero-delay
  timer, so bursts of changes cost one re-plan and jobs never re-arm from
  inside the scheduler.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.qt import QtScheduler

from aurora_core.model import ValidationError, get_zone
from aurora_desktop.qt import QtCore
from aurora_desktop.systemzone import system_zone_name

from .engine import ReminderEngine

__all__ = ["GuiThreadScheduler", "ReminderScheduler"]

log = logging.getLogger("aurora.reminders")

_MAX_TIMER_MS = 2_147_483_647


class GuiThreadScheduler(QtScheduler):  # type: ignore[misc]  # apscheduler is untyped
    """A QtScheduler that runs jobs on the GUI thread, woken by one precise timer."""

    def __init__(self, **options: Any) -> None:
        self._qtimer = QtCore.QTimer()
        self._qtimer.setSingleShot(True)
        self._qtimer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._qtimer.timeout.connect(self._process_jobs)
        options.setdefault("timezone", UTC)
        options.setdefault("executors", {"default": DebugExecutor()})
        options.setdefault("job_defaults", {"coalesce": True, "max_instances": 1,
                                            "misfire_grace_time": None})
        super().__init__(**options)

    def _start_timer(self, wait_seconds: float | None) -> None:
        self._qtimer.stop()
        if wait_seconds is not None:
            self._qtimer.start(min(max(int(wait_seconds * 1000), 0), _MAX_TIMER_MS))

    def _stop_timer(self) -> None:
        self._qtimer.stop()

    def wakeup(self) -> None:
        self._start_timer(0)


class ReminderScheduler(QtCore.QObject):
    """Drives a :class:`ReminderEngine` from the Qt event loop.

    ``pending_changed(pending, new)`` re-emits the engine's pending list (on
    the GUI thread). ``wall``/``monotonic``/``zone_name`` are injectable for
    tests; the engine's clock decides what is due, the real clock only how
    long to wait.
    """

    pending_changed = QtCore.Signal(object, object)
    replanned = QtCore.Signal(str)  # why: "drift", "zone"
    checked = QtCore.Signal()  # after every successful check

    def __init__(
        self,
        engine: ReminderEngine,
        *,
        tick_seconds: float = 60.0,
        drift_threshold: float = 5.0,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        zone_name: Callable[[], str] = system_zone_name,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.tick_seconds = tick_seconds
        self.drift_threshold = drift_threshold
        self._wall = wall
        self._monotonic = monotonic
        self._zone_name = zone_name
        self._offset = wall() - monotonic()
        self._zone = zone_name()
        self.scheduler = GuiThreadScheduler()
        self.armed_for: datetime | None = None  # engine time of the armed 'due' job
        self.lateness: list[float] = []  # seconds between due and delivery, per 'due' job
        self.checks = 0
        self._ticker = QtCore.QTimer(self)
        self._ticker.setInterval(int(tick_seconds * 1000))
        self._ticker.timeout.connect(self.tick)
        self._soon = QtCore.QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.run_check)
        engine.on_dirty = self.request_check
        engine.on_pending = self._emit_pending

    def _emit_pending(self, pending: list[Any], new: list[Any]) -> None:
        self.pending_changed.emit(pending, new)

    # -------------------------------------------------------------- control

    def start(self) -> None:
        """Start the scheduler, the minute tick, and deliver what is due (or missed) now."""
        self.scheduler.start()
        self._ticker.start()
        self.run_check()

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def shutdown(self) -> None:
        self._ticker.stop()
        self._soon.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def request_check(self) -> None:
        """Check soon (next event-loop turn); many requests make one check."""
        if not self._soon.isActive():
            self._soon.start()

    def run_check(self) -> None:
        """Check now and arm the next wake-up."""
        self.checks += 1
        try:
            self.engine.check()
        except Exception:
            # The store may be locked or the disk full: try again at the next tick.
            log.exception("reminder check failed; retrying at the next tick")
            return
        self._arm(self.engine.next_wakeup)
        self.checked.emit()

    def _arm(self, at: datetime | None) -> None:
        if not self.scheduler.running:
            return
        self.armed_for = at
        if at is None:
            if self.scheduler.get_job("due") is not None:
                self.scheduler.remove_job("due")
            return
        delay = (at - self.engine.clock()).total_seconds()
        run_date = datetime.now(UTC) + timedelta(seconds=max(delay, 0.0))
        self.scheduler.add_job(self._due, "date", run_date=run_date, id="due",
                               replace_existing=True, args=(at,))

    # ----------------------------------------------------------------- jobs

    def _due(self, at: datetime) -> None:
        late = (self.engine.clock() - at).total_seconds()
        self.lateness.append(late)
        del self.lateness[:-100]
        self.request_check()

    def tick(self) -> None:
        """Every minute: notice clock jumps, sleep and zone changes; check anyway."""
        offset = self._wall() - self._monotonic()
        drift = offset - self._offset
        self._offset = offset
        if abs(drift) > self.drift_threshold:
            log.info("wall clock moved %.0f s against the monotonic clock: re-planning", drift)
            self.engine.replan()
            self.replanned.emit("drift")
        zone = self._zone_name()
        if zone != self._zone:
            self._zone = zone
            try:
                self.engine.set_local_tz(get_zone(zone))
            except ValidationError:
                log.warning("system zone %r is unknown; keeping the previous one", zone)
            else:
                self.replanned.emit("zone")
        self.request_check()
