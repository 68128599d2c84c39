"""Quick add in the window: type an event in plain words, see it, press Enter.

The clock is Wednesday 25 November 2026, 10:00 in Europe/Berlin (conftest).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from aurora_core.model import AllDayDate, Event, ZonedTime
from aurora_desktop.qt import Qt, QtCore, QtTest
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.quick_add import QuickAddField
from tests.helpers.ui import TZ

QTest = QtTest.QTest


@pytest.fixture(autouse=True)
def _british_locale() -> Iterator[None]:
    QtCore.QLocale.setDefault(QtCore.QLocale(QtCore.QLocale.Language.English,
                                             QtCore.QLocale.Country.UnitedKingdom))
    yield
    QtCore.QLocale.setDefault(QtCore.QLocale.system())


def field(window: MainWindow) -> QuickAddField:
    f = window.quick_add
    assert isinstance(f, QuickAddField)
    return f


def type_in(window: MainWindow, text: str) -> QuickAddField:
    f = field(window)
    QTest.keyClick(window, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert f.hasFocus()
    if f._warm is not None:  # dateparser loads in the background on the first focus
        f._warm.join()
    QTest.keyClicks(f, text)
    return f


def test_the_field_sits_under_new_event_and_ctrl_shift_n_focuses_it(window: MainWindow) -> None:
    f = field(window)
    lay = window.sidebar.layout()
    assert lay is not None
    assert lay.indexOf(f) == lay.indexOf(window.sidebar.new_button) + 1
    assert f.isVisible() and f.placeholderText().startswith("Quick add")
    window.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert f.hasFocus()
    assert "Quick add" in dict(window.menu_actions.shortcut_rows())


def test_ctrl_shift_n_shows_a_hidden_sidebar(window: MainWindow) -> None:
    window.menu_actions.sidebar.trigger()
    assert not window.sidebar.isVisible()
    QTest.keyClick(window, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.sidebar.isVisible() and field(window).hasFocus()


def test_the_preview_follows_each_keystroke(window: MainWindow) -> None:
    f = type_in(window, "Lunch with Anna tomorrow")
    p = f.preview
    assert p.isVisible()
    assert "Lunch with Anna" in p.text() and "Thu 26 Nov 2026, all day" in p.text()
    QTest.keyClicks(f, " at 1pm")
    assert "Thu 26 Nov 2026, 13:00–14:00" in p.text()
    assert "“at 1pm” → 13:00" in p.text() and "no end or length given → 1 hour" in p.text()
    # The preview is under the field, over the calendar, and wide enough to read.
    below = f.mapTo(window, QtCore.QPoint(0, f.height()))
    assert p.y() >= below.y() and p.width() >= 400


def test_keys_typed_while_the_parser_loads_get_their_preview_when_it_is_there(
        window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    f = field(window)
    f.activate()
    QTest.keyClicks(f, "Lunch tomorrow at 1pm")  # at once, with no wait for the warm-up
    qtbot.waitUntil(lambda: f.preview.isVisible(), timeout=10_000)
    assert "Thu 26 Nov 2026, 13:00–14:00" in f.preview.text()


def test_enter_saves_through_undo_and_shows_the_event_selected(window: MainWindow) -> None:
    f = type_in(window, "Dentist on Friday at 3pm for 45 minutes")
    QTest.keyClick(f, Qt.Key.Key_Return)
    evs = [e for e in _all_events(window) if e.title == "Dentist"]
    assert len(evs) == 1
    ev = evs[0]
    assert isinstance(ev.start, ZonedTime) and ev.start.tz == TZ
    assert ev.start.local.replace(tzinfo=None) == datetime(2026, 11, 27, 15, 0)
    assert (ev.end.at - ev.start.at).total_seconds() == 45 * 60  # type: ignore[union-attr]
    assert [r.minutes_before for r in ev.reminders] == [15]  # the default reminder, like the editor
    assert f.text() == "" and not f.preview.isVisible()
    sel = window.view.selected_item()
    assert sel is not None and sel.occ.event.id == ev.id
    assert window.undo_stack.undoText().startswith("Create")
    window.undo_stack.undo()
    assert [e for e in _all_events(window) if e.title == "Dentist"] == []


def _all_events(window: MainWindow) -> list[Event]:
    return window.store.events()


def test_a_repeating_event_shows_its_rule_and_saves_it(window: MainWindow) -> None:
    f = type_in(window, "Standup every weekday at 9:30")
    assert "Repeats every weekday" in f.preview.text()
    QTest.keyClick(f, Qt.Key.Key_Return)
    [ev] = {e.id: e for e in _all_events(window) if e.title == "Standup"}.values()
    assert ev.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert ev.start.local.replace(tzinfo=None) == datetime(2026, 11, 26, 9, 30)  # type: ignore[union-attr]


def test_an_all_day_span(window: MainWindow) -> None:
    f = type_in(window, "Team offsite 12")
    f.insert("–")  # an en dash, as a phone or a word processor types it (QTest types Latin-1 only)
    QTest.keyClicks(f, "14 March")
    assert "Fri 12 Mar 2027 – Sun 14 Mar 2027, all day" in f.preview.text()
    QTest.keyClick(f, Qt.Key.Key_Return)
    [ev] = {e.id: e for e in _all_events(window) if e.title == "Team offsite"}.values()
    assert ev.start == AllDayDate(date(2027, 3, 12)) and ev.end == AllDayDate(date(2027, 3, 15))
    assert window.date == date(2027, 3, 12)  # the window went to it


def test_a_zone_phrase_says_when_that_is_here(window: MainWindow) -> None:
    f = type_in(window, "Call Bob at 16:00 in New York time")
    text = f.preview.text()
    assert "America/New_York" in text and "22:00 in Europe/Berlin" in text


def test_what_is_not_understood_is_shown(window: MainWindow) -> None:
    f = type_in(window, "Meet Ann at 5pm in Narnia time")
    assert "Not understood" in f.preview.text() and "Narnia" in f.preview.text()


def test_meaningless_text_is_refused_and_nothing_is_saved(window: MainWindow) -> None:
    before = len(_all_events(window))
    f = type_in(window, "asdf qwerty")
    assert "No date or time" in f.preview.text() and "Enter adds it" not in f.preview.text()
    QTest.keyClick(f, Qt.Key.Key_Return)
    assert len(_all_events(window)) == before
    assert f.text() == "asdf qwerty" and f.preview.isVisible()
    assert window.undo_stack.count() == 0


def test_escape_closes_and_gives_the_keys_back(window: MainWindow) -> None:
    f = type_in(window, "Lunch tomorrow at 1pm")
    QTest.keyClick(f, Qt.Key.Key_Escape)
    assert f.text() == "" and not f.preview.isVisible() and not f.hasFocus()
    assert len(_all_events(window)) == 0


def test_us_locale_reads_month_first(window: MainWindow) -> None:
    QtCore.QLocale.setDefault(QtCore.QLocale(QtCore.QLocale.Language.English,
                                             QtCore.QLocale.Country.UnitedStates))
    f = type_in(window, "Review 3/4 at 10am")
    assert "Thu Mar 4, 2027" in f.preview.text()  # and said the US way


def test_the_window_starts_without_the_parser(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """dateparser (~0.2 s, ~18 MB) is loaded when quick add is first used, not at start."""
    import subprocess
    import sys

    code = f"""
import sys
from pathlib import Path
from aurora_desktop.app import make_qapp
from aurora_desktop.qt import QtCore
from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.ui.main_window import MainWindow
from aurora_core.times import DisplayZone
app = make_qapp(["x"])
tmp = Path({str(tmp_path)!r})
store = Store(tmp / "a.sqlite3")
settings = Settings(QtCore.QSettings(str(tmp / "s.ini"), QtCore.QSettings.Format.IniFormat))
w = MainWindow(store, settings, zone=DisplayZone.named("Europe/Berlin"))
w.show()
app.processEvents()
print(sorted(m for m in ("dateparser", "aurora_core.quickadd") if m in sys.modules))
w.quick_add.activate()
w.quick_add._warm.join()
print(sorted(m for m in ("dateparser", "aurora_core.quickadd") if m in sys.modules))
w.close()
store.close()
"""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120, check=True).stdout.splitlines()
    assert out[-2:] == ["[]", "['aurora_core.quickadd', 'dateparser']"]


def test_the_week_start_setting_decides_next_week(window: MainWindow, settings) -> None:  # type: ignore[no-untyped-def]
    f = type_in(window, "Planning next week")
    assert "Mon 30 Nov 2026, all day" in f.preview.text()
    f.cancel()
    settings.set("ui/week_start", 7)  # Sunday
    f = type_in(window, "Planning next week")
    assert "Sun 29 Nov 2026, all day" in f.preview.text()


def test_shift_enter_opens_the_understood_event_in_the_editor(window: MainWindow) -> None:
    seen = {}

    def fill(editor) -> str:  # type: ignore[no-untyped-def]
        seen["title"] = editor.windowTitle()
        seen["delete"] = editor.delete_button is None or editor.delete_button.isHidden()
        seen["what"] = editor.title.text()
        editor.location.setText("Dr Weber, Hauptstr. 4")
        return "save"

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    f = type_in(window, "Dentist on Friday at 3pm for 45 minutes")
    QTest.keyClick(f, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert seen == {"title": "New event", "delete": True, "what": "Dentist"}
    [ev] = [e for e in _all_events(window) if e.title == "Dentist"]
    assert ev.location == "Dr Weber, Hauptstr. 4"
    assert ev.start.local.replace(tzinfo=None) == datetime(2026, 11, 27, 15, 0)  # type: ignore[union-attr]
    assert f.text() == "" and window.undo_stack.count() == 1


def test_shift_enter_then_cancel_keeps_the_text(window: MainWindow) -> None:
    window.event_actions.run_editor = lambda editor: ""  # type: ignore[method-assign]
    f = type_in(window, "Dentist on Friday at 3pm")
    QTest.keyClick(f, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert _all_events(window) == [] and f.text() == "Dentist on Friday at 3pm"
