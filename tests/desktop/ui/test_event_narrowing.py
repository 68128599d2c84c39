"""Events reach the delegate and the event filter as their own classes (the code narrows on them).

The calendar list's check box toggles by click and by Space; Down in the search
field moves to the results, Escape closes the search; the editor loads each
kind of time (its start and end are of one kind).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aurora_core.model import AllDayDate, Calendar, Event, FloatingTime
from aurora_core.times import DisplayZone
from aurora_desktop.qt import Qt, QtCore, QtTest
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, at, put

QTest = QtTest.QTest


def _visible(window: MainWindow) -> bool:
    return window.store.calendars()[0].visible


def test_the_calendar_check_box_toggles_by_click_and_by_space(window: MainWindow) -> None:
    lst = window.sidebar.list
    idx = window.calendar_model.index(0)
    rect = lst.visualRect(idx)
    box = QtCore.QPoint(rect.left() + 8 + 8, rect.center().y() + 1)
    assert _visible(window)
    QTest.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     box)
    assert not _visible(window)
    lst.setFocus()
    lst.setCurrentIndex(window.calendar_model.index(0))
    QTest.keyClick(lst, Qt.Key.Key_Space)
    assert _visible(window)


def test_down_in_the_search_field_moves_to_the_results(window: MainWindow, store) -> None:
    put(store, "Dentist", at(TODAY, 9))
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.search_field, "dentist")
    window.search.run()
    assert window.search_model.rowCount() == 1
    QTest.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.search_panel.list.hasFocus()
    assert window.search_panel.list.currentIndex().row() == 0
    window.search_field.setFocus()
    QTest.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert not window.search_panel.isVisible()


def test_the_editor_loads_each_kind_of_time(qtbot) -> None:  # type: ignore[no-untyped-def]
    cal = Calendar("c1", "Work", "#3b82f6")
    start = at(TODAY, 9)
    kinds = [
        (AllDayDate(TODAY), AllDayDate(TODAY + timedelta(days=2)), "FREQ=WEEKLY"),
        (start, at(TODAY, 10), "FREQ=DAILY;COUNT=3"),
        (FloatingTime(datetime.combine(TODAY, time(9))),
         FloatingTime(datetime.combine(TODAY, time(10))), None),
    ]
    for s, e, rule in kinds:
        ev = Event.new(cal.id, "Kind", s, e, rrule=rule)
        ed = EventEditor([cal], zone=DisplayZone.named("Europe/Berlin"), event=ev)
        qtbot.addWidget(ed)
        assert ed.all_day.isChecked() == isinstance(s, AllDayDate)
        assert ed.edited_event().start == s and ed.edited_event().end == e
