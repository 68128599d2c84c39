"""Write the benchmark calendar: 9,500 single events over three years in Berlin and
New York zones plus 500 recurring series with EXDATEs and overrides.

    python bench/gen_ics.py OUT.ics [--singles 9500] [--series 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

ZONES = ["Europe/Berlin", "America/New_York"]
RULES = ["FREQ=DAILY;COUNT={n}", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
         "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;BYDAY=2TH", "FREQ=WEEKLY;UNTIL={until}",
         "FREQ=YEARLY"]
FMT = "%Y%m%dT%H%M%S"


def generate(singles: int, series: int, seed: int) -> str:
    rnd = random.Random(seed)
    base = datetime(2025, 1, 1, 0, 0)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Aurora Time bench//EN",
           "X-WR-CALNAME:Bench"]
    stamp = "DTSTAMP:20260101T000000Z"

    def ev(uid: str, tz: str, start: datetime, minutes: int, title: str, extra: list[str]) -> None:
        out.extend(["BEGIN:VEVENT", f"UID:{uid}", stamp, f"SUMMARY:{title}",
                    f"DTSTART;TZID={tz}:{start.strftime(FMT)}",
                    f"DTEND;TZID={tz}:{(start + timedelta(minutes=minutes)).strftime(FMT)}",
                    f"LOCATION:Room {rnd.randint(1, 40)}", *extra])
        if rnd.random() < 0.5:
            out.extend(["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                        f"TRIGGER:-PT{rnd.choice([5, 10, 15, 30])}M", "END:VALARM"])
        out.append("END:VEVENT")

    for i in range(singles):
        start = base + timedelta(days=rnd.randrange(3 * 365), hours=rnd.randrange(7, 19),
                                 minutes=rnd.choice([0, 15, 30, 45]))
        ev(f"single-{i}@bench", rnd.choice(ZONES), start, rnd.choice([15, 30, 60, 90, 120]),
           f"Meeting {i}", [])
    for j in range(series):
        tz = rnd.choice(ZONES)
        start = base + timedelta(days=rnd.randrange(2 * 365), hours=rnd.randrange(8, 18))
        rule = rnd.choice(RULES).format(
            n=rnd.randint(10, 200),
            until=(start + timedelta(days=rnd.randint(60, 700))).strftime("%Y%m%dT%H%M%SZ"))
        # EXDATE and override on early instances that every rule above generates
        # only when they fall on the start weekday; use DTSTART + k weeks for weekly-ish
        # rules and DTSTART + k days for daily ones, which are true instances.
        step = timedelta(days=1) if "DAILY" in rule else timedelta(weeks=2) if "INTERVAL=2" in rule \
            else timedelta(weeks=1)
        extra = []
        if "MONTHLY" not in rule and "YEARLY" not in rule and "BYDAY=MO,WE" not in rule:
            extra.append(f"EXDATE;TZID={tz}:{(start + 2 * step).strftime(FMT)}")
        uid = f"series-{j}@bench"
        ev(uid, tz, start, 60, f"Series {j}", [f"RRULE:{rule}", *extra])
        if "MONTHLY" not in rule and "YEARLY" not in rule and "BYDAY=MO,WE" not in rule:
            rid = start + 3 * step
            ev(uid, tz, rid + timedelta(hours=2), 45, f"Series {j} (moved)",
               [f"RECURRENCE-ID;TZID={tz}:{rid.strftime(FMT)}"])
    out.append("END:VCALENDAR")
    return "\r\n".join(out) + "\r\n"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--singles", type=int, default=9500)
    p.add_argument("--series", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    a.out.write_text(generate(a.singles, a.series, a.seed), encoding="utf-8")
    print(f"wrote {a.out} ({a.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
