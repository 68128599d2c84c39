"""The tray icon and its menu: Open, New event, Today's agenda, Pause reminders, Quit.

:class:`AppTray` only emits requests; the app decides what they do. Where the
platform has no tray (``available()`` is False: headless sessions, some
desktops) nothing is created and the app keeps its window instead.
"""

from __future__ import annotations

from pathlib import Path

from aurora_desktop.qt import QtCore, QtGui, QtWidgets
from aurora_desktop.resources import resource

__all__ = ["AppTray", "app_icon", "icon_path"]

def icon_path() -> Path:
    """The app icon (SVG)."""
    return resource("aurora-time.svg")


def app_icon() -> QtGui.QIcon:
    icon = QtGui.QIcon(str(icon_path()))
    if icon.isNull():  # pragma: no cover - resources missing from a broken install
        icon = QtWidgets.QApplication.style().standardIcon(
            QtWidgets.QStyle.StandardPixmap.SP_FileDialogInfoView)
    return icon


class AppTray(QtCore.QObject):
    """The tray icon. ``icon`` is the QSystemTrayIcon (None where there is no tray)."""

    open_requested = QtCore.Signal()
    new_event_requested = QtCore.Signal()
    agenda_requested = QtCore.Signal()
    reminders_requested = QtCore.Signal()
    pause_toggled = QtCore.Signal(bool)  # True: pause for an hour; False: resume
    quit_requested = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None, *, force: bool = False) -> None:
        """``force`` builds the menu even without a tray (tests exercise it headless)."""
        super().__init__(parent)
        self.menu = QtWidgets.QMenu()
        self.open_action = self.menu.addAction("&Open Aurora Time")
        self.open_action.triggered.connect(self.open_requested)
        self.new_action = self.menu.addAction("&New event…")
        self.new_action.triggered.connect(self.new_event_requested)
        self.agenda_action = self.menu.addAction("Today's &agenda")
        self.agenda_action.triggered.connect(self.agenda_requested)
        self.reminders_action = self.menu.addAction("&Reminders")
        self.reminders_action.triggered.connect(self.reminders_requested)
        self.menu.addSeparator()
        self.pause_action = self.menu.addAction("&Pause reminders for an hour")
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self._pause_toggled)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction("&Quit")
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon: QtWidgets.QSystemTrayIcon | None = None
        if force or self.available():
            self.icon = QtWidgets.QSystemTrayIcon(app_icon(), self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.set_tooltip("")

    @staticmethod
    def available() -> bool:
        """Whether this session has a tray (False before a QApplication exists)."""
        if QtWidgets.QApplication.instance() is None:
            return False  # asking Qt without an application crashes
        return QtWidgets.QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        if self.icon is not None:
            self.icon.show()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()

    def set_tooltip(self, next_event: str) -> None:
        """Tooltip: the app name and the next event ("" for none)."""
        text = "Aurora Time"
        text += f"\nNext: {next_event}" if next_event else "\nNo upcoming reminders"
        if self.pause_action.isChecked():
            text += "\nReminders paused"
        self.tooltip = text
        if self.icon is not None:
            self.icon.setToolTip(text)

    def set_paused(self, paused: bool) -> None:
        """Reflect the pause state without emitting ``pause_toggled``."""
        blocker = QtCore.QSignalBlocker(self.pause_action)
        self.pause_action.setChecked(paused)
        del blocker
        self.pause_action.setText("&Pause reminders for an hour" if not paused
                                  else "Reminders &paused (click to resume)")

    def _pause_toggled(self, on: bool) -> None:
        self.set_paused(on)
        self.pause_toggled.emit(on)

    def _activated(self, reason: QtWidgets.QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QtWidgets.QSystemTrayIcon.ActivationReason.Trigger,
                      QtWidgets.QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()
