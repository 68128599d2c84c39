"""The calendar model: calendars, events, reminders and occurrences.

Times come in three kinds, explicit in the type (never guessed from a
datetime's tzinfo):

- :class:`ZonedTime`: an instant (aware, UTC) plus the IANA zone it belongs
  to. Recurrence expands in that zone, so 09:00 stays 09:00 across DST.
- :class:`AllDayDate`: a calendar date with no zone; an event's end is
  exclusive (a one-day event on the 3rd ends on the 4th).
- :class:`FloatingTime`: a wall-clock time with no zone ("09:00 wherever I
  am"); it is shown at that wall-clock time in the viewer's zone.

An event's start and end are of the same kind. Overridden instances of a
recurring series are separate :class:`Event` objects that share the master's
``uid`` and carry ``recurrence_id``: the original start of the instance they
replace.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from aurora_core import custom_zones
from aurora_core.custom_zones import CUSTOM_PREFIX
from aurora_core.defaults import DEFAULT_COLOR

__all__ = [
    "AllDayDate",
    "Calendar",
    "Channel",
    "Event",
    "EventStatus",
    "EventTime",
    "FloatingTime",
    "Occurrence",
    "Reminder",
    "ValidationError",
    "ZonedTime",
    "get_zone",
    "iana_zone",
    "new_id",
    "time_key",
    "zone_names",
]

Channel: TypeAlias = Literal["notification", "email"]
CHANNELS: tuple[Channel, ...] = ("notification", "email")

# Limits shared by the store, the importer and the wire format.
MAX_TITLE = 500
MAX_LOCATION = 1_000
MAX_NOTES = 20_000
MAX_REMINDERS = 20
MAX_REMINDER_MINUTES = 60 * 24 * 366  # a reminder at most a year (and a day) ahead
MAX_DATES = 1_000  # EXDATE / RDATE entries per event
# Properties we do not model, kept for export (Event.extra): characters in all, lines
# counted with their line ends. Bounds what a hostile file can make us store per event.
MAX_EXTRA = 16_000


class ValidationError(ValueError):
    """An event or calendar that cannot be stored; the message says why, for a user."""


# Names in the zone database that mean something else on each host (``localtime`` is
# whatever the machine is set to, ``Factory`` a placeholder) or are another copy of it.
_HOST_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """The IANA zone names an event, a setting or a window may use: the zone database's,
    without the host-dependent and duplicate ones (``localtime``, ``posix/…``,
    ``right/…``), so a zone means the same on every desktop and on the server."""
    return frozenset(n for n in available_timezones()
                     if n not in _HOST_ZONES and not n.startswith(("posix/", "right/")))


def get_zone(name: str) -> tzinfo:
    """The zone called ``name``: an IANA zone, or a zone an imported file defined.

    ``X-AURORA/<hash>`` names are zones from a VTIMEZONE that matches no IANA zone;
    their definition travels with the events that use them and is turned into a
    tzinfo by :mod:`aurora_core.custom_zones` (docs/import.md).

    Raises :class:`ValidationError` for an unknown or malformed name, for names
    whose meaning depends on the host (:func:`zone_names`), and for a registry name
    whose definition is not known here.
    """
    if name.startswith(CUSTOM_PREFIX):
        return custom_zones.lookup(name)
    return iana_zone(name)


@lru_cache(maxsize=512)
def iana_zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` (a viewer's or a user's zone is one); raises
    :class:`ValidationError` as :func:`get_zone` does, and for ``X-AURORA/…`` names."""
    if not name or "\x00" in name or name.startswith(("/", ".")) or ".." in name or \
            name not in zone_names():
        raise ValidationError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(f"unknown time zone {name!r}") from None


def new_id() -> str:
    """A fresh identifier for a calendar or event (a UUID4 string)."""
    return str(uuid.uuid4())


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------
# The three kinds of time


@dataclass(frozen=True, slots=True)
class ZonedTime:
    """An instant that belongs to a zone: an IANA name, or the ``X-AURORA/<hash>``
    name of a zone an imported file defined (:func:`get_zone`).

    ``at`` is always aware and in UTC; ``local`` is the wall-clock time in
    ``tz``.
    """

    at: datetime
    tz: str

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValidationError("a zoned time needs an aware datetime")
        get_zone(self.tz)
        if self.at.tzinfo is not UTC:
            object.__setattr__(self, "at", self.at.astimezone(UTC))

    @classmethod
    def from_local(cls, wall: datetime, tz: str) -> ZonedTime:
        """The instant at wall-clock ``wall`` in ``tz``.

        A wall time in a DST gap or overlap resolves by ``wall.fold`` the way
        RFC 5545 says (fold=0: the offset in force before the transition).
        """
        zone = get_zone(tz)
        return cls(wall.replace(tzinfo=zone).astimezone(UTC), tz)

    @property
    def local(self) -> datetime:
        return self.at.astimezone(get_zone(self.tz))

    def instant(self, local_tz: tzinfo) -> datetime:
        return self.at


@dataclass(frozen=True, slots=True)
class AllDayDate:
    """A whole day, with no zone."""

    day: date

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime):
            raise ValidationError("an all-day time is a date, not a datetime")

    def instant(self, local_tz: tzinfo) -> datetime:
        """Midnight starting this day in ``local_tz``, as an aware UTC datetime."""
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=local_tz).astimezone(
            UTC
        )


@dataclass(frozen=True, slots=True)
class FloatingTime:
    """A wall-clock time with no zone; it happens at that time wherever the viewer is."""

    wall: datetime

    def __post_init__(self) -> None:
        if self.wall.tzinfo is not None:
            raise ValidationError("a floating time has no zone")

    def instant(self, local_tz: tzinfo) -> datetime:
        """This wall-clock time read in ``local_tz``, as an aware UTC datetime."""
        return self.wall.replace(tzinfo=local_tz).astimezone(UTC)


EventTime: TypeAlias = ZonedTime | AllDayDate | FloatingTime


def same_kind(a: EventTime, b: EventTime) -> bool:
    return type(a) is type(b)


def time_key(t: EventTime) -> str:
    """A stable text key for a time: RFC 5545 basic format.

    Zoned times key by their UTC instant (``20261125T080000Z``), all-day by
    date (``20261125``), floating by wall clock (``20261125T090000``). Used
    to match overrides and EXDATEs to instances.
    """
    if isinstance(t, ZonedTime):
        return t.at.strftime("%Y%m%dT%H%M%SZ")
    if isinstance(t, AllDayDate):
        return t.day.strftime("%Y%m%d")
    return t.wall.strftime("%Y%m%dT%H%M%S")


def shift(t: EventTime, delta: timedelta) -> EventTime:
    """``t`` moved by ``delta``.

    A zoned time moves on its wall clock when ``delta`` is a whole number of
    days (a meeting moved a day keeps its 09:00 across DST) and as elapsed
    time otherwise; all-day times move by whole days.
    """
    if isinstance(t, ZonedTime):
        if delta.seconds == 0 and delta.microseconds == 0:
            wall = t.local.replace(tzinfo=None)
            # datetime arithmetic drops ``fold``: keep it, so the second 01:30 of a night
            # the clocks go back stays the second one (shift by 0 days is the identity)
            return ZonedTime.from_local((wall + delta).replace(fold=wall.fold), t.tz)
        return ZonedTime(t.at + delta, t.tz)
    if isinstance(t, AllDayDate):
        return AllDayDate(t.day + timedelta(days=delta.days))
    return FloatingTime(t.wall + delta)


def duration(start: EventTime, end: EventTime) -> timedelta:
    """The length of ``start``..``end`` (elapsed time; whole days for all-day)."""
    if isinstance(start, ZonedTime) and isinstance(end, ZonedTime):
        return end.at - start.at
    if isinstance(start, AllDayDate) and isinstance(end, AllDayDate):
        return end.day - start.day
    if isinstance(start, FloatingTime) and isinstance(end, FloatingTime):
        return end.wall - start.wall
    raise ValidationError("start and end must be the same kind of time")


# --------------------------------------------------------------------------
# Calendars, reminders, events


@dataclass(frozen=True, slots=True)
class Calendar:
    id: str
    name: str
    color: str = DEFAULT_COLOR
    visible: bool = True
    read_only: bool = False

    def validate(self) -> None:
        if not self.name.strip():
            raise ValidationError("a calendar needs a name")
        if len(self.name) > 200:
            raise ValidationError("calendar name is longer than 200 characters")
        c = self.color
        if not (len(c) == 7 and c[0] == "#" and all(ch in "0123456789abcdefABCDEF" for ch in c[1:])):
            raise ValidationError(f"colour {c!r} is not of the form #rrggbb")


@dataclass(frozen=True, slots=True)
class Reminder:
    minutes_before: int
    channel: Channel = "notification"

    def validate(self) -> None:
        if self.channel not in CHANNELS:
            raise ValidationError(f"unknown reminder channel {self.channel!r}")
        if not -MAX_REMINDER_MINUTES <= self.minutes_before <= MAX_REMINDER_MINUTES:
            raise ValidationError("a reminder must be within a year of the event")


class EventStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Event:
    """One event, the master of a recurring series, or an override of one instance."""

    id: str
    uid: str
    calendar_id: str
    title: str
    start: EventTime
    end: EventTime
    location: str = ""
    notes: str = ""
    status: EventStatus = EventStatus.CONFIRMED
    rrule: str | None = None
    exdates: tuple[EventTime, ...] = ()
    rdates: tuple[EventTime, ...] = ()
    recurrence_id: EventTime | None = None
    reminders: tuple[Reminder, ...] = ()
    created: datetime = field(default_factory=now_utc)
    updated: datetime = field(default_factory=now_utc)
    # What the event's iCalendar source had that we do not model (ATTENDEE, URL,
    # X- properties, alarms we cannot show…): RFC 5545 content lines, unfolded, in
    # file order, written back on export. See docs/data-model.md.
    extra: tuple[str, ...] = ()

    @classmethod
    def new(
        cls,
        calendar_id: str,
        title: str,
        start: EventTime,
        end: EventTime,
        **kw: object,
    ) -> Event:
        """A new event with a fresh id; its iCal UID is the id."""
        ident = new_id()
        return cls(id=ident, uid=ident, calendar_id=calendar_id, title=title, start=start,
                   end=end, **kw)  # type: ignore[arg-type]  # kw are the optional fields

    @property
    def is_recurring(self) -> bool:
        return self.recurrence_id is None and (self.rrule is not None or bool(self.rdates))

    @property
    def all_day(self) -> bool:
        return isinstance(self.start, AllDayDate)

    @property
    def duration(self) -> timedelta:
        return duration(self.start, self.end)

    def replace(self, **changes: object) -> Event:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def validate(self) -> None:
        """Check the event; raises :class:`ValidationError` with a user-readable reason."""
        if not self.id or not self.uid:
            raise ValidationError("an event needs an id and a UID")
        if len(self.title) > MAX_TITLE:
            raise ValidationError(f"title is longer than {MAX_TITLE} characters")
        if len(self.location) > MAX_LOCATION:
            raise ValidationError(f"location is longer than {MAX_LOCATION} characters")
        if len(self.notes) > MAX_NOTES:
            raise ValidationError(f"notes are longer than {MAX_NOTES} characters")
        if not same_kind(self.start, self.end):
            raise ValidationError("start and end must both be all-day, both zoned or both floating")
        if isinstance(self.start, AllDayDate):
            if duration(self.start, self.end) < timedelta(days=1):
                raise ValidationError("an all-day event ends at least one day after it starts")
        elif duration(self.start, self.end) < timedelta(0):
            raise ValidationError("the event ends before it starts")
        if len(self.reminders) > MAX_REMINDERS:
            raise ValidationError(f"more than {MAX_REMINDERS} reminders")
        for r in self.reminders:
            r.validate()
        if self.extra:
            check_extra(self.extra)
        if len(self.exdates) > MAX_DATES or len(self.rdates) > MAX_DATES:
            raise ValidationError(f"more than {MAX_DATES} excluded or extra dates")
        for t in (*self.exdates, *self.rdates):
            if not same_kind(t, self.start):
                raise ValidationError("excluded and extra dates must be the same kind as the start")
        if self.recurrence_id is not None:
            if self.rrule is not None:
                raise ValidationError("an overridden instance cannot carry its own rule")
            if not same_kind(self.recurrence_id, self.start):
                raise ValidationError("a recurrence id must be the same kind as the start")
        if self.rrule is not None:
            from aurora_core.recurrence import check_cost, parse_rule

            parse_rule(self.rrule, self.start)
            check_cost(self)


def extra_size(extra: tuple[str, ...]) -> int:
    """What :attr:`Event.extra` counts against :data:`MAX_EXTRA`."""
    return sum(len(line) + 1 for line in extra)


def check_extra(extra: tuple[str, ...]) -> None:
    """Raises :class:`ValidationError` unless ``extra`` is content lines within the limit."""
    if extra_size(extra) > MAX_EXTRA:
        raise ValidationError(f"the properties kept from the imported file are longer than "
                              f"{MAX_EXTRA} characters")
    for line in extra:
        if not isinstance(line, str) or not line or "\r" in line or "\n" in line \
                or ":" not in line:
            raise ValidationError("a property kept from the imported file is not one "
                                  "iCalendar content line")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One instance of an event in a window.

    ``event`` supplies title, location, reminders…: the master, or the
    override that replaced this instance. ``recurrence_id`` is the original
    start of the instance in its series, or None for a single event.
    """

    event: Event
    start: EventTime
    end: EventTime
    recurrence_id: EventTime | None = None

    @property
    def key(self) -> str:
        """Identifies this occurrence for good: event uid plus its recurrence key.

        An override standing alone (``recurrence_id`` None: shown as an event of its
        own, aurora_core.series) keys by its own recurrence id, so its key is the same
        with or without its master, and two overrides of one series never share one."""
        rid = self.recurrence_id if self.recurrence_id is not None else \
            self.event.recurrence_id
        return f"{self.event.uid}/{'' if rid is None else time_key(rid)}"


def time_from_key(key: str, like: EventTime) -> EventTime:
    """The inverse of :func:`time_key` for a time of the same kind as ``like``.

    Raises :class:`ValidationError` when ``key`` is not of that kind's form.
    """
    try:
        if isinstance(like, ZonedTime):
            at = datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return ZonedTime(at, like.tz)
        if isinstance(like, AllDayDate):
            return AllDayDate(datetime.strptime(key, "%Y%m%d").date())
        return FloatingTime(datetime.strptime(key, "%Y%m%dT%H%M%S"))
    except ValueError:
        raise ValidationError(f"{key!r} is not a {type(like).__name__} key") from None
