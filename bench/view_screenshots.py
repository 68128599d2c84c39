"""Screenshots of the calendar views at the sizes issue 12 was about (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/view_screenshots.py OUT_DIR [PREFIX]

Fills a temporary store with the demo data (bench/ui_data.py) plus three
meetings at about 15:00 on Thursday, then grabs PREFIX + week-1280.png (the
default 1280x820), week-950.png, month-950.png, month-after-drag.png (a chip
dragged to another day), day.png and week-focus.png (week numbers, the
keyboard cursor under today) and search.png (Enter chose the first result).
It prints where the view switcher sits for two titles of different widths.
The clock is pinned to Wednesday 25 November 2026, 14:20 Europe/Berlin.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ui_data import fill_demo  # noqa: E402

from aurora_core.model import Event, ZonedTime, get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.qt import Qt, QtCore, QtTest, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402

TZ = "Europe/Berlin"
TODAY = date(2026, 11, 25)


def settle(app: QtWidgets.QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def grab(app: QtWidgets.QApplication, widget: QtWidgets.QWidget, path: Path) -> None:
    settle(app)
    widget.repaint()
    settle(app, 3)
    widget.grab().save(str(path))
    print("wrote", path)


def main() -> None:
    out = Path(sys.argv[1])
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    zone = get_zone(TZ)
    now = datetime.combine(TODAY, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-shots-"))
    store = Store(tmp / "aurora.sqlite3")
    cals = fill_demo(store, TODAY, TZ)
    thu = TODAY + timedelta(days=1)

    def zt(d: date, h: int, m: int = 0) -> ZonedTime:
        return ZonedTime.from_local(datetime.combine(d, time(h, m)), TZ)

    for cal, title, h, m, dur in ((cals["work"], "Budget review", 15, 0, 60),
                                  (cals["work"], "1:1 with Dana", 15, 0, 30),
                                  (cals["family"], "Quarterly taxes call", 15, 15, 45)):
        s = zt(thu, h, m)
        store.put_event(Event.new(cal, title, s, ZonedTime(s.at + timedelta(minutes=dur), TZ)))
    qs = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    settings = Settings(qs)
    settings.set("ui/theme", "light")
    settings.set("ui/week_start", 1)
    settings.set("ui/clock_24h", "24")
    settings.set("ui/week_numbers", True)
    w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
    w.resize(1280, 820)
    w.show()
    settle(app)
    w.view_switcher.set_view("week")
    w.navigation.set_date(TODAY)
    w.view.scroll_area.verticalScrollBar().setValue(int(8.5 * 50))  # type: ignore[attr-defined]
    grab(app, w, out / f"{prefix}week-1280.png")
    w.resize(950, 820)
    settle(app)
    grab(app, w, out / f"{prefix}week-950.png")
    w.view_switcher.set_view("month")
    grab(app, w, out / f"{prefix}month-950.png")
    w.resize(1280, 820)
    settle(app)
    # drag one chip to the next day, then look at the bars of that colour
    v = w.view
    item = next(it for it in w.model.items() if it.title == "Release train")
    v.repaint()
    r = v.item_rect(item.key)  # type: ignore[attr-defined]
    if r is not None:
        a = r.center().toPoint()
        b = v.point_for_day(item.start.date() + timedelta(days=1))  # type: ignore[attr-defined]
        QtTest.QTest.mousePress(v, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        QtTest.QTest.mouseMove(v, QtCore.QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
        QtTest.QTest.mouseMove(v, b)
        v.repaint()
        QtTest.QTest.mouseRelease(v, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier, b)
    grab(app, w, out / f"{prefix}month-after-drag.png")
    w.view_switcher.set_view("day")
    w.navigation.set_date(TODAY)
    w.view.scroll_area.verticalScrollBar().setValue(int(8.5 * 50))  # type: ignore[attr-defined]
    w.view.setFocus()
    grab(app, w, out / f"{prefix}day.png")
    w.view_switcher.set_view("week")
    w.view.setFocus()
    grab(app, w, out / f"{prefix}week-focus.png")
    w.search_field.setText("review")
    w.search_field.setFocus()
    QtTest.QTest.keyClick(w.search_field, Qt.Key.Key_Return)
    grab(app, w, out / f"{prefix}search.png")
    # the toolbar: where the view switcher sits for two titles
    for d in (date(2026, 5, 13), date(2026, 12, 30)):
        w.navigation.set_date(d)
        settle(app)
        sw = w.findChild(QtWidgets.QFrame, "viewSwitcher")
        print(d, w.title_label.text(), "switcher x =", sw.mapTo(w, QtCore.QPoint(0, 0)).x()
              if sw else None)
    w.close()
    store.close()


if __name__ == "__main__":
    main()
