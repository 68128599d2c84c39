"""Our signals do not eat references to True (PySide6 6.12's emit returns a borrowed one)."""

from __future__ import annotations

import sys
from datetime import timedelta

from reminder_helpers import T0, make_event

from aurora_desktop.reminders.engine import MemoryWatermark
from aurora_desktop.reminders.qtrefs import emit
from aurora_desktop.reminders.service import ReminderService
from aurora_desktop.ui.tray import AppTray


def test_many_checks_and_actions_keep_true_alive(qtbot, store, clock, recorder):
    tray = AppTray(force=True)
    svc = ReminderService(store, tray=tray, notifier=recorder, watermark=MemoryWatermark(),
                          clock=clock, zone_name=lambda: "UTC")
    qtbot.addWidget(svc.window)
    make_event(store, "Tick", T0 + timedelta(minutes=15))
    svc.start()
    try:
        before = sys.getrefcount(True)
        for _ in range(300):
            svc.scheduler.run_check()
            svc.scheduler.tick()
            tray.pause_action.trigger()
            svc.window.open_button.click()
        qtbot.wait(10)
        assert sys.getrefcount(True) >= before - 5
    finally:
        svc.stop()


def test_emit_passes_arguments(qtbot):
    tray = AppTray(force=True)
    got: list[bool] = []
    tray.pause_toggled.connect(got.append)
    emit(tray.pause_toggled, True)
    assert got == [True]


def test_pinned_singletons_survive_void_calls(qtbot):
    from aurora_desktop.qt import QtCore
    from aurora_desktop.reminders.qtrefs import pin_singletons

    pin_singletons()
    before = sys.getrefcount(None)
    t = QtCore.QTimer()
    for _ in range(20_000):  # more than None's natural refcount
        t.setInterval(5)
    assert sys.getrefcount(None) > 1 << 39
    assert before - sys.getrefcount(None) <= 20_000
