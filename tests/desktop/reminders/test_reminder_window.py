"""The reminder window, the service that drives it, and the tray menu."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.reminders.engine import MemoryWatermark, PendingReminder
from aurora_desktop.reminders.planner import DueReminder
from aurora_desktop.ui.reminder_service import PAUSE_FOR, ReminderService
from aurora_desktop.ui.reminder_window import ReminderWindow
from aurora_desktop.ui.tray import AppTray, icon_path
from tests.helpers.reminders import T0, make_event


def _due(i: int, *, title: str | None = None) -> DueReminder:
    start = T0 + timedelta(minutes=15)
    return DueReminder(f"uid{i}/", "15:notification", T0, f"ev{i}", f"uid{i}",
                       title or f"Meeting {i:03}", f"Room {i}", start,
                       start + timedelta(hours=1), False, 15)


@pytest.fixture
def window(qtbot):
    w = ReminderWindow()
    qtbot.addWidget(w)
    return w


def test_window_groups_missed_now_and_earlier(window):
    pending = [PendingReminder(_due(1, title="Late"), missed=True),
               PendingReminder(_due(2, title="Fresh"), missed=False),
               PendingReminder(_due(3, title="Old"), missed=False, earlier=True)]
    window.set_pending(pending, UTC, T0)
    assert window.group_titles() == ["Missed (1)", "Due now (1)", "Earlier (1)"]
    assert window.row_count() == 3
    assert window.summary.text() == "3 reminders — 1 missed"
    assert window.selected_keys() == [("uid1/", "15:notification")]  # first row preselected


def test_snooze_dismiss_and_open_emit_requests(window, qtbot, monkeypatch):
    pending = [PendingReminder(_due(i), missed=False) for i in range(3)]
    window.set_pending(pending, UTC, T0)
    with qtbot.waitSignal(window.snooze_requested) as sig:
        window.snooze_actions[2].trigger()  # 1 hour
    assert sig.args == [[("uid0/", "15:notification")], timedelta(hours=1)]
    monkeypatch.setattr(window, "ask_custom_minutes", lambda: 42)
    with qtbot.waitSignal(window.snooze_requested) as sig:
        window.custom_snooze_action.trigger()
    assert sig.args[1] == timedelta(minutes=42)
    window.select_all_rows()
    with qtbot.waitSignal(window.dismiss_requested) as sig:
        window.dismiss_button.click()
    assert len(sig.args[0]) == 3
    assert not window.open_button.isEnabled()  # one event at a time
    window.set_pending(pending[:1], UTC, T0)
    with qtbot.waitSignal(window.open_requested) as sig:
        window.open_button.click()
    assert sig.args == ["ev0", T0 + timedelta(minutes=15)]
    with qtbot.waitSignal(window.dismiss_all_requested):
        window.dismiss_all_button.click()


def test_cancelled_custom_snooze_does_nothing(window, qtbot, monkeypatch):
    window.set_pending([PendingReminder(_due(1), False)], UTC, T0)
    monkeypatch.setattr(window, "ask_custom_minutes", lambda: None)
    with qtbot.assertNotEmitted(window.snooze_requested):
        window.custom_snooze_action.trigger()


def test_selection_survives_a_refresh(window):
    pending = [PendingReminder(_due(i), False) for i in range(5)]
    window.set_pending(pending, UTC, T0)
    window.select_all_rows()
    window.set_pending(pending[2:], UTC, T0)
    assert len(window.selected_keys()) == 3


def test_five_hundred_rows_fill_in_one_group(window):
    # How long it takes is measured by bench/reminder_window_bench.py, not here.
    pending = [PendingReminder(_due(i), False) for i in range(500)]
    window.set_pending(pending, UTC, T0)
    window.show()
    QtWidgets.QApplication.processEvents()
    assert window.row_count() == 500
    assert window.group_titles() == ["Due now (500)"]


# ------------------------------------------------------------------ service


@pytest.fixture
def service(qtbot, store, clock, recorder):
    svc = ReminderService(store, notifier=recorder, watermark=MemoryWatermark(), clock=clock,
                          zone_name=lambda: "UTC")
    qtbot.addWidget(svc.window)
    yield svc
    svc.stop()


def test_service_shows_the_window_when_a_reminder_is_due(qtbot, service, store, clock,
                                                         recorder):
    make_event(store, "Standup", T0 + timedelta(minutes=20))
    service.start()
    assert not service.window.isVisible()
    clock.advance(minutes=5)
    service.scheduler.tick()
    qtbot.waitUntil(service.window.isVisible, timeout=3000)
    assert recorder.titles() == ["Standup"]
    assert service.window.row_count() == 1
    # Dismiss from the window: recorded, gone, window hides.
    service.window.dismiss_button.click()
    qtbot.waitUntil(lambda: not service.window.isVisible(), timeout=3000)
    (st,) = store.reminder_states().values()
    assert st.state == "dismissed"


def test_service_snooze_from_the_window_fires_again(qtbot, service, store, clock, recorder):
    make_event(store, "Review", T0 + timedelta(minutes=15))
    service.start()
    qtbot.waitUntil(lambda: service.window.row_count() == 1, timeout=3000)
    service.window.snooze_actions[0].trigger()  # 5 minutes
    assert service.window.row_count() == 0
    qtbot.waitUntil(lambda: service.scheduler.armed_for == T0 + timedelta(minutes=5),
                    timeout=3000)
    clock.advance(minutes=5)
    service.scheduler.tick()
    qtbot.waitUntil(lambda: service.window.row_count() == 1, timeout=3000)
    assert recorder.titles() == ["Review", "Review"]


def test_service_500_in_one_minute_grouped_without_freezing(qtbot, service, store, clock,
                                                            recorder):
    cal = store.default_calendar().id
    store.put_events([Event.new(cal, f"All hands {i:03}",
                                ZonedTime(T0 + timedelta(minutes=16), "UTC"),
                                ZonedTime(T0 + timedelta(minutes=46), "UTC"),
                                reminders=(Reminder(15),)) for i in range(500)])
    service.start()
    clock.advance(minutes=1)
    service.scheduler.run_check()  # its time: bench/reminder_window_bench.py
    assert len(recorder.batches) == 1 and len(recorder.batches[0]) == 500
    assert service.window.row_count() == 500
    assert service.window.isVisible()
    # the event loop stays responsive: a zero timer runs promptly afterwards
    ticked: list[bool] = []
    QtCore.QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked), timeout=500)
    service.dismiss_all()
    qtbot.waitUntil(lambda: service.window.row_count() == 0, timeout=3000)
    assert {s.state for s in store.reminder_states().values()} == {"dismissed"}


def test_service_pause_for_an_hour(qtbot, service, store, clock, recorder):
    make_event(store, "Quiet", T0 + timedelta(minutes=30))
    service.start()
    service.set_paused(True)
    assert service.is_paused()
    clock.advance(minutes=20)
    service.scheduler.run_check()
    assert recorder.shown == []
    assert service.scheduler.armed_for == T0 + PAUSE_FOR
    service.set_paused(False)
    qtbot.waitUntil(lambda: bool(recorder.shown), timeout=3000)
    assert recorder.titles() == ["Quiet"]


def test_service_without_tray_uses_the_in_window_notifier(qtbot, store, clock):
    shown: list[tuple[str, str]] = []
    svc = ReminderService(store, tray=None, show_message=lambda t, b: shown.append((t, b)),
                          watermark=MemoryWatermark(), clock=clock, zone_name=lambda: "UTC")
    qtbot.addWidget(svc.window)
    make_event(store, "Headless", T0 + timedelta(minutes=15), location="Room 4")
    svc.start()
    try:
        assert shown == [("Headless", "Wed 25 Nov 08:15–09:15\nRoom 4")]
    finally:
        svc.stop()


def test_open_event_from_the_window_calls_the_app(qtbot, store, clock, recorder):
    opened: list[tuple[str, datetime]] = []
    svc = ReminderService(store, notifier=recorder, watermark=MemoryWatermark(), clock=clock,
                          zone_name=lambda: "UTC", open_event=lambda e, s: opened.append((e, s)))
    qtbot.addWidget(svc.window)
    ev = make_event(store, "Open me", T0 + timedelta(minutes=15))
    svc.start()
    try:
        svc.window.open_button.click()
        assert opened == [(ev.id, T0 + timedelta(minutes=15))]
    finally:
        svc.stop()


# --------------------------------------------------------------------- tray


def test_tray_menu_emits_and_tooltip_names_the_next_event(qtbot, store, clock, recorder):
    tray = AppTray(force=True)
    svc = ReminderService(store, tray=tray, notifier=recorder, watermark=MemoryWatermark(),
                          clock=clock, zone_name=lambda: "UTC")
    qtbot.addWidget(svc.window)
    make_event(store, "Lunch", T0 + timedelta(hours=4), minutes=())
    svc.start()
    try:
        qtbot.waitUntil(lambda: "Lunch" in tray.tooltip, timeout=3000)
        assert tray.tooltip == "Aurora Time\nNext: Lunch — Wed 25 Nov 12:00–13:00"
        for action, signal in ((tray.open_action, tray.open_requested),
                               (tray.new_action, tray.new_event_requested),
                               (tray.agenda_action, tray.agenda_requested),
                               (tray.quit_action, tray.quit_requested)):
            with qtbot.waitSignal(signal):
                action.trigger()
        with qtbot.waitSignal(tray.pause_toggled) as sig:
            tray.pause_action.trigger()
        assert sig.args == [True] and svc.is_paused()
        assert "Reminders paused" in tray.tooltip
        tray.pause_action.trigger()
        assert not svc.is_paused()
    finally:
        svc.stop()


def test_headless_there_is_no_tray_icon(qtbot):
    if QtWidgets.QSystemTrayIcon.isSystemTrayAvailable():
        pytest.skip("this session has a tray")
    tray = AppTray()
    assert tray.icon is None
    tray.show()  # harmless
    tray.set_tooltip("x")


def test_the_app_icon_is_a_real_svg(qtbot):
    from aurora_desktop.qt import QtGui

    assert icon_path().exists()
    icon = QtGui.QIcon(str(icon_path()))
    pm = icon.pixmap(64, 64)
    assert not pm.isNull()
    img = pm.toImage()
    assert img.pixelColor(32, 40).alpha() > 0


def test_a_pause_that_ran_out_during_sleep_is_ended_at_the_next_check(qtbot, service, clock):
    service.start()
    service.set_paused(True)
    assert service.is_paused()
    clock.advance(hours=2)  # slept through the end of the pause: the QTimer has not fired
    service.scheduler.run_check()
    assert service.paused_until is None
    assert service.engine.paused_until is None
