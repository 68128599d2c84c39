"""Screenshots of the secondary dialogs, light and dark (docs/screenshots/dialog-*.png).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/dialog_screenshots.py [OUT_DIR]
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/dialog_screenshots.py

Each dialog is opened the way the window opens it (modal ones through the
window's own code path, grabbed while they run, then cancelled), in the font
the app uses by default (``make_qapp`` installs it; no override here), on
the demo data of bench/ui_data.py with the clock at Wed 25 Nov 2026 14:20
Europe/Berlin. Writes ``dialog-<name>-<light|dark>.png``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ui_data import fill_demo  # noqa: E402

from aurora_core.model import Reminder, ZonedTime, get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.qt import QtCore, QtWidgets  # noqa: E402
from aurora_desktop.reminders.engine import PendingReminder  # noqa: E402
from aurora_desktop.reminders.planner import DueReminder  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import dialogs  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402
from aurora_desktop.ui.reminder_window import ReminderWindow  # noqa: E402

TZ = "Europe/Berlin"
TODAY = date(2026, 11, 25)


def settle(app: QtWidgets.QApplication, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def save(app: QtWidgets.QApplication, widget: QtWidgets.QWidget, path: Path) -> None:
    settle(app)
    widget.repaint()
    settle(app, 2)
    widget.grab().save(str(path))
    print("wrote", path)


def modal(app: QtWidgets.QApplication, open_it: Callable[[], object], path: Path,
          prepare: Callable[[QtWidgets.QWidget], None] | None = None) -> None:
    """Run ``open_it`` (which shows a modal dialog and waits), grab the dialog, cancel it."""

    def grab() -> None:
        w = QtWidgets.QApplication.activeModalWidget()
        if w is None:
            QtCore.QTimer.singleShot(30, grab)
            return
        if prepare is not None:
            prepare(w)
        save(app, w, path)
        if isinstance(w, QtWidgets.QDialog):
            w.reject()
        else:
            w.close()

    QtCore.QTimer.singleShot(60, grab)
    open_it()


def pending_reminders() -> list[PendingReminder]:
    z = get_zone(TZ)

    def due(i: int, title: str, h: int, m: int, where: str, before: int,
            length: int = 60) -> DueReminder:
        start = datetime.combine(TODAY, time(h, m), z).astimezone(UTC)
        return DueReminder(f"u{i}/", f"{before}:notification", start - timedelta(minutes=before),
                           f"e{i}", f"u{i}", title, where, start,
                           start + timedelta(minutes=length), False, before)

    return [
        PendingReminder(due(1, "Dentist — Dr. Weber", 13, 30, "Torstraße 91", 30), missed=True),
        PendingReminder(due(2, "Quarterly planning with the design and research teams", 14, 0,
                            "Room Aurora 4.12", 15), missed=True),
        PendingReminder(due(3, "Design review: reminders", 14, 30,
                            "https://meet.example.org/aurora", 10), missed=False),
        PendingReminder(due(4, "Call Mum", 14, 35, "", 15, 20), missed=False),
        PendingReminder(due(5, "Gym", 7, 45, "Fitness First, Alexanderplatz", 15),
                        missed=False, earlier=True),
    ]


def shots(app: QtWidgets.QApplication, w: MainWindow, store: Store, out: Path,
          name: str, ics: Path) -> None:
    def p(what: str) -> Path:
        return out / f"dialog-{what}-{name}.png"

    now = datetime.combine(TODAY, time(14, 20), get_zone(TZ))
    # Settings: every page the bare window has.
    dlg = w.settings_ui.make_dialog()
    dlg.show()
    save(app, dlg, p("settings"))
    dlg.close()
    # Calendar properties: new (with the empty-name problem said), and an existing one.
    cal = dialogs.CalendarDialog(None, w)
    cal.show()
    save(app, cal, p("calendar-new"))
    cal._ok()
    save(app, cal, p("calendar-empty-name"))
    cal.close()
    cal = dialogs.CalendarDialog(store.default_calendar(), w)
    cal.show()
    save(app, cal, p("calendar"))
    cal.close()
    # Subscribe to a calendar (File menu).
    from aurora_desktop.ui.subscribe_dialog import SubscribeDialog

    sub = SubscribeDialog(lambda _url, _name: None, w)
    sub.url.setText("webcal://example.org/holidays/de.ics")
    sub.show()
    save(app, sub, p("subscribe"))
    sub.close()
    # Scope question.
    modal(app, lambda: dialogs.ask_scope(w, "move"), p("scope"))
    # Import target and export choice (the window's own code paths).
    def import_question() -> None:  # the question comes once the file was scanned
        op = w.import_export.import_ics(ics)
        while op is not None and op.running:  # until it was answered (cancelled)
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)

    modal(app, import_question, p("import-target"))
    modal(app, lambda: w.import_export.export_ics(), p("export"))
    # About, shortcuts.
    modal(app, w.menu_actions.show_about, p("about"))
    modal(app, w.menu_actions.show_shortcuts, p("shortcuts"))
    # The reminder window.
    rw = ReminderWindow(w)
    rw.set_pending(pending_reminders(), get_zone(TZ), now.astimezone(UTC))
    rw.present()
    save(app, rw, p("reminders"))
    rw.close()
    # The editor: an event in another zone (the "your time" hint).
    ny = ZonedTime.from_local(datetime.combine(TODAY + timedelta(days=1), time(9, 30)),
                              "America/New_York")
    ed = w.event_actions.make_editor(start=datetime.combine(TODAY + timedelta(days=1), time(15, 30)),
                       end=datetime.combine(TODAY + timedelta(days=1), time(16, 30)))
    ed.title.setText("Board call with the New York office")
    ed._set_zone(ny.tz)
    ed.start_time.setTime(QtCore.QTime(9, 30))
    ed.location.setText("Zoom")
    ed._add_reminder(Reminder(10))
    ed.show()
    save(app, ed, p("editor-zone"))
    # Esc after an edit: the question.
    modal(app, ed.ask_discard, p("discard"))
    ed.close()
    # An all-day event: its own default reminder, "1 day before at 09:00".
    ed = w.event_actions.make_editor(start=datetime.combine(TODAY + timedelta(days=2), time(0)),
                       end=datetime.combine(TODAY + timedelta(days=3), time(0)), all_day=True)
    ed.title.setText("Mia's birthday")
    ed.show()
    save(app, ed, p("editor-all-day"))
    ed.close()
    # The notice after a delete, over the window (its lower part).
    item = next(it for it in w.model.items() if it.title == "Lunch with Sam")
    w.controller.delete(item.occ)
    settle(app)
    n = w.undo_notice.geometry()
    area = QtCore.QRect(n.x() - 200, n.y() - 120, n.width() + 400, n.height() + 150)
    w.grab(area.intersected(w.rect())).save(str(p("undo-notice")))
    print("wrote", p("undo-notice"))
    w.undo_stack.undo()


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    zone = get_zone(TZ)
    now = datetime.combine(TODAY, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-dialog-shots-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, TODAY, TZ)
    ics = tmp / "Holidays 2027.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    for name in ("light", "dark"):
        qs = QtCore.QSettings(str(tmp / f"settings-{name}.ini"), QtCore.QSettings.Format.IniFormat)
        settings = Settings(qs)
        settings.set("ui/theme", name)
        settings.set("ui/week_start", 1)
        settings.set("ui/clock_24h", "24")
        settings.set("window/date", TODAY.isoformat())
        w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
        w.resize(1280, 800)
        w.show()
        settle(app)
        shots(app, w, store, out, name, ics)
        w.close()
        w.deleteLater()
        settle(app)
    store.close()


if __name__ == "__main__":
    main()
