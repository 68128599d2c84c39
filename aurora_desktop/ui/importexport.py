"""File → Import / Export .ics for one window (:class:`ImportExport`), and what the
import dialog offers.

Both run off the GUI thread through :func:`ops.run_on_store`: a worker with its own
:class:`Store` on the window's database file runs the routine the command line runs
too (:func:`aurora_desktop.transfer.import_file` / ``export_file``). While one runs a
progress dialog shows (after a moment; an import with its count, an export busy),
the window keeps painting, and what an import changed is announced on the window's
store (views reload, reminders re-plan, sync sends it). The outcome is one message:
the status bar and a summary box for an import, the status bar for an export, and
one error box when it failed (a file that cannot be read or written, a full disk).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurora_core.counting import ImportCounts, export_text, import_headline, plural
from aurora_core.model import Calendar, Event, new_id
from aurora_desktop.qt import Qt, QtCore, QtWidgets, is_alive
from aurora_desktop.store import Store, StoreError
from aurora_desktop.transfer import (
    ExportReport,
    ImportReport,
    ReadOnlyCalendar,
    export_file,
    file_header,
    import_file,
)
from aurora_desktop.ui.ops import BackgroundOp, Progress, run_on_store

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

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

    @classmethod
    def of(cls, r: ImportReport) -> ImportSummary:
        return cls(r.path, r.counts.total, r.skipped, r.calendar_name, None, r.warnings,
                   r.counts, r.into.name)


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


def import_error_text(path: Path, exc: BaseException) -> str:
    """One line for an import that failed (a bug is logged whole, and said too)."""
    if isinstance(exc, OSError):
        return f"Cannot read {path.name}: {exc.strerror or exc}"
    if isinstance(exc, StoreError):
        return f"The calendar database cannot be written: {exc}"
    if isinstance(exc, KeyError):
        return "The calendar to import into was deleted meanwhile"
    if isinstance(exc, ReadOnlyCalendar):
        return f"Cannot import: the {exc}"
    if isinstance(exc, ValueError):  # ValidationError included
        return f"The file could not be imported: {exc}"
    log.error("import failed", exc_info=exc)
    return f"Import failed unexpectedly: {exc!r}"


def export_error_text(path: Path, exc: BaseException) -> str:
    """One line for an export that failed; the file that was there is as it was."""
    if isinstance(exc, OSError):
        return (f"Cannot export to {path}: {exc.strerror or exc}. Nothing was written; "
                "a file already there is unchanged.")
    if isinstance(exc, KeyError):
        return "The calendar to export was deleted meanwhile; nothing was written."
    if isinstance(exc, StoreError):
        return f"Cannot export: {exc}"
    log.error("export failed", exc_info=exc)
    return f"Export failed unexpectedly ({type(exc).__name__}: {exc}); nothing was written."


def exported_text(path: Path, events: list[Event]) -> str:
    """"Exported 9 events with 2 changed occurrences to a.ics", as the command line says."""
    return f"Exported {export_text(events)} to {path.name}"


class _Busy(QtCore.QObject):
    """The progress dialog of one import or export: it shows after a moment (a quick one
    never flashes it), window-modal, with no Cancel (the work is one transaction)."""

    def __init__(self, parent: QtWidgets.QWidget, title: str, text: str, subject: str) -> None:
        super().__init__(parent)
        self.subject = subject  # "a.ics…" in "Reading a.ics… 10 of 200"
        self.dialog = QtWidgets.QProgressDialog(text, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setAccessibleName(f"{title} progress")
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(400)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)  # starts its clock: shown after the minimum duration

    def progress(self, phase: str, done: int, total: int) -> None:
        if is_alive(self.dialog):
            self.dialog.setLabelText(f"{phase} {self.subject} {done} of {total}")
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(done)

    def close(self) -> None:
        if is_alive(self.dialog):
            self.dialog.close()
            self.dialog.deleteLater()
        self.deleteLater()


class ImportExport(QtCore.QObject):
    """File → Import .ics and Export .ics of ``window``: the questions, the work off the
    GUI thread, its progress, and the report."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ops: list[BackgroundOp[Any]] = []  # running imports and exports

    @property
    def store(self) -> Store:
        return self.window.store

    @property
    def exporting(self) -> bool:
        return any(op.running and op.objectName() == "export" for op in self.ops)

    def _track(self, op: BackgroundOp[Any], kind: str) -> None:
        op.setObjectName(kind)
        self.ops.append(op)
        op.finished.connect(lambda: self.ops.remove(op) if op in self.ops else None)

    # ---------------------------------------------------------------- import
    def import_ics(self, path: Path | None = None,
                   calendar_id: str | None = None) -> BackgroundOp[Any] | None:
        """Ask for the file (``path`` None) and the calendar (``calendar_id`` None), then
        import off the GUI thread. The calendars offered are worked out off the GUI thread
        too (a file of 100,000 events takes a second and more to scan): the question comes
        when they are known. Returns the running step (None: the user cancelled)."""
        w = self.window
        if path is None:
            name, _ = QtWidgets.QFileDialog.getOpenFileName(
                w, "Import calendar", str(Path.home()), "iCalendar files (*.ics *.ical);;"
                "All files (*)")
            if not name:
                return None
            path = Path(name)
        if calendar_id is not None:
            return self.start_import(path, calendar_id)
        source = path
        w.show_message(f"Reading {source.name}…", 0)

        def ask(t: ImportTargets) -> None:
            if not is_alive(w):
                return
            w.show_message("")
            # Preselected: the calendar already holding its events (docs/import.md)
            choice, ok = QtWidgets.QInputDialog.getItem(w, "Import into", "Import the events "
                                                        "into:", t.labels, t.default, False)
            if not ok:
                return
            cal = t.calendars[t.labels.index(choice)]
            # A new calendar is made only if anything goes into it.
            self.start_import(source, cal.id, cal if cal is t.fresh else None)

        def failed(exc: BaseException) -> None:
            if is_alive(w):
                w.show_message("")
                self.import_finished(ImportSummary(source,
                                                   error=import_error_text(source, exc)))

        return run_on_store(self, self.store, lambda own: import_targets(own, source), ask,
                            failed, name="import-targets")

    def start_import(self, path: Path, calendar_id: str,
                     create: Calendar | None = None) -> BackgroundOp[ImportReport]:
        """Import off the GUI thread with a progress dialog; a summary when done."""
        busy = _Busy(self.window, "Import", f"Importing {path.name}…", f"{path.name}…")
        progress = Progress(busy)
        progress.changed.connect(busy.progress)

        def work(own: Store) -> ImportReport:
            return import_file(own, path, create or calendar_id, progress=progress)

        def done(report: ImportReport) -> None:
            busy.close()
            self.import_finished(ImportSummary.of(report))

        def failed(exc: BaseException) -> None:
            busy.close()
            self.import_finished(ImportSummary(path, error=import_error_text(path, exc)))

        op = run_on_store(self, self.store, work, done, failed, name="import")
        self._track(op, "import")
        return op

    def import_finished(self, s: ImportSummary) -> None:
        """Tell the user what was imported and what was skipped (tests override)."""
        w = self.window
        if not is_alive(w):
            return
        if s.error:
            w.report_error(s.error)
            return
        w.show_message(headline(s))
        text, details = finished_text(s)
        if not details:
            QtWidgets.QMessageBox.information(w, "Import finished", text)
            return
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Import finished",
                                    text, QtWidgets.QMessageBox.StandardButton.Ok, w)
        box.setDetailedText(details)
        box.exec()

    # ---------------------------------------------------------------- export
    def export_ics(self, path: Path | None = None,
                   calendar_id: str | None = None) -> BackgroundOp[ExportReport] | None:
        """Ask what to export and where (``path`` None), then write it off the GUI thread.
        Returns the running export (None: the user cancelled, or one already runs)."""
        w = self.window
        if self.exporting:
            w.show_message("An export is still being written; try again when it is done.")
            return None
        if path is None:
            cals = self.store.calendars()
            choices = ["All calendars"] + [c.name for c in cals]
            choice, ok = QtWidgets.QInputDialog.getItem(w, "Export", "Export:", choices, 0,
                                                        False)
            if not ok:
                return None
            i = choices.index(choice)
            calendar_id = None if i == 0 else cals[i - 1].id
            default = "aurora.ics" if calendar_id is None else f"{cals[i - 1].name}.ics"
            name, _ = QtWidgets.QFileDialog.getSaveFileName(
                w, "Export calendar", str(Path.home() / default), "iCalendar files (*.ics)")
            if not name:
                return None
            path = Path(name)
        target = path
        busy = _Busy(w, "Export", f"Exporting to {target.name}…", f"{target.name}…")

        def done(report: ExportReport) -> None:
            busy.close()
            if is_alive(w):
                w.show_message(exported_text(target, report.events))

        def failed(exc: BaseException) -> None:
            busy.close()
            if is_alive(w):
                w.report_error(export_error_text(target, exc))

        op = run_on_store(self, self.store, lambda own: export_file(own, target, calendar_id),
                          done, failed, name="export")
        self._track(op, "export")
        return op

    def stop(self, timeout: float = 10.0) -> None:
        """The window closes: an import or export under way finishes first."""
        for op in list(self.ops):
            op.wait(timeout)


def new_calendar_for(store: Store, path: Path) -> Calendar:
    """The calendar an import of ``path`` into a new calendar makes (not yet stored): named
    by the file's X-WR-CALNAME (or NAME), else after the file, with " (2)"… when a calendar
    has that name already (names are unique); coloured as the file says, else as every new
    calendar is (:meth:`Store.new_calendar_color`)."""
    header = file_header(path)
    name = store.free_name(header.name or path.stem[:200].strip() or "Imported")
    return Calendar(new_id(), name, header.color or store.new_calendar_color())


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
        name = file_header(path).name
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
