"""When is an event's next email reminder due? Pure functions over the core model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from aurora_cloud.storage import Due
from aurora_core import recurrence
from aurora_core.model import Event, Occurrence
from aurora_core.reminders import channel_minutes, due_reminders
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
    """
    if master.recurrence_id is not None:
        return None
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
