"""Time zones defined by an imported file's VTIMEZONE (the zone registry).

A VTIMEZONE whose offsets or DST rules match no IANA zone (an offset of +03:17,
a change at another hour…) becomes a zone of its own, named
``X-AURORA/<hash>``: the first 32 hex digits of the SHA-256 of its
*normalised definition* (the VTIMEZONE's content lines, unfolded, without
LAST-MODIFIED; see :func:`normalise`). The name is content-addressed, so a
name means one definition everywhere: on every desktop, on the server, for
every user. That is what lets the registry here be one per process, and lets
the definition travel with the events that use it (the store's ``zones``
table, the wire format's ``zones`` maps) without any id to allocate or clash.

:func:`aurora_core.model.get_zone` asks :func:`lookup` for such a name. The
tzinfo is built here from the definition's observances (STANDARD/DAYLIGHT
with DTSTART, TZOFFSETFROM, TZOFFSETTO, RRULE and RDATE), expanded to the
end of :data:`HORIZON_YEAR`; after the last change the last offset holds.
It follows PEP 495: a wall time in a gap or an overlap resolves by ``fold``
as :class:`zoneinfo.ZoneInfo` does (fold=0: the offset before the change,
which is what RFC 5545 says).

Bounds (a definition comes from a file or a request): at most
:data:`MAX_DEFINITION` characters and :data:`MAX_CHANGES` changes, offsets
under a day, observance rules yearly or monthly. Parsed zones are cached by
name (at most :data:`CACHE_SIZE`, least recently used dropped); a name not in
the cache is asked of the :data:`resolver` of the current context (the
desktop store reads its ``zones`` table, the server the user's stored zones),
and the answer is checked against the name before it is used.
"""

from __future__ import annotations

import hashlib
import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime, timedelta, tzinfo
from itertools import islice, takewhile
from math import gcd

__all__ = [
    "CUSTOM_PREFIX",
    "MAX_DEFINITION",
    "CustomZone",
    "add_source",
    "definition",
    "definitions_for",
    "display_name",
    "is_custom",
    "is_tzid_line",
    "lookup",
    "normalise",
    "register",
    "register_named",
    "resolver",
    "tzid_of",
    "zone_name",
]

CUSTOM_PREFIX = "X-AURORA/"
MAX_DEFINITION = 16_000  # characters of the normalised definition
MAX_CHANGES = 5_000  # offset changes one definition may make up to HORIZON_YEAR
HORIZON_YEAR = 2200  # the wire format's last year; the last offset holds after it
CACHE_SIZE = 2_048
NAME_RE = re.compile(r"^X-AURORA/[0-9a-f]{32}$")

# Where a name not in the cache is looked up (desktop: the store; server: the user's
# stored zones). Returns the definition, or None.
resolver: ContextVar[Callable[[str], str | None] | None] = ContextVar(
    "aurora_zone_resolver", default=None)

# Process-wide places to look a name up after the resolver (the desktop's store files),
# by key, most recent last; at most MAX_SOURCES.
MAX_SOURCES = 16
_sources: OrderedDict[str, Callable[[str], str | None]] = OrderedDict()

_EPOCH = datetime(1970, 1, 1)
_lock = threading.Lock()
_cache: OrderedDict[str, CustomZone] = OrderedDict()


def _error(text: str) -> Exception:
    from aurora_core.model import ValidationError  # model imports this module

    return ValidationError(text)


def is_custom(name: str) -> bool:
    """Whether ``name`` is a registry name (``X-AURORA/…``), known here or not."""
    return name.startswith(CUSTOM_PREFIX)


def _unfold(text: str) -> list[str]:
    text = re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def _split(line: str) -> tuple[str, dict[str, str], str]:
    """A content line's name (upper-case), parameters and value."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = line[:i], line[i + 1:]
            break
    else:
        raise _error(f"{line[:40]!r} is not an iCalendar content line")
    name, *params = head.split(";")
    out: dict[str, str] = {}
    for p in params:
        k, _, v = p.partition("=")
        out[k.strip().upper()] = v.strip().strip('"')
    return name.strip().upper(), out, value.strip()


def normalise(text: str) -> str:
    """The definition as it is hashed, stored and sent: the VTIMEZONE's content lines,
    unfolded, trailing blanks and LAST-MODIFIED removed, joined by ``\\n``.

    Raises :class:`~aurora_core.model.ValidationError` for text that is not one
    VTIMEZONE or is longer than :data:`MAX_DEFINITION`.
    """
    if len(text) > 4 * MAX_DEFINITION:
        raise _error(f"a time zone definition is longer than {MAX_DEFINITION} characters")
    lines = [line for line in _unfold(text)
             if not line.upper().startswith(("LAST-MODIFIED:", "LAST-MODIFIED;"))]
    if not lines or lines[0].upper() != "BEGIN:VTIMEZONE" or lines[-1].upper() != "END:VTIMEZONE":
        raise _error("a time zone definition must be one BEGIN:VTIMEZONE … END:VTIMEZONE")
    out = "\n".join(lines)
    if len(out) > MAX_DEFINITION:
        raise _error(f"the time zone definition is {len(out)} characters long; at most "
                     f"{MAX_DEFINITION} are kept")
    return out


def zone_name(normalised: str) -> str:
    """The registry name of a normalised definition."""
    return CUSTOM_PREFIX + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


def _offset(value: str) -> int:
    m = re.fullmatch(r"([+-])(\d\d)(\d\d)(\d\d)?", value.strip())
    if m is None:
        raise _error(f"time zone offset {value!r} is not of the form +HHMM")
    secs = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4) or 0)
    if secs >= 86_400:
        raise _error(f"time zone offset {value!r} is a day or more")
    return -secs if m.group(1) == "-" else secs


def _local(value: str) -> datetime:
    v = value.strip().rstrip("Z")
    try:
        if len(v) == 8:
            return datetime.strptime(v, "%Y%m%d")
        return datetime.strptime(v, "%Y%m%dT%H%M%S")
    except ValueError:
        raise _error(f"{value!r} is not a date-time in a time zone definition") from None


def _secs(wall: datetime) -> int:
    d = wall - _EPOCH
    return d.days * 86_400 + d.seconds


def _late_start(start: datetime, parts: dict[str, str]) -> datetime:
    """Where to start expanding a rule whose DTSTART is long before the years any event
    can have (Outlook writes 1601): the same phase of the rule in 1899, so the rule
    yields the same changes from 1900 on without walking three centuries. Rules with
    COUNT (counted from DTSTART) and dates that have no twin in 1899 start where given."""
    if start.year >= 1899 or "COUNT" in parts:
        return start
    try:
        interval = max(1, int(parts.get("INTERVAL", "1")))
    except ValueError:
        return start
    # A shift of whole years keeps a yearly rule's phase when it is a multiple of its
    # interval, a monthly one's when its months are.
    step = interval if parts["FREQ"].upper() == "YEARLY" else interval // gcd(interval, 12)
    years = (1899 - start.year) // step * step
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start


class CustomZone(tzinfo):
    """A tzinfo made from a VTIMEZONE definition (see the module's doc)."""

    def __init__(self, normalised: str) -> None:
        self.definition = normalised
        self.name = zone_name(normalised)
        self.tzid = ""
        onsets: list[tuple[int, int, int, bool, str]] = []  # utc, from, to, dst, TZNAME
        block: dict[str, list[tuple[dict[str, str], str]]] | None = None
        kind = ""
        observances = 0
        for line in normalised.split("\n"):
            name, params, value = _split(line)
            if name == "BEGIN" and value.upper() in ("STANDARD", "DAYLIGHT"):
                if block is not None:
                    raise _error("a time zone observance inside another")
                block, kind = {}, value.upper()
            elif name == "END" and value.upper() in ("STANDARD", "DAYLIGHT"):
                if block is None:
                    raise _error("END of a time zone observance that did not begin")
                onsets += self._onsets(block, kind == "DAYLIGHT", len(onsets))
                observances += 1
                block = None
            elif block is not None:
                block.setdefault(name, []).append((params, value))
            elif name == "TZID" and not self.tzid:
                self.tzid = value
        if not self.tzid:
            raise _error("the time zone definition has no TZID")
        if not observances or not onsets:
            raise _error(f"the time zone {self.tzid!r} defines no offsets")
        onsets.sort()
        self._utc: list[int] = []
        self._offs: list[int] = [onsets[0][1]]
        self._dst: list[int] = [0]
        self._names: list[str] = [onsets[0][4] if not onsets[0][3] else self.tzid]
        for utc, frm, to, dst, tzname in onsets:
            if self._utc and self._utc[-1] == utc:  # two observances at one instant: the later
                self._offs[-1], self._dst[-1], self._names[-1] = to, (to - frm if dst else 0), \
                    tzname
                continue
            self._utc.append(utc)
            self._offs.append(to)
            self._dst.append(to - frm if dst and to > frm else 0)
            self._names.append(tzname)
        # Each change's walls: [lo, hi) is the gap or the overlap it makes.
        self._lo = [u + min(a, b) for u, a, b in zip(self._utc, self._offs, self._offs[1:], strict=False)]
        self._hi = [u + max(a, b) for u, a, b in zip(self._utc, self._offs, self._offs[1:], strict=False)]

    def _onsets(self, block: dict[str, list[tuple[dict[str, str], str]]], dst: bool,
                so_far: int) -> list[tuple[int, int, int, bool, str]]:
        def one(name: str) -> str:
            got = block.get(name)
            if not got:
                raise _error(f"a time zone observance has no {name}")
            return got[0][1]

        start = _local(one("DTSTART"))
        frm, to = _offset(one("TZOFFSETFROM")), _offset(one("TZOFFSETTO"))
        tzname = (block.get("TZNAME") or [({}, "")])[0][1] or self.tzid
        end = datetime(HORIZON_YEAR + 1, 1, 1)
        walls: list[datetime] = [start]
        for _, rule in block.get("RRULE", [])[:1]:
            walls += self._rule_walls(rule, start, frm, end)
        for _, value in block.get("RDATE", []):
            for item in value.split(","):
                walls.append(_local(item.split("/")[0]))
        if so_far + len(walls) > MAX_CHANGES:
            raise _error(f"the time zone {self.tzid!r} changes its offset more than "
                         f"{MAX_CHANGES} times")
        return [(_secs(w) - frm, frm, to, dst, tzname) for w in walls if w < end]

    def _rule_walls(self, rule: str, start: datetime, frm: int, end: datetime) -> list[datetime]:
        parts = {k.upper(): v for k, _, v in (p.partition("=") for p in rule.split(";"))}
        if parts.get("FREQ", "").upper() not in ("YEARLY", "MONTHLY") or \
                {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
            raise _error(f"the time zone {self.tzid!r} has a rule that is not a yearly or "
                         f"monthly change ({rule[:60]!r})")
        until = parts.get("UNTIL")
        if until is not None:  # RFC 5545: in UTC; dateutil wants it in DTSTART's frame
            wall = _local(until)
            if until.strip().upper().endswith("Z"):
                wall += timedelta(seconds=frm)
            parts["UNTIL"] = wall.strftime("%Y%m%dT%H%M%S")
        text = ";".join(f"{k}={v}" for k, v in parts.items())
        from dateutil.rrule import rrulestr  # only for zones with rules: start-up time

        try:
            it = rrulestr(text, dtstart=_late_start(start, parts))
            walls = [w for w in takewhile(lambda w: w < end, islice(it, MAX_CHANGES + 1))
                     if w > start]
        except (ValueError, TypeError, OverflowError) as exc:
            raise _error(f"the time zone {self.tzid!r} has a rule that cannot be read "
                         f"({exc})") from None
        return walls

    # -- tzinfo ------------------------------------------------------------

    def _period(self, dt: datetime) -> int:
        """The index into the offsets of the period wall ``dt`` is in (by its fold)."""
        s = _secs(dt.replace(tzinfo=None))
        k = bisect_right(self._lo, s)
        if k == 0:
            return 0
        if s >= self._hi[k - 1]:
            return k
        return k if dt.fold else k - 1  # in a gap or an overlap: fold=0 is before it

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        return timedelta(seconds=self._offs[self._period(dt)])

    def dst(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        return timedelta(seconds=self._dst[self._period(dt)])

    def tzname(self, dt: datetime | None) -> str | None:
        if dt is None:
            return self.tzid
        return self._names[self._period(dt)]

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        u = _secs(dt.replace(tzinfo=None))
        k = bisect_right(self._utc, u)
        off = self._offs[k]
        wall = dt + timedelta(seconds=off)
        if k > 0 and off < self._offs[k - 1] and u + off < self._utc[k - 1] + self._offs[k - 1]:
            return wall.replace(fold=1)  # the second time this wall comes round
        return wall

    def __repr__(self) -> str:
        return f"<CustomZone {self.name} ({self.tzid})>"


def register(text: str) -> str:
    """Register a VTIMEZONE's definition; its registry name.

    Raises :class:`~aurora_core.model.ValidationError` for a definition that is
    too long or cannot be read as a zone.
    """
    norm = normalise(text)
    name = zone_name(norm)
    _build(name, norm)
    return name


def register_named(name: str, text: str) -> CustomZone:
    """Register ``text`` as the definition of ``name`` (from a store or a request);
    raises :class:`~aurora_core.model.ValidationError` unless it is that name's."""
    if not NAME_RE.match(name):
        raise _error(f"{name[:60]!r} is not a time zone name of the form X-AURORA/<hash>")
    norm = normalise(text)
    if zone_name(norm) != name:
        raise _error(f"the definition given for time zone {name} is not that zone's")
    return _build(name, norm)


def _build(name: str, norm: str) -> CustomZone:
    with _lock:
        zone = _cache.get(name)
        if zone is not None:
            _cache.move_to_end(name)
            return zone
    zone = CustomZone(norm)
    with _lock:
        zone = _cache.setdefault(name, zone)
        _cache.move_to_end(name)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return zone


def lookup(name: str) -> CustomZone:
    """The zone called ``name``: cached, or asked of the context's :data:`resolver`.

    Raises :class:`~aurora_core.model.ValidationError` when neither has it (a
    name that came without its definition).
    """
    with _lock:
        zone = _cache.get(name)
    if zone is not None:
        return zone
    text = None
    if NAME_RE.match(name):
        ask = resolver.get()
        with _lock:
            asks = [ask, *reversed(_sources.values())]
        for source in asks:
            text = source(name) if source is not None else None
            if text is not None:
                break
    if text is None:
        raise _error(f"time zone {name!r} came without its definition (a zone read from "
                     "an imported file travels with its VTIMEZONE)")
    return register_named(name, text)


def add_source(key: str, source: Callable[[str], str | None]) -> None:
    """Ask ``source`` for names not cached, after the context's :data:`resolver` (the
    desktop adds each store file it opens; the same key replaces the older one)."""
    with _lock:
        _sources[key] = source
        _sources.move_to_end(key)
        while len(_sources) > MAX_SOURCES:
            _sources.popitem(last=False)


def definition(name: str) -> str:
    """The normalised definition of a registry zone (see :func:`lookup` for errors)."""
    return lookup(name).definition


def tzid_of(name: str) -> str:
    """The TZID the zone's file gave it (for export and for showing it)."""
    return lookup(name).tzid


def display_name(name: str) -> str:
    """What to show a person for a zone: the TZID its file gave it for a registry name
    (``Foo Standard Time``), the name itself for any other (an IANA name)."""
    if not is_custom(name):
        return name
    try:
        return tzid_of(name)
    except Exception:  # its definition is not known here: the name still says what it is
        return name


def is_tzid_line(line: str) -> bool:
    """Whether a line of a normalised definition is its TZID."""
    return line[:5].upper() in ("TZID:", "TZID;")


def definitions_for(names: Iterable[str | None]) -> dict[str, str]:
    """name -> definition for the registry names among ``names`` (others ignored)."""
    return {n: definition(n) for n in sorted({n for n in names if n and is_custom(n)})}
