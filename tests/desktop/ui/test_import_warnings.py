"""The import dialog lists what was read with an assumption (issue 11; docs/import.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aurora_desktop.ui.importexport import ImportSummary, finished_text
from aurora_desktop.ui.main_window import MainWindow

LIBERAL = Path(__file__).parents[2] / "core" / "ics" / "liberal_start_end.ics"


def test_warnings_reach_the_import_summary_and_its_details(window: MainWindow, store: Any,
                                                           qtbot: Any) -> None:
    done: list[ImportSummary] = []
    window.import_export.import_finished = done.append  # type: ignore[method-assign]
    window.import_export.start_import(LIBERAL, store.default_calendar().id)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    [summary] = done
    assert summary.error is None and summary.imported == 5 and summary.skipped == []
    assert len(summary.warnings) == 5
    text, details = finished_text(summary)
    assert text == ("Imported 5 events from liberal_start_end.ics into “Personal”; 5 were read "
                    "with an assumption (see the details).")
    assert details.count("warning: line ") == 5
    assert "All-day ending on its start day" in details


def test_a_clean_import_has_no_details(tmp_path: Path) -> None:
    text, details = finished_text(ImportSummary(tmp_path / "a.ics", imported=2))
    assert (text, details) == ("Imported 2 events from a.ics.", "")
    text, details = finished_text(ImportSummary(tmp_path / "a.ics", imported=1,
                                                skipped=["VTODO: to-dos are not imported"]))
    assert text == "Imported 1 event from a.ics; skipped 1 item." and "VTODO" in details
