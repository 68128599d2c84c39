"""How an event is kept in a row of the ``events`` table, and how times are kept in the
store's ``*_key`` columns (UTC epoch seconds for a zoned time, wall seconds for an
all-day or floating one). Its names are private to the store package.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from aurora_core.model import (
    AllDayDate,
    Event,
    EventTime,
    FloatingTime,
    Reminder,
    ZonedTime,
    time_key,
)

_EPOCH = datetime(1970, 1, 1)
_KIND = {ZonedTime: 0, AllDayDate: 1, FloatingTime: 2}


_EVENT_COLS = (
    "rowid, id, uid, calendar_id, rid, title, location, notes, status, kind, tz, start_key, "
    "end_key, rrule, exdates, rdates, reminders, created, updated, extra"
)

_E_COLS = ", ".join("e." + c.strip() for c in _EVENT_COLS.split(","))


def _wall_seconds(wall: datetime) -> int:
    return int((wall - _EPOCH).total_seconds())


def _from_wall_seconds(s: int) -> datetime:
    return _EPOCH + timedelta(seconds=s)


def _time_seconds(t: EventTime) -> int:
    """A time as the store keeps it in its *_key columns: UTC epoch seconds for a zoned
    time, wall seconds for an all-day or floating one (not aurora_core.model.time_key, the
    text form that matches overrides and EXDATEs). :func:`_time` is the inverse."""
    if isinstance(t, ZonedTime):
        return int(t.at.timestamp())
    if isinstance(t, AllDayDate):
        return _wall_seconds(datetime(t.day.year, t.day.month, t.day.day))
    return _wall_seconds(t.wall)


def _time(kind: int, tz: str | None, k: int) -> EventTime:
    if kind == 0:
        assert tz is not None
        return ZonedTime(datetime.fromtimestamp(k, UTC), tz)
    if kind == 1:
        return AllDayDate(_from_wall_seconds(k).date())
    return FloatingTime(_from_wall_seconds(k))


def _event_values(ev: Event) -> tuple[object, ...]:
    """The events-table columns id..updated, then extra, of ``ev``."""
    return (
        ev.id, ev.uid, ev.calendar_id,
        None if ev.recurrence_id is None else time_key(ev.recurrence_id),
        ev.title, ev.location, ev.notes, str(ev.status), _KIND[type(ev.start)],
        ev.start.tz if isinstance(ev.start, ZonedTime) else None,
        _time_seconds(ev.start), _time_seconds(ev.end), ev.rrule,
        " ".join(time_key(x) for x in ev.exdates), " ".join(time_key(x) for x in ev.rdates),
        _reminders_text(ev.reminders), int(ev.created.timestamp()), int(ev.updated.timestamp()),
        "\n".join(ev.extra),
    )


def _reminders_text(rs: Sequence[Reminder]) -> str:
    return " ".join(f"{r.minutes_before}:{r.channel}" for r in rs)


def _reminders_parse(text: str) -> tuple[Reminder, ...]:
    out = []
    for part in text.split():
        m, ch = part.split(":", 1)
        out.append(Reminder(int(m), ch))  # type: ignore[arg-type]  # checked on write
    return tuple(out)
