"""What watching for other writers costs, and how soon their change shows.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/store_watch_bench.py [EVENTS]

Prints: the cost of one idle look (PRAGMA data_version, per 300 ms tick), the
share of one core that is while idle, and for a commit by another connection
(as `aurora import` makes) the time until the window's views have reloaded,
with EVENTS events in the store (default 5,000).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aurora_core.model import Calendar, Event, ZonedTime, new_id
from aurora_desktop.app import build
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.store import Store
from aurora_desktop.ui.store_watch import INTERVAL_MS, StoreWatch


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        with Store(data / "aurora.sqlite3") as s:
            cal = s.default_calendar().id
            s.put_events([Event.new(cal, f"Event {i}", ZonedTime(now + timedelta(hours=i), "UTC"),
                                    ZonedTime(now + timedelta(hours=i, minutes=30), "UTC"))
                          for i in range(n)])
        qs = QtCore.QSettings(str(data / "settings.ini"), QtCore.QSettings.Format.IniFormat)
        app = build(data, ["aurora"], qsettings=qs)
        app.window.show()
        watch = next(s for s in app.services if isinstance(s, StoreWatch))
        reps = 20_000
        t0 = time.perf_counter()
        for _ in range(reps):
            watch.check()
        idle = (time.perf_counter() - t0) / reps
        print(f"idle look: {idle * 1e6:.1f} µs; every {INTERVAL_MS} ms that is "
              f"{idle / (INTERVAL_MS / 1000) * 100:.4f}% of a core")
        lat = []
        for k in range(5):
            seen = watch.changes_seen
            with Store(data / "aurora.sqlite3") as other:
                c = Calendar(new_id(), f"From elsewhere {k}", other.new_calendar_color())
                other.put_calendar(c)
                other.put_event(Event.new(c.id, "Elsewhere", ZonedTime(now, "UTC"),
                                          ZonedTime(now + timedelta(hours=1), "UTC")))
            t0 = time.perf_counter()
            while watch.changes_seen == seen:
                QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
            lat.append(time.perf_counter() - t0)
        app.shutdown()
    print(f"a commit elsewhere shown after {min(lat) * 1000:.0f}–{max(lat) * 1000:.0f} ms "
          f"(timer phase included; {n} events in the store)")


if __name__ == "__main__":
    main()
