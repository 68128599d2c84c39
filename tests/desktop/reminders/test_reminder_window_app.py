"""The reminder window in the running app: on top at start-up, a readable
Event column, and "Open event" opens the event in the editor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.autostart import Autostart
from aurora_desktop.qt import QtCore
from aurora_desktop.reminders.engine import PendingReminder
from aurora_desktop.reminders.planner import DueReminder
from aurora_desktop.shell import install_reminders
from aurora_desktop.ui.reminder_window import ReminderWindow
from tests.helpers.reminders import T0, put_written_earlier


@pytest.fixture
def built(qtbot, tmp_path):
    from aurora_desktop.app import build

    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    yield app
    app.shutdown()


def _autostart(tmp_path):
    return Autostart(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                     command=["aurora"], platform="linux")


def _late_event(app, title: str = "Dentist — Dr. Weber") -> tuple[Event, datetime]:
    # Starts in 5 minutes with a 30-minute reminder: due 25 minutes ago, i.e. missed
    # while the app was not running; start-up shows it.
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    ev = put_written_earlier(app.store, Event.new(app.store.default_calendar().id, title,
                                       ZonedTime(start, "UTC"),
                                       ZonedTime(start + timedelta(hours=1), "UTC"),
                                       reminders=(Reminder(30),)))
    return ev, start


def test_a_missed_reminder_at_start_up_stays_above_the_main_window(qtbot, built, tmp_path):
    app = built
    _late_event(app)
    # run_app's order: reminders start (the window presents) before the main window shows.
    svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
    qtbot.waitUntil(lambda: svc.window.row_count() == 1, timeout=3000)
    assert svc.window.isVisible()
    app.window.show()
    qtbot.waitExposed(app.window)
    # Shown over the main window and kept there: it is the main window's transient
    # (window managers stack a transient above its parent), and visible.
    qtbot.waitUntil(lambda: svc.window.windowHandle() is not None
                    and svc.window.windowHandle().transientParent() is app.window.windowHandle(),
                    timeout=2000)
    assert svc.window.isVisible()
    # The main window goes to the tray: the reminder window stays, a window of its own.
    app.window.hide()
    qtbot.waitUntil(lambda: svc.window.windowHandle().transientParent() is None, timeout=2000)
    assert svc.window.isVisible()


def test_open_event_opens_the_event_in_the_editor(qtbot, built, tmp_path):
    app = built
    ev, _start = _late_event(app, "Quarterly planning")
    app.window.show()
    svc = install_reminders(app, tmp_path, autostart=_autostart(tmp_path), tray=None)
    qtbot.waitUntil(lambda: svc.window.row_count() == 1, timeout=3000)
    opened: list[str] = []

    def run_editor(editor) -> str:  # type: ignore[no-untyped-def]
        opened.append(editor.title.text())
        return ""

    app.window.event_actions.run_editor = run_editor  # type: ignore[method-assign]
    svc.window.open_button.click()
    qtbot.waitUntil(lambda: opened == ["Quarterly planning"], timeout=2000)
    # the view shows it, selected
    item = app.window.view.selected_item()
    assert item is not None and item.occ.event.id == ev.id


def _due(i: int, title: str) -> DueReminder:
    start = T0 + timedelta(minutes=15 + i)
    return DueReminder(f"u{i}/", "15:notification", T0, f"e{i}", f"u{i}", title,
                       "Room Aurora 4.12", start, start + timedelta(hours=1), False, 15)


def test_the_event_column_takes_the_room_and_when_stays_visible(qtbot):
    w = ReminderWindow()
    qtbot.addWidget(w)
    w.set_pending([PendingReminder(_due(1, "Quarterly planning with the design and research "
                                           "teams"), missed=True),
                   PendingReminder(_due(2, "Gym"), missed=False)], UTC, T0)
    w.present()
    qtbot.waitExposed(w)
    view, header = w.view, w.view.header()
    width = view.viewport().width()
    event_w, when_w = header.sectionSize(0), header.sectionSize(1)
    # The Event column is the widest one and has a good part of the window...
    assert event_w >= max(header.sectionSize(1), header.sectionSize(2))
    assert event_w >= width * 0.4
    # ...and "When" is wholly inside the window, not pushed off to the right.
    assert header.sectionViewportPosition(1) + when_w <= width
    assert when_w >= view.sizeHintForColumn(1)
    # A long title is elided, with the whole of it on hover.
    idx = w.model.item(0, 0).child(0, 0)
    assert "Quarterly planning with the design and research teams" in idx.toolTip()
