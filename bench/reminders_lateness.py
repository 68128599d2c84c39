"""Bench: how late a reminder is shown, with the real clock and the real Qt scheduler.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/reminders_lateness.py [--count 8]
       [--events 10000]
Builds a store (default 10,000 events, 500 series, like reminders_replan.py),
then adds ``count`` reminders falling due one to a few seconds apart and
prints the lateness of each (notifier call minus due time). Target: <= 1 s.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.reminders.engine import MemoryWatermark, ReminderEngine
from aurora_desktop.reminders.scheduler import ReminderScheduler
from aurora_desktop.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reminders_replan import build


class Clocked:
    def __init__(self) -> None:
        self.shown: list[tuple[datetime, datetime]] = []  # (due, shown at)

    def notify(self, deliveries):
        at = datetime.now(UTC)
        self.shown += [(d.reminder.due, at) for d in deliveries]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--events", type=int, default=10_000)
    args = ap.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    assert app is not None
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        if args.events:
            build(store, args.events, min(500, args.events // 20), random.Random(7))
        rec = Clocked()
        engine = ReminderEngine(store, rec, local_tz=UTC, watermark=MemoryWatermark())
        sched = ReminderScheduler(engine)
        sched.start()
        rec.shown.clear()  # anything the random store had due right now
        base = math.ceil(time.time()) + 2
        cal = store.default_calendar().id
        dues = []
        for i in range(args.count):
            due = datetime.fromtimestamp(base + i * (1 + i % 3), UTC)
            dues.append(due)
            store.put_event(Event.new(cal, f"Bench {i}", ZonedTime(due + timedelta(minutes=10), "UTC"),
                                      ZonedTime(due + timedelta(minutes=40), "UTC"),
                                      reminders=(Reminder(10),)))
        deadline = time.monotonic() + (dues[-1].timestamp() - time.time()) + 10
        loop = QtCore.QEventLoop()
        poll = QtCore.QTimer()
        poll.setInterval(50)

        def done() -> None:
            if len([s for s in rec.shown if s[0] in dues]) >= args.count or \
                    time.monotonic() > deadline:
                loop.quit()

        poll.timeout.connect(done)
        poll.start()
        loop.exec()
        poll.stop()
        sched.shutdown()
        store.close()
    late = [(at - due).total_seconds() for due, at in rec.shown if due in dues]
    for i, x in enumerate(late):
        print(f"reminder {i}: shown {x * 1000:.0f} ms after its time")
    if len(late) < args.count:
        print(f"only {len(late)} of {args.count} reminders were shown")
    print(f"lateness over {len(late)} reminders: median {statistics.median(late) * 1000:.0f} ms, "
          f"max {max(late) * 1000:.0f} ms; target <= 1000 ms ->",
          "OK" if len(late) == args.count and max(late) <= 1.0 else "MISSED")


if __name__ == "__main__":
    main()
