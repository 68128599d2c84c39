"""Import and export of .ics files: one routine each, used by ``aurora import|export``
and by the window's File → Import / Export (Qt-free: the window runs them on a worker
thread with its own :class:`Store`, the command line on its own).

:func:`import_file` reads a file into a calendar and reports what it did by the one
counting rule (:mod:`aurora_core.counting`); :func:`export_file` writes a calendar (or
all of them) to a file, whole or not at all. Each front end words the outcome its own
way (the command line quotes 'like this', the window “like this”) from the same report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aurora_core.counting import ImportCounts, count_events, export_text
from aurora_core.ics_header import CalendarHeader, read_header
from aurora_core.model import Calendar, Event

from .store import Store

__all__ = ["ExportReport", "ImportReport", "Progress", "ReadOnlyCalendar", "export_data",
           "export_file", "file_header", "import_file", "write_atomically"]

Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: phase "Reading" (parsing the file), then "Saving"."""

HEADER_BYTES = 256 * 1024  # where a file's calendar name and colour are looked for


class ReadOnlyCalendar(ValueError):
    """The calendar to import into cannot be written (a subscription)."""


@dataclass
class ImportReport:
    """What one import did: counted by the rule, and what it skipped or assumed."""

    path: Path
    into: Calendar  # the calendar the events went to
    counts: ImportCounts = field(default_factory=ImportCounts)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # read as meant (docs/import.md)
    calendar_name: str | None = None  # the file's own name for its calendar


@dataclass
class ExportReport:
    """What one export wrote (the events, so a report can count them by the rule)."""

    path: Path
    events: list[Event]

    @property
    def count(self) -> int:
        """Events by the counting rule: a series with its changed occurrences is one."""
        return count_events(self.events)

    @property
    def text(self) -> str:
        """"9 events with 2 changed occurrences", as every export report says it."""
        return export_text(self.events)


def file_header(path: Path) -> CalendarHeader:
    """The calendar name and colour a file gives (X-WR-CALNAME, COLOR…), or none when it
    cannot be read (the import itself then says why)."""
    try:
        with path.open("rb") as f:
            return read_header(f.read(HEADER_BYTES))
    except OSError:
        return CalendarHeader()


def import_file(store: Store, path: Path, into: str | Calendar, *,
                progress: Progress | None = None) -> ImportReport:
    """Import the .ics file ``path`` into ``into``: the id of a calendar in ``store``, or a
    new :class:`Calendar` (not stored yet: it is made in the import's transaction, and only
    if anything goes into it). An event already in another calendar stays there
    (docs/import.md). Raises OSError (the file cannot be read), KeyError (the calendar was
    deleted meanwhile), :class:`ReadOnlyCalendar`, StoreError (the database cannot be
    written).
    """
    from aurora_core.ical import parse_ics

    data = path.read_bytes()
    create = into if isinstance(into, Calendar) else None
    target = create or store.calendar(str(into))  # as it is now (KeyError: deleted meanwhile)
    if target.read_only:
        raise ReadOnlyCalendar(f"calendar {target.name!r} is read-only")

    def step(phase: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        report = progress
        return lambda done, total: report(phase, done, total)

    result = parse_ics(data, calendar_id=target.id, progress=step("Reading"))
    counts = store.import_events(result.events, progress=step("Saving"), create=create)
    return ImportReport(path, target, counts, [str(s) for s in result.skipped],
                        [str(w) for w in result.warnings], result.calendar_name)


def export_data(store: Store, calendar_id: str | None = None) -> tuple[bytes, list[Event]]:
    """The .ics text of one calendar (``None``: every calendar), and the events in it.
    Raises KeyError when the calendar is gone."""
    from aurora_core.ical import to_ics

    cals = {c.id: c for c in store.calendars()}
    if calendar_id is not None and calendar_id not in cals:
        raise KeyError(calendar_id)
    events = store.events(calendar_id)
    name = cals[calendar_id].name if calendar_id is not None else None
    return to_ics(events, cals, calendar_name=name), events


def export_file(store: Store, path: Path, calendar_id: str | None = None) -> ExportReport:
    """Write one calendar (``None``: every calendar) to ``path``: whole or not at all.

    Written to ``<name>.part`` and renamed over ``path``, so a failure (a full disk, a
    folder that cannot be written) leaves an existing file as it was; a read-only file
    is not replaced. Raises OSError (with ``strerror`` the reason to show), KeyError.
    """
    data, events = export_data(store, calendar_id)
    write_atomically(path, data)
    return ExportReport(path, events)


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` gets ``data`` whole, or keeps what it had (see :func:`export_file`)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISREG(mode) and not (
            mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) and os.access(path, os.W_OK)):
        # rename() would replace it: its folder is writable even if the file is not
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
