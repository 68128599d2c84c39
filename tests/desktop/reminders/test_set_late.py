"""Issue 12 review (D): a reminder whose time had already passed when the user made or
edited its event is not "missed" and never fires; one that fell due while the app was
closed still shows at start-up, marked missed. (Fake clock, no Qt.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.reminders.engine import MemoryWatermark, ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.store import Store
from tests.helpers.clocks import FakeClock
from tests.helpers.events import put_all_day
from tests.helpers.stores import make_store

BERLIN = ZoneInfo("Europe/Berlin")
WED_1800 = datetime(2026, 12, 2, 18, 0, tzinfo=BERLIN)
THU = date(2026, 12, 3)


def _store(tmp_path, clock: FakeClock) -> Store:  # type: ignore[no-untyped-def]
    return make_store(tmp_path / "aurora.sqlite", clock)


def _engine(store: Store, clock: FakeClock, recorder: RecordingNotifier,
            watermark: MemoryWatermark) -> ReminderEngine:
    return ReminderEngine(store, recorder, local_tz=BERLIN, clock=clock, watermark=watermark)


def _holiday(store: Store, *reminders: int) -> Event:
    return put_all_day(store, "Holiday", THU, reminders=tuple(Reminder(m) for m in reminders))


def test_an_all_day_event_made_after_its_reminder_time_is_not_missed(tmp_path) -> None:
    clock = FakeClock(WED_1800)
    store = _store(tmp_path, clock)
    recorder, watermark = RecordingNotifier(), MemoryWatermark()
    eng = _engine(store, clock, recorder, watermark)
    eng.check()  # the app is running
    # Made at 18:00 Wednesday with the all-day default, "1 day before at 09:00": 09:00
    # today, nine hours gone. A second one, "on the day at 08:00", is still ahead.
    _holiday(store, 900, -480)
    clock.advance(seconds=1)
    eng.check()
    assert recorder.shown == []  # no window popping up with "Missed (1)"
    assert eng.pending() == []
    assert [r.due for r in eng.upcoming(5)] == [datetime(2026, 12, 3, 8, 0, tzinfo=BERLIN)]
    # Nor later, nor after a restart: it is simply not a reminder any more.
    clock.advance(hours=1)
    eng.check()
    eng2 = _engine(store, clock, recorder, watermark)
    eng2.check()
    assert recorder.shown == [] and eng2.pending() == []
    # The one still ahead fires on time, not missed.
    clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=BERLIN))
    eng2.check()
    assert [(d.reminder.title, d.missed) for d in recorder.shown] == [("Holiday", False)]
    store.close()


def test_moving_an_event_so_its_reminder_time_has_passed_does_not_fire_it(tmp_path) -> None:
    clock = FakeClock(WED_1800)
    store = _store(tmp_path, clock)
    recorder = RecordingNotifier()
    start = datetime(2026, 12, 2, 20, 0, tzinfo=BERLIN)
    ev = store.put_event(Event.new(store.default_calendar().id, "Call",
                                   ZonedTime.from_local(start.replace(tzinfo=None), "Europe/Berlin"),
                                   ZonedTime.from_local(start.replace(tzinfo=None, hour=21),
                                                        "Europe/Berlin"),
                                   reminders=(Reminder(15),)))
    eng = _engine(store, clock, recorder, MemoryWatermark())
    eng.check()
    # At 18:00 the user moves it to 18:10: its reminder time, 17:55, has passed.
    moved = start.replace(hour=18, minute=10, tzinfo=None)
    store.put_event(ev.replace(start=ZonedTime.from_local(moved, "Europe/Berlin"),
                               end=ZonedTime.from_local(moved + timedelta(hours=1),
                                                        "Europe/Berlin")))
    eng.check()
    assert recorder.shown == [] and eng.pending() == []
    # Adding a reminder still ahead (5 minutes before: 18:05) works as ever.
    clock.advance(minutes=1)
    store.put_event(store.get_event(ev.id).replace(reminders=(Reminder(15), Reminder(5))))
    eng.check()
    clock.set(datetime(2026, 12, 2, 18, 5, tzinfo=BERLIN))
    eng.check()
    assert [(d.reminder.minutes_before, d.missed) for d in recorder.shown] == [(5, False)]
    store.close()


def test_a_reminder_missed_while_the_app_was_closed_still_shows_at_start_up(tmp_path) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=BERLIN))  # made on Tuesday
    store = _store(tmp_path, clock)
    recorder, watermark = RecordingNotifier(), MemoryWatermark()
    _holiday(store, 900)  # Wednesday 09:00
    eng = _engine(store, clock, recorder, watermark)
    eng.check()
    eng.close()  # the app closes Tuesday noon...
    clock.set(WED_1800)  # ...and starts again Wednesday 18:00
    eng = _engine(store, clock, recorder, watermark)
    eng.check()
    assert [(d.reminder.title, d.missed) for d in recorder.shown] == [("Holiday", True)]
    assert [p.missed for p in eng.pending()] == [True]
    store.close()
