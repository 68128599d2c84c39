"""The calendar-window stories' world: a fixed Wednesday in Berlin, and its builders.

``at(TODAY, 9)`` is 09:00 that day in Berlin, ``put(store, "Standup", at(TODAY, 9))`` an
hour-long event stored in the default calendar, ``wall(t)`` a time's wall clock in Berlin.
"""

from __future__ import annotations

from datetime import date, datetime

from aurora_core.model import EventTime, get_zone
from aurora_desktop.qt import QtWidgets
from tests.helpers import times
from tests.helpers.events import put as put
from tests.helpers.times import on as at

TZ = times.BERLIN
ZONE = get_zone(TZ)
TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)

__all__ = ["NOW", "TODAY", "TZ", "ZONE", "at", "drain_events", "put", "wall"]


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
