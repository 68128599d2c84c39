"""Fixtures for the calendar-window stories: a store, settings and a shown main window.

The clock is fixed at Wednesday 25 November 2026, 10:00 in Europe/Berlin so
every story sees the same week. Any Qt warning logged during a test fails it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aurora_core.times import DisplayZone
from aurora_desktop.qt import QtCore, is_alive
from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.stores import make_store
from tests.helpers.ui import NOW, TODAY, TZ, ZONE

# The offscreen platform cannot do these; real platforms can.
IGNORED_QT_MESSAGES = ("does not support propagateSizeHints", "does not support raise()",
                       "does not support grabbing the keyboard")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path / "aurora.sqlite3", NOW.astimezone(UTC))
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    q = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    s = Settings(q)
    s.set("ui/week_start", 1)
    s.set("ui/clock_24h", "24")
    s.set("ui/theme", "light")
    s.set("window/date", TODAY.isoformat())
    return s


@pytest.fixture
def make_window(qtbot, store: Store, settings: Settings):  # type: ignore[no-untyped-def]
    made: list[MainWindow] = []

    def make(view: str = "week") -> MainWindow:
        settings.set("window/view", view)
        w = MainWindow(store, settings, zone=DisplayZone(TZ, ZONE), now=lambda: NOW)
        w.controller.report_error = _fail_on_error
        w.controller.ask_scope = _unexpected_question
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w
    yield make
    # Close the windows before the store closes (this fixture ends first).
    for w in made:
        if not is_alive(w):
            continue
        w.agenda_model.deactivate()
        w.close()
        w.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window) -> MainWindow:  # type: ignore[no-untyped-def]
    return make_window("week")


def _unexpected_question(verb: str, _following: bool) -> None:
    raise AssertionError(f"the window asked which occurrences to {verb}; the test must answer")


def _fail_on_error(msg: str) -> None:
    raise AssertionError(f"the window reported an error: {msg}")


@pytest.fixture(autouse=True)
def _no_qt_warnings(qtlog) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    bad = [r.message for r in qtlog.records
           if r.type in (QtCore.QtMsgType.QtWarningMsg, QtCore.QtMsgType.QtCriticalMsg,
                         QtCore.QtMsgType.QtFatalMsg)
           and not any(s in r.message for s in IGNORED_QT_MESSAGES)]
    assert not bad, f"Qt warnings: {bad}"
