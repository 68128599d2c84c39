"""``aurora add | edit | delete``: change events from the command line (a contract).

```
aurora add --title T --start ISO --end ISO [--timezone ZONE] [--calendar NAME] [--location L]
                                  # prints the new event's id as its last line
aurora add "TEXT" [--calendar NAME]   # quick add: "Lunch with Anna tomorrow at 1pm"
aurora edit ID [--title T] [--location L] [--notes N] [--start ISO --end ISO]
aurora delete ID
```

ID is the ``id`` of ``aurora list --json``; ``edit`` and ``delete`` act on the
whole series when ID is a series. Times: ``2026-12-05T10:00`` is a wall
clock in ``--timezone`` (default: the system zone; for ``edit``, the event's
own zone), ``2026-12-05T10:00+01:00`` an instant, ``2026-12-05`` a day (both
dates: an all-day event; the end day is included when it equals the start).
Every change is a local edit: it is pending for sync like one made in the
window.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from aurora_core.model import (
    AllDayDate,
    Event,
    EventTime,
    FloatingTime,
    ValidationError,
    ZonedTime,
    get_zone,
)
from aurora_core.recurrence import edit_all

from .app import open_desktop
from .cli import CliError, _calendar_named
from .systemzone import system_zone_name

__all__ = ["add_edit_commands"]


def _times(start_text: str, end_text: str, zone_name: str | None,
           like: EventTime | None = None) -> tuple[EventTime, EventTime]:
    """Read --start/--end as one kind of time (see the module docstring)."""
    s, e = start_text.strip(), end_text.strip()
    if len(s) == 10 and len(e) == 10:
        try:
            d1, d2 = date.fromisoformat(s), date.fromisoformat(e)
        except ValueError:
            raise CliError(f"{s} or {e} is not a date of the form YYYY-MM-DD") from None
        if d2 == d1:
            d2 = d1 + timedelta(days=1)
        return AllDayDate(d1), AllDayDate(d2)
    if (len(s) == 10) != (len(e) == 10):
        raise CliError("--start and --end must both be dates or both be date-times")
    try:
        a, b = datetime.fromisoformat(s), datetime.fromisoformat(e)
    except ValueError:
        raise CliError(f"{s!r} or {e!r} is not an ISO 8601 date-time "
                       "(e.g. 2026-12-05T10:00)") from None
    if isinstance(like, FloatingTime) and zone_name is None and a.tzinfo is None:
        return FloatingTime(a), FloatingTime(b)
    name = zone_name or (like.tz if isinstance(like, ZonedTime) else None) or system_zone_name()
    try:
        get_zone(name)
    except ValidationError as exc:
        raise CliError(str(exc)) from None

    def zoned(t: datetime) -> ZonedTime:
        if t.tzinfo is None:
            return ZonedTime.from_local(t, name)
        return ZonedTime(t.astimezone(get_zone("UTC")), name)

    return zoned(a), zoned(b)


def _quick_add(args: argparse.Namespace, out: TextIO) -> int:
    """``aurora add "TEXT"``: the text read as quick add reads it (docs/quickadd.md).

    The locale is the environment's (LC_ALL, LC_TIME, LANG); the zone the system's.
    With no preview to show, anything not understood is refused, not added.
    """
    import os

    from aurora_core.quickadd import locale_from_name, parse

    loc = locale_from_name(os.environ.get("LC_ALL") or os.environ.get("LC_TIME")
                           or os.environ.get("LANG") or "C")
    zone = system_zone_name()
    now = datetime.now(get_zone(zone))
    result = parse(args.text, now=now, zone=zone, locale=loc)
    if result.error is not None:
        raise CliError(result.error)
    if result.not_understood:
        raise CliError("not understood, nothing added: " + "; ".join(result.not_understood))
    assert result.start is not None and result.end is not None
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        cal = _calendar_named(store, args.calendar, create=False)
        if cal.read_only:
            raise CliError(f"calendar {cal.name!r} is read-only")
        ev = Event.new(cal.id, result.title, result.start, result.end, rrule=result.rrule)
        ev.validate()
        stored = store.put_event(ev)
    repeats = f", repeating {result.rrule}" if result.rrule else ""
    out.write(f"Added {stored.title!r} to {cal.name!r}: {result.when(loc.h24)}{repeats}.\n"
              f"{stored.id}\n")
    return 0


def cmd_add(args: argparse.Namespace, out: TextIO) -> int:
    if args.text is not None:
        if any(getattr(args, n) is not None for n in ("title", "start", "end", "timezone",
                                                       "location")):
            args.add_parser.error("give either TEXT or --title/--start/--end, not both")
        return _quick_add(args, out)
    missing = [f"--{n}" for n in ("title", "start", "end") if getattr(args, n) is None]
    if missing:  # what argparse said when they were required (the contract)
        args.add_parser.error("the following arguments are required: " + ", ".join(missing))
    start, end = _times(args.start, args.end, args.timezone)
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        cal = _calendar_named(store, args.calendar, create=False)
        if cal.read_only:
            raise CliError(f"calendar {cal.name!r} is read-only")
        ev = Event.new(cal.id, args.title, start, end, location=args.location or "")
        stored = store.put_event(ev)
    out.write(f"Added {stored.title!r} to {cal.name!r}.\n{stored.id}\n")
    return 0


def _find(store: Any, event_id: str) -> Event:
    try:
        return store.get_event(event_id.strip().lower())  # type: ignore[no-any-return]
    except KeyError:
        raise CliError(f"no event with id {event_id} (see: aurora list --json)") from None


def cmd_edit(args: argparse.Namespace, out: TextIO) -> int:
    if (args.start is None) != (args.end is None):
        raise CliError("give --start and --end together")
    changes: dict[str, Any] = {}
    for name in ("title", "location", "notes"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        ev = _find(store, args.id)
        if args.start is not None:
            changes["start"], changes["end"] = _times(args.start, args.end, args.timezone,
                                                      like=ev.start)
        if not changes:
            raise CliError("nothing to change: give --title, --location, --notes or "
                           "--start/--end")
        if ev.is_recurring and ev.recurrence_id is None:
            _master, overrides = store.series(ev.uid)
            store.apply(edit_all(ev, overrides, **changes))
        else:
            store.put_event(ev.replace(**changes))
    out.write(f"Changed {ev.id}.\n")
    return 0


def cmd_delete(args: argparse.Namespace, out: TextIO) -> int:
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        ev = _find(store, args.id)
        store.delete_event(ev.id)
    what = "the series" if ev.is_recurring and ev.recurrence_id is None else "the event"
    out.write(f"Deleted {what} {ev.title!r}.\n")
    return 0


def add_edit_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("add", parents=[common], help="add an event",
                       description='Add an event: from --title/--start/--end, or from one TEXT '
                                   'in plain words ("Lunch with Anna tomorrow at 1pm").')
    p.add_argument("text", nargs="?", metavar="TEXT",
                   help='the event in plain words, e.g. "Standup every weekday at 9:30"')
    p.add_argument("--title")
    p.add_argument("--start", metavar="ISO")
    p.add_argument("--end", metavar="ISO")
    p.add_argument("--timezone", metavar="ZONE", help="IANA zone (default: the system zone)")
    p.add_argument("--calendar", metavar="NAME", help="default: the first writable calendar")
    p.add_argument("--location", metavar="L")
    p.set_defaults(func=cmd_add, add_parser=p)

    p = sub.add_parser("edit", parents=[common], help="change an event (a whole series by its id)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--title")
    p.add_argument("--location")
    p.add_argument("--notes")
    p.add_argument("--start", metavar="ISO")
    p.add_argument("--end", metavar="ISO")
    p.add_argument("--timezone", metavar="ZONE", help="zone of --start/--end (default: the "
                                                     "event's)")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("delete", parents=[common], help="delete an event (a whole series by its id)")
    p.add_argument("id", metavar="ID")
    p.set_defaults(func=cmd_delete)
