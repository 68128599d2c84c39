"""The reminder service reads the planning window on a worker thread (its own store
connection) and applies the plan on the GUI thread: nothing is decided on no plan, an
edit made while the worker reads is not lost, and a failed read is tried again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from aurora_desktop.reminders import planner as planner_module
from aurora_desktop.reminders.engine import MemoryWatermark, PlanJob, ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.store import Store
from aurora_desktop.ui.reminder_service import ReminderService
from tests.helpers.clocks import FakeClock
from tests.helpers.reminders import T0, make_event
from tests.helpers.ui import drain_events


@pytest.fixture
def service(qtbot, store: Store, clock: FakeClock, recorder: RecordingNotifier):
    svc = ReminderService(store, notifier=recorder, watermark=MemoryWatermark(), clock=clock,
                          zone_name=lambda: "UTC", plan_in_background=True)
    qtbot.addWidget(svc.window)
    yield svc
    svc.stop()


class HeldPlan:
    """plan_window, recording where it ran, held after reading until released."""

    def __init__(self, fail_first: bool = False) -> None:
        self.real = planner_module.plan_window
        self.calls: list[tuple[bool, Store]] = []  # (on the main thread, store read)
        self.read = threading.Event()
        self.release = threading.Event()
        self.fail_first = fail_first

    def __call__(self, store: Store, *args: object) -> planner_module.WindowPlan:
        self.calls.append((threading.current_thread() is threading.main_thread(), store))
        if self.fail_first and len(self.calls) == 1:
            raise OSError("disk I/O error")
        plan = self.real(store, *args)  # type: ignore[arg-type]
        self.read.set()
        assert self.release.wait(10), "the test never released the worker"
        return plan


def test_the_plan_is_read_on_a_worker_and_an_edit_meanwhile_is_not_lost(
        qtbot, service: ReminderService, store: Store, recorder: RecordingNotifier,
        monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldPlan()
    monkeypatch.setattr(planner_module, "plan_window", held)
    make_event(store, "Standup", T0 + timedelta(minutes=15))  # due now
    # A used calendar: its occurrence index has its horizon (a first query writes it,
    # which the engine would take for another process's change and plan again).
    store.occurrences(T0, T0 + timedelta(days=1), UTC)
    service.start()
    assert held.read.wait(10)
    ((on_main, read_from),) = held.calls
    assert not on_main and read_from is not store  # a worker, with a connection of its own
    assert recorder.shown == []  # nothing is decided before the plan is in
    # Written while the worker holds a plan read before it.
    make_event(store, "Review", T0 + timedelta(minutes=15))
    held.release.set()
    qtbot.waitUntil(lambda: len(recorder.shown) == 2, timeout=5000)
    assert sorted(recorder.titles()) == ["Review", "Standup"]
    assert service.window.row_count() == 2
    assert len(held.calls) == 1  # the edit was re-read on its own, not by a second full plan


def test_a_failed_plan_is_tried_again_at_the_next_check(
        qtbot, service: ReminderService, store: Store, recorder: RecordingNotifier,
        monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldPlan(fail_first=True)
    held.release.set()
    monkeypatch.setattr(planner_module, "plan_window", held)
    make_event(store, "Standup", T0 + timedelta(minutes=15))
    store.occurrences(T0, T0 + timedelta(days=1), UTC)  # its horizon, as above
    service.start()
    qtbot.waitUntil(lambda: bool(held.calls) and not service.engine._planning, timeout=5000)
    service.scheduler.tick()  # the minute's tick checks (and plans) again at the latest
    qtbot.waitUntil(lambda: recorder.titles() == ["Standup"], timeout=5000)
    assert len(held.calls) == 2  # the one that failed, and the one tried again


class ManualRunner:
    """A plan runner the test drives: it keeps the jobs; the test runs them."""

    def __init__(self) -> None:
        self.jobs: list[tuple[PlanJob, Callable[[planner_module.WindowPlan], None]]] = []

    def __call__(self, job: PlanJob, done: Callable[[planner_module.WindowPlan], None],
                 failed: Callable[[BaseException], None]) -> None:
        self.jobs.append((job, done))

    def run(self, store_path: Path) -> None:
        job, done = self.jobs.pop(0)
        with Store(store_path) as own:  # a connection of its own, as a worker's
            plan = job(own)
        done(plan)


def test_the_engine_decides_nothing_until_its_plan_is_in_and_replans_once_at_a_time(
        store_path: Path, store: Store, recorder: RecordingNotifier,
        make_engine: Callable[..., ReminderEngine]) -> None:
    runner = ManualRunner()
    engine = make_engine(plan_runner=runner)
    make_event(store, "Standup", T0 + timedelta(minutes=15))  # due now
    store.occurrences(T0, T0 + timedelta(days=1), UTC)  # its horizon, as above
    engine.check()
    engine.check()  # asked again while the plan is out: still one job
    assert len(runner.jobs) == 1 and recorder.shown == []
    engine.replan()  # e.g. the zone changed while it was out
    make_event(store, "Review", T0 + timedelta(minutes=15))
    runner.run(store_path)  # a plan that has both events
    engine.check()  # the replan asked for is done next, before deciding
    assert recorder.shown == [] and len(runner.jobs) == 1
    runner.run(store_path)
    engine.check()
    assert sorted(recorder.titles()) == ["Review", "Standup"]
    engine.check()
    assert runner.jobs == [] and len(recorder.shown) == 2  # a plan in hand: no more jobs


def test_stop_waits_for_a_plan_being_read_and_drops_it(
        qtbot, store: Store, clock: FakeClock, recorder: RecordingNotifier,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Quitting while the worker reads: stop() returns once the worker let go of its own
    connection (the app closes the store and deletes the window next; a worker still
    reading then crashed the process once), and the plan that came in decides nothing."""
    held = HeldPlan()
    monkeypatch.setattr(planner_module, "plan_window", held)
    svc = ReminderService(store, notifier=recorder, watermark=MemoryWatermark(), clock=clock,
                          zone_name=lambda: "UTC", plan_in_background=True)
    qtbot.addWidget(svc.window)
    make_event(store, "Standup", T0 + timedelta(minutes=15))  # due now
    store.occurrences(T0, T0 + timedelta(days=1), UTC)
    svc.start()
    assert held.read.wait(10)
    threading.Timer(0.2, held.release.set).start()  # the read ends a moment after the quit
    svc.stop()
    assert not [t for t in threading.enumerate() if t.name == "aurora-op-reminder-plan"]
    drain_events()  # a late callback would be delivered now
    assert recorder.shown == []
