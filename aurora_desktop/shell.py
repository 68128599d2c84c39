"""The app shell: the tray, single instance, autostart (start hidden, start at login),
the reminders' status widgets and settings page, hooked into the running app.

Called from the composition root (app.py): :func:`claim_single_instance`,
:func:`start_hidden` and :func:`install_reminders` in ``run_app``. It sits above
``ui/`` and ``reminders/`` and imports both; neither imports it. Everything the
main window offers is used through its public hooks (show_event, new_event,
go_today, set_agenda_today, show_message, add_status_widget, add_settings_page,
hide_on_close, quit).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurora_desktop.autostart import HIDDEN_ENV, Autostart, AutostartUnsupported
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.reminders.snooze import default_snooze
from aurora_desktop.single_instance import SingleInstance, server_name
from aurora_desktop.ui.tray import AppTray

if TYPE_CHECKING:  # imported by install_reminders: run_app calls it after the first paint
    from aurora_desktop.ui.reminder_service import ReminderService

__all__ = [
    "claim_single_instance",
    "connect_single_instance",
    "install_reminders",
    "start_hidden",
]

log = logging.getLogger("aurora.reminders")


def start_hidden(argv: list[str]) -> bool:
    """True when the app should start in the tray only (autostart) and a tray exists."""
    wanted = "--hidden" in argv or os.environ.get(HIDDEN_ENV, "") not in ("", "0")
    return wanted and AppTray.available()


def claim_single_instance(data_dir: Path, argv: list[str]) -> SingleInstance | None:
    """Become the one instance for ``data_dir``; None when one already runs (it was raised)."""
    inst = SingleInstance(server_name(data_dir))
    if not inst.claim(argv[1:]):
        return None
    return inst


def bring_forward(window: QtWidgets.QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _parse_instant(text: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class _Stopper:
    """Put in ``app.services``: App.shutdown calls ``stop`` in reverse order."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def stop(self) -> None:
        for p in self.parts:
            for name in ("stop", "release", "hide"):
                fn = getattr(p, name, None)
                if callable(fn):
                    fn()
                    break


def install_reminders(app: Any, data_dir: Path, *, autostart: Autostart | None = None,
                      tray: AppTray | None = None, native: bool | None = None) -> ReminderService:
    """Build the tray and the reminder service for ``app`` (App from app.py) and start them.

    ``native``: reminders as the desktop's own notifications; None decides by
    :func:`~aurora_desktop.reminders.native.native_available` (a session bus).
    """
    # The service, its reminder window and the desktop notifications (dbus) are
    # imported here: 0.05–0.2 s that run_app spends after the window is shown.
    from aurora_desktop.reminders.native import native_available
    from aurora_desktop.ui.reminder_service import ReminderService
    from aurora_desktop.ui.reminder_window import RemindersSettingsPage

    window, settings, store = app.window, app.settings, app.store
    if tray is None and AppTray.available():
        tray = AppTray(window)
    autostart = autostart or Autostart()

    def show_message(title: str, body: str) -> None:
        first = body.splitlines()[0] if body else ""
        window.show_message(f"Reminder: {title} — {first}", 30_000)

    def open_event(event_id: str, start: datetime) -> None:
        bring_forward(window)
        if window.show_event(event_id, start):
            # "Open event" opens it: the editor, once the reminder window's click returned.
            QtCore.QTimer.singleShot(0, window.event_actions.edit_selected)

    def new_event() -> None:
        bring_forward(window)
        window.new_event()

    def agenda() -> None:
        bring_forward(window)
        window.set_agenda_today()

    # APScheduler logs every (re-)armed job at INFO: one line per store change.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    svc = ReminderService(
        store, data_dir=data_dir, tray=tray, show_message=show_message,
        open_event=open_event,
        lookback=timedelta(days=int(settings.get("reminders/lookback_days"))),
        sound=bool(settings.get("reminders/sound")),
        native=native_available() if native is None else native,
        snooze_delay=lambda: default_snooze(settings), plan_in_background=True,
        parent=window)
    svc.window.set_owner(window)  # above the main window while it is shown: never hidden behind it

    status = QtWidgets.QLabel()
    status.setObjectName("remindersPausedLabel")
    status.hide()
    window.add_status_widget(status)

    def on_paused(paused: bool) -> None:
        until = svc.paused_until
        settings.set("reminders/paused_until", until.isoformat() if until else "")
        if paused and until is not None:
            local = until.astimezone(svc.local_tz())
            status.setText(f"Reminders paused until {local:%H:%M}")
            status.show()
        else:
            status.hide()

    svc.paused_changed.connect(on_paused)

    # "3 reminders" in the status bar: the way back to the reminder window after
    # closing it (the only one where there is no tray).
    pending_button = QtWidgets.QToolButton()
    pending_button.setObjectName("remindersPendingButton")
    pending_button.setAutoRaise(True)
    pending_button.setToolTip("Show the reminder window")
    pending_button.clicked.connect(svc.show_window)
    pending_button.hide()
    window.add_status_widget(pending_button)

    def on_count(n: int) -> None:
        pending_button.setText(f"{n} reminder{'s' if n != 1 else ''}")
        pending_button.setVisible(n > 0)

    svc.pending_count_changed.connect(on_count)

    if tray is not None:
        tray.open_requested.connect(lambda: bring_forward(window))
        tray.new_event_requested.connect(new_event)
        tray.agenda_requested.connect(agenda)
        tray.quit_requested.connect(window.quit)
        tray.show()
        window.hide_on_close = lambda: bool(settings.get("reminders/close_to_tray"))

    def on_setting(key: str) -> None:
        if key == "reminders/sound":
            svc.set_sound(bool(settings.get(key)))
        elif key == "reminders/lookback_days":
            svc.set_lookback_days(int(settings.get(key)))
        elif key == "reminders/start_at_login":
            try:
                autostart.set(bool(settings.get(key)))
            except (AutostartUnsupported, OSError) as exc:
                window.report_error(f"Start at login: {exc}")

    settings.on_change(on_setting)
    window.add_settings_page(lambda: RemindersSettingsPage(settings, autostart))

    svc.start()
    until = _parse_instant(str(settings.get("reminders/paused_until") or ""))
    if until is not None and until > svc.engine.clock():
        svc.pause_until(until)
    app.services.append(_Stopper(svc, tray) if tray is not None else svc)
    return svc


def connect_single_instance(inst: SingleInstance, window: QtWidgets.QWidget) -> None:
    """A later launch raises ``window``."""
    inst.activated.connect(lambda _args: bring_forward(window))

