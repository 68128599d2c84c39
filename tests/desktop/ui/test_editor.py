"""The event editor: another zone's event on the user's clock, Esc asks before
throwing edits away, and all-day events have their own default reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_core.model import Reminder, ZonedTime
from aurora_desktop.qt import Qt, QtCore, QtTest
from aurora_desktop.settings import default_reminder_minutes
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, put

QTest = QtTest.QTest
THU = TODAY + timedelta(days=1)


def _ny(d: date, h: int, m: int = 0) -> ZonedTime:
    return ZonedTime.from_local(datetime.combine(d, time(h, m)), "America/New_York")


def test_an_event_in_another_zone_says_when_that_is_on_your_clock(window: MainWindow,
                                                                  store) -> None:
    ev = put(store, "Board call", _ny(THU, 9, 30))  # 09:30 New York = 15:30 Berlin
    ed = window.event_actions.make_editor(event=ev)
    assert ed.zone.currentText() == "America/New_York"
    assert ed.start_time.time() == QtCore.QTime(9, 30)  # shown in its own zone...
    assert ed.zone_hint.isVisibleTo(ed)
    assert ed.zone_hint.text() == "15:30–16:30 your time"  # ...and on the user's clock
    # live: the start moves (the end follows), the hint follows
    ed.start_time.setTime(QtCore.QTime(10, 0))
    assert ed.zone_hint.text() == "16:00–17:00 your time"
    # late in New York is the next day in Berlin: the day is said
    ed.start_time.setTime(QtCore.QTime(20, 0))
    assert ed.zone_hint.text() == "Fri 27 Nov, 02:00–03:00 your time"
    # the user's own zone, floating or all-day: nothing to say
    ed._set_zone("Europe/Berlin")
    assert not ed.zone_hint.isVisibleTo(ed)
    ed._set_zone("America/New_York")
    assert ed.zone_hint.isVisibleTo(ed)
    ed.all_day.setChecked(True)
    assert not ed.zone_hint.isVisibleTo(ed)


def _run_modal(ed: EventEditor, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Show the editor as the app runs it (modal), without blocking the test."""
    ed.setWindowModality(Qt.WindowModality.ApplicationModal)
    ed.show()
    qtbot.waitExposed(ed)


def test_esc_asks_before_throwing_edits_away_and_only_then(window: MainWindow, store,
                                                           qtbot) -> None:
    ev = put(store, "Dentist", ZonedTime.from_local(datetime.combine(THU, time(9)),
                                                    "Europe/Berlin"))
    asked: list[str] = []
    answer = {"discard": False}

    # Nothing changed: Esc closes at once, no question.
    ed = window.event_actions.make_editor(event=ev)
    ed.ask_discard = lambda: asked.append("asked") or answer["discard"]  # type: ignore[method-assign]
    _run_modal(ed, qtbot)
    QTest.keyClick(ed, Qt.Key.Key_Escape)
    assert not ed.isVisible() and asked == []

    # Changed: Esc asks; "Keep editing" keeps the dialog and the edit.
    ed = window.event_actions.make_editor(event=ev)
    ed.ask_discard = lambda: asked.append("asked") or answer["discard"]  # type: ignore[method-assign]
    _run_modal(ed, qtbot)
    ed.title.setText("Dentist (moved)")
    QTest.keyClick(ed, Qt.Key.Key_Escape)
    assert asked == ["asked"]
    assert ed.isVisible() and ed.title.text() == "Dentist (moved)"
    # "Discard": closed, nothing saved.
    answer["discard"] = True
    QTest.keyClick(ed, Qt.Key.Key_Escape)
    assert asked == ["asked", "asked"] and not ed.isVisible()
    assert ed.result_action == ""
    assert store.get_event(ev.id).title == "Dentist"

    # A change undone by hand is no change.
    ed = window.event_actions.make_editor(event=ev)
    ed.ask_discard = lambda: asked.append("asked") or answer["discard"]  # type: ignore[method-assign]
    _run_modal(ed, qtbot)
    ed.title.setText("Dentist?")
    ed.title.setText("Dentist")
    QTest.keyClick(ed, Qt.Key.Key_Escape)
    assert not ed.isVisible() and len(asked) == 2


def test_all_day_events_get_their_own_default_reminder(window: MainWindow, store,
                                                       settings) -> None:
    assert default_reminder_minutes(settings, True) == 900  # 09:00 the day before
    assert default_reminder_minutes(settings, False) == 15
    created: list[tuple[Reminder, ...]] = []

    def save(editor: EventEditor) -> str:
        editor.title.setText("Holiday")
        created.append(editor.edited_event().reminders)
        [row] = editor.reminder_rows
        assert row.days.currentText() == "1 day before at"
        assert row.at.time() == QtCore.QTime(9, 0)
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = save  # type: ignore[method-assign]
    window.new_event(datetime(2026, 11, 27), datetime(2026, 11, 28), all_day=True)
    assert created == [(Reminder(900),)]
    [ev] = store.search("Holiday")
    assert ev.reminders == (Reminder(900),)  # 09:00 on Thursday, not 23:45

    # A new timed event made all-day: its untouched default becomes the all-day one.
    ed = window.event_actions.make_editor(start=datetime(2026, 11, 27, 10), end=datetime(2026, 11, 27, 11))
    assert [r.reminder() for r in ed.reminder_rows] == [Reminder(15)]
    ed.all_day.setChecked(True)
    assert [r.reminder() for r in ed.reminder_rows] == [Reminder(900)]
    ed.all_day.setChecked(False)
    assert [r.reminder() for r in ed.reminder_rows] == [Reminder(15)]
    # A reminder the user chose is kept, read the other way ("1 day before at 23:00").
    ed.reminder_rows[0].amount.setValue(1)
    ed.reminder_rows[0].unit.setCurrentIndex(1)  # 1 hour before
    ed.all_day.setChecked(True)
    row = ed.reminder_rows[0]
    assert row.reminder() == Reminder(60)
    assert (row.days.currentText(), row.at.time()) == ("1 day before at", QtCore.QTime(23, 0))
    row.days.setCurrentIndex(0)  # on the day at 09:00
    row.at.setTime(QtCore.QTime(9, 0))
    assert row.reminder() == Reminder(-540)

    # The setting is used, and "None" means none.
    settings.set("ui/default_all_day_reminder", -1)
    ed = window.event_actions.make_editor(start=datetime(2026, 11, 27), end=datetime(2026, 11, 28),
                            all_day=True)
    assert ed.reminder_rows == []


def test_esc_asks_in_the_editor_the_window_runs(window: MainWindow, store) -> None:
    """The real path: the window's run_editor (exec), Esc after an edit, Discard."""
    ev = put(store, "Gym", ZonedTime.from_local(datetime.combine(THU, time(18)),
                                                "Europe/Berlin"))
    window.refresh()
    item = window.model.find(f"{ev.uid}/")
    assert item is not None
    asked: list[bool] = []
    made: list[EventEditor] = []
    real_make = window.event_actions.make_editor

    def make(**kw: object) -> EventEditor:
        ed = real_make(**kw)
        ed.ask_discard = lambda: asked.append(True) or True  # type: ignore[method-assign]
        made.append(ed)

        def edit_then_escape() -> None:
            ed.title.setText("Gym (late)")
            QTest.keyClick(ed, Qt.Key.Key_Escape)

        QtCore.QTimer.singleShot(0, edit_then_escape)
        return ed

    window.event_actions.make_editor = make  # type: ignore[method-assign]
    window.event_actions.edit_item(item)  # runs the editor modally until Esc + Discard close it
    assert asked == [True]
    assert made[0].result_action == ""
    assert store.get_event(ev.id).title == "Gym"
