"""Rules about a series as a whole, defined once for the desktop and the cloud.

- :func:`moved_series_times`: where a whole series goes when one of its
  occurrences is dragged (or edited with "all"), measured on the series' own
  wall clock.
- :func:`overrides_stand_alone` and :func:`series_occurrences`: an override
  whose master is absent (not synced yet, in another file, deleted) or no
  longer repeats stands alone, shown and reminded as an event of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from aurora_core.model import (
    Event,
    EventTime,
    Occurrence,
    ZonedTime,
    get_zone,
    shift,
)
from aurora_core.recurrence import MAX_WINDOW, Occurrences, expand
from aurora_core.times import difference, from_own_wall, own_wall, wall_in

__all__ = [
    "moved_series_times",
    "overrides_stand_alone",
    "series_occurrences",
    "standing_alone",
]


# ----------------------------------------------------------------------------
# The whole-series move


def moved_series_times(series_start: EventTime, occurrence_start: EventTime,
                       new_start: EventTime, new_end: EventTime) -> tuple[EventTime, EventTime]:
    """The new (start, end) of a whole series whose occurrence at ``occurrence_start``
    was moved (or resized) to [``new_start``, ``new_end``).

    A zoned series moves by as much as the occurrence moved on the series' own
    wall clock: a weekly 09:00 New York meeting whose occurrence after the DST
    switch is dragged to 10:00 EDT becomes a 10:00 meeting (on the first,
    EST, week too), and a drag from Saturday 09:00 to Sunday 10:00 across a
    DST night moves every instance to 10:00, though only 24 elapsed hours lie
    between the two. Other kinds move by the difference as ``shift`` applies
    it. The new end keeps the dragged occurrence's length. A move to another
    kind of time (timed to all-day) takes the new times as they are.
    """
    start: EventTime
    if (isinstance(series_start, ZonedTime) and isinstance(occurrence_start, ZonedTime)
            and isinstance(new_start, ZonedTime)):
        zone = get_zone(series_start.tz)
        moved = wall_in(new_start, zone) - wall_in(occurrence_start, zone)
        start = from_own_wall(own_wall(series_start) + moved, series_start) if moved \
            else series_start
        return start, shift(start, difference(new_start, new_end))
    if type(new_start) is type(occurrence_start):
        delta = difference(occurrence_start, new_start)
        start = shift(series_start, delta) if delta else series_start
        return start, shift(start, difference(new_start, new_end))
    return new_start, new_end


# ----------------------------------------------------------------------------
# An override without its master stands alone


def overrides_stand_alone(master: Event | None) -> bool:
    """Whether the overrides of a series with ``master`` (None: the series has no
    master here) stand alone: each shown, reminded and edited as an event of its
    own, at its own times.

    So when the master is absent (its file or sync has not brought it yet, it
    was deleted elsewhere) or no longer repeats (its rule was removed
    elsewhere): the changed occurrences the user made stay in view rather than
    vanish. Otherwise an override replaces the instance its recurrence id names.
    """
    return master is None or not master.is_recurring


def standing_alone(override: Event) -> Event:
    """``override`` as the event of its own it is when it stands alone: its recurrence
    id dropped (its uid, id, times and reminders kept)."""
    return override.replace(recurrence_id=None)


def series_occurrences(master: Event | None, overrides: Sequence[Event],
                       window_start: datetime, window_end: datetime, local_tz: tzinfo,
                       limit: int = MAX_WINDOW) -> Occurrences:
    """The occurrences of one series (``master`` and its ``overrides``, all of one uid)
    overlapping [window_start, window_end), sorted: :func:`recurrence.expand`, or,
    when :func:`overrides_stand_alone`, the master (if any) and each override as
    events of their own.

    An override standing alone is an occurrence of no series (``recurrence_id``
    None: edited as an event of its own) whose event is still the override, its
    recurrence id kept, as the desktop's occurrence index has it: so its
    ``Occurrence.key`` is ``"<uid>/<key of its recurrence id>"`` whether it stands
    alone or not, and its reminders' states (fired, snoozed, dismissed) stay its own
    when its master comes (docs/reminders.md)."""
    if master is not None and not overrides_stand_alone(master):
        return expand(master, overrides, window_start, window_end, local_tz, limit)
    out = Occurrences()
    if master is not None:
        out.extend(expand(master, (), window_start, window_end, local_tz, limit))
    for ov in overrides:
        out.extend(Occurrence(ov, o.start, o.end, None) for o in expand(
            standing_alone(ov), (), window_start, window_end, local_tz, limit))
    out.sort(key=lambda o: (o.start.instant(local_tz), o.event.title))
    return out
