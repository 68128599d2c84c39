"""iCalendar (.ics, RFC 5545) import and export.

Import (:func:`parse_ics`) reads the file once and converts each VEVENT to
an :class:`~aurora_core.model.Event`. A well-formed file is read by the lean
reader in :mod:`aurora_core.ical_fast`, which gives the converter the same
values the ``icalendar`` library would, several times faster (VTIMEZONEs
are still parsed by the library); anything that reader does not fully
understand is parsed with ``icalendar`` as a whole, and tests compare the two
paths event by event. Import never raises for bad content: whatever cannot
be imported is reported in :attr:`ImportResult.skipped` with a reason a user
can act on, and the rest still imports. A file the library cannot parse as a
whole (cut off, junk between components, several calendars run together) is
taken apart into its components, and each is parsed on its own.

How the file's times become our three kinds of time:

- ``VALUE=DATE`` → :class:`AllDayDate` (DTEND exclusive; no DTEND means one
  day).
- A ``TZID`` → :class:`ZonedTime` in an IANA zone. The TZID may be an IANA
  name (also with a vendor prefix such as ``/freeassociation.sourceforge.net/``),
  a Windows name as Outlook writes it (``W. Europe Standard Time``) or its
  display label (``(UTC+01:00) Amsterdam, Berlin, ...``), see
  :mod:`aurora_core.windows_zones`. Any other TZID must be defined by a
  VTIMEZONE in the file; its offsets over the year of the event are matched
  against every IANA zone and the best match is used (Windows primary zones
  first, then zones whose city appears in the TZID). A VTIMEZONE with a
  single whole-hour offset that matches no real zone becomes the fixed-offset
  IANA zone ``Etc/GMT±N``; a VTIMEZONE that matches nothing is used as the
  file defines it, as a zone ``X-AURORA/<hash>`` (:mod:`aurora_core.custom_zones`),
  with one warning per zone; export writes that definition back.
  A TZID no VTIMEZONE defines may be a vendor's form of a zone name (Lotus
  Notes, old Outlook labels…); if it is none, its times are kept floating,
  with a warning: we never silently guess UTC.
- ``Z`` (UTC) → :class:`ZonedTime` in ``UTC``.
- No TZID and no ``Z`` → :class:`FloatingTime`.
- ``X-WR-TIMEZONE`` (Google Calendar): floating and UTC times are read in
  that zone, as Google means them (a weekly 09:00 stays 09:00 across DST).

No DTEND and no DURATION gives a zero-length timed event; ``DURATION`` adds
nominal days on the wall clock and hours/minutes/seconds as elapsed time.
A DTEND in another zone than DTSTART is moved to DTSTART's zone (same instant).

VALARMs become reminders: ACTION DISPLAY/AUDIO → ``notification``, EMAIL →
``email``. Triggers relative to the start map exactly; triggers relative to
the end add the event's duration; absolute triggers map for one-off zoned
events; anything else is dropped and reported.

Overrides (RECURRENCE-ID) import as separate events sharing the master's
UID, also when the master is not in the file (an invitation update for one
instance). A ``RANGE=THISANDFUTURE`` override splits its series there, as
our own "this and following" edit does.

What breaks RFC 5545 in small ways (an end before the start, two RRULEs,
COUNT with UNTIL, an override of another kind of time, a stale override…) is
read as clearly meant, and :attr:`ImportResult.warnings` says what was
assumed; docs/import.md lists each case and why.

Ids are stable: an event's id is a UUID5 of its UID and recurrence-id key
(or the ``X-AURORA-ID`` we wrote on export), so importing the same file again,
on any machine, updates the same events instead of duplicating them. An event
without a UID gets a UID derived from its content the same way.

Text longer than the model allows (title, location, notes) is shortened,
not refused.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

import icalendar
from icalendar.prop import vInline, vRecur

from aurora_core import custom_zones, ical_extra, ical_fast
from aurora_core.model import (
    MAX_DATES,
    MAX_EXTRA,
    MAX_LOCATION,
    MAX_NOTES,
    MAX_REMINDER_MINUTES,
    MAX_REMINDERS,
    MAX_TITLE,
    AllDayDate,
    Calendar,
    Channel,
    Event,
    EventStatus,
    EventTime,
    FloatingTime,
    Reminder,
    ValidationError,
    ZonedTime,
    duration,
    get_zone,
    same_kind,
    shift,
    time_from_key,
    time_key,
    zone_names,
)
from aurora_core.recurrence import (
    MAX_INSTANCES,
    edit_all,
    instances,
    parse_rule,
    split_series,
)
from aurora_core.times import own_wall
from aurora_core.windows_zones import primary_zones, windows_to_iana

__all__ = ["PRODID", "Assumed", "ImportResult", "Rejoined", "Skipped", "parse_ics",
           "rejoin_range", "resolve_tzid", "to_ics"]

PRODID = "-//Aurora Time//EN"
# Namespace of the UUID5 ids given to imported events.
ID_NAMESPACE = uuid.UUID("6f1c3f5e-8a7b-4d0e-9c51-2b7d3e9a4f10")
X_ID = "X-AURORA-ID"
X_CHANNEL = "X-AURORA-CHANNEL"
X_CALENDAR = "X-AURORA-CALENDAR"
X_TZID = "X-AURORA-TZID"  # on a DTSTART written in UTC: the event's zone

_TIME_PROPS = {
    "DTSTART": "start (DTSTART)",
    "DTEND": "end (DTEND)",
    "DURATION": "duration (DURATION)",
    "RECURRENCE-ID": "recurrence id (RECURRENCE-ID)",
    "EXDATE": "excluded dates (EXDATE)",
    "RDATE": "extra dates (RDATE)",
    "RRULE": "repeat rule (RRULE)",
}
_STATUS = {
    "CONFIRMED": EventStatus.CONFIRMED,
    "TENTATIVE": EventStatus.TENTATIVE,
    "CANCELLED": EventStatus.CANCELLED,
}
_CHANNELS: dict[str, Channel] = {"DISPLAY": "notification", "AUDIO": "notification",
                                 "EMAIL": "email"}
_OTHER_COMPONENTS = {
    "VTODO": "to-dos are not imported, only events",
    "VJOURNAL": "journal entries are not imported, only events",
    "VFREEBUSY": "free/busy information is not imported, only events",
    "VAVAILABILITY": "availability is not imported, only events",
}


@dataclass(frozen=True, slots=True)
class _Finding:
    """``component`` names it for a user (``VEVENT 'Dentist' (UID abc…)``); ``line`` is
    the line of the file where it begins, when known."""

    component: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.component}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Skipped(_Finding):
    """Something in the file that was not imported, and why."""


@dataclass(frozen=True, slots=True)
class Assumed(_Finding):
    """Something in the file that broke RFC 5545 and was read as clearly meant.

    Not a skip: the event was imported, in a valid form; ``reason`` says
    what was assumed (see docs/import.md). Same fields as :class:`Skipped`.
    """


@dataclass(slots=True)
class ImportResult:
    """What an import found: the events (masters and overrides), what it skipped,
    and what it assumed to read events that break RFC 5545 (``warnings``)."""

    events: list[Event] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    calendar_name: str | None = None
    warnings: list[Assumed] = field(default_factory=list)
    # The zones the file defined that match no IANA zone (X-AURORA/<hash> -> its
    # VTIMEZONE, normalised); the events that use them name them (docs/import.md).
    zones: dict[str, str] = field(default_factory=dict)


class _Skip(Exception):  # control flow only; never leaves this module
    """Raised inside the converter: skip this component for ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------
# Time zones


@lru_cache(maxsize=1024)
def _named_zone(tzid: str) -> str | None:
    """The IANA zone a TZID names without looking at VTIMEZONEs, or None."""
    name = tzid.strip().strip('"').strip()
    if not name:
        return None
    candidates = [name]
    if name.startswith("/"):
        # RFC 5545 "globally unique" TZIDs: /vendor/.../Area/City
        parts = [p for p in name.split("/") if p]
        candidates = ["/".join(parts[i:]) for i in range(len(parts))]
    for cand in candidates:
        if cand.upper() in ("UTC", "GMT", "Z", "ETC/UTC", "ETC/GMT"):
            return "UTC"
        if custom_zones.is_custom(cand):  # a zone a file defined: by its VTIMEZONE only
            continue
        if "/" in cand or cand in _plain_zone_names():
            try:
                get_zone(cand)
            except ValidationError:
                continue
            return cand
    return windows_to_iana(name)


@lru_cache(maxsize=1)
def _plain_zone_names() -> frozenset[str]:
    """IANA names without a slash (``EST5EDT``, ``Japan``…), which zoneinfo also accepts."""
    return frozenset(n for n in available_timezones() if "/" not in n)


def resolve_tzid(tzid: str) -> str | None:
    """The IANA zone for a TZID that is an IANA or Windows name (no VTIMEZONE needed)."""
    return _named_zone(tzid)


@lru_cache(maxsize=8)
def _zone_offsets(year: int) -> dict[str, tuple[timedelta | None, ...]]:
    """For every IANA zone: its UTC offsets at four instants of ``year`` (a quick filter)."""
    probes = [datetime(year, m, 15, 12, tzinfo=UTC) for m in (1, 4, 7, 10)]
    out: dict[str, tuple[timedelta | None, ...]] = {}
    for name in sorted(zone_names()):
        try:
            z = get_zone(name)
        except ValidationError:
            continue
        out[name] = tuple(p.astimezone(z).utcoffset() for p in probes)
    return out


def _signature(tz: tzinfo, year: int) -> tuple[tuple[timedelta | None, ...], tuple[datetime, ...]]:
    """How ``tz`` behaves over ``year``: its offset each day, and each change to the minute.

    Two zones with the same signature read every wall time of that year alike.
    Cheap in calls (about 400), because a VTIMEZONE-made tzinfo is slow.
    """
    start = datetime(year, 1, 1, 12, tzinfo=UTC)
    days = [start + timedelta(days=d) for d in range(367)]
    offsets = [d.astimezone(tz).utcoffset() for d in days]
    changes: list[datetime] = []
    for i in range(1, len(days)):
        if offsets[i] == offsets[i - 1]:
            continue
        lo, hi = days[i - 1], days[i]  # offset changes somewhere in (lo, hi]
        before = offsets[i - 1]
        while hi - lo > timedelta(minutes=1):
            mid = lo + (hi - lo) / 2
            if mid.astimezone(tz).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        changes.append(hi.replace(second=0, microsecond=0))
    return tuple(offsets), tuple(changes)


@lru_cache(maxsize=64)
def _match_vtimezone_text(tzid: str, ical: bytes, year: int) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            component: Any = icalendar.Timezone.from_ical(ical)
            custom = component.to_tz(lookup_tzid=False)
            wanted = _signature(custom, year)
    except Exception:  # a broken VTIMEZONE simply matches nothing
        return None
    probes = [datetime(year, m, 15, 12, tzinfo=UTC) for m in (1, 4, 7, 10)]
    key = tuple(wanted[0][(p - datetime(year, 1, 1, 12, tzinfo=UTC)).days] for p in probes)
    candidates = [n for n, offs in _zone_offsets(year).items() if offs == key]
    words = {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", tzid)}

    def rank(name: str) -> tuple[int, int, str]:
        city = name.rsplit("/", 1)[-1].replace("_", " ").casefold()
        return (0 if name in primary_zones() else 1,
                0 if any(w in city.split() or w == city for w in words) else 1, name)

    for name in sorted(candidates, key=rank):
        if _signature(get_zone(name), year) == wanted:
            return name
    # No real zone fits: a fixed whole-hour offset still has an IANA name.
    offsets = set(wanted[0])
    if len(offsets) == 1 and not wanted[1]:
        only = next(iter(offsets))
        if only is not None and int(only.total_seconds()) % 3600 == 0:
            hours = int(only.total_seconds()) // 3600
            if -12 <= hours <= 14:
                return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return None


def _match_vtimezone(tzid: str, component: Any, year: int) -> str | None:
    """The IANA zone that behaves like a custom VTIMEZONE over ``year``, or None.

    Among equal zones, Windows primary zones win, then zones whose city is
    named in the TZID, then the alphabetically first. Cached by the
    VTIMEZONE's text, so a calendar full of Outlook invitations pays once.
    """
    try:
        ical = bytes(component.to_ical())
    except Exception:  # an unserialisable component matches nothing
        return None
    return _match_vtimezone_text(tzid, ical, year)


# Display names some exporters write as a TZID (Lotus Notes, old Outlook, scripts)
# that are neither IANA nor Windows names; keys as _norm_label() makes them.
_DISPLAY_NAMES = {
    "eastern": "America/New_York", "eastern time": "America/New_York",
    "us eastern": "America/New_York", "eastern time (us & canada)": "America/New_York",
    "central": "America/Chicago", "central time": "America/Chicago",
    "central time (us & canada)": "America/Chicago",
    "mountain": "America/Denver", "mountain time": "America/Denver",
    "mountain time (us & canada)": "America/Denver",
    "pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
    "pacific time (us & canada)": "America/Los_Angeles",
    "central european time": "Europe/Berlin", "central europe": "Europe/Berlin",
    "central european": "Europe/Berlin", "western european time": "Europe/Lisbon",
    "eastern european time": "Europe/Bucharest", "british time": "Europe/London",
    "greenwich mean time": "Europe/London", "india": "Asia/Kolkata",
    "india time": "Asia/Kolkata", "japan time": "Asia/Tokyo",
}


def _norm_label(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


@lru_cache(maxsize=256)
def _vendor_zone(tzid: str) -> str | None:
    """The IANA zone a vendor's form of a TZID means, or None (docs/import.md).

    Tried in turn: a Lotus Notes zone string (``…$ZN=W. Europe``); each
    trailing part of a ``/vendor/.../Area/City`` path, also as a Windows
    name; a Windows name without its "Standard Time" (as Lotus Notes writes
    them); an old Outlook label (``(GMT+01.00) Amsterdam / Berlin / …``); a
    few common display names (``Eastern Time (US & Canada)``).
    """
    name = tzid.strip().strip('"').strip()
    names = [name]
    notes = re.search(r"(?:^|\$)ZN=([^$]+)", name)
    if notes:
        names.insert(0, notes.group(1).strip())
    if "/" in name and not name.startswith("("):
        parts = [p for p in name.split("/") if p.strip()]
        names += ["/".join(parts[i:]) for i in range(1, len(parts))]
    for cand in names:
        found = _named_zone(cand)
        if found is None and not cand.lower().endswith(" time"):
            found = windows_to_iana(cand + " Standard Time")
        if found is None and cand.upper().startswith("(GMT"):
            label = re.sub(r"^\(GMT([+-]\d\d)[.:](\d\d)\)", r"(UTC\1:\2)", cand)
            found = windows_to_iana(label.replace(" / ", ", "))
        if found is None:
            found = _DISPLAY_NAMES.get(_norm_label(cand))
        if found is not None:
            return found
    return None


class _Zones:
    """Resolves the TZIDs of one file (cached per TZID).

    :meth:`resolve` gives None for a TZID no VTIMEZONE defines and that is no
    known name in any form: its times are read as floating, and ``notes``
    says so (as it says which zone a vendor form was read as).
    """

    def __init__(self, vtimezones: Mapping[str, Any]) -> None:
        self.vtimezones = vtimezones
        self.cache: dict[str, str | None] = {}
        self.notes: dict[str, str] = {}
        self.custom: dict[str, str] = {}  # TZID -> X-AURORA/<hash>, in the order first used
        self.refused: dict[str, str] = {}  # TZID -> why its own definition cannot be used

    def resolve(self, tzid: str, year: int) -> str | None:
        if tzid in self.cache:
            found = self.cache[tzid]
        else:
            found = _named_zone(tzid)
            if found is None and tzid in self.vtimezones:
                found = _match_vtimezone(tzid, self.vtimezones[tzid], year)
                if found is None:
                    found = self._own_definition(tzid)
            elif found is None:
                found = _vendor_zone(tzid)
                if found is not None:
                    self.notes[tzid] = (f"its time zone {tzid!r} is not a standard name; "
                                        f"read as {found}")
                else:
                    self.notes[tzid] = (
                        f"unknown time zone {tzid!r} (not an IANA or Windows zone name, and "
                        "no VTIMEZONE in the file defines it); its times were kept as floating "
                        "(the same wall-clock time in every zone)")
            self.cache[tzid] = found
        if found is None and tzid in self.vtimezones:
            raise _Skip(f"its time zone {tzid!r} (defined in the file) matches no known "
                        f"time zone, and {self.refused.get(tzid, 'its definition cannot be read')}")
        return found

    def _own_definition(self, tzid: str) -> str | None:
        """The registry zone (``X-AURORA/<hash>``) of the file's own VTIMEZONE for a TZID
        that matches no IANA zone, or None (the reason in ``refused``)."""
        try:
            text = self.vtimezones[tzid].to_ical()
            text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            name = custom_zones.register(text)
        except ValidationError as exc:
            self.refused[tzid] = str(exc)
            return None
        except Exception:  # an unserialisable component
            self.refused[tzid] = "its definition cannot be read"
            return None
        self.custom[tzid] = name
        return name

    def reports(self) -> list[Assumed]:
        """One warning for each TZID read with the file's own definition."""
        return [Assumed(f"VTIMEZONE {_clip(tzid, 60)!r}",
                        f"used the file's own definition of zone {_clip(tzid, 60)!r} "
                        "(no IANA zone matches)")
                for tzid in self.custom]

    def definitions(self) -> dict[str, str]:
        """X-AURORA name -> definition of every zone read with its own definition."""
        return custom_zones.definitions_for(self.custom.values())


# --------------------------------------------------------------------------
# Import


def parse_ics(
    data: bytes | str,
    *,
    calendar_id: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read iCalendar data into events for the calendar ``calendar_id``.

    Never raises for bad content: what cannot be imported is listed in
    ``skipped`` (data that is not iCalendar at all gives no events and one
    entry saying so). Every returned event passes :meth:`Event.validate`.
    ``progress(done, total)`` is called as VEVENTs are converted.
    """
    with ical_fast.gc_paused():  # docs/performance.md: a quarter of the time otherwise
        return _import(data, calendar_id, progress, fast=True)


def _import(data: bytes | str, calendar_id: str, progress: Callable[[int, int], None] | None,
            *, fast: bool) -> ImportResult:
    """:func:`parse_ics`; ``fast=False`` skips the fast reader (tests compare the two)."""
    text, problem = _decode(data)
    if problem is not None:
        return ImportResult(skipped=[Skipped("file", problem)])
    parsed = _parse_fast(text) if fast else None
    if parsed is None:
        parsed = _parse_whole(text)
    if parsed is None:
        parsed = _salvage(text)
    if parsed is None:
        return ImportResult(skipped=[Skipped(
            "file", "this is not iCalendar data (no BEGIN:VCALENDAR … END:VCALENDAR "
            "calendar or VEVENT in it)")])
    conv = _Converter(parsed, calendar_id, text)
    conv.run(progress)
    return ImportResult(events=conv.events, skipped=conv.skipped,
                        calendar_name=parsed.calendar_name,
                        warnings=[*conv.zones.reports(), *conv.warnings],
                        zones=conv.zones.definitions())


def _decode(data: bytes | str) -> tuple[str, str | None]:
    if isinstance(data, bytes):
        if b"\x00" in data[:4096]:
            return "", "this is not iCalendar data (the file is binary)"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Some exporters write Windows-1252; latin-1 never fails.
            text = data.decode("cp1252", errors="replace")
    else:
        text = data
    text = text.lstrip("\ufeff")
    if not text.strip():
        return "", "the file is empty"
    if "\x00" in text[:4096]:
        return "", "this is not iCalendar data (the file is binary)"
    if not re.search(r"^[ \t]*BEGIN:(VCALENDAR|VEVENT)[ \t]*\r?$", text, re.I | re.M):
        return "", ("this is not iCalendar data (no BEGIN:VCALENDAR line; is it the right "
                    "file?)")
    return text, None


@dataclass
class _Parsed:
    """Components found in a file.

    Each: (component or None, first line or None, problem or None, kind such as
    "VEVENT", description for a user or None to build it from the component).
    """

    components: list[tuple[Any, int | None, str | None, str, str | None]]
    vtimezones: dict[str, Any]
    calendar_name: str | None
    x_wr_timezone: str | None
    lines_known: bool


def _calendar_prop(cal: Any, name: str) -> str | None:
    v = cal.get(name)
    if isinstance(v, list):
        v = v[0] if v else None
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _parse_fast(text: str) -> _Parsed | None:
    """Read a well-formed file with :mod:`aurora_core.ical_fast`; None if it cannot.

    Gives what :func:`_parse_whole` gives, with plain values in place of
    icalendar's for the properties the converter reads.
    """
    read = ical_fast.read(text)
    if read is None:
        return None
    cal = read.calendar
    comps: list[tuple[Any, int | None, str | None, str, str | None]] = [
        (comp, None, None, kind, None) for comp, kind in read.components]
    name = _calendar_prop(cal, "X-WR-CALNAME") or _calendar_prop(cal, "NAME")
    return _Parsed(comps, read.vtimezones, name, _calendar_prop(cal, "X-WR-TIMEZONE"),
                   lines_known=False)


def _parse_whole(text: str) -> _Parsed | None:
    """Parse the whole file with icalendar; None if it cannot (then we salvage)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cals = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception:  # any library failure means: take the file apart
        return None
    cals = [c for c in cals if getattr(c, "name", "") == "VCALENDAR"]
    if not cals:
        return None
    comps: list[tuple[Any, int | None, str | None, str, str | None]] = []
    tzs: dict[str, Any] = {}
    name = xwr = None
    for cal in cals:
        name = name or _calendar_prop(cal, "X-WR-CALNAME") or _calendar_prop(cal, "NAME")
        xwr = xwr or _calendar_prop(cal, "X-WR-TIMEZONE")
        for sub in cal.subcomponents:
            if sub.name == "VTIMEZONE":
                tzid = sub.get("TZID")
                if tzid is not None:
                    tzs[str(tzid)] = sub
            else:
                comps.append((sub, None, None, str(sub.name), None))
    ical_extra.attach_lines(text, [c[0] for c in comps if c[3] == "VEVENT"])
    return _Parsed(comps, tzs, name, xwr, lines_known=False)


_TOP_LEVEL = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VCALENDAR",
              "VAVAILABILITY"}


def _unfold(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i, line in enumerate(text.splitlines(), 1):
        if line[:1] in (" ", "\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + line[1:])
        else:
            out.append((i, line))
    return out


def _salvage(text: str) -> _Parsed | None:
    """Take a file apart into components and parse each on its own."""
    blocks: list[tuple[str, int, list[str], bool]] = []  # name, line, lines, complete
    cal_props: dict[str, str] = {}
    current: tuple[str, int, list[str]] | None = None
    depth = 0
    for ln, line in _unfold(text):
        u = line.strip().upper()
        if u.startswith("BEGIN:"):
            name = u[6:].strip()
            if not name and current is None:
                continue  # a bare "BEGIN:" (a file cut right after it) begins nothing
            if current is not None and name in _TOP_LEVEL:
                blocks.append((*current, False))
                current = None
            if name == "VCALENDAR":
                continue
            if current is None:
                current, depth = (name, ln, [line.strip()]), 1
            else:
                current[2].append(line.strip())
                depth += 1
        elif u.startswith("END:"):
            if current is None:
                continue
            if u[4:].strip() == "VCALENDAR":
                blocks.append((*current, False))
                current = None
                continue
            current[2].append(line.strip())
            depth -= 1
            if depth == 0:
                blocks.append((*current, True))
                current = None
        elif current is not None:
            current[2].append(line)
        elif ":" in line:
            key = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
            if key in ("X-WR-CALNAME", "X-WR-TIMEZONE", "NAME") and key not in cal_props:
                cal_props[key] = line.split(":", 1)[1].strip()
    if current is not None:
        blocks.append((*current, False))
    if not blocks:
        return None
    comps: list[tuple[Any, int | None, str | None, str, str | None]] = []
    tzs: dict[str, Any] = {}
    # Time zones first: events refer to them.
    for name, ln, lines, complete in sorted(blocks, key=lambda b: b[0] != "VTIMEZONE"):
        if not complete:
            comps.append((None, ln, f"the {name} is cut off (no END:{name}; is the file "
                                    "complete?)", name, _block_summary(name, lines)))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                comp = icalendar.Component.from_ical("\r\n".join(lines) + "\r\n")
        except Exception as exc:  # library failure: report this component
            comps.append((None, ln, f"the {name} cannot be read: {_short(str(exc))}",
                          name, _block_summary(name, lines)))
            continue
        if name == "VTIMEZONE":
            tzid = comp.get("TZID")
            if tzid is not None:
                tzs[str(tzid)] = comp
        else:
            comp.aurora_lines = lines  # type: ignore[attr-defined]  # what ical_extra keeps
            comps.append((comp, ln, None, name, None))
    comps.sort(key=lambda c: c[1] or 0)
    return _Parsed(comps, tzs, cal_props.get("X-WR-CALNAME") or cal_props.get("NAME"),
                   cal_props.get("X-WR-TIMEZONE"), lines_known=True)


def _block_summary(name: str, lines: list[str]) -> str:
    summary = uid = None
    for line in lines:
        key = line.split(":", 1)[0].split(";", 1)[0].upper()
        if key == "SUMMARY" and ":" in line and summary is None:
            summary = line.split(":", 1)[1].replace("\\,", ",").replace("\\;", ";")
        elif key == "UID" and ":" in line and uid is None:
            uid = line.split(":", 1)[1]
    return _describe(name, summary, uid)


def _describe(name: str, summary: str | None, uid: str | None) -> str:
    out = name
    if summary:
        s = summary.strip()
        out += f" '{s[:60]}…'" if len(s) > 60 else f" '{s}'"
    if uid:
        u = uid.strip()
        out += f" (UID {u[:24]}…)" if len(u) > 24 else f" (UID {u})"
    return out


def _short(msg: str) -> str:
    msg = " ".join(msg.split())
    return msg if len(msg) <= 160 else msg[:157] + "…"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _props(comp: Any) -> dict[str, Any]:
    """A component's properties as a plain dict (icalendar stores the names upper-case).

    Reading a plain dict is several times cheaper than icalendar's case-folding
    lookups, which matters on files with many thousand events.
    """
    if type(comp) is ical_fast.FastComponent:
        return comp  # already one (never changed by the converter)
    return dict(dict.items(comp)) if isinstance(comp, dict) else dict(comp)


def _first(comp: Mapping[str, Any], name: str) -> Any:
    v = comp.get(name)
    if isinstance(v, list):
        return v[0] if v else None
    return v


def _text(comp: Mapping[str, Any], name: str) -> str:
    v = comp.get(name)  # _first() inlined: called for several properties of every event
    if v is None:
        return ""
    if v.__class__ is str:
        return v
    if isinstance(v, list):
        v = v[0] if v else None
        if v is None:
            return ""
    return str(v)


def _stamp(comp: Mapping[str, Any], name: str) -> datetime | None:
    v = _first(comp, name)
    try:
        dt = getattr(v, "dt", None)
    except ValueError:
        return None
    if isinstance(dt, datetime):
        dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        return dt.replace(microsecond=0)
    if isinstance(dt, date):
        return datetime(dt.year, dt.month, dt.day, tzinfo=UTC)
    return None


class _Converter:
    def __init__(self, parsed: _Parsed, calendar_id: str, text: str) -> None:
        self.parsed = parsed
        self.calendar_id = calendar_id
        self.text = text
        self.zones = _Zones(parsed.vtimezones)
        self.events: list[Event] = []
        self.skipped: list[Skipped] = []
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.xwr: str | None = None
        if parsed.x_wr_timezone:
            self.xwr = _named_zone(parsed.x_wr_timezone)
            if self.xwr is None:
                self.skipped.append(Skipped(
                    "calendar", f"its X-WR-TIMEZONE {parsed.x_wr_timezone!r} is not a known "
                    "time zone; times without a zone are imported as floating"))
        self._lines: list[int] | None = None
        # (uid, recurrence key) -> (position in events, description, line, VEVENT index)
        self._by_key: dict[tuple[str, str], tuple[int, str, int | None, int]] = {}
        self._ids: set[str] = set()
        self.warnings: list[Assumed] = []
        self._notes: list[str] = []  # what was assumed for the VEVENT being converted
        # Read after every VEVENT is converted (they need the series' master):
        # event id -> (description, line, VEVENT index, SEQUENCE)
        self._where: dict[str, tuple[str, int | None, int, int]] = {}
        self._future: list[tuple[str, Event]] = []  # RANGE=THISANDFUTURE, by event id
        self._moved_kind: list[tuple[str, EventTime]] = []  # (event id, RECURRENCE-ID as given)
        self._overrides = False  # any VEVENT with a RECURRENCE-ID

    # -- reporting ---------------------------------------------------------

    def _event_lines(self) -> list[int]:
        """Line numbers of the file's top-level BEGIN:VEVENT lines (computed on demand)."""
        if self._lines is None:
            self._lines = [i for i, line in enumerate(self.text.splitlines(), 1)
                           if line.strip().upper() == "BEGIN:VEVENT"]
        return self._lines

    def _skip(self, desc: str, reason: str, line: int | None, vevent_index: int | None) -> None:
        if line is None and vevent_index is not None and not self.parsed.lines_known:
            lines = self._event_lines()
            if vevent_index < len(lines):
                line = lines[vevent_index]
        self.skipped.append(Skipped(desc, reason, line))

    def _note(self, text: str) -> None:
        """Something assumed for the VEVENT being converted (reported once if it imports)."""
        if text not in self._notes:
            self._notes.append(text)

    def _line(self, line: int | None, vevent_index: int | None) -> int | None:
        if line is None and vevent_index is not None and not self.parsed.lines_known:
            lines = self._event_lines()
            if vevent_index < len(lines):
                return lines[vevent_index]
        return line

    def _warn(self, desc: str, reason: str, line: int | None, vevent_index: int | None) -> None:
        self.warnings.append(Assumed(desc, reason, self._line(line, vevent_index)))

    # -- the loop ----------------------------------------------------------

    def run(self, progress: Callable[[int, int], None] | None) -> None:
        comps = self.parsed.components
        total = sum(1 for c in comps if c[3] == "VEVENT")
        step = max(1, total // 100)
        if progress is not None:
            progress(0, total)
        done = 0
        for comp, line, problem, name, given_desc in comps:
            if name != "VEVENT":
                if problem is not None:
                    self._skip(given_desc or name, problem, line, None)
                elif name in _OTHER_COMPONENTS:
                    self._skip(_describe(name, _text(comp, "SUMMARY") or None,
                                         _text(comp, "UID") or None),
                               _OTHER_COMPONENTS[name], line, None)
                continue
            index = done
            done += 1
            if problem is not None:
                self._skip(given_desc or name, problem, line, None)
            else:
                props = _props(comp)
                desc = _describe("VEVENT", _text(props, "SUMMARY") or None,
                                 _text(props, "UID") or None)
                self._notes = []
                try:
                    self._convert(comp, props, desc, line, index)
                except _Skip as skip:
                    self._skip(desc, skip.reason, line, index)
                except (ValidationError, ValueError, TypeError, OverflowError) as exc:
                    self._skip(desc, _short(str(exc)) or type(exc).__name__, line, index)
                else:
                    for note in self._notes:
                        self._warn(desc, note, line, index)
            if progress is not None and (done % step == 0 or done == total):
                progress(done, total)
        if self._overrides:
            self._series_fixes()

    # -- one VEVENT --------------------------------------------------------

    def _convert(self, comp: Any, props: dict[str, Any], desc: str, line: int | None,
                 index: int) -> None:
        errors = {name: msg for name, msg in getattr(comp, "errors", ()) if name}
        for prop, label in _TIME_PROPS.items() if errors else ():
            if prop in errors:
                raw = _first(props, prop)
                # A property icalendar could not parse is kept as its raw text.
                value = str(raw) if isinstance(raw, str) else ""
                shown = f" {value!r}" if value else ""
                if prop == "RRULE":
                    continue  # read below: a broken rule may keep its valid part
                raise _Skip(f"its {label}{shown} is not a valid date or time: "
                            f"{_short(errors[prop])}")
        dtstart = _first(props, "DTSTART")
        if dtstart is None:
            raise _Skip("it has no start (DTSTART)")
        start_year = _year(dtstart.dt)
        start = self._time(dtstart.dt, dtstart.params.get("TZID"), start_year)
        own_zone = dtstart.params.get(X_TZID)
        if own_zone and isinstance(start, ZonedTime) and not dtstart.params.get("TZID"):
            zone = _named_zone(str(own_zone))  # our export: a UTC start and the event's zone
            if zone is not None:
                start = ZonedTime(start.at, zone)
        end = self._end(props, start, start_year)
        end = self._length(start, end)

        rules = self._rules(props, errors.get("RRULE"), start)
        rrule = rules[0] if rules else None

        rid: EventTime | None = None
        future = False
        rid_given: EventTime | None = None
        rid_prop = _first(props, "RECURRENCE-ID")
        if rid_prop is not None:
            future = str(rid_prop.params.get("RANGE", "")).upper() == "THISANDFUTURE"
            rid_given = self._time(rid_prop.dt, rid_prop.params.get("TZID"), start_year)
            rid = self._coerce(rid_given, start)
            rrule = None  # an override carries no rule of its own
            rules = []
        exdates = self._dates(props, "EXDATE", start, start_year)
        rdates = self._dates(props, "RDATE", start, start_year)
        if rid is not None:
            exdates, rdates = (), ()
        if len(rules) > 1:
            rdates = self._union(rules, start, end, rdates)

        uid = _text(props, "UID").strip()
        title = _clip(_text(props, "SUMMARY"), MAX_TITLE)
        location = _clip(_text(props, "LOCATION"), MAX_LOCATION)
        notes = _clip(_text(props, "DESCRIPTION"), MAX_NOTES)
        status = _STATUS.get(_text(props, "STATUS").strip().upper(), EventStatus.CONFIRMED)
        dtstamp = _stamp(props, "DTSTAMP")
        modified = _stamp(props, "LAST-MODIFIED")
        created = _stamp(props, "CREATED") or dtstamp or modified or self.now
        updated = modified or dtstamp or created
        if not uid:
            content = "\x1f".join((title, time_key(start), time_key(end), rrule or "",
                                   location, notes))
            uid = str(uuid.uuid5(ID_NAMESPACE, content)) + "@aurora-import"
        rid_key = "" if rid is None else time_key(rid)
        ident = self._ident(props, uid, rid_key)

        reminders = self._reminders(comp, desc, start, end, rrule is not None or bool(rdates))
        # (an override leaves room for the marks rejoin_range reads)
        extra = self._extra(comp, title, desc, line, index,
                            0 if rid is None else ical_extra.MARK_ROOM)
        if rid is not None and not future and ical_extra.RANGE_LINE in extra:
            future = True  # our own export of an override kept for its series
        event = Event(
            id=ident, uid=uid, calendar_id=self.calendar_id, title=title, start=start, end=end,
            location=location, notes=notes, status=status, rrule=rrule, exdates=exdates,
            rdates=rdates, recurrence_id=rid, reminders=reminders, created=created,
            updated=updated, extra=extra,
        )
        event.validate()
        # The fast reader keeps SEQUENCE as the component's ``aurora_sequence`` (it stays
        # an unread property for Event.extra); icalendar's component has it as a property.
        seq = (comp.aurora_sequence if isinstance(comp, ical_fast.FastComponent)
               else _first(props, _SEQUENCE))
        try:
            sequence = int(str(seq).strip()) if seq is not None else 0
        except ValueError:
            sequence = 0
        self._where[ident] = (desc, line, index, sequence)
        self._overrides = self._overrides or rid is not None
        if future:
            self._future.append((ident, event))
        if rid_given is not None and not same_kind(rid_given, start):
            self._moved_kind.append((ident, rid_given))
        key = (uid, rid_key)
        if key in self._by_key:
            pos, old_desc, old_line, old_index = self._by_key[key]
            self._skip(old_desc, "another VEVENT later in the file has the same UID"
                       + (" and RECURRENCE-ID" if rid is not None else "")
                       + "; the later one was imported", old_line, old_index)
            self.events[pos] = event
            self._by_key[key] = (pos, desc, line, index)
        else:
            self._by_key[key] = (len(self.events), desc, line, index)
            self.events.append(event)
        self._ids.add(ident)

    # -- after every VEVENT: what needs the series' master ---------------------

    def _series_fixes(self) -> None:
        """Overrides read against their master (docs/import.md): RANGE=THISANDFUTURE,
        an instance moved to another kind of time, stale overrides."""
        masters = {e.uid: e for e in self.events if e.recurrence_id is None}
        drop: set[str] = set()
        for ident, rid_given in self._moved_kind:
            ov = self._event(ident)
            master = None if ov is None else masters.get(ov.uid)
            if ov is None or master is None or not same_kind(rid_given, master.start):
                continue
            try:
                rid = self._coerce(rid_given, master.start)
            except _RECOVERABLE:  # kept as it was imported (a plain override)
                continue
            if time_key(rid) not in {time_key(t) for t in master.exdates}:
                master = master.replace(exdates=(*master.exdates, rid))
                self._replace(master)
                masters[master.uid] = master
            new_uid = _derived_uid(ov.uid, "moved", time_key(rid))
            self._replace(ov.replace(uid=new_uid, recurrence_id=None), old_id=ident)
            self._warn_at(ident, f"it moves an instance of its series to {_kind(ov.start)} "
                          f"(the series' instances are {_kind(master.start)}); the original "
                          "instance was taken out of the series (EXDATE) and this one imported "
                          "as an event of its own")
        for ev in list(self.events):
            if ev.recurrence_id is None or ev.id not in self._where:
                continue
            master = masters.get(ev.uid)
            if master is None or not same_kind(ev.recurrence_id, master.start):
                continue
            seq = self._where[ev.id][3]
            mseq = self._where[master.id][3] if master.id in self._where else 0
            try:
                if seq >= mseq or self._is_instance(master, ev.recurrence_id):
                    continue
            except _RECOVERABLE:  # cannot tell: keep it
                continue
            drop.add(ev.id)
            self._warn_at(ev.id, f"it changes an instance its series no longer has, and is "
                          f"older (SEQUENCE {seq}) than the series (SEQUENCE {mseq}); dropped "
                          "as out of date")
        if drop:
            self.events = [e for e in self.events if e.id not in drop]
        for ident, _ov in sorted(self._future, key=lambda f: own_wall(f[1].recurrence_id
                                                                   or f[1].start)):
            if ident not in drop:
                self._this_and_future(ident, masters)
        self._ids = {e.id for e in self.events}
        self.warnings.sort(key=lambda w: w.line or 0)

    def _event(self, ident: str) -> Event | None:
        return next((e for e in self.events if e.id == ident), None)

    def _replace(self, event: Event, old_id: str | None = None) -> None:
        key = event.id if old_id is None else old_id
        self.events = [event if e.id == key else e for e in self.events]

    def _warn_at(self, ident: str, reason: str) -> None:
        desc, line, index, _seq = self._where.get(ident, ("VEVENT", None, None, 0))
        self._warn(desc, reason, line, index)

    @staticmethod
    def _is_instance(master: Event, rid: EventTime) -> bool:
        if not master.is_recurring:
            return time_key(rid) == time_key(master.start)
        w = own_wall(rid)
        return time_key(rid) in {time_key(t) for t in instances(master, w, w)}

    def _this_and_future(self, ident: str, masters: dict[str, Event],
                         later: bool = False) -> bool:
        """A RANGE=THISANDFUTURE override: as our own "this and following" edit.

        The new series carries the override's own kept lines (its ATTENDEEs, X-
        properties…), not the series'. Without its series, the override is kept
        as a change of that one instance, marked (:data:`ical_extra.RANGE_LINE`)
        for :func:`rejoin_range`; the new series is marked with the instance it
        starts at (:data:`ical_extra.SPLIT_MARK`). ``later``: the series came in
        another import (rejoin_range). Whether the series was split.
        """
        ov = self._event(ident)
        if ov is None or ov.recurrence_id is None:
            return False
        rid = ov.recurrence_id
        # The series that has this instance now (an earlier split may have made it).
        owner = masters.get(ov.uid)
        for e in self.events:
            if (e.recurrence_id is None and e.uid.startswith(_derived_uid(ov.uid, "from", ""))
                    and same_kind(e.start, rid) and own_wall(e.start) <= own_wall(rid)
                    and (owner is None or own_wall(e.start) >= own_wall(owner.start))):
                owner = e
        if owner is None and not later:
            if ical_extra.RANGE_LINE in ov.extra:
                return False  # kept so by an earlier import (our own export): said then
            self._replace(ov.replace(extra=(*ov.extra, ical_extra.RANGE_LINE)))
            self._warn_at(ident, "it changes this and all following instances "
                          "(RANGE=THISANDFUTURE) of a series that is not in the file; the "
                          "series is split there if the calendar has it or when it is imported "
                          "into it later, and until then this is a change of that one instance")
            return False
        if owner is None:
            return False
        if not same_kind(rid, owner.start):
            self._warn_at(ident, "it changes this and all following instances "
                          "(RANGE=THISANDFUTURE) of a series of another kind of time; it was "
                          "imported as a change of that one instance")
            return False
        others = [e for e in self.events if e.uid == owner.uid and e.recurrence_id is not None
                  and e.id != ident]
        # (marked with the instance it starts at: rejoin_range splits the series there
        # again when the series alone is imported again)
        extra = (*ical_extra.without_marks(ov.extra), f"{ical_extra.SPLIT_MARK}:{time_key(rid)}")
        try:
            change = split_series(owner, others, rid, title=ov.title, location=ov.location,
                                  notes=ov.notes, status=ov.status, reminders=ov.reminders,
                                  start=ov.start, end=ov.end, extra=extra)
        except _RECOVERABLE:
            self._warn_at(ident, "it changes this and all following instances "
                          "(RANGE=THISANDFUTURE) from an instance its series does not have; "
                          "it was imported as a change of that one instance")
            return False
        new_uid = _derived_uid(ov.uid, "from", time_key(rid))
        gone = {d.id for d in change.deletes} | {ident}
        written: list[Event] = []
        for e in change.upserts:
            if e.uid != owner.uid:  # the new series and the overrides moved to it
                rk = "" if e.recurrence_id is None else time_key(e.recurrence_id)
                e = e.replace(uid=new_uid, id=str(uuid.uuid5(ID_NAMESPACE, f"{new_uid}\x1f{rk}")))
            written.append(e)
        by_id = {e.id: e for e in written}
        kept = [by_id.pop(e.id, e) for e in self.events if e.id not in gone or e.id in by_id]
        self.events = kept + list(by_id.values())
        masters[owner.uid] = next((e for e in written if e.id == owner.id), owner)
        self._warn_at(ident, "it changes this and all following instances "
                      "(RANGE=THISANDFUTURE); the series was split there, as \"this and "
                      "following\" does, and the later instances follow it")
        return True

    def _ident(self, comp: Mapping[str, Any], uid: str, rid_key: str) -> str:
        given = _text(comp, X_ID).strip()
        if given and given not in self._ids:
            try:
                return str(uuid.UUID(given))
            except ValueError:
                pass
        return _id5(f"{uid}\x1f{rid_key}")

    def _time(self, value: object, tzid: object, year: int) -> EventTime:
        if isinstance(value, datetime):
            if tzid:
                zone = self.zones.resolve(str(tzid), year)
                note = self.zones.notes.get(str(tzid))
                if note is not None:
                    self._note(note)
                if zone is None:
                    return FloatingTime(value.replace(tzinfo=None, microsecond=0))
                return ZonedTime.from_local(value.replace(tzinfo=None, microsecond=0), zone)
            if value.tzinfo is not None:  # "Z": UTC
                return ZonedTime(value.replace(microsecond=0), self.xwr or "UTC")
            if self.xwr is not None:
                return ZonedTime.from_local(value.replace(microsecond=0), self.xwr)
            return FloatingTime(value.replace(microsecond=0))
        if isinstance(value, date):
            return AllDayDate(value)
        if isinstance(value, tuple) and value:  # RDATE;VALUE=PERIOD: its start
            return self._time(value[0], tzid, year)
        raise _Skip(f"it has a time value of an unexpected type ({type(value).__name__})")

    def _end(self, comp: Mapping[str, Any], start: EventTime, year: int) -> EventTime:
        dtend = _first(comp, "DTEND")
        if dtend is not None:
            end = self._time(dtend.dt, dtend.params.get("TZID"), year)
            if isinstance(start, ZonedTime) and isinstance(end, ZonedTime):
                if end.tz != start.tz:
                    end = ZonedTime(end.at, start.tz)
            elif not same_kind(start, end):
                self._note(f"its end (DTEND) is {_kind(end)} but its start is {_kind(start)}; "
                           f"the end was read as {_kind(start)}")
                end = self._coerce(end, start)
            return end
        dur_prop = _first(comp, "DURATION")
        if dur_prop is not None:
            dur = dur_prop.dt
            if not isinstance(dur, timedelta):
                raise _Skip("its duration (DURATION) is not a duration")
            if isinstance(start, AllDayDate):
                days = dur.days + (1 if dur.seconds or dur.microseconds else 0)
                return AllDayDate(start.day + timedelta(days=days))
            if isinstance(start, ZonedTime):
                # Nominal days on the wall clock, the rest as elapsed time (RFC 5545 3.3.6).
                mid = shift(start, timedelta(days=dur.days)) if dur.days else start
                assert isinstance(mid, ZonedTime)
                return ZonedTime(mid.at + timedelta(seconds=dur.seconds), start.tz)
            return shift(start, dur)
        if isinstance(start, AllDayDate):
            return AllDayDate(start.day + timedelta(days=1))
        return start

    def _length(self, start: EventTime, end: EventTime) -> EventTime:
        """An end on or before the start, read as what was clearly meant (docs/import.md)."""
        if isinstance(start, ZonedTime) and isinstance(end, ZonedTime) and end.at >= start.at:
            return end  # the common case, without building a duration
        if isinstance(start, AllDayDate) and isinstance(end, AllDayDate):
            if end.day > start.day:
                return end
            self._note("its end (DTEND) is its start day; read as one day" if end.day == start.day
                       else "it ends before it starts; read as one day from its start (DTSTART)")
            return AllDayDate(start.day + timedelta(days=1))
        if same_kind(start, end) and duration(start, end) < timedelta(0):
            self._note("it ends before it starts; read as starting at its start (DTSTART), "
                       "with no length")
            return start
        return end

    def _rules(self, props: Mapping[str, Any], error: str | None,
               start: EventTime) -> list[str]:
        """The event's repeat rules as text, each repaired as docs/import.md says."""
        rr = props.get("RRULE")
        items: list[Any] = rr if isinstance(rr, list) else [] if rr is None else [rr]
        out: list[str] = []
        for item in items:
            parsed = hasattr(item, "to_ical") and not isinstance(item, str)
            text = str(item.to_ical().decode()) if parsed else str(item)
            fixed = self._repair_rule(text)
            if fixed is None:
                continue
            if fixed is not text or not parsed:  # changed, or raw text icalendar refused
                try:
                    recur: Any = vRecur.from_ical(fixed)
                    fixed = recur.to_ical().decode()
                except Exception as exc:  # icalendar's own reading fails: report its words
                    raise _Skip(f"its repeat rule (RRULE) {text!r} does not parse: "
                                f"{_short(error or str(exc))}") from None
            if fixed not in out:
                out.append(fixed)
        return out

    def _repair_rule(self, text: str) -> str | None:
        """``text`` with what RFC 5545 forbids taken out (noted); None for an empty rule.

        ``text`` itself (the same object) when there is nothing to take out.
        """
        t = text.strip()
        if t.upper().startswith("RRULE:"):
            t = t[6:].strip()
        if not t:
            self._note("its repeat rule (RRULE) is empty; read as no rule")
            return None
        if "COUNT" not in t.upper():
            return text
        parts = [p for p in t.split(";") if p.strip()]
        names = [p.split("=", 1)[0].strip().upper() for p in parts]
        if "COUNT" in names:
            count = parts[names.index("COUNT")].split("=", 1)[-1].strip()
            drop = None
            if not count.isdigit() or not 1 <= int(count) <= MAX_INSTANCES:
                drop = (f"its repeat rule's COUNT {count!r} is not a valid count; the rule "
                        "was kept without it")
            elif "UNTIL" in names:
                drop = ("its repeat rule has both COUNT and UNTIL (RFC 5545 allows one); "
                        "UNTIL was kept")
            if drop is not None:
                self._note(drop)
                del parts[names.index("COUNT")]
                return ";".join(parts)
        return text

    def _union(self, rules: list[str], start: EventTime, end: EventTime,
               rdates: tuple[EventTime, ...]) -> tuple[EventTime, ...]:
        """The instances of every rule after the first, as extra dates (docs/import.md)."""
        first = Event(id="x", uid="x", calendar_id=self.calendar_id, title="", start=start,
                      end=end, rrule=rules[0])
        lo = own_wall(start)
        horizon = max(lo, self.now.replace(tzinfo=None)) + _UNION_HORIZON
        room = MAX_DATES - len(rdates)
        have = {time_key(t) for t in rdates}
        added: list[EventTime] = []
        bounded = True
        for text in rules[1:]:
            other = first.replace(rrule=text)
            other.validate()  # a rule too complex skips the event, as a single one does
            if not parse_rule(text, start).bounded:
                bounded = False
            for t in instances(other, lo, horizon, limit=room + 1):
                k = time_key(t)
                if k not in have:
                    have.add(k)
                    added.append(t)
        if added:
            ours = {time_key(t) for t in instances(first, lo, own_wall(added[-1]),
                                                   limit=MAX_DATES + len(added))}
            added = [t for t in added if time_key(t) not in ours]
        kept = added[:room]
        upto = "" if bounded and len(kept) == len(added) else (
            f" up to {own_wall(kept[-1]).date().isoformat() if kept else lo.date().isoformat()}"
            " (later ones are not kept)")
        others = "rule gives" if len(rules) == 2 else "rules give"
        self._note(f"it has {len(rules)} repeat rules (RRULE; RFC 5545 expects one): the "
                   f"first is its rule, and the {len(kept)} instances only the other {others}"
                   f"{upto} were added as extra dates (RDATE)")
        return (*rdates, *kept)

    def _coerce(self, t: EventTime, like: EventTime) -> EventTime:
        """``t`` as the same kind of time as ``like`` (EXDATE;VALUE=DATE on a timed series…)."""
        if isinstance(t, ZonedTime) and isinstance(like, ZonedTime):
            return t if t.tz == like.tz else ZonedTime(t.at, like.tz)
        if type(t) is type(like):
            return t
        if isinstance(t, AllDayDate):
            if isinstance(like, ZonedTime):
                wall = datetime.combine(t.day, like.local.replace(tzinfo=None).time())
                return ZonedTime.from_local(wall, like.tz)
            if isinstance(like, FloatingTime):
                return FloatingTime(datetime.combine(t.day, like.wall.time()))
        if isinstance(like, AllDayDate):
            if isinstance(t, ZonedTime):
                return AllDayDate(t.local.date())
            if isinstance(t, FloatingTime):
                return AllDayDate(t.wall.date())
        if isinstance(like, ZonedTime) and isinstance(t, FloatingTime):
            return ZonedTime.from_local(t.wall, like.tz)
        if isinstance(like, FloatingTime) and isinstance(t, ZonedTime):
            return FloatingTime(t.local.replace(tzinfo=None))
        return t

    def _dates(self, comp: Mapping[str, Any], name: str, start: EventTime,
               year: int) -> tuple[EventTime, ...]:
        prop = comp.get(name)
        if prop is None:
            return ()
        props = prop if isinstance(prop, list) else [prop]
        out: dict[str, EventTime] = {}
        for p in props:
            tzid = p.params.get("TZID")
            for item in getattr(p, "dts", ()):
                t = self._coerce(self._time(item.dt, tzid, year), start)
                out.setdefault(time_key(t), t)
        return tuple(out.values())

    def _reminders(self, comp: Any, desc: str, start: EventTime, end: EventTime,
                   recurring: bool) -> tuple[Reminder, ...]:
        out: list[Reminder] = []
        # per VALARM, the reminder it became (None: none, it is kept whole in extra)
        self._alarms: list[Reminder | None] = []
        reported = len(self.skipped)
        for sub in comp.subcomponents:
            if sub.name != "VALARM":
                continue
            self._alarms.append(None)
            what = f"reminder (VALARM) of {desc}"
            alarm = _props(sub)
            action = _text(alarm, "ACTION").strip().upper() or "DISPLAY"
            channel: Channel | None = _CHANNELS.get(action)
            x_channel = _text(alarm, X_CHANNEL).strip().lower()
            if x_channel in ("notification", "email"):
                channel = "email" if x_channel == "email" else "notification"
            if channel is None:
                self.skipped.append(Skipped(what, f"its action {action!r} is not supported "
                                            "(only DISPLAY, AUDIO and EMAIL)"))
                continue
            trig = _first(alarm, "TRIGGER")
            try:
                value = None if trig is None else trig.dt
            except ValueError:
                value = None
            if value is None:
                self.skipped.append(Skipped(what, "it has no valid TRIGGER"))
                continue
            if isinstance(value, timedelta):
                offset = value
                if str(trig.params.get("RELATED", "START")).upper() == "END":
                    offset = value + (end.instant(UTC) - start.instant(UTC))
                minutes = _minutes_before(-offset)
            elif isinstance(value, datetime):
                if recurring or not isinstance(start, ZonedTime):
                    self.skipped.append(Skipped(what, "it fires at a fixed date and time, "
                                                "which only maps to a reminder for a one-off "
                                                "event with a time zone"))
                    continue
                at = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
                minutes = _minutes_before(start.at - at)
            else:
                self.skipped.append(Skipped(what, "its TRIGGER is not a duration or date-time"))
                continue
            if abs(minutes) > MAX_REMINDER_MINUTES:
                self.skipped.append(Skipped(what, "it fires more than a year away from the "
                                            "event"))
                continue
            r = Reminder(minutes, channel)
            if r not in out:
                out.append(r)
                self._alarms[-1] = r
        for i in range(reported, len(self.skipped)):  # alarms that became no reminder
            s = self.skipped[i]
            self.skipped[i] = Skipped(s.component, s.reason + "; it is kept with the event and "
                                      "exported as it was", s.line)
        if len(out) > MAX_REMINDERS:
            self.skipped.append(Skipped(f"reminders (VALARM) of {desc}",
                                        f"only the first {MAX_REMINDERS} reminders were kept"))
            out = out[:MAX_REMINDERS]
            self._alarms = [a if a in out else None for a in self._alarms]
        return tuple(out)

    def _extra(self, comp: Any, title: str, desc: str, line: int | None,
               index: int, room: int = 0) -> tuple[str, ...]:
        """What the VEVENT has that the model does not (see :mod:`aurora_core.ical_extra`);
        ``room``: characters left free for a mark of ours."""
        lines = getattr(comp, "aurora_lines", None)
        if not lines:
            return ()
        kept = ical_extra.collect(lines, self._alarms, title, MAX_EXTRA - room)
        if kept.dropped:
            self._warn(desc, f"{kept.dropped} of its properties that Aurora Time does not use "
                       f"({kept.dropped_chars:,} characters) were not kept, so a later export "
                       f"will not have them: an event keeps at most {MAX_EXTRA:,} characters "
                       "of them; the event itself was imported", line, index)
        return tuple(kept.lines)


@dataclass(slots=True)
class Rejoined:
    """What :func:`rejoin_range` gives: the events to write (changed or new) and the
    stored events to delete, and what it did (for a log; the import said it already)."""

    events: list[Event]
    deletes: list[Event]
    warnings: list[Assumed]


def rejoin_range(events: Sequence[Event], stored: Sequence[Event]) -> Rejoined:
    """A ``RANGE=THISANDFUTURE`` override and its series that came in different
    imports into one calendar, joined as one file would have them (docs/import.md).

    ``events``: an import's events (:attr:`ImportResult.events`); ``stored``:
    the calendar's events with their UIDs or with the ``<uid>/from-…`` UIDs of
    series split off from them. An override kept without its series has
    :data:`ical_extra.RANGE_LINE` in its ``extra``; when its series is here
    (in ``events`` or ``stored``), the series is split at that instance as one
    file would be, and the override goes. The series split off keeps
    ``X-AURORA-SPLIT:<instance>``, so that a later import of the whole series
    again (the same file, or an update) is split there again, and a later
    import of the override again updates it: importing both files again
    changes nothing.
    """
    file_ids = {e.id for e in events}
    stored_by_id = {e.id: e for e in stored}
    pool = [*events, *(e for e in stored if e.id not in file_ids)]
    file_series = {e.uid for e in events if e.recurrence_id is None}
    conv = _Converter(_Parsed([], {}, None, None, lines_known=True), "", "")
    took: set[str] = set()  # series that took an override of the file (given even unchanged)

    def drop(ids: set[str]) -> None:
        pool[:] = [e for e in pool if e.id not in ids]

    # The override again, its series already split: the split-off series takes it.
    for ov in list(pool):
        if (ov.id not in file_ids or ov.recurrence_id is None or ov.uid in file_series
                or ical_extra.RANGE_LINE not in ov.extra):
            continue
        key = time_key(ov.recurrence_id)
        tail_uid = _derived_uid(ov.uid, "from", key)
        tail = next((e for e in pool if e.uid == tail_uid and e.recurrence_id is None), None)
        if tail is None:
            continue
        try:
            change = edit_all(
                tail, [e for e in pool if e.uid == tail_uid and e.recurrence_id is not None],
                title=ov.title, location=ov.location, notes=ov.notes, status=ov.status,
                reminders=ov.reminders, start=ov.start, end=ov.end,
                extra=(*ical_extra.without_marks(ov.extra), f"{ical_extra.SPLIT_MARK}:{key}"))
        except _RECOVERABLE:
            continue
        drop({ov.id} | {d.id for d in change.deletes} | {u.id for u in change.upserts})
        pool.extend(change.upserts)
        took.add(tail.id)
    # Which overrides split their series now; a series split off by an earlier import
    # whose series came again stands for the override it was made from.
    masters = {e.uid: e for e in pool if e.recurrence_id is None}
    future: list[tuple[Event, Event | None]] = []  # (override, the series it stands for)
    for e in list(pool):
        if (e.recurrence_id is not None and ical_extra.RANGE_LINE in e.extra
                and e.uid in masters and (e.id in file_ids or e.uid in file_series)):
            future.append((e, None))
            continue
        _ranged, at = ical_extra.marks(e.extra)
        base, sep, _hash = e.uid.rpartition("/from-")
        if (at is None or e.recurrence_id is not None or e.id in file_ids or not sep
                or base not in file_series or e.uid != _derived_uid(base, "from", at)):
            continue
        try:
            rid = time_from_key(at, masters[base].start)
        except (ValidationError, KeyError):
            continue
        ov = e.replace(id=_id5(f"{base}\x1f{at}"), uid=base, recurrence_id=rid, rrule=None,
                       exdates=(), rdates=(),
                       extra=(*ical_extra.without_marks(e.extra), ical_extra.RANGE_LINE))
        drop({e.id})
        pool.append(ov)
        future.append((ov, e))
    conv.events = pool
    for ov, stands_for in sorted(future, key=lambda f: own_wall(f[0].recurrence_id or f[0].start)):
        if not conv._this_and_future(ov.id, masters, later=True) and stands_for is not None:
            conv.events = [stands_for if e.id == ov.id else e for e in conv.events]
    final = {e.id for e in conv.events}
    return Rejoined(
        events=[e for e in conv.events
                if e.id in file_ids or e.id in took or stored_by_id.get(e.id) != e],
        deletes=[e for e in stored if e.id not in final], warnings=conv.warnings)


_SEQUENCE = "SEQUENCE"
# What reading an override against its series may raise on odd data: the override
# is then kept as it was imported (never a traceback).
_RECOVERABLE = (ValidationError, ValueError, TypeError, OverflowError)
# How far the instances of a second RRULE are written out as RDATEs (docs/import.md).
_UNION_HORIZON = timedelta(days=5 * 366)


def _kind(t: EventTime) -> str:
    """A kind of time, for a user."""
    if isinstance(t, AllDayDate):
        return "a date (all-day)"
    if isinstance(t, FloatingTime):
        return "a floating time"
    return "a UTC time" if t.tz == "UTC" else "a time in a time zone"


def _derived_uid(uid: str, why: str, key: str) -> str:
    """The UID of an event the import made out of part of another (stable across imports)."""
    if not key:
        return f"{uid}/{why}-"
    return f"{uid}/{why}-{uuid.uuid5(ID_NAMESPACE, key).hex[:12]}"


_ID_NAMESPACE_BYTES = ID_NAMESPACE.bytes


def _id5(name: str) -> str:
    """``str(uuid.uuid5(ID_NAMESPACE, name))`` without building a UUID object (an
    import makes one per event)."""
    b = bytearray(hashlib.sha1(_ID_NAMESPACE_BYTES + name.encode()).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50  # version 5
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = b.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _minutes_before(delta: timedelta) -> int:
    return round(delta.total_seconds() / 60)


def _year(value: object) -> int:
    if isinstance(value, date):
        return value.year
    if isinstance(value, tuple) and value and isinstance(value[0], date):
        return value[0].year
    return datetime.now(UTC).year


# --------------------------------------------------------------------------
# Export


def to_ics(
    events: Iterable[Event],
    calendars: Mapping[str, Calendar] | None = None,
    *,
    calendar_name: str | None = None,
) -> bytes:
    """The events as an RFC 5545 calendar (UTF-8, CRLF lines).

    Every zone used gets a VTIMEZONE. Masters come before their overrides.
    ``calendars`` (by id) names each event's calendar in ``X-AURORA-CALENDAR``;
    with one calendar and no ``calendar_name``, that calendar's name becomes
    the file's name. Email reminders are written as DISPLAY alarms marked
    ``X-AURORA-CHANNEL:email`` (an RFC 5545 EMAIL alarm needs an attendee
    address we do not have); our import reads them back as email reminders.
    """
    kept: list[list[str]] = []  # each event's lines from ev.extra, spliced in at the end
    evs = sorted(events, key=lambda e: (e.uid, e.recurrence_id is not None,
                                        "" if e.recurrence_id is None
                                        else time_key(e.recurrence_id)))
    cal = icalendar.Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    name = calendar_name
    if name is None and calendars is not None:
        used = {e.calendar_id for e in evs} or set(calendars)
        if len(used) == 1:
            only = calendars.get(next(iter(used)))
            name = only.name if only is not None else None
    if name:
        cal.add("X-WR-CALNAME", _text_value(name))
        cal.add("NAME", name)
    lo: date | None = None
    hi: date | None = None
    tzids = _own_tzids(evs)
    for name, tzid in tzids.items():  # the stored definitions, not IANA data
        cal.add_component(_own_vtimezone(name, tzid))
    for ev in evs:
        cal.add_component(_vevent(ev, calendars, kept, tzids))
        d = _as_date(ev.start)
        lo = d if lo is None or d < lo else lo
        hi = d if hi is None or d > hi else hi
    first = date(1970, 1, 1)
    last = date(2038, 1, 1)
    if lo is not None and hi is not None:
        first = min(first, date(max(lo.year - 1, 1), 1, 1))
        last = max(last, date(min(hi.year + 5, 9998), 1, 1))
    cal.add_missing_timezones(first_date=first, last_date=last)
    for sub in cal.subcomponents:
        if sub.name == "VTIMEZONE":
            # icalendar notes "only works from 1970-01-01 to 2038-01-01": a reader takes
            # it for the zone's validity, though the rules hold past it (and readers
            # resolve our TZIDs, which are IANA names, by name).
            sub.pop("COMMENT", None)
    return ical_extra.splice(bytes(cal.to_ical()), kept)


def _own_tzids(evs: Iterable[Event]) -> dict[str, str]:
    """X-AURORA zone -> the TZID to write for it: the file's own, unless an earlier zone
    of this export has it (then the X-AURORA name, which a re-import reads the same)."""
    out: dict[str, str] = {}
    for name in sorted({e.start.tz for e in evs if isinstance(e.start, ZonedTime)
                        and custom_zones.is_custom(e.start.tz)}):
        tzid = custom_zones.tzid_of(name)
        out[name] = name if tzid in out.values() or resolve_tzid(tzid) else tzid
    return out


def _own_vtimezone(name: str, tzid: str) -> icalendar.Timezone:
    """The stored VTIMEZONE of a zone a file defined, with ``tzid`` as its TZID."""
    lines = custom_zones.definition(name).split("\n")
    lines = [f"TZID:{tzid}" if custom_zones.is_tzid_line(line) else line for line in lines]
    tz = icalendar.Timezone.from_ical("\r\n".join(lines) + "\r\n")
    assert isinstance(tz, icalendar.Timezone)
    return tz


def _as_date(t: EventTime) -> date:
    if isinstance(t, ZonedTime):
        return t.local.date()
    if isinstance(t, AllDayDate):
        return t.day
    return t.wall.date()


def _ical_value(t: EventTime, tz: str | None = None,
                own: Mapping[str, str] | None = None) -> date | datetime:
    """The value icalendar writes for ``t`` (zoned times in ``tz`` or their own zone);
    with ``own`` (a zone the file defined), the naive wall that goes with its TZID."""
    if isinstance(t, ZonedTime):
        zone = tz or t.tz
        if zone == "UTC":
            return t.at
        local = t.at.astimezone(get_zone(zone))
        if own is None and local.fold:
            # The second of a repeated wall time (the night the clocks go back): RFC 5545
            # reads a local time with a TZID as the first one, so the instant goes in UTC.
            return t.at
        return local.replace(tzinfo=None) if own is not None else local
    if isinstance(t, AllDayDate):
        return t.day
    return t.wall


def _second_of_repeated(t: EventTime) -> bool:
    """``t`` is the second of a wall time its zone repeats (its fold), written in UTC."""
    return isinstance(t, ZonedTime) and bool(t.local.fold)


def _export_rule(text: str, start: EventTime) -> vRecur:
    """The rule with UNTIL in the form RFC 5545 wants for ``start``'s kind."""
    rule = parse_rule(text, start)
    until = rule.get("UNTIL")
    if until is not None and isinstance(start, ZonedTime):
        if not until.endswith("Z"):
            if len(until) == 8:
                wall = datetime.strptime(until, "%Y%m%d").replace(hour=23, minute=59, second=59)
            else:
                wall = datetime.strptime(until, "%Y%m%dT%H%M%S")
            instant = ZonedTime.from_local(wall, start.tz).at
            rule = rule.with_parts(UNTIL=instant.strftime("%Y%m%dT%H%M%SZ"))
    elif until is not None and isinstance(start, FloatingTime) and len(until) == 8:
        rule = rule.with_parts(UNTIL=until + "T235959")
    recur: vRecur = vRecur.from_ical(rule.text())
    return recur


def _text_value(text: str) -> vInline:
    """A TEXT value escaped as RFC 5545 §3.3.11 says, written as is.

    icalendar's own writer does not escape backslashes (and turns a literal
    ``\\N`` into a newline escape), so ``C:\\Notes`` would come back as
    ``C:`` + newline + ``otes``; we escape ourselves and hand it over raw.
    """
    escaped = (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
               .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
    return vInline(escaped)


def _vevent(ev: Event, calendars: Mapping[str, Calendar] | None,
            kept: list[list[str]] | None = None,
            tzids: Mapping[str, str] | None = None) -> icalendar.Event:
    """The VEVENT of ``ev``; its kept lines (``ev.extra``) go into ``kept``, and a
    placeholder for them into the VEVENT (:func:`ical_extra.splice` writes them)."""
    if kept is None:
        kept = []
    props, marked, blocks = ical_extra.split(ev.extra)
    v = icalendar.Event()
    v.add("UID", _text_value(ev.uid))
    v.add("DTSTAMP", ev.updated.astimezone(UTC))
    v.add("CREATED", ev.created.astimezone(UTC))
    v.add("LAST-MODIFIED", ev.updated.astimezone(UTC))
    tz = ev.start.tz if isinstance(ev.start, ZonedTime) else None
    # A zone the file defined: walls with its TZID (to_ics writes its VTIMEZONE).
    own = {"TZID": tzids[tz]} if tz is not None and tzids and tz in tzids else None
    params: dict[str, str] = own or {}
    if ev.recurrence_id is not None:
        rid = ev.recurrence_id
        v.add("RECURRENCE-ID", _ical_value(rid, rid.tz if isinstance(rid, ZonedTime) else None,
                                           own), parameters=params)
    start_params = params
    if own is None and tz is not None and tz != "UTC" and _second_of_repeated(ev.start):
        start_params = {X_TZID: tz}  # written in UTC (above); our import puts its zone back
    v.add("DTSTART", _ical_value(ev.start, None, own), parameters=start_params)
    v.add("DTEND", _ical_value(ev.end, tz, own), parameters=params)
    v.add("SUMMARY", _text_value(ev.title))
    if ev.location:
        v.add("LOCATION", _text_value(ev.location))
    if ev.notes:
        v.add("DESCRIPTION", _text_value(ev.notes))
    v.add("STATUS", str(ev.status).upper())
    if ev.rrule is not None and ev.recurrence_id is None:
        v.add("RRULE", _export_rule(ev.rrule, ev.start))
    if ev.recurrence_id is None:
        if ev.exdates:
            v.add("EXDATE", [_ical_value(x, tz, own) for x in ev.exdates], parameters=params)
        if ev.rdates:
            v.add("RDATE", [_ical_value(x, tz, own) for x in ev.rdates], parameters=params)
    v.add(X_ID, ev.id)
    if props:
        v.add(ical_extra.PLACEHOLDER, str(len(kept)))
        kept.append(props)
    if calendars is not None and ev.calendar_id in calendars:
        v.add(X_CALENDAR, _text_value(calendars[ev.calendar_id].name))
    for r in ev.reminders:
        alarm = icalendar.Alarm()
        alarm.add("ACTION", "DISPLAY")
        more = marked.pop((r.minutes_before, r.channel), None)
        if more is None or not ical_extra.has_description(more):
            alarm.add("DESCRIPTION", _text_value(ev.title or "Reminder"))
        alarm.add("TRIGGER", timedelta(minutes=-r.minutes_before))
        if r.channel == "email":
            alarm.add(X_CHANNEL, "email")
        if more:
            alarm.add(ical_extra.PLACEHOLDER, str(len(kept)))
            kept.append(more)
        v.add_component(alarm)
    if blocks:  # after the reminders' alarms, as they came in the file
        v.add_component(ical_extra.Blocks(len(kept)))
        kept.append(blocks)
    return v
