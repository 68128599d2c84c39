"""When the window syncs, and what it shows about it (the Qt glue of aurora_desktop.sync).

Syncs run off the GUI thread through :func:`ops.run_on_store`, each on its
own :class:`Store` connection; the window's store is told what a pull changed
(:meth:`Store.announce`), so views reload and reminders re-plan. Nothing here
ever opens a modal dialog: a background sync only changes the status-bar
indicator.

When: a few seconds after a local edit, every few minutes while the app runs,
at start-up, on wake (the wall clock jumped ahead of the monotonic one), when
the network comes back (Qt's network information, where the platform has
it), after a failed attempt with growing back-off and jitter, and on demand
(View → Sync now). Right before a reminder is due, a sync runs if the last one
is more than a minute old, so a reminder dismissed on another desktop does not
fire here.

The GUI thread never waits on the keyring or the network: the account status
is the last one the account service announced (read once off the GUI thread at
start), and everything that talks to the server runs in the worker.

States (:attr:`SyncController.state`)::

    off ──sign in──► idle ──timer/edit/F5──► syncing ──ok──► idle (or problem: refused changes)
     ▲                ▲                         │
     └──sign out──────┼─────────────────────────┤──offline──► offline ──back-off──► syncing
                      │                         ├──server/bug──► problem ──back-off──► syncing
                      └──────sign in again──────┴──sign-in ended──► signed_out
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aurora_desktop.auth import AccountService, AccountStatus
from aurora_desktop.qt import QtCore, Signal, is_alive
from aurora_desktop.store import ChangeNotice, Conflict, Store
from aurora_desktop.sync import SyncError, SyncReport, account_id, make_engine
from aurora_desktop.ui.network import is_online, watch_reachability
from aurora_desktop.ui.ops import BackgroundOp, run_in_background, run_on_store

__all__ = ["SyncController", "SyncOutcome", "refused_message"]

log = logging.getLogger("aurora.sync")

EDIT_DELAY_MS = 3_000
PERIOD_MS = 5 * 60_000
START_DELAY_MS = 1_500
COUNTS_DELAY_MS = 150  # a burst of edits is counted once
BACKOFF_MS = (15_000, 30_000, 60_000, 120_000, 300_000, 900_000)
STALE_PULL_S = 60.0
BEFORE_REMINDER_S = 20.0
WAKE_CHECK_MS = 30_000
WAKE_JUMP_S = 60.0

Problem = tuple[str, str, str, str]  # (entity, id, title, why the server refused it)


def refused_message(n: int) -> str:
    """The reason shown while ``n`` changes are set aside (the server refused them)."""
    return (f"The server refused {n} change{'s' if n != 1 else ''}; "
            f"{'it is' if n == 1 else 'they are'} kept on this computer.")


@dataclass
class SyncOutcome:
    """What one background sync produced (handed to the GUI thread)."""

    account: str
    report: SyncReport | None
    pending: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    adopted: bool = False  # this computer's calendars were added to the account


class SyncController(QtCore.QObject):
    """Runs syncs for the window; ``changed`` after every change of what it shows.

    Read by the widgets: :attr:`state`, :attr:`message` (the reason, for the
    tooltip), :attr:`last_ok`, :attr:`pending`, :attr:`conflicts`,
    :attr:`problems`, :attr:`retry_at` (when a failed sync is tried again).
    """

    changed = Signal()
    synced = Signal(object)  # SyncOutcome, after a sync that completed
    _status_relay = Signal(object)

    def __init__(self, data_dir: Path, accounts: AccountService, store: Store, *,
                 parent: QtCore.QObject | None = None, edit_delay_ms: int = EDIT_DELAY_MS,
                 period_ms: int = PERIOD_MS, start_delay_ms: int = START_DELAY_MS) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.accounts = accounts
        self.store = store
        self.edit_delay_ms = edit_delay_ms
        self.start_delay_ms = start_delay_ms
        self.status: AccountStatus | None = None  # the last one announced (None: not known)
        self.state = "off"          # off | idle | syncing | offline | problem | signed_out
        self.message = ""            # the reason, for the tooltip
        self.last_ok: datetime | None = None
        self.last_pull: float = 0.0  # monotonic
        self.retry_at: datetime | None = None
        self.pending = 0
        self.conflicts: list[Conflict] = []
        self.problems: list[Problem] = []
        self.next_reminder: Any = None  # callable -> datetime | None (set by the composition root)
        self._op: BackgroundOp[SyncOutcome] | None = None
        self._again = False
        self._failures = 0
        self._started = False
        self._stopped = False
        self._network: Any = None

        self._timer = self._single_shot(self.sync_now)
        self._period = QtCore.QTimer(self)
        self._period.setInterval(period_ms)
        self._period.timeout.connect(self.sync_now)
        self._wake = QtCore.QTimer(self)
        self._wake.setInterval(WAKE_CHECK_MS)
        self._wake.timeout.connect(self._check_wake)
        self._wall_mono = (time.time(), time.monotonic())
        self._reminder_timer = self._single_shot(self._pull_if_stale)
        self._counts_timer = self._single_shot(self._refresh_counts)
        self._status_relay.connect(self._on_status)

    def _single_shot(self, slot: Any) -> QtCore.QTimer:
        t = QtCore.QTimer(self)
        t.setSingleShot(True)
        t.timeout.connect(slot)
        return t

    # ----------------------------------------------------------------- life

    def start(self, status: AccountStatus | None = None, *, read_status: bool = True) -> None:
        """Begin syncing if an account is signed in (and whenever one signs in later).

        ``status``: the account status if the caller knows it. Otherwise it is
        read off the GUI thread (the keyring can be slow), unless ``read_status``
        is False: then the caller hands it over later with :meth:`set_status`
        (the window's account UI reads it once the window is up).
        """
        self._started = True
        self.store.subscribe(self._on_store_change)
        self.accounts.subscribe(self._status_from_any_thread)
        self._watch_network()
        self._wake.start()
        if status is not None:
            self._on_status(status)
        elif self.status is None and read_status:
            run_in_background(self, self.accounts.status, self._first_status,
                              lambda exc: log.warning("cannot read the account status: %s", exc),
                              name="sync-status")

    def set_status(self, status: AccountStatus) -> None:
        """The account status as someone else read it (GUI thread)."""
        self._on_status(status)

    def stop(self) -> None:
        """App shutdown: no more syncs; a running one is waited for briefly, its result dropped."""
        self._stopped = True
        for t in (self._timer, self._period, self._wake, self._reminder_timer,
                  self._counts_timer):
            t.stop()
        if self._op is not None:
            self._op.cancel()
            self._op.wait(10)
        if self._started:
            self.store.unsubscribe(self._on_store_change)

    @property
    def account(self) -> str | None:
        """The store's name of the signed-in account (None: nobody is signed in)."""
        st = self.status
        if st is None or not st.signed_in or not st.server or not st.sub:
            return None
        return account_id(st.server, st.sub)

    @property
    def running(self) -> bool:
        return self._op is not None and self._op.running

    # -------------------------------------------------------------- triggers

    def _status_from_any_thread(self, status: AccountStatus) -> None:
        """The account service's listener (any thread): hand the status to the GUI thread."""
        with contextlib.suppress(RuntimeError):  # the controller is gone (shutdown)
            if is_alive(self):
                self._status_relay.emit(status)

    def _first_status(self, status: AccountStatus) -> None:
        if self.status is None:  # a newer one announced meanwhile wins
            self._on_status(status)

    def _on_status(self, status: AccountStatus) -> None:
        self.status = status
        if self._stopped:
            return
        if status.signed_in:
            if self.state in ("off", "signed_out"):
                self._failures = 0
                self.retry_at = None
                self._set("idle", "")
                self._period.start()
                self.schedule(self.start_delay_ms)
        else:
            for t in (self._timer, self._period, self._reminder_timer):
                t.stop()
            self.retry_at = None
            if status.needs_sign_in:
                self._set("signed_out", "Your sign-in has ended; sign in again to sync. "
                                        "Nothing on this computer is lost.")
            else:
                self._set("off", "")
        self._refresh_counts()

    def _on_store_change(self, notice: ChangeNotice) -> None:
        if notice.remote or self.account is None:
            return
        self._counts_timer.start(COUNTS_DELAY_MS)
        if not (notice.event_ids or notice.calendar_ids or notice.reminder_state):
            return  # e.g. a conflict dismissed: nothing to send
        if self.running:
            self._again = True
        else:
            self.schedule(self.edit_delay_ms)
        self._arm_reminder_pull()

    def schedule(self, delay_ms: int) -> None:
        """Sync after ``delay_ms`` (an earlier request wins)."""
        if self._stopped or self.account is None:
            return
        remaining = self._timer.remainingTime() if self._timer.isActive() else None
        if remaining is None or delay_ms < remaining:
            self._timer.start(max(0, delay_ms))

    def next_sync_in_ms(self) -> int | None:
        """How long until the next scheduled sync (None: none is scheduled)."""
        return self._timer.remainingTime() if self._timer.isActive() else None

    def _check_wake(self) -> None:
        wall, mono = time.time(), time.monotonic()
        then_wall, then_mono = self._wall_mono
        self._wall_mono = (wall, mono)
        if (wall - then_wall) - (mono - then_mono) > WAKE_JUMP_S:
            self.woke_up()

    def woke_up(self) -> None:
        """The computer woke from sleep: sync soon (the network needs a moment)."""
        log.info("sync: the computer woke up")
        self.schedule(2_000)

    def _watch_network(self) -> None:
        self._network = watch_reachability(self._on_reachability)  # None: back-off covers it

    def _on_reachability(self, reachability: Any) -> None:
        if is_online(reachability):
            self.network_online()

    def network_online(self) -> None:
        """The network came back: a sync that failed for want of it runs now."""
        if self.state in ("offline", "problem"):
            self.schedule(1_000)

    # ------------------------------------------------------------ reminders

    def _arm_reminder_pull(self) -> None:
        """Sync shortly before the next reminder if the last pull will be stale by then."""
        if self.next_reminder is None or self.account is None:
            return
        try:
            due = self.next_reminder()
        except Exception:  # a nicety: never break an edit (or a sync) for it
            log.exception("cannot read the next reminder")
            return
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
        """Sync now (or right after the running one). Nothing happens while signed out."""
        if self._stopped or not self._started or self.account is None:
            return
        if self.running:
            self._again = True
            return
        self._timer.stop()
        self._again = False
        self._set("syncing", "")
        # What a pull changed is announced by _take, marked remote (never sent back).
        self._op = run_on_store(self, self.store, self._work, self._done, self._failed,
                                name="sync", announce=False)

    def _work(self, store: Store) -> SyncOutcome:
        """One sync on its own connection (worker thread)."""
        engine = make_engine(self.data_dir, store, self.accounts)
        account = engine.account
        adopt = store.sync_value(account, "adopt_local") == "1"
        if adopt and store.sync_value(account, "cursor") is not None:
            # Answered after an earlier sync already began the account here: the
            # account's calendars are here now, so names can be matched.
            store.adopt_local_calendars(account)
        report = engine.run(adopt_local=adopt)
        if adopt:
            store.set_sync_value(account, "adopt_local", "done")
        return SyncOutcome(account, report, store.pending_count(account),
                           store.conflicts(account), store.problems(account),
                           adopted=adopt)

    def _done(self, outcome: SyncOutcome) -> None:
        self._op = None
        try:
            self._take(outcome)
        except Exception as exc:  # a bug here is shown in the indicator, never in a box
            self._bug(exc)

    def _bug(self, exc: BaseException) -> None:
        log.error("sync: unexpected error", exc_info=exc)
        delay = self._backoff(None)
        self.retry_at = datetime.now(UTC) + timedelta(milliseconds=delay)
        self.schedule(delay)
        self._set("problem", f"Sync failed unexpectedly ({type(exc).__name__}); your changes "
                             "are kept. The details are in the log.")

    def _take(self, outcome: SyncOutcome) -> None:
        report = outcome.report
        if report is not None:
            notice = report.changed.notice()
            if outcome.adopted:  # calendars changed hands (or were joined): reload them all
                notice = ChangeNotice(notice.event_ids, notice.calendar_ids | {"*"},
                                      notice.reminder_state, remote=True)
            if notice.event_ids or notice.calendar_ids or notice.reminder_state:
                self.store.announce(notice)
        if self._stopped:
            return
        if outcome.account != self.account:  # signed out (or in elsewhere) meanwhile
            self._refresh_counts()
            if self._again:  # asked for while this one ran: for the account signed in now
                self.schedule(500)
            return
        self._failures = 0
        self.retry_at = None
        self.last_ok = datetime.now(UTC)
        self.last_pull = time.monotonic()
        self.pending, self.conflicts, self.problems = (outcome.pending, outcome.conflicts,
                                                       outcome.problems)
        if self.problems:
            self._set("problem", refused_message(len(self.problems)))
        else:
            self._set("idle", "")
        self.synced.emit(outcome)
        self._arm_reminder_pull()
        if self._again or self.pending:
            self.schedule(500 if self._again else self.edit_delay_ms * 4)

    def _failed(self, exc: BaseException) -> None:
        self._op = None
        try:
            self._fail(exc)
        except Exception as bug:
            self._bug(bug)

    def _fail(self, exc: BaseException) -> None:
        if self._stopped:
            return
        if self.account is None:  # signed out meanwhile: nothing to report
            self._refresh_counts()
            return
        if isinstance(exc, SyncError):
            if exc.kind == "signed_out":
                for t in (self._timer, self._period, self._reminder_timer):
                    t.stop()
                self.retry_at = None
                self._set("signed_out", exc.message)
                self._refresh_counts()
                return
            state = {"offline": "offline", "busy": "idle"}.get(exc.kind, "problem")
            message, delay = exc.message, self._backoff(exc.retry_after)
        else:
            log.error("sync failed", exc_info=exc)
            state = "problem"
            message = (f"Sync failed unexpectedly ({type(exc).__name__}); your changes are "
                       "kept. The details are in the log.")
            delay = self._backoff(None)
        self.retry_at = datetime.now(UTC) + timedelta(milliseconds=delay)
        self.schedule(delay)
        self.message = message
        self.state = state
        self._refresh_counts()  # emits changed

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
        st = self.status
        if account is None and st is not None and st.needs_sign_in and st.server and st.sub:
            account = account_id(st.server, st.sub)  # what waits for the sign-in to resume
        try:
            self.pending = self.store.pending_count(account) if account else 0
            self.conflicts = self.store.conflicts(account) if account else []
            self.problems = self.store.problems(account) if account else []
        except Exception:  # counts are decoration: never break an edit for them
            log.exception("cannot count pending changes")
        self.changed.emit()

    def refresh(self) -> None:
        """Re-read counts (after the user resolved a conflict or a problem)."""
        self._counts_timer.stop()
        self._refresh_counts()
