"""How many events: the one counting rule that every report of the app uses.

The rule (docs/import.md, "What the report counts"): an *event* is what a
user made once: a standalone event, or a whole repeating series. A changed
occurrence (an override: a VEVENT with a RECURRENCE-ID) is part of its series
and is never counted on its own; an override whose series is not there (an
invitation to one occurrence) is one event. In other words: one event per
iCalendar UID.

The command line (``aurora import|export``) and the window (Import, Export)
both count with :func:`count_events` and say it with :func:`plural` and
:func:`import_headline`, so the same file gives the same figures everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aurora_core.model import Event

__all__ = ["Elsewhere", "ImportCounts", "count_events", "count_overrides", "elsewhere_text",
           "export_text", "import_headline", "plural"]


def count_events(events: Iterable[Event]) -> int:
    """Events by the rule above: distinct UIDs (a series with its overrides is one)."""
    return len({e.uid for e in events})


def count_overrides(events: Iterable[Event]) -> int:
    """Changed occurrences among ``events`` that ride along with their series (an override
    whose series is not among them is an event of its own, counted by count_events)."""
    evs = list(events)
    series = {e.uid for e in evs if e.recurrence_id is None}
    return sum(1 for e in evs if e.recurrence_id is not None and e.uid in series)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 event``, ``2 events``, ``0 events``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


@dataclass(frozen=True)
class Elsewhere:
    """Events of an import that were already in another calendar than the one imported
    into: an import never moves an event out of its calendar, it updates it there (or
    leaves it alone: unchanged, or in a read-only calendar). Counted by the rule."""

    calendar: str  # that calendar's name
    updated: int = 0
    unchanged: int = 0
    read_only: int = 0  # left alone: that calendar cannot be written (a subscription)

    @property
    def total(self) -> int:
        return self.updated + self.unchanged + self.read_only


@dataclass(frozen=True)
class ImportCounts:
    """What an import did to the store, by the counting rule (one per UID).

    ``new``: none of its items was in the calendar; ``unchanged``: all were, exactly
    as in the file (nothing is written for them); ``updated``: the rest.
    ``elsewhere``: events already in other calendars, per calendar (not in the three).
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    elsewhere: tuple[Elsewhere, ...] = ()

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + sum(e.total for e in self.elsewhere)

    @property
    def written(self) -> int:
        return self.new + self.updated + sum(e.updated for e in self.elsewhere)


def elsewhere_text(e: Elsewhere, quote: Callable[[str], str] = repr) -> str:
    """"2 events were already in 'Personal' and were updated there", "… and are unchanged
    there", "5 events were already in 'Personal': 2 updated there, 3 unchanged"."""
    where = quote(e.calendar)
    parts = [(e.updated, "updated there"), (e.unchanged, "unchanged"),
             (e.read_only, "left alone (read-only)")]
    present = [(n, what) for n, what in parts if n]
    were = "was" if e.total == 1 else "were"
    head = f"{plural(e.total, 'event')} {were} already in {where}"
    if len(present) > 1:
        return f"{head}: " + ", ".join(f"{n} {what}" for n, what in present)
    what = present[0][1] if present else "unchanged"
    if what == "updated there":
        return f"{head} and {were} updated there"
    if what == "unchanged":
        return f"{head} and {'is' if e.total == 1 else 'are'} unchanged"
    return f"{head}, which is read-only, and {'was' if e.total == 1 else 'were'} left alone"


def import_headline(c: ImportCounts, calendar: str = "", source: str = "",
                    quote: Callable[[str], str] = repr) -> str:
    """What an import did, in one sentence without its full stop, counted by the rule.

    ``calendar`` is the calendar's name as the caller quotes it, ``source`` the file's:
    "Imported 3 events from a.ics into 'Work'" (all new), "Updated 2 events from a.ics
    in 'Work'" (a re-import of changed events), "Nothing changed: 5 events from a.ics
    were already in 'Work'", "Updated 2 events in 'Work'; 5 unchanged", and with
    anything new "Imported 10 events from a.ics into 'Work': 3 new, 2 updated, 5 unchanged".
    Events already in other calendars follow (:func:`elsewhere_text`, names quoted by
    ``quote``): "…; 2 events were already in 'Personal' and were updated there"; when all
    were: "Nothing imported into 'X': 7 events from a.ics were already in 'Personal' and
    are unchanged".
    """
    main = _target_headline(c, calendar, source)
    if not c.elsewhere:
        return main
    notes = [elsewhere_text(e, quote) for e in c.elsewhere]
    if c.new or c.updated or c.unchanged:
        return "; ".join([main, *notes])
    src = f" from {source}" if source else ""
    n = c.elsewhere[0].total
    noun = plural(n, "event")
    first = noun + src + notes[0][len(noun):]
    lead = f"Nothing imported into {calendar}" if calendar else "Nothing imported"
    return f"{lead}: " + "; ".join([first, *notes[1:]])


def _target_headline(c: ImportCounts, calendar: str, source: str) -> str:
    src = f" from {source}" if source else ""
    into = f" into {calendar}" if calendar else ""
    inside = f" in {calendar}" if calendar else ""
    parts = [(c.new, "new"), (c.updated, "updated"), (c.unchanged, "unchanged")]
    present = [(n, what) for n, what in parts if n]
    if not present:
        return f"Imported no events{src}"
    if not c.new and c.updated and c.unchanged:  # a re-import: it updated, nothing is new
        return f"Updated {plural(c.updated, 'event')}{src}{inside}; {c.unchanged} unchanged"
    if len(present) > 1:
        detail = ", ".join(f"{n} {what}" for n, what in present)
        return f"Imported {plural(c.total, 'event')}{src}{into}: {detail}"
    n, what = present[0]
    if what == "new":
        return f"Imported {plural(n, 'event')}{src}{into}"
    if what == "updated":
        return f"Updated {plural(n, 'event')}{src}{inside}"
    return (f"Nothing changed: {plural(n, 'event')}{src} {'was' if n == 1 else 'were'} "
            f"already{inside if calendar else ' imported'}")


def export_text(events: Iterable[Event]) -> str:
    """"9 events" or "9 events with 2 changed occurrences": what an export wrote.

    The file holds one VEVENT per event plus one per changed occurrence, so a
    reader counting VEVENTs finds 9 + 2 = 11; the note says where the 2 come from.
    """
    evs = list(events)
    text = plural(count_events(evs), "event")
    changed = count_overrides(evs)
    if changed:
        text += f" with {plural(changed, 'changed occurrence')}"
    return text
