"""File > Import / Export .ics.

Import runs off the GUI thread: a worker parses the file and writes the
events through its *own* :class:`Store` on the same database file (a Store
is not thread-safe), reporting progress and the result by signal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from aurora_core.model import Calendar, Event
from aurora_desktop.qt import Qt, QtCore, QtWidgets, Signal
from aurora_desktop.store import Store, StoreError

log = logging.getLogger("aurora.ui.import")


@dataclass
class ImportSummary:
    path: Path
    imported: int = 0
    skipped: list[str] = field(default_factory=list)
    calendar_name: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # read as meant (docs/import.md)


def finished_text(s: ImportSummary) -> tuple[str, str]:
    """What the "Import finished" box says: its text, and the details (may be empty)."""
    text = f"Imported {s.imported} events from {s.path.name}"
    if s.skipped:
        text += f"; skipped {len(s.skipped)} item{'s' if len(s.skipped) != 1 else ''}"
    if s.warnings:
        n = len(s.warnings)
        text += (f"; {n} {'was' if n == 1 else 'were'} read with an assumption "
                 "(see the details)")
    details = [*s.skipped, *(f"warning: {w}" for w in s.warnings)]
    return text + ".", "\n".join(details)


class ImportWorker(QtCore.QObject):
    """Parses and stores one .ics file; lives in a QThread."""

    progress = Signal(str, int, int)  # phase, done, total
    finished = Signal(object)         # ImportSummary

    def __init__(self, db_path: Path, ics_path: Path, calendar_id: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.ics_path = ics_path
        self.calendar_id = calendar_id

    def run(self) -> None:
        summary = ImportSummary(self.ics_path)
        try:
            from aurora_core.ical import parse_ics

            data = self.ics_path.read_bytes()
            result = parse_ics(data, calendar_id=self.calendar_id,
                               progress=lambda d, t: self.progress.emit("Reading", d, t))
            summary.skipped = [str(s) for s in result.skipped]
            summary.warnings = [str(w) for w in result.warnings]
            summary.calendar_name = result.calendar_name
            if result.events:
                store = Store(self.db_path)
                try:
                    store.put_events(result.events, touch=False,
                                     progress=lambda d, t: self.progress.emit("Saving", d, t))
                finally:
                    store.close()
            summary.imported = sum(1 for e in result.events if e.recurrence_id is None)
        except OSError as exc:
            summary.error = f"Cannot read {self.ics_path.name}: {exc.strerror or exc}"
        except StoreError as exc:
            summary.error = f"The calendar database cannot be written: {exc}"
        except ValueError as exc:  # ValidationError included
            summary.error = f"The file could not be imported: {exc}"
        except Exception as exc:  # a bug: still tell the user, and log it whole
            log.exception("import failed")
            summary.error = f"Import failed unexpectedly: {exc!r}"
        self.finished.emit(summary)


class ImportJob(QtCore.QObject):
    """One import: the worker in its thread, the progress dialog, and ``done(job, summary)``.

    Lives in the GUI thread, so the worker's signals reach it queued.
    """

    done = Signal(object, object)

    def __init__(self, db_path: Path, ics_path: Path, calendar_id: str,
                 parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.path = ics_path
        self.worker_thread = QtCore.QThread(self)
        self.worker = ImportWorker(db_path, ics_path, calendar_id)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.progress = QtWidgets.QProgressDialog(f"Importing {ics_path.name}…", "", 0, 0, parent)
        self.progress.setWindowTitle("Import")
        self.progress.setAccessibleName("Import progress")
        self.progress.setCancelButton(None)
        self.progress.setMinimumDuration(400)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)

    def start(self) -> None:
        self.worker_thread.start()

    def stop(self) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait(10_000)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.progress.setLabelText(f"{phase} {self.path.name}… {done} of {total}")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _finished(self, summary: ImportSummary) -> None:
        self.progress.close()
        self.progress.deleteLater()
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.worker.deleteLater()
        self.done.emit(self, summary)


def export_ics(path: Path, events: list[Event], calendars: dict[str, Calendar],
               name: str | None = None) -> int:
    """Write ``events`` to ``path``; returns how many events (masters) went out."""
    from aurora_core.ical import to_ics

    data = to_ics(events, calendars, calendar_name=name)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return sum(1 for e in events if e.recurrence_id is None)
