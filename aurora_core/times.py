"""Time rules defined once: wall clocks, differences, day bounds, the display zone.

An event time (:class:`~aurora_core.model.ZonedTime`, ``AllDayDate``,
``FloatingTime``) is read on a wall clock in two frames:

- its *own* frame (:func:`own_wall`): a zoned time in its own zone, an all-day
  date at midnight, a floating time as it is. Rules expand there; the inverse
  is :func:`from_own_wall`.
- a *viewer's* zone (:func:`wall_in`): a zoned time converted to that zone;
  all-day and floating times read the same everywhere. Views, the agenda and
  the command line show times there; the inverse is :func:`from_wall`, which
  keeps the kind (and the zone) of a template time: a New York meeting dragged
  in Berlin stays a New York meeting.

Naive wall clocks keep PEP 495's ``fold``: a wall time read in a DST overlap
has ``fold=1`` for its second occurrence, so it reads back to the same instant.
A wall time in a gap resolves with ``fold`` as RFC 5545 says (fold=0: the
offset in force before the change), as :meth:`ZonedTime.from_local` does.

:func:`difference` is the inverse of :func:`aurora_core.model.shift`.
:func:`day_bounds` and :func:`window_bounds` are the UTC instants covering
local days. :class:`DisplayZone` is the zone a person sees times in (a name
and its tzinfo, resolved once with the UTC fallback), passed as one value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from aurora_core.model import (
    AllDayDate,
    EventTime,
    FloatingTime,
    ValidationError,
    ZonedTime,
    duration,
    get_zone,
    iana_zone,
    shift,
)

__all__ = [
    "FALLBACK_ZONE",
    "DisplayZone",
    "day_bounds",
    "difference",
    "from_own_wall",
    "from_wall",
    "own_wall",
    "wall_in",
    "window_bounds",
]

FALLBACK_ZONE = "UTC"  # where times are shown when the chosen zone is unknown here


# --------------------------------------------------------------------------
# Wall clocks


def own_wall(t: EventTime) -> datetime:
    """``t``'s naive wall clock in its own frame (the frame a repeat rule expands on):
    a zoned time in its own zone, an all-day date at midnight, a floating time as is."""
    if isinstance(t, ZonedTime):
        return t.at.astimezone(get_zone(t.tz)).replace(tzinfo=None)
    if isinstance(t, AllDayDate):
        return datetime.combine(t.day, time())
    return t.wall


def from_own_wall(wall: datetime, like: EventTime) -> EventTime:
    """The time of ``like``'s kind (and zone) at ``wall`` in its own frame: the inverse
    of :func:`own_wall`. An all-day date keeps ``wall``'s day."""
    if isinstance(like, ZonedTime):
        return ZonedTime.from_local(wall, like.tz)
    if isinstance(like, AllDayDate):
        return AllDayDate(wall.date())
    return FloatingTime(wall)


def wall_in(t: EventTime, zone: tzinfo) -> datetime:
    """``t``'s naive wall clock as seen in ``zone``: a zoned time converted there, an
    all-day date at midnight, a floating time as is (it reads the same everywhere)."""
    if isinstance(t, ZonedTime):
        return t.at.astimezone(zone).replace(tzinfo=None)
    if isinstance(t, AllDayDate):
        return datetime.combine(t.day, time())
    return t.wall


def from_wall(wall: datetime, like: EventTime, zone: tzinfo) -> EventTime:
    """The time of ``like``'s kind at wall clock ``wall`` in ``zone``: the inverse of
    :func:`wall_in`. A zoned time keeps ``like``'s zone (the instant is ``wall`` read
    in ``zone``), an all-day date keeps ``wall``'s day, a floating time is ``wall``."""
    if isinstance(like, ZonedTime):
        return ZonedTime(wall.replace(tzinfo=zone).astimezone(UTC), like.tz)
    if isinstance(like, AllDayDate):
        return AllDayDate(wall.date())
    return FloatingTime(wall)


# --------------------------------------------------------------------------
# Differences


def _whole_days(delta: timedelta) -> bool:
    return delta.seconds == 0 and delta.microseconds == 0


def difference(a: EventTime, b: EventTime) -> timedelta:
    """How far ``b`` is from ``a``: the inverse of :func:`~aurora_core.model.shift`,
    ``shift(a, difference(a, b)) == b``.

    All-day dates differ by whole days and floating times by their wall clocks. Zoned
    times differ by whole days when ``b`` is ``a``'s wall clock on another day in
    ``a``'s zone (a meeting moved from Saturday 09:00 to Sunday 09:00 across a DST night
    moved 1 day, not 23 hours), else by the elapsed time. ``b`` in another zone is
    reached at the same instant, in ``a``'s zone. One case has no inverse: elapsed time
    of whole days between wall clocks that are not (Saturday 12:00 to Sunday 13:00 over
    a spring-forward night is 24 hours, which ``shift`` reads as 1 day on the wall
    clock); the elapsed time is returned.

    Raises :class:`ValidationError` for times of different kinds.
    """
    if isinstance(a, ZonedTime) and isinstance(b, ZonedTime):
        wall = wall_in(b, get_zone(a.tz)) - own_wall(a)
        if _whole_days(wall) and shift(a, wall) == ZonedTime(b.at, a.tz):
            return wall
    elif type(a) is not type(b):
        raise ValidationError("times of different kinds have no difference")
    return duration(a, b)  # the elapsed time; whole days for all-day, wall clocks for floating


# --------------------------------------------------------------------------
# Local days


def window_bounds(first: date, end_exclusive: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) as UTC instants of the local days ``first`` up to (not including)
    ``end_exclusive`` in ``zone``: from midnight starting ``first`` to midnight starting
    ``end_exclusive``. A midnight in a DST gap is read with the offset before it.

    UTC, because Python subtracts two datetimes sharing a tzinfo by wall clock.
    """
    s = datetime.combine(first, time(), zone)
    e = datetime.combine(end_exclusive, time(), zone)
    return s.astimezone(UTC), e.astimezone(UTC)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the local ``day`` in ``zone`` as UTC instants (23 or 25 hours
    apart on DST days)."""
    return window_bounds(day, day + timedelta(days=1), zone)


# --------------------------------------------------------------------------
# The display zone


@dataclass(frozen=True, slots=True)
class DisplayZone:
    """The zone a person sees times in: its IANA name and its tzinfo, resolved once.

    The desktop's window, views, editor and reminders and the server's reminder
    emails take one of these instead of a tzinfo and a name side by side.
    """

    name: str
    tz: tzinfo

    @classmethod
    def named(cls, name: str) -> DisplayZone:
        """The IANA zone ``name``; raises :class:`ValidationError` for an unknown name
        (and for a zone an imported file defined: nobody lives in one)."""
        return cls(name, iana_zone(name))

    @classmethod
    def named_or_utc(cls, name: str | None) -> DisplayZone:
        """The IANA zone ``name``, or UTC when ``name`` is empty or not known here (a
        setting written by a newer zone database, a typo in a settings file)."""
        try:
            return cls.named(name or FALLBACK_ZONE)
        except ValidationError:
            return cls.named(FALLBACK_ZONE)

    def wall(self, t: EventTime | datetime) -> datetime:
        """``t``'s naive wall clock here (:func:`wall_in`); an aware datetime is
        converted, a naive one is taken as a wall clock already."""
        if isinstance(t, datetime):
            return t.astimezone(self.tz).replace(tzinfo=None) if t.tzinfo is not None else t
        return wall_in(t, self.tz)

    def time_at(self, wall: datetime, like: EventTime) -> EventTime:
        """The time of ``like``'s kind at wall clock ``wall`` here (:func:`from_wall`)."""
        return from_wall(wall, like, self.tz)

    def window(self, first: date, end_exclusive: date) -> tuple[datetime, datetime]:
        """:func:`window_bounds` of those days here."""
        return window_bounds(first, end_exclusive, self.tz)
