"""Which reminders of an occurrence fall due, and when: one rule for every channel.

The desktop planner asks it for ``"notification"`` reminders (shown on this
computer), the server's email schedule for ``"email"`` ones; what each does
with a due reminder (the desktop's state machine, the server's dispatcher) is
its own.

The rule: a reminder falls due ``minutes_before`` minutes before its
occurrence's start instant (after it, for a negative number); all-day and
floating starts are read in the user's zone. A cancelled event reminds nobody.
An event with the same reminder twice (same channel and minutes) reminds once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from aurora_core.model import Channel, Event, EventStatus, Occurrence, Reminder

__all__ = ["DueAt", "channel_minutes", "due_reminders"]


class DueAt(NamedTuple):
    """One reminder of one occurrence and the instant it falls due (aware UTC)."""

    reminder: Reminder
    at: datetime


def due_reminders(occurrence: Occurrence, channel: Channel, local_tz: tzinfo, *,
                  after: datetime | None = None) -> list[DueAt]:
    """The ``channel`` reminders of ``occurrence`` with the instants they fall due, in
    the event's order (the rule above); with ``after``, only those due strictly later.
    ``local_tz`` is the user's zone, for all-day and floating starts."""
    event = occurrence.event
    if event.status == EventStatus.CANCELLED or not event.reminders:
        return []
    start = occurrence.start.instant(local_tz)
    out: list[DueAt] = []
    seen: set[int] = set()
    for rem in event.reminders:
        if rem.channel != channel or rem.minutes_before in seen:
            continue
        seen.add(rem.minutes_before)
        at = start - timedelta(minutes=rem.minutes_before)
        if after is None or at > after:
            out.append(DueAt(rem, at))
    return out


def channel_minutes(events: Iterable[Event], channel: Channel) -> list[int]:
    """The ``minutes_before`` of every ``channel`` reminder of ``events``: how far
    before (negative: after) an occurrence's start its reminders can fall due, which
    bounds the window a search for due reminders must expand."""
    return [r.minutes_before for e in events for r in e.reminders if r.channel == channel]
