"""Event builders: events in memory, and events put into a store."""

from __future__ import annotations

from datetime import date, timedelta

from aurora_core.model import AllDayDate, Event, EventTime, ZonedTime
from aurora_desktop.store import Store


def timed(calendar_id: str, title: str, start: ZonedTime, minutes: int = 60, **kw: object) -> Event:
    """A new event from ``start`` lasting ``minutes``, in the start's zone."""
    return Event.new(calendar_id, title, start,
                     ZonedTime(start.at + timedelta(minutes=minutes), start.tz), **kw)


def put(store: Store, title: str, start: ZonedTime, minutes: int = 60, **kw: object) -> Event:
    """A timed event in the store's default calendar, stored."""
    return store.put_event(timed(store.default_calendar().id, title, start, minutes, **kw))


def put_all_day(store: Store, title: str, day: date, days: int = 1, **kw: object) -> Event:
    """An all-day event of ``days`` days from ``day`` in the default calendar, stored."""
    return store.put_event(Event.new(store.default_calendar().id, title, AllDayDate(day),
                                     AllDayDate(day + timedelta(days=days)), **kw))


def put_between(store: Store, title: str, start: EventTime, end: EventTime, **kw: object) -> Event:
    """An event of any kind of time in the default calendar, stored."""
    return store.put_event(Event.new(store.default_calendar().id, title, start, end, **kw))
