"""The reminder engine's story, driven by a fake clock (no Qt, no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.reminders.engine import FileWatermark, ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from tests.helpers.clocks import FakeClock
from tests.helpers.reminders import T0, make_event
from tests.helpers.stores import make_store


def test_a_reminder_fires_at_its_time_and_not_before(store, clock, recorder, make_engine):
    make_event(store, "Standup", T0 + timedelta(minutes=30))  # due 08:15
    eng = make_engine()
    eng.check()
    assert recorder.shown == []
    assert eng.next_wakeup == T0 + timedelta(minutes=15)
    clock.set(T0 + timedelta(minutes=15) - timedelta(seconds=1))
    eng.check()
    assert recorder.shown == []
    clock.set(T0 + timedelta(minutes=15))
    eng.check()
    assert recorder.titles() == ["Standup"]
    assert recorder.shown[0].missed is False
    # checking again (every minute) never shows it twice
    for _ in range(5):
        clock.advance(minutes=1)
        eng.check()
    assert recorder.titles() == ["Standup"]
    assert [p.reminder.title for p in eng.pending()] == ["Standup"]


def test_fired_is_recorded_before_the_notifier_runs(store, clock, make_engine):
    seen: list[dict] = []

    class Spy:
        def notify(self, deliveries):
            seen.append(store.reminder_states())

    make_event(store, "Standup", T0 + timedelta(minutes=15))
    eng = make_engine(notifier=Spy())
    eng.check()
    (states,) = seen
    (st,) = states.values()
    assert st.state == "fired" and st.due == T0


def test_a_broken_notifier_still_lists_the_reminder(store, clock, make_engine):
    class Broken:
        def notify(self, deliveries):
            raise RuntimeError("no notification daemon")

    make_event(store, "Standup", T0 + timedelta(minutes=15))
    eng = make_engine(notifier=Broken())
    eng.check()
    assert [p.reminder.title for p in eng.pending()] == ["Standup"]


def test_snooze_fires_again_after_the_snooze(store, clock, recorder, make_engine):
    make_event(store, "Review", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    (p,) = eng.pending()
    assert eng.snooze([p.key], timedelta(minutes=5)) == 1
    assert eng.pending() == []
    eng.check()
    assert eng.next_wakeup == T0 + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    eng.check()
    assert len(recorder.shown) == 1
    clock.advance(seconds=1)
    eng.check()
    assert len(recorder.shown) == 2
    assert recorder.shown[1].snoozed and not recorder.shown[1].missed
    clock.advance(minutes=10)
    eng.check()
    assert len(recorder.shown) == 2
    assert store.reminder_states()[p.key].state == "fired"


def test_dismiss_survives_a_restart(store_path, store, clock, watermark):
    make_event(store, "Dentist", T0 + timedelta(minutes=15))
    rec = RecordingNotifier()
    eng = ReminderEngine(store, rec, local_tz=UTC, clock=clock, watermark=watermark)
    eng.check()
    assert eng.dismiss_all() == 1
    store.close()
    for _ in range(2):  # restart twice, later each time
        clock.advance(minutes=3)
        again = make_store(store_path, clock)
        rec2 = RecordingNotifier()
        eng2 = ReminderEngine(again, rec2, local_tz=UTC, clock=clock, watermark=watermark)
        eng2.check()
        assert rec2.shown == []
        assert eng2.pending() == []
        again.close()


def test_an_undismissed_reminder_is_listed_after_restart_but_not_notified_again(
        store_path, store, clock, watermark):
    make_event(store, "Dentist", T0 + timedelta(minutes=15))
    eng = ReminderEngine(store, RecordingNotifier(), local_tz=UTC, clock=clock,
                         watermark=watermark)
    eng.check()
    store.close()
    clock.advance(minutes=2)
    again = make_store(store_path, clock)
    rec = RecordingNotifier()
    eng2 = ReminderEngine(again, rec, local_tz=UTC, clock=clock, watermark=watermark)
    eng2.check()
    assert rec.shown == []
    assert [p.reminder.title for p in eng2.pending()] == ["Dentist"]
    assert eng2.pending()[0].earlier is True
    again.close()


def test_downtime_shows_each_missed_reminder_exactly_once(tmp_path, store_path, store, clock):
    wm = FileWatermark(tmp_path / "watch.json")
    # due 09:00, 10:00 (daily series -> 10:30 too), 11:00, and one after we come back
    make_event(store, "A", T0 + timedelta(hours=1, minutes=15))
    make_event(store, "B", T0 + timedelta(hours=2, minutes=15))
    make_event(store, "Daily", T0 + timedelta(hours=2, minutes=45), rrule="FREQ=DAILY")
    make_event(store, "C", T0 + timedelta(hours=3, minutes=15))
    make_event(store, "Later", T0 + timedelta(hours=6, minutes=15))
    eng = ReminderEngine(store, RecordingNotifier(), local_tz=UTC, clock=clock, watermark=wm)
    eng.check()  # app running at 08:00, then closed
    store.close()

    clock.set(T0 + timedelta(hours=4))  # back at 12:00
    shown: list[str] = []
    for _restart in range(3):
        s = make_store(store_path, clock)
        rec = RecordingNotifier()
        e = ReminderEngine(s, rec, local_tz=UTC, clock=clock, watermark=FileWatermark(wm.path))
        e.check()
        e.check()
        shown += rec.titles()
        if _restart == 0:
            assert len(rec.batches) == 1  # one grouped notification
            assert all(d.missed for d in rec.shown)
            assert {p.reminder.title for p in e.pending() if p.missed} == {"A", "B", "Daily", "C"}
        s.close()
        clock.advance(minutes=1)
    assert sorted(shown) == ["A", "B", "C", "Daily"]


def test_crash_between_recording_and_watermark_does_not_show_twice(store_path, store, clock,
                                                                    watermark):
    make_event(store, "A", T0 + timedelta(minutes=15))
    eng = ReminderEngine(store, RecordingNotifier(), local_tz=UTC, clock=clock,
                         watermark=watermark)
    watermark.save(T0 - timedelta(minutes=1))
    eng.watermark = type(watermark)()  # this run's watermark is lost ("crash")
    eng.check()
    rec = RecordingNotifier()
    eng2 = ReminderEngine(store, rec, local_tz=UTC, clock=clock, watermark=watermark)
    eng2.check()
    assert rec.shown == []


def test_first_run_does_not_flood_with_old_reminders(store, clock, recorder, make_engine):
    clock.set(T0 - timedelta(days=2))  # written before any of them fell due
    make_event(store, "Yesterday", T0 - timedelta(days=1))
    make_event(store, "Started an hour ago", T0 - timedelta(hours=1))
    make_event(store, "Soon", T0 + timedelta(minutes=5))  # due 7:50, event still ahead
    clock.set(T0)
    eng = make_engine()
    eng.check()
    assert recorder.titles() == ["Soon"]


def test_nothing_older_than_the_lookback_is_shown(store, clock, recorder, make_engine, watermark):
    clock.set(T0 - timedelta(days=11))  # written before they fell due
    make_event(store, "Ten days ago", T0 - timedelta(days=10))
    make_event(store, "Three days ago", T0 - timedelta(days=3))
    clock.set(T0)
    watermark.save(T0 - timedelta(days=30))
    eng = make_engine()
    eng.check()
    assert recorder.titles() == ["Three days ago"]


def test_editing_the_time_replans(store, clock, recorder, make_engine):
    ev = make_event(store, "Call", T0 + timedelta(hours=1))
    eng = make_engine()
    eng.check()
    assert eng.next_wakeup == T0 + timedelta(minutes=45)
    store.put_event(ev.replace(start=ZonedTime(T0 + timedelta(hours=2), "UTC"),
                               end=ZonedTime(T0 + timedelta(hours=3), "UTC")))
    eng.check()
    assert eng.next_wakeup == T0 + timedelta(hours=1, minutes=45)
    clock.set(T0 + timedelta(minutes=45))
    eng.check()
    assert recorder.shown == []
    clock.set(T0 + timedelta(hours=1, minutes=45))
    eng.check()
    assert recorder.titles() == ["Call"]


def test_a_dismissed_reminder_fires_again_when_the_event_moves(store, clock, recorder,
                                                               make_engine):
    ev = make_event(store, "Call", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    eng.dismiss_all()
    store.put_event(ev.replace(title="Call (renamed)"))
    eng.check()
    assert len(recorder.shown) == 1 and eng.pending() == []  # same time: stays dismissed
    store.put_event(ev.replace(start=ZonedTime(T0 + timedelta(hours=1), "UTC"),
                               end=ZonedTime(T0 + timedelta(hours=2), "UTC")))
    clock.set(T0 + timedelta(minutes=45))
    eng.check()
    assert recorder.titles() == ["Call", "Call"]


def test_deleting_the_event_cancels(store, clock, recorder, make_engine):
    ev = make_event(store, "Gone", T0 + timedelta(minutes=30))
    eng = make_engine()
    eng.check()
    store.delete_event(ev.id)
    eng.check()
    assert eng.next_wakeup != T0 + timedelta(minutes=15)
    clock.set(T0 + timedelta(minutes=20))
    eng.check()
    assert recorder.shown == []


def test_deleting_a_fired_event_removes_it_from_the_window(store, clock, make_engine):
    ev = make_event(store, "Gone", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    assert len(eng.pending()) == 1
    store.delete_event(ev.id)
    eng.check()
    assert eng.pending() == []


def test_email_reminders_never_fire_on_the_desktop(store, clock, recorder, make_engine):
    ev = Event.new(store.default_calendar().id, "Mail only", ZonedTime(T0 + timedelta(minutes=5),
                   "UTC"), ZonedTime(T0 + timedelta(hours=1), "UTC"),
                   reminders=(Reminder(5, "email"),))
    store.put_event(ev)
    eng = make_engine()
    clock.advance(minutes=10)
    eng.check()
    assert recorder.shown == []
    assert eng.next_wakeup != T0


def test_a_clock_jump_forward_shows_what_was_skipped(store, clock, recorder, make_engine):
    make_event(store, "Skipped 1", T0 + timedelta(hours=1))
    make_event(store, "Skipped 2", T0 + timedelta(hours=2))
    make_event(store, "Ahead", T0 + timedelta(hours=5))
    eng = make_engine()
    eng.check()
    clock.advance(hours=3)  # the timer never ran: the wall clock jumped
    eng.replan()
    eng.check()
    assert sorted(recorder.titles()) == ["Skipped 1", "Skipped 2"]
    assert all(d.missed for d in recorder.shown)
    eng.check()
    assert len(recorder.shown) == 2


def test_a_clock_jump_backward_does_not_repeat(store, clock, recorder, make_engine):
    make_event(store, "Once", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    clock.advance(hours=-1)
    eng.replan()
    eng.check()
    clock.set(T0 + timedelta(minutes=1))
    eng.check()
    assert recorder.titles() == ["Once"]


def test_pause_holds_reminders_until_the_pause_ends(store, clock, recorder, make_engine):
    make_event(store, "During pause", T0 + timedelta(minutes=30))
    eng = make_engine()
    eng.check()
    eng.pause(T0 + timedelta(hours=1))
    clock.set(T0 + timedelta(minutes=20))
    eng.check()
    assert recorder.shown == []
    assert eng.next_wakeup == T0 + timedelta(hours=1)
    clock.set(T0 + timedelta(hours=1))
    eng.check()
    assert recorder.titles() == ["During pause"]
    assert recorder.shown[0].missed


def test_multiple_reminders_of_one_event_fire_separately(store, clock, recorder, make_engine):
    make_event(store, "Flight", T0 + timedelta(hours=2), minutes=(60, 120, 120))
    eng = make_engine()
    eng.check()
    assert recorder.titles() == ["Flight"]  # the 2-hour one, once
    clock.advance(hours=1)
    eng.check()
    assert recorder.titles() == ["Flight", "Flight"]


def test_a_sync_dismissal_from_elsewhere_clears_the_window(store, clock, make_engine):
    make_event(store, "Synced", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    (p,) = eng.pending()
    from aurora_desktop.store import ReminderState

    store.set_reminder_states([ReminderState(p.key[0], p.key[1], "dismissed", T0)])
    eng.check()
    assert eng.pending() == []


def test_zone_change_moves_floating_and_all_day_reminders(store, clock, recorder, make_engine):
    from aurora_core.model import FloatingTime
    from aurora_core.model import get_zone as zone

    ev = Event.new(store.default_calendar().id, "Floating 10:00",
                   FloatingTime(datetime(2026, 11, 25, 10, 0)),
                   FloatingTime(datetime(2026, 11, 25, 11, 0)), reminders=(Reminder(15),))
    store.put_event(ev)
    eng = make_engine()
    eng.check()
    assert eng.next_wakeup == datetime(2026, 11, 25, 9, 45, tzinfo=UTC)
    eng.set_local_tz(zone("Europe/Berlin"))
    eng.check()
    assert eng.next_wakeup == datetime(2026, 11, 25, 8, 45, tzinfo=UTC)


@pytest.mark.parametrize(("first_day", "expected"), [
    # DST ends on Sunday 25 October 2026 (CEST -> CET)
    (datetime(2026, 10, 22, 9, 0), ["10-22 08:45 CEST", "10-23 08:45 CEST", "10-24 08:45 CEST",
                                    "10-25 08:45 CET", "10-26 08:45 CET", "10-27 08:45 CET"]),
    # DST starts on Sunday 29 March 2026 (CET -> CEST)
    (datetime(2026, 3, 26, 9, 0), ["03-26 08:45 CET", "03-27 08:45 CET", "03-28 08:45 CET",
                                   "03-29 08:45 CEST", "03-30 08:45 CEST", "03-31 08:45 CEST"]),
])
def test_dst_daily_0900_berlin_fires_0845_local_both_sides(tmp_path, first_day, expected):
    berlin = "Europe/Berlin"
    from aurora_core.model import get_zone

    z = get_zone(berlin)
    clock = FakeClock(ZonedTime.from_local(first_day, berlin).at - timedelta(hours=3))
    s = make_store(tmp_path / "dst.sqlite", clock)
    ev = Event.new(s.default_calendar().id, "Daily 9:00", ZonedTime.from_local(first_day, berlin),
                   ZonedTime.from_local(first_day + timedelta(minutes=30), berlin),
                   rrule="FREQ=DAILY", reminders=(Reminder(15),))
    s.put_event(ev)
    rec = RecordingNotifier()
    eng = ReminderEngine(s, rec, local_tz=z, clock=clock)
    fired_local = []
    for _ in range(20):  # step from wake-up to wake-up, as the scheduler would
        eng.check()
        assert eng.next_wakeup is not None
        clock.set(eng.next_wakeup)
        before = len(rec.shown)
        eng.check()
        for d in rec.shown[before:]:
            fired_local.append(clock().astimezone(z))
            assert d.reminder.due == clock()
            assert not d.missed
        if len(fired_local) >= 6:
            break
    s.close()
    assert [t.strftime("%m-%d %H:%M %Z") for t in fired_local] == expected


def test_five_hundred_in_one_minute_come_as_one_group(store, clock, recorder, make_engine):
    cal = store.default_calendar().id
    evs = [Event.new(cal, f"Meeting {i:03}", ZonedTime(T0 + timedelta(minutes=15), "UTC"),
                     ZonedTime(T0 + timedelta(minutes=45), "UTC"), reminders=(Reminder(15),))
           for i in range(500)]
    store.put_events(evs)
    eng = make_engine()
    eng.check()
    assert len(recorder.batches) == 1 and len(recorder.batches[0]) == 500
    assert len(eng.pending()) == 500
    eng.check()
    assert len(recorder.batches) == 1


def test_clock_is_the_store_clock_by_default(store, clock, recorder):
    eng = ReminderEngine(store, recorder, local_tz=UTC)
    assert eng.clock() == clock()


def test_watermark_file_roundtrip_and_garbage(tmp_path):
    wm = FileWatermark(tmp_path / "w.json")
    assert wm.load() is None
    wm.save(T0)
    assert FileWatermark(wm.path).load() == T0
    wm.path.write_text("{not json", encoding="utf-8")
    assert FileWatermark(wm.path).load() is None


def test_fake_clock_helper():
    c = FakeClock(T0)
    assert c.advance(minutes=1) == T0 + timedelta(minutes=1)


def test_a_fresh_reminder_stays_fresh_until_restart(store, clock, make_engine):
    make_event(store, "Fresh", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    for _ in range(3):
        clock.advance(minutes=1)
        eng.check()
    (p,) = eng.pending()
    assert (p.missed, p.earlier) == (False, False)


def test_the_window_hears_about_edits_of_pending_reminders(store, clock, make_engine):
    ev = make_event(store, "Old title", T0 + timedelta(minutes=15))
    seen: list[list[str]] = []
    eng = make_engine(on_pending=lambda pending, new: seen.append(
        [p.reminder.title for p in pending]))
    eng.check()
    store.put_event(ev.replace(title="New title"))
    eng.check()
    assert seen == [["Old title"], ["New title"]]


def test_lookback_zero_still_fires_on_time_lists_and_snoozes(store, clock, recorder,
                                                             make_engine):
    make_event(store, "On time", T0 + timedelta(minutes=30))
    make_event(store, "Missed while closed", T0 - timedelta(minutes=30), minutes=(15,))
    eng = make_engine(lookback=timedelta(0))
    eng.watermark.save(T0 - timedelta(hours=1))
    eng.check()
    assert recorder.titles() == []  # the missed one is outside a zero look-back
    clock.set(T0 + timedelta(minutes=15, milliseconds=3))  # the due job runs a bit late
    eng.check()
    assert recorder.titles() == ["On time"]
    clock.advance(hours=2)
    eng.check()
    (p,) = eng.pending()  # still listed two hours later
    eng.snooze([p.key], timedelta(minutes=5))
    clock.advance(minutes=5, milliseconds=2)
    eng.check()
    assert recorder.titles() == ["On time", "On time"]


def test_a_snooze_outlives_the_lookback(store, clock, recorder, make_engine):
    clock.set(T0 - timedelta(days=8))  # written before it fell due
    make_event(store, "Old", T0 - timedelta(days=6, hours=23, minutes=45))  # due 7 days ago
    clock.set(T0)
    eng = make_engine(lookback=timedelta(days=7, minutes=1))
    eng.watermark.save(T0 - timedelta(days=8))
    eng.check()
    (p,) = eng.pending()
    eng.snooze([p.key], timedelta(days=2))
    clock.advance(days=2)
    eng.check()
    assert recorder.titles() == ["Old", "Old"]


def test_snooze_is_bounded(store, clock, make_engine):
    import pytest as _pytest

    make_event(store, "A", T0 + timedelta(minutes=15))
    eng = make_engine()
    eng.check()
    (p,) = eng.pending()
    for bad in (timedelta(0), timedelta(days=8)):
        with _pytest.raises(ValueError):
            eng.snooze([p.key], bad)


def test_a_long_lead_added_later_survives_a_full_replan(store, clock, make_engine):
    eng = make_engine()
    eng.check()
    make_event(store, "Conference", T0 + timedelta(days=3, hours=1), minutes=(3 * 24 * 60,))
    eng.check()
    assert eng.next_wakeup == T0 + timedelta(hours=1)
    eng.replan()
    eng.check()
    assert eng.next_wakeup == T0 + timedelta(hours=1)


def test_a_big_import_replans_in_one_pass(store, clock, recorder, make_engine, monkeypatch):
    eng = make_engine()
    eng.check()
    calls: list[str] = []
    monkeypatch.setattr(eng.planner, "update", lambda ids: calls.append("update"))
    real_rebuild = eng.planner.rebuild
    monkeypatch.setattr(eng.planner, "rebuild", lambda now: (calls.append("rebuild"),
                                                              real_rebuild(now)))
    cal = store.default_calendar().id
    store.put_events([Event.new(cal, f"Imported {i}", ZonedTime(T0 + timedelta(hours=1), "UTC"),
                                ZonedTime(T0 + timedelta(hours=2), "UTC"),
                                reminders=(Reminder(15),)) for i in range(300)])
    eng.check()
    assert calls == ["rebuild"]
    assert len(eng.planner) == 300


def test_an_event_written_by_another_process_gets_its_reminder(store_path, store, clock,
                                                               recorder, make_engine):
    eng = make_engine()
    eng.check()
    # `aurora import` in a terminal (or the window's import worker) writes through its
    # own connection: this store's listeners hear nothing.
    other = make_store(store_path, clock)
    try:
        make_event(other, "Imported standup", T0 + timedelta(minutes=30))  # due 08:15
    finally:
        other.close()
    clock.advance(minutes=1)
    eng.check()
    clock.set(T0 + timedelta(minutes=15))
    eng.check()
    assert recorder.titles() == ["Imported standup"]


def test_this_and_following_after_a_reminder_fired_does_not_fire_it_again(
        store, clock, recorder, make_engine):
    from aurora_core.recurrence import split_series

    # A daily 08:30 standup that began yesterday; today's reminder is due at 08:15.
    master = make_event(store, "Standup", T0 - timedelta(days=1) + timedelta(minutes=30),
                        rrule="FREQ=DAILY")
    eng = make_engine()
    clock.set(T0 + timedelta(minutes=15))
    eng.check()
    assert recorder.titles() == ["Standup"]
    clock.advance(minutes=5)
    # Rename today's occurrence and all after it: the tail becomes a new series.
    rid = ZonedTime(T0 + timedelta(minutes=30), "UTC")
    change = split_series(master, [], rid, title="Stand-up (new format)")
    assert change.handed_over is not None
    store.apply(change)
    eng.check()
    clock.advance(minutes=1)
    eng.check()
    assert recorder.titles() == ["Standup"]
