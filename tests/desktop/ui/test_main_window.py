"""The window: other writers show within a second, imports count and name
their calendar as the command line does, the agenda lists an event of several days on
each day and counts what it lists, a damaged database offers a way on, and no display
is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from aurora_core.model import Event
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.store import Store
from aurora_desktop.ui.importexport import ImportSummary, finished_text
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, at

SHOTS = Path(os.environ.get("AURORA_SHOTS", "/tmp/aurora-shots"))


def ics(day: date, *, name: str | None = "Team", extra: str = "") -> str:
    d = day.strftime("%Y%m%d")
    head = f"X-WR-CALNAME:{name}\n" if name else ""
    return f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
{head}{extra}BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Stand-up
DTSTART:{d}T080000Z
DTEND:{d}T081500Z
RRULE:FREQ=DAILY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:standup@example.com
DTSTAMP:20261101T000000Z
RECURRENCE-ID:{d}T080000Z
SUMMARY:Stand-up (long)
DTSTART:{d}T090000Z
DTEND:{d}T100000Z
END:VEVENT
BEGIN:VEVENT
UID:lunch@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Lunch
DTSTART:{d}T110000Z
DTEND:{d}T120000Z
END:VEVENT
END:VCALENDAR
"""


def shot(widget: QtWidgets.QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


# -------------------------------------------------------- other writers


@pytest.mark.slow
def test_an_import_by_another_process_shows_within_a_second(qtbot: Any, tmp_path: Path) -> None:
    from aurora_desktop.app import build

    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        window = app.window
        window.show()
        qtbot.waitExposed(window)
        assert window.status_label.text().endswith(" 0 events")
        f = tmp_path / "team.ics"
        f.write_text(ics(date.today()))
        env = {**os.environ, "AURORA_DATA_DIR": str(tmp_path)}
        r = subprocess.run([sys.executable, "-m", "aurora_desktop", "import", str(f),
                            "--calendar", "Team"], capture_output=True, text=True, env=env,
                           timeout=60, check=False)
        assert r.returncode == 0, r.stderr
        QtWidgets.QApplication.processEvents()
        def names() -> list[str]:  # what the sidebar lists
            m = window.calendar_model
            return [m.index(r).data(QtCore.Qt.ItemDataRole.DisplayRole) for r in range(m.rowCount())]

        qtbot.waitUntil(lambda: "Team" in names(), timeout=1000)
        qtbot.waitUntil(lambda: not window.status_label.text().endswith(" 0 events"),
                        timeout=1000)
        titles = {it.title for it in window.model.items()}
        assert {"Stand-up (long)", "Lunch"} <= titles
        # Idle, it announces nothing (one look at a number every 300 ms): the next looks,
        # taken here instead of waiting for its timer, find no change.
        watch = next(s for s in app.services if type(s).__name__ == "StoreWatch")
        seen = watch.changes_seen  # type: ignore[attr-defined]
        assert [watch.check(), watch.check()] == [False, False]  # type: ignore[attr-defined]
        assert watch.changes_seen == seen  # type: ignore[attr-defined]
    finally:
        app.shutdown()


# -------------------------------------------------------- import and export


def test_the_window_counts_an_import_as_the_command_line_does(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "team.ics"
    f.write_text(ics(TODAY))
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.start_import(f, store.default_calendar().id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    text, _ = finished_text(done[0])
    # 2 events: the series (its changed occurrence is part of it) and the lunch.
    assert text == "Imported 2 events from team.ics into “Personal”."
    done.clear()
    window.import_export.start_import(f, store.default_calendar().id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert finished_text(done[0])[0] == \
        "Nothing changed: 2 events from team.ics were already in “Personal”."
    # The command line says the same of the same file.
    from aurora_desktop.cli import main

    monkeypatch.setenv("AURORA_DATA_DIR", str(tmp_path / "cli"))
    assert main(["import", str(f)]) == 0
    assert capsys.readouterr().out == "Imported 2 events into 'Personal'.\n"


def test_a_new_calendar_is_named_by_the_file_and_gets_its_own_colour(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "export-2026.ics"
    f.write_text(ics(TODAY, name="Football club"))
    offered: list[list[str]] = []

    def pick_first(_parent: Any, _title: str, _label: str, choices: list[str], *_: Any) -> Any:
        offered.append(list(choices))
        return choices[0], True

    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem", pick_first)
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.import_ics(f)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert offered[0][0] == "New calendar “Football club”"
    cals = {c.name: c for c in store.calendars()}
    assert set(cals) == {"Personal", "Football club"}
    assert cals["Football club"].color != cals["Personal"].color
    # Without a name in the file: the file's name; and a third distinct colour.
    g = tmp_path / "holidays.ics"
    g.write_text(ics(TODAY, name=None).replace("@example.com", "@other"))
    window.import_export.import_ics(g)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    colours = [c.color for c in store.calendars()]
    assert [c.name for c in store.calendars()][-1] == "holidays"
    assert len(set(colours)) == 3


def test_the_export_message_counts_as_the_command_line_does(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path) -> None:
    f = tmp_path / "team.ics"
    f.write_text(ics(TODAY))
    from aurora_core.ical import parse_ics

    store.import_events(parse_ics(f.read_bytes(), calendar_id=store.default_calendar().id).events)
    messages: list[str] = []
    window.show_message = lambda text, timeout_ms=4000: messages.append(text)  # type: ignore[method-assign]
    op = window.import_export.export_ics(tmp_path / "out.ics", None)  # off the GUI thread
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert op.result is not None and op.result.count == 2
    assert messages == ["Exported 2 events with 1 changed occurrence to out.ics"]
    assert (tmp_path / "out.ics").read_bytes().count(b"BEGIN:VEVENT") == 3


# -------------------------------------------------------- agenda


def test_the_agenda_lists_an_event_of_several_days_on_each_and_counts_what_it_lists(
        make_window: Any, store: Store, qtbot: Any) -> None:
    cal = store.default_calendar().id
    start, end = at(TODAY, 14), at(TODAY + timedelta(days=2), 12)
    store.put_event(Event.new(cal, "Conference in Lyon", start, end, location="Centre"))
    for i in range(10):  # more than the first screen: the list fetches more as needed
        d = TODAY + timedelta(days=3 * i + 1)
        store.put_event(Event.new(cal, f"Yoga {i}", at(d, 18), at(d, 19)))
    w = make_window("agenda")
    w.resize(1000, 700)
    view = w.views["agenda"]
    QtWidgets.QApplication.processEvents()
    rows = [(view.agenda.index(r).data(QtCore.Qt.ItemDataRole.DisplayRole),  # type: ignore[attr-defined]
             view.agenda.index(r).data(QtCore.Qt.ItemDataRole.UserRole + 3))  # type: ignore[attr-defined]
            for r in view.agenda.item_rows()]  # type: ignore[attr-defined]
    conf = [(t, d) for t, d in rows if t.startswith("Conference")]
    assert conf == [("Conference in Lyon, day 1 of 3", TODAY),
                    ("Conference in Lyon, day 2 of 3", TODAY + timedelta(days=1)),
                    ("Conference in Lyon, day 3 of 3", TODAY + timedelta(days=2))]
    from aurora_desktop.ui.views.agenda import when_text

    it = view.visible_items()[0]  # type: ignore[attr-defined]
    assert when_text(it, TODAY + timedelta(days=1), w.ctx) == (
        "All day", f"Day 2 of 3 · until {w.ctx.fmt.short_date(TODAY + timedelta(days=2))}, 12:00")
    assert when_text(it, TODAY + timedelta(days=2), w.ctx)[0] == "Until 12:00"
    # The status counts what is listed (the conference once), whatever was fetched.
    listed = {i.key for i in view.visible_items()}  # type: ignore[attr-defined]
    assert w.status_label.text().endswith(f"  ·  {len(listed)} events")
    view.agenda.fetchMore(QtCore.QModelIndex())  # type: ignore[attr-defined]
    listed = {i.key for i in view.visible_items()}  # type: ignore[attr-defined]
    assert len(listed) == 11
    assert w.status_label.text().endswith("  ·  11 events")
    shot(w, "agenda-several-days.png")


# -------------------------------------------------------- damaged, display


def test_a_damaged_database_is_moved_aside_and_a_fresh_one_starts(
        qtbot: Any, tmp_path: Path) -> None:
    from aurora_desktop.app import build
    from aurora_desktop.store import StoreError
    from aurora_desktop.ui.open_failure import OpenFailureBox, handle_open_failure

    db = tmp_path / "aurora.sqlite3"
    junk = b"this is no database at all" * 200
    db.write_bytes(junk)
    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    with pytest.raises(StoreError) as failure:
        build(tmp_path, ["aurora"], qsettings=qs)
    folders: list[Path] = []
    clicks = ["folder", "move"]

    def run_box(box: OpenFailureBox) -> None:
        box.show()
        qtbot.waitExposed(box)
        shot(box, "damaged-database.png")
        button = box.folder_button if clicks.pop(0) == "folder" else box.move_button
        assert button is not None
        button.click()

    kept = handle_open_failure(failure.value, db, run_box=run_box, open_folder=folders.append)
    assert folders == [tmp_path] and clicks == []
    assert kept is not None and kept.name.startswith("aurora.sqlite3.damaged-20")
    assert kept.read_bytes() == junk and not db.exists()
    app = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        assert [c.name for c in app.store.calendars()] == ["Personal"]
    finally:
        app.shutdown()


def test_quit_leaves_the_damaged_file_where_it_is(qtbot: Any, tmp_path: Path) -> None:
    from aurora_desktop.store.base import StoreDamaged
    from aurora_desktop.ui.open_failure import OpenFailureBox, handle_open_failure

    db = tmp_path / "aurora.sqlite3"
    db.write_bytes(b"x" * 5000)

    def run_box(box: OpenFailureBox) -> None:
        box.quit_button.click()

    assert handle_open_failure(StoreDamaged("damaged"), db, run_box=run_box) is None
    assert db.read_bytes() == b"x" * 5000


def test_no_display_is_one_line_not_a_core_dump(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["AURORA_DATA_DIR"] = str(tmp_path)
    r = subprocess.run([sys.executable, "-m", "aurora_desktop"], capture_output=True,
                       text=True, env=env, timeout=60, check=False)
    assert r.returncode == 2, r.stderr
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("aurora: error: the window needs a display")
    assert "aurora list" in line


def test_display_problem_reads_the_environment(tmp_path: Path) -> None:
    from aurora_desktop.display import display_problem as real

    (tmp_path / "X0").touch()

    def display_problem(env: dict[str, str], platform: str, find: Any) -> str | None:
        return real(env, platform, find, x11_socket_dir=tmp_path)

    def found(_name: str) -> str:
        return "libxcb-cursor.so.0"

    def missing(_name: str) -> None:
        return None

    assert display_problem({"DISPLAY": ":0"}, "linux", found) is None
    (tmp_path / "wayland-0").touch()  # a compositor's socket
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": str(tmp_path)},
                           "linux", missing) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", missing) is None
    assert display_problem({}, "darwin", missing) is None
    assert "needs a display" in (display_problem({}, "linux", found) or "")
    assert "libxcb-cursor0" in (display_problem({"DISPLAY": ":0"}, "linux", missing) or "")
    assert "cannot reach the display ':7'" in (display_problem({"DISPLAY": ":7"}, "linux", found)
                                               or "")
    assert display_problem({"DISPLAY": "localhost:10.0"}, "linux", found) is None  # ssh -X


def test_a_calendar_made_with_the_plus_button_gets_a_colour_no_other_has(
        window: MainWindow, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from aurora_desktop.ui import dialogs

    def accept(dlg: dialogs.CalendarDialog) -> int:
        dlg.name.setText(f"Calendar {len(store.calendars())}")
        return 1

    monkeypatch.setattr(dialogs.CalendarDialog, "exec", accept)
    window.calendar_actions.add_calendar()
    window.calendar_actions.add_calendar()
    colours = [c.color for c in store.calendars()]
    assert len(colours) == 3 and len(set(colours)) == 3, colours


def test_a_read_only_folder_is_said_in_words_with_its_folder_to_open(
        qtbot: Any, tmp_path: Path) -> None:
    from aurora_desktop.store.base import _read_only
    from aurora_desktop.ui.open_failure import OpenFailureBox, handle_open_failure

    db = tmp_path / "aurora.sqlite3"
    db.write_bytes(b"")
    exc = _read_only(db)
    seen: list[OpenFailureBox] = []

    def run_box(box: OpenFailureBox) -> None:
        box.show()
        qtbot.waitExposed(box)
        shot(box, "read-only-folder.png")
        seen.append(box)
        box.quit_button.click()

    assert handle_open_failure(exc, db, run_box=run_box) is None
    [box] = seen
    assert box.move_button is None  # nothing is damaged: nothing to move aside
    assert "read-only" in box.text() and "unable to open" not in box.text()


@pytest.mark.slow
def test_damage_found_while_in_use_is_said_and_offered_at_the_next_start(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from aurora_core.model import ZonedTime
    from aurora_desktop.app import build, install_excepthook
    from aurora_desktop.store.base import StoreDamaged
    from aurora_desktop.ui.open_failure import OpenFailureBox, handle_open_failure

    db = tmp_path / "aurora.sqlite3"
    t = datetime(2026, 12, 1, tzinfo=UTC)
    with Store(db) as s:
        cal = s.default_calendar().id
        s.put_events([Event.new(cal, f"Event {i} " + "x" * 200,
                                ZonedTime(t + timedelta(hours=i), "UTC"),
                                ZonedTime(t + timedelta(hours=i, minutes=30), "UTC"))
                      for i in range(3000)])
    data = bytearray(db.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 40960] = b"\xa5" * 40960  # pages in the middle; the first ones are sound
    db.write_bytes(bytes(data))
    # In use: the store opens (its first pages are sound), a read meets the damage, and
    # the exception hook says so in words and has the next start check the file.
    said: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    with Store(db) as store:
        install_excepthook(SimpleNamespace(store=store, report_error=said.append))  # type: ignore[arg-type]
        with pytest.raises(sqlite3.DatabaseError) as failure:
            store.events()
        sys.excepthook(failure.type, failure.value, failure.tb)
    [text] = said
    assert "is damaged" in text and "start it again" in text and "DatabaseError" not in text
    # The next start: a clear refusal (not a traceback), and the way on.
    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    with pytest.raises(StoreDamaged) as again:
        build(tmp_path, ["aurora"], qsettings=qs)

    def move(box: OpenFailureBox) -> None:
        assert box.move_button is not None
        box.move_button.click()

    kept = handle_open_failure(again.value, db, run_box=move)
    assert kept is not None and kept.read_bytes() == bytes(data)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        assert app.store.events() == []
    finally:
        app.shutdown()


def test_a_window_whose_first_read_meets_damage_is_refused_in_words(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from aurora_core.model import ZonedTime
    from aurora_desktop.app import build
    from aurora_desktop.store import StoreError

    db = tmp_path / "aurora.sqlite3"
    t = datetime.now(UTC)
    with Store(db) as s:
        cal = s.default_calendar().id
        s.put_events([Event.new(cal, f"Event {i} " + "x" * 200,
                                ZonedTime(t + timedelta(minutes=i), "UTC"),
                                ZonedTime(t + timedelta(minutes=i + 30), "UTC"))
                      for i in range(3000)])
    data = bytearray(db.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 40960] = b"\xa5" * 40960
    db.write_bytes(bytes(data))
    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    with pytest.raises(StoreError, match="is damaged"):  # not SQLite's DatabaseError
        build(tmp_path, ["aurora"], qsettings=qs)
    from aurora_desktop.store.base import check_marker

    assert check_marker(db).exists()
