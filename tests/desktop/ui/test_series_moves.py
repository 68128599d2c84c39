"""Moving a whole series by dragging one occurrence, across a DST night."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from aurora_core.model import Event, ZonedTime, get_zone
from aurora_core.times import DisplayZone
from aurora_desktop.qt import QtGui
from aurora_desktop.store import Store
from aurora_desktop.ui.controller import Controller
from tests.helpers.times import zoned

BERLIN = "Europe/Berlin"


def test_moving_all_across_the_spring_night_keeps_the_new_wall_time(qtbot, tmp_path: Path) -> None:
    zone = get_zone(BERLIN)
    store = Store(tmp_path / "a.sqlite3")
    controller = Controller(store, QtGui.QUndoStack(), DisplayZone(BERLIN, zone))
    controller.ask_scope = lambda _verb, _following: "all"
    start = zoned(2026, 3, 21, 9, tz=BERLIN)
    store.put_event(Event.new(store.default_calendar().id, "Daily", start,
                              ZonedTime(start.at + timedelta(minutes=30), BERLIN),
                              rrule="FREQ=DAILY"))
    day = datetime(2026, 3, 28, tzinfo=zone)
    (saturday,) = store.occurrences(day, day + timedelta(days=1), zone)
    # Drag Saturday 09:00 to Sunday 10:00: the clocks go forward that night.
    assert controller.move(saturday, datetime(2026, 3, 29, 10), datetime(2026, 3, 29, 10, 30))
    week = store.occurrences(datetime(2026, 3, 27, tzinfo=zone),
                             datetime(2026, 4, 1, tzinfo=zone), zone)
    starts = [o.start.at.astimezone(zone).strftime("%d %H:%M") for o in week]
    assert starts == ["27 10:00", "28 10:00", "29 10:00", "30 10:00", "31 10:00"]
    store.close()
