"""Screenshots of sync in the window: the status-bar indicator in each state, the sync details,
the account dialog's two sync questions. Light and dark.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/sync_screenshots.py [OUT_DIR]

Every state is real: the local stack (`aurora-cloud local`) runs in a child
process, the window syncs with it through a small proxy that can go down,
slow down or refuse a change, and a second desktop in this process edits the
same account. Written to OUT_DIR (docs/screenshots):

- ``sync-synced-*``, ``sync-syncing-*``, ``sync-offline-*``, ``sync-conflict-*``,
  ``sync-problem-*``, ``sync-signed-out-*``: the bottom right of the window
  with the indicator (and its tooltip, where the reason is the point);
- ``sync-details-*``: the sync details with a conflict and a refused change;
- ``sync-window-*``: the whole window, synced;
- ``account-adopt-*``, ``account-sign-out-*``: the account dialog's questions.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # bench/, and the root for tests.helpers

from ui_data import fill_demo  # noqa: E402
from ui_screenshots import settle  # noqa: E402

from aurora_core.model import get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.auth import AccountService, MemorySecrets  # noqa: E402
from aurora_desktop.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.account import install_account  # noqa: E402
from aurora_desktop.ui.account_dialog import AccountDialog  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402
from aurora_desktop.ui.sync_install import SyncUi, install_sync  # noqa: E402
from tests.helpers.cloud_process import CloudProcess  # noqa: E402
from tests.helpers.desktops import Desktop  # noqa: E402
from tests.helpers.synced_window import SwitchProxy  # noqa: E402

TZ = "Europe/Berlin"
EMAIL = "ada.lovelace@example.com"
PASSWORD = "Correct-Horse-42"
THEMES = ("light", "dark")
STRIP = QtCore.QSize(760, 44)  # the bottom right of the window: the indicator and its neighbours
TIP_ROOM = 150  # room above the status bar for the tooltip


class Shots:
    def __init__(self, app: QtWidgets.QApplication, out: Path, settings: Settings,
                 window: MainWindow, sync: SyncUi) -> None:
        self.app, self.out, self.settings, self.window, self.sync = app, out, settings, window, sync

    def wait(self, cond: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            self.app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.01)

    def themed(self, shoot: Callable[[str], None]) -> None:
        """Call ``shoot(theme)`` in each theme (the window and its dialogs follow the setting)."""
        for name in THEMES:
            self.settings.set("ui/theme", name)
            settle(self.app)
            shoot(name)
        self.settings.set("ui/theme", "light")

    def save(self, pm: QtGui.QPixmap, name: str) -> None:
        path = self.out / f"{name}.png"
        pm.save(str(path))
        print("wrote", path)

    def area(self, rect: QtCore.QRect) -> QtGui.QPixmap:
        settle(self.app)
        screen = QtGui.QGuiApplication.primaryScreen()
        return screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())

    def indicator(self, state: str, *, tooltip: bool = False) -> None:
        """The bottom right of the window; with the indicator's tooltip shown above it."""
        ind = self.sync.indicator
        geo = self.window.geometry()  # client area in global coordinates

        def shoot(theme: str) -> None:
            hide_tooltip(self.app)
            top = geo.bottom() - STRIP.height() + 1
            rect = QtCore.QRect(geo.right() - STRIP.width() + 1, top, STRIP.width(),
                                STRIP.height())
            if tooltip:
                rect.setTop(top - TIP_ROOM)
                QtWidgets.QToolTip.showText(ind.mapToGlobal(QtCore.QPoint(0, 0)),
                                            ind.toolTip(), ind)
                settle(self.app, 12)
                tip = tooltip_label()
                if tip is not None:  # right-aligned with the window, just above the status bar
                    tip.move(geo.right() - tip.width() - 6, top - tip.height() - 4)
                    settle(self.app, 6)
            self.save(self.area(rect), f"sync-{state}-{theme}")
            hide_tooltip(self.app)

        self.themed(shoot)

    def widget(self, widget: QtWidgets.QWidget, name: str) -> None:
        def shoot(theme: str) -> None:
            widget.raise_()
            settle(self.app, 12)
            self.save(self.area(widget.frameGeometry()), f"{name}-{theme}")

        self.themed(shoot)


def tooltip_label() -> QtWidgets.QWidget | None:
    for w in QtWidgets.QApplication.topLevelWidgets():
        if w.metaObject().className() == "QTipLabel" and w.isVisible():
            return w
    return None


def hide_tooltip(app: QtWidgets.QApplication) -> None:
    QtWidgets.QToolTip.hideText()
    tip = tooltip_label()
    if tip is not None:
        tip.hide()
    settle(app)


def sign_up(cloud: CloudProcess, tmp: Path) -> None:
    svc = AccountService(tmp / "signup", MemorySecrets())
    server = svc.connect(cloud.url)
    svc.sign_up(server, EMAIL, PASSWORD)
    svc.confirm(server, EMAIL, cloud.code_for(EMAIL))
    svc.close()


def idle(dlg: AccountDialog, shots: Shots) -> None:
    shots.wait(lambda: dlg.op is None, "the account step")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    # The app's own typeface and size, as users see it (docs/dialogs.md).
    theme.install_font(app)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-sync-shots-"))
    cloud = CloudProcess(tmp / "cloud").start()
    proxy = SwitchProxy(cloud.url)
    other: Desktop | None = None
    try:
        sign_up(cloud, tmp)
        zone = get_zone(TZ)
        data = tmp / "laptop"
        data.mkdir()
        store = Store(data / "aurora.sqlite3")
        today = datetime.now(zone).date()
        fill_demo(store, today, TZ)
        qs = QtCore.QSettings(str(data / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        settings = Settings(qs)
        settings.set("ui/theme", "light")
        settings.set("ui/week_start", 1)
        settings.set("ui/clock_24h", "24")
        settings.set("ui/time_zone", TZ)
        w = MainWindow(store, settings, zone=DisplayZone(TZ, zone))
        w.resize(1280, 800)
        w.move(40, 20)
        shell = SimpleNamespace(window=w, store=store, settings=settings, services=[])
        account = install_account(shell, data, service=AccountService(data, MemorySecrets()))
        sync = install_sync(shell, data, account)
        w.show()
        settle(app)
        shots = Shots(app, out, settings, w, sync)
        shots.wait(lambda: account.status is not None, "the account status")
        sync.start()
        c = sync.controller

        # -- signing in: "add this computer's calendars?" -------------------------
        dlg = account.open_dialog()
        assert dlg is not None
        dlg.server_page.url.setText(proxy.url)
        dlg.connect_server()
        idle(dlg, shots)
        dlg.sign_in_page.email.setText(EMAIL)
        dlg.sign_in_page.password.setText(PASSWORD)
        dlg.sign_in()
        idle(dlg, shots)
        assert dlg.page.key == "adopt", dlg.page.key
        shots.widget(dlg, "account-adopt")
        dlg.adopt_page.primary.click()  # type: ignore[union-attr]
        dlg.close()
        shots.wait(lambda: c.last_ok is not None and not c.running and c.pending == 0,
                   "the first sync")

        # -- synced --------------------------------------------------------------
        shots.indicator("synced", tooltip=True)
        hide_tooltip(app)
        shots.themed(lambda theme: shots.save(shots.area(w.frameGeometry()),
                                              f"sync-window-{theme}"))

        # -- the office desktop on the same account -----------------------------
        other = Desktop("office", tmp / "office", cloud)
        other.sign_in(EMAIL, PASSWORD)
        other.sync()

        # -- syncing (a slow network) -------------------------------------------
        proxy.delay = 4.0
        c.sync_now()
        shots.wait(lambda: c.state == "syncing", "syncing")
        shots.indicator("syncing")
        shots.wait(lambda: not c.running, "the slow sync", timeout=60)
        proxy.delay = 0.0

        # -- offline, with changes waiting --------------------------------------
        proxy.down = True
        c.edit_delay_ms = 200
        events = sorted(store.events(), key=lambda e: e.title)
        for ev in events[:3]:
            store.put_event(ev.replace(location=(ev.location + " (moved)").strip()))
        shots.wait(lambda: c.state == "offline" and c.pending == 3, "offline")
        shots.indicator("offline", tooltip=True)
        proxy.down = False
        c.network_online()
        shots.wait(lambda: c.state == "idle" and c.pending == 0 and not c.running, "back online")

        # -- a conflict: the same title changed on both --------------------------
        target = next(e for e in store.events() if e.title and not e.rrule)
        other.sync()
        other.edit(target.id, title=f"{target.title} (moved to 3 pm)")
        other.sync()
        store.put_event(store.get_event(target.id).replace(title=f"{target.title} — cancelled?"))
        shots.wait(lambda: len(c.conflicts) == 1 and not c.running and c.pending == 0,
                   "the conflict")
        shots.indicator("conflict", tooltip=True)

        # -- a refused change ----------------------------------------------------
        refused = next(e for e in store.events() if e.id != target.id and not e.rrule)

        why = "notes: this server keeps at most 2,000 characters"

        def refuse(method: str, path: str, body: bytes) -> tuple[int, dict[str, object]] | None:
            """Refuse the one event as the server refuses an item it will not take.

            The desktop sends event changes in ``POST /events/batch``; the server answers
            200 with a result per item, an item it will not take as ``400`` with the
            reason. A batch of just that event gets exactly that answer. A batch with
            other items too is refused as a whole (422), so the desktop sends them one
            by one (sync/client.py), and the single ``PUT`` of that event is refused.
            """
            if method == "POST" and path == "/events/batch":
                try:
                    req = json.loads(body)
                except ValueError:
                    return None
                ids = [str(e.get("id", "")).lower() for e in req.get("events", [])]
                ids += [str(d.get("id", "")).lower() for d in req.get("deletes", [])]
                if refused.id.lower() not in ids:
                    return None
                if ids != [refused.id.lower()]:
                    return 422, {"title": "Unprocessable", "status": 422, "detail": why}
                return 200, {"results": [{"id": refused.id, "status": 400, "detail": why}]}
            if method == "PUT" and path == f"/events/{refused.id}":
                return 400, {"title": "Bad Request", "status": 400, "detail": why}
            return None

        proxy.refuse = refuse
        store.put_event(store.get_event(refused.id).replace(notes="Minutes: " + "… " * 1500))
        shots.wait(lambda: len(c.problems) == 1 and not c.running, "the refused change")
        shots.indicator("problem", tooltip=True)

        # -- the sync details: both values of the conflict, the refused change --
        details = sync.open_details()
        details.resize(760, 520)
        details.move(w.geometry().center() - details.rect().center())
        row = details.conflicts.topLevelItem(0)
        details.conflicts.setCurrentItem(row)
        shots.widget(details, "sync-details")
        details.close()
        proxy.refuse = None

        # -- "keep a copy on this computer?" with a change not sent yet ---------
        c.edit_delay_ms = 600_000
        store.put_event(store.get_event(target.id).replace(location="Room 4"))
        shots.wait(lambda: c.pending >= 1, "a waiting change")
        dlg = account.open_dialog()
        assert dlg is not None
        dlg.begin_sign_out(everywhere=False)
        assert dlg.page.key == "sign_out"
        shots.widget(dlg, "account-sign-out")
        dlg.close()

        # -- signed out elsewhere: this sign-in ends ------------------------------
        other.accounts.sign_out(everywhere=True)
        c.sync_now()
        shots.wait(lambda: c.state == "signed_out" and not c.running, "the ended sign-in")
        shots.indicator("signed-out", tooltip=True)

        sync.stop()
        account.stop()
        w.close()
        w.deleteLater()
        settle(app)
        store.close()
    finally:
        if other is not None:
            other.close()
        proxy.stop()
        cloud.stop()


if __name__ == "__main__":
    main()
