"""Issue 12 review (D), as the user met it in the running app: an all-day event made for
tomorrow after its reminder time today does not pop the reminder window up with
"Missed (1)"."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from aurora_desktop.autostart import Autostart
from aurora_desktop.qt import QtCore
from aurora_desktop.shell import install_reminders
from aurora_desktop.ui.editor import EventEditor


@pytest.fixture
def built(qtbot, tmp_path):
    from aurora_desktop.app import build

    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    yield app
    app.shutdown()


def test_a_new_all_day_event_whose_reminder_time_passed_today_is_not_missed(qtbot, built,
                                                                         tmp_path):
    app = built
    svc = install_reminders(app, tmp_path, tray=None, autostart=Autostart(
        env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
        command=["aurora"], platform="linux"))
    app.window.show()
    qtbot.waitExposed(app.window)
    now = datetime.now(app.window.zone.tz)
    if now.hour == 0 and now.minute < 15:
        pytest.skip("needs a reminder time earlier today")
    earlier = now - timedelta(minutes=10)  # "1 day before at" 10 minutes ago, today
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())

    def fill(editor: EventEditor) -> str:
        editor.title.setText("Holiday")
        [row] = editor.reminder_rows  # the all-day default
        row.days.setCurrentIndex(row.days.findData(1))
        row.at.setTime(QtCore.QTime(earlier.hour, earlier.minute))
        editor.save_button.click()
        return editor.result_action

    app.window.event_actions.run_editor = fill  # type: ignore[method-assign]
    app.window.new_event(tomorrow, tomorrow + timedelta(days=1), all_day=True)
    [ev] = app.store.search("Holiday")
    qtbot.waitUntil(lambda: any(r.event_id == ev.id for r in svc.engine.planner.reminders()),
                    timeout=3000)
    svc.engine.check()
    # And the check a change asked the scheduler for (requests make one check): run it.
    with qtbot.waitSignal(svc.scheduler.checked, timeout=3000):
        svc.scheduler.request_check()
    assert svc.window.row_count() == 0
    assert not svc.window.isVisible()
    assert svc.engine.pending() == []
