"""Figures for zones a file defined (X-AURORA/<hash>, docs/import.md): building one from
its VTIMEZONE, a cached lookup, and the tzinfo calls the occurrence index makes, against
zoneinfo. Prints figures; no assertions.

    .venv/bin/python bench/custom_zones_bench.py
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aurora_core import custom_zones
from aurora_core.ical import parse_ics
from aurora_core.model import get_zone

OUTLOOK = """BEGIN:VTIMEZONE
TZID:Odd Standard Time
BEGIN:STANDARD
DTSTART:16010101T050000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0217
TZOFFSETTO:+0117
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T050000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0117
TZOFFSETTO:+0217
END:DAYLIGHT
END:VTIMEZONE"""


def per_call(fn: object, n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - t0) / n


def main() -> None:
    n = 20
    t0 = time.perf_counter()
    for i in range(n):
        custom_zones._cache.clear()
        name = custom_zones.register(OUTLOOK.replace("Odd", f"Odd{i}"))
    build = (time.perf_counter() - t0) / n
    print(f"build from a VTIMEZONE (rules from 1601, expanded to 2200): {build * 1e3:.2f} ms")
    print(f"cached get_zone: {per_call(lambda: get_zone(name), 100_000) * 1e6:.2f} us")
    zone, iana = get_zone(name), ZoneInfo("Europe/Berlin")
    walls = [datetime(2026, 1, 1, 9) + timedelta(days=d) for d in range(365)]
    for label, z in (("X-AURORA", zone), ("zoneinfo", iana)):
        t0 = time.perf_counter()
        for _ in range(20):
            for w in walls:
                int(w.replace(tzinfo=z).timestamp())
        wall_s = (time.perf_counter() - t0) / (20 * len(walls))
        at = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(8760)]
        t0 = time.perf_counter()
        for a in at:
            a.astimezone(z)
        utc_s = (time.perf_counter() - t0) / len(at)
        print(f"{label:9s} wall->instant {wall_s * 1e6:.2f} us, instant->wall {utc_s * 1e6:.2f} us")
    ics = (Path(__file__).parents[1] / "tests" / "core" / "zones" / "custom_zones.ics").read_text()
    custom_zones._cache.clear()
    t0 = time.perf_counter()
    parse_ics(ics, calendar_id="c")
    print(f"import of tests/core/zones/custom_zones.ics (2 such zones, 3 events), cold: "
          f"{(time.perf_counter() - t0) * 1e3:.1f} ms")
    t0 = time.perf_counter()
    parse_ics(ics, calendar_id="c")
    print(f"the same, zones cached: {(time.perf_counter() - t0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
