"""The reminders inside the real app: tray actions, settings page, pause, open event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.autostart import Autostart
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.shell import install_reminders, start_hidden
from aurora_desktop.ui.tray import AppTray
from tests.helpers.reminders import put_written_earlier


@pytest.fixture
def built(qtbot, tmp_path, monkeypatch):
    from aurora_desktop.app import build

    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    calls: list[tuple] = []
    monkeypatch.setattr(app.window, "new_event", lambda *a, **k: calls.append(("new",)))
    monkeypatch.setattr(app.window, "set_agenda_today", lambda: calls.append(("agenda",)))
    monkeypatch.setattr(app.window, "quit", lambda: calls.append(("quit",)))
    monkeypatch.setattr(app.window, "show_event",
                        lambda eid, start, switch=True: calls.append(("show", eid, start)))
    yield app, calls
    app.shutdown()


def _autostart(tmp_path):
    return Autostart(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                     command=["aurora"], platform="linux")


def test_tray_actions_drive_the_main_window(qtbot, built, tmp_path):
    app, calls = built
    tray = AppTray(force=True)
    svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=tray)
    assert app.window.hide_on_close() is True
    tray.open_action.trigger()
    assert app.window.isVisible()
    app.window.hide()
    tray.new_action.trigger()
    tray.agenda_action.trigger()
    tray.quit_action.trigger()
    assert calls == [("new",), ("agenda",), ("quit",)]
    assert app.window.isVisible()
    assert svc in [getattr(s, "parts", (s,))[0] for s in app.services]


def test_a_due_reminder_opens_its_event_in_the_main_window(qtbot, built, tmp_path):
    app, calls = built
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    ev = put_written_earlier(app.store, Event.new(app.store.default_calendar().id, "Soon",
                                       ZonedTime(start, "UTC"),
                                       ZonedTime(start + timedelta(hours=1), "UTC"),
                                       reminders=(Reminder(15),)))
    svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
    qtbot.waitUntil(lambda: svc.window.row_count() == 1, timeout=3000)
    svc.window.open_button.click()
    assert calls == [("show", ev.id, start)]
    # closed by the user: the status bar button brings it back
    svc.window.hide()
    button = app.window.findChild(QtWidgets.QToolButton, "remindersPendingButton")
    assert button is not None and button.text() == "1 reminder"
    button.click()
    assert svc.window.isVisible()


def test_settings_page_changes_the_service_and_autostart(qtbot, built, tmp_path):
    app, _calls = built
    auto = _autostart(tmp_path)
    svc = install_reminders(app, tmp_path, autostart=auto, tray=None)
    dlg = app.window.settings_ui.make_dialog()
    (page,) = [p for p in dlg.pages if p.title == "Reminders"]
    page.sound.setChecked(True)
    page.lookback.setValue(3)
    page.login.setChecked(True)
    page.apply()
    assert svc.sound is True
    assert svc.engine.lookback == timedelta(days=3)
    assert auto.is_enabled()
    page.login.setChecked(False)
    page.apply()
    assert not auto.is_enabled()
    dlg.deleteLater()


def test_pause_survives_a_restart_of_the_service(qtbot, built, tmp_path):
    app, _calls = built
    svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
    svc.set_paused(True)
    saved = app.settings.get("reminders/paused_until")
    assert saved and datetime.fromisoformat(saved) > datetime.now(UTC)
    label = app.window.findChild(QtCore.QObject, "remindersPausedLabel")
    assert label is not None and label.text().startswith("Reminders paused until")
    svc.stop()
    svc2 = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
    assert svc2.is_paused()
    svc2.set_paused(False)
    assert app.settings.get("reminders/paused_until") == ""


def test_start_hidden_needs_a_tray(monkeypatch):
    monkeypatch.setenv("AURORA_START_HIDDEN", "1")
    assert start_hidden(["aurora"]) is AppTray.available()
    monkeypatch.delenv("AURORA_START_HIDDEN")
    assert start_hidden(["aurora"]) is False
