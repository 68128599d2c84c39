"""The default snooze in Settings > Reminders: what the Snooze buttons use.

The user changes "Snooze button snoozes for" in the settings dialog of the
running app; the reminder window's Snooze menu then offers that length as its
default (Enter takes it), and the desktop notification's Snooze button says
and snoozes for it. No restart.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.autostart import Autostart
from aurora_desktop.qt import Qt, QtCore, QtWidgets
from aurora_desktop.ui.reminder_window import RemindersSettingsPage
from tests.helpers.notification_bus import PrivateBus, missing
from tests.helpers.reminders import put_written_earlier

WAIT = 8000  # ms


@pytest.fixture
def app(qtbot, tmp_path: Path) -> Iterator[Any]:
    from aurora_desktop.app import build

    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    a = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        yield a
    finally:
        a.shutdown()


def _autostart(tmp_path: Path) -> Autostart:
    return Autostart(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                     command=["aurora"], platform="linux")


def _due_now(app: Any, title: str) -> datetime:
    """An event whose 15-minute reminder fell due 3 minutes ago; its start (UTC)."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=12)
    put_written_earlier(app.store, Event.new(app.store.default_calendar().id, title,
                                  ZonedTime(start, "UTC"),
                                  ZonedTime(start + timedelta(hours=1), "UTC"),
                                  reminders=(Reminder(15),)))
    return start


def _set_default_snooze(qtbot, app: Any, minutes: int) -> None:
    """Settings > Reminders > "Snooze button snoozes for", then OK, as a user does."""
    dlg = app.window.settings_ui.make_dialog()
    qtbot.addWidget(dlg)
    (page,) = [p for p in dlg.pages if isinstance(p, RemindersSettingsPage)]
    dlg.list.setCurrentRow(dlg.pages.index(page))
    dlg.show()
    assert page.isVisible()
    page.snooze.selectAll()
    qtbot.keyClicks(page.snooze, str(minutes))
    box = dlg.findChild(QtWidgets.QDialogButtonBox)
    box.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
    assert not dlg.isVisible()


def _snoozed_for(app: Any, before: datetime, after: datetime) -> timedelta:
    """How long the one reminder was snoozed for, from the moment it was pressed
    (between ``before`` and ``after``; the store keeps whole seconds)."""
    (st,) = app.store.reminder_states().values()
    assert st.state == "snoozed" and st.snoozed_until is not None
    length = timedelta(minutes=round((st.snoozed_until - before).total_seconds() / 60))
    assert before - timedelta(seconds=1) <= st.snoozed_until - length <= after
    return length


def test_the_page_shows_the_setting_and_writes_it_within_a_minute_and_a_week(
        qtbot, app: Any) -> None:
    from aurora_desktop.shell import install_reminders

    install_reminders(app, app.store.path.parent, autostart=_autostart(app.store.path.parent),
                      tray=None, native=False)
    dlg = app.window.settings_ui.make_dialog()
    qtbot.addWidget(dlg)
    (page,) = [p for p in dlg.pages if isinstance(p, RemindersSettingsPage)]
    assert page.snooze.value() == 15  # the default
    assert (page.snooze.minimum(), page.snooze.maximum()) == (1, 7 * 24 * 60)
    page.snooze.setValue(45)
    dlg.reject()  # Cancel keeps what was there
    assert app.settings.get("reminders/snooze_minutes") == 15
    _set_default_snooze(qtbot, app, 45)
    assert app.settings.get("reminders/snooze_minutes") == 45
    dlg = app.window.settings_ui.make_dialog()
    qtbot.addWidget(dlg)
    (page,) = [p for p in dlg.pages if isinstance(p, RemindersSettingsPage)]
    assert page.snooze.value() == 45  # opened again, it shows what was saved


def test_the_reminder_windows_snooze_menu_takes_the_new_default(qtbot, app: Any) -> None:
    from aurora_desktop.shell import install_reminders

    svc = install_reminders(app, app.store.path.parent,
                            autostart=_autostart(app.store.path.parent), tray=None, native=False)
    win = svc.window
    menu = win.snooze_button.menu()
    # Before: the default is 15 minutes, one of the menu's choices.
    menu.popup(QtCore.QPoint(0, 0))
    assert menu.defaultAction() is win.snooze_actions[1]
    assert menu.defaultAction().text() == "Snooze 15 minutes"
    menu.hide()

    _set_default_snooze(qtbot, app, 20)

    _due_now(app, "Board meeting")
    qtbot.waitUntil(lambda: win.row_count() == 1, timeout=WAIT)
    before = datetime.now(UTC)
    menu.popup(win.snooze_button.mapToGlobal(QtCore.QPoint(0, win.snooze_button.height())))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Snooze 5 minutes", "Snooze 15 minutes", "Snooze 20 minutes",
                     "Snooze 1 hour", "Snooze for…"]  # in order, the default among them
    assert menu.defaultAction().text() == "Snooze 20 minutes"
    assert menu.activeAction() is menu.defaultAction()
    assert [a.font().bold() for a in menu.actions() if not a.isSeparator()] == [
        False, False, True, False, False]  # marked, whichever item the pointer is on
    qtbot.keyClick(menu, Qt.Key.Key_Return)  # Enter takes the default
    after = datetime.now(UTC)
    qtbot.waitUntil(lambda: win.row_count() == 0, timeout=WAIT)
    assert _snoozed_for(app, before, after) == timedelta(minutes=20)

    # Back to a length the menu has: no extra entry left behind.
    _set_default_snooze(qtbot, app, 60)
    menu.popup(QtCore.QPoint(0, 0))
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Snooze 5 minutes", "Snooze 15 minutes", "Snooze 1 hour", "Snooze for…"]
    assert menu.defaultAction() is win.snooze_actions[2]
    menu.hide()


_MISSING = missing()


@pytest.mark.skipif(_MISSING is not None and os.environ.get("AURORA_CI") != "1",
                    reason=f"needs {_MISSING} (scripts/bootstrap.sh --test installs it)")
def test_the_notifications_snooze_button_says_and_uses_the_new_default(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aurora_desktop.app import build
    from aurora_desktop.shell import install_reminders

    bus = PrivateBus(tmp_path)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    monkeypatch.delenv("AURORA_NATIVE_NOTIFICATIONS")  # tests/conftest.py turns it off
    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        bus.start_notifications()
        svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
        assert svc.native is not None
        _set_default_snooze(qtbot, app, 25)  # in the running app: no restart
        _due_now(app, "Board meeting")
        qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
        (n,) = bus.notifies()
        assert n["actions"]["snooze"] == "Snooze 25 min"
        qtbot.waitUntil(lambda: svc.native is not None and svc.native.batches_sent == 1,
                        timeout=WAIT)
        before = datetime.now(UTC)
        bus.press(n["id"], "snooze")
        qtbot.waitUntil(lambda: any(st.state == "snoozed"
                                    for st in app.store.reminder_states().values()),
                        timeout=WAIT)
        after = datetime.now(UTC)
        assert _snoozed_for(app, before, after) == timedelta(minutes=25)
    finally:
        app.shutdown()  # its notifications' connection first, then the bus
        bus.close()
