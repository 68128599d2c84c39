"""Subscriptions in the window (called from the composition root, app.py).

File → Subscribe to calendar… (:mod:`subscribe_dialog`), View → Refresh
subscriptions, and the refreshes themselves: every ``subscriptions/refresh_minutes``
(an hour by default), at start-up (:meth:`SubscriptionsUi.start`) and on
demand. Each fetch runs off the GUI thread (:func:`ops.run_in_background`) on
its own store connection; the result reaches the window as a change notice.
A failing refresh only changes the calendar's row in the sidebar (a marker,
the reason on hover): never a dialog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aurora_desktop.qt import QtCore, QtGui, is_alive
from aurora_desktop.store import ChangeNotice, Store, StoreError
from aurora_desktop.ui.ops import BackgroundOp, run_in_background
from aurora_desktop.ui.subscribe_dialog import SubscribeDialog

__all__ = ["SubscriptionsUi", "install_subscriptions"]

log = logging.getLogger("aurora.ui.subscriptions")
DB_NAME = "aurora.sqlite3"
MIN_MINUTES = 5
TICK_MS = 60_000  # the due time is checked on the wall clock every minute (see start())


class SubscriptionsUi(QtCore.QObject):
    """The subscription pieces of one window; ``start()`` begins refreshing, ``stop()``."""

    refreshed = QtCore.Signal(object)  # list[Refreshed], after a refresh was taken in

    def __init__(self, app: Any, data_dir: Path) -> None:
        super().__init__(app.window)
        self.window = window = app.window
        self.store: Store = app.store
        self.settings = getattr(app, "settings", None)
        self.path = Path(data_dir) / DB_NAME
        self.op: BackgroundOp[Any] | None = None
        self.subscribe_op: BackgroundOp[Any] | None = None
        self._again = False
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
        self._tick(force=True)

    def _tick(self, *, force: bool = False) -> None:
        now = self.clock()
        if force or self.due is None or now >= self.due:
            self.due = now + self.interval_ms() / 1000
            self.refresh_now()

    def stop(self) -> None:
        self.timer.stop()
        for op in (self.op, self.subscribe_op):
            if op is not None:
                op.cancel()

    # --------------------------------------------------------------- refresh
    def refresh_now(self, *, announce: bool = False) -> BackgroundOp[Any] | None:
        """Refresh every subscription off the GUI thread; one refresh at a time (a request
        while one runs is done after it). ``announce``: say so in the status bar."""
        self._announce_done = self._announce_done or announce
        if self.op is not None and self.op.running:
            self._again = True
            return self.op
        if not self.store.subscriptions():
            if announce:
                self.window.show_message("No subscribed calendars to refresh.")
            self._announce_done = False
            return None
        path = self.path

        def work() -> list[Any]:
            from aurora_desktop.subscriptions import refresh_all

            with Store(path) as store:
                return refresh_all(store)

        self.op = run_in_background(self, work, self._refreshed, self._failed,
                                    name="subscriptions")
        return self.op

    def _refreshed(self, results: list[Any]) -> None:
        ids: set[str] = set()
        for r in results:
            ids |= r.event_ids
        self.store.announce(ChangeNotice(event_ids=frozenset(ids), remote=True,
                                         calendar_ids=frozenset(r.calendar.id for r in results)))
        if self._announce_done and is_alive(self.window):
            failed = [r for r in results if r.error is not None]
            self.window.show_message(
                f"Subscriptions refreshed; {len(failed)} could not be (see the sidebar)."
                if failed else "Subscriptions refreshed.")
        self._announce_done = False
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
            QtCore.QTimer.singleShot(0, self.refresh_now)

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
        path = self.path

        def work() -> Any:
            from aurora_desktop.subscriptions import subscribe

            with Store(path) as store:
                return subscribe(store, url, name)

        self.subscribe_op = run_in_background(self, work, self._subscribed,
                                              self._subscribe_failed, name="subscribe")
        return self.subscribe_op

    def _subscribed(self, done: Any) -> None:
        self.store.announce(ChangeNotice(event_ids=done.event_ids, remote=True,
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
