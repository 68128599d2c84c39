"""Screenshot of the reminder window (for docs/screenshots), on a fake clock.

Run under X (e.g. Xvfb): xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python
bench/reminders_screenshot.py docs/screenshots
Writes reminders.png (the window), reminders-tray-menu.png (the tray menu)
and reminders-app.png (the whole screen: the real app, main window and
reminder window, on the real clock, without a tray: status-bar message).

With a tray host (apt install trayer), the tray icon and its message:
xvfb-run -a -s "-screen 0 1280x800x24" sh -c 'trayer --edge top --align right
--widthtype request --height 28 & sleep 1; .venv/bin/python
bench/reminders_screenshot.py docs/screenshots tray' -> reminders-tray.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurora_core.model import Event, Reminder, ZonedTime, get_zone
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.reminders.engine import MemoryWatermark
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.store import Store
from aurora_desktop.ui import theme
from aurora_desktop.ui.reminder_service import ReminderService
from aurora_desktop.ui.tray import AppTray

ZONE = "Europe/Berlin"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    # As the app shows it: its palette, style sheet and typeface (no main window here).
    theme.apply(app, theme.LIGHT)
    z = get_zone(ZONE)
    morning = datetime(2026, 11, 25, 7, 30, tzinfo=z)
    now = [morning]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "shot.sqlite", clock=lambda: now[0])
        cal = store.default_calendar().id

        def add(title: str, local: datetime, minutes: int, location: str = "",
                length: int = 60) -> None:
            store.put_event(Event.new(cal, title, ZonedTime(local, ZONE),
                                      ZonedTime(local + timedelta(minutes=length), ZONE),
                                      location=location, reminders=(Reminder(minutes),)))

        day = datetime(2026, 11, 25, tzinfo=z)
        add("Gym", day.replace(hour=7, minute=45), 15, "Fitness First, Alexanderplatz")
        wm = MemoryWatermark()
        svc = ReminderService(store, notifier=RecordingNotifier(), watermark=wm,
                              clock=lambda: now[0], zone_name=lambda: ZONE)
        svc.start()  # 07:30: the gym reminder shows
        svc.stop()
        # The laptop sleeps until 09:05: these fall due meanwhile.
        add("Standup", day.replace(hour=9), 15, "Room Aurora 4.12", length=15)
        add("Dentist — Dr. Weber", day.replace(hour=8, minute=30), 30, "Torstraße 91")
        add("Design review: reminders", day.replace(hour=9, minute=15), 10,
            "https://meet.example.org/aurora")
        add("Call Mum", day.replace(hour=9, minute=20), 15)
        add("Lunch with Priya", day.replace(hour=12, minute=30), 210, "Café Einstein")
        now[0] = day.replace(hour=9, minute=5)
        tray = AppTray(force=True)
        svc = ReminderService(store, notifier=RecordingNotifier(), watermark=wm, tray=tray,
                              clock=lambda: now[0], zone_name=lambda: ZONE)
        svc.start()
        w = svc.window
        w.resize(720, 360)
        w.present()
        for _ in range(20):
            app.processEvents()
        QtCore.QThread.msleep(200)
        app.processEvents()
        shot = w.screen().grabWindow(w.winId())
        shot.save(str(out / "reminders.png"))
        tray.set_paused(False)
        tray.menu.popup(QtCore.QPoint(40, 40))
        for _ in range(20):
            app.processEvents()
        tray.menu.grab().save(str(out / "reminders-tray-menu.png"))
        tray.menu.hide()
        svc.stop()
        store.close()
        tray.hide()
        svc.window.deleteLater()
        tray.deleteLater()
        app.processEvents()
    print("wrote", out / "reminders.png", "and", out / "reminders-tray-menu.png")


def app_shot(out: Path) -> None:
    """The real app (app.build + install_reminders) with a reminder due now."""
    from aurora_desktop.app import build
    from aurora_desktop.reminders.engine import FileWatermark
    from aurora_desktop.shell import install_reminders
    from aurora_desktop.ui.reminder_service import watermark_path

    qapp = QtWidgets.QApplication.instance()
    assert qapp is not None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        qs = QtCore.QSettings(str(data / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        app = build(data, ["aurora"], qsettings=qs)
        store = app.store
        cal = store.default_calendar().id
        now = datetime.now().astimezone().replace(second=0, microsecond=0)
        zone = app.window.zone.name
        items = [("Standup", 5, 15, "Room Aurora 4.12"), ("Design review", 12, 15, "Online"),
                 ("Lunch with Priya", 150, 30, "Café Einstein")]
        for title, mins, length, where in items:
            start = now + timedelta(minutes=mins)
            # written 3 hours ago: a reminder set after its time never fires
            store.put_events([Event.new(cal, title, ZonedTime(start, zone),
                                        ZonedTime(start + timedelta(minutes=length), zone),
                                        location=where, reminders=(Reminder(15),),
                                        created=now - timedelta(hours=3),
                                        updated=now - timedelta(hours=3))], touch=False)
        # one missed while "closed": due 40 minutes ago, after the watermark
        FileWatermark(watermark_path(data)).save(now - timedelta(hours=2))
        past = now - timedelta(minutes=25)
        store.put_events([Event.new(cal, "Dentist", ZonedTime(past, zone),
                                    ZonedTime(past + timedelta(minutes=30), zone),
                                    location="Torstraße 91", reminders=(Reminder(15),),
                                    created=now - timedelta(hours=3),
                                    updated=now - timedelta(hours=3))], touch=False)
        app.window.resize(1100, 700)
        app.window.move(0, 0)
        app.window.show()
        svc = install_reminders(app, data, tray=None)
        svc.window.move(660, 290)  # clear of the main window's status bar
        for _ in range(30):
            qapp.processEvents()
        QtCore.QThread.msleep(300)
        qapp.processEvents()
        screen = qapp.primaryScreen()
        screen.grabWindow(0, 0, 0, 1280, 800).save(str(out / "reminders-app.png"))
        app.shutdown()
        svc.window.deleteLater()
        qapp.processEvents()


def tray_shot(out: Path) -> None:
    """With a tray host running (e.g. `trayer`): the tray icon and its reminder message."""
    from aurora_desktop.app import build, make_qapp
    from aurora_desktop.shell import install_reminders

    qapp = make_qapp(["aurora"])
    if not AppTray.available():
        print("no system tray: start a tray host (trayer) first")
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        qs = QtCore.QSettings(str(data / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        app = build(data, ["aurora"], qsettings=qs)
        cal = app.store.default_calendar().id
        now = datetime.now().astimezone().replace(microsecond=0)
        start = now + timedelta(minutes=15, seconds=2)
        app.store.put_event(Event.new(cal, "Standup", ZonedTime(start, "UTC"),
                                      ZonedTime(start + timedelta(minutes=15), "UTC"),
                                      location="Room Aurora 4.12", reminders=(Reminder(15),)))
        svc = install_reminders(app, data)
        svc.window.move(700, 420)
        deadline = QtCore.QDeadlineTimer(8000)
        while not svc.window.isVisible() and not deadline.hasExpired():
            qapp.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents)
            QtCore.QThread.msleep(20)
        for _ in range(40):
            qapp.processEvents()
            QtCore.QThread.msleep(25)
        qapp.primaryScreen().grabWindow(0).save(str(out / "reminders-tray.png"))
        print("tray available:", AppTray.available(), "wrote reminders-tray.png", flush=True)
        app.shutdown()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "tray":
        tray_shot(Path(sys.argv[1]))
        os._exit(0)
    main()
    app_shot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
    print("wrote reminders-app.png", flush=True)
    # Two app set-ups in one process leave Qt objects that crash the interpreter's
    # final garbage collection under Xvfb; the files are written, skip it.
    os._exit(0)
