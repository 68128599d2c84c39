"""The reminder tests' world: their start instant T0 and their event makers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.store import Store

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def make_event(store: Store, title: str, start: datetime, *, minutes: tuple[int, ...] = (15,),
               tz: str = "UTC", length: timedelta = timedelta(hours=1), **kw: object) -> Event:
    """An event at ``start`` (aware) in ``tz`` with a reminder ``minutes`` before each, stored."""
    ev = Event.new(store.default_calendar().id, title, ZonedTime(start, tz),
                   ZonedTime(start + length, tz),
                   reminders=tuple(Reminder(m) for m in minutes), **kw)
    return store.put_event(ev)


def put_written_earlier(store: Store, ev: Event, ago: timedelta = timedelta(hours=2)) -> Event:
    """Store ``ev`` as written ``ago`` before the store's now: its reminders were set
    before their time, so one whose due has passed is missed, not "set late" (those are
    never delivered: docs/reminders.md)."""
    then = store.now() - ago
    return store.put_events([ev.replace(created=then, updated=then)], touch=False)[0]
