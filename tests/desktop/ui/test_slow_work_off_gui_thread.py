"""Export and deleting a calendar run off the GUI thread: while the work is held (a
writer that waits, a store whose delete waits), the window keeps handling events and
shows that it is busy; a failure is one clear message and loses nothing."""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import Any

import pytest

from aurora_core.model import Calendar, Event, new_id
from aurora_desktop import transfer
from aurora_desktop.qt import QtCore, QtWidgets, is_alive
from aurora_desktop.store import Store, StoreError
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, at, put


def _errors(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(window, "report_error", said.append)
    return said


def _gui_thread_runs(qtbot: Any) -> None:
    """The event loop handles a posted event: the GUI thread is not stuck in the work."""
    ticked: list[bool] = []
    QtCore.QTimer.singleShot(0, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: ticked == [True], timeout=5_000)


def _progress_dialog(window: MainWindow, title: str) -> QtWidgets.QProgressDialog | None:
    for d in window.findChildren(QtWidgets.QProgressDialog):
        if is_alive(d) and d.isVisible() and d.windowTitle() == title:
            return d
    return None


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Export's file writer waits until the test lets it go (set())."""
    release = threading.Event()
    original = transfer.write_atomically

    def slow(path: Path, data: bytes) -> None:
        assert release.wait(30), "the test never let the writer go"
        original(path, data)

    monkeypatch.setattr(transfer, "write_atomically", slow)
    yield release
    release.set()


def test_a_slow_export_leaves_the_window_working_and_shows_it_is_busy(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        held: threading.Event) -> None:
    put(store, "Standup", at(TODAY, 9), rrule="FREQ=DAILY;COUNT=5")
    out = tmp_path / "out.ics"
    op = window.import_export.export_ics(out, None)
    assert op is not None and op.running  # back at once: the writer is still held
    _gui_thread_runs(qtbot)
    qtbot.waitUntil(lambda: _progress_dialog(window, "Export") is not None, timeout=5_000)
    dialog = _progress_dialog(window, "Export")
    assert dialog is not None and dialog.labelText() == "Exporting to out.ics…"
    # The window still answers: it moves to the next week while the file is written.
    before = window.date
    window.navigation.step(1)
    assert window.date > before
    # A second export waits for this one, with a word why.
    assert window.import_export.export_ics(tmp_path / "again.ics", None) is None
    assert not out.exists()

    held.set()
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert op.result is not None and op.result.count == 1
    assert b"SUMMARY:Standup" in out.read_bytes()
    assert window.statusBar().currentMessage() == "Exported 1 event to out.ics"
    qtbot.waitUntil(lambda: _progress_dialog(window, "Export") is None, timeout=5_000)


def test_an_export_onto_a_read_only_file_says_so_once_and_keeps_the_file(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    put(store, "Standup", at(TODAY, 9))
    out = tmp_path / "kept.ics"
    out.write_bytes(b"what was there before")
    out.chmod(0o444)
    said = _errors(window, monkeypatch)
    op = window.import_export.export_ics(out, None)
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert said == [f"Cannot export to {out}: the file is read-only. Nothing was written; "
                    "a file already there is unchanged."]
    assert out.read_bytes() == b"what was there before"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".ics", ".part")) \
        == ["kept.ics"]
    assert store.search("Standup")  # the calendar is untouched
    # Not busy any more: the next export (elsewhere) goes.
    again = window.import_export.export_ics(tmp_path / "other.ics", None)
    assert again is not None
    qtbot.waitUntil(lambda: not again.running, timeout=10_000)
    assert (tmp_path / "other.ics").exists()


def test_an_export_onto_a_full_disk_keeps_the_old_file_and_leaves_no_part(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    put(store, "Standup", at(TODAY, 9))
    out = tmp_path / "full.ics"
    out.write_bytes(b"yesterday's export")
    real_write = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:  # type: ignore[override]
        if self.name.endswith(".part"):
            real_write(self, data[:10])  # a part was written, then the disk was full
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    said = _errors(window, monkeypatch)
    op = window.import_export.export_ics(out, None)
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert said == [f"Cannot export to {out}: No space left on device. Nothing was written; "
                    "a file already there is unchanged."]
    assert out.read_bytes() == b"yesterday's export"
    assert not (tmp_path / "full.ics.part").exists()


@pytest.fixture
def club(store: Store) -> Calendar:
    cal = Calendar(new_id(), "Club", "#f97316")
    store.put_calendar(cal)
    store.put_event(Event.new(cal.id, "Match", at(TODAY, 18), at(TODAY, 20)))
    return cal


def test_deleting_a_calendar_leaves_the_window_working_until_it_is_gone(
        window: MainWindow, store: Store, club: Calendar, qtbot: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    original = Store.delete_calendar
    threads: list[str] = []

    def slow(self: Store, calendar_id: str) -> int:  # a database held by another writer
        threads.append(threading.current_thread().name)
        assert release.wait(30), "the test never let the delete go"
        return original(self, calendar_id)

    monkeypatch.setattr(Store, "delete_calendar", slow)
    op = window.calendar_actions.delete_calendar(club.id, confirm=False)
    assert op is not None and op.running
    _gui_thread_runs(qtbot)
    assert window.statusBar().currentMessage() == "Deleting the calendar “Club”…"
    # Asked again while it runs (a double click): nothing more is started.
    assert window.calendar_actions.delete_calendar(club.id, confirm=False) is None
    assert any(c.id == club.id for c in store.calendars())  # not yet

    release.set()
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert threads == ["aurora-op-delete-calendar"]  # not the GUI thread
    assert all(c.id != club.id for c in store.calendars())
    # The window heard of it as of its own edit: the sidebar lost the row.
    assert window.calendar_model.rowCount() == 1
    assert window.statusBar().currentMessage() == "Deleted the calendar “Club”."


def test_a_calendar_delete_that_fails_says_so_once_and_deletes_nothing(
        window: MainWindow, store: Store, club: Calendar, qtbot: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Store, calendar_id: str) -> int:
        raise StoreError("the disk is full")

    monkeypatch.setattr(Store, "delete_calendar", refuse)
    said = _errors(window, monkeypatch)
    op = window.calendar_actions.delete_calendar(club.id, confirm=False)
    assert op is not None
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert said == ["Cannot delete the calendar “Club”: the disk is full. Nothing was deleted."]
    assert store.count_events(club.id) == 1
    assert window.calendar_model.rowCount() == 2


def test_the_import_question_waits_for_the_file_scan_off_the_gui_thread(
        window: MainWindow, store: Store, qtbot: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from aurora_desktop.ui import importexport

    put(store, "Standup", at(TODAY, 9))
    f = tmp_path / "team.ics"
    f.write_bytes(transfer.export_data(store)[0])
    release = threading.Event()
    scan = importexport.import_targets

    def slow_scan(own: Store, path: Path) -> importexport.ImportTargets:
        assert release.wait(30), "the test never let the scan go"
        return scan(own, path)

    asked: list[list[str]] = []

    def answer(_parent: Any, _title: str, _label: str, choices: list[str], current: int,
               *_: Any) -> tuple[str, bool]:
        asked.append(list(choices))
        return choices[current], True

    monkeypatch.setattr(importexport, "import_targets", slow_scan)
    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem", answer)
    done: list[importexport.ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    op = window.import_export.import_ics(f)
    assert op is not None and op.running and asked == []
    _gui_thread_runs(qtbot)
    assert window.statusBar().currentMessage() == "Reading team.ics…"
    release.set()
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert asked == [["New calendar “Personal (2)”", "Personal (holds 1 event of this file)"]]
    assert done[0].error is None and done[0].counts is not None
    assert done[0].counts.unchanged == 1
