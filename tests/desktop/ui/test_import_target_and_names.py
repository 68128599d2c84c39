"""The window's import goes where the file's events already are, never moves them out of
another calendar, and the calendar dialog refuses a name another calendar has (issue 12
review, defects A and F)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aurora_core.model import Calendar, new_id
from aurora_desktop.qt import QtWidgets
from aurora_desktop.store import Store
from aurora_desktop.ui import dialogs
from aurora_desktop.ui.importexport import ImportSummary, finished_text
from aurora_desktop.ui.main_window import MainWindow

HOLIDAYS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-CALNAME:Feiertage Deutschland
BEGIN:VEVENT
UID:neujahr-2027@feiertage
DTSTAMP:20261101T000000Z
SUMMARY:Neujahr
DTSTART;VALUE=DATE:20270101
DTEND;VALUE=DATE:20270102
END:VEVENT
BEGIN:VEVENT
UID:karfreitag-2027@feiertage
DTSTAMP:20261101T000000Z
SUMMARY:Karfreitag
DTSTART;VALUE=DATE:20270326
DTEND;VALUE=DATE:20270327
END:VEVENT
END:VCALENDAR
"""


def _import_with_the_default(window: MainWindow, qtbot: Any, path: Path,
                             offered: list[tuple[list[str], int]]) -> ImportSummary:
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.import_ics(path)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    return done[0]


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], int]]:
    seen: list[tuple[list[str], int]] = []

    def ok_on_default(_parent: Any, _title: str, _label: str, choices: list[str],
                      current: int = 0, *_: Any) -> Any:
        seen.append((list(choices), current))
        return choices[current], True

    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem", ok_on_default)
    return seen


def test_importing_the_same_file_again_changes_nothing(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        offered: list[tuple[list[str], int]]) -> None:
    f = tmp_path / "holidays.ics"
    f.write_text(HOLIDAYS)
    first = _import_with_the_default(window, qtbot, f, offered)
    assert offered[0][0][offered[0][1]] == "New calendar “Feiertage Deutschland”"
    assert finished_text(first)[0].startswith("Imported 2 events from holidays.ics into")
    second = _import_with_the_default(window, qtbot, f, offered)
    labels, default = offered[1]
    assert labels[default].startswith("Feiertage Deutschland (holds 2 events")
    assert labels[0] == "New calendar “Feiertage Deutschland (2)”"
    assert [c.name for c in store.calendars()] == ["Personal", "Feiertage Deutschland"]
    feiertage = store.calendars()[1]
    assert store.count_events(feiertage.id) == 2
    assert finished_text(second)[0] == ("Nothing changed: 2 events from holidays.ics were "
                                        "already in “Feiertage Deutschland”.")


def test_an_existing_calendar_of_the_files_name_is_the_default(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        offered: list[tuple[list[str], int]]) -> None:
    store.put_calendar(Calendar(new_id(), "feiertage deutschland"))
    f = tmp_path / "holidays.ics"
    f.write_text(HOLIDAYS)
    _import_with_the_default(window, qtbot, f, offered)
    labels, default = offered[0]
    assert labels[default] == "feiertage deutschland"
    assert len(store.calendars()) == 2


def test_importing_into_another_calendar_leaves_the_events_where_they_are(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        offered: list[tuple[list[str], int]]) -> None:
    f = tmp_path / "holidays.ics"
    f.write_text(HOLIDAYS.replace("SUMMARY:Neujahr", "SUMMARY:Neujahrstag"))
    personal = store.default_calendar()
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.start_import(tmp_path / "holidays.ics", personal.id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    f.write_text(HOLIDAYS)  # Neujahr renamed back
    fresh = Calendar(new_id(), "Holidays")
    window.import_export.start_import(f, fresh.id, fresh)  # the "New calendar" choice
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert [c.name for c in store.calendars()] == ["Personal"]  # nothing went into it
    assert {e.title for e in store.events(personal.id)} == {"Neujahr", "Karfreitag"}
    assert finished_text(done[1])[0] == (
        "Nothing imported into “Holidays”: 2 events from holidays.ics were already in "
        "“Personal”: 1 updated there, 1 unchanged.")


def test_the_calendar_dialog_refuses_a_name_another_calendar_has(
        window: MainWindow, store: Store, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    tmp = tmp_path
    family = Calendar(new_id(), "Family")
    store.put_calendar(family)
    shown: list[str] = []

    def type_name(dlg: dialogs.CalendarDialog) -> int:
        dlg.show()
        qtbot.waitExposed(dlg)
        dlg.name.setText(" family ")
        dlg.ok_button.click()
        shown.append(dlg.error.text() if dlg.error.isVisible() else "")
        if len(shown) == 1:
            # (docs/screenshots/calendar_dialog_duplicate_name.png was saved so)
            assert dlg.grab().save(str(tmp / "calendar_dialog_duplicate_name.png"))
        accepted = dlg.result() == QtWidgets.QDialog.DialogCode.Accepted
        dlg.close()
        return int(accepted)

    monkeypatch.setattr(dialogs.CalendarDialog, "exec", type_name)
    window.calendar_actions.add_calendar()
    assert shown[-1] == "A calendar named 'Family' already exists."
    assert sorted(c.name for c in store.calendars()) == ["Family", "Personal"]
    window.calendar_actions.edit_calendar(store.default_calendar().id)  # rename Personal to "family"
    assert shown[-1] == "A calendar named 'Family' already exists."
    assert sorted(c.name for c in store.calendars()) == ["Family", "Personal"]
    window.calendar_actions.edit_calendar(family.id)  # its own name, in another case: fine
    assert shown[-1] == ""
    assert sorted(c.name for c in store.calendars()) == ["Personal", "family"]
