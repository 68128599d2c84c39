"""The reminder service: engine, scheduler, notifier, reminder window and tray, wired.

Built once by the app shell (shell.py). It lives in ui/, above reminders/, because it
drives the reminder window and the tray; reminders/ imports no ui/ (an import contract). The
app supplies what belongs to the main window through callables (open an event, show
a message where there is no tray), so this module does not depend on the main
window's class.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from aurora_core.times import DisplayZone
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.reminders.engine import (
    FileWatermark,
    PendingReminder,
    PlanJob,
    ReminderEngine,
    Watermark,
)
from aurora_desktop.reminders.native import NativeNotifier
from aurora_desktop.reminders.notifier import InWindowNotifier, Notifier, TrayNotifier, describe_time
from aurora_desktop.reminders.planner import DEFAULT_LOOKBACK, Delivery, WindowPlan
from aurora_desktop.reminders.scheduler import ReminderScheduler
from aurora_desktop.store import Store
from aurora_desktop.systemzone import system_zone_name
from aurora_desktop.ui.ops import BackgroundOp, run_on_store
from aurora_desktop.ui.reminder_window import ReminderWindow
from aurora_desktop.ui.tray import AppTray, icon_path

__all__ = ["PAUSE_FOR", "ReminderService", "watermark_path"]

log = logging.getLogger("aurora.reminders")
PAUSE_FOR = timedelta(hours=1)
PLAN_STOP_WAIT_S = 10.0  # at quit, for a plan read on a worker (it takes well under a second)


def watermark_path(data_dir: Path) -> Path:
    return Path(data_dir) / "reminders-watermark.json"


class ReminderService(QtCore.QObject):
    """Desktop reminders for one store.

    ``tray``: the app's tray (None or without icon: messages go to
    ``show_message`` inside the main window). ``open_event(event_id,
    occurrence_start)`` opens an event in the main window. ``notifier``
    overrides the choice (tests pass a recording one). ``native``: reminders
    go to the desktop's notification service first (Snooze for
    ``snooze_delay()``, Dismiss, a click opens the event), the tray or the
    main window only where that fails (docs/reminders.md). ``plan_in_background``:
    the planner's full re-reads of the window (at start, after a clock jump, a zone
    change or a big import: a quarter second with 10,000 events) run on a worker
    thread with a Store of its own (:func:`ui.ops.run_on_store`), so the window
    stays responsive; without it they run on the GUI thread inside each check.
    """

    paused_changed = QtCore.Signal(bool)
    pending_count_changed = QtCore.Signal(int)

    def __init__(
        self,
        store: Store,
        *,
        data_dir: Path | None = None,
        tray: AppTray | None = None,
        show_message: Callable[[str, str], None] | None = None,
        open_event: Callable[[str, datetime], None] | None = None,
        notifier: Notifier | None = None,
        watermark: Watermark | None = None,
        clock: Callable[[], datetime] | None = None,
        zone_name: Callable[[], str] = system_zone_name,
        lookback: timedelta = DEFAULT_LOOKBACK,
        sound: bool = False,
        native: bool = False,
        snooze_delay: Callable[[], timedelta] = lambda: timedelta(minutes=15),
        window_parent: QtWidgets.QWidget | None = None,
        plan_in_background: bool = False,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.tray = tray
        self.sound = sound
        self.open_event = open_event
        self._zone_name = zone_name
        self.native: NativeNotifier | None = None
        self._plan_op: BackgroundOp[WindowPlan] | None = None  # the plan read on a worker
        if notifier is None:
            if tray is not None and tray.icon is not None and tray.icon.supportsMessages():
                notifier = TrayNotifier(tray.icon, self.local_tz, sound=lambda: self.sound)
            else:
                notifier = InWindowNotifier(show_message or (lambda _t, _b: None), self.local_tz,
                                            sound=lambda: self.sound)
            if native:
                self.native = NativeNotifier(
                    notifier, self.local_tz, lambda: self.engine.clock(),
                    snooze_delay=snooze_delay, sound=lambda: self.sound, icon=icon_path(),
                    parent=self)
                notifier = self.native
        if watermark is None:
            base = Path(data_dir) if data_dir is not None else store.path.parent
            watermark = FileWatermark(watermark_path(base))
        local_tz = DisplayZone.named_or_utc(zone_name()).tz
        self.engine = ReminderEngine(store, notifier, local_tz=local_tz, clock=clock,
                                     watermark=watermark, lookback=lookback,
                                     plan_runner=self._run_plan if plan_in_background else None)
        if self.native is not None:
            self.native.snooze_requested.connect(self.snooze)
            self.native.dismiss_requested.connect(self.dismiss)
            self.native.open_requested.connect(self._open)
            self.native.show_all_requested.connect(self.show_window)
        self.scheduler = ReminderScheduler(self.engine, zone_name=zone_name, parent=self)
        self.window = ReminderWindow(window_parent)
        self.window.default_snooze = snooze_delay  # the Snooze menu's default
        self.window.snooze_requested.connect(self.snooze)
        self.window.dismiss_requested.connect(self.dismiss)
        self.window.dismiss_all_requested.connect(self.dismiss_all)
        self.window.open_requested.connect(self._open)
        self.scheduler.pending_changed.connect(self._on_pending)
        # The tooltip's query stays out of the re-plan path: refreshed a moment later.
        self._tooltip_timer = QtCore.QTimer(self)
        self._tooltip_timer.setSingleShot(True)
        self._tooltip_timer.setInterval(700)
        self._tooltip_timer.timeout.connect(self.refresh_tooltip)
        self.scheduler.checked.connect(self._tooltip_timer.start)
        self.scheduler.checked.connect(self._refresh_if_visible)  # "starts in 5 min" ages
        self.scheduler.checked.connect(self._pause_ran_out)
        self._pause_timer = QtCore.QTimer(self)
        self._pause_timer.setSingleShot(True)
        self._pause_timer.timeout.connect(self._pause_over)
        if tray is not None:
            tray.pause_toggled.connect(self.set_paused)
            tray.reminders_requested.connect(self.show_window)

    # ---------------------------------------------------------------- life

    def local_tz(self) -> tzinfo:
        return self.engine.planner.local_tz if hasattr(self, "engine") else \
            DisplayZone.named_or_utc(self._zone_name()).tz

    def _run_plan(self, job: PlanJob, done: Callable[[WindowPlan], None],
                  failed: Callable[[BaseException], None]) -> None:
        # A Store is not thread-safe: the worker reads through its own connection.
        self._plan_op = run_on_store(self, self.store, job, done, failed, name="reminder-plan",
                                     announce=False)  # it only reads

    def start(self) -> None:
        """Arm everything and deliver what is due or was missed while we were away."""
        self.scheduler.start()

    def stop(self) -> None:
        """Stop for good (quit): no more checks, the engine lets go of the store."""
        self.scheduler.shutdown()
        op = self._plan_op
        if op is not None and op.running:  # a plan being read: dropped, its worker waited for
            op.cancel()
            op.wait(PLAN_STOP_WAIT_S)
        self.engine.close()
        if self.native is not None:
            self.native.stop()
        self._pause_timer.stop()
        self._tooltip_timer.stop()
        self.window.hide()

    # ------------------------------------------------------------- actions

    def snooze(self, keys: list[tuple[str, str]], delay: timedelta) -> None:
        self.engine.snooze(keys, delay)

    def dismiss(self, keys: list[tuple[str, str]]) -> None:
        self.engine.dismiss(keys)

    def dismiss_all(self) -> None:
        self.engine.dismiss_all()

    def show_window(self) -> None:
        self._refresh_window()
        self.window.present()

    def set_paused(self, paused: bool) -> None:
        """Pause reminders for :data:`PAUSE_FOR` (True) or resume now (False)."""
        if paused:
            self.pause_until(self.engine.clock() + PAUSE_FOR)
        else:
            self.pause_until(None)

    def pause_until(self, until: datetime | None) -> None:
        """Pause until ``until`` (None or a past instant: resume now)."""
        now = self.engine.clock()
        if until is not None and until > now:
            self.engine.pause(until)
            ms = int((until - now).total_seconds() * 1000)
            self._pause_timer.start(min(ms, 2_147_483_647))
        else:
            until = None
            self.engine.resume()
            self._pause_timer.stop()
        paused = until is not None
        if self.tray is not None:
            self.tray.set_paused(paused)
        self.paused_changed.emit(paused)
        self.refresh_tooltip()

    @property
    def paused_until(self) -> datetime | None:
        return self.engine.paused_until if self.engine.is_paused() else None

    def is_paused(self) -> bool:
        return self.engine.is_paused()

    def _pause_ran_out(self) -> None:
        # The pause timer counts monotonic time: after a sleep the wall clock may be
        # past the pause already; then say so now rather than when the timer fires.
        if self.engine.paused_until is not None and not self.engine.is_paused():
            self.pause_until(None)

    def _pause_over(self) -> None:
        self.set_paused(False)

    def set_sound(self, on: bool) -> None:
        self.sound = bool(on)

    def set_lookback_days(self, days: int) -> None:
        self.engine.set_lookback(timedelta(days=max(0, min(int(days), 60))))

    # ---------------------------------------------------------------- view

    def _on_pending(self, pending: list[PendingReminder], new: list[Delivery]) -> None:
        self.window.set_pending(pending, self.local_tz(), self.engine.clock())
        if self.native is not None:
            self.native.retain([p.key for p in pending])
        self.pending_count_changed.emit(len(pending))
        if new:
            self.window.present()
        elif not pending:
            self.window.hide()

    def _refresh_if_visible(self) -> None:
        if self.window.isVisible():
            self._refresh_window()

    def _refresh_window(self) -> None:
        self.window.set_pending(self.engine.pending(), self.local_tz(), self.engine.clock())

    def _open(self, event_id: str, start: datetime) -> None:
        if self.open_event is not None:
            self.open_event(event_id, start)

    def next_event_text(self) -> str:
        """"Standup — Wed 25 Nov 09:00–09:15" for the next event starting after now.

        Looks 3 hours ahead first, then a day, then a week (a narrow query is
        cheap; this runs after every check).
        """
        now = self.engine.clock()
        tz = self.local_tz()
        for ahead in (timedelta(hours=3), timedelta(days=1), timedelta(days=7)):
            try:
                occs = self.store.occurrences(now, now + ahead, tz)
            except Exception:  # the tooltip must never break a check
                log.exception("cannot read the next event for the tray tooltip")
                return ""
            for occ in occs:
                start = occ.start.instant(tz)
                if start >= now:
                    end = occ.end.instant(tz)
                    when = describe_time(start, end, occ.event.all_day, tz)
                    return f"{occ.event.title} — {when}"
        return ""

    def refresh_tooltip(self) -> None:
        if self.tray is not None:
            self.tray.set_tooltip(self.next_event_text())
