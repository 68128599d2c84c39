"""Plugs sync into the window (called from the composition root, app.py).

Builds the :class:`SyncController` on the account service the account UI
uses, the status-bar indicator, View → Sync now (F5), the sync details
window, and the bridge the account dialog asks its sync questions through.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from aurora_desktop.qt import QtGui, is_alive
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account import AccountUi
from aurora_desktop.ui.account_sync_pages import AccountSyncBridge
from aurora_desktop.ui.sync_controller import SyncController
from aurora_desktop.ui.sync_widgets import SyncDetails, SyncIndicator

__all__ = ["SyncUi", "install_sync"]


class SyncUi:
    """The sync pieces of one window; ``stop()`` at shutdown."""

    def __init__(self, app: Any, data_dir: Path, account_ui: AccountUi) -> None:
        window = app.window
        self.window = window
        self.store = app.store
        self.controller = SyncController(Path(data_dir), account_ui.service, app.store,
                                         parent=window)
        self.account_ui = account_ui
        self.details: SyncDetails | None = None
        self.indicator = SyncIndicator(self.controller, self.indicator_clicked, self.when)
        window.add_status_widget(self.indicator)
        self.settings = settings = getattr(app, "settings", None)
        self.indicator.set_tone(self.indicator.tone, dark=self._dark())
        if settings is not None:  # 12/24 h, the zone or the theme changed: the indicator too
            settings.changed.connect(self._on_setting)
        self.action = QtGui.QAction("S&ync now", window)
        self.action.setShortcut(QtGui.QKeySequence("F5"))
        self.action.setStatusTip("Send and receive changes with your Aurora account now")
        self.action.triggered.connect(lambda _=False: self.sync_now())
        window.add_view_action(self.action)
        account_ui.sync_bridge = AccountSyncBridge(app.store, Path(data_dir),
                                                   self.controller.sync_now)
        self.controller.changed.connect(self._enable)
        self._enable()

    def _on_setting(self, key: str) -> None:
        if not is_alive(self.indicator):
            return
        if key == "ui/theme":
            self.indicator.set_tone(self.indicator.tone, dark=self._dark())
        self.indicator.refresh()

    def _dark(self) -> bool:
        settings = self.settings
        return settings is not None and themes.resolve(settings.get("ui/theme")).dark

    def when(self, instant: datetime) -> str:
        """A time as the window shows times (its zone, 12 or 24 hours)."""
        return str(self.window.ctx.fmt.time(instant.astimezone(self.window.zone.tz)))

    def _enable(self) -> None:
        self.action.setEnabled(self.controller.state not in ("off",))

    def sync_now(self) -> None:
        """View → Sync now. When the sign-in has ended, the account dialog opens to sign in."""
        if self.controller.state == "signed_out":
            self.account_ui.open_dialog()
            return
        self.controller.sync_now()

    def indicator_clicked(self) -> None:
        """The details; when the sign-in has ended, the account dialog to sign in again."""
        if self.controller.state == "signed_out":
            self.account_ui.open_dialog()
        else:
            self.open_details()

    def open_details(self) -> SyncDetails:
        dlg = self.details
        if dlg is None or not is_alive(dlg):
            dlg = self.details = SyncDetails(self.controller, self.store, self.when,
                                             self.window)
        dlg.refresh()
        dlg.show()
        dlg.raise_()
        return dlg

    def start(self) -> None:
        """Begin syncing (run_app calls it once the window is built). The account status
        comes from the account UI, which reads the keyring once the window is up."""
        self.account_ui.status_changed.connect(self.controller.set_status)
        self.controller.start(self.account_ui.status, read_status=False)

    def stop(self) -> None:
        self.controller.stop()
        if self.details is not None and is_alive(self.details):
            self.details.close()


def install_sync(app: Any, data_dir: Path, account_ui: AccountUi) -> SyncUi:
    ui = SyncUi(app, data_dir, account_ui)
    app.services.append(ui)
    return ui
