"""The editor as a user drives it, modally: an all-day event's reminder reopens as
it was made (B), Cancel in "Edit a recurring event" goes back to the edits (C), and Save on
an untouched event just closes the editor (H1). The editor runs modally (exec), as in the
app; the steps are timers run inside its event loop."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, time, timedelta

from aurora_core.model import AllDayDate, Event, Reminder, ZonedTime
from aurora_desktop.qt import Qt, QtCore, QtTest, QtWidgets
from aurora_desktop.ui.dialogs import ScopeDialog
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, put

QTest = QtTest.QTest
THU = TODAY + timedelta(days=1)
SHOTS = os.environ.get("AURORA_SHOTS")  # a folder: the stories save what they show there


def _shot(w: QtWidgets.QWidget, name: str) -> None:
    if SHOTS:
        w.grab().save(os.path.join(SHOTS, name))


def _drive(window: MainWindow, *steps: Callable[[EventEditor], None]) -> list[EventEditor]:
    """The window's own make_editor and run_editor; each step runs (in the editor's exec
    loop) once the one before it has returned."""
    made: list[EventEditor] = []
    real_make = window.event_actions.make_editor

    def make(**kw: object) -> EventEditor:
        ed = real_make(**kw)
        made.append(ed)
        todo = list(steps)

        def next_step() -> None:
            if todo:
                todo.pop(0)(ed)
                QtCore.QTimer.singleShot(0, next_step)

        QtCore.QTimer.singleShot(0, next_step)
        return ed

    window.event_actions.make_editor = make  # type: ignore[method-assign]
    return made


def _enter(ed: EventEditor) -> None:
    ed.title.setFocus()
    QTest.keyClick(ed.title, Qt.Key.Key_Return)


def test_an_all_day_event_reopens_with_the_reminder_it_was_made_with(window: MainWindow,
                                                                     store) -> None:
    def name_it(ed: EventEditor) -> None:
        ed.title.setText("Holiday")

    _drive(window, name_it, _enter)
    window.new_event(datetime(2026, 11, 27), datetime(2026, 11, 28), all_day=True)
    [ev] = store.search("Holiday")
    assert ev.reminders == (Reminder(900),)

    ed = window.event_actions.make_editor(event=ev)  # reopened
    [row] = ed.reminder_rows
    assert ed.all_day.isChecked()
    assert row.days.isVisibleTo(ed) and row.at.isVisibleTo(ed)
    assert not row.amount.isVisibleTo(ed) and not row.unit.isVisibleTo(ed)
    assert (row.days.currentText(), row.at.time()) == ("1 day before at", QtCore.QTime(9, 0))
    assert row.reminder() == Reminder(900)
    assert not ed.changed()
    _shot(ed, "review_all_day_reopened.png")

    # Made timed, the all-day default becomes the timed one (not "15 hours before"),
    # and back again; a reminder the user chose keeps its time, read the other way.
    ed.all_day.setChecked(False)
    [row] = ed.reminder_rows
    assert row.reminder() == Reminder(15)
    assert (row.amount.value(), row.unit.currentText()) == (15, "minutes before")
    ed.all_day.setChecked(True)
    assert [r.reminder() for r in ed.reminder_rows] == [Reminder(900)]
    ed.reminder_rows[0].days.setCurrentIndex(2)  # 2 days before at 09:00
    ed.all_day.setChecked(False)
    assert [r.reminder() for r in ed.reminder_rows] == [Reminder(2 * 1440 - 540)]

    # A saved event with no reminder gets none from the toggle.
    bare = store.put_event(Event.new(ev.calendar_id, "Bare", AllDayDate(THU),
                                     AllDayDate(THU + timedelta(days=1))))
    ed = window.event_actions.make_editor(event=bare)
    ed.all_day.setChecked(False)
    ed.all_day.setChecked(True)
    assert ed.reminder_rows == []


def _weekly(store) -> Event:  # type: ignore[no-untyped-def]
    return put(store, "Standup", ZonedTime.from_local(datetime.combine(TODAY - timedelta(days=7),
                                                                       time(9)),
                                                      "Europe/Berlin"),
               rrule="FREQ=WEEKLY")


def test_cancel_in_the_scope_question_goes_back_to_the_edits(window: MainWindow,
                                                             store) -> None:
    master = _weekly(store)
    window.refresh()
    item = next(i for i in window.model.items() if i.occ.event.uid == master.uid)  # today's
    window.controller.ask_scope = window._ask_scope  # the real dialog
    asked: list[ScopeDialog] = []
    seen: dict[str, object] = {}

    def answer(button: str) -> Callable[[], None]:
        def click() -> None:
            dlg = QtWidgets.QApplication.activeModalWidget()
            if not isinstance(dlg, ScopeDialog):  # not up yet
                QtCore.QTimer.singleShot(10, click)
                return
            asked.append(dlg)
            _shot(dlg.window(), "review_scope_question.png")
            if button == "cancel":
                QTest.keyClick(dlg, Qt.Key.Key_Escape)
            else:
                dlg.buttons[button].click()  # type: ignore[index]
        return click

    def edit_and_cancel(ed: EventEditor) -> None:
        ed.title.setText("Standup (moved to room 2)")
        QtCore.QTimer.singleShot(0, answer("cancel"))
        _enter(ed)  # the question; Cancel

    def still_there(ed: EventEditor) -> None:
        seen["visible"] = ed.isVisible()
        seen["title"] = ed.title.text()
        seen["parent"] = asked[0].parent()
        _shot(ed, "review_back_in_the_editor.png")
        QtCore.QTimer.singleShot(0, answer("this"))
        _enter(ed)  # asked again; "Only this event"

    made = _drive(window, edit_and_cancel, still_there)
    window.event_actions.edit_item(item)
    assert len(asked) == 2
    assert seen == {"visible": True, "title": "Standup (moved to room 2)", "parent": made[0]}
    assert made[0].result_action == "save"
    titles = sorted(e.title for e in store.series(master.uid)[1])
    assert titles == ["Standup (moved to room 2)"]  # only that occurrence
    assert store.get_event(master.id).title == "Standup"
    assert window.undo_stack.count() == 1


def test_save_on_an_untouched_event_just_closes_the_editor(window: MainWindow, store,
                                                           qtbot) -> None:
    ev = put(store, "Dentist", ZonedTime.from_local(datetime.combine(THU, time(9)),
                                                    "Europe/Berlin"),
             reminders=(Reminder(15),), location="Main St 4", notes="bring the card")
    master = _weekly(store)
    window.refresh()
    before = store.get_event(ev.id)
    for uid in (ev.uid, master.uid):  # a single event, an occurrence of a series
        item = next(i for i in window.model.items() if i.occ.event.uid == uid)
        made = _drive(window, _enter)
        window.event_actions.edit_item(item)  # a question here fails the test (conftest)
        assert made[0].result_action == "save" and not made[0].isVisible()
    assert window.undo_stack.count() == 0  # nothing to undo...
    assert not window.undo_notice.isVisible()  # ...and no "Saved “Dentist”"
    assert store.get_event(ev.id) == before
    assert store.series(master.uid)[1] == []

    # Changed and changed back is unchanged too; a real change still saves and says so.
    item = next(i for i in window.model.items() if i.occ.event.uid == ev.uid)

    def there_and_back(ed: EventEditor) -> None:
        ed.title.setText("Dentist!")
        ed.title.setText("Dentist")

    _drive(window, there_and_back, _enter)
    window.event_actions.edit_item(item)
    assert window.undo_stack.count() == 0

    def rename(ed: EventEditor) -> None:
        ed.title.setText("Dentist (Dr Lee)")

    _drive(window, rename, _enter)
    window.event_actions.edit_item(item)
    assert window.undo_stack.count() == 1
    assert store.get_event(ev.id).title == "Dentist (Dr Lee)"
    qtbot.waitUntil(window.undo_notice.isVisible)
    assert "Saved “Dentist (Dr Lee)”" in window.undo_notice.label.text()
