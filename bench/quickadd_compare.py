"""Compare date-parsing libraries for quick add on bench/quickadd_phrases.py.

    .venv/bin/python bench/quickadd_compare.py [--verbose]

Each candidate gets the whole phrase, as its own documentation says to call it:
dateparser's ``search_dates``, parsedatetime's ``parseDT``, recurrent's
``RecurringEvent.parse``. A phrase counts as right when the start the library
gives is the expected one (the day alone for an all-day event; the time too
otherwise; the zone where the phrase names one) and, for a repeating phrase,
when its rule is the expected one; a phrase that must be refused counts when
the library finds nothing. The raw libraries give no end and no title, so those
are not asked of them; ``aurora`` (aurora_core.quickadd, built on the chosen
library) is held to all of it: title, start, end, zone and rule.

Libraries not installed are skipped (pip install parsedatetime recurrent).
Results and the choice: docs/quickadd.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quickadd_phrases import NOW, PHRASES, ZONE, Expect

NAIVE_NOW = NOW.replace(tzinfo=None)
Found = tuple[datetime | date | None, str | None, str | None]  # start, zone, rrule


def _rule_parts(rule: str | None, first: str = "") -> dict[str, str]:
    """The rule's parts that matter, without those the first day implies."""
    if not rule:
        return {}
    text = rule.split("RRULE:", 1)[-1]
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    parts = {k.upper(): v.upper() for k, v in parts.items()}
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    for k in ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "WKST"):
        parts.pop(k, None)
    if "UNTIL" in parts:
        parts["UNTIL"] = parts["UNTIL"][:8]
    if "BYDAY" in parts:
        parts["BYDAY"] = ",".join(sorted(parts["BYDAY"].split(",")))
    if first:
        d = date.fromisoformat(first[:10])
        if parts.get("BYMONTHDAY") == str(d.day) and parts.get("FREQ") == "MONTHLY":
            del parts["BYMONTHDAY"]
        if parts.get("BYDAY") == ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d.weekday()]:
            del parts["BYDAY"]
    return parts


def right(expect: Expect | None, found: Found, strict: dict[str, Any] | None = None) -> bool:
    start, zone, rule = found
    if expect is None:
        return start is None and rule is None
    if start is None:
        return False
    want = expect["start"]
    if len(want) == 10:
        got_day = start.date() if isinstance(start, datetime) else start
        if got_day.isoformat() != want:
            return False
    else:
        if not isinstance(start, datetime) or start.strftime("%Y-%m-%dT%H:%M") != want:
            return False
    if (zone or ZONE) != expect.get("zone", ZONE):
        return False
    if _rule_parts(rule, want) != _rule_parts(expect.get("rrule"), want):
        return False
    if strict is not None:
        if strict["title"] != expect["title"]:
            return False
        if "end" in expect and strict["end"] != expect["end"]:
            return False
    return True


# ------------------------------------------------------------------ candidates


def run_dateparser(text: str) -> Found:
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": NAIVE_NOW, "PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY",
                "RETURN_AS_TIMEZONE_AWARE": False}
    found = search_dates(text, languages=["en"], settings=settings) if text.strip() else None
    if not found:
        return None, None, None
    return found[0][1], None, None


def run_parsedatetime(text: str) -> Found:
    import parsedatetime

    cal = parsedatetime.Calendar(parsedatetime.Constants("en_AU"),
                                 version=parsedatetime.VERSION_CONTEXT_STYLE)
    dt, ctx = cal.parseDT(text, sourceTime=NAIVE_NOW)
    if not ctx.hasDateOrTime:
        return None, None, None
    return dt, None, None


def run_recurrent(text: str) -> Found:
    from recurrent.event_parser import RecurringEvent

    r = RecurringEvent(now_date=NAIVE_NOW)
    try:
        out = r.parse(text)
    except Exception:  # the library raises on some phrases: that phrase failed
        return None, None, None
    if out is None:
        return None, None, None
    if isinstance(out, datetime):
        return out, None, None
    params = r.get_params()
    hour, minute = params.get("byhour"), params.get("byminute")
    start: datetime | date | None = None
    if hour is not None:
        # The rule has no DTSTART: credit its time of day on the expected first day.
        start = datetime.combine(r.dtstart.date() if r.dtstart else NAIVE_NOW.date(),
                                 datetime.min.time()).replace(hour=int(hour), minute=int(minute or 0))
    return start, None, str(out)


def run_aurora(text: str) -> tuple[Found, dict[str, Any]]:
    from aurora_core.model import AllDayDate, ZonedTime
    from aurora_core.quickadd import LocaleInfo, parse

    r = parse(text, now=NOW, zone=ZONE, locale=LocaleInfo("DMY", 1, True))
    if not r.ok:
        return (None, None, None), {}
    assert r.start is not None and r.end is not None
    if isinstance(r.start, AllDayDate) and isinstance(r.end, AllDayDate):
        start: datetime | date = r.start.day
        end = r.end.day.isoformat()
    else:
        assert isinstance(r.start, ZonedTime) and isinstance(r.end, ZonedTime)
        start = r.start.local.replace(tzinfo=None)
        end = r.end.local.strftime("%Y-%m-%dT%H:%M")
    return (start, r.zone, r.rrule), {"title": r.title, "end": end}


def _adjust_first_day(expect: Expect | None, found: Found) -> Found:
    """recurrent gives no first day for a rule: take the expected one (generous)."""
    start, zone, rule = found
    if expect is None or rule is None:
        return found
    want = expect["start"]
    if start is None and len(want) == 10:
        return date.fromisoformat(want), zone, rule
    if not isinstance(start, datetime):
        return found
    if len(want) > 10:
        start = start.replace(year=int(want[:4]), month=int(want[5:7]), day=int(want[8:10]))
    return start, zone, rule


def main() -> None:
    verbose = "--verbose" in sys.argv
    libs: dict[str, Callable[[str], Found]] = {}
    for name, fn, module in (("dateparser", run_dateparser, "dateparser"),
                             ("parsedatetime", run_parsedatetime, "parsedatetime"),
                             ("recurrent", run_recurrent, "recurrent")):
        try:
            __import__(module)
        except ImportError:
            print(f"({name} is not installed: skipped)")
            continue
        libs[name] = fn
    for fn in libs.values():  # the first call loads data: not part of the timings
        fn("lunch tomorrow at 1pm")
    run_aurora("lunch tomorrow at 1pm")
    names = [*libs, "aurora"]
    wins = dict.fromkeys(names, 0)
    times: dict[str, list[float]] = {n: [] for n in names}
    width = 52
    print(f"{'phrase':{width}} " + " ".join(f"{n:>13}" for n in names))
    for text, expect in PHRASES:
        row = []
        for n in names:
            t0 = time.perf_counter()
            if n == "aurora":
                found, strict = run_aurora(text)
                ok = right(expect, found, strict if found[0] is not None else None)
            else:
                found = libs[n](text)
                if n == "recurrent":
                    found = _adjust_first_day(expect, found)
                ok = right(expect, found)
            times[n].append((time.perf_counter() - t0) * 1000)
            wins[n] += ok
            row.append(f"{'yes' if ok else '-':>13}")
            if verbose and not ok:
                print(f"    {n}: {text!r} -> {found}")
        label = text if len(text) <= width else text[: width - 1] + "…"
        print(f"{label or '(empty)':{width}} " + " ".join(row))
    print(f"{'right, of ' + str(len(PHRASES)):{width}} " + " ".join(f"{wins[n]:>13}" for n in names))
    print(f"{'median ms per phrase':{width}} " +
          " ".join(f"{statistics.median(times[n]):>13.2f}" for n in names))
    print(f"{'slowest ms':{width}} " + " ".join(f"{max(times[n]):>13.2f}" for n in names))
    _ = ZoneInfo  # (zones are compared by name)


if __name__ == "__main__":
    main()
