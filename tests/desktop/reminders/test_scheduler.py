"""The Qt side of the scheduling: GUI-thread jobs, lateness, drift, zone changes, re-arming."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta

import pytest

from aurora_desktop.qt import QtCore
from aurora_desktop.reminders.engine import ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.reminders.scheduler import GuiThreadScheduler, ReminderScheduler
from aurora_desktop.store import Store
from tests.helpers.reminders import T0, make_event


class TimedRecorder(RecordingNotifier):
    def __init__(self) -> None:
        super().__init__()
        self.at: list[datetime] = []
        self.threads: list[threading.Thread] = []

    def notify(self, deliveries):
        self.at.append(datetime.now(UTC))
        self.threads.append(threading.current_thread())
        super().notify(deliveries)


@pytest.fixture
def sched_factory(qtbot):
    made: list[ReminderScheduler] = []

    def build(engine, **kw):
        s = ReminderScheduler(engine, **kw)
        made.append(s)
        return s

    yield build
    for s in made:
        s.shutdown()


def test_gui_thread_scheduler_runs_jobs_on_the_gui_thread(qtbot):
    sch = GuiThreadScheduler()
    ran: list[bool] = []
    sch.start()
    try:
        app_thread = QtCore.QCoreApplication.instance().thread()
        sch.add_job(lambda: ran.append(QtCore.QThread.currentThread() is app_thread), "date",
                    run_date=datetime.now(UTC) + timedelta(milliseconds=50))
        qtbot.waitUntil(lambda: bool(ran), timeout=3000)
        assert ran == [True]
    finally:
        sch.shutdown(wait=False)


def test_a_reminder_fires_within_a_second_on_the_gui_thread(qtbot, tmp_path, sched_factory):
    real = Store(tmp_path / "real.sqlite")
    try:
        now = datetime.now(UTC)
        due = datetime.fromtimestamp(math.ceil(now.timestamp()) + 1, UTC)  # a whole second
        make_event(real, "Real time", due + timedelta(minutes=15))
        rec = TimedRecorder()
        eng = ReminderEngine(real, rec, local_tz=UTC)
        sched = sched_factory(eng)
        sched.start()
        assert sched.armed_for == due
        assert rec.shown == []
        qtbot.waitUntil(lambda: bool(rec.shown), timeout=5000)
        late = (rec.at[0] - due).total_seconds()
        assert 0 <= late <= 1.0, late
        assert rec.threads == [threading.main_thread()]
        assert sched.lateness and sched.lateness[0] <= 1.0
    finally:
        real.close()


def test_a_store_edit_rearms(qtbot, store, clock, recorder, sched_factory):
    ev = make_event(store, "Edit me", T0 + timedelta(hours=1))
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng)
    sched.start()
    assert sched.armed_for == T0 + timedelta(minutes=45)
    from aurora_core.model import ZonedTime

    store.put_event(ev.replace(start=ZonedTime(T0 + timedelta(hours=3), "UTC"),
                               end=ZonedTime(T0 + timedelta(hours=4), "UTC")))
    qtbot.waitUntil(lambda: sched.armed_for == T0 + timedelta(hours=2, minutes=45), timeout=3000)
    store.delete_event(ev.id)
    qtbot.waitUntil(lambda: sched.armed_for != T0 + timedelta(hours=2, minutes=45), timeout=3000)
    assert sched.armed_for is None or sched.armed_for > T0 + timedelta(hours=3)


def test_many_changes_make_one_check(qtbot, store, clock, recorder, sched_factory):
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng)
    asked_at: list[int] = []  # the check count at each request for a check

    def ask() -> None:
        asked_at.append(sched.checks)
        sched.request_check()

    eng.on_dirty = ask
    sched.start()
    before = sched.checks
    with qtbot.waitSignal(sched.checked, timeout=3000):
        for i in range(20):
            make_event(store, f"E{i}", T0 + timedelta(hours=1, minutes=i))
    # A second check needs a request after the first one began: none was made.
    assert len(asked_at) == 20 and set(asked_at) == {before}
    assert sched.checks == before + 1
    assert sched.armed_for == T0 + timedelta(minutes=45)


def test_wake_from_sleep_is_noticed_by_the_minute_tick(qtbot, store, clock, recorder,
                                                        sched_factory):
    make_event(store, "During sleep", T0 + timedelta(hours=1))
    wall = [1_000_000.0]
    mono = [50.0]
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng, wall=lambda: wall[0], monotonic=lambda: mono[0])
    reasons: list[str] = []
    sched.replanned.connect(reasons.append)
    sched.start()
    assert recorder.shown == []
    # The machine sleeps two hours: the wall clock moves, the monotonic one does not.
    clock.advance(hours=2)
    wall[0] += 2 * 3600 + 60
    mono[0] += 60
    with qtbot.waitSignal(sched.pending_changed, timeout=3000) as sig:
        sched.tick()
    assert reasons == ["drift"]
    assert recorder.titles() == ["During sleep"]
    assert recorder.shown[0].missed
    pending, new = sig.args
    assert [p.reminder.title for p in pending] == ["During sleep"] and len(new) == 1
    # the next ticks: no drift, nothing shown twice
    for _ in range(3):
        wall[0] += 60
        mono[0] += 60
        clock.advance(minutes=1)
        with qtbot.waitSignal(sched.checked, timeout=3000):  # the check the tick asked for
            sched.tick()
    assert reasons == ["drift"]
    assert len(recorder.shown) == 1


def test_a_system_zone_change_replans(qtbot, store, clock, recorder, sched_factory):
    from aurora_core.model import Event, FloatingTime, Reminder

    store.put_event(Event.new(store.default_calendar().id, "Floating",
                              FloatingTime(datetime(2026, 11, 25, 10, 0)),
                              FloatingTime(datetime(2026, 11, 25, 11, 0)),
                              reminders=(Reminder(15),)))
    zone = ["UTC"]
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng, zone_name=lambda: zone[0])
    sched.start()
    assert sched.armed_for == datetime(2026, 11, 25, 9, 45, tzinfo=UTC)
    zone[0] = "Asia/Tokyo"  # 10:00 in Tokyo is 01:00 UTC: already past, event too
    sched.tick()
    qtbot.waitUntil(lambda: sched.armed_for != datetime(2026, 11, 25, 9, 45, tzinfo=UTC),
                    timeout=3000)
    zone[0] = "America/New_York"  # 10:00 there is 15:00 UTC
    sched.tick()
    qtbot.waitUntil(lambda: sched.armed_for == datetime(2026, 11, 25, 14, 45, tzinfo=UTC),
                    timeout=3000)


def test_a_failing_check_is_retried_not_raised(qtbot, store, clock, recorder, sched_factory,
                                               monkeypatch):
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng)

    def boom():
        raise RuntimeError("database is locked")

    monkeypatch.setattr(eng, "check", boom)
    sched.run_check()  # logs, does not raise
    assert sched.checks == 1


def test_a_day_of_minute_ticks_does_not_wear_anything_out(qtbot, store, clock, recorder,
                                                            sched_factory):
    """1,440 ticks (a day) with store changes between: the interpreter survives (PySide6
    6.12 on 3.11 loses references to None/True; aurora_desktop.qt pins them)."""
    import sys

    make_event(store, "Daily", T0 + timedelta(minutes=30), rrule="FREQ=DAILY")
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng)
    sched.start()
    for _ in range(1440):
        clock.advance(minutes=1)
        sched.tick()
        sched.run_check()
    assert sys.getrefcount(None) > 1_000_000 or sys.version_info >= (3, 12)
    assert recorder.titles() == ["Daily"]


def test_the_minute_tick_is_monotonic_and_rearms_after_a_backward_jump(qtbot, store, clock,
                                                                       recorder,
                                                                       sched_factory):
    """APScheduler's triggers are wall-clock times; the tick is a QTimer so a clock set back
    cannot stall it, and each tick re-arms the due job from the current time."""
    make_event(store, "After the jump", T0 + timedelta(hours=1))
    eng = ReminderEngine(store, recorder, local_tz=UTC, clock=clock)
    sched = sched_factory(eng, tick_seconds=0.05)
    sched.start()
    assert sched.ticking
    assert sched.scheduler.get_job("tick") is None
    job = sched.scheduler.get_job("due")
    first = job.next_run_time
    clock.advance(minutes=-30)  # the clock is set back half an hour
    qtbot.waitUntil(lambda: sched.scheduler.get_job("due").next_run_time
                    > first + timedelta(minutes=29), timeout=3000)
    assert sched.armed_for == T0 + timedelta(minutes=45)
