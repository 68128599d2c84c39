"""Shared helpers for the calendar-window stories."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_core.model import Event, ZonedTime, get_zone
from aurora_desktop.store import Store

TZ = "Europe/Berlin"
ZONE = get_zone(TZ)
TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)


def at(d: date, h: int, m: int = 0) -> ZonedTime:
    return ZonedTime.from_local(datetime.combine(d, time(h, m)), TZ)


def wall(t: ZonedTime) -> datetime:
    return t.at.astimezone(ZONE).replace(tzinfo=None)


def put(store: Store, title: str, start: ZonedTime, minutes: int = 60, **kw: object) -> Event:
    ev = Event.new(store.default_calendar().id, title, start,
                   ZonedTime(start.at + timedelta(minutes=minutes), start.tz), **kw)
    return store.put_event(ev)
