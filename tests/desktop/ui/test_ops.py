"""The one background-operation helper (ui/ops.py): work off the GUI thread, callbacks and
the change notices of a worker's own store connection back on it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from aurora_core.model import Calendar, new_id
from aurora_desktop.qt import QtCore
from aurora_desktop.store import ChangeNotice, Store
from aurora_desktop.ui.ops import Progress, run_in_background, run_on_store


def test_the_work_runs_on_a_worker_and_its_result_comes_back_on_the_gui_thread(
        qtbot: Any) -> None:
    parent = QtCore.QObject()
    seen: list[tuple[str, object]] = []
    op = run_in_background(parent, lambda: threading.current_thread().name,
                           lambda name: seen.append((threading.current_thread().name, name)),
                           name="probe")
    qtbot.waitUntil(lambda: not op.running, timeout=5_000)
    assert seen == [(threading.main_thread().name, "aurora-op-probe")]
    assert op.result == "aurora-op-probe" and op.error is None


def test_a_cancelled_op_calls_nobody(qtbot: Any) -> None:
    parent = QtCore.QObject()
    go = threading.Event()
    heard: list[object] = []
    op = run_in_background(parent, lambda: go.wait(10), heard.append, heard.append)
    op.cancel()
    go.set()
    assert op.wait(10)
    qtbot.wait(0)  # let queued deliveries (if any) run
    QtCore.QCoreApplication.processEvents()
    assert heard == [] and op.result is None


def test_run_on_store_works_on_its_own_connection_and_announces_what_it_changed(
        qtbot: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "cal.sqlite3") as store:
        heard: list[ChangeNotice] = []
        store.subscribe(heard.append)
        parent = QtCore.QObject()
        cal = Calendar(new_id(), "Work", "#10b981")
        order: list[str] = []

        def work(own: Store) -> str:
            assert own is not store and own.path == store.path
            own.put_calendar(cal)
            return "done"

        def done(result: str) -> None:
            order.append(f"{result} after {len(heard)} notice(s)")

        op = run_on_store(parent, store, work, done, name="put")
        qtbot.waitUntil(lambda: not op.running, timeout=5_000)
        assert order == ["done after 1 notice(s)"]  # the window hears before the callback
        assert cal.id in heard[0].calendar_ids and not heard[0].remote
        assert [c.name for c in store.calendars()] == ["Personal", "Work"]


def test_a_failed_store_work_still_announces_what_it_committed(
        qtbot: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "cal.sqlite3") as store:
        heard: list[ChangeNotice] = []
        store.subscribe(heard.append)
        failures: list[BaseException] = []

        def work(own: Store) -> None:
            own.put_calendar(Calendar(new_id(), "Work", "#10b981"))
            raise OSError("the second step failed")

        parent = QtCore.QObject()
        op = run_on_store(parent, store, work, None, failures.append)
        qtbot.waitUntil(lambda: not op.running, timeout=5_000)
        assert [str(e) for e in failures] == ["the second step failed"]
        assert len(heard) == 1


def test_announce_false_leaves_the_notices_to_the_caller(qtbot: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "cal.sqlite3") as store:
        heard: list[ChangeNotice] = []
        store.subscribe(heard.append)
        parent = QtCore.QObject()
        op = run_on_store(parent, store,
                          lambda own: own.put_calendar(Calendar(new_id(), "W", "#10b981")),
                          announce=False)
        qtbot.waitUntil(lambda: not op.running, timeout=5_000)
        assert heard == []


def test_progress_reaches_the_gui_thread_once_per_percent(qtbot: Any) -> None:
    progress = Progress()
    got: list[tuple[str, int, int, bool]] = []
    progress.changed.connect(
        lambda phase, done, total: got.append(
            (phase, done, total, threading.current_thread() is threading.main_thread())))

    def work() -> None:
        for i in range(1, 1001):
            progress("Saving", i, 1000)

    op = run_in_background(progress, work)
    qtbot.waitUntil(lambda: not op.running, timeout=5_000)
    assert len(got) == 101  # 0 %, 1 % … 100 %: not 1000 queued calls
    assert got[-1][:3] == ("Saving", 1000, 1000)
    assert all(on_gui for *_, on_gui in got)
