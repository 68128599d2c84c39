"""The Aurora account in the window: the account dialog, a status-bar button, File → Account….

:func:`install_account` (called by ``app.build``) builds the window's
:class:`~aurora_desktop.auth.AccountService` (it may keep a sign-in in memory
for this run when the machine has no secure store) and plugs the account
into the window through its public hooks only: ``add_status_widget``,
``add_file_action`` and ``account_signed_in`` (which the event editor asks
before an email reminder is chosen).

Threads. Every call of the service that can touch the network or the
keyring runs through :func:`~aurora_desktop.ui.ops.run_in_background`; the
window never waits. The service calls its listeners on worker threads;
:class:`AccountUi` relays them to the GUI thread with a queued signal
(``status_changed``) before any widget is touched.

The dialog and its flows are :mod:`aurora_desktop.ui.account_dialog`; the
status-bar button is :mod:`aurora_desktop.ui.account_status`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurora_desktop.auth import AccountService, AccountStatus
from aurora_desktop.qt import QtCore, QtGui, Signal, is_alive
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_dialog import AccountDialog
from aurora_desktop.ui.account_status import AccountStatusButton
from aurora_desktop.ui.account_sync_pages import AccountSyncBridge
from aurora_desktop.ui.ops import run_in_background

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

__all__ = ["AccountUi", "install_account"]

log = logging.getLogger("aurora.ui.account")
# The first full status (it loads the keyring: ~0.1 s of a busy interpreter) waits until
# the window is up; with no account on this computer, none is needed to say so.
STATUS_DELAY_MS = 1500


class AccountUi(QtCore.QObject):
    """The account's place in the window: status button, File → Account…, the dialog.

    ``status`` is the last known :class:`AccountStatus` (None until the first
    one arrived); ``status_changed(status)`` is emitted on the GUI thread.
    """

    status_changed = Signal(object)
    _from_worker = Signal(object)

    def __init__(self, service: AccountService, window: MainWindow,
                 theme_of: Callable[[], themes.Theme] | None = None) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.theme_of = theme_of or (lambda: themes.LIGHT)
        self.status: AccountStatus | None = None
        self.dialog: AccountDialog | None = None
        self.sync_bridge: AccountSyncBridge | None = None  # set when sync is installed
        self._open_when_known = False
        self._from_worker.connect(self._set_status)  # queued when emitted by a worker thread
        service.subscribe(self._relay)

        self.button = AccountStatusButton()
        self.button.clicked.connect(self.open_dialog)
        window.add_status_widget(self.button)
        self.action = QtGui.QAction("&Account…", window)
        self.action.setStatusTip("Sign in to your Aurora account, or manage it")
        self.action.triggered.connect(lambda _=False: self.open_dialog())
        window.add_file_action(self.action)
        window.account_signed_in = self.signed_in
        self._checked = False  # a full status (keyring included) has arrived
        if service.last_used() == ("", ""):
            self.status = AccountStatus(False)  # no account here: no keyring needed for that
            self.button.show_status(self.status)
        else:
            timer = QtCore.QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(self.refresh)
            timer.start(STATUS_DELAY_MS)

    # -------------------------------------------------------------- status
    def _relay(self, status: AccountStatus) -> None:
        """The service's listener: any thread. Hands the status to the GUI thread."""
        with contextlib.suppress(RuntimeError):  # the window (and this object) is gone
            if is_alive(self):
                self._from_worker.emit(status)

    def refresh(self) -> None:
        """Read the status off the GUI thread (the keyring can be slow)."""
        run_in_background(self, self.service.status, self._set_status, self._status_failed,
                          name="account-status")

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("cannot read the account status: %s", exc)
        self._set_status(AccountStatus(False))

    def _set_status(self, status: AccountStatus) -> None:
        self._checked = True
        self.status = status
        self.button.show_status(status)
        self.status_changed.emit(status)
        if self._open_when_known:
            self._open_when_known = False
            self.open_dialog()

    def signed_in(self) -> bool:
        """True while signed in (cheap: the last known status; the editor asks it)."""
        return bool(self.status is not None and self.status.signed_in)

    # -------------------------------------------------------------- dialog
    def open_dialog(self) -> AccountDialog | None:
        """Show the account dialog (raised if open; opened once the status is known)."""
        if self.status is None:
            self._open_when_known = True
            self.refresh()
            return None
        if not self._checked:  # e.g. whether there is a secure store: the dialog hears soon
            self.refresh()
        dlg = self.dialog
        if dlg is not None and is_alive(dlg) and dlg.isVisible():
            dlg.raise_()
            dlg.activateWindow()
            return dlg
        dlg = AccountDialog(self.service, self.status, self.window)
        if self.sync_bridge is not None:
            dlg.attach_sync(self.sync_bridge)
        dlg.apply_theme(self.theme_of())
        self.status_changed.connect(dlg.on_status)
        self.dialog = dlg
        dlg.show()
        return dlg

    def on_setting(self, key: str) -> None:
        if key == "ui/theme":
            self.restyle()

    def restyle(self) -> None:
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.apply_theme(self.theme_of())

    def stop(self) -> None:
        """App shutdown: drop running steps, close the dialog, close the HTTP session."""
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.cancel(quiet=True)
            self.dialog.close()
        self.service.close()


def install_account(app: Any, data_dir: Path, *,
                    service: AccountService | None = None) -> AccountUi:
    """Build the window's account service and plug the account into ``app`` (app.App).

    The window may sign in for this run only when the machine has no secure
    store (``account_service(window=True)``); the command line refuses. The
    composition root (app.py) hands over the service it made.
    """
    if service is None:
        from aurora_desktop.auth import account_service

        service = account_service(Path(data_dir), window=True)
    settings = app.settings
    ui = AccountUi(service, app.window, lambda: themes.resolve(settings.get("ui/theme")))
    settings.changed.connect(ui.on_setting)
    app.services.append(ui)
    return ui
