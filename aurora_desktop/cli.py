"""The `aurora` command line: import, export, list, and (with no command) the window.

Errors reach the user as one line on stderr and exit code 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TextIO

from aurora_core import __version__
from aurora_core.counting import import_headline, plural
from aurora_core.ics_header import read_header
from aurora_core.model import (
    AllDayDate,
    Calendar,
    EventTime,
    Occurrence,
    ValidationError,
    ZonedTime,
    new_id,
)
from aurora_core.times import DisplayZone, wall_in

from .app import default_data_dir, open_desktop
from .store import Store, StoreError
from .systemzone import system_zone_name

EXIT_ERROR = 2


class CliError(Exception):
    """A problem to report to the user as one line (exit code 2)."""


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{what} {text!r} is not a date of the form YYYY-MM-DD") from None


def _calendar_named(store: Store, name: str | None, *, create: bool,
                    color: str | None = None, lazily: bool = False) -> Calendar:
    """The calendar ``--calendar NAME`` means (case-insensitive, trimmed), or the default
    one. Two calendars of that name (made by an older version, or by sync) are an error,
    never a guess. ``create``: a new name makes the calendar, stored now, or (``lazily``)
    left to the caller to store (an import makes it only if anything goes into it)."""
    if name is None:
        return store.default_calendar_or_new()
    matches = store.calendars_named(name)
    if len(matches) > 1:
        raise CliError(f"{len(matches)} calendars are named {matches[0].name!r}: rename one "
                       "in the window (double-click it in the sidebar), then try again")
    if matches:
        return matches[0]
    if not create:
        names = ", ".join(c.name for c in store.calendars()) or "none"
        raise CliError(f"no calendar named {name!r} (calendars: {names})")
    cal = Calendar(new_id(), name.strip(), color or store.new_calendar_color())
    if not lazily:
        store.put_calendar(cal)
    return cal


def _iso(t: EventTime, local_tz: tzinfo) -> str:
    """ISO 8601 in ``local_tz`` (with its offset); a plain date for all-day times."""
    if isinstance(t, AllDayDate):
        return t.day.isoformat()
    if isinstance(t, ZonedTime):
        return t.at.astimezone(local_tz).isoformat()
    return t.wall.replace(tzinfo=local_tz).isoformat()


def occurrence_json(occ: Occurrence, calendar_name: str, local_tz: tzinfo) -> dict[str, object]:
    ev = occ.event
    rid = occ.recurrence_id
    return {
        "uid": ev.uid,
        "id": ev.id,
        "title": ev.title,
        "calendar": calendar_name,
        "start": _iso(occ.start, local_tz),
        "end": _iso(occ.end, local_tz),
        "all_day": isinstance(occ.start, AllDayDate),
        "timezone": getattr(occ.start, "tz", None),
        "location": ev.location,
        "recurrence_id": None if rid is None else _iso(rid, local_tz),
    }


# ------------------------------------------------------------------ commands


def _covered_days(occ: Occurrence, local_tz: tzinfo) -> tuple[date, date]:
    """The first and last local day an occurrence is on (an end at midnight is not on
    that day; an all-day event's end date is exclusive)."""
    if isinstance(occ.start, AllDayDate) and isinstance(occ.end, AllDayDate):
        return occ.start.day, max(occ.start.day, occ.end.day - timedelta(days=1))
    s, e = wall_in(occ.start, local_tz), wall_in(occ.end, local_tz)
    last = e.date() if e.time() != time() or e <= s else (e - timedelta(days=1)).date()
    return s.date(), max(s.date(), last)


def _day_label(d: date) -> str:
    return f"{d:%a} {d.isoformat()}"


def _listing_lines(occs: Sequence[Occurrence], names: dict[str, str], local_tz: tzinfo,
                   first: date, last: date) -> list[tuple[date, str]]:
    """(day, line) for every day from ``first`` to ``last`` each occurrence is on: an event
    of several days is listed on each of them, with "day k/n" and its end."""
    out: list[tuple[date, int, str]] = []
    for n, occ in enumerate(occs):
        ev = occ.event
        d0, d1 = _covered_days(occ, local_tz)
        days = (d1 - d0).days + 1
        all_day = isinstance(occ.start, AllDayDate)
        s, e = wall_in(occ.start, local_tz), wall_in(occ.end, local_tz)
        cal = names.get(ev.calendar_id, "?")
        extra = f"  @ {ev.location}" if ev.location else ""
        d = max(d0, first)
        while d <= min(d1, last):
            if days == 1:
                when = "all day" if all_day else f"{s:%H:%M}–{e:%H:%M}"
                note = ""
            else:
                k = (d - d0).days + 1
                if all_day:
                    when, until = "all day", f"{d1:%a} {d1.isoformat()}"
                else:
                    when = (f"from {s:%H:%M}" if d == d0 else f"until {e:%H:%M}" if d == d1
                            else "all day")
                    until = f"{e:%a} {e.date().isoformat()} {e:%H:%M}"
                note = f"  (day {k}/{days}, until {until})"
            out.append((d, n, f"  {when:<13} {ev.title}  [{cal}]{extra}{note}"))
            d += timedelta(days=1)
    out.sort(key=lambda x: (x[0], x[1]))
    return [(d, line) for d, _, line in out]


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    tz_name = args.timezone or system_zone_name()
    try:
        zone = DisplayZone.named(tz_name)
    except ValidationError as exc:
        raise CliError(str(exc)) from None
    tz = zone.tz
    if args.date_from:
        start_day = _parse_day(args.date_from, "--from")
        default_days = 30
    else:  # no dates: the coming week, today and the next 7 days
        start_day = datetime.now(tz).date()
        default_days = 7
    end_day = (_parse_day(args.date_to, "--to") if args.date_to
               else start_day + timedelta(days=default_days))
    if end_day < start_day:
        raise CliError("--to is before --from" if args.date_from else "--to is before today")
    with open_desktop(args.data_dir, for_reading=True) as desktop:
        store = desktop.store
        names = {c.id: c.name for c in store.calendars()}
        ids = None
        if args.calendar:
            ids = [_calendar_named(store, args.calendar, create=False).id]
        # --to is inclusive: the window ends at the start of the day after.
        ws, we = zone.window(start_day, end_day + timedelta(days=1))
        occs = store.occurrences(ws, we, tz, calendar_ids=ids)
    if args.json:
        rows = [occurrence_json(o, names.get(o.event.calendar_id, "?"), tz) for o in occs]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    lines = _listing_lines(occs, names, tz, start_day, end_day)
    if not lines:
        out.write(f"No events from {start_day} to {end_day}.\n")
        return 0
    current = None
    for day, line in lines:
        if day != current:
            out.write(f"\n{_day_label(day)}\n" if current else f"{_day_label(day)}\n")
            current = day
        out.write(line + "\n")
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from .transfer import HEADER_BYTES, ReadOnlyCalendar, import_file

    path = Path(args.file)
    try:
        with path.open("rb") as f:
            header = read_header(f.read(HEADER_BYTES))
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        # A new calendar takes the file's colour if it gives one, else one no calendar has.
        cal = _calendar_named(store, args.calendar, create=True, color=header.color,
                              lazily=True)
        fresh = cal if args.calendar is not None and store.calendars_named(cal.name) == [] \
            else None
        show = sys.stderr.isatty() or args.progress
        last = [-1]

        def progress(_phase: str, done: int, total: int) -> None:
            pct = 100 * done // max(total, 1)
            if show and pct != last[0]:
                last[0] = pct
                sys.stderr.write(f"\rimporting {path.name}: {done}/{total} ({pct}%)")
                sys.stderr.flush()

        try:
            # An event already in another calendar stays there (docs/import.md).
            report = import_file(store, path, fresh or cal.id, progress=progress)
        except ReadOnlyCalendar as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
        if show:
            sys.stderr.write("\n")
    for s in report.skipped:
        print(f"skipped: {s}", file=sys.stderr)
    for w in report.warnings:  # read as meant, not skipped (docs/import.md)
        print(f"warning: {w}", file=sys.stderr)
    warned = len(report.warnings)
    # Counted by the one rule (aurora_core.counting), as the window counts.
    counts = report.counts
    text = import_headline(counts, repr(cal.name))
    if report.skipped:
        text += f"; skipped {plural(len(report.skipped), 'item')}"
    if warned:
        text += f"; {plural(warned, 'warning')}"
    out.write(text + ".\n")
    if not counts.total and report.skipped:
        return EXIT_ERROR
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from .transfer import export_data, export_file

    target = Path(args.output)
    with open_desktop(args.data_dir, for_reading=True) as desktop:
        store = desktop.store
        cal = _calendar_named(store, args.calendar, create=False) if args.calendar else None
        if str(target) == "-":
            data, _events = export_data(store, cal.id if cal else None)
            sys.stdout.buffer.write(data)
            return 0
        try:
            report = export_file(store, target, cal.id if cal else None)
        except OSError as exc:
            raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    out.write(f"Exported {report.text} to {target}.\n")
    return 0


def _expected_errors() -> tuple[type[Exception], ...]:
    """What reaches the user as one line (exit 2): bad input, the environment, the server."""
    from .account_cli import ERRORS
    from .subscription_cli import ERRORS as SUBSCRIPTION_ERRORS
    from .sync_cli import ERRORS as SYNC_ERRORS

    return (CliError, StoreError, ValidationError, *ERRORS, *SYNC_ERRORS, *SUBSCRIPTION_ERRORS)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="where the calendar database lives (default: $AURORA_DATA_DIR or "
                             "the platform data folder)")
    p = argparse.ArgumentParser(
        prog="aurora", parents=[common],
        description="Aurora Time: a calendar that works offline. With no command, opens the window.",
    )
    p.add_argument("--version", action="version", version=f"Aurora Time {__version__}")
    p.add_argument("--hidden", action="store_true",
                   help="start in the tray without showing the window (used at login)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser("import", parents=[common], help="import events from an .ics file")
    imp.add_argument("file", metavar="FILE.ics")
    imp.add_argument("--calendar", metavar="NAME", help="calendar to import into (created if new)")
    imp.add_argument("--progress", action="store_true", help="show progress even when not a tty")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[common], help="export events to an .ics file")
    exp.add_argument("--calendar", metavar="NAME", help="only this calendar")
    exp.add_argument("-o", "--output", required=True, metavar="FILE.ics", help="'-' for stdout")
    exp.set_defaults(func=cmd_export)

    ls = sub.add_parser("list", parents=[common], help="list occurrences in a date range")
    ls.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                    help="first day (default: today; with no dates, the coming week)")
    ls.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                    help="inclusive (default: 30 days after --from, 7 after today)")
    ls.add_argument("--calendar", metavar="NAME")
    ls.add_argument("--timezone", metavar="ZONE", help="IANA zone to show times in (default: system)")
    ls.add_argument("--json", action="store_true", help="print one JSON array")
    ls.set_defaults(func=cmd_list)

    from .account_cli import add_account_commands
    from .edit_cli import add_edit_commands
    from .subscription_cli import add_subscription_commands
    from .sync_cli import add_sync_commands

    add_account_commands(sub, common)
    add_sync_commands(sub, common)
    add_edit_commands(sub, common)
    add_subscription_commands(sub, common)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # argparse prints usage and exits 2 on bad arguments: that is our contract too.
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = default_data_dir()
    try:
        if args.command is None:
            from .display import display_problem, platform_override

            problem = display_problem(os.environ)
            if problem is not None:  # before Qt, which would abort the process
                raise CliError(problem)
            qpa = platform_override(os.environ)  # a stale WAYLAND_DISPLAY: X11 instead
            if qpa is not None:
                os.environ["QT_QPA_PLATFORM"] = qpa
            from .app import run_app

            return int(run_app(args.data_dir, [sys.argv[0], *(["--hidden"] if args.hidden else [])]))
        func: Callable[[argparse.Namespace, TextIO], int] = args.func
        return func(args, sys.stdout)
    except _expected_errors() as exc:
        print(f"aurora: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("aurora: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
