"""Screenshot of quick add: the field under "New event" and its live preview.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/quickadd_screenshot.py [OUT.png] [TEXT] [--dark]

Default OUT: docs/screenshots/quick-add.png. The window shows demo data; the
text is typed key by key as a person would, then the top-left part of the
window (sidebar, field, preview) is saved.
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
from aurora_desktop.qt import QtCore, QtTest, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402

TZ = "Europe/Berlin"
TEXT = "Call Bob every other Friday at 16:00 in New York time"


def settle(app: QtWidgets.QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots" / \
        "quick-add.png"
    dark = "--dark" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--dark"]
    out = Path(args[0]) if args else out
    text = args[1] if len(args) > 1 else TEXT
    app = make_qapp(sys.argv[:1])
    # The app's own typeface and size, as users see it (docs/dialogs.md).
    theme.install_font(app)
    QtCore.QLocale.setDefault(QtCore.QLocale(QtCore.QLocale.Language.English,
                                             QtCore.QLocale.Country.UnitedKingdom))
    zone = get_zone(TZ)
    today = date.today()
    now = datetime.combine(today, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-quickadd-shot-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, today, TZ)
    settings = Settings(QtCore.QSettings(str(tmp / "settings.ini"),
                                         QtCore.QSettings.Format.IniFormat))
    settings.set("ui/theme", "dark" if dark else "light")
    settings.set("ui/week_start", 1)
    settings.set("ui/clock_24h", "24")
    w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
    w.resize(1440, 900)
    w.show()
    settle(app)
    field = w.quick_add
    field.activate()
    if field._warm is not None:
        field._warm.join()
    QtTest.QTest.keyClicks(field, text)
    settle(app)
    p = field.preview
    right = p.geometry().right() + 24
    bottom = max(p.geometry().bottom(), field.mapTo(w, QtCore.QPoint(0, field.height())).y()) + 24
    shot = w.grab(QtCore.QRect(0, 0, min(right, w.width()), min(bottom, w.height())))
    out.parent.mkdir(parents=True, exist_ok=True)
    shot.save(str(out))
    print("wrote", out, f"({shot.width()}x{shot.height()})")
    print(p.text())
    w.close()
    store.close()


if __name__ == "__main__":
    main()
