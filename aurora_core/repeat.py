"""The event editor's repeat presets, without Qt: which rule each preset writes, and
which preset (with its interval, weekdays and end) a stored rule shows as.

A rule no preset writes exactly (several month days, BYSETPOS, a rule that does not
parse, ...) shows as :attr:`RepeatPreset.CUSTOM` with its text, so opening and saving
an event never changes its rule behind the user's back.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aurora_core.model import EventTime, ValidationError
from aurora_core.recurrence import parse_rule

__all__ = ["WEEKDAYS", "RepeatChoice", "RepeatPreset", "nth_weekday"]

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def nth_weekday(d: date) -> tuple[int, int]:
    """(which of its month's weekdays ``d`` is: 1 to 4, or -1 for the last when it is
    the fourth or fifth and the last, ISO weekday 1 = Monday)."""
    n = (d.day - 1) // 7 + 1
    if (d + timedelta(days=7)).month != d.month and n >= 4:
        n = -1
    return n, d.isoweekday()


class RepeatPreset(enum.Enum):
    """The editor's repeat choices, valued as their place in its list."""

    NONE = 0
    DAILY = 1
    WEEKLY = 2
    MONTHLY_DATE = 3
    MONTHLY_WEEKDAY = 4
    YEARLY = 5
    CUSTOM = 6

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def unit(self) -> str:
        """What its interval counts ("week(s)"); empty where it has no interval."""
        return _UNITS.get(self, "")

    def to_rule(self, day: date, *, interval: int = 1, weekdays: Sequence[str] = (),
                until: date | None = None, count: int | None = None,
                custom: str = "") -> str | None:
        """The RRULE this preset writes for an event starting on ``day``: None for
        :attr:`NONE` (and for an empty custom rule). ``weekdays`` (codes, "MO"...) are
        a weekly rule's days, ``until`` (inclusive) or ``count`` its end."""
        if self is RepeatPreset.NONE:
            return None
        if self is RepeatPreset.CUSTOM:
            return custom.strip() or None
        parts = [f"FREQ={_FREQ[self]}"]
        if interval > 1:
            parts.append(f"INTERVAL={interval}")
        if self is RepeatPreset.WEEKLY:
            days = list(weekdays)
            if days and days != [WEEKDAYS[day.weekday()]]:  # the start's own day needs no BYDAY
                parts.append("BYDAY=" + ",".join(days))
        elif self is RepeatPreset.MONTHLY_DATE:
            parts.append(f"BYMONTHDAY={day.day}")
        elif self is RepeatPreset.MONTHLY_WEEKDAY:
            n, wd = nth_weekday(day)
            parts.append(f"BYDAY={n}{WEEKDAYS[wd - 1]}")
        if until is not None:
            parts.append("UNTIL=" + until.strftime("%Y%m%d"))
        elif count is not None:
            parts.append(f"COUNT={count}")
        return ";".join(parts)

    @classmethod
    def from_rule(cls, text: str | None, start: EventTime | None) -> RepeatChoice:
        """How the stored rule ``text`` of an event starting at ``start`` shows."""
        if not text:
            return RepeatChoice(cls.NONE)
        assert start is not None  # a rule comes with its event's start
        try:
            rule = parse_rule(text, start)
        except ValidationError:
            return RepeatChoice(cls.CUSTOM, custom=text)
        parts = dict(rule.parts)
        freq = parts.pop("FREQ")
        interval = int(parts.pop("INTERVAL", "1"))
        parts.pop("WKST", None)
        count, until = parts.pop("COUNT", None), parts.pop("UNTIL", None)
        days: tuple[str, ...] = ()
        preset = None
        if freq == "DAILY" and not parts:
            preset = cls.DAILY
        elif freq == "WEEKLY" and set(parts) <= {"BYDAY"} and all(
                d in WEEKDAYS for d in parts.get("BYDAY", "").split(",") if d):
            preset = cls.WEEKLY
            days = tuple(d for d in parts.get("BYDAY", "").split(",") if d)
        elif freq == "MONTHLY" and set(parts) <= {"BYMONTHDAY"} and \
                "," not in parts.get("BYMONTHDAY", ""):
            preset = cls.MONTHLY_DATE
        elif freq == "MONTHLY" and set(parts) == {"BYDAY"} and \
                re.fullmatch(r"-?\d[A-Z]{2}", parts["BYDAY"]):
            preset = cls.MONTHLY_WEEKDAY
        elif freq == "YEARLY" and not parts:
            preset = cls.YEARLY
        if preset is None:
            return RepeatChoice(cls.CUSTOM, custom=rule.text())
        return RepeatChoice(
            preset, interval=interval, weekdays=days,
            count=int(count) if count else None,
            until=datetime.strptime(until[:8], "%Y%m%d").date() if until and not count
            else None)


@dataclass(frozen=True, slots=True)
class RepeatChoice:
    """A stored rule as the editor shows it. ``weekdays`` empty on a weekly rule: the
    start's own weekday. ``custom``: the rule's text when the preset is CUSTOM."""

    preset: RepeatPreset
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    count: int | None = None
    until: date | None = None
    custom: str = ""


_LABELS = {
    RepeatPreset.NONE: "Does not repeat", RepeatPreset.DAILY: "Daily",
    RepeatPreset.WEEKLY: "Weekly", RepeatPreset.MONTHLY_DATE: "Monthly (same date)",
    RepeatPreset.MONTHLY_WEEKDAY: "Monthly (same weekday)", RepeatPreset.YEARLY: "Yearly",
    RepeatPreset.CUSTOM: "Custom rule",
}
_UNITS = {
    RepeatPreset.DAILY: "day(s)", RepeatPreset.WEEKLY: "week(s)",
    RepeatPreset.MONTHLY_DATE: "month(s)", RepeatPreset.MONTHLY_WEEKDAY: "month(s)",
    RepeatPreset.YEARLY: "year(s)",
}
_FREQ = {
    RepeatPreset.DAILY: "DAILY", RepeatPreset.WEEKLY: "WEEKLY",
    RepeatPreset.MONTHLY_DATE: "MONTHLY", RepeatPreset.MONTHLY_WEEKDAY: "MONTHLY",
    RepeatPreset.YEARLY: "YEARLY",
}
