"""What a calendar file says about itself, read from its head without parsing its events.

The window names the calendar an import creates before the import runs (the
"Import into" choice shows it), so it reads only the lines before the first
component: ``X-WR-CALNAME`` (Google, Apple, Outlook) or RFC 7986 ``NAME``,
and a colour from ``X-APPLE-CALENDAR-COLOR`` or RFC 7986 ``COLOR`` when it is
written as ``#rrggbb`` (CSS colour names are not read). ``X-WR-CALDESC`` is
not read: a calendar has no description in the model (docs/import.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CalendarHeader", "read_header"]

_HEAD_BYTES = 256 * 1024  # the calendar's own properties come before its first event


@dataclass(frozen=True)
class CalendarHeader:
    name: str | None = None
    color: str | None = None  # "#rrggbb", lower case


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _hex_color(value: str) -> str | None:
    v = value.strip().strip('"').lower()
    if len(v) in (7, 9) and v[0] == "#" and all(c in "0123456789abcdef" for c in v[1:]):
        return v[:7]  # #rrggbbaa: the alpha is dropped
    return None


def _value_colon(line: str) -> int:
    """Where the value starts: the first colon outside a quoted parameter value."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def read_header(data: bytes | str) -> CalendarHeader:
    """The calendar's name and colour from the head of an .ics file (never raises)."""
    if isinstance(data, bytes):
        text = data[:_HEAD_BYTES].decode("utf-8", errors="replace")
    else:
        text = data[:_HEAD_BYTES]
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]  # folded
        else:
            lines.append(raw)
    props: dict[str, str] = {}
    depth = 0
    for line in lines:
        cut = _value_colon(line)
        if cut < 0:
            continue
        head, value = line[:cut], line[cut + 1:]
        name = head.split(";", 1)[0].strip().upper()
        if name == "BEGIN":
            depth += 1
            if depth > 1:
                break  # the first component: the calendar's properties are behind us
            continue
        if depth == 1 and name not in props:
            props[name] = value
    raw_name = props.get("X-WR-CALNAME") or props.get("NAME")
    cal_name = " ".join(_unescape(raw_name).split())[:200] if raw_name else None
    color: str | None = None
    for key in ("X-APPLE-CALENDAR-COLOR", "COLOR"):
        if key in props:
            color = _hex_color(props[key])
            if color:
                break
    return CalendarHeader(cal_name or None, color)
