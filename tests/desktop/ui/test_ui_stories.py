"""The calendar window, told as the user's stories."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_core.model import Reminder, ZonedTime
from aurora_desktop.qt import Qt, QtCore, QtGui, QtTest
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.month import MonthView
from aurora_desktop.ui.views.timegrid import TimeGridView
from tests.helpers.ui import TODAY, TZ, at, drag, put, wall

THU = TODAY + timedelta(days=1)
QTest = QtTest.QTest


def week_view(w: MainWindow) -> TimeGridView:
    v = w.view
    assert isinstance(v, TimeGridView)
    return v


# ------------------------------------------------------------------ editor


def test_an_event_created_through_the_editor_is_in_the_store(window: MainWindow, store) -> None:
    seen: dict[str, object] = {}

    def fill(editor: EventEditor) -> str:
        seen["save_enabled_before"] = editor.save_button.isEnabled()
        QTest.keyClicks(editor.title, "Planning poker")
        editor.location.setText("Room 7")
        editor.notes.setPlainText("bring cards")
        editor.start_date.setDate(QtCore.QDate(2026, 11, 26))
        editor.start_time.setTime(QtCore.QTime(14, 0))
        editor.end_time.setTime(QtCore.QTime(15, 30))
        editor.repeat.setCurrentIndex(2)  # weekly
        editor.ends.setCurrentIndex(2)
        editor.count.setValue(4)
        for r in list(editor.reminder_rows):
            editor._remove_reminder(r)
        editor._add_reminder(Reminder(60, "email"))
        assert editor.save_button.isEnabled(), editor.error.text()
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    [ev] = store.search("Planning poker")
    assert ev.location == "Room 7" and ev.notes == "bring cards"
    assert isinstance(ev.start, ZonedTime) and ev.start.tz == TZ
    assert wall(ev.start) == datetime(2026, 11, 26, 14, 0)
    assert wall(ev.end) == datetime(2026, 11, 26, 15, 30)
    assert ev.rrule == "FREQ=WEEKLY;COUNT=4"  # on its own weekday (Thursday)
    assert ev.reminders == (Reminder(60, "email"),)
    # it shows in the week view, selected
    assert window.view.selected_item() is not None
    assert window.view.selected_item().occ.event.id == ev.id
    # and it can be undone
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.search("Planning poker") == []


def test_the_editor_refuses_an_end_before_the_start_and_says_why(window: MainWindow) -> None:
    ed = window.event_actions.make_editor(start=datetime(2026, 11, 26, 10), end=datetime(2026, 11, 26, 11))
    ed.title.setText("Backwards")
    assert ed.save_button.isEnabled()
    ed.end_time.setTime(QtCore.QTime(9, 0))
    assert not ed.save_button.isEnabled()
    assert "ends before it starts" in ed.error.text()
    ed.close()


def test_editing_an_event_through_the_editor_changes_it(window: MainWindow, store) -> None:
    ev = put(store, "Dentist", at(THU, 9))
    window.refresh()
    item = window.model.find(f"{ev.uid}/")
    assert item is not None

    def fill(editor: EventEditor) -> str:
        assert editor.title.text() == "Dentist"
        editor.title.setText("Dentist (moved)")
        editor.start_time.setTime(QtCore.QTime(11, 0))  # the end follows: 12:00
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.event_actions.edit_item(item)
    got = store.get_event(ev.id)
    assert got.title == "Dentist (moved)"
    assert wall(got.start) == datetime(2026, 11, 26, 11) and wall(got.end) == datetime(
        2026, 11, 26, 12)


# ----------------------------------------------------------- drag and undo


def test_dragging_an_event_in_the_week_view_moves_it(window: MainWindow, store) -> None:
    ev = put(store, "Review", at(TODAY, 10))
    window.refresh()
    v = week_view(window)
    drag(v.grid, v.point_for(TODAY, time(10, 20)), v.point_for(THU, time(13, 20)))
    got = store.get_event(ev.id)
    assert wall(got.start) == datetime(2026, 11, 26, 13, 0)
    assert wall(got.end) == datetime(2026, 11, 26, 14, 0)
    assert got.start.tz == TZ


def test_dragging_the_lower_edge_resizes_with_a_15_minute_snap(window: MainWindow,
                                                               store) -> None:
    ev = put(store, "Workshop", at(TODAY, 10))
    window.refresh()
    v = week_view(window)
    [piece] = v.pieces()
    r = v.piece_rect(piece)
    edge = QtCore.QPoint(int(r.center().x()), int(r.bottom()) - 2)
    target = v.point_for(TODAY, time(12, 22))
    drag(v.grid, edge, QtCore.QPoint(edge.x(), target.y()))
    got = store.get_event(ev.id)
    assert wall(got.start) == datetime(2026, 11, 25, 10, 0)
    assert wall(got.end) == datetime(2026, 11, 25, 12, 15)


def test_undo_restores_a_move_and_redo_repeats_it(window: MainWindow, store) -> None:
    ev = put(store, "Review", at(TODAY, 10))
    window.refresh()
    v = week_view(window)
    drag(v.grid, v.point_for(TODAY, time(10, 20)), v.point_for(TODAY, time(15, 20)))
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 15)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 10)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 15)


def test_delete_then_undo_brings_the_event_back(window: MainWindow, store) -> None:
    ev = put(store, "Lunch", at(TODAY, 12))
    window.refresh()
    window.view.select_key(f"{ev.uid}/")
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert store.search("Lunch") == []
    window.undo_stack.undo()
    assert store.get_event(ev.id).title == "Lunch"
    assert window.model.find(f"{ev.uid}/") is not None


def test_drag_to_create_opens_the_editor_with_that_range(window: MainWindow, store) -> None:
    got: dict[str, object] = {}

    def fill(editor: EventEditor) -> str:
        got["start"] = (editor.start_date.date(), editor.start_time.time())
        got["end"] = editor.end_time.time()
        editor.title.setText("Made by dragging")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    v = week_view(window)
    drag(v.grid, v.point_for(THU, time(14, 5)), v.point_for(THU, time(15, 55)))
    assert got["start"] == (QtCore.QDate(2026, 11, 26), QtCore.QTime(14, 0))
    assert got["end"] == QtCore.QTime(16, 0)
    [ev] = store.search("Made by dragging")
    assert wall(ev.start) == datetime(2026, 11, 26, 14)


def test_dragging_in_the_month_view_moves_to_another_day(make_window, store) -> None:
    w = make_window("month")
    ev = put(store, "Haircut", at(TODAY, 15))
    w.refresh()
    v = w.view
    assert isinstance(v, MonthView)
    v.repaint()
    r = v.item_rect(f"{ev.uid}/")
    assert r is not None
    drag(v, r.center().toPoint(), v.point_for_day(date(2026, 11, 28)))
    got = store.get_event(ev.id)
    assert wall(got.start) == datetime(2026, 11, 28, 15)
    assert wall(got.end) == datetime(2026, 11, 28, 16)


# -------------------------------------------------------------- recurrence


def test_this_and_following_on_a_weekly_series_splits_it(window: MainWindow, store) -> None:
    first = TODAY - timedelta(weeks=2)
    master = put(store, "Stand-up", at(first, 9), 30, rrule="FREQ=WEEKLY")
    window.refresh()
    asked: list[str] = []

    def scope(verb: str, _following: bool) -> str:
        asked.append(verb)
        return "following"

    window.controller.ask_scope = scope
    v = week_view(window)
    drag(v.grid, v.point_for(TODAY, time(9, 10)), v.point_for(TODAY, time(11, 10)))
    assert asked == ["move"]
    old, _old_overrides = store.series(master.uid)
    assert old is not None and "UNTIL=" in (old.rrule or "")
    series = [e for e in store.events() if e.recurrence_id is None and e.title == "Stand-up"]
    assert len(series) == 2
    new = next(e for e in series if e.uid != master.uid)
    assert wall(new.start) == datetime(2026, 11, 25, 11)
    assert new.rrule == "FREQ=WEEKLY"
    # earlier weeks keep 09:00, this and later weeks are at 11:00
    window.navigation.set_date(TODAY - timedelta(weeks=1))
    assert [it.start.time() for it in window.model.items()] == [time(9)]
    window.navigation.set_date(TODAY + timedelta(weeks=3))
    assert [it.start.time() for it in window.model.items()] == [time(11)]
    # undo joins them again
    window.undo_stack.undo()
    assert [e.uid for e in store.events() if e.title == "Stand-up"] == [master.uid]
    assert store.get_event(master.id).rrule == "FREQ=WEEKLY"


def test_only_this_occurrence_makes_an_override(window: MainWindow, store) -> None:
    master = put(store, "Gym", at(TODAY - timedelta(weeks=1), 18), rrule="FREQ=WEEKLY")
    window.refresh()
    window.controller.ask_scope = lambda verb, f: "this"
    v = week_view(window)
    drag(v.grid, v.point_for(TODAY, time(18, 10)), v.point_for(TODAY, time(19, 10)))
    m, overrides = store.series(master.uid)
    assert m is not None and m.rrule == "FREQ=WEEKLY"
    assert len(overrides) == 1 and wall(overrides[0].start) == datetime(2026, 11, 25, 19)


def test_deleting_one_occurrence_asks_and_excludes_it(window: MainWindow, store) -> None:
    master = put(store, "Gym", at(TODAY - timedelta(weeks=1), 18), rrule="FREQ=WEEKLY")
    window.refresh()
    window.controller.ask_scope = lambda verb, f: "this"
    item = next(it for it in window.model.items())
    window.view.select_key(item.key)
    window.event_actions.delete_selected()
    assert len(store.get_event(master.id).exdates) == 1
    assert window.model.items() == []


# ---------------------------------------------------------------- keyboard


def test_views_switch_and_navigate_by_keyboard(window: MainWindow) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_M)
    assert window.current_view == "month"
    title = window.title_label.text()
    assert "November 2026" in title
    QTest.keyClick(window.view, Qt.Key.Key_PageDown)
    assert window.date.month == 12 and "December 2026" in window.title_label.text()
    QTest.keyClick(window.view, Qt.Key.Key_T)
    assert window.date == TODAY
    QTest.keyClick(window.view, Qt.Key.Key_Right)
    assert window.date == TODAY + timedelta(days=1)
    QTest.keyClick(window.view, Qt.Key.Key_Down)
    assert window.date == TODAY + timedelta(days=8)
    for key, name in ((Qt.Key.Key_D, "day"), (Qt.Key.Key_W, "week"), (Qt.Key.Key_X, "workweek"),
                      (Qt.Key.Key_A, "agenda"), (Qt.Key.Key_M, "month")):
        QTest.keyClick(window.view, key)
        assert window.current_view == name
        assert window.view.hasFocus() or window.view.isAncestorOf(
            window.focusWidget()), name
    QTest.keyClick(window.view, Qt.Key.Key_W)
    d = window.date
    QTest.keyClick(window.view, Qt.Key.Key_PageUp)
    assert window.date == d - timedelta(weeks=1)


def test_tab_selects_events_and_enter_opens_the_editor(window: MainWindow, store) -> None:
    put(store, "First", at(TODAY, 9))
    put(store, "Second", at(THU, 9))
    window.refresh()
    opened: list[str] = []

    def fake(editor: EventEditor) -> str:
        opened.append(editor.title.text())
        return ""

    window.event_actions.run_editor = fake  # type: ignore[method-assign]
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    QTest.keyClick(window.view, Qt.Key.Key_Return)
    assert opened == ["Second"]


def test_the_help_menu_lists_the_shortcuts(window: MainWindow) -> None:
    rows = dict(window.menu_actions.shortcut_rows())
    assert rows["New event"] == QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.New).toString(
        QtGui.QKeySequence.SequenceFormat.NativeText)
    assert rows["Month"] == "M" and rows["Today"] == "T"


# ------------------------------------------------------------------ search


def test_search_jumps_to_the_event_and_selects_it(window: MainWindow, store) -> None:
    far = date(2027, 3, 17)
    ev = put(store, "Tax appointment", at(far, 14), location="Finanzamt")
    put(store, "Something else", at(TODAY, 9))
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    QTest.keyClicks(window.search_field, "finanz")
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.search_model.rowCount() == 1
    assert window.date == far
    sel = window.view.selected_item()
    assert sel is not None and sel.occ.event.id == ev.id
    assert "March 2027" in window.title_label.text()


# ------------------------------------------------------- state and settings


def test_the_window_remembers_view_date_and_geometry(make_window, settings) -> None:
    w = make_window("month")
    w.resize(1000, 700)
    w.navigation.set_date(date(2027, 1, 10))
    w.close()
    assert settings.get("window/view") == "month"
    w2 = make_window("week")  # the fixture sets the view; the saved date is kept
    assert w2.date == date(2027, 1, 10)
    assert settings.get("window/geometry")
    assert w2.size() != QtCore.QSize(1280, 820)  # not the first-run default


def test_closing_can_hide_instead_of_quitting(window: MainWindow) -> None:
    window.hide_on_close = lambda: True
    window.close()
    assert window.isHidden()
    assert window.show_event is not None


def test_settings_dialog_pages_can_be_added(window: MainWindow, settings) -> None:
    from aurora_desktop.ui.dialogs import SettingsPage

    class Extra(SettingsPage):
        title = "Reminders"
        applied = False

        def apply(self) -> None:
            Extra.applied = True

    window.add_settings_page(Extra)
    dlg = window.settings_ui.make_dialog()
    assert [p.title for p in dlg.pages] == ["Calendar", "Reminders"]
    general = dlg.pages[0]
    general.week_start.setCurrentIndex(general.week_start.findData(7))  # Sunday
    dlg._ok()
    assert Extra.applied and settings.get("ui/week_start") == 7
    assert window.view.days()[0].isoweekday() == 7


def test_show_event_hook_jumps_and_selects(window: MainWindow, store) -> None:
    ev = put(store, "Flight", at(date(2026, 12, 24), 7))
    assert window.show_event(ev.id, ev.start.at)
    assert window.date == date(2026, 12, 24)
    assert window.view.selected_item().occ.event.id == ev.id


def test_hidden_calendars_hide_their_events(window: MainWindow, store) -> None:
    put(store, "Secret", at(TODAY, 9))
    window.refresh()
    assert len(window.model.items()) == 1
    idx = window.calendar_model.index(0)
    window.calendar_model.setData(idx, Qt.CheckState.Unchecked.value,
                                  Qt.ItemDataRole.CheckStateRole)
    assert window.model.items() == []


def test_events_from_other_zones_show_in_the_users_zone(window: MainWindow, store) -> None:
    ny = ZonedTime.from_local(datetime(2026, 11, 25, 9, 0), "America/New_York")
    put(store, "NY call", ny)
    window.refresh()
    [it] = window.model.items()
    assert it.start == datetime(2026, 11, 25, 15, 0)  # 09:00 New York is 15:00 Berlin


def test_the_calendar_has_the_keyboard_when_the_window_opens(make_window, qtbot) -> None:
    w = make_window("month")
    qtbot.waitUntil(lambda: w.view.hasFocus())
    QTest.keyClick(w.focusWidget(), Qt.Key.Key_Right)
    assert w.date == TODAY + timedelta(days=1)


def test_dragging_across_the_all_day_row_creates_a_multi_day_event(window: MainWindow,
                                                                   store) -> None:
    got: dict[str, object] = {}

    def fill(editor: EventEditor) -> str:
        got["all_day"] = editor.all_day.isChecked()
        got["dates"] = (editor.start_date.date(), editor.end_date.date())
        editor.title.setText("Trade fair")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    v = week_view(window)
    h = v.header
    y = 54 + 10  # inside the first all-day lane
    x_thu = int(58 + h._colw() * 3.5)
    x_sat = int(58 + h._colw() * 5.5)
    drag(h, QtCore.QPoint(x_thu, y), QtCore.QPoint(x_sat, y))
    assert got == {"all_day": True,
                   "dates": (QtCore.QDate(2026, 11, 26), QtCore.QDate(2026, 11, 28))}
    [ev] = store.search("Trade fair")
    assert ev.duration == timedelta(days=3)
