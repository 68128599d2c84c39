"""Subscriptions in the window (called from the composition root, app.py).

File → Subscribe to calendar… (:mod:`subscribe_dialog`), View → Refresh
subscriptions, and the refreshes themselves: every ``subscriptions/refresh_minutes``
(an hour by default), at start-up (:meth:`SubscriptionsUi.start`) and on
demand. Each fetch runs off the GUI thread (:func:`ops.run_on_store`) on its
own store connection; the result reaches the window as a change notice.
A failing refresh only changes the calendar's row in the sidebar (a marker,
the reason on hover): never a dialog. One that failed because the server could
not be reached is tried again when the network comes back (Qt's network
information, where the platform has a backend), and after 1, 2, 5, then every
10 minutes on the wall clock (so also at once after the computer wakes).
Subscriptions a sync brought from another desktop are fetched when they arrive.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aurora_desktop.qt import QtCore, QtGui, is_alive
from aurora_desktop.store import ChangeNotice, Store, StoreError
from aurora_desktop.ui.network import is_online, watch_reachability
from aurora_desktop.ui.ops import BackgroundOp, run_on_store
from aurora_desktop.ui.subscribe_dialog import SubscribeDialog

__all__ = ["SubscriptionsUi", "install_subscriptions"]

log = logging.getLogger("aurora.ui.subscriptions")
MIN_MINUTES = 5
TICK_MS = 60_000  # the due time is checked on the wall clock every minute (see start())
RETRY_MINUTES = (1, 2, 5, 10)  # after a network failure; then every 10 minutes


class SubscriptionsUi(QtCore.QObject):
    """The subscription pieces of one window; ``start()`` begins refreshing, ``stop()``."""

    refreshed = QtCore.Signal(object)  # list[Refreshed], after a refresh was taken in

    def __init__(self, app: Any, data_dir: Path) -> None:
        super().__init__(app.window)
        self.window = window = app.window
        self.store: Store = app.store
        self.settings = getattr(app, "settings", None)
        self.data_dir = Path(data_dir)
        self.op: BackgroundOp[Any] | None = None
        self.subscribe_op: BackgroundOp[Any] | None = None
        self._again = False  # a refresh of every subscription was asked during one
        self._again_ids: set[str] = set()  # a refresh of these was asked during one
        self._announce_done = False
        self.dialog: SubscribeDialog | None = None
        self.subscribe_action = QtGui.QAction("Su&bscribe to calendar…", window)
        self.subscribe_action.setStatusTip("Follow a calendar published at a web address")
        self.subscribe_action.triggered.connect(lambda _=False: self.open_dialog())
        window.add_file_action(self.subscribe_action)
        self.refresh_action = QtGui.QAction("&Refresh subscriptions", window)
        self.refresh_action.setStatusTip("Fetch every subscribed calendar now")
        self.refresh_action.triggered.connect(lambda _=False: self.refresh_now(announce=True))
        window.add_view_action(self.refresh_action)
        self.clock: Callable[[], float] = time.time  # wall clock (tests set it)
        self.due: float | None = None  # next refresh (wall clock), None: not started
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        # Network failures: which subscriptions, when to try again (wall clock), how often
        # it failed in a row. The wall-clock tick catches a retry that fell due asleep.
        self.unreachable: set[str] = set()
        self.retry_at: float | None = None
        self._retries = 0
        self._retry_timer = QtCore.QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._tick)
        self._network: Any = None
        self._announcing = False
        self.store.subscribe(self._on_store_change)
        if self.settings is not None:
            self.settings.changed.connect(self._on_setting)

    # ---------------------------------------------------------------- timing
    def interval_ms(self) -> int:
        minutes = 60
        if self.settings is not None:
            minutes = int(self.settings.get("subscriptions/refresh_minutes"))
        return max(MIN_MINUTES, minutes) * 60_000

    def _on_setting(self, key: str) -> None:
        if key == "subscriptions/refresh_minutes" and self.due is not None:
            self.due = self.clock() + self.interval_ms() / 1000

    def start(self) -> None:
        """Refresh now (start-up) and then every interval. The due time is on the wall
        clock, checked every minute: after a night asleep the refresh comes at once
        (a plain hour-long timer counts only the time the computer was awake)."""
        self.timer.start()
        self._watch_network()
        self._tick(force=True)

    def _tick(self, *, force: bool = False) -> None:
        now = self.clock()
        if force or self.due is None or now >= self.due:
            self.due = now + self.interval_ms() / 1000
            self.refresh_now()
        elif self.retry_at is not None and now >= self.retry_at and self.unreachable:
            self.retry_at = None
            self.refresh_now(only=set(self.unreachable))

    def stop(self) -> None:
        self.timer.stop()
        self._retry_timer.stop()
        self.store.unsubscribe(self._on_store_change)
        for op in (self.op, self.subscribe_op):
            if op is not None:
                op.cancel()

    # ------------------------------------------------------- network failures
    def _watch_network(self) -> None:
        self._network = watch_reachability(self._on_reachability)  # None: the timed retries cover it

    def _on_reachability(self, reachability: Any) -> None:
        if is_online(reachability):
            self.network_online()

    def network_online(self) -> None:
        """The network came back: the subscriptions that could not be reached are
        fetched now (not at the next hourly refresh)."""
        if self.unreachable:
            self.retry_at = None
            self._retry_timer.stop()
            self.refresh_now(only=set(self.unreachable))

    def _note_network(self, results: list[Any]) -> None:
        """After a refresh: which subscriptions failed for want of the network, and when
        to try them again (1, 2, 5, then every 10 minutes while they still fail)."""
        tried = {r.calendar.id for r in results}
        failed = {r.calendar.id for r in results if r.error is not None and r.network}
        retried = bool(tried & self.unreachable)
        self.unreachable = (self.unreachable - tried) | failed
        live = {s.calendar.id for s in self.store.subscriptions()}
        self.unreachable &= live
        if not self.unreachable:
            self._retries = 0
            self.retry_at = None
            self._retry_timer.stop()
            return
        if retried and failed:
            self._retries += 1
        minutes = RETRY_MINUTES[min(self._retries, len(RETRY_MINUTES) - 1)]
        self.retry_at = self.clock() + minutes * 60
        self._retry_timer.start(minutes * 60_000)

    # ------------------------------------------------------ from other desktops
    def _on_store_change(self, notice: ChangeNotice) -> None:
        """A sync brought a subscription from another desktop of the account (or its
        address changed there): fetch it here now, off the GUI thread."""
        if not notice.calendar_ids or not notice.remote or self._announcing:
            return
        try:
            new = self.store.unfetched_subscriptions()
        except StoreError:
            return
        if new:
            self.refresh_now(only=set(new))

    # --------------------------------------------------------------- refresh
    def refresh_now(self, *, announce: bool = False,
                    only: set[str] | None = None) -> BackgroundOp[Any] | None:
        """Refresh every subscription (``only``: those calendar ids) off the GUI thread;
        one refresh at a time (a request while one runs is done after it).
        ``announce``: say so in the status bar."""
        self._announce_done = self._announce_done or announce
        if self.op is not None and self.op.running:
            if only is None:
                self._again = True
            else:
                self._again_ids |= only
            return self.op
        if not self.store.subscriptions():
            if announce:
                self.window.show_message("No subscribed calendars to refresh.")
            self._announce_done = False
            return None
        ids = None if only is None else frozenset(only)

        def work(store: Store) -> list[Any]:
            from aurora_desktop.subscriptions import refresh_all

            return refresh_all(store, only=ids)

        # Announced by _refreshed, marked remote: a feed's events are never sent to sync.
        self.op = run_on_store(self, self.store, work, self._refreshed, self._failed,
                               name="subscriptions", announce=False)
        return self.op

    def _refreshed(self, results: list[Any]) -> None:
        ids: set[str] = set()
        for r in results:
            ids |= r.event_ids
        self._announcing = True  # our own notice: not a sync's (see _on_store_change)
        try:
            self.store.announce(ChangeNotice(
                event_ids=frozenset(ids), remote=True,
                calendar_ids=frozenset(r.calendar.id for r in results)))
        finally:
            self._announcing = False
        if self._announce_done and is_alive(self.window):
            failed = [r for r in results if r.error is not None]
            self.window.show_message(
                f"Subscriptions refreshed; {len(failed)} could not be (see the sidebar)."
                if failed else "Subscriptions refreshed.")
        self._announce_done = False
        self._note_network(results)
        self.refreshed.emit(results)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        # A store problem (disk full…) or a bug: the status bar, never a dialog.
        if not isinstance(exc, StoreError):
            log.error("refreshing subscriptions failed", exc_info=exc)
        if is_alive(self.window):
            self.window.show_message(f"Subscriptions were not refreshed: {exc}", 15_000)
        self._announce_done = False
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self._again_ids.clear()
            QtCore.QTimer.singleShot(0, self.refresh_now)
        elif self._again_ids:
            ids, self._again_ids = self._again_ids, set()
            QtCore.QTimer.singleShot(0, lambda: self.refresh_now(only=ids))

    # ------------------------------------------------------------- subscribe
    def open_dialog(self) -> SubscribeDialog:
        dlg = self.dialog
        if dlg is None or not is_alive(dlg):
            dlg = self.dialog = SubscribeDialog(self.subscribe, self.window)
        dlg.show()
        dlg.raise_()
        return dlg

    def subscribe(self, url: str, name: str | None) -> BackgroundOp[Any]:
        """Subscribe and fetch off the GUI thread; the dialog hears how it went."""
        def work(store: Store) -> Any:
            from aurora_desktop.subscriptions import subscribe

            return subscribe(store, url, name)

        # Announced by _subscribed (a local change: with an account it is sent).
        self.subscribe_op = run_on_store(self, self.store, work, self._subscribed,
                                         self._subscribe_failed, name="subscribe",
                                         announce=False)
        return self.subscribe_op

    def _subscribed(self, done: Any) -> None:
        # Not "remote": with an account the new calendar is this desktop's change to send,
        # and the sync controller sends local changes within seconds (remote ones never).
        self.store.announce(ChangeNotice(event_ids=done.event_ids, remote=False,
                                         calendar_ids=frozenset({done.calendar.id})))
        n = self.store.count_events(done.calendar.id)
        self.window.show_message(f"Subscribed to \u201c{done.calendar.name}\u201d: "
                                 f"{n} event{'' if n == 1 else 's'}.", 8000)
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.succeeded()

    def _subscribe_failed(self, exc: BaseException) -> None:
        from aurora_core.model import ValidationError
        from aurora_desktop.subscriptions import FetchError

        if not isinstance(exc, FetchError | ValidationError | StoreError):
            log.error("subscribing failed", exc_info=exc)
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.failed(str(exc))


def install_subscriptions(app: Any, data_dir: Path) -> SubscriptionsUi:
    ui = SubscriptionsUi(app, data_dir)
    app.services.append(ui)
    return ui
