"""Bench: 500 reminders falling due at once (an all-hands with 500 copies, a big import).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/reminder_window_bench.py [--rows 500]
Prints, in milliseconds (median of --runs):
- fill: ReminderWindow.set_pending with N rows, shown and painted;
- check: ReminderService's check that finds N due reminders, records them, notifies once
  and fills the window (what the GUI thread does when they fall due).
Targets: fill <= 500 ms, check <= 1,000 ms for 500 rows (the tests assert the behaviour,
one grouped notification and a window that stays responsive; the time is measured here).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.qt import QtWidgets
from aurora_desktop.reminders.engine import MemoryWatermark, PendingReminder
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.reminders.planner import DueReminder
from aurora_desktop.store import Store
from aurora_desktop.ui.reminder_service import ReminderService
from aurora_desktop.ui.reminder_window import ReminderWindow

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def _due(i: int) -> DueReminder:
    start = T0 + timedelta(minutes=15)
    return DueReminder(f"uid{i}/", "15:notification", T0, f"ev{i}", f"uid{i}",
                       f"Meeting {i:03}", f"Room {i}", start, start + timedelta(hours=1),
                       False, 15)


def fill(rows: int) -> float:
    window = ReminderWindow()
    pending = [PendingReminder(_due(i), False) for i in range(rows)]
    t = time.perf_counter()
    window.set_pending(pending, UTC, T0)
    window.show()
    QtWidgets.QApplication.processEvents()
    took = time.perf_counter() - t
    assert window.row_count() == rows
    window.close()
    window.deleteLater()
    return took * 1000


def check(rows: int, folder: Path) -> float:
    at = [T0]
    store = Store(folder / "bench.sqlite3", clock=lambda: at[0])
    cal = store.default_calendar().id
    store.put_events([Event.new(cal, f"All hands {i:03}",
                                ZonedTime(T0 + timedelta(minutes=16), "UTC"),
                                ZonedTime(T0 + timedelta(minutes=46), "UTC"),
                                reminders=(Reminder(15),)) for i in range(rows)])
    service = ReminderService(store, notifier=RecordingNotifier(), watermark=MemoryWatermark(),
                              clock=lambda: at[0], zone_name=lambda: "UTC")
    service.start()
    at[0] = T0 + timedelta(minutes=1)
    t = time.perf_counter()
    service.scheduler.run_check()
    took = time.perf_counter() - t
    assert service.window.row_count() == rows
    service.stop()
    service.window.close()
    store.close()
    return took * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    fills = [fill(args.rows) for _ in range(args.runs)]
    checks = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            checks.append(check(args.rows, Path(d)))
            app.processEvents()
    print(f"reminder window, {args.rows} rows: fill median {statistics.median(fills):.0f} ms "
          f"(max {max(fills):.0f}); due check median {statistics.median(checks):.0f} ms "
          f"(max {max(checks):.0f})")


if __name__ == "__main__":
    main()
