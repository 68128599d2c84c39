"""Start-up (issue 12: window shown within 3x a bare Qt window): what the window needs to
show comes first; the neighbouring pages, the account, sync, subscriptions, reminders and
the dialog polish come right after its first paint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aurora_core.times import DisplayZone
from aurora_desktop.qt import QtWidgets
from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TZ, ZONE, drain_events


def _window(qtbot, store: Store, settings: Settings) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(store, settings, zone=DisplayZone(TZ, ZONE))
    qtbot.addWidget(w)
    return w


def test_the_next_pages_are_read_only_after_the_window_was_painted(
        qtbot, store: Store, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    settings.set("window/view", "month")
    w = _window(qtbot, store, settings)
    first, end = w.view.visible_range(w.date)
    assert w.model.is_cached(first, end)
    nxt = w.view.visible_range(w.view.step(w.date, 1))
    # Nothing read before the window is seen: the prefetch (a 40 ms timer) is not even
    # armed, and nothing queued reads it.
    assert not w.model._prefetch_timer.isActive()
    drain_events()
    assert not w.model.is_cached(*nxt)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.model.is_cached(*nxt), timeout=3000)
    prev = w.view.visible_range(w.view.step(w.date, -1))
    qtbot.waitUntil(lambda: w.model.is_cached(*prev), timeout=3000)


def test_after_first_paint_runs_once_after_the_paint_in_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = QtWidgets.QWidget()
    qtbot.addWidget(w)
    calls: list[str] = []
    after_first_paint(w, lambda: calls.append("a"))
    after_first_paint(w, lambda: calls.append("b"))
    drain_events()
    assert calls == []  # not shown, not painted
    w.show()
    qtbot.waitUntil(lambda: calls == ["a", "b"], timeout=3000)
    w.update()
    drain_events()  # the repaint, and whatever it would queue
    assert calls == ["a", "b"]  # once
    after_first_paint(w, lambda: calls.append("c"))  # already painted: soon
    qtbot.waitUntil(lambda: calls == ["a", "b", "c"], timeout=3000)


def test_after_first_paint_runs_at_the_latest_when_told(qtbot) -> None:  # type: ignore[no-untyped-def]
    w = QtWidgets.QWidget()
    qtbot.addWidget(w)
    calls: list[str] = []
    after_first_paint(w, lambda: calls.append("x"), at_latest_ms=100)
    qtbot.waitUntil(lambda: calls == ["x"], timeout=3000)  # never shown
    w.show()
    qtbot.waitExposed(w)
    drain_events()  # the first paint, and whatever it would queue
    assert calls == ["x"]


def test_the_window_shows_before_account_sync_subscriptions_and_reminders_load(
        tmp_path: Path) -> None:
    """run_app's window is painted before those modules are even imported; then they come."""
    code = f"""
import sys
from pathlib import Path
from aurora_desktop import app as appmod
from aurora_desktop.qt import QtCore
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.main_window import MainWindow

LATER = ("aurora_desktop.ui.account", "aurora_desktop.ui.sync_install",
         "aurora_desktop.ui.subscriptions", "aurora_desktop.sync",
         "aurora_desktop.ui.reminder_service", "aurora_desktop.reminders.native")
seen = {{}}

class Watched(MainWindow):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        after_first_paint(self, lambda: seen.setdefault("painted", [m for m in LATER if m in sys.modules]))

def done():
    app = QtCore.QCoreApplication.instance()
    if "painted" in seen and all(m in sys.modules for m in LATER):
        w = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        sync = w.statusBar().findChildren(QtCore.QObject, "syncIndicator") != []
        print("PAINTED", seen["painted"], "SERVICES", sync, flush=True)
        w.quit()
    else:
        QtCore.QTimer.singleShot(20, done)

import aurora_desktop.ui.main_window as main_window_module
main_window_module.MainWindow = Watched  # what app.build makes
appmod.make_qapp(["aurora"])
QtCore.QTimer.singleShot(0, done)
QtCore.QTimer.singleShot(20_000, QtCore.QCoreApplication.instance().quit)
print("EXIT", appmod.run_app(Path({str(tmp_path)!r}), ["aurora"]), flush=True)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**_env(), "QT_QPA_PLATFORM": "offscreen"}, check=False)
    assert "PAINTED [] SERVICES True" in r.stdout, r.stdout + r.stderr
    assert "EXIT 0" in r.stdout, r.stdout + r.stderr


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
