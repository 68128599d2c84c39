"""Core and store benchmarks (issue 2). Prints figures; never fails on timing.

    .venv/bin/python bench/core_bench.py [--rounds 5] [--big 100000] [--import-only]

Measured side by side in one run:
1. import of the 10,000-event .ics (bench/gen_ics.py) vs icalendar's parse alone,
   with recurring-ical-events' expansion of one month for reference;
2. occurrences of one month and of one year from the store (median over
   different months);
3. a month's range query on a 100,000-event store vs a bare SQLite range
   query over the same rows.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import icalendar
from gen_ics import generate

from aurora_core.ical import parse_ics
from aurora_core.model import Event, ZonedTime, get_zone
from aurora_desktop.store import Store

BERLIN = get_zone("Europe/Berlin")


def timed(fn, *a, **kw):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    r = fn(*a, **kw)
    return time.perf_counter() - t, r


def load() -> str:
    """The machine's load (1-minute average, and how many cores), said with the figures:
    the development machine is shared, and a loaded machine slows both sides unevenly."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load unknown"
    return f"load {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


def month_bounds(d: date) -> tuple[datetime, datetime]:
    s = datetime(d.year, d.month, 1, tzinfo=BERLIN)
    n = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return s, datetime(n.year, n.month, 1, tzinfo=BERLIN)


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def bench_import(tmp: Path, rounds: int) -> Path:
    data = generate(9500, 500, 1).encode()
    print(f"file: 10,000 events (9,500 single, 500 series), {len(data) // 1024} KiB")
    print(f"before: {load()}")
    parse_times, import_times, convert_times, store_times, ratios = [], [], [], [], []
    parse_cpu, import_cpu = [], []
    db = tmp / "bench10k.sqlite3"
    for i in range(rounds):
        # Each side starts with no garbage of the other's pending in the collector.
        gc.collect()
        c0 = time.process_time()
        t_parse, cal = timed(icalendar.Calendar.from_ical, data)
        parse_cpu.append(time.process_time() - c0)
        del cal
        gc.collect()
        path = tmp / f"import{i}.sqlite3"
        c0 = time.process_time()
        t0 = time.perf_counter()
        store = Store(path)
        cal = store.default_calendar()
        t_conv, result = timed(parse_ics, data, calendar_id=cal.id)
        t_store, _ = timed(store.put_events, result.events, touch=False)
        t_all = time.perf_counter() - t0
        import_cpu.append(time.process_time() - c0)
        store.close()
        parse_times.append(t_parse)
        import_times.append(t_all)
        convert_times.append(t_conv)
        store_times.append(t_store)
        ratios.append(t_all / t_parse)
        if i == 0:
            assert not result.skipped, result.skipped[:3]
            path.rename(db)
        else:
            path.unlink()
        del result
    p, a = statistics.median(parse_times), statistics.median(import_times)
    print(f"icalendar.Calendar.from_ical alone:   {p:.2f} s (median of {rounds})")
    print(f"aurora import (parse+convert+store):  {a:.2f} s  = {a / p:.2f}x icalendar "
          f"(parse+convert {statistics.median(convert_times):.2f} s, "
          f"store {statistics.median(store_times):.2f} s)")
    print(f"  each round: {', '.join(f'{r:.2f}x' for r in ratios)}; in CPU time "
          f"{statistics.median(import_cpu) / statistics.median(parse_cpu):.2f}x "
          f"({statistics.median(import_cpu):.2f} s vs {statistics.median(parse_cpu):.2f} s)")
    print(f"after: {load()}")
    cal = icalendar.Calendar.from_ical(data)
    import recurring_ical_events

    t_rie = []
    for m in (3, 7, 11):
        s, e = month_bounds(date(2026, m, 1))
        t_rie.append(timed(lambda s=s, e=e: list(recurring_ical_events.of(cal).between(s, e)))[0])
    print(f"recurring-ical-events, one month:     {ms(statistics.median(t_rie))} (reference)")
    return db


def bench_queries(db: Path) -> None:
    store = Store(db)
    months = [date(2025 + y, m, 1) for y in range(3) for m in range(1, 13)]
    counts, times = [], []
    store.occurrences(*month_bounds(months[0]), BERLIN)  # first query opens pages
    for d in months:
        t, occ = timed(store.occurrences, *month_bounds(d), BERLIN)
        times.append(t)
        counts.append(len(occ))
    print(f"one month from the store:             {ms(statistics.median(times))} median over "
          f"{len(months)} months (~{int(statistics.median(counts))} occurrences; "
          f"max {ms(max(times))})")
    year_times = []
    for y in (2025, 2026, 2027):
        for _ in range(3):
            t, occ = timed(store.occurrences, datetime(y, 1, 1, tzinfo=BERLIN),
                           datetime(y + 1, 1, 1, tzinfo=BERLIN), BERLIN)
            year_times.append(t)
    print(f"one year from the store:              {ms(statistics.median(year_times))} median "
          f"({len(occ)} occurrences in {y})")
    store._event_cache.clear()
    t, _ = timed(store.occurrences, *month_bounds(date(2026, 5, 1)), BERLIN)
    print(f"one month, cold object cache:         {ms(t)}")
    store.close()


def bench_big(tmp: Path, n: int) -> None:
    path = tmp / "big.sqlite3"
    store = Store(path)
    cal = store.default_calendar()
    rnd = random.Random(2)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    events = []
    for i in range(n):
        s = base + timedelta(minutes=15 * rnd.randrange(4 * 365 * 24 * 4))
        tz = rnd.choice(["Europe/Berlin", "America/New_York"])
        events.append(Event.new(cal.id, f"Event {i}", ZonedTime(s, tz),
                                ZonedTime(s + timedelta(minutes=rnd.choice([30, 60, 90])), tz)))
    t, _ = timed(store.put_events, events)
    print(f"100k store: built in {t:.1f} s")
    bare = sqlite3.connect(path)
    ours, theirs, rows = [], [], 0
    months = [date(2024 + y, m, 1) for y in range(4) for m in range(1, 13)]
    for d in months:  # warm both
        s, e = month_bounds(d)
        store.occurrences(s, e, BERLIN)
    for d in months:
        s, e = month_bounds(d)
        ws, we = int(s.timestamp()), int(e.timestamp())
        t_bare, r = timed(lambda ws=ws, we=we: bare.execute(
            "SELECT * FROM events WHERE deleted = 0 AND start_key < ? AND end_key > ?",
            (we, ws)).fetchall())
        t_ours, occ = timed(store.occurrences, s, e, BERLIN)
        theirs.append(t_bare)
        ours.append(t_ours)
        rows = len(r)
        assert len(occ) == len(r), (len(occ), len(r))
    b, o = statistics.median(theirs), statistics.median(ours)
    print(f"month on 100k store: ours {ms(o)} vs bare SQLite {ms(b)} = {o / b:.2f}x "
          f"(~{rows} rows per month; bare query returns tuples, ours Occurrence objects)")
    store._event_cache.clear()
    t_cold, _ = timed(store.occurrences, *month_bounds(date(2025, 6, 1)), BERLIN)
    print(f"month on 100k store, cold object cache: {ms(t_cold)}")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--big", type=int, default=100_000,
                    help="events in the big store of part 3 (0: skip it)")
    ap.add_argument("--import-only", action="store_true",
                    help="only part 1, the import of the 10,000-event file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db = bench_import(tmp, args.rounds)
        if args.import_only:
            return
        bench_queries(db)
        if args.big:
            bench_big(tmp, args.big)


if __name__ == "__main__":
    main()
