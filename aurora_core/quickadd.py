"""Quick add: an event from what people type ("Lunch with Anna tomorrow at 1pm").

Pure logic (no Qt): :func:`parse` takes the text, the current instant, the
user's zone and :class:`LocaleInfo` (day/month order, first day of the week,
clock) and returns a :class:`QuickAdd`: title, start and end (zoned or all-day),
the event's zone, an RRULE, and what was understood and what was not, in words
for the preview. Nothing is guessed silently: every assumption (a default
length, a date moved to tomorrow because the time has passed) is listed.

The structure of the phrase (times and time ranges, date ranges, durations,
repeats, "in New York time") is read here with a small grammar; what remains is
searched for one date by dateparser (docs/quickadd.md says why that library),
which knows relative and named dates ("tomorrow", "next Friday", "on the
15th", "in 3 days", "5 Jan", "3/4" in the locale's order). dateparser is
imported on first use (~0.3 s with its first parse): call :func:`warm_up`
before the first keystroke matters.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal

from aurora_core.model import AllDayDate, EventTime, ValidationError, ZonedTime, get_zone, zone_names
from aurora_core.times import wall_in

__all__ = ["LocaleInfo", "QuickAdd", "locale_from_name", "parse", "warm_up"]

DateOrder = Literal["DMY", "MDY", "YMD"]
DEFAULT_LENGTH = timedelta(hours=1)
MAX_TEXT = 500
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class LocaleInfo:
    """What of the user's locale a phrase depends on.

    ``date_order``: how "3/4" reads; ``first_weekday``: ISO weekday the week
    starts on (1 = Monday, 7 = Sunday: "next week", WKST of fortnightly rules);
    ``h24``: the clock the preview uses; ``language``: dateparser's language
    code for named dates (the phrase grammar itself is English).
    """

    date_order: DateOrder = "DMY"
    first_weekday: int = 1
    h24: bool = True
    language: str = "en"


# Territories that write month-first, year-first, or start the week on Sunday
# (CLDR's data, for the locales the desktop does not get from Qt: the command line).
_MDY = {"US", "PH", "FM", "MH", "PW", "BZ", "PR", "AS", "GU", "UM", "VI", "MP"}
_YMD = {"CN", "JP", "KR", "TW", "HU", "LT", "MN", "IR", "BT", "KP"}
_SUNDAY = {"US", "CA", "JP", "BR", "IL", "MX", "PH", "KR", "TW", "HK", "IN", "ZA", "AU",
           "PE", "CO", "AR", "VE", "SA", "TH", "PR", "GT", "HN", "SV", "NI", "PA", "DO"}
_12H = {"US", "CA", "AU", "NZ", "IN", "PH", "EG", "SA", "PK", "BD", "MX", "CO"}


def locale_from_name(name: str) -> LocaleInfo:
    """A :class:`LocaleInfo` from a POSIX locale name ("en_US.UTF-8", "de_DE", "C")."""
    base = name.split(".", 1)[0].split("@", 1)[0]
    lang, _, territory = base.partition("_")
    lang = lang.lower() if lang and lang not in ("C", "POSIX") else "en"
    territory = territory.upper()
    order: DateOrder = "MDY" if territory in _MDY else "YMD" if territory in _YMD else "DMY"
    return LocaleInfo(date_order=order, first_weekday=7 if territory in _SUNDAY else 1,
                      h24=territory not in _12H, language=lang)


@dataclass
class QuickAdd:
    """What :func:`parse` understood. ``error`` set: nothing can be saved (one line)."""

    text: str
    title: str = ""
    start: EventTime | None = None
    end: EventTime | None = None
    zone: str = ""
    local_zone: str = ""
    date_order: str = "DMY"
    rrule: str | None = None
    duration: timedelta | None = None
    understood: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.start is not None and self.end is not None

    @property
    def all_day(self) -> bool:
        return isinstance(self.start, AllDayDate)

    def when(self, h24: bool = True) -> str:
        """The event's time in words, e.g. "Thu 3 Dec 2026, 13:00–14:00 (Europe/Paris)"."""
        if self.start is None or self.end is None:
            return ""
        token = _ORDER.set(self.date_order)
        try:
            text = describe_span(self.start, self.end, h24)
        finally:
            _ORDER.reset(token)
        return text.replace(f" ({self.local_zone})", "") if self.local_zone else text


# ------------------------------------------------------------------ formatting


def _fmt_time(t: time, h24: bool) -> str:
    if h24:
        return f"{t.hour:02d}:{t.minute:02d}"
    h = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{h}{suffix}" if t.minute == 0 else f"{h}:{t.minute:02d}{suffix}"


# The locale's order for the dates the notes show ("Thu 3 Dec 2026" / "Thu Dec 3, 2026"),
# set by parse() and QuickAdd.when() for the formatting below them.
_ORDER: ContextVar[str] = ContextVar("quickadd_date_order", default="DMY")


def _fmt_date(d: date) -> str:
    if _ORDER.get() == "MDY":
        return f"{_DAY_NAMES[d.weekday()]} {_MONTH_NAMES[d.month - 1]} {d.day}, {d.year}"
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def describe_span(start: EventTime, end: EventTime, h24: bool = True) -> str:
    if isinstance(start, AllDayDate) and isinstance(end, AllDayDate):
        last = end.day - timedelta(days=1)
        if last <= start.day:
            return f"{_fmt_date(start.day)}, all day"
        return f"{_fmt_date(start.day)} – {_fmt_date(last)}, all day"
    if isinstance(start, ZonedTime) and isinstance(end, ZonedTime):
        a, b = start.local, end.local
        if a.date() == b.date():
            return (f"{_fmt_date(a.date())}, {_fmt_time(a.time(), h24)}–"
                    f"{_fmt_time(b.time(), h24)} ({start.tz})")
        return (f"{_fmt_date(a.date())} {_fmt_time(a.time(), h24)} – "
                f"{_fmt_date(b.date())} {_fmt_time(b.time(), h24)} ({start.tz})")
    return ""


def _fmt_length(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        n = minutes // (24 * 60)
        return f"{n} day{'s' * (n != 1)}"
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    if h:
        return f"{h} hour{'s' * (h != 1)}"
    return f"{m} minutes"


# ------------------------------------------------------------------ the grammar

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "other": 2}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "fifth": 5, "5th": 5, "last": -1}

_WD = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|" \
      r"sat(?:urday)?|sun(?:day)?)"
_WDS = _WD + r"s?"
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_NUM = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
_ORD = r"(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"

# A time: 13:00, 1:30pm, 1pm, 9.30am, 13h30, noon, midnight. A bare hour ("at 10")
# only after "at" / "@" (group "bare").
_AMPM = r"(?:\s*(?P<{n}ap>[ap])\.?m\.?\b)"
_T_CORE = (r"(?:(?P<{n}h>[01]?\d|2[0-3])(?:(?::|h|\.(?=[0-5]\d\s*[ap]\.?m\b))(?P<{n}m>[0-5]\d))?"
           + _AMPM + "?"
           r"|(?P<{n}word>noon|midday|midnight))")


def _time_re(n: str) -> str:
    return _T_CORE.format(n=n)


_TIME_RANGE = re.compile(
    r"(?:\b(?:from|between)\s+)?(?<![\d:/.])" + _time_re("a") +
    r"\s*(?:-|to|till|until|and)\s*" + _time_re("b") + r"(?![\d:/.])", re.I)
_TIME_ONE = re.compile(
    r"(?:(?P<at>\bat\s+|@\s*|\bfrom\s+|\bstarting\s+at\s+)|\b)(?<![\d:/.])" + _time_re("a") +
    r"(?![\d:/.])(?!\s*(?:st|nd|rd|th|" + _MON + r")\b)", re.I)

_DURATION = re.compile(
    r"\bfor\s+(?:(?P<n>\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|half\s+an?)\s*"
    r"(?P<u>minutes?|mins?|m|hours?|hrs?|h|days?|weeks?)\b"
    r"(?:\s*(?:and\s+)?(?P<n2>\d+)\s*(?:minutes?|mins?|m)\b)?"
    r"|(?P<hm>\d+)h(?P<mm>[0-5]\d)\b)", re.I)
_ALL_DAY = re.compile(r"\ball[\s-]day\b", re.I)

_ZONE_PHRASE = re.compile(r"\b(?:(?P<in>in)\s+)?(?P<z>(?:[a-z][\w.'/+-]*\s+){0,3}?[a-z][\w.'/+-]*)"
                          r"\s+time\b", re.I)
_IN_ZONE = re.compile(r"\bin\s+(?P<z>(?:[a-z][\w.'/+-]*\s+){0,2}[a-z][\w.'/+-]*)\s+time\b", re.I)
_ZONE_TOKEN = re.compile(r"(?<![\w/])(?P<z>[A-Z][A-Za-z]+/[A-Za-z_+\-/]+|UTC|GMT|"
                         r"[ECMP][SD]?T|CES?T|BST|JST|IST|AES[DT])(?![\w/])")

_ZONE_ALIASES = {
    "utc": "UTC", "gmt": "UTC", "zulu": "UTC", "z": "UTC",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "eastern": "America/New_York", "nyc": "America/New_York", "ny": "America/New_York",
    "new york city": "America/New_York", "boston": "America/New_York",
    "washington": "America/New_York", "miami": "America/New_York",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "central": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles", "la": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "uk": "Europe/London", "bst": "Europe/London", "cet": "Europe/Berlin",
    "cest": "Europe/Berlin", "ist": "Asia/Kolkata", "india": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "jst": "Asia/Tokyo", "japan": "Asia/Tokyo",
    "beijing": "Asia/Shanghai", "china": "Asia/Shanghai", "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney", "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "milan": "Europe/Rome", "barcelona": "Europe/Madrid",
    "geneva": "Europe/Zurich", "toronto": "America/Toronto", "montreal": "America/Toronto",
    "vancouver": "America/Vancouver", "sao paulo": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo", "hong kong": "Asia/Hong_Kong",
}


@lru_cache(maxsize=1)
def _zone_index() -> dict[str, str]:
    """Lower-case city / zone names -> IANA name ("new york" -> America/New_York)."""
    index: dict[str, str] = {}
    for name in sorted(zone_names()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/", "Canada/")):
            continue
        city = name.rsplit("/", 1)[1].replace("_", " ").lower()
        # Prefer the canonical continent zones over e.g. "Antarctica/…" duplicates.
        if city not in index or name.startswith(("Europe/", "America/", "Asia/")):
            index[city] = name
        index[name.lower()] = name
    index.update(_ZONE_ALIASES)
    return index


def _zone_named(words: str) -> str | None:
    key = " ".join(words.lower().replace("_", " ").split()).strip(".")
    if not key:
        return None
    found = _zone_index().get(key)
    if found is None and "/" in words:
        cand = words.strip()
        found = cand if cand in zone_names() else None
    return found


# ------------------------------------------------------------------ the parser


class _Text:
    """The phrase with what is understood blanked out (positions stay put)."""

    def __init__(self, text: str) -> None:
        self.s = text

    def take(self, start: int, end: int) -> str:
        part = self.s[start:end]
        self.s = self.s[:start] + " " * (end - start) + self.s[end:]
        return part.strip()

    def remaining(self) -> str:
        return self.s


@dataclass
class _Found:
    day: date | None = None
    end_date: date | None = None  # inclusive, from a date range
    start_time: time | None = None
    end_time: time | None = None
    duration: timedelta | None = None
    all_day: bool = False
    zone: str | None = None
    freq: str | None = None
    interval: int = 1
    byday: list[str] = field(default_factory=list)
    bymonthday: int | None = None
    until: date | None = None
    count: int | None = None
    repeat_length: timedelta | None = None
    weekday_only: int | None = None  # the date came from a bare weekday name
    default_time: time | None = None  # "tonight"
    from_now: timedelta | None = None  # "in 2 hours"
    repeat_said: str = ""  # the repeat's phrases, quoted


def _num(word: str) -> float:
    w = word.lower().replace(",", ".")
    if w.startswith("half"):
        return 0.5
    if w in _NUMBERS:
        return _NUMBERS[w]
    return float(w)


def _time_of(m: re.Match[str], n: str, text_ap: str | None = None) -> tuple[time, bool] | None:
    """The time of group set ``n``; the bool says whether am/pm (or a word) fixed it."""
    word = m.group(f"{n}word")
    if word:
        w = word.lower()
        return (time(0, 0) if w == "midnight" else time(12, 0)), True
    h = int(m.group(f"{n}h"))
    mi = int(m.group(f"{n}m") or 0)
    ap = (m.group(f"{n}ap") or text_ap or "").lower()
    if ap:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ap == "p" else 0)
        return time(h, mi), True
    return time(h, mi), m.group(f"{n}m") is not None  # "15" alone is no time ("December 15")


def parse(text: str, *, now: datetime, zone: str, locale: LocaleInfo | None = None) -> QuickAdd:
    """Read ``text`` as an event; ``now`` is aware, ``zone`` the user's IANA zone."""
    loc = locale or LocaleInfo()
    token = _ORDER.set(loc.date_order)
    try:
        return _parse(text, now, zone, loc)
    finally:
        _ORDER.reset(token)


def _parse(text: str, now: datetime, zone: str, loc: LocaleInfo) -> QuickAdd:
    result = QuickAdd(text=text, date_order=loc.date_order)
    clean = " ".join(text.replace("–", "-").replace("—", "-").split())
    if not re.search(r"\w", clean):
        result.error = "Nothing to add: type what and when, e.g. “Lunch with Anna tomorrow at 1pm”."
        return result
    if len(clean) > MAX_TEXT:
        result.error = f"The text is longer than {MAX_TEXT} characters."
        return result
    t = _Text(clean)
    f = _Found()
    _read_zone(t, f, result)
    _read_repeat(t, f, result, loc, now)
    _read_duration(t, f, result)
    _read_date_range(t, f, result, loc, now)
    _read_times(t, f, result, loc.h24)
    if f.day is None:
        _read_date(t, f, result, loc, now)
    result.title = _title(t.remaining())
    _assemble(f, result, now, zone, loc)
    _flag_leftovers(result)
    result.understood.sort(key=lambda u: _position(clean, u))
    if result.error is None and not result.title:
        result.error = "Say what the event is, not only when (e.g. “Dentist Friday 3pm”)."
    if result.error is None and result.start is None:
        result.error = ("No date or time found in it: say when, e.g. "
                        f"“{result.title or text} tomorrow at 10”.")
    return result


def _position(text: str, note: str) -> int:
    """Where the phrase a note quotes is in the text (notes without one go last)."""
    m = re.match(r"“(.+?)”", note)
    at = text.lower().find(m.group(1).lower()) if m is not None else -1
    return at if at >= 0 else len(text) + 1


def _read_zone(t: _Text, f: _Found, r: QuickAdd) -> None:
    for m in _ZONE_PHRASE.finditer(t.s):
        words = m.group("z").split()
        # The longest tail of the words that names a zone ("call Bob in New York time").
        for i in range(len(words)):
            cand = " ".join(words[i:])
            zone = _zone_named(cand)
            if zone is not None:
                s = m.start("z") + len(" ".join(words[:i])) + (1 if i else 0)
                if i == 0 and m.group("in"):
                    s = m.start()
                elif i > 0 and words[i - 1].lower() == "in":
                    s = m.start("z") + len(" ".join(words[:i - 1])) + (1 if i > 1 else 0)
                phrase = t.take(s, m.end())
                f.zone = zone
                r.understood.append(f"“{phrase}” → time zone {zone}")
                return
    unknown = _IN_ZONE.search(t.s)
    if unknown is not None and _zone_named(unknown.group("z")) is None:
        r.not_understood.append(f"“{unknown.group(0)}”: no time zone of that name "
                                "(try a city, e.g. “in Tokyo time”)")
        t.take(unknown.start(), unknown.end())
        return
    m2 = _ZONE_TOKEN.search(t.s)
    if m2 is not None:
        zone = _zone_named(m2.group("z"))
        if zone is not None:
            s = m2.start()
            before = t.s[:s].rstrip()
            if before.lower().endswith(" in"):
                s = len(before) - 2
            phrase = t.take(s, m2.end())
            f.zone = zone
            r.understood.append(f"“{phrase}” → time zone {zone}")


_REPEAT_SIMPLE = re.compile(
    r"\b(?:(?P<every>every|each)\s+(?:(?P<other>other)\s+|(?P<n>\d+|two|three|four|five|six)\s+)?"
    r"(?P<unit>day|weekday|working\s+day|workday|weekend|week|fortnight|month|year)s?"
    r"|(?P<adverb>daily|weekly|monthly|yearly|annually|biweekly|fortnightly|every\s+weekday|"
    r"(?:on\s+)?weekdays|(?:on\s+)?weekends))\b", re.I)
_REPEAT_DAYS = re.compile(
    r"\b(?:(?P<every>every|each)\s+(?:(?P<other>other)\s+)?(?:on\s+)?|on\s+(?=" + _WD + r")|"
    r"(?=" + _WD + r"s\b))"
    r"(?P<days>" + _WDS + r"(?:\s*(?:,|and|&|,\s*and)\s*" + _WDS + r")*)\b", re.I)
_REPEAT_NTH = re.compile(
    r"\b(?:(?:every|each|on\s+the|the)\s+)?(?P<ord>" + _ORD + r")\s+(?P<wd>" + _WD + r")"
    r"\s+(?:of\s+)?(?:every|each|the)\s+month\b", re.I)
_REPEAT_MONTHDAY = re.compile(
    r"\b(?:(?:on\s+)?the\s+(?P<d1>" + _DAYNUM + r")\s+(?:of\s+)?(?:every|each)\s+month"
    r"|(?:every|each)\s+month\s+on\s+the\s+(?P<d2>" + _DAYNUM + r")"
    r"|monthly\s+on\s+the\s+(?P<d3>" + _DAYNUM + r")"
    r"|every\s+(?P<d4>(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)))\b", re.I)
_REPEAT_END = re.compile(
    r"\b(?:(?P<times>(?:for\s+)?(?P<c>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+times)"
    r"|for\s+(?P<ln>\d+|a|an|one|two|three|four|five|six)\s+(?P<lu>weeks?|months?|years?))\b",
    re.I)
_UNTIL = re.compile(r"\b(?:until|till|through|ending)\s+(?P<rest>.+)$", re.I)


def _days_of(text: str) -> list[str]:
    out: list[str] = []
    for w in re.findall(r"[a-z]+", text.lower()):
        w2 = w[:-1] if w.endswith("s") and w[:-1] in _WEEKDAYS else w
        if w2 in _WEEKDAYS:
            code = WEEKDAY_CODES[_WEEKDAYS[w2]]
            if code not in out:
                out.append(code)
    return out


def _read_repeat(t: _Text, f: _Found, r: QuickAdd, loc: LocaleInfo, now: datetime) -> None:
    said: list[str] = []
    m = _REPEAT_NTH.search(t.s)
    if m is not None:
        n = _ORDINALS[m.group("ord").lower()]
        wd = WEEKDAY_CODES[_WEEKDAYS[m.group("wd").lower()]]
        f.freq, f.byday = "MONTHLY", [f"{n}{wd}"]
        said.append(f"“{t.take(m.start(), m.end())}”")
    if f.freq is None:
        m = _REPEAT_MONTHDAY.search(t.s)
        if m is not None:
            d = next(g for g in (m.group("d1"), m.group("d2"), m.group("d3"), m.group("d4")) if g)
            f.freq, f.bymonthday = "MONTHLY", int(re.sub(r"\D", "", d))
            said.append(f"“{t.take(m.start(), m.end())}”")
    if f.freq is None:
        m = _REPEAT_SIMPLE.search(t.s)
        if m is not None:
            adverb = (m.group("adverb") or "").lower()
            unit = (m.group("unit") or "").lower()
            if adverb in ("daily",):
                f.freq = "DAILY"
            elif adverb in ("weekly",):
                f.freq = "WEEKLY"
            elif adverb in ("biweekly", "fortnightly") or unit == "fortnight":
                f.freq, f.interval = "WEEKLY", 2
            elif adverb == "monthly":
                f.freq = "MONTHLY"
            elif adverb in ("yearly", "annually"):
                f.freq = "YEARLY"
            elif "weekday" in adverb or unit in ("weekday", "working day", "workday"):
                f.freq, f.byday = "WEEKLY", list(WEEKDAY_CODES[:5])
            elif "weekend" in adverb or unit == "weekend":
                f.freq, f.byday = "WEEKLY", ["SA", "SU"]
            else:
                f.freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY",
                          "year": "YEARLY"}[unit]
            if m.group("other"):
                f.interval = 2
            elif m.group("n"):
                f.interval = int(_num(m.group("n")))
            if adverb in ("daily", "weekly", "monthly", "yearly", "biweekly", "fortnightly") \
                    and not t.s[:m.start()].strip():
                said.append(f"“{m.group(0)}” (kept in the title)")  # "Weekly team meeting"
            else:
                said.append(f"“{t.take(m.start(), m.end())}”")
    for m in _REPEAT_DAYS.finditer(t.s):
        if f.byday or not (m.group("every") or f.freq in (None, "WEEKLY")):
            break
        days = _days_of(m.group("days"))
        # "mondays" repeats; "on Monday" only after "weekly" / "every 2 weeks".
        plural = all(w.lower().endswith("s") for w in re.findall(_WDS, m.group("days"), re.I))
        if days and (m.group("every") or plural or f.freq == "WEEKLY"):
            f.freq = "WEEKLY"
            f.byday = days
            if m.group("other"):
                f.interval = 2
            said.append(f"“{t.take(m.start(), m.end())}”")
            break
    if f.freq is None:
        return
    m = _REPEAT_END.search(t.s)
    if m is not None:
        if m.group("times"):
            f.count = int(_num(m.group("c")))
        else:
            n = int(_num(m.group("ln")))
            u = m.group("lu").lower().rstrip("s")
            f.repeat_length = timedelta(weeks=n) if u == "week" else \
                timedelta(days=n * (30 if u == "month" else 365))
        said.append(f"“{t.take(m.start(), m.end())}”")
    m = _UNTIL.search(t.s)
    if m is not None:
        rest = m.group("rest")
        words = rest.split()
        # The longest start of what follows "until" that is a date.
        for k in range(min(len(words), 4), 0, -1):
            cand = " ".join(words[:k])
            d = _one_date(cand, loc, now)
            if d is not None:
                f.until = d
                end = m.start("rest") + len(cand)
                said.append(f"“{t.take(m.start(), end)}”")
                break
        else:
            r.not_understood.append(f"“{m.group(0)}”: no end date understood")
    f.repeat_said = " ".join(said)


def _read_duration(t: _Text, f: _Found, r: QuickAdd) -> None:
    m = _DURATION.search(t.s)
    if m is not None:
        if m.group("hm"):
            d = timedelta(hours=int(m.group("hm")), minutes=int(m.group("mm")))
        else:
            n = _num(m.group("n").replace("half an", "half").replace("half a", "half"))
            u = m.group("u").lower()
            unit = timedelta(minutes=1) if u.startswith("m") else \
                timedelta(days=1) if u.startswith("d") else \
                timedelta(weeks=1) if u.startswith("w") else timedelta(hours=1)
            d = unit * n + timedelta(minutes=int(m.group("n2") or 0))
        if d <= timedelta(0):
            r.not_understood.append(f"“{m.group(0)}”: a length must be more than zero")
        else:
            f.duration = d
            r.understood.append(f"“{t.take(m.start(), m.end())}” → lasts {_fmt_length(d)}")
    m = _ALL_DAY.search(t.s)
    if m is not None:
        f.all_day = True
        r.understood.append(f"“{t.take(m.start(), m.end())}” → all day")


_FROM_NOW = re.compile(r"\bin\s+(?P<n>\d+|an?|one|two|three|four|five|six|half\s+an?)\s*"
                       r"(?P<u>minutes?|mins?|hours?|hrs?)\b", re.I)


def _read_times(t: _Text, f: _Found, r: QuickAdd, h24: bool) -> None:
    m = _FROM_NOW.search(t.s)
    if m is not None:
        n = _num(m.group("n").replace("half an", "half").replace("half a", "half"))
        unit = timedelta(minutes=1) if m.group("u").lower().startswith("m") else timedelta(hours=1)
        f.from_now = unit * n
        r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_length(f.from_now)} from now")
        return
    m = _TIME_RANGE.search(t.s)
    if m is not None:
        shared_ap = m.group("bap")
        a = _time_of(m, "a", None if m.group("aap") else shared_ap)
        b = _time_of(m, "b")
        has_prefix = m.group(0).lower().startswith(("from", "between"))
        fixed = (a is not None and a[1]) or (b is not None and b[1]) or has_prefix
        if a is not None and b is not None and fixed and m.group(0).lower().split()[0] != "and":
            at, bt = a[0], b[0]
            if shared_ap and not m.group("aap") and at > bt:
                at = time((at.hour + 12) % 24, at.minute)  # "11-1pm": 11am to 1pm
            if not a[1] and not b[1]:
                at, bt = _afternoon(at, r, h24), _afternoon(bt, r, h24)
            f.start_time, f.end_time = at, bt
            r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_time(at, h24)}–"
                                f"{_fmt_time(bt, h24)}")
            return
    for m in _TIME_ONE.finditer(t.s):
        one = _time_of(m, "a")
        if one is None:
            continue
        fixed = one[1]
        if not fixed and not m.group("at"):
            continue  # a bare number ("Buy 2 apples") is no time
        phrase = t.take(m.start(), m.end())
        tm = one[0] if fixed else _afternoon(one[0], r, h24)
        f.start_time = tm
        r.understood.append(f"“{phrase}” → {_fmt_time(tm, h24)}")
        return


def _afternoon(tm: time, r: QuickAdd, h24: bool) -> time:
    """A bare hour from 1 to 6 ("at 3") is read as the afternoon, and said so."""
    if 1 <= tm.hour <= 6:
        later = time(tm.hour + 12, tm.minute)
        r.understood.append(f"{tm.hour} without am/pm → {_fmt_time(later, h24)} (afternoon assumed)")
        return later
    return tm


# Date ranges: "12-14 March", "March 12-14", "12 March - 3 April", "Monday to Wednesday".
_D_MON = r"(?:" + _DAYNUM + r"\s+(?:of\s+)?" + _MON + r"|" + _MON + r"\s+" + _DAYNUM + r")"
_DATE_RANGE = re.compile(
    r"\b(?:from\s+)?(?:(?P<d1>" + _DAYNUM + r")\s*-\s*(?P<d2>" + _DAYNUM + r")\s+(?P<m1>" + _MON +
    r")|(?P<m2>" + _MON + r")\s+(?P<d3>" + _DAYNUM + r")\s*-\s*(?P<d4>" + _DAYNUM + r")"
    r"|(?P<x>" + _D_MON + r"|" + _WD + r")\s*(?:-|to|until|till|through|thru)\s*(?P<y>" + _D_MON +
    r"|" + _WD + r"))\b(?:\s+(?P<year>20\d\d)\b)?", re.I)


def _read_date_range(t: _Text, f: _Found, r: QuickAdd, loc: LocaleInfo, now: datetime) -> None:
    m = _DATE_RANGE.search(t.s)
    if m is None:
        return
    year = m.group("year")
    if m.group("m1") or m.group("m2"):
        month = m.group("m1") or m.group("m2")
        d1 = re.sub(r"\D", "", m.group("d1") or m.group("d3"))
        d2 = re.sub(r"\D", "", m.group("d2") or m.group("d4"))
        a = _one_date(f"{d1} {month} {year or ''}", loc, now)
        b = _one_date(f"{d2} {month} {year or ''}", loc, now)
    else:
        a = _one_date(f"{m.group('x')} {year or ''}", loc, now)
        b = _one_date(f"{m.group('y')} {year or ''}", loc, now)
    if a is None or b is None:
        return
    if b < a:  # "Friday to Monday", "30 Dec - 2 Jan": the end is the next such day
        weekday_end = re.fullmatch(_WD, m.group("y") or "", re.I) is not None
        b = b + timedelta(days=7) if weekday_end else b.replace(year=b.year + 1)
    f.day, f.end_date = a, b
    r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(a)} to {_fmt_date(b)}")


_DATE_CUE = re.compile(
    r"\d|\b(?:today|tomorrow|tmrw|tonight|yesterday|next|this|in|ago|day|week|month|year|"
    r"weekend|fortnight)\b|" + _WD + r"\b", re.I)
_DATE_WORD = re.compile(r".*\d.*|" + _WD + r"|" + _MON + r"|today|tomorrow|tonight|next|this|in|"
                        r"the|day|after|before", re.I)
# Words a date cannot lose ("December 15" is not "15").
_NAMED_DAY = re.compile(_WD + r"|" + _MON + r"\.?|today|tomorrow|tonight|next|this|in", re.I)
# A phrase that names a day, not only a month or a year ("Q1 2027", "March 2027").
_HAS_DAY = re.compile(
    r"\b(?:" + _WD + r"|today|tomorrow|tmrw|tonight|yesterday|days?|weeks?|fortnight)\b"
    r"|\b(?:in|next|after|ago)\b.*\b(?:months?|years?)\b|\b(?:months?|years?)\s+ago\b"
    r"|\d\s*(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"\b|\b" + _MON + r"\.?\s+\d{1,2}(?!\d)"
    r"|\d{1,4}\s*[/.-]\s*\d{1,2}|\bthe\s+\d{1,2}(?:st|nd|rd|th)?\b|\bon\s+\d{1,2}(?:st|nd|rd|th)\b",
    re.I)
_TIME_WORD = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,2}\s*[ap]\.?m\.?", re.I)
_WEAK_ALONE = re.compile(r"^(?:" + _MON + r"\.?|sun|sat|wed|mar|may|jun|jan|thu|fri|mon|tue)$",
                         re.I)
# "next Friday" is "Friday next week" (GNOME, Google): the Friday of the week after
# this one, per the locale's first day, never the coming Friday of this week.
_NEXT_WEEK = re.compile(r"\b(?:(?:on\s+)?(?P<wd1>" + _WD + r")\s+)?next\s+week"
                        r"(?:\s+(?:on\s+)?(?P<wd2>" + _WD + r"))?\b"
                        r"|\b(?:on\s+)?next\s+(?P<wd3>" + _WD + r")\b", re.I)
_BARE_WEEKDAY = re.compile(r"^(?:on\s+|this\s+)?(?P<wd>" + _WD + r")$", re.I)
_DOTTED = re.compile(r"(?:\bon\s+)?\b(?P<d>[12]\d|3[01]|0?[1-9])\.(?P<m>1[0-2]|0?[1-9])\."
                     r"(?P<y>\d{4}|\d{2})?(?![\d.])")
_TONIGHT = re.compile(r"\btonight\b", re.I)
_WEEKEND = re.compile(r"\b(?:this\s+|on\s+the\s+|at\s+the\s+|(?P<next>next\s+))?weekend\b",
                      re.I)
_NEXT_WEEKDAY = re.compile(r"^(?:on\s+)?next\s+(?P<wd>" + _WD + r")$", re.I)


def _week_start(d: date, loc: LocaleInfo) -> date:
    """The first day (per the locale) of the week containing ``d``."""
    back = (d.isoweekday() - loc.first_weekday) % 7
    return d - timedelta(days=back)


def _in_next_week(today: date, wd: str, loc: LocaleInfo) -> date:
    """"next Friday", "Friday next week": that day of the week after this one."""
    start = _week_start(today, loc) + timedelta(days=7)
    return start + timedelta(days=(_WEEKDAYS[wd.lower()] + 1 - start.isoweekday()) % 7)


def _read_date(t: _Text, f: _Found, r: QuickAdd, loc: LocaleInfo, now: datetime) -> None:
    today = now.date()
    m = _NEXT_WEEK.search(t.s)
    if m is not None:
        start = _week_start(today, loc) + timedelta(days=7)
        wd = m.group("wd1") or m.group("wd2") or m.group("wd3")
        if wd:
            d = _in_next_week(today, wd, loc)
            f.day = d
            r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(d)}")
        else:
            f.day = start
            r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(start)} "
                                f"(the first day of next week)")
        return
    m = _TONIGHT.search(t.s)
    if m is not None:
        f.day, f.default_time = today, time(19, 0)
        r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(today)}")
        return
    m = _WEEKEND.search(t.s)
    if m is not None:
        sat = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            sat = today - timedelta(days=1)
        if m.group("next"):  # the one after this weekend, as "next Saturday"
            sat += timedelta(days=7)
        f.day, f.end_date = sat, sat + timedelta(days=1)
        r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(sat)} to "
                            f"{_fmt_date(sat + timedelta(days=1))}")
        return
    m = _DOTTED.search(t.s)
    if m is not None:  # "12.03." / "12.03.2027": day first wherever dots are written
        year = int(m.group("y")) if m.group("y") else today.year
        year += 2000 if year < 100 else 0
        dotted: date | None
        try:
            dotted = date(year, int(m.group("m")), int(m.group("d")))
        except ValueError:
            dotted = None
        if dotted is not None:
            if not m.group("y") and dotted < today:
                dotted = dotted.replace(year=dotted.year + 1)
            f.day = dotted
            r.understood.append(f"“{t.take(m.start(), m.end())}” → {_fmt_date(dotted)}")
            return
    for phrase, d in _search_dates(t.s, loc, now):
        p = phrase.strip()
        # The cue words are English; in another language dateparser's own words count.
        english = loc.language == "en"
        if (english and not _DATE_CUE.search(p)) or _WEAK_ALONE.match(p.strip(" .")):
            if _WEAK_ALONE.match(p.strip(" .")) and re.fullmatch(_MON + r"\.?", p, re.I):
                r.not_understood.append(f"“{p}”: a month without a day is not read as a date")
            continue
        if re.fullmatch(r"(?:in\s+)?\d+|\d{1,2}(?:st|nd|rd|th)", p, re.I):
            continue  # a bare number ("Room 4", "2nd floor") is not a date; "the 2nd" is
        if english and not _HAS_DAY.search(p):
            r.not_understood.append(f"“{p}”: no day in it, not read as a date")
            continue
        idx = t.s.find(phrase)
        if idx < 0:
            continue
        # dateparser takes words around a date ("evening 10 December"): keep the
        # shortest tail that still means the same day.
        words = phrase.split()
        while len(words) > 1 and not _NAMED_DAY.fullmatch(words[0]) and \
                _one_date(" ".join(words[1:]), loc, now) == d:
            idx = t.s.find(words[1], idx + len(words[0]))
            words = words[1:]
        while len(words) > 1 and words[-1].lower() in ("in", "at", "on", "by", "the", "from"):
            words = words[:-1]
        if not re.search(r"\b\d{4}\b", " ".join(words)) and abs(d.year - today.year) > 1:
            # No year was written, yet dateparser gave a far one: a number after the
            # date became its year ("15. Dezember um 10" -> 2110). Drop words from the
            # end until the date is a near one; never keep the far guess.
            whole = words
            while len(words) > 1:
                words = words[:-1]
                near = _one_date(" ".join(words), loc, now)
                if near is not None and abs(near.year - today.year) <= 1:
                    d = near
                    while len(words) > 1 and len(words[-1]) <= 3 \
                            and not re.search(r"\d", words[-1]) \
                            and _one_date(" ".join(words[:-1]), loc, now) == d:  # "um", "à"
                        words = words[:-1]
                    dropped = " ".join(whole[len(words):])
                    r.not_understood.append(f"“{dropped}” was not understood; it stays in "
                                            f"the title")
                    break
            else:
                r.not_understood.append(f"“{p}”: read as a date in {d.year}, not used")
                continue
        phrase = " ".join(words)
        p = phrase
        wd = _BARE_WEEKDAY.match(p)
        if wd is not None:
            # A weekday name: the next such day, today included (dateparser skips today).
            n = _WEEKDAYS[wd.group("wd").lower()]
            d = today + timedelta(days=(n - today.weekday()) % 7)
            f.weekday_only = n
        elif f.day is not None:
            r.not_understood.append(f"“{p}”: a second date; the first one is used")
            continue
        f.day = d
        r.understood.append(f"“{t.take(idx, idx + len(phrase))}” → {_fmt_date(d)}")
        bad_time = re.search(r"\d{1,2}[:.]\d{2}|\d\s*[ap]\.?m\b", p, re.I)
        if bad_time is not None:
            r.not_understood.append(f"“{bad_time.group(0)}” was not understood as a time")
        if not _is_absolute(p):
            continue
        if d < today:
            r.understood.append("that date is in the past")


def _is_absolute(p: str) -> bool:
    return bool(re.search(r"\d", p)) and not re.search(r"\b(?:in|ago)\b", p, re.I)


def _settings(loc: LocaleInfo, now: datetime) -> dict[str, Any]:
    return {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
            "DATE_ORDER": loc.date_order, "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": False}


MAX_DATE_WORDS = 8


def _search_dates(text: str, loc: LocaleInfo, now: datetime) -> list[tuple[str, date]]:
    """dateparser's dates in ``text``, read up to the MAX_DATE_WORDS-th word that could
    be part of one: its search costs a parse per candidate, ~2 ms each ("1 1 1 …" of
    200 characters took 0.35 s); a real phrase has one to three."""
    if not re.search(r"\w", text):
        return []
    text = re.sub(r"\S{26,}", lambda m: " " * len(m.group(0)), text)  # no date is that long
    cues = [m.end() for m in re.finditer(r"\S*(?:\d|" + _DATE_CUE.pattern + r")\S*", text, re.I)]
    if len(cues) > MAX_DATE_WORDS:
        text = text[:cues[MAX_DATE_WORDS - 1]]
    from dateparser.search import search_dates

    try:
        found = search_dates(text, languages=_languages(loc), settings=_settings(loc, now))
    except (ValueError, OverflowError, TypeError):
        return []
    return [(str(p), d.date()) for p, d in (found or [])]


def _one_date(text: str, loc: LocaleInfo, now: datetime) -> date | None:
    import dateparser

    text = " ".join(text.split())
    wd = _BARE_WEEKDAY.match(text)
    today = now.date()
    nxt = _NEXT_WEEKDAY.match(text)
    if nxt is not None:  # "until next Friday" is the "next Friday" of the date
        return _in_next_week(today, nxt.group("wd"), loc)
    if wd is not None:
        n = _WEEKDAYS[wd.group("wd").lower()]
        return today + timedelta(days=(n - today.weekday()) % 7)
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    try:
        d = dateparser.parse(text, languages=_languages(loc), settings=_settings(loc, now))
    except (ValueError, OverflowError, TypeError):
        return None
    return d.date() if isinstance(d, datetime) else None


def _languages(loc: LocaleInfo) -> list[str]:
    return ["en"] if loc.language == "en" else [loc.language, "en"]


_BEFORE_GAP = {"at", "on", "from", "by", "@", "starting", "until", "till", "between", "for"}
_CONNECTORS = {"at", "on", "from", "for", "in", "by", "starting", "every", "each", "the", "of",
               "and", "to", "until", "till", "-", ",", "@", "between", "this", "next"}


_GAP = "\x00"


def _title(rest: str) -> str:
    # A connector just before an understood part goes with it ("John on ␀Thursday").
    marked = re.sub(r"\s{2,}", f" {_GAP} ", rest)
    words = marked.split()
    words = [w for i, w in enumerate(words)
             if w != _GAP and not (w.lower() in _BEFORE_GAP and i + 1 < len(words)
                                   and words[i + 1] == _GAP)]
    # Drop connectors left next to understood parts ("Dentist on", "at").
    while words and words[-1].lower().strip(",;:") in _CONNECTORS:
        words.pop()
    while words and words[0].lower() in ("-", ",", "@", "on", "at"):
        words.pop(0)
    title = " ".join(words).strip(" ,;-")
    return re.sub(r"\s+([,;:])", r"\1", title)


_LEFTOVER = re.compile(
    r"\b(?:\d{1,2}[:.]\d{2}|\d{1,2}\s*[ap]\.?m\b|" + _WD + r"|" + _MON + r"(?=\s+\d)|tomorrow|today|"
    r"every|daily|weekly|monthly|noon|midnight|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b", re.I)


def _flag_leftovers(r: QuickAdd) -> None:
    for m in _LEFTOVER.finditer(r.title):
        if any(f"“{m.group(0)}” (kept in the title)" in u for u in r.understood):
            continue
        r.not_understood.append(f"“{m.group(0)}” was not understood; it stays in the title")


def _assemble(f: _Found, r: QuickAdd, now: datetime, local_zone: str, loc: LocaleInfo) -> None:
    zone = f.zone or local_zone
    try:
        tz = get_zone(zone)
    except ValidationError:
        r.error = f"Unknown time zone {zone!r}."
        return
    r.zone, r.local_zone = zone, local_zone
    r.duration = f.duration
    wall_now = now.astimezone(tz).replace(tzinfo=None)
    today = wall_now.date()
    if f.from_now is not None and f.freq is None:
        start_wall = (now + f.from_now).astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        f.day, f.start_time, f.all_day = start_wall.date(), start_wall.time(), False
    if f.day is None and f.start_time is None and f.freq is None and f.default_time is None:
        return
    start_time = f.start_time or (f.default_time if not f.all_day else None)
    if f.default_time is not None and f.start_time is None and not f.all_day:
        r.understood.append(f"no time given → {_fmt_time(f.default_time, loc.h24)} (evening assumed)")
    timed = start_time is not None and not f.all_day
    if f.all_day and f.start_time is not None:
        r.not_understood.append("“all day” and a time: the time is ignored")
    day = f.day
    if day is None and f.freq is None and start_time is not None:
        day = today
        if datetime.combine(today, start_time) <= wall_now:
            day = today + timedelta(days=1)
            r.understood.append(f"no date given → tomorrow, {_fmt_date(day)} "
                                f"({_fmt_time(start_time, loc.h24)} has passed today)")
        else:
            r.understood.append(f"no date given → today, {_fmt_date(day)}")
    elif f.weekday_only is not None and day == today and start_time is not None \
            and datetime.combine(today, start_time) <= wall_now and f.freq is None:
        day = today + timedelta(days=7)
        r.understood.append(f"that time has passed today → {_fmt_date(day)}")
    rrule = None
    if f.freq is not None:
        rrule, day = _rule(f, day, start_time if timed else None, wall_now, loc, r)
    assert day is not None
    if not timed:
        last = f.end_date or day
        if f.duration is not None and f.end_date is None:
            if f.duration >= timedelta(days=1):
                last = day + timedelta(days=max(1, f.duration.days) - 1)
            else:
                r.not_understood.append(f"a length of {_fmt_length(f.duration)} needs a start "
                                        "time; made an all-day event")
        r.start, r.end = AllDayDate(day), AllDayDate(last + timedelta(days=1))
        if f.day is not None and not f.all_day and f.freq is None:
            r.understood.append("no time given → all day")
    else:
        assert start_time is not None
        start_wall = datetime.combine(day, start_time)
        if f.end_time is not None:
            end_day = f.end_date or day
            end_wall = datetime.combine(end_day, f.end_time)
            if end_wall <= start_wall:
                end_wall += timedelta(days=1)
        elif f.end_date is not None:
            end_wall = datetime.combine(f.end_date, start_time) + (f.duration or DEFAULT_LENGTH)
        elif f.duration is not None:
            end_wall = start_wall + f.duration
        else:
            end_wall = start_wall + DEFAULT_LENGTH
            r.understood.append("no end or length given → 1 hour")
        r.start = ZonedTime.from_local(start_wall, zone)
        r.end = ZonedTime.from_local(end_wall, zone)
        if f.zone and f.zone != local_zone:
            here = wall_in(r.start, get_zone(local_zone))
            r.understood.append(f"{_fmt_time(start_wall.time(), loc.h24)} in {zone} is "
                                f"{_fmt_date(here.date())} {_fmt_time(here.time(), loc.h24)} "
                                f"in {local_zone}")
    r.rrule = rrule


def _rule(f: _Found, day: date | None, start_time: time | None, wall_now: datetime,
          loc: LocaleInfo, r: QuickAdd) -> tuple[str, date]:
    """The RRULE, and the first day it happens on (on or after ``day``, or today)."""
    from dateutil.rrule import rrulestr

    parts = [f"FREQ={f.freq}"]
    if f.interval > 1:
        parts.append(f"INTERVAL={f.interval}")
    if f.byday:
        parts.append("BYDAY=" + ",".join(f.byday))
    if f.bymonthday is not None:
        parts.append(f"BYMONTHDAY={f.bymonthday}")
    first_from = day or wall_now.date()
    if f.freq == "WEEKLY" and f.interval > 1:  # only then does the week's start matter
        parts.append(f"WKST={WEEKDAY_CODES[loc.first_weekday - 1]}")
    base = datetime.combine(first_from, start_time or time(0, 0))
    if day is None and start_time is not None and base <= wall_now:
        base = base + timedelta(days=1)
    if day is None and start_time is None:
        base = datetime.combine(wall_now.date(), time(0))
    # The first instance with no INTERVAL: the series then counts from it (with its
    # INTERVAL from a base day, "every 2 weeks on Monday" could skip the next Monday).
    rule = rrulestr(";".join(p for p in parts if not p.startswith("INTERVAL=")), dtstart=base)
    first = rule.after(base, inc=True)
    first_day = first.date() if first is not None else first_from
    if f.until is not None:
        parts.append("UNTIL=" + f.until.strftime("%Y%m%d"))
    elif f.repeat_length is not None:
        last = first_day + f.repeat_length - timedelta(days=1)
        parts.append("UNTIL=" + last.strftime("%Y%m%d"))
    elif f.count is not None:
        parts.append(f"COUNT={f.count}")
    text = ";".join(parts)
    r.understood.append(f"{f.repeat_said} → repeats {rule_in_words(text)}; the first is on "
                        f"{_fmt_date(first_day)}")
    return text, first_day


def warm_up(loc: LocaleInfo | None = None) -> None:
    """Import dateparser and parse once, so the first keystroke is not the slow one."""
    now = datetime(2026, 1, 1, 12, 0).astimezone()
    _search_dates("lunch tomorrow", loc or LocaleInfo(), now)
    _zone_index()



_FULL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rule_in_words(rule: str) -> str:
    """An RRULE that quick add makes, in words ("every other Friday, until Sat 27 Mar 2027")."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq, n = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "")
    every = f"every {unit}" if n == 1 else "every other " + unit if n == 2 else f"every {n} {unit}s"
    if freq == "WEEKLY" and days:
        if days == list(WEEKDAY_CODES[:5]) and n == 1:
            text = "every weekday"
        elif days == ["SA", "SU"] and n == 1:
            text = "every weekend"
        else:
            names = [_FULL_DAYS[WEEKDAY_CODES.index(d)] for d in days if d in WEEKDAY_CODES]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            text = ("every " if n == 1 else "every other " if n == 2 else f"every {n} weeks on ") \
                + joined
    elif freq == "MONTHLY" and days:
        m = re.fullmatch(r"(-?\d)([A-Z]{2})", days[0])
        if m is not None and m.group(2) in WEEKDAY_CODES:
            day = _FULL_DAYS[WEEKDAY_CODES.index(m.group(2))]
            text = f"the {_NTH.get(int(m.group(1)), m.group(1))} {day} of {every}"
        else:
            text = every
    elif freq == "MONTHLY" and "BYMONTHDAY" in parts:
        text = f"the {_ordinal(int(parts['BYMONTHDAY']))} of {every}"
    else:
        text = every
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        u = parts["UNTIL"][:8]
        text += f", until {_fmt_date(date(int(u[:4]), int(u[4:6]), int(u[6:8])))}"
    return text
