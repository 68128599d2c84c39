"""Time builders: the one way a test writes a zoned, all-day, floating or UTC time.

``zoned(2026, 3, 29, 2, 30)`` is the wall clock 02:30 on 29 March 2026 in Berlin (the
default zone of the suite's stories); ``tz=`` names another. A wall time in a DST gap
or overlap resolves the way the core does (``ZonedTime.from_local``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

from aurora_core.model import AllDayDate, EventTime, FloatingTime, ZonedTime

BERLIN = "Europe/Berlin"


def zoned(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, *,
          fold: int = 0, tz: str = BERLIN) -> ZonedTime:
    """The instant at this wall clock in ``tz`` (``fold=1``: the second of a repeated hour)."""
    return ZonedTime.from_local(datetime(year, month, day, hour, minute, second, fold=fold), tz)


def on(day: date, hour: int, minute: int = 0, tz: str = BERLIN) -> ZonedTime:
    """The instant at ``hour:minute`` on ``day`` in ``tz``."""
    return ZonedTime.from_local(datetime.combine(day, time(hour, minute)), tz)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def all_day(year: int, month: int, day: int) -> AllDayDate:
    return AllDayDate(date(year, month, day))


def floating(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> FloatingTime:
    return FloatingTime(datetime(year, month, day, hour, minute))


def wall(t: EventTime, zone: tzinfo | None = None) -> datetime:
    """The naive wall clock of ``t``: in ``zone`` when given, else in the time's own terms
    (a zoned time in its zone), an all-day date at its midnight, a floating time as it is."""
    if isinstance(t, ZonedTime):
        return (t.at.astimezone(zone) if zone is not None else t.local).replace(tzinfo=None)
    if isinstance(t, AllDayDate):
        return datetime.combine(t.day, time())
    return t.wall
