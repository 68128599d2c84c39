"""Dragging in each surface of the window, through the mouse: the shared drag helper's users."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_core.model import AllDayDate, Event
from aurora_desktop.qt import Qt, QtCore, QtTest
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.gesture import DragMode
from aurora_desktop.ui.views.month import MonthView
from aurora_desktop.ui.views.timegrid import TimeGridView
from tests.helpers.ui import TODAY, at, put, wall

QTest = QtTest.QTest
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def week(w: MainWindow) -> TimeGridView:
    v = w.view
    assert isinstance(v, TimeGridView)
    return v


def test_an_all_day_bar_dragged_two_days_left_moves_two_days(window: MainWindow, store) -> None:
    ev = store.put_event(Event.new(store.default_calendar().id, "Offsite",
                                   AllDayDate(TODAY + timedelta(days=2)),
                                   AllDayDate(TODAY + timedelta(days=4))))
    window.refresh()
    h = week(window).header
    [bar] = week(window).bars()
    r = h.bar_rect(bar)
    a = QtCore.QPoint(int(r.left()) + 10, int(r.center().y()))  # on its first day, Friday
    b = QtCore.QPoint(int(a.x() - 2 * h._colw()), a.y())
    QTest.mousePress(h, LEFT, NONE, a)
    QTest.mouseMove(h, QtCore.QPoint(a.x() - 20, a.y()))
    QTest.mouseMove(h, b)
    pv = h.drag.preview
    assert pv is not None and pv.mode is DragMode.MOVE and pv.item is bar.item
    assert pv.target.date() == TODAY  # the preview follows the pointer to Wednesday
    QTest.mouseRelease(h, LEFT, NONE, b)
    got = store.get_event(ev.id)
    assert (got.start, got.end) == (AllDayDate(TODAY), AllDayDate(TODAY + timedelta(days=2)))


def test_escape_during_a_drag_leaves_the_event_where_it_was(window: MainWindow, store) -> None:
    ev = put(store, "Review", at(TODAY, 10))
    window.refresh()
    v = week(window)
    a, b = v.point_for(TODAY, time(10, 20)), v.point_for(TODAY, time(15, 20))
    QTest.mousePress(v.grid, LEFT, NONE, a)
    QTest.mouseMove(v.grid, QtCore.QPoint(a.x(), a.y() + 40))
    QTest.mouseMove(v.grid, b)
    assert v.grid.drag.preview is not None
    QTest.keyClick(v, Qt.Key.Key_Escape)
    assert v.grid.drag.preview is None
    assert v.selected_key == f"{ev.uid}/"  # Escape dropped the drag, not the selection
    QTest.mouseRelease(v.grid, LEFT, NONE, b)
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 10)


def test_a_month_chip_dragged_away_and_back_stays_on_its_day(make_window, store) -> None:
    w = make_window("month")
    ev = put(store, "Haircut", at(TODAY, 15))
    w.refresh()
    v = w.view
    assert isinstance(v, MonthView)
    v.repaint()
    r = v.item_rect(f"{ev.uid}/")
    assert r is not None
    a = r.center().toPoint()
    QTest.mousePress(v, LEFT, NONE, a)
    QTest.mouseMove(v, v.point_for_day(date(2026, 11, 28)))
    QTest.mouseMove(v, a + QtCore.QPoint(2, 0))  # back, within the drag distance
    pv = v.drag.preview
    assert pv is not None and pv.target.date() == TODAY
    QTest.mouseRelease(v, LEFT, NONE, a)
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 15)


def test_escape_during_a_month_drag_keeps_the_day(make_window, store) -> None:
    w = make_window("month")
    ev = put(store, "Haircut", at(TODAY, 15))
    w.refresh()
    v = w.view
    assert isinstance(v, MonthView)
    v.repaint()
    r = v.item_rect(f"{ev.uid}/")
    assert r is not None
    target = v.point_for_day(date(2026, 11, 28))
    QTest.mousePress(v, LEFT, NONE, r.center().toPoint())
    QTest.mouseMove(v, target)
    QTest.keyClick(v, Qt.Key.Key_Escape)
    QTest.mouseRelease(v, LEFT, NONE, target)
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 15)


def test_in_a_work_week_without_tuesday_a_bar_dropped_on_wednesday_lands_there(
        make_window, store, settings) -> None:  # type: ignore[no-untyped-def]
    settings.set("ui/work_days", "1,3,5")
    w = make_window("workweek")
    monday = TODAY - timedelta(days=2)
    ev = store.put_event(Event.new(store.default_calendar().id, "Training",
                                   AllDayDate(monday), AllDayDate(monday + timedelta(days=1))))
    w.refresh()
    v = week(w)
    assert v.days() == [monday, TODAY, TODAY + timedelta(days=2)]
    h = v.header
    [bar] = v.bars()
    a = h.bar_rect(bar).center().toPoint()
    b = QtCore.QPoint(int(a.x() + h._colw()), a.y())  # one column right: Wednesday
    QTest.mousePress(h, LEFT, NONE, a)
    QTest.mouseMove(h, QtCore.QPoint(a.x() + 20, a.y()))
    QTest.mouseMove(h, b)
    QTest.mouseRelease(h, LEFT, NONE, b)
    assert store.get_event(ev.id).start == AllDayDate(TODAY)
