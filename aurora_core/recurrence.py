"""Recurrence: RRULE/RDATE/EXDATE/overrides to occurrences, and series edits.

Rules expand in the event's own frame: a zoned event on its wall clock in its
IANA zone (a daily 09:00 Europe/Berlin meeting is 09:00 on both sides of a
DST change), all-day events by date, floating events on their wall clock.

Wall times that do not exist or exist twice (DST) resolve as RFC 5545 §3.3.5
says: a time in a gap is read with the offset in force before the gap (02:30
on a spring-forward night in Berlin becomes 03:30 CEST), and a time in an
overlap means its first occurrence (01:30 on a fall-back night in New York is
01:30 EDT). Python's zoneinfo does exactly this with ``fold=0``.

COUNT counts the instances the rule generates (EXDATEs remove instances but
still count, RDATEs add without counting). DTSTART is always the first
instance, even when it does not match the rule; it is then counted by COUNT
too, as RFC 5545 says ("the DTSTART property value always counts as the first
occurrence"). UNTIL is inclusive; for a zoned event it is a UTC instant.
"""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from aurora_core import rule_cost
from aurora_core.dates import add_months
from aurora_core.model import (
    AllDayDate,
    Event,
    EventTime,
    FloatingTime,
    Occurrence,
    ValidationError,
    ZonedTime,
    get_zone,
    new_id,
    shift,
    time_key,
)
from aurora_core.times import from_own_wall, own_wall

__all__ = [
    "Occurrences",
    "Rule",
    "RuleTooComplex",
    "SeriesChange",
    "check_cost",
    "delete_following",
    "delete_occurrence",
    "edit_all",
    "edit_occurrence",
    "expand",
    "instances",
    "parse_rule",
    "split_series",
]

FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
KNOWN_PARTS = (
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
    "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
)
# Past this many instances an open-ended rule is not expanded further.
MAX_INSTANCES = 100_000
# dateutil's work to find where a COUNT rule ends (rule_cost units: ~40 ms), and what
# one instance costs on top of its period when walked.
COUNT_WALK = 40_000
PER_INSTANCE = 4
# A rule may repeat at most every minute, on average over a day (a calendar is no
# stopwatch; it bounds the work of any window).
MAX_PER_DAY = 24 * 60
# At most this many instances of one series in one window (expand(), instances()):
# a day of the densest rule allowed.
MAX_WINDOW = MAX_PER_DAY

log = logging.getLogger("aurora.recurrence")


class RuleTooComplex(ValidationError):
    """A rule whose expansion costs more than the budget (rule_cost)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed RRULE: its parts in order, as text, upper-case."""

    parts: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        for k, v in self.parts:
            if k == name:
                return v
        return None

    def with_parts(self, **changes: str | None) -> Rule:
        """A copy with parts replaced (None removes a part); new parts go last."""
        out: list[tuple[str, str]] = []
        seen = set()
        for k, v in self.parts:
            if k in changes:
                seen.add(k)
                nv = changes[k]
                if nv is not None:
                    out.append((k, nv))
            else:
                out.append((k, v))
        for k, nv in changes.items():
            if k not in seen and nv is not None:
                out.append((k, nv))
        return Rule(tuple(out))

    def text(self) -> str:
        return ";".join(f"{k}={v}" for k, v in self.parts)

    @property
    def bounded(self) -> bool:
        return self.get("COUNT") is not None or self.get("UNTIL") is not None


_LAST_WALL = datetime(9999, 12, 31, 23, 59, 59)
_TICK = timedelta(microseconds=1)


def _parse_until(value: str, start: EventTime) -> datetime:
    """UNTIL as a naive wall time in the start's frame (inclusive bound)."""
    v = value.strip()
    try:
        if len(v) == 8:
            d = datetime.strptime(v, "%Y%m%d")
            if isinstance(start, AllDayDate):
                return d
            # A date UNTIL on a timed event includes that whole day.
            return d.replace(hour=23, minute=59, second=59)
        if v.endswith("Z"):
            instant = datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if isinstance(start, ZonedTime):
                try:
                    return instant.astimezone(get_zone(start.tz)).replace(tzinfo=None)
                except OverflowError:  # past the end of the calendar in that zone
                    return _LAST_WALL if instant.year > 1 else datetime.min
            if isinstance(start, AllDayDate):
                return instant.replace(tzinfo=None)
            return instant.replace(tzinfo=None)
        return datetime.strptime(v, "%Y%m%dT%H%M%S")
    except ValueError:
        raise ValidationError(f"UNTIL value {value!r} is not a date or date-time") from None


def parse_rule(text: str, start: EventTime) -> Rule:
    """Parse and check an RRULE value (with or without the ``RRULE:`` prefix).

    Raises :class:`ValidationError` for a rule that does not parse, names an
    unknown part, or would never end at a sub-hourly frequency.
    """
    t = text.strip()
    if t.upper().startswith("RRULE:"):
        t = t[6:]
    if not t:
        raise ValidationError("the repeat rule is empty")
    parts: list[tuple[str, str]] = []
    for chunk in t.split(";"):
        if not chunk:
            continue
        if "=" not in chunk:
            raise ValidationError(f"repeat rule part {chunk!r} is not NAME=VALUE")
        k, v = chunk.split("=", 1)
        k, v = k.strip().upper(), v.strip().upper()
        if k not in KNOWN_PARTS:
            raise ValidationError(f"repeat rule has an unknown part {k!r}")
        if any(k == pk for pk, _ in parts):
            raise ValidationError(f"repeat rule names {k} twice")
        parts.append((k, v))
    rule = Rule(tuple(parts))
    freq = rule.get("FREQ")
    if freq not in FREQS:
        raise ValidationError(f"repeat rule has no valid FREQ (got {freq!r})")
    if rule.get("COUNT") is not None and rule.get("UNTIL") is not None:
        raise ValidationError("a repeat rule cannot have both COUNT and UNTIL")
    if freq in ("SECONDLY", "MINUTELY") and not rule.bounded:
        raise ValidationError(f"a {freq.lower()} repeat rule must end (COUNT or UNTIL)")
    count = rule.get("COUNT")
    if count is not None and (not count.isdigit() or not 1 <= int(count) <= MAX_INSTANCES):
        raise ValidationError(f"COUNT must be a number from 1 to {MAX_INSTANCES}")
    interval = rule.get("INTERVAL")
    if interval is not None and (not interval.isdigit() or not 1 <= int(interval) <= 10_000):
        raise ValidationError("INTERVAL must be a number from 1 to 10000")
    until = rule.get("UNTIL")
    if until is not None:
        _parse_until(until, start)
    try:
        _build(rule.text(), own_wall(start), start_kind(start),
               start.tz if isinstance(start, ZonedTime) else None)
    except (ValueError, TypeError, IndexError) as exc:
        raise ValidationError(f"repeat rule does not parse: {exc}") from None
    return rule


def check_cost(master: Event) -> None:
    """Refuse a rule whose expansion would cost more than the budget
    (:mod:`aurora_core.rule_cost`): one that finds no instance after DTSTART within
    it (its filters never or almost never match), one that repeats more than
    :data:`MAX_PER_DAY` times a day, or a COUNT whose end takes more than
    :data:`COUNT_WALK` to find. Raises :class:`RuleTooComplex`. Any other rule then
    expands any window within the budget, however far its DTSTART."""
    if master.rrule is None:
        return
    rule = parse_rule(master.rrule, master.start)
    r = _rule_for(master)
    assert r is not None
    start_wall = own_wall(master.start)
    try:
        with rule_cost.budget():
            for w in r:
                if w != start_wall:
                    break
        day: list[datetime] = []  # the instances of the first day that has one
        with rule_cost.budget():
            for w in r:
                if (day and w - day[0] >= timedelta(days=1)) or len(day) > MAX_PER_DAY:
                    break
                day.append(w)
    except rule_cost.BudgetExceeded:
        raise RuleTooComplex(
            "repeat rule too complex: it finds its next occurrence too rarely or never "
            f"({rule.text()})") from None
    if len(day) > MAX_PER_DAY:
        raise RuleTooComplex(f"repeat rule too complex: it repeats more than {MAX_PER_DAY} "
                             f"times a day ({rule.text()})")
    if rule.get("COUNT") is not None:
        try:
            _count_end(master, rule)
        except rule_cost.BudgetExceeded:
            raise RuleTooComplex(
                "repeat rule too complex: its COUNT takes too long to reach "
                f"({rule.text()}); use UNTIL instead") from None


def start_kind(t: EventTime) -> str:
    return type(t).__name__


@lru_cache(maxsize=4096)
def _build(rule_text: str, dtstart: datetime, kind: str, tz: str | None) -> rrule:
    """A dateutil rrule on the naive wall frame, its UNTIL rewritten to that frame."""
    like: EventTime
    if tz is not None:
        like = ZonedTime.from_local(dtstart, tz)
    elif kind == "AllDayDate":
        like = AllDayDate(dtstart.date())
    else:
        like = FloatingTime(dtstart)
    parts = []
    until: datetime | None = None
    for chunk in rule_text.split(";"):
        k, v = chunk.split("=", 1)
        if k == "UNTIL":
            until = _parse_until(v, like)
        else:
            parts.append(chunk)
    r = rrulestr("RRULE:" + ";".join(parts), dtstart=dtstart, cache=False)
    if not isinstance(r, rrule):
        raise ValueError("not a single rule")
    if until is not None:
        r = r.replace(until=until)
    return r


def _rule_for(master: Event) -> rrule | None:
    if master.rrule is None:
        return None
    rule = parse_rule(master.rrule, master.start)
    tz = master.start.tz if isinstance(master.start, ZonedTime) else None
    return _build(rule.text(), own_wall(master.start), start_kind(master.start), tz)


def _rule_count(r: rrule) -> int | None:
    """The COUNT of a dateutil rule (it keeps it in a private attribute)."""
    count: int | None = r.__dict__.get("_count")
    return count


def _rule_walls(master: Event, hi: datetime | None = None) -> Iterator[datetime]:
    """The rule's own instances (naive walls, ascending, DTSTART first), up to ``hi``,
    walked from DTSTART: for COUNT arithmetic (:func:`_count_before`, :func:`_count_end`).
    Windows use :func:`rule_walls_between`, which starts near the window.

    COUNT is applied with DTSTART counted even where it does not match the rule.
    """
    start_wall = own_wall(master.start)
    r = _rule_for(master)
    if r is None:
        yield start_wall
        return
    until: datetime | None = r.__dict__.get("_until")
    if until is not None and start_wall > until:
        return  # a series that ends before it starts has no instances
    yield start_wall
    count = _rule_count(r)
    if count is not None:
        # DTSTART is the first instance and counts, whether or not it matches.
        for w in itertools.islice((w for w in r if w != start_wall), count - 1):
            if hi is not None and w > hi:
                return
            yield w
        return
    n = 0
    for w in r:
        if w == start_wall:
            continue
        if hi is not None and w > hi:
            return
        n += 1
        if n > MAX_INSTANCES:
            return
        yield w


_PERIOD = {"YEARLY": timedelta(days=366), "MONTHLY": timedelta(days=31),
           "WEEKLY": timedelta(days=7), "DAILY": timedelta(days=1),
           "HOURLY": timedelta(hours=1), "MINUTELY": timedelta(minutes=1),
           "SECONDLY": timedelta(seconds=1)}
_WEEKDAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Parts whose presence stops dateutil deriving the day parts from DTSTART.
_DAY_PARTS = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")


def _pinned(rule: Rule, start_wall: datetime) -> Rule:
    """``rule`` with the parts dateutil derives from DTSTART written out (the time of
    day, the weekday, the day of the month...), so that it means the same from any
    other DTSTART; without COUNT."""
    freq = rule.get("FREQ")
    order = FREQS.index(freq or "")
    extra: dict[str, str | None] = {"COUNT": None}
    if order < 4 and rule.get("BYHOUR") is None:
        extra["BYHOUR"] = str(start_wall.hour)
    if order < 5 and rule.get("BYMINUTE") is None:
        extra["BYMINUTE"] = str(start_wall.minute)
    if order < 6 and rule.get("BYSECOND") is None:
        extra["BYSECOND"] = str(start_wall.second)
    if not any(rule.get(k) is not None for k in _DAY_PARTS):
        if freq == "YEARLY":
            if rule.get("BYMONTH") is None:
                extra["BYMONTH"] = str(start_wall.month)
            extra["BYMONTHDAY"] = str(start_wall.day)
        elif freq == "MONTHLY":
            extra["BYMONTHDAY"] = str(start_wall.day)
        elif freq == "WEEKLY":
            extra["BYDAY"] = _WEEKDAY_NAMES[start_wall.weekday()]
    return rule.with_parts(**extra)


def _period_start_before(rule: Rule, start_wall: datetime, lo: datetime) -> datetime | None:
    """The start of the rule's last period (counted from DTSTART in whole intervals)
    that begins at least one period before ``lo``, or None when that is DTSTART's own
    period: where an expansion for a window from ``lo`` can start instead of DTSTART."""
    freq = rule.get("FREQ")
    interval = int(rule.get("INTERVAL") or 1)
    try:
        if freq == "YEARLY":
            k = (lo.year - 1 - start_wall.year) // interval
            return datetime(start_wall.year + k * interval, 1, 1) if k >= 1 else None
        if freq == "MONTHLY":
            m0 = start_wall.year * 12 + start_wall.month - 1
            k = (lo.year * 12 + lo.month - 2 - m0) // interval
            m = m0 + k * interval
            return datetime(m // 12, m % 12 + 1, 1) if k >= 1 else None
        if freq == "WEEKLY":
            wkst = _WEEKDAYS.get(rule.get("WKST") or "MO", 0)
            w0 = datetime.combine(start_wall.date(), time()) - timedelta(
                days=(start_wall.weekday() - wkst) % 7)
            k = ((lo - timedelta(days=7) - w0).days // 7) // interval
            return w0 + timedelta(weeks=k * interval) if k >= 1 else None
        if freq == "DAILY":
            d0 = datetime.combine(start_wall.date(), time())
            k = (lo - timedelta(days=1) - d0).days // interval
            return d0 + timedelta(days=k * interval) if k >= 1 else None
        unit = _PERIOD[freq or "SECONDLY"]
        p0 = start_wall.replace(second=0) if freq == "MINUTELY" else \
            start_wall.replace(minute=0, second=0) if freq == "HOURLY" else start_wall
        k = (lo - unit - p0) // (unit * interval)
        return p0 + k * interval * unit if k >= 1 else None
    except (OverflowError, ValueError):
        return None


def _until_text(wall: datetime, start: EventTime) -> str:
    """An UNTIL value for the wall ``wall`` in the start's frame."""
    if isinstance(start, AllDayDate):
        return wall.strftime("%Y%m%d")
    return wall.strftime("%Y%m%dT%H%M%S")


@lru_cache(maxsize=4096)
def _count_end_cached(text: str, start: EventTime) -> tuple[datetime | None, bool]:
    """(the last instance wall or None past the year 9999, found within the budget)."""
    rule = parse_rule(text, start)
    start_wall = own_wall(start)
    count = int(rule.get("COUNT") or 0)
    freq = rule.get("FREQ") or ""
    interval = int(rule.get("INTERVAL") or 1)
    if {k for k, _ in rule.parts} <= {"FREQ", "INTERVAL", "COUNT", "WKST"}:
        # One instance per period, DTSTART the first: plain arithmetic.
        try:
            if freq in ("WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"):
                return start_wall + (count - 1) * interval * _PERIOD[freq], True
            months = (count - 1) * interval * (12 if freq == "YEARLY" else 1)
            if start_wall.day <= 28:  # every month has the day: no clamping
                return add_months(start_wall, months), True
        except (OverflowError, ValueError):
            return None, True  # past the year 9999: the rule ends there
    master = Event(id="-", uid="-", calendar_id="-", title="", start=start,
                   end=start, rrule=text)
    last = None
    try:
        with rule_cost.budget(COUNT_WALK):
            for w in _rule_walls(master):
                rule_cost.charge(PER_INSTANCE)
                last = w
    except rule_cost.BudgetExceeded:
        return None, False
    return last, True


def _count_end(master: Event, rule: Rule) -> datetime | None:
    """The last instance wall of a COUNT rule (None: past the year 9999), computed once
    and remembered; raises :class:`rule_cost.BudgetExceeded` when finding it costs
    more than :data:`COUNT_WALK` (Event validation refuses such a rule)."""
    end, found = _count_end_cached(rule.text(), master.start)
    if not found:
        raise rule_cost.BudgetExceeded
    return end


def _walls_from(master: Event, rule: Rule, lo: datetime) -> Iterable[datetime]:
    """The rule's instances (DTSTART not among them) from about ``lo`` on, ascending:
    from the start of a period just before ``lo`` when the rule allows, else from
    DTSTART. May raise :class:`rule_cost.BudgetExceeded` while iterated."""
    start_wall = own_wall(master.start)
    floor = _period_start_before(rule, start_wall, lo)
    count = rule.get("COUNT") is not None
    if floor is None:
        return itertools.islice(_rule_walls(master), 1, None)
    pinned = _pinned(rule, start_wall)
    if count:
        end = _count_end(master, rule)
        if end is None:
            return itertools.islice(_rule_walls(master), 1, None)
        pinned = pinned.with_parts(UNTIL=_until_text(end, master.start))
    tz = master.start.tz if isinstance(master.start, ZonedTime) else None
    r = _build(pinned.text(), floor, start_kind(master.start), tz)
    return (w for w in r if w != start_wall)


def rule_walls_between(master: Event, lo: datetime, hi: datetime,
                       limit: int = MAX_INSTANCES,
                       count_from: datetime | None = None) -> list[datetime]:
    """The rule's instances as naive walls in [lo, hi] (DTSTART included when it falls
    there; RDATE and EXDATE not applied): those before ``count_from`` (default ``lo``)
    and then at most ``limit`` more (the first ones).

    The expansion starts near ``lo`` (whole periods skipped), and its work between
    two instances is bounded (:mod:`aurora_core.rule_cost`): a rule that finds no
    instance within that budget ends the expansion there (logged; Event validation
    refuses such rules, so only data from elsewhere can meet it).
    """
    start_wall = own_wall(master.start)
    if hi < start_wall or limit <= 0:
        return []
    if master.rrule is None:
        return [start_wall] if lo <= start_wall <= hi else []
    rule = parse_rule(master.rrule, master.start)
    if count_from is not None and count_from > lo:
        # Count from there: the walls before it are kept but not counted.
        head = rule_walls_between(master, lo, count_from - _TICK, MAX_INSTANCES)
        return head + rule_walls_between(master, count_from, hi, limit)
    fast = _simple_walls(rule, start_wall, master.start, lo, hi, limit)
    if fast is not None:
        return fast
    r = _rule_for(master)
    assert r is not None
    until: datetime | None = r.__dict__.get("_until")
    out: list[datetime] = []
    if lo <= start_wall <= hi and (until is None or start_wall <= until):
        out.append(start_wall)
    key = (master.rrule, master.start)
    gap = _GAPS.get(key)
    if gap is not None and gap[0] <= lo and hi < gap[1]:
        return out  # known: the rule has no instance from before lo to after hi
    try:
        with rule_cost.budget():
            for w in _walls_from(master, rule, lo):
                if w > hi:
                    if not out or out == [start_wall]:
                        _remember_gap(key, lo, w)
                    break
                if len(out) >= limit:
                    break
                rule_cost.credit()
                if w >= lo:
                    out.append(w)
    except rule_cost.BudgetExceeded:
        log.warning("repeat rule %s of event %s: expansion stopped at its work budget",
                    master.rrule, master.id)
    return out


# Per rule (text and DTSTART), the last stretch found without an instance: [from, next).
# A sparse rule (a Monday 29 February) walks years of periods to find one; windows
# inside that stretch (the next year's reminder search, the next month's view) then
# need no walk. A few hundred bytes per rule, the most recent 4,096 rules.
_GAPS: OrderedDict[tuple[str | None, EventTime], tuple[datetime, datetime]] = OrderedDict()


def _remember_gap(key: tuple[str | None, EventTime], lo: datetime, nxt: datetime) -> None:
    if nxt - lo < timedelta(days=31):
        return  # not worth remembering
    _GAPS[key] = (lo, nxt)
    _GAPS.move_to_end(key)
    while len(_GAPS) > 4096:
        _GAPS.popitem(last=False)


_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_SIMPLE_PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "WKST"})


def _simple_walls(rule: Rule, start_wall: datetime, start: EventTime, lo: datetime,
                  hi: datetime, limit: int = MAX_INSTANCES) -> list[datetime] | None:
    """Instances of a plain DAILY or WEEKLY rule by arithmetic, or None for any other rule.

    Same results as dateutil (the property tests compare both with
    recurring-ical-events) at a fraction of the cost: this is the hot path of
    materialising a large import.
    """
    freq = rule.get("FREQ")
    if freq not in ("DAILY", "WEEKLY") or any(k not in _SIMPLE_PARTS for k, _ in rule.parts):
        return None
    byday = rule.get("BYDAY")
    if byday is not None and (freq == "DAILY" or any(d not in _WEEKDAYS for d in byday.split(","))):
        return None
    interval = int(rule.get("INTERVAL") or 1)
    count = int(rule.get("COUNT") or 0) or None
    until_text = rule.get("UNTIL")
    until = _parse_until(until_text, start) if until_text else None
    end = hi if until is None else min(hi, until)
    step = timedelta(days=interval if freq == "DAILY" else 7 * interval)
    if freq == "DAILY":
        offsets = [timedelta(0)]
        first = start_wall
    else:
        wkst = _WEEKDAYS.get(rule.get("WKST") or "MO", 0)
        week_start = start_wall - timedelta(days=(start_wall.weekday() - wkst) % 7)
        days = sorted(((_WEEKDAYS[d] - wkst) % 7 for d in byday.split(","))
                      if byday else [(start_wall.weekday() - wkst) % 7])
        offsets = [timedelta(days=d) for d in days]
        first = week_start
    out: list[datetime] = []
    n = 1  # DTSTART is instance 1 and counts
    if lo <= start_wall <= hi and (until is None or start_wall <= until):
        out.append(start_wall)
    base = first
    if lo > start_wall + step:
        # Skip whole periods that end before the window; a COUNT counts what they held
        # (every offset of each, but those of the first period at or before DTSTART).
        skip = (lo - start_wall) // step - 1
        if skip > 0:
            base = first + skip * step
            n += skip * len(offsets) - sum(1 for off in offsets if first + off <= start_wall)
    try:
        while True:
            for off in offsets:
                w = base + off
                if w <= start_wall:
                    continue
                if w > end or (count is not None and n >= count) or len(out) >= limit:
                    return out
                n += 1
                if w >= lo:
                    out.append(w)
            base += step
    except OverflowError:
        return out  # the year 9999 ends every rule


def _window_walls(master: Event, ws: datetime, we: datetime, local_tz: tzinfo) -> tuple[
        datetime, datetime, datetime]:
    """A naive wall range in the master's frame that covers [ws, we) with slack, and
    the wall where the window itself begins. The slack covers the largest step a zone
    ever took backwards (Alaska's date change of 1867: a day), so a wall outside it
    cannot be inside the window; all-day and floating walls read in ``local_tz``
    likewise."""
    dur = master.duration
    slack = timedelta(hours=26)
    z = get_zone(master.start.tz) if isinstance(master.start, ZonedTime) else local_tz
    try:
        begin = ws.astimezone(z).replace(tzinfo=None) - dur
        lo = begin - slack
    except OverflowError:
        begin = lo = datetime.min
    try:
        hi = we.astimezone(z).replace(tzinfo=None) + slack
    except OverflowError:
        hi = _LAST_WALL
    return lo, hi, max(lo, begin - timedelta(hours=3))


def _overlaps(start: datetime, end: datetime, ws: datetime, we: datetime) -> bool:
    if end <= start:  # zero-length: an instant inside the window
        return ws <= start < we
    return start < we and end > ws


def instances(master: Event, lo_wall: datetime, hi_wall: datetime,
              limit: int = MAX_WINDOW, count_from: datetime | None = None
              ) -> list[EventTime]:
    """The series' instance starts (rule + RDATE − EXDATE) with walls in [lo, hi]; of
    the rule's, those before ``count_from`` and the first ``limit`` from there."""
    return _starts(master, rule_walls_between(master, lo_wall, hi_wall, limit, count_from),
                   lo_wall, hi_wall)


def _starts(master: Event, walls: list[datetime], lo_wall: datetime,
            hi_wall: datetime) -> list[EventTime]:
    """Instance starts: the rule's ``walls``, plus RDATEs in [lo, hi], less EXDATEs."""
    starts: dict[str, EventTime] = {}
    for w in walls:
        t = from_own_wall(w, master.start)
        starts[time_key(t)] = t
    for rd in master.rdates:
        if lo_wall <= own_wall(rd) <= hi_wall:
            starts[time_key(rd)] = rd
    for ex in master.exdates:
        starts.pop(time_key(ex), None)
    return list(starts.values())


class Occurrences(list[Occurrence]):
    """A list of occurrences; ``truncated``: the series had more in the window than
    the limit let through."""

    truncated: bool = False


def expand(
    master: Event,
    overrides: Sequence[Event],
    window_start: datetime,
    window_end: datetime,
    local_tz: tzinfo,
    limit: int = MAX_WINDOW,
) -> Occurrences:
    """All occurrences of ``master`` overlapping [window_start, window_end), sorted.

    A non-recurring event gives itself when it overlaps. Overrides replace the
    instance their ``recurrence_id`` names (even when they move it out of or
    into the window); a cancelled override removes its instance. Window
    bounds must be aware; all-day and floating times are read in ``local_tz``.
    A series gives at most ``limit`` of its rule's instances from the window's start
    on (the first ones: a rule repeating every minute is still a bounded amount of
    work); ``truncated`` on the result says it did.
    """
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("window bounds must be aware datetimes")
    ws, we = window_start.astimezone(UTC), window_end.astimezone(UTC)
    out = Occurrences()
    if not master.is_recurring:
        s, e = master.start.instant(local_tz), master.end.instant(local_tz)
        if _overlaps(s, e, ws, we):
            out.append(Occurrence(master, master.start, master.end, None))
        return out

    by_rid = {time_key(o.recurrence_id): o for o in overrides if o.recurrence_id is not None}
    lo, hi, begin = _window_walls(master, ws, we, local_tz)
    dur = master.duration
    walls = rule_walls_between(master, lo, hi, limit, begin)
    out.truncated = sum(1 for w in walls if w >= begin) >= limit
    for t in _starts(master, walls, lo, hi):
        key = time_key(t)
        if key in by_rid:
            continue
        end = shift(t, dur)
        if _overlaps(t.instant(local_tz), end.instant(local_tz), ws, we):
            out.append(Occurrence(master, t, end, t))
    excluded = {time_key(x) for x in master.exdates}
    for key, ov in by_rid.items():
        if key in excluded or ov.status == "cancelled":
            continue
        assert ov.recurrence_id is not None
        if _overlaps(ov.start.instant(local_tz), ov.end.instant(local_tz), ws, we):
            out.append(Occurrence(ov, ov.start, ov.end, ov.recurrence_id))
    out.sort(key=lambda o: (o.start.instant(local_tz), o.event.title))
    return out


def last_instance(master: Event) -> EventTime | None:
    """The last instance start of a bounded series, or None if it never ends.

    A COUNT rule's end is computed once (arithmetic, or one bounded walk); an UNTIL
    rule's is searched backwards from UNTIL in growing windows, each expanded from
    near its start, so a rule from 1900 that repeats every minute costs no more than
    one from last week."""
    last: EventTime = master.start
    if master.rrule is not None:
        rule = parse_rule(master.rrule, master.start)
        if not rule.bounded:
            return None
        start_wall = own_wall(master.start)
        end: datetime | None = None
        if rule.get("COUNT") is not None:
            try:
                end = _count_end(master, rule)
            except rule_cost.BudgetExceeded:
                return None  # too dear to find (validation refuses it): treat as endless
            if end is None:
                return None  # it ends past the year 9999
        else:
            end = _last_until_wall(master, rule, start_wall)
        if end is not None and end > start_wall:
            last = from_own_wall(end, master.start)
    for rd in master.rdates:
        if own_wall(rd) > own_wall(last):
            last = rd
    return last


def _last_until_wall(master: Event, rule: Rule, start_wall: datetime) -> datetime | None:
    r = _rule_for(master)
    assert r is not None
    until: datetime | None = r.__dict__.get("_until")
    if until is None or until <= start_wall:
        return None
    span = _PERIOD[rule.get("FREQ") or "DAILY"] * int(rule.get("INTERVAL") or 1) * 8
    hi = until
    while True:
        lo = start_wall if hi - start_wall <= span else hi - span
        walls = rule_walls_between(master, lo, hi)
        if walls:
            return walls[-1]
        if lo <= start_wall:
            return None
        hi, span = lo, span * 4


# --------------------------------------------------------------------------
# Series edits: each returns what to write and what to delete.


@dataclass
class SeriesChange:
    """The result of a series edit: events to write (insert or update) and to delete.

    ``handed_over`` is set by a split: (old uid, new uid, first recurrence key) —
    instances from that key on now belong to the new series, so per-occurrence
    state (a reminder already shown) can follow them.
    """

    upserts: list[Event] = field(default_factory=list)
    deletes: list[Event] = field(default_factory=list)
    handed_over: tuple[str, str, str] | None = None


def _until_before(t: EventTime) -> str:
    """An UNTIL value that ends a series just before instance ``t``."""
    if isinstance(t, ZonedTime):
        return (t.at - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    if isinstance(t, AllDayDate):
        return (t.day - timedelta(days=1)).strftime("%Y%m%d")
    return (t.wall - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%S")


def _count_before(master: Event, t: EventTime) -> int:
    limit = own_wall(t)
    return sum(1 for w in _rule_walls(master, limit) if w < limit)


def _check_instance(master: Event, rid: EventTime) -> None:
    if not master.is_recurring:
        raise ValidationError("this event does not repeat")
    w = own_wall(rid)
    if time_key(rid) not in {time_key(t) for t in instances(master, w, w)}:
        raise ValidationError("that occurrence is not part of the series")


def edit_occurrence(
    master: Event, overrides: Sequence[Event], rid: EventTime, **changes: object
) -> SeriesChange:
    """Change only the instance ``rid``: creates or updates its override."""
    key = time_key(rid)
    existing = next((o for o in overrides if o.recurrence_id is not None
                     and time_key(o.recurrence_id) == key), None)
    if existing is None:
        _check_instance(master, rid)
        base = master.replace(id=new_id(), rrule=None, rdates=(), exdates=(), recurrence_id=rid,
                              start=rid, end=shift(rid, master.duration))
    else:
        base = existing
    ov = base.replace(**changes)
    ov.validate()
    return SeriesChange(upserts=[ov])


def delete_occurrence(master: Event, overrides: Sequence[Event], rid: EventTime) -> SeriesChange:
    """Delete only the instance ``rid`` (an EXDATE; its override goes too)."""
    key = time_key(rid)
    ch = SeriesChange()
    if key not in {time_key(x) for x in master.exdates}:
        ch.upserts.append(master.replace(exdates=(*master.exdates, rid)))
    ch.deletes.extend(o for o in overrides
                      if o.recurrence_id is not None and time_key(o.recurrence_id) == key)
    return ch


def _truncate(master: Event, overrides: Sequence[Event], rid: EventTime) -> tuple[
        Event | None, list[Event], list[Event]]:
    """The series ended before ``rid``: (truncated master or None, kept, dropped overrides)."""
    w = own_wall(rid)
    kept = [o for o in overrides if o.recurrence_id is not None and own_wall(o.recurrence_id) < w]
    dropped = [o for o in overrides if o not in kept]
    if w <= own_wall(master.start):
        return None, [], list(overrides)
    ex = tuple(x for x in master.exdates if own_wall(x) < w)
    rd = tuple(x for x in master.rdates if own_wall(x) < w)
    rule = parse_rule(master.rrule, master.start) if master.rrule else None
    new_rule = None
    if rule is not None:
        if rule.get("COUNT") is not None:
            n = _count_before(master, rid)
            new_rule = rule.with_parts(COUNT=str(max(n, 1))).text()
        else:
            new_rule = rule.with_parts(UNTIL=_until_before(rid)).text()
    return master.replace(rrule=new_rule, exdates=ex, rdates=rd), kept, dropped


def delete_following(master: Event, overrides: Sequence[Event], rid: EventTime) -> SeriesChange:
    """Delete instance ``rid`` and every later one (the series gets an UNTIL)."""
    truncated, _kept, dropped = _truncate(master, overrides, rid)
    ch = SeriesChange(deletes=list(dropped))
    if truncated is None:
        ch.deletes.insert(0, master)
    else:
        ch.upserts.append(truncated)
    return ch


def split_series(
    master: Event, overrides: Sequence[Event], rid: EventTime, **changes: object
) -> SeriesChange:
    """"This and following": the series ends before ``rid`` and a new one starts there.

    ``changes`` apply to the new series; a change of start moves its later
    EXDATEs and overrides with it. Overrides after ``rid`` move to the new
    series; a COUNT is shared out between the two.
    """
    _check_instance(master, rid)
    truncated, _kept, moved = _truncate(master, overrides, rid)
    w = own_wall(rid)
    new_uid = new_id() if truncated is not None else master.uid
    new_id_ = new_id() if truncated is not None else master.id
    rule = parse_rule(master.rrule, master.start) if master.rrule else None
    new_rule_text = master.rrule
    if rule is not None and rule.get("COUNT") is not None:
        remaining = int(rule.get("COUNT") or 0) - _count_before(master, rid)
        new_rule_text = rule.with_parts(COUNT=str(max(remaining, 1))).text()
    tail = master.replace(
        id=new_id_, uid=new_uid, start=rid, end=shift(rid, master.duration), rrule=new_rule_text,
        exdates=tuple(x for x in master.exdates if own_wall(x) >= w),
        rdates=tuple(x for x in master.rdates if own_wall(x) >= w),
    )
    ch = edit_all(tail, moved, **changes) if changes else SeriesChange(
        upserts=[tail, *moved])
    # Moved overrides follow the new series: new uid, fresh ids.
    fixed: list[Event] = []
    for ev in ch.upserts:
        if ev.recurrence_id is not None and truncated is not None:
            fixed.append(ev.replace(uid=new_uid, id=new_id()))
        else:
            fixed.append(ev)
    ch.upserts = fixed
    if truncated is not None:
        ch.upserts.insert(0, truncated)
        ch.deletes = [*moved, *ch.deletes]
        ch.handed_over = (master.uid, new_uid, time_key(rid))
    written = {u.id for u in ch.upserts}
    ch.deletes = [d for d in ch.deletes if d.id not in written]
    return ch


def edit_all(master: Event, overrides: Sequence[Event], **changes: object) -> SeriesChange:
    """Change the whole series. A moved start moves EXDATEs, RDATEs and overrides by
    the same amount; overrides that no longer name an instance of the new series go."""
    new = master.replace(**changes)
    delta_wall = own_wall(new.start) - own_wall(master.start)
    if new.rrule is not None and new.rrule == master.rrule and type(new.start) is type(
            master.start):
        moved_days = (own_wall(new.start).date() - own_wall(master.start).date()).days
        if moved_days:
            new = new.replace(rrule=_rule_moved_by_days(
                parse_rule(new.rrule, master.start), moved_days, own_wall(master.start).date(),
                own_wall(new.start).date()))
        if delta_wall and new.rrule is not None:
            # UNTIL moves with the instances, or a series moved later loses its last one.
            new = new.replace(rrule=_until_moved(parse_rule(new.rrule, master.start),
                                                 delta_wall, moved_days))
    if "start" in changes and delta_wall and "exdates" not in changes:
        new = new.replace(exdates=tuple(shift(x, delta_wall) for x in master.exdates))
    if "start" in changes and delta_wall and "rdates" not in changes:
        new = new.replace(rdates=tuple(shift(x, delta_wall) for x in master.rdates))
    if type(new.start) is not type(master.start):
        # Changing the kind of time (e.g. to all-day) cannot keep instance identities.
        new = new.replace(exdates=(), rdates=())
    new.validate()
    ch = SeriesChange(upserts=[new])
    for ov in overrides:
        assert ov.recurrence_id is not None
        if type(new.start) is not type(master.start):
            ch.deletes.append(ov)
            continue
        rid = shift(ov.recurrence_id, delta_wall) if delta_wall else ov.recurrence_id
        w = own_wall(rid)
        if time_key(rid) not in {time_key(t) for t in instances(new, w, w)}:
            ch.deletes.append(ov)
            continue
        ch.upserts.append(_follow(ov, master, new, rid))
    return ch


_DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _until_moved(rule: Rule, delta: timedelta, days: int) -> str:
    """The rule of a series whose instances all moved by ``delta`` (``days`` on the
    calendar): a date-time UNTIL moves by ``delta``, a date UNTIL by ``days``, so the
    series keeps the same instances, each moved."""
    until = rule.get("UNTIL")
    if until is None:
        return rule.text()
    try:
        if len(until) == 8:
            moved = (datetime.strptime(until, "%Y%m%d") + timedelta(days=days)).strftime(
                "%Y%m%d")
        else:
            fmt = "%Y%m%dT%H%M%SZ" if until.endswith("Z") else "%Y%m%dT%H%M%S"
            moved = (datetime.strptime(until, fmt) + delta).strftime(fmt)
    except (ValueError, OverflowError):
        return rule.text()
    return rule.with_parts(UNTIL=moved).text()


def _rule_moved_by_days(rule: Rule, days: int, old: date, new: date) -> str:
    """The rule of a series whose start moved by ``days``: the days it names move too.

    "Weekly on Saturday" dragged to Sunday becomes "weekly on Sunday" (BYDAY entries
    shift, ordinals kept: 2TH -> 2FR); "monthly on the 15th" moved to the 17th becomes
    the 17th. Rules that name days the start does not determine stay as they were.
    """
    changes: dict[str, str | None] = {}
    byday = rule.get("BYDAY")
    if byday and days % 7:
        moved = []
        for entry in byday.split(","):
            prefix, name = entry[:-2], entry[-2:]
            if name not in _DAY_NAMES:
                return rule.text()
            moved.append(prefix + _DAY_NAMES[(_DAY_NAMES.index(name) + days) % 7])
        changes["BYDAY"] = ",".join(moved)
    bymonthday = rule.get("BYMONTHDAY")
    if bymonthday and bymonthday.isdigit() and int(bymonthday) == old.day:
        changes["BYMONTHDAY"] = str(new.day)
    return rule.with_parts(**changes).text() if changes else rule.text()


_FOLLOWED_FIELDS = ("title", "location", "notes", "status", "reminders", "calendar_id")


def _follow(ov: Event, old_master: Event, new_master: Event, rid: EventTime) -> Event:
    """An override after its series changed: what it had not changed itself follows the
    series (a three-way merge per field); what it had changed stays its own."""
    changes: dict[str, object] = {"recurrence_id": rid}
    for name in _FOLLOWED_FIELDS:
        if getattr(ov, name) == getattr(old_master, name):
            changes[name] = getattr(new_master, name)
    assert ov.recurrence_id is not None
    kept_time = ov.start == ov.recurrence_id and ov.duration == old_master.duration
    if kept_time:
        changes["start"] = rid
        changes["end"] = shift(rid, new_master.duration)
    return ov.replace(**changes)


def first_instance_on_or_after(master: Event, after: date) -> EventTime | None:
    """Helper for UIs: the first instance whose date is ``after`` or later (searched in
    growing windows from ``after``, each expanded from near its start)."""
    lo = datetime.combine(after, time())
    if master.rrule is None:
        return master.start if own_wall(master.start) >= lo else None
    rule = parse_rule(master.rrule, master.start)
    span = _PERIOD[rule.get("FREQ") or "DAILY"] * int(rule.get("INTERVAL") or 1) * 8
    last = last_instance(master)
    end = own_wall(last) if last is not None else _LAST_WALL
    while lo <= end:
        try:
            hi = min(end, lo + span)
        except OverflowError:
            hi = end
        walls = rule_walls_between(master, lo, hi, limit=1)
        if walls:
            return from_own_wall(walls[0], master.start)
        lo, span = hi + timedelta(microseconds=1), span * 4
    return None
