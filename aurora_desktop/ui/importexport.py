"""File > Import / Export .ics.

Import runs off the GUI thread: a worker parses the file and writes the
events through its *own* :class:`Store` on the same database file (a Store
is not thread-safe), reporting progress and the result by signal.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from aurora_core.counting import ImportCounts, count_events, export_text, import_headline, plural
from aurora_core.ics_header import CalendarHeader, read_header
from aurora_core.model import Calendar, Event, new_id
from aurora_desktop.qt import Qt, QtCore, QtWidgets, Signal
from aurora_desktop.store import Store, StoreError

log = logging.getLogger("aurora.ui.import")


@dataclass
class ImportSummary:
    path: Path
    imported: int = 0  # events by the counting rule (aurora_core.counting): counts.total
    skipped: list[str] = field(default_factory=list)
    calendar_name: str | None = None  # the file's own name for its calendar
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # read as meant (docs/import.md)
    counts: ImportCounts | None = None  # new, updated, unchanged
    into: str | None = None  # the calendar the events went to


def headline(s: ImportSummary) -> str:
    """"Imported 3 events from a.ics into “Work”": the words the command line says too."""
    counts = s.counts if s.counts is not None else ImportCounts(new=s.imported)
    return import_headline(counts, f"“{s.into}”" if s.into else "", s.path.name,
                           quote=lambda name: f"“{name}”")


def finished_text(s: ImportSummary) -> tuple[str, str]:
    """What the "Import finished" box says: its text, and the details (may be empty)."""
    text = headline(s)
    if s.skipped:
        text += f"; skipped {plural(len(s.skipped), 'item')}"
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

    def __init__(self, db_path: Path, ics_path: Path, calendar_id: str,
                 create: Calendar | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.ics_path = ics_path
        self.calendar_id = calendar_id
        self.create = create  # a new calendar to import into: made if anything goes there

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
            store = Store(self.db_path)
            try:
                summary.into = (self.create.name if self.create is not None
                                else store.calendar(self.calendar_id).name)
                counts = store.import_events(
                    result.events, progress=lambda d, t: self.progress.emit("Saving", d, t),
                    create=self.create)
            finally:
                store.close()
            summary.counts = counts
            summary.imported = counts.total
        except OSError as exc:
            summary.error = f"Cannot read {self.ics_path.name}: {exc.strerror or exc}"
        except StoreError as exc:
            summary.error = f"The calendar database cannot be written: {exc}"
        except KeyError:
            summary.error = "The calendar to import into was deleted meanwhile"
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
                 parent: QtWidgets.QWidget, create: Calendar | None = None) -> None:
        super().__init__(parent)
        self.path = ics_path
        self.worker_thread = QtCore.QThread(self)
        self.worker = ImportWorker(db_path, ics_path, calendar_id, create)
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
    """Write ``events`` to ``path``; returns how many events went out (the counting rule:
    a series with its changed occurrences is one, as ``aurora export`` counts)."""
    from aurora_core.ical import to_ics

    data = to_ics(events, calendars, calendar_name=name)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return count_events(events)


def exported_text(path: Path, events: list[Event]) -> str:
    """"Exported 9 events with 2 changed occurrences to a.ics", as the command line says."""
    return f"Exported {export_text(events)} to {path.name}"


def new_calendar_for(store: Store, path: Path) -> Calendar:
    """The calendar an import of ``path`` into a new calendar makes (not yet stored): named
    by the file's X-WR-CALNAME (or NAME), else after the file, with " (2)"… when a calendar
    has that name already (names are unique); coloured as the file says, else as every new
    calendar is (:meth:`Store.new_calendar_color`)."""
    header = _header(path)
    name = store.free_name(header.name or path.stem[:200].strip() or "Imported")
    return Calendar(new_id(), name, header.color or store.new_calendar_color())


def _header(path: Path) -> CalendarHeader:
    try:
        with path.open("rb") as f:
            return read_header(f.read(256 * 1024))
    except OSError:
        return CalendarHeader()


_UID_LINE = re.compile(rb"^UID[;:][^\r\n]*", re.MULTILINE)
_FOLD = re.compile(rb"\r?\n[ \t]")


def file_uids(data: bytes) -> set[str]:
    """The UIDs a calendar file's events have (a quick scan, no parsing: what the import
    dialog needs to find where they are already)."""
    out = set()
    for m in _UID_LINE.finditer(_FOLD.sub(b"", data)):
        value = m.group().split(b":", 1)[1] if b":" in m.group() else b""
        uid = value.decode("utf-8", "replace").strip()
        if uid:
            out.add(uid)
    return out


@dataclass(frozen=True)
class ImportTargets:
    """What the "Import into" question offers, and which choice is preselected."""

    labels: list[str]
    calendars: list[Calendar]  # one per label; the first is ``fresh`` (not yet stored)
    fresh: Calendar
    default: int


def import_targets(store: Store, path: Path) -> ImportTargets:
    """The choices of the import dialog (docs/import.md, "Where an import goes"): a new
    calendar named by the file, then every writable calendar. Preselected: the calendar
    that already holds the file's events (by UID, the one holding most), else the one
    named as the file names its calendar (X-WR-CALNAME), else the new calendar."""
    fresh = new_calendar_for(store, path)
    cals = [c for c in store.calendars() if not c.read_only]
    try:
        uids = file_uids(path.read_bytes())
    except OSError:
        uids = set()
    held = store.calendars_holding(uids) if uids else {}
    writable = {c.id for c in cals}
    holding = [(n, c) for c, n in held.items() if c in writable]
    default_id = max(holding)[1] if holding else None
    if default_id is None:
        name = _header(path).name
        named = store.calendars_named(name) if name else []
        default_id = named[0].id if len(named) == 1 and named[0].id in writable else None
    labels = [f"New calendar “{fresh.name}”"]
    for c in cals:
        label = c.name
        if held.get(c.id):
            label += f" (holds {plural(held[c.id], 'event')} of this file)"
        while label in labels:  # old duplicate names (names are unique now)
            label += " "
        labels.append(label)
    choices = [fresh, *cals]
    default = next((i for i, c in enumerate(choices) if c.id == default_id), 0)
    return ImportTargets(labels, choices, fresh, default)
