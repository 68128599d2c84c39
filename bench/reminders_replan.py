"""Bench: re-planning reminders after an edit in a 10,000-event store (500 recurring series).

Run: .venv/bin/python bench/reminders_replan.py [--events 10000] [--series 500] [--edits 60]
Prints the full build, the same full plan as the app runs it (read on a worker
thread, applied on the GUI thread), and the per-edit re-plan (ReminderEngine.check
after a store change) as median / p90 / max in milliseconds. Target: median <= 20 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurora_core.model import Event, Reminder, ZonedTime
from aurora_desktop.reminders.engine import MemoryWatermark, ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.reminders.planner import Planner
from aurora_desktop.store import Store

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "UTC", "Asia/Tokyo")
RULES = ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=2",
         "FREQ=MONTHLY;BYMONTHDAY=25")


def build(store: Store, n_events: int, n_series: int, rng: random.Random) -> list[Event]:
    cal = store.default_calendar().id
    evs = []
    for i in range(n_events - n_series):
        start = NOW + timedelta(minutes=15 * rng.randint(-4 * 24 * 180, 4 * 24 * 180))
        tz = rng.choice(ZONES)
        evs.append(Event.new(cal, f"Event {i}", ZonedTime(start, tz),
                             ZonedTime(start + timedelta(minutes=30 * rng.randint(1, 4)), tz),
                             reminders=(Reminder(rng.choice((5, 10, 15, 30, 60))),)))
    for i in range(n_series):
        start = NOW - timedelta(days=rng.randint(0, 400)) + timedelta(minutes=15 * rng.randint(0, 40))
        tz = rng.choice(ZONES)
        evs.append(Event.new(cal, f"Series {i}", ZonedTime(start, tz),
                             ZonedTime(start + timedelta(minutes=30), tz), rrule=rng.choice(RULES),
                             reminders=(Reminder(10), Reminder(60, "email"))))
    return store.put_events(evs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--series", type=int, default=500)
    ap.add_argument("--edits", type=int, default=60)
    args = ap.parse_args()
    rng = random.Random(5)
    clock = [NOW]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite", clock=lambda: clock[0])
        t = time.perf_counter()
        evs = build(store, args.events, args.series, rng)
        print(f"store: {args.events} events ({args.series} recurring series) "
              f"written in {time.perf_counter() - t:.1f} s")
        engine = ReminderEngine(store, RecordingNotifier(), local_tz=UTC,
                                clock=lambda: clock[0], watermark=MemoryWatermark())
        t = time.perf_counter()
        engine.check()
        full = (time.perf_counter() - t) * 1000
        back, ahead = engine.planner.back.days, engine.planner.horizon.days
        print(f"full plan (start-up): {full:.1f} ms, {len(engine.planner)} reminders in "
              f"[now - {back} d, now + {ahead} d]")
        # As the app runs it at start (ReminderService plan_in_background): a first plan
        # (every event's reminder offsets read too) on a worker's own connection, then
        # applied on the GUI thread.
        fresh = Planner(store, UTC)
        t = time.perf_counter()
        with Store(store.path, clock=lambda: clock[0]) as own:
            plan = fresh.plan_job(clock[0])(own)
        worker = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        fresh.apply(plan)
        applied = (time.perf_counter() - t) * 1000
        assert len(fresh) == len(engine.planner)
        print(f"full plan in the app: read on a worker {worker:.1f} ms (own connection "
              f"included), applied on the GUI thread {applied:.2f} ms")
        replan, put = [], []
        for i in range(args.edits):
            ev = rng.choice(evs)
            shift = timedelta(minutes=rng.choice((-30, 15, 45, 60)))
            assert isinstance(ev.start, ZonedTime) and isinstance(ev.end, ZonedTime)
            new = ev.replace(title=f"{ev.title} *{i}", start=ZonedTime(ev.start.at + shift, ev.start.tz),
                             end=ZonedTime(ev.end.at + shift, ev.end.tz))
            t = time.perf_counter()
            stored = store.put_event(new)
            t1 = time.perf_counter()
            engine.check()
            t2 = time.perf_counter()
            evs[evs.index(ev)] = stored
            put.append((t1 - t) * 1000)
            replan.append((t2 - t1) * 1000)
        store.close()

    def stats(xs: list[float]) -> str:
        xs = sorted(xs)
        return (f"median {statistics.median(xs):.2f} ms, p90 {xs[int(len(xs) * 0.9) - 1]:.2f} ms, "
                f"max {xs[-1]:.2f} ms")

    print(f"store edit (put_event, for context): {stats(put)}")
    print(f"re-plan after an edit ({args.edits} edits): {stats(replan)}")
    print("target: median <= 20 ms ->", "OK" if statistics.median(replan) <= 20 else "MISSED")


if __name__ == "__main__":
    main()
