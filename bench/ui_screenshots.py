"""Screenshots of the calendar window for the README and for review.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/ui_screenshots.py [OUT_DIR]

Fills a temporary store with realistic data (two-plus calendars, overlaps,
all-day, multi-day and recurring events), shows each view light and dark and
saves PNGs made with QScreen.grabWindow into OUT_DIR (docs/screenshots).
The clock is pinned to today 14:20 Europe/Berlin so the current-time line shows.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ui_data import fill_demo  # noqa: E402

from aurora_core.model import get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402

TZ = "Europe/Berlin"
SIZE = QtCore.QSize(1440, 900)


def settle(app: QtWidgets.QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def grab(app: QtWidgets.QApplication, widget: QtWidgets.QWidget, path: Path) -> None:
    settle(app)
    widget.repaint()
    settle(app, 3)
    screen = widget.screen() or QtGui.QGuiApplication.primaryScreen()
    pm = screen.grabWindow(widget.winId())
    if pm.isNull() or pm.width() < 10:  # offscreen platforms cannot grab the screen
        pm = widget.grab()
    pm.save(str(path))
    print("wrote", path)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    # The app's own typeface and size, as users see it (docs/dialogs.md).
    theme.install_font(app)
    zone = get_zone(TZ)
    today = date.today()
    now = datetime.combine(today, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-shots-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, today, TZ)
    for theme_name in ("light", "dark"):
        qs = QtCore.QSettings(str(tmp / f"settings-{theme_name}.ini"),
                              QtCore.QSettings.Format.IniFormat)
        settings = Settings(qs)
        settings.set("ui/theme", theme_name)
        settings.set("ui/week_start", 1)
        settings.set("ui/clock_24h", "24")
        w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
        w.resize(SIZE)
        w.show()
        settle(app)
        for view in ("week", "month", "day", "workweek", "agenda"):
            w.view_switcher.set_view(view)
            w.navigation.set_date(today)
            if view in ("week", "day", "workweek"):
                w.view.scroll_area.verticalScrollBar().setValue(int(7.5 * 50))  # type: ignore[attr-defined]
            if view == "week":
                # select one event so the selected look is shown too
                items = [it for it in w.model.items() if it.title.startswith("Quarterly")]
                if items:
                    w.view.select_key(items[0].key)
            grab(app, w, out / f"{view}-{theme_name}.png")
            w.view.select_key(None)
        # the editor, on a recurring event
        w.view_switcher.set_view("week")
        item = next((it for it in w.model.items() if it.title == "Team stand-up"), None)
        if item is not None:
            ed = w.event_actions.make_editor(event=item.occ.event, occurrence=item.occ)
            ed.show()
            grab(app, ed, out / f"editor-{theme_name}.png")
            ed.close()
        # search
        w.view_switcher.set_view("month")
        w.search_field.setText("review")
        w.search.run()
        grab(app, w, out / f"search-{theme_name}.png")
        w.search_field.clear()
        w.search.run()
        w.close()
        w.deleteLater()
        settle(app)
    store.close()


if __name__ == "__main__":
    main()
