"""When is an event's next email reminder due? Pure functions over the core model.

Each event item carries at most one due (its next email reminder): a repeating
master's covers its whole series, the overrides included (each replaces its
instance, with its own reminders); an override standing alone (no master, or one
that no longer repeats: :func:`aurora_core.series.overrides_stand_alone`) carries
its own, as the event of its own it then is (:func:`series_email_dues`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from aurora_cloud.storage import Due
from aurora_core import recurrence
from aurora_core.model import Event, Occurrence
from aurora_core.reminders import channel_minutes, due_reminders
from aurora_core.series import overrides_stand_alone, standing_alone
from aurora_core.wire import format_time

SEARCH_SPAN = timedelta(days=366)
MAX_SPANS = 12  # a series with no instance in 12 years reminds no more


def _candidates(occ: Occurrence, local_tz: tzinfo, after: datetime) -> list[Due]:
    """The occurrence's email reminders due strictly after ``after`` (the core's rule,
    :func:`aurora_core.reminders.due_reminders`), with what the email needs."""
    return [Due(at=at, info={
        "event_id": occ.event.id,
        "start": format_time(occ.start),
        "end": format_time(occ.end),
        "recurrence_id": None if occ.recurrence_id is None else format_time(occ.recurrence_id),
        "minutes_before": rem.minutes_before,
    }) for rem, at in due_reminders(occ, "email", local_tz, after=after)]


def next_email_due(master: Event, overrides: Sequence[Event], after: datetime,
                   local_tz: tzinfo) -> Due | None:
    """The earliest email reminder of ``master``'s series due strictly after ``after``.

    Overrides replace their instances (their own reminders count for them);
    cancelled events remind nobody. All-day and floating times are read in
    ``local_tz`` (the user's zone). None when nothing is due any more.

    ``master`` may be an override standing alone (the dispatcher plans the next
    reminder of the item it sent): it is planned as the event of its own it is.
    """
    if master.recurrence_id is not None:
        master, overrides = standing_alone(master), ()
    minutes = channel_minutes([master, *overrides], "email")
    if not minutes:
        return None
    lo_lead, hi_lead = min(minutes), max(minutes)
    if not master.is_recurring:
        occ = Occurrence(master, master.start, master.end, None)
        return min(_candidates(occ, local_tz, after), key=lambda d: d.at, default=None)
    # An occurrence whose reminder is due after ``after`` starts after after + lo_lead.
    slack = max(master.duration, timedelta(0)) + timedelta(days=1)
    lo = after + timedelta(minutes=lo_lead) - slack
    best: Due | None = None
    for _ in range(MAX_SPANS):
        hi = lo + SEARCH_SPAN
        occs = recurrence.expand(master, overrides, lo, hi, local_tz)
        if occs.truncated and occs and occs[-1].start.instant(local_tz) > lo:
            # A series denser than expand() lets through: this span ends where its
            # occurrences did; the next one starts there.
            hi = occs[-1].start.instant(local_tz)
        for occ in occs:
            for due in _candidates(occ, local_tz, after):
                if best is None or due.at < best.at:
                    best = due
        # Anything in a later span starts at or after ``hi``: due no earlier than this.
        if best is not None and best.at <= hi - timedelta(minutes=hi_lead):
            return best
        if (last := recurrence.last_instance(master)) is not None and \
                last.instant(local_tz) < lo and not overrides:
            return best
        lo = hi
    return best


def series_email_dues(master: Event | None, overrides: Sequence[Event], after: datetime,
                      local_tz: tzinfo) -> dict[str, Due | None]:
    """The next email reminder (after ``after``) each event of one series carries, by
    event id: ``master`` (None: not here) and its ``overrides``.

    With a repeating master, the master carries the series' (the overrides' times and
    reminders included) and the overrides none, so an instance is emailed once. When
    the overrides stand alone, each carries its own, at its own time, and a master
    that no longer repeats its own.
    """
    if master is not None and not overrides_stand_alone(master):
        out: dict[str, Due | None] = {o.id: None for o in overrides}
        out[master.id] = next_email_due(master, overrides, after, local_tz)
        return out
    out = {o.id: next_email_due(o, (), after, local_tz) for o in overrides}
    if master is not None:
        out[master.id] = next_email_due(master, (), after, local_tz)
    return out


def standing_changes(before: Event | None, after: Event | None) -> bool:
    """Whether writing a master from ``before`` to ``after`` (None: absent, or deleted)
    changes whether its overrides stand alone: a repeating master arrived, went, or
    gained or lost its rule. Then every event of the series needs its email due planned
    again (:func:`series_email_dues`), not just the master's."""
    return overrides_stand_alone(before) != overrides_stand_alone(after)
