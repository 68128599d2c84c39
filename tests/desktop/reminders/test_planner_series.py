"""The planner reminds what the views show: overrides standing alone (no master, or a
master that no longer repeats) have their reminders, in a full rebuild and after an edit."""

from __future__ import annotations

from datetime import timedelta

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_core.recurrence import edit_occurrence
from aurora_desktop.reminders.planner import Planner
from aurora_desktop.store import ReminderState, Store
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


# ------------------------------------------------ the occurrence key of an override


def _alone_pair(store: Store) -> tuple[Event, Event, Event]:
    """A daily series whose master is not here, with two of its overrides: the second
    and third instances, each moved three hours later (so both are still to start)."""
    master, first = _series(store)
    rid = ZonedTime(master.start.at + timedelta(days=2), "UTC")
    (second,) = edit_occurrence(master, [first], rid, title="Moved too",
                                start=ZonedTime(rid.at + timedelta(hours=3), "UTC"),
                                end=ZonedTime(rid.at + timedelta(hours=4), "UTC")).upserts
    store.delete_event(master.id)
    store.put_events([first, second])
    return master, first, second


def test_two_overrides_standing_alone_keep_their_own_reminder_states(
        store: Store, make_engine, clock, recorder) -> None:
    _alone_pair(store)
    planner = Planner(store, UTC_ZONE, horizon=timedelta(days=3))
    planner.rebuild(T0)
    keys = {r.occurrence_key for r in planner.reminders()}
    assert len(keys) == 2  # one per override, not one "<uid>/" shared by both
    engine = make_engine()
    clock.set(T0 + timedelta(days=1, hours=4, minutes=45))  # the first one's reminder
    engine.check()
    clock.set(T0 + timedelta(days=2, hours=4, minutes=45))  # the second one's
    engine.check()
    assert recorder.titles() == ["Moved", "Moved too"]
    # Neither state overwrote the other: both stay fired, nothing is shown again.
    assert {st.state for st in store.reminder_states().values()} == {"fired"}
    assert len(store.reminder_states()) == 2
    clock.advance(minutes=1)
    engine.check()
    assert recorder.titles() == ["Moved", "Moved too"]


def test_an_override_reminded_alone_is_not_reminded_again_when_its_master_arrives(
        store: Store, make_engine, clock, recorder) -> None:
    master, _, _ = _alone_pair(store)
    engine = make_engine()
    clock.set(T0 + timedelta(days=1, hours=4, minutes=45))  # "Moved" is due, alone
    engine.check()
    assert recorder.titles() == ["Moved"]
    clock.advance(minutes=5)
    store.put_event(master)  # its series arrives (a sync): the override is an instance now
    engine.check()
    assert recorder.titles() == ["Moved"]  # the same reminder: not shown twice
    assert [p.reminder.title for p in engine.pending()] == ["Moved"]  # still listed


def test_a_state_kept_under_the_old_key_of_an_override_still_counts(
        store: Store, make_engine, clock, recorder) -> None:
    """States written before an override had its own key ("<uid>/" while it stood
    alone): the reminder at that due is not shown again."""
    _, first, _ = _alone_pair(store)
    due = T0 + timedelta(days=1, hours=4, minutes=45)
    store.set_reminder_states([ReminderState(f"{first.uid}/", "15:notification", "fired",
                                             due, None)])
    clock.set(due + timedelta(minutes=1))
    engine = make_engine()
    engine.check()
    assert recorder.titles() == []
    assert [p.reminder.title for p in engine.pending()] == ["Moved"]
