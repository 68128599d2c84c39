"""The calendar-window stories' world: a fixed Wednesday in Berlin, and its builders.

``at(TODAY, 9)`` is 09:00 that day in Berlin, ``put(store, "Standup", at(TODAY, 9))`` an
hour-long event stored in the default calendar, ``wall(t)`` a time's wall clock in Berlin.
"""

from __future__ import annotations

from datetime import date, datetime

from aurora_core.model import EventTime, get_zone
from aurora_desktop.qt import QtCore, QtWidgets
from tests.helpers import times
from tests.helpers.events import put as put
from tests.helpers.times import on as at

TZ = times.BERLIN
ZONE = get_zone(TZ)
TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)

__all__ = ["NOW", "TODAY", "TZ", "ZONE", "at", "drag", "drain_events", "put", "wall"]


def wall(t: EventTime) -> datetime:
    """``t``'s wall clock in the stories' zone (naive)."""
    return times.wall(t, ZONE)


def drain_events(rounds: int = 3) -> None:
    """Deliver everything already queued on the GUI thread: posted events (layout
    requests, queued signals, deferred deletes) and zero-delay timers, and what those
    queue in turn, ``rounds`` deep. A test that shows something did NOT happen drains
    first instead of sleeping; nothing here waits on the clock."""
    for _ in range(rounds):
        QtWidgets.QApplication.processEvents()


def drag(widget: QtWidgets.QWidget, a: QtCore.QPoint, b: QtCore.QPoint, *,
         paint: bool = False) -> None:
    """A left-button drag from ``a`` to ``b`` on ``widget``, by way of the midpoint;
    ``paint``: the drag preview is painted before the release (grab(): repaint() may not
    paint offscreen)."""
    from aurora_desktop.qt import QtTest

    left, none = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    QtTest.QTest.mousePress(widget, left, none, a)
    QtTest.QTest.mouseMove(widget, QtCore.QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QtTest.QTest.mouseMove(widget, b)
    if paint:
        widget.grab()
    QtTest.QTest.mouseRelease(widget, left, none, b)
