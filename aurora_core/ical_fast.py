"""A lean reader for well-formed .ics files, the fast path of :func:`aurora_core.ical.parse_ics`.

``icalendar.Calendar.from_ical`` builds a ``Contentline``, a ``Parameters``
object and a typed property value for every line of a file, including the
many we never read; on a calendar of ten thousand events that is most of an
import. :func:`read` instead splits the file into content lines with the
library's own unfolding rules (RFC 5545 §3.1), parses each line's name and
parameters once per distinct ``NAME;PARAM=…`` head (quoted parameter values
may hold ``:``, ``;`` and ``,``), and builds for each VEVENT a plain dict that
holds, for exactly the properties :mod:`aurora_core.ical` reads, values that
behave like icalendar's (``.dt`` and ``.params`` for times, ``.dts`` for
EXDATE/RDATE lists, text unescaped, the RRULE as icalendar's own ``vRecur``).
The converter in :mod:`aurora_core.ical` then runs unchanged on them, so the
two paths cannot give different events as long as the values are the same;
tests/core/test_ical_fast.py checks that field by field.

The reader is deliberately conservative. It answers ``None`` (and the caller
parses the whole file with icalendar, with the salvage of broken files that
brings) for anything whose meaning it does not fully share with icalendar:

- structure: not exactly one VCALENDAR, lines outside it, BEGIN/END that do not
  pair, lone CR line ends, a subcomponent of a VEVENT other than VALARM;
- lines: a name or parameter name outside ``[A-Za-z0-9-]``, a backslash or
  ``^`` (RFC 6868) in the parameters, whitespace outside quotes in a line that
  also has quoted parameter values, a list-valued VALUE or TZID, a line
  without ``:`` (such a line in a VEVENT is handed to icalendar's own line
  parser instead when it is a property we do not read);
- values we read that are not the plain forms: a DATE-TIME other than
  ``YYYYMMDDTHHMMSS[Z]``, a DATE with a TZID, TIME values, an invalid date,
  a duration, PERIOD or RRULE icalendar rejects (those three are read by
  icalendar's own functions), an unexpected VALUE type for a property we read;
- anything in a component icalendar parses strictly (VCALENDAR, VALARM) that
  would make icalendar fail, and any error icalendar would not tolerate.

VTIMEZONE components, and other components we do not convert (VTODO,
VJOURNAL, …), are parsed by icalendar from their own lines, which is cheap
and keeps the VTIMEZONE matching in :mod:`aurora_core.ical` as it is. In a
VEVENT, properties we do not read are only checked as far as needed to know
icalendar would tolerate them (it records their errors and goes on).
"""

from __future__ import annotations

import gc
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

import icalendar
from icalendar.parser import Contentline
from icalendar.prop import (
    vBoolean,
    vCalAddress,
    vDDDLists,
    vDDDTypes,
    vDuration,
    vInt,
    vPeriod,
    vRecur,
    vText,
    vUnknown,
    vUri,
)
from icalendar.timezone import tzp

__all__ = ["DateList", "DateValue", "FastComponent", "FastRead", "gc_paused", "read",
           "read_or_raise"]

# The library's own unfolding and line splitting (icalendar.parser.content_line),
# so that both paths see exactly the same content lines.
_UFOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
_NEWLINE = re.compile(r"\r?\n")
_UNESCAPE = re.compile(r"\\([\\,;:nN])")

_NAME = re.compile(r"[A-Za-z0-9-]+")
_NAME_PREFIX = re.compile(r"([A-Za-z0-9-]+)(?:[;:]|$)")
# A parameter value: quoted (no control characters but tab, no '"'), or unquoted
# (no control characters, whitespace, '"', ',', ':' or ';'). Neither may hold a
# backslash or '^', whose handling in icalendar we do not copy.
_QUOTED = r'"[^"\x00-\x08\x0a-\x1f\x7f\\^]*"'
_UNQUOTED = r'[^"\x00-\x20\x7f,:;\\^]*'
_PVALUE = re.compile(rf"{_QUOTED}|{_UNQUOTED}")
# Without quotes in a line, unquoted values may hold spaces and tabs (Outlook's
# "TZID=W. Europe Standard Time"); whitespace around ';' and '=' is dropped first.
_UNQUOTED_WS_RE = re.compile(r'[^"\x00-\x08\x0a-\x1f\x7f,:;\\^]*')
_OWS_BEFORE = re.compile(r"(?<![ \t])[ \t]+([;=])")
_OWS_AFTER = re.compile(r"([;=])[ \t]+")
_QLINE = re.compile(
    rf"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:{_QUOTED}|{_UNQUOTED})"
    rf"(?:,(?:{_QUOTED}|{_UNQUOTED}))*)+):(.*)", re.S)
_QPARAM = re.compile(
    rf";([A-Za-z0-9-]+)=((?:{_QUOTED}|{_UNQUOTED})(?:,(?:{_QUOTED}|{_UNQUOTED}))*)")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)", re.A)
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.A)

# Properties whose date values icalendar reads with their TZID.
_DATETIME_NAMES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "RDATE", "EXDATE"})
# The VEVENT properties aurora_core.ical reads (keep in step with _Converter).
_EVENT_READ = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID", "EXDATE",
                         "RDATE", "UID", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS",
                         "DTSTAMP", "CREATED", "LAST-MODIFIED", "X-AURORA-ID"})
# Value types whose parse error icalendar tolerates in a VEVENT and that raise
# nothing else: a VEVENT property of these types that we do not read needs no look.
_HARMLESS = (vText, vUnknown, vCalAddress, vUri, vInt, vBoolean)
_TYPES: Any = icalendar.Component.types_factory
_DURATION: Any = vDuration  # untyped in icalendar
_PERIOD: Any = vPeriod
_CONTENTLINE: Any = Contentline


class Fallback(Exception):  # control flow inside this module only
    """The fast reader does not fully understand the file: use icalendar."""


class FastComponent(dict[str, Any]):
    """A component as a dict of upper-case property names to values (a list when repeated)."""

    errors: tuple[()] = ()
    # A VEVENT's SEQUENCE as written (aurora_core.ical reads it for stale overrides);
    # the line itself is handled as any property we do not read.
    aurora_sequence: str | None = None

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.subcomponents: list[FastComponent] = []
        # A VEVENT's lines we do not read (its unread properties, its VALARMs with
        # their BEGIN and END), unfolded, in file order: the source of Event.extra.
        self.aurora_lines: list[str] = []


class DateValue:
    """A DATE, DATE-TIME or DURATION value, as icalendar's ``vDDDTypes`` (``.dt``, ``.params``)."""

    __slots__ = ("dt", "params")

    def __init__(self, dt: Any, params: dict[str, Any]) -> None:
        self.dt = dt
        self.params = params


class DateList:
    """An EXDATE/RDATE line, as icalendar's ``vDDDLists`` (``.dts``, ``.params``)."""

    __slots__ = ("dts", "params")

    def __init__(self, dts: list[DateValue], params: dict[str, Any]) -> None:
        self.dts = dts
        self.params = params


@dataclass
class FastRead:
    """A file read by :func:`read`: components in file order, VTIMEZONEs by TZID."""

    components: list[tuple[Any, str]] = field(default_factory=list)
    vtimezones: dict[str, Any] = field(default_factory=dict)
    calendar: FastComponent = field(default_factory=lambda: FastComponent("VCALENDAR"))


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _param_values(text: str) -> str | list[str]:
    """A parameter's value(s) as icalendar's ``Parameters`` holds them (quotes removed)."""
    if '"' not in text:
        vals = text.split(",")
        for v in vals:
            if not _UNQUOTED_WS_RE.fullmatch(v):
                raise Fallback
    else:
        vals = []
        pos, end = 0, len(text)
        while True:
            m = _PVALUE.match(text, pos)
            if m is None:
                raise Fallback
            v = m.group()
            vals.append(v[1:-1] if v[:1] == '"' else v)
            pos = m.end()
            if pos >= end:
                break
            if text[pos] != ",":
                raise Fallback
            pos += 1
            if pos == end:
                vals.append("")
                break
    return vals[0] if len(vals) == 1 else vals


def _factory(name: str, params: dict[str, Any]) -> Any:
    value = params.get("VALUE")
    if value is not None and not isinstance(value, str):
        raise Fallback  # icalendar itself fails on a list-valued VALUE
    return _TYPES.for_property(name, None if value is None else value.upper())


def _head(head: str) -> tuple[str, dict[str, Any], Any]:
    """``NAME;P=V;…`` (no quotes in it) as (upper-case name, parameters, value type)."""
    name, semi, section = head.partition(";")
    if not _NAME.fullmatch(name):
        raise Fallback
    params: dict[str, Any] = {}
    if semi and (" " in section or "\t" in section):
        # icalendar's lenient reading: no whitespace around ';' and '=' or at the ends
        section = _OWS_AFTER.sub(r"\1", _OWS_BEFORE.sub(r"\1", section)).strip()
    if semi and not section:
        raise Fallback
    for p in section.split(";") if semi else ():
        key, eq, value = p.partition("=")
        if not eq or not _NAME.fullmatch(key):
            raise Fallback
        params[key.upper()] = _param_values(value)
    uname = name.upper()
    return uname, params, _factory(uname, params)


def _quoted_line(line: str) -> tuple[str, dict[str, Any], Any, str]:
    m = _QLINE.fullmatch(line)
    if m is None or m.group(2) != m.group(2).rstrip():
        raise Fallback  # icalendar would strip that trailing whitespace
    params: dict[str, Any] = {}
    for pm in _QPARAM.finditer(m.group(2)):
        params[pm.group(1).upper()] = _param_values(pm.group(2))
    uname = m.group(1).upper()
    return uname, params, _factory(uname, params), m.group(3)


class _Reader:
    def __init__(self) -> None:
        self.heads: dict[str, tuple[str, dict[str, Any], Any]] = {}
        self.zones: dict[str, tzinfo | None] = {}
        # ddd() by (raw value, TZID): a calendar repeats its DTSTAMP, alarm triggers and
        # many start times, and the values are immutable (datetime, date, timedelta).
        self.ddds: dict[tuple[str, str | None], Any] = {}

    # -- values, as icalendar's vDDDTypes.from_ical ------------------------

    def zone(self, tzid: str) -> tzinfo | None:
        try:
            return self.zones[tzid]
        except KeyError:
            pass
        try:
            found = tzp.timezone(tzid)
        except Exception as exc:  # icalendar would fail the whole file
            raise Fallback from exc
        self.zones[tzid] = found
        return found

    def cached_ddd(self, raw: str, tzid: Any) -> Any:
        """:meth:`ddd` of ``raw`` as written (escapes still in it), remembered."""
        if tzid is not None and not isinstance(tzid, str):
            return self.ddd(_unescape(raw), tzid)
        key = (raw, tzid)
        try:
            return self.ddds[key]
        except KeyError:
            pass
        found = self.ddds[key] = self.ddd(_unescape(raw), tzid)
        return found

    def ddd(self, value: str, tzid: Any) -> Any:
        first = value[:1]
        if first and (first in "Pp" or (first in "+-" and value[1:2] in ("P", "p"))):
            try:  # a duration, whatever its length (icalendar looks at this first too)
                return _DURATION.from_ical(value)
            except Exception as exc:
                raise Fallback from exc
        n = len(value)
        if n in (15, 16):
            m = _DATETIME.fullmatch(value)
            if m is None:
                raise Fallback
            y, mo, d, h, mi, s, z = m.groups()
            try:
                dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
            except ValueError as exc:
                raise Fallback from exc
            if tzid:
                if not isinstance(tzid, str):
                    raise Fallback
                zone = self.zone(tzid)
                if zone:
                    return tzp.localize(dt, zone)
            return tzp.localize_utc(dt) if z else dt
        if n == 8 and not tzid:
            m = _DATE.fullmatch(value)
            if m is None:
                raise Fallback
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise Fallback from exc
        if "/" in value and (not tzid or isinstance(tzid, str)):
            try:  # a PERIOD (RDATE;VALUE=PERIOD): icalendar's own reading
                return _PERIOD.from_ical(value, timezone=tzid or None)
            except Exception as exc:
                raise Fallback from exc
        raise Fallback  # times, dates with a TZID, malformed values

    def value(self, name: str, params: dict[str, Any], factory: Any, raw: str) -> Any:
        """The value of a property we read, as icalendar would hold it; None: no property."""
        if factory is vText:
            return _unescape(raw)
        if factory is vUnknown:
            return raw
        tzid = params.get("TZID") if name in _DATETIME_NAMES else None
        if factory is vDDDTypes:
            return DateValue(self.cached_ddd(raw, tzid), params)
        if factory is vDDDLists:
            if raw == "" and name == "RDATE":
                return None  # icalendar drops an empty RDATE
            if "\\" in raw:
                return DateList([DateValue(self.ddd(v, tzid), params)
                                 for v in _unescape(raw).split(",")], params)
            return DateList([DateValue(self.cached_ddd(v, tzid), params)
                             for v in raw.split(",")], params)
        if factory is vRecur:
            try:
                return vRecur.from_ical(_unescape(raw))
            except Exception as exc:
                raise Fallback from exc
        raise Fallback  # a VALUE type we do not expect for this property

    def library_value(self, name: str, params: dict[str, Any], factory: Any, raw: str,
                      tolerant: bool) -> Any:
        """A value built by icalendar itself; None when icalendar would record an error."""
        val = raw if hasattr(factory, "get_value_from_content_line") else _unescape(raw)
        tzid = params.get("TZID") if name in _DATETIME_NAMES else None
        try:
            parsed = factory.from_ical(val, tzid) if tzid else factory.from_ical(val)
        except (ValueError, TypeError) as exc:
            if tolerant:
                return None
            raise Fallback from exc
        except Exception as exc:
            raise Fallback from exc
        try:
            inst = factory(parsed)
            inst.params = params
        except Exception as exc:
            raise Fallback from exc
        return inst

    def strict_property(self, comp: FastComponent, name: str, params: dict[str, Any],
                        factory: Any, raw: str) -> None:
        """A property of a component icalendar parses without tolerance (VCALENDAR, VALARM)."""
        if name in ("CATEGORIES", "FREEBUSY"):
            raise Fallback
        if factory in (vText, vUnknown, vDDDTypes):
            value = self.value(name, params, factory, raw)
        elif name == "RDATE" and raw == "":
            return
        else:
            value = self.library_value(name, params, factory, raw, tolerant=False)
        _add(comp, name, value)

    # -- the file ----------------------------------------------------------

    def split(self, line: str) -> tuple[str, dict[str, Any], Any, str]:
        i = line.find(":")
        if i <= 0:
            raise Fallback
        head = line[:i]
        if '"' in head:
            return _quoted_line(line)
        h = self.heads.get(head)
        if h is None:
            h = self.heads[head] = _head(head)
        return h[0], h[1], h[2], line[i + 1:]

    def read(self, text: str) -> FastRead:
        # (no line starts with a space or tab: nothing to unfold, skip the regex)
        unfolded = _UFOLD.sub("", text) if "\n " in text or "\n\t" in text else text
        crlf = unfolded.count("\r\n")
        if unfolded.count("\r") != crlf:
            raise Fallback  # lone CRs: icalendar keeps them inside lines
        # (every line ends in CRLF, as RFC 5545 wants: a plain split, 3x the regex's speed)
        lines = [ln for ln in (unfolded.split("\r\n") if unfolded.count("\n") == crlf
                               else _NEWLINE.split(unfolded)) if ln]
        out = FastRead()
        cal = out.calendar
        it = iter(lines)
        name, params, _, value = self.split(next(it, "x"))
        if name != "BEGIN" or params or value.upper() != "VCALENDAR":
            raise Fallback
        event: FastComponent | None = None
        alarm: FastComponent | None = None
        closed = False
        for line in it:
            if closed:
                raise Fallback  # anything after END:VCALENDAR
            try:
                name, params, factory, raw = self.split(line)
            except Fallback:
                if event is None or alarm is not None:
                    raise
                self.odd_event_line(line)
                event.aurora_lines.append(line)
                continue
            if (name == "SEQUENCE" and event is not None and alarm is None
                    and event.aurora_sequence is None):
                event.aurora_sequence = raw  # the first, as icalendar's component gives it
            if alarm is not None:
                assert event is not None
                event.aurora_lines.append(line)
                if name == "END":
                    if params or raw.upper() != "VALARM":
                        raise Fallback
                    assert event is not None
                    event.subcomponents.append(alarm)
                    alarm = None
                elif name == "BEGIN":
                    raise Fallback
                else:
                    self.strict_property(alarm, name, params, factory, raw)
            elif event is not None:
                if name in _EVENT_READ:
                    v = (_unescape(raw) if factory is vText  # (the common case inlined)
                         else self.value(name, params, factory, raw))
                    if v is None:
                        pass
                    elif name in event:
                        _add(event, name, v)
                    else:
                        event[name] = v
                elif name == "END":
                    if params or raw.upper() != "VEVENT":
                        raise Fallback
                    out.components.append((event, "VEVENT"))
                    event = None
                elif name == "BEGIN":
                    if params or raw.upper() != "VALARM":
                        raise Fallback
                    alarm = FastComponent("VALARM")
                    event.aurora_lines.append(line)
                elif factory in _HARMLESS or name == "CATEGORIES":
                    event.aurora_lines.append(line)  # icalendar tolerates whatever is in it
                elif name == "FREEBUSY":
                    raise Fallback
                else:
                    self.library_value(name, params, factory, raw, tolerant=True)
                    event.aurora_lines.append(line)
            elif name == "BEGIN":
                kind = raw.upper()
                if params or not _NAME.fullmatch(kind) or kind == "VCALENDAR":
                    raise Fallback
                if kind == "VEVENT":
                    event = FastComponent("VEVENT")
                else:
                    self.other(out, kind, line, it)
            elif name == "END":
                if params or raw.upper() != "VCALENDAR":
                    raise Fallback
                closed = True
            else:
                self.strict_property(cal, name, params, factory, raw)
        if not closed:
            raise Fallback
        return out

    def odd_event_line(self, line: str) -> None:
        """A VEVENT line the tokenizer does not take: fine if it is a property we do not read.

        icalendar itself parses it (Apple's ``X-APPLE-STRUCTURED-LOCATION``
        has backslashes in quoted parameters); in a VEVENT it tolerates
        lines and values it cannot parse, so only its other errors count.
        """
        m = _NAME_PREFIX.match(line)
        if m is None or m.group(1).upper() in _EVENT_READ or m.group(1).upper() in (
                "BEGIN", "END", "FREEBUSY"):
            raise Fallback
        try:
            cl = _CONTENTLINE(line)
            try:
                name, params, raw = cl.raw_parts()
            except ValueError:
                return  # icalendar records the error and drops the line
            uname = name.upper()
            factory = _TYPES.for_property(uname, params.value)
        except Exception as exc:
            raise Fallback from exc
        if uname != m.group(1).upper():
            raise Fallback
        if factory in _HARMLESS or uname == "CATEGORIES":
            return
        self.library_value(uname, params, factory, raw, tolerant=True)

    def other(self, out: FastRead, kind: str, first: str, it: Any) -> None:
        """A top-level component we do not convert (VTIMEZONE, VTODO…): icalendar parses it."""
        block = [first]
        stack = [kind]
        for line in it:
            name, params, _, raw = self.split(line)
            block.append(line)
            if name == "BEGIN":
                sub = raw.upper()
                if params or not _NAME.fullmatch(sub):
                    raise Fallback
                stack.append(sub)
            elif name == "END":
                if params or raw.upper() != stack[-1]:
                    raise Fallback
                stack.pop()
                if not stack:
                    break
        if stack:
            raise Fallback
        try:
            comp: Any = icalendar.Component.from_ical("\r\n".join(block) + "\r\n")
        except Exception as exc:  # icalendar would fail on the whole file
            raise Fallback from exc
        if kind == "VTIMEZONE":
            tzid = comp.get("TZID")
            if tzid is not None:
                out.vtimezones[str(tzid)] = comp
        else:
            out.components.append((comp, kind))


def _add(comp: FastComponent, name: str, value: Any) -> None:
    """Add like icalendar's ``Component.add``: a repeated property becomes a list."""
    if name in comp:
        old = comp[name]
        if isinstance(old, list):
            old.append(value)
        else:
            comp[name] = [old, value]
    else:
        comp[name] = value


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (docs/performance.md).

    An import allocates a few hundred thousand objects that all stay alive
    (values, events, their times), and none of them form cycles that need
    collecting; the collector still walks the growing heap again and again,
    a quarter of an import of ten thousand events. Reference counting frees
    everything as usual; the collector runs again after the block, and is
    left as it was if something else had turned it off.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read(text: str) -> FastRead | None:
    """The components of a well-formed file, or None: then parse it with icalendar.

    Never raises: an unexpected error here is a bug in this module, and the
    import must still succeed, so it also means "use icalendar" (the tests
    call :func:`read_or_raise`, which lets such errors through).
    """
    try:
        return read_or_raise(text)
    except Exception:
        return None


def read_or_raise(text: str) -> FastRead | None:
    """:func:`read`, but errors other than "not for the fast reader" propagate."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _Reader().read(text)
    except Fallback:
        return None
