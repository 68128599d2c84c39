"""When the window syncs, and what it shows about it (the Qt glue of aurora_desktop.sync).

Syncs run off the GUI thread through :func:`run_in_background`, each on its
own :class:`Store` connection; the window's store is told what a pull changed
(:meth:`Store.announce`), so views reload and reminders re-plan. Nothing here
ever opens a modal dialog: a background sync only changes the status-bar
indicator.

When: a few seconds after a local edit, every few minutes while the app runs,
at start-up, on wake (the wall clock jumped ahead of the monotonic one), when
the network comes back (Qt's network information, where the platform has
it), after a failed attempt with growing back-off and jitter, and on demand
(View → Sync now). Right before a reminder is due, a pull runs if the last one
is more than a minute old, so a reminder dismissed on another desktop does not
fire here.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aurora_desktop.auth import AccountService, AccountStatus
from aurora_desktop.qt import QtCore, QtNetwork, Signal
from aurora_desktop.store import ChangeNotice, Store
from aurora_desktop.sync import SyncError, SyncReport, account_key, make_engine
from aurora_desktop.ui.ops import BackgroundOp, run_in_background

__all__ = ["SyncController", "SyncOutcome"]

log = logging.getLogger("aurora.sync")

DB_NAME = "aurora.sqlite3"
EDIT_DELAY_MS = 3_000
PERIOD_MS = 5 * 60_000
START_DELAY_MS = 1_500
BACKOFF_MS = (15_000, 30_000, 60_000, 120_000, 300_000, 900_000)
STALE_PULL_S = 60.0
BEFORE_REMINDER_S = 20.0


@dataclass
class SyncOutcome:
    """What one background sync produced (handed to the GUI thread)."""

    report: SyncReport | None
    pending: int = 0
    conflicts: list[Any] = field(default_factory=list)
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)


class SyncController(QtCore.QObject):
    """Runs syncs for the window; ``changed`` after every change of :attr:`state`."""

    changed = Signal()
    synced = Signal(object)  # SyncOutcome, after a sync that completed

    def __init__(self, data_dir: Path, accounts: AccountService, store: Store, *,
                 parent: QtCore.QObject | None = None, clock: Any = time.time,
                 edit_delay_ms: int = EDIT_DELAY_MS, period_ms: int = PERIOD_MS) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.accounts = accounts
        self.store = store
        self.clock = clock
        self.state = "off"          # off | idle | syncing | offline | problem | signed_out
        self.message = ""            # the reason, for the tooltip
        self.last_ok: datetime | None = None
        self.last_pull: float = 0.0  # monotonic
        self.pending = 0
        self.conflicts: list[Any] = []
        self.problems: list[tuple[str, str, str, str]] = []
        self._op: BackgroundOp[SyncOutcome] | None = None
        self._again = False
        self._failures = 0
        self._stopped = False
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._period = QtCore.QTimer(self)
        self._period.setInterval(period_ms)
        self._period.timeout.connect(self.sync_now)
        self._edit_delay = edit_delay_ms
        self._wake = QtCore.QTimer(self)
        self._wake.setInterval(30_000)
        self._wake.timeout.connect(self._check_wake)
        self._wall_mono = (time.time(), time.monotonic())
        self._reminder_timer = QtCore.QTimer(self)
        self._reminder_timer.setSingleShot(True)
        self._reminder_timer.timeout.connect(self._pull_if_stale)
        self.next_reminder: Any = None  # callable -> datetime | None (set by the composition root)
        self._network: Any = None
        self._started = False

    _status_signal = Signal(object)

    # ----------------------------------------------------------------- life

    def start(self) -> None:
        """Begin syncing if an account is signed in (and whenever one signs in later)."""
        self._started = True
        self.store.subscribe(self._on_store_change)
        self.accounts.subscribe(self._status_from_any_thread)
        self._status_signal.connect(self._on_status)
        self._watch_network()
        self._wake.start()
        self._on_status(self.accounts.status())

    def stop(self) -> None:
        self._stopped = True
        for t in (self._timer, self._period, self._wake, self._reminder_timer):
            t.stop()
        if self._op is not None:
            self._op.cancel()
            self._op.wait(10)
        if self._started:
            self.store.unsubscribe(self._on_store_change)

    @property
    def account(self) -> str | None:
        ident = self.accounts.identity
        st = self.accounts.status()
        return account_key(*ident) if ident and st.signed_in else None

    # -------------------------------------------------------------- triggers

    def _status_from_any_thread(self, status: AccountStatus) -> None:
        self._status_signal.emit(status)

    def _on_status(self, status: AccountStatus) -> None:
        if self._stopped:
            return
        if status.signed_in:
            if self.state in ("off", "signed_out"):
                self._set("idle", "")
                self._period.start()
                self.schedule(START_DELAY_MS)
        else:
            self._period.stop()
            self._timer.stop()
            if status.needs_sign_in:
                self._set("signed_out", "The sign-in ended; sign in again to sync. Nothing on "
                                        "this computer is lost.")
            else:
                self._set("off", "")
        self._refresh_counts()

    def _on_store_change(self, notice: ChangeNotice) -> None:
        if notice.remote or self.state in ("off", "signed_out"):
            return
        self._refresh_counts()
        if self.state != "syncing":
            self.schedule(self._edit_delay)
        else:
            self._again = True
        self._arm_reminder_pull()

    def schedule(self, delay_ms: int) -> None:
        """Sync after ``delay_ms`` (an earlier request wins)."""
        if self._stopped or self.account is None:
            return
        remaining = self._timer.remainingTime() if self._timer.isActive() else None
        if remaining is None or delay_ms < remaining:
            self._timer.start(max(0, delay_ms))

    def _check_wake(self) -> None:
        wall, mono = time.time(), time.monotonic()
        then_wall, then_mono = self._wall_mono
        self._wall_mono = (wall, mono)
        if (wall - then_wall) - (mono - then_mono) > 60:
            log.info("sync: the computer woke up")
            self.schedule(2_000)

    def _watch_network(self) -> None:
        info_cls = getattr(QtNetwork, "QNetworkInformation", None)
        if info_cls is None:
            return
        try:
            if not info_cls.loadDefaultBackend():
                return
            info = info_cls.instance()
        except Exception:  # no backend on this platform: back-off covers it
            return
        if info is None:
            return
        self._network = info
        info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: Any) -> None:
        online = getattr(type(reachability), "Online", None)
        if reachability == online and self.state == "offline":
            self.schedule(1_000)

    # ------------------------------------------------------------ reminders

    def _arm_reminder_pull(self) -> None:
        """Pull shortly before the next reminder if the last pull will be stale by then."""
        if self.next_reminder is None or self.account is None:
            return
        due = self.next_reminder()
        if due is None:
            self._reminder_timer.stop()
            return
        wait = (due - datetime.now(UTC)).total_seconds() - BEFORE_REMINDER_S
        self._reminder_timer.start(int(max(0.0, min(wait, 86_400.0)) * 1000))

    def _pull_if_stale(self) -> None:
        if time.monotonic() - self.last_pull > STALE_PULL_S:
            self.sync_now()

    # ------------------------------------------------------------------ run

    def sync_now(self) -> None:
        """Sync now (or right after the running one)."""
        if self._stopped or not self._started:
            return
        if self.account is None:
            self._on_status(self.accounts.status())
            return
        if self._op is not None and self._op.running:
            self._again = True
            return
        self._timer.stop()
        self._again = False
        self._set("syncing", "")
        self._op = run_in_background(self, self._work, self._done, self._failed, name="sync")

    def _work(self) -> SyncOutcome:
        store = Store(self.data_dir / DB_NAME)
        try:
            engine = make_engine(self.data_dir, store, self.accounts)
            adopt = store.sync_value(engine.account, "adopt_local")
            report = engine.run(adopt_local=adopt == "1")
            return SyncOutcome(report, store.pending_count(engine.account),
                               store.conflicts(engine.account), store.problems())
        finally:
            store.close()

    def _done(self, outcome: SyncOutcome) -> None:
        self._failures = 0
        self.last_ok = datetime.now(UTC)
        self.last_pull = time.monotonic()
        report = outcome.report
        self.pending, self.conflicts, self.problems = (outcome.pending, outcome.conflicts,
                                                       outcome.problems)
        if report is not None:
            notice = report.changed.notice()
            if notice.event_ids or notice.calendar_ids or notice.reminder_state:
                self.store.announce(notice)
        if self.problems:
            self._set("problem", f"{len(self.problems)} change(s) refused by the server")
        else:
            self._set("idle", "")
        self.synced.emit(outcome)
        self._arm_reminder_pull()
        if self._again or self.pending:
            self.schedule(500 if self._again else self._edit_delay * 4)

    def _failed(self, exc: BaseException) -> None:
        self._refresh_counts()
        if isinstance(exc, SyncError):
            if exc.kind == "signed_out":
                self._on_status(self.accounts.status())
                if self.state != "signed_out":
                    self._set("signed_out", exc.message)
                return
            kind = {"offline": "offline", "busy": "idle"}.get(exc.kind, "problem")
            self._set(kind, exc.message)
            delay = self._backoff(exc.retry_after)
        else:
            log.error("sync failed", exc_info=exc)
            self._set("problem", f"Sync failed unexpectedly ({type(exc).__name__}); your "
                                 "changes are kept. The details are in the log.")
            delay = self._backoff(None)
        self.schedule(delay)

    def _backoff(self, retry_after: float | None) -> int:
        step = BACKOFF_MS[min(self._failures, len(BACKOFF_MS) - 1)]
        self._failures += 1
        jittered = int(step * (0.75 + 0.5 * random.random()))
        if retry_after:
            jittered = max(jittered, int(retry_after * 1000))
        return jittered

    # --------------------------------------------------------------- state

    def _set(self, state: str, message: str) -> None:
        self.state = state
        self.message = message
        self.changed.emit()

    def _refresh_counts(self) -> None:
        account = self.account
        try:
            self.pending = self.store.pending_count(account) if account else 0
            self.conflicts = self.store.conflicts(account) if account else []
            self.problems = self.store.problems() if account else []
        except Exception:  # counts are decoration: never break an edit for them
            log.exception("cannot count pending changes")
        self.changed.emit()

    def refresh(self) -> None:
        """Re-read counts (after the user resolved a conflict or a problem)."""
        self._refresh_counts()
