"""The planner reminds what the views show: overrides standing alone (no master, or a
master that no longer repeats) have their reminders, in a full rebuild and after an edit."""

from __future__ import annotations

from datetime import timedelta

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_core.recurrence import edit_occurrence
from aurora_desktop.reminders.planner import Planner
from aurora_desktop.store import Store
from tests.helpers.reminders import T0

UTC_ZONE = T0.tzinfo
assert UTC_ZONE is not None


def _series(store: Store) -> tuple[Event, Event]:
    start = ZonedTime(T0 + timedelta(hours=2), "UTC")
    master = store.put_event(Event.new(
        store.default_calendar().id, "Weekly", start, ZonedTime(start.at + timedelta(hours=1),
                                                                  "UTC"),
        rrule="FREQ=DAILY;COUNT=3", reminders=(Reminder(15),)))
    rid = ZonedTime(start.at + timedelta(days=1), "UTC")
    (override,) = edit_occurrence(master, [], rid, title="Moved",
                                  start=ZonedTime(rid.at + timedelta(hours=3), "UTC"),
                                  end=ZonedTime(rid.at + timedelta(hours=4), "UTC")).upserts
    store.put_event(override)
    return master, override


def _planned(planner: Planner) -> list[tuple[str, str]]:
    return sorted((r.title, r.due.strftime("%d %H:%M")) for r in planner.reminders())


def test_a_master_that_no_longer_repeats_leaves_its_override_standing_alone(store: Store) -> None:
    master, _ = _series(store)
    store.put_event(master.replace(rrule=None))  # e.g. a sync took its rule away
    (shown,) = [o for o in store.occurrences(T0, T0 + timedelta(days=3), UTC_ZONE)
                if o.event.title == "Moved"]
    assert shown.recurrence_id is None
    planner = Planner(store, UTC_ZONE)
    planner.rebuild(T0)
    rebuilt = _planned(planner)
    assert rebuilt == [("Moved", "26 12:45"), ("Weekly", "25 09:45")]
    planner.update([master.id])  # re-reads the series: the same rule as the index
    assert _planned(planner) == rebuilt


def test_an_override_that_arrives_before_its_master_stands_alone_until_it_comes(
        store: Store) -> None:
    master, override = _series(store)
    store.delete_event(master.id)  # the series goes, override and all
    planner = Planner(store, UTC_ZONE)
    planner.rebuild(T0)
    assert _planned(planner) == []
    store.put_event(override)  # an import or a sync brings the override first
    planner.update([override.id])
    assert _planned(planner) == [("Moved", "26 12:45")]
    planner.rebuild(T0)
    assert _planned(planner) == [("Moved", "26 12:45")]
    store.put_event(master)  # then its series: the override takes its instance's place
    planner.update([master.id])
    together = [("Moved", "26 12:45"), ("Weekly", "25 09:45")]
    assert _planned(planner) == together
    planner.rebuild(T0)
    assert _planned(planner) == together
