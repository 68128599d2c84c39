"""Screenshots of the subscription screens (docs/subscriptions.md), under Xvfb:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/subscription_screenshots.py [OUT_DIR]

A feed server on 127.0.0.1 serves two calendars; one then fails. Saves
subscription-dialog.png, subscription-dialog-error.png, subscription-sidebar.png
(the failing one's marker and its tooltip) and subscription-editor.png.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests.helpers

from ui_data import fill_demo  # noqa: E402
from ui_screenshots import grab, settle  # noqa: E402

from aurora_core.model import get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.subscriptions import refresh_all, subscribe  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402
from aurora_desktop.ui.subscriptions import install_subscriptions  # noqa: E402
from tests.helpers.feed_server import FeedServer, Route, ics  # noqa: E402

TZ = "Europe/Berlin"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    # The app's own typeface and size, as users see it (docs/dialogs.md).
    theme.install_font(app)
    zone = get_zone(TZ)
    today = date.today()
    now = datetime.combine(today, time(14, 20), zone)
    monday = today - timedelta(days=today.weekday())
    days = [(monday + timedelta(days=i)).strftime("%Y%m%d") for i in range(7)]
    server = FeedServer().start()
    server.routes["/holidays.ics"] = Route(ics(("h1", "Public holiday", days[3]),
                                               name="Public holidays"), etag='"1"')
    server.routes["/football.ics"] = Route(ics(("m1", "Cup final", days[5]),
                                               ("m2", "League match", days[1]),
                                               name="Football fixtures"))
    tmp = Path(tempfile.mkdtemp(prefix="aurora-subs-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, today, TZ)
    subscribe(store, server.url("/holidays.ics"), color="#16a34a")
    subscribe(store, server.url("/football.ics"), color="#9333ea")
    server.routes["/football.ics"] = Route(status=503)
    refresh_all(store)
    settings = Settings(QtCore.QSettings(str(tmp / "settings.ini"),
                                         QtCore.QSettings.Format.IniFormat))
    settings.set("ui/theme", "light")
    settings.set("ui/week_start", 1)
    settings.set("ui/clock_24h", "24")
    w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
    ui = install_subscriptions(SimpleNamespace(window=w, store=store, settings=settings,
                                               services=[]), tmp)
    w.resize(QtCore.QSize(1440, 900))
    w.show()
    w.view_switcher.set_view("week")
    w.navigation.set_date(today)
    settle(app)
    # The failing subscription's row, its tooltip shown.
    m = w.calendar_model
    row = next(i for i in range(m.rowCount()) if m.calendar_at(i).name == "Football fixtures")  # type: ignore[union-attr]
    lst = w.sidebar.list
    rect = lst.visualRect(m.index(row))
    QtWidgets.QToolTip.showText(lst.viewport().mapToGlobal(rect.center()),
                                m.index(row).data(QtCore.Qt.ItemDataRole.ToolTipRole), lst)
    settle(app)
    screen = w.screen() or QtGui.QGuiApplication.primaryScreen()
    pm = screen.grabWindow(0, w.x(), w.y(), w.frameGeometry().width(),
                           w.frameGeometry().height())
    if pm.isNull() or pm.width() < 10:
        pm = w.grab()
    pm.save(str(out / "subscription-sidebar.png"))
    print("wrote", out / "subscription-sidebar.png")
    QtWidgets.QToolTip.hideText()

    dlg = ui.open_dialog()
    dlg.url.setText("webcal://example.org/calendars/team-offsite.ics")
    grab(app, dlg, out / "subscription-dialog.png")
    dlg.url.setText("https://example.org/no-such.ics")
    dlg.failed("example.org says there is no calendar at this address (HTTP 404)")
    grab(app, dlg, out / "subscription-dialog-error.png")
    dlg.close()

    hol = next(s for s in store.subscriptions() if s.calendar.name == "Public holidays")
    ev = store.events(hol.calendar.id)[0]
    ed = w.event_actions.make_editor(event=ev)
    ed.show()
    grab(app, ed, out / "subscription-editor.png")
    ed.close()
    w.close()
    server.stop()
    store.close()


if __name__ == "__main__":
    main()
