"""More stories: import/export, overflowing month days, calendars, series edits by editor."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from aurora_core.ical import to_ics
from aurora_core.model import AllDayDate, Calendar, Event, new_id
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.importexport import ImportSummary
from aurora_desktop.ui.layout import layout_day_columns, layout_month, to_items
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.month import MonthView
from tests.helpers.ui import TODAY, ZONE, at, put, wall

BAD_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:good-1\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261126T090000Z\r
DTEND:20261126T100000Z\r
SUMMARY:Imported meeting\r
END:VEVENT\r
BEGIN:VTODO\r
UID:todo-1\r
SUMMARY:A task\r
END:VTODO\r
END:VCALENDAR\r
"""


def test_export_then_import_round_trips_through_a_worker(window: MainWindow, store, qtbot,
                                                         tmp_path: Path) -> None:
    put(store, "Exported weekly", at(TODAY, 9), rrule="FREQ=WEEKLY;COUNT=3")
    put(store, "Exported once", at(TODAY, 15))
    out = tmp_path / "out.ics"
    op = window.import_export.export_ics(out, None)  # off the GUI thread
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert op.result is not None and op.result.count == 2
    data = out.read_bytes()
    assert b"Exported weekly" in data and b"RRULE:FREQ=WEEKLY;COUNT=3" in data

    # a file from elsewhere (other UIDs) goes into a new calendar, off the GUI thread
    other = [Event.new("x", "Imported weekly", at(TODAY, 11), at(TODAY, 12),
                       rrule="FREQ=WEEKLY;COUNT=3"),
             Event.new("x", "Imported once", at(TODAY, 16), at(TODAY, 17))]
    src = tmp_path / "other.ics"
    src.write_bytes(to_ics(other, {}))
    cal = Calendar(new_id(), "Copy", "#10b981")
    store.put_calendar(cal)
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.start_import(src, cal.id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    [summary] = done
    assert summary.error is None and summary.imported == 2
    copied = store.events(cal.id)
    assert sorted(e.title for e in copied) == ["Imported once", "Imported weekly"]
    # the window shows them at once
    assert sum(1 for it in window.model.items() if it.occ.event.calendar_id == cal.id) == 2


def test_import_reports_what_it_skipped(window: MainWindow, store, qtbot, tmp_path: Path) -> None:
    f = tmp_path / "mixed.ics"
    f.write_bytes(BAD_ICS)
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.start_import(f, store.default_calendar().id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    [summary] = done
    assert summary.imported == 1
    assert any("VTODO" in s for s in summary.skipped), summary.skipped
    assert store.search("Imported meeting")


def test_an_overflowing_month_day_offers_the_full_list(make_window, store) -> None:
    w = make_window("month")
    for h in range(8, 18):
        put(store, f"Busy {h}", at(TODAY, h), 30)
    w.refresh()
    v = w.view
    assert isinstance(v, MonthView)
    cell = v._cell_of(TODAY)
    assert cell.hidden > 0 and len(cell.all_items) == 10
    assert len(cell.timed) + cell.hidden == 10
    rect = next(r for r, d in v._more if d == TODAY)
    v.show_day_list(TODAY, rect)
    menu = v.findChild(QtWidgets.QMenu)
    assert menu is not None
    titles = [a.text() for a in menu.actions() if a.text()]
    assert sum("Busy" in t for t in titles) == 10
    menu.close()


def test_deleting_a_calendar_with_events_asks_first(window: MainWindow, store, qtbot,
                                                    monkeypatch) -> None:
    cal = Calendar(new_id(), "Club", "#f97316")
    store.put_calendar(cal)
    store.put_event(Event.new(cal.id, "Match", at(TODAY, 18), at(TODAY, 20)))
    asked: list[str] = []

    def no(*args: object, **kw: object) -> QtWidgets.QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QtWidgets.QMessageBox.StandardButton.No

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", no)
    assert not window.calendar_actions.delete_calendar(cal.id)
    assert asked and "Club" in asked[0] and "1 event" in asked[0]
    assert store.count_events(cal.id) == 1

    monkeypatch.setattr(QtWidgets.QMessageBox, "question",
                        lambda *a, **k: QtWidgets.QMessageBox.StandardButton.Yes)
    op = window.calendar_actions.delete_calendar(cal.id)  # off the GUI thread
    assert op
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert all(c.id != cal.id for c in store.calendars())
    assert window.calendar_model.rowCount() == 1


def test_this_and_following_through_the_editor(window: MainWindow, store) -> None:
    master = put(store, "Yoga", at(TODAY - timedelta(weeks=3), 7), rrule="FREQ=WEEKLY")
    window.refresh()
    item = next(it for it in window.model.items() if it.title == "Yoga")
    window.controller.ask_scope = lambda verb, f: "following"

    def fill(editor: EventEditor) -> str:
        assert editor.repeat.currentIndex() == 2  # weekly
        editor.title.setText("Yoga (new studio)")
        editor.location.setText("Studio 2")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.event_actions.edit_item(item)
    old = store.get_event(master.id)
    assert old.title == "Yoga" and "UNTIL=" in (old.rrule or "")
    new = next(e for e in store.events() if e.title == "Yoga (new studio)")
    assert new.location == "Studio 2" and new.rrule == "FREQ=WEEKLY"
    assert wall(new.start) == datetime(2026, 11, 25, 7)


def test_editing_all_occurrences_keeps_the_series_start(window: MainWindow, store) -> None:
    first = TODAY - timedelta(weeks=3)
    master = put(store, "Piano", at(first, 16), rrule="FREQ=WEEKLY")
    window.refresh()
    item = window.model.items()[0]
    window.controller.ask_scope = lambda verb, f: "all"

    def fill(editor: EventEditor) -> str:
        editor.start_time.setTime(QtCore.QTime(17, 0))
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.event_actions.edit_item(item)
    got = store.get_event(master.id)
    assert wall(got.start) == datetime.combine(first, time(17))


def test_all_day_events_can_be_created_in_the_editor(window: MainWindow, store) -> None:
    def fill(editor: EventEditor) -> str:
        editor.title.setText("Holiday")
        editor.all_day.setChecked(True)
        editor.start_date.setDate(QtCore.QDate(2026, 12, 24))
        editor.end_date.setDate(QtCore.QDate(2026, 12, 26))
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    [ev] = store.search("Holiday")
    assert ev.start == AllDayDate(date(2026, 12, 24)) and ev.end == AllDayDate(date(2026, 12, 27))


def test_the_time_zone_list_is_searchable(window: MainWindow) -> None:
    ed = window.event_actions.make_editor()
    comp = ed.zone.completer()
    comp.setCompletionPrefix("tokyo")
    assert comp.currentCompletion() == "Asia/Tokyo"
    ed.close()


def test_overlapping_events_sit_side_by_side() -> None:
    from tests.helpers.ui import put as _put  # noqa: F401 - keep helpers importable

    class FakeStore:
        pass

    d = TODAY
    evs = [Event.new("c", t, at(d, h, m), at(d, h2, m2)) for t, h, m, h2, m2 in (
        ("A", 9, 0, 10, 0), ("B", 9, 15, 11, 0), ("C", 10, 0, 10, 30), ("D", 12, 0, 13, 0))]
    from aurora_core.model import Occurrence

    items = to_items([Occurrence(e, e.start, e.end) for e in evs], ZONE, {})
    pieces = {p.item.title: p for p in layout_day_columns(items, [d])}
    assert (pieces["A"].col, pieces["B"].col, pieces["C"].col) == (0, 1, 0)
    assert pieces["A"].ncols == pieces["B"].ncols == pieces["C"].ncols == 2
    assert (pieces["D"].col, pieces["D"].ncols) == (0, 1)
    _bars, cells = layout_month(items, d - timedelta(days=d.weekday()), 1, 2)
    cell = cells[0][d.weekday()]
    assert len(cell.timed) == 1 and cell.hidden == 3  # 2 slots: one chip and "+3 more"



def test_the_display_zone_can_be_changed_in_settings(window: MainWindow, store, settings) -> None:
    put(store, "Berlin lunch", at(TODAY, 12))
    window.refresh()
    assert window.model.items()[0].start.hour == 12
    settings.set("ui/time_zone", "Asia/Tokyo")
    [it] = [i for i in window.model.items() if i.title == "Berlin lunch"]
    assert it.start == datetime(2026, 11, 25, 20, 0)  # 12:00 Berlin is 20:00 in Tokyo


def test_the_agenda_loads_more_days_as_you_scroll(make_window, store) -> None:
    w = make_window("agenda")
    for i in range(0, 120, 3):
        put(store, f"Thing {i}", at(TODAY + timedelta(days=i), 10))
    w.navigation.set_date(TODAY)
    v = w.view
    first_rows = v.agenda.rowCount()
    last = v.agenda.loaded_to
    for _ in range(6):
        v.list.scrollToBottom()
        QtWidgets.QApplication.processEvents()
    assert v.agenda.loaded_to > last
    assert v.agenda.rowCount() > first_rows


def test_a_store_failure_is_a_message_not_a_traceback(window: MainWindow, store,
                                                      monkeypatch) -> None:
    from aurora_desktop.store import StoreError

    ev = put(store, "Locked", at(TODAY, 10))
    window.refresh()
    messages: list[str] = []
    window.controller.report_error = messages.append

    def boom(change: object) -> None:
        raise StoreError("database is locked by another program")

    monkeypatch.setattr(store, "apply", boom)
    item = window.model.find(f"{ev.uid}/")
    assert not window.controller.move(item.occ, datetime(2026, 11, 25, 12),
                                      datetime(2026, 11, 25, 13))
    assert messages == ["The calendar database cannot be written: database is locked by "
                        "another program"]
    assert window.undo_stack.count() == 0


def test_an_invalid_edit_is_explained(window: MainWindow, store) -> None:
    messages: list[str] = []
    window.controller.report_error = messages.append
    bad = Event.new(store.default_calendar().id, "x" * 600, at(TODAY, 9), at(TODAY, 10))
    assert not window.controller.create(bad)
    assert messages and "title is longer than" in messages[0]


def test_editing_all_from_a_moved_occurrence_keeps_the_series_rule(window: MainWindow,
                                                                   store) -> None:
    master = put(store, "Standup", at(TODAY - timedelta(weeks=2), 9), 15,
                 rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    window.refresh()
    wed = next(it for it in window.model.items() if it.start.date() == TODAY)
    window.controller.ask_scope = lambda verb, f: "this"
    window.controller.move(wed.occ, datetime(2026, 11, 25, 10), datetime(2026, 11, 25, 10, 15))
    assert len(store.series(master.uid)[1]) == 1
    moved = next(it for it in window.model.items() if it.start.date() == TODAY)
    window.controller.ask_scope = lambda verb, f: "all"

    def fill(editor: EventEditor) -> str:
        assert editor.repeat.currentIndex() == 2
        assert [b.isChecked() for b in editor.weekday_buttons][:3] == [True, False, True]
        editor.title.setText("Stand-up")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.event_actions.edit_item(moved)
    got = store.get_event(master.id)
    assert got.title == "Stand-up" and got.rrule == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_a_closed_window_ignores_later_store_changes(make_window, store) -> None:
    w = make_window("week")
    w.close()
    put(store, "After close", at(TODAY, 9))  # must not raise from the dead window's listener
    assert store.search("After close")


def test_a_store_that_cannot_be_read_says_so_in_the_status_bar(window: MainWindow, store,
                                                               monkeypatch) -> None:
    from aurora_desktop.store import StoreError

    def broken(*a: object, **k: object) -> None:
        raise StoreError("disk I/O error")

    monkeypatch.setattr(store, "occurrences", broken)
    window.model.reload()  # drops prefetched pages
    window.navigation.step(1)
    assert window.model.items() == []
    assert "cannot be read: disk I/O error" in window.statusBar().currentMessage()


def test_switching_the_theme_restyles_the_window(window: MainWindow, settings) -> None:
    from aurora_desktop.ui.theme import DARK, LIGHT

    assert window.ctx.theme is LIGHT
    settings.set("ui/theme", "dark")
    assert window.ctx.theme is DARK
    assert QtWidgets.QApplication.palette().color(
        QtWidgets.QApplication.palette().ColorRole.Base).name() == DARK.surface
    settings.set("ui/theme", "light")
    assert window.ctx.theme is LIGHT
