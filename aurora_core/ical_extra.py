"""What an imported VEVENT had that we do not model, kept for export (``Event.extra``).

Import and export of a calendar must not lose information, yet the event
model only holds what the app shows and edits. Everything else in a VEVENT
(ATTENDEE, ORGANIZER, URL, CATEGORIES, TRANSP, CLASS, SEQUENCE, X- properties,
alarms we cannot show…) is kept as RFC 5545 content lines, unfolded and in
file order, exactly as the file wrote them, and written back as they are.

- A property the converter reads (:data:`aurora_core.ical_fast._EVENT_READ`:
  DTSTART, SUMMARY, RRULE, …) is not kept: export writes it from the model.
  Nor are ``X-AURORA-*`` properties: they are ours, written from the model.
- A VALARM that became no reminder (an action or trigger we do not support, a
  duplicate, one past the limit) is kept whole and written back as it was.
- A VALARM that became a reminder keeps its other properties (REPEAT,
  DURATION, ATTACH, X-WR-ALARMUID, a DESCRIPTION other than the one we would
  write…) in a VALARM block whose first property is ours,
  ``X-AURORA-REMINDER:<minutes before>:<channel>``. Export writes them into
  the alarm of that reminder while it still exists; when the user deleted the
  reminder, they go with it. ACTION and TRIGGER always come from the reminder.
- Other components nested in the VEVENT are kept whole.

A file may hold anything, so what is kept is bounded by
:data:`aurora_core.model.MAX_EXTRA` per event: items (a property, or a whole
block) that do not fit are dropped, and the import reports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import icalendar

from aurora_core.ical_fast import _EVENT_READ
from aurora_core.model import MAX_EXTRA, Reminder

__all__ = [
    "BLOCKS",
    "MARK_ROOM",
    "PLACEHOLDER",
    "RANGE_LINE",
    "RANGE_MARK",
    "REMINDER_MARK",
    "SPLIT_MARK",
    "Blocks",
    "Collected",
    "attach_lines",
    "collect",
    "has_description",
    "marks",
    "splice",
    "split",
    "without_marks",
]

REMINDER_MARK = "X-AURORA-REMINDER"
PLACEHOLDER = "X-AURORA-EXTRA"
BLOCKS = "X-AURORA-BLOCKS"
# A RECURRENCE-ID;RANGE=THISANDFUTURE override imported without its series keeps
# RANGE_LINE, so that the series, imported later into the same calendar, is split
# there (aurora_core.ical.rejoin_range); export writes it as the RANGE parameter again.
RANGE_MARK = "X-AURORA-RANGE"
RANGE_LINE = RANGE_MARK + ":THISANDFUTURE"
# The series such a later import split off keeps ``X-AURORA-SPLIT:<time key of the
# instance>``, so that the series, imported once more, is split there again.
SPLIT_MARK = "X-AURORA-SPLIT"
# What collect() leaves free for one of those marks in an override with a RANGE.
MARK_ROOM = 48
_NAME = re.compile(r"([A-Za-z0-9-]+)[;:]")
_SPLICE = re.compile(
    rb"(?:BEGIN:" + BLOCKS.encode() + rb"\r\n)?" + PLACEHOLDER.encode() + rb":(\d+)\r\n"
    rb"(?:END:" + BLOCKS.encode() + rb"\r\n)?")


class Collected:
    """The kept lines of one VEVENT, and what did not fit."""

    __slots__ = ("dropped", "dropped_chars", "lines")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.dropped = 0
        self.dropped_chars = 0


def _name(line: str) -> str | None:
    m = _NAME.match(line)
    return None if m is None else m.group(1).upper()


def _component(line: str) -> str:
    return line.partition(":")[2].strip().upper()


def our_description(title: str) -> str:
    """The DESCRIPTION line export writes in the alarm of a reminder."""
    text = title or "Reminder"
    escaped = (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
               .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))
    return "DESCRIPTION:" + escaped


def _alarm(block: list[str], names: list[str], reminder: Reminder | None,
           ours: str) -> list[str]:
    """What is kept of a VALARM (``names``: its lines' property names); ``ours``: the
    DESCRIPTION line export writes for a reminder."""
    if reminder is None:  # kept whole; markers of ours in it are a file's, not ours
        return [line for line, name in zip(block, names, strict=True)
                if not name.startswith("X-AURORA-")]
    rest = [line for line, name in zip(block[1:-1], names[1:-1], strict=True)
            if line != ours and name != "ACTION" and name != "TRIGGER"
            and not name.startswith("X-AURORA-")]
    if not rest:
        return []
    return ["BEGIN:VALARM", f"{REMINDER_MARK}:{reminder.minutes_before}:{reminder.channel}",
            *rest, "END:VALARM"]


def marks(extra: Sequence[str]) -> tuple[bool, str | None]:
    """Whether ``extra`` has :data:`RANGE_LINE`, and the time key of its
    :data:`SPLIT_MARK` line (None: none)."""
    ranged = False
    split_at = None
    for line in extra:
        if line.startswith("X-AURORA-"):
            if line == RANGE_LINE:
                ranged = True
            elif line.startswith(SPLIT_MARK + ":"):
                split_at = line[len(SPLIT_MARK) + 1:]
    return ranged, split_at


def without_marks(extra: Sequence[str]) -> tuple[str, ...]:
    """``extra`` without the range and split marks (they are the event's, not its file's)."""
    return tuple(line for line in extra if not (
        line == RANGE_LINE or line.startswith(SPLIT_MARK + ":")))


def collect(lines: Iterable[str], alarms: Sequence[Reminder | None], title: str,
            limit: int = MAX_EXTRA) -> Collected:
    """The lines of a VEVENT worth keeping.

    ``lines``: the VEVENT's content lines, unfolded, in file order (all of
    them, or only those the fast reader did not read: the result is the
    same). ``alarms``: for its n-th VALARM, the reminder it became, or None.
    ``limit``: the characters kept at most (a line counts one more).
    Each line's name is found once (this runs for every event of an import).
    """
    out = Collected()
    kept = out.lines
    size = 0
    block: list[str] = []
    names: list[str] = []  # the names of the lines in ``block``
    kind = ""
    depth = 0
    n_alarm = 0
    ours = ""
    match = _NAME.match
    item: list[str]
    for line in lines:
        m = match(line)
        if m is None or "\r" in line:
            continue  # not a property line: icalendar keeps nothing of it either
        name = m.group(1).upper()
        if depth:  # inside a component nested in the VEVENT
            block.append(line)
            names.append(name)
            if name == "BEGIN":
                depth += 1
                continue
            if name != "END":
                continue
            depth -= 1
            if depth:
                continue
            if kind == "VALARM":
                reminder = alarms[n_alarm] if n_alarm < len(alarms) else None
                n_alarm += 1
                if reminder is not None and not ours:
                    ours = our_description(title)
                item = _alarm(block, names, reminder, ours)
                if not item:
                    continue
            else:
                item = block
            chars = sum(len(x) + 1 for x in item)
        elif name == "BEGIN":
            kind = _component(line)
            if kind != "VEVENT":  # (not the VEVENT itself)
                block, names, depth = [line], [name], 1
            continue
        elif name == "END" or name in _EVENT_READ or (
                name.startswith("X-AURORA-") and name != RANGE_MARK and name != SPLIT_MARK):
            continue  # the VEVENT's end, or what export writes from the model
        else:
            item = [line]
            chars = len(line) + 1
        if size + chars > limit:
            out.dropped += 1
            out.dropped_chars += chars
            continue
        size += chars
        kept.extend(item)
    return out


def split(extra: Sequence[str]) -> tuple[list[str], dict[tuple[int, str], list[str]], list[str]]:
    """``extra`` taken apart for export: the VEVENT's own property lines, the extra
    lines of each reminder's alarm (by minutes before and channel), and the blocks
    written as they are."""
    props: list[str] = []
    marked: dict[tuple[int, str], list[str]] = {}
    blocks: list[str] = []
    block: list[str] = []
    depth = 0
    for line in extra:
        name = _name(line)
        if name == "BEGIN":
            depth += 1
            block.append(line)
            continue
        if depth == 0:
            props.append(line)
            continue
        block.append(line)
        if name == "END":
            depth -= 1
            if depth == 0:
                key = _reminder_key(block)
                if key is None:
                    blocks.extend(block)
                else:
                    marked.setdefault(key, block[2:-1])
                block = []
    return props, marked, blocks


def _reminder_key(block: list[str]) -> tuple[int, str] | None:
    if len(block) < 3 or _component(block[0]) != "VALARM" or \
            not block[1].startswith(REMINDER_MARK + ":"):
        return None
    minutes, _, channel = block[1][len(REMINDER_MARK) + 1:].partition(":")
    try:
        return int(minutes), channel
    except ValueError:
        return None


def _fold(line: str) -> bytes:
    """``line`` folded as RFC 5545 §3.1 says: at most 75 octets a line, never inside a
    UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    out: list[bytes] = []
    pos, limit = 0, 75
    while pos < len(data):
        end = min(pos + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # do not cut a character
        out.append(data[pos:end])
        pos, limit = end, 74  # a continuation line starts with a space
    return b"\r\n ".join(out) + b"\r\n"


class Blocks(icalendar.cal.Component):
    """Where export splices the blocks kept whole (a placeholder until :func:`splice`)."""

    name = BLOCKS

    def __init__(self, index: int) -> None:
        super().__init__()
        self.add(PLACEHOLDER, str(index))


def has_description(lines: Sequence[str]) -> bool:
    return any(_name(line) == "DESCRIPTION" for line in lines)


def splice(data: bytes, pieces: Sequence[Sequence[str]]) -> bytes:
    """``data`` with each placeholder written by export replaced by its kept lines."""
    if not pieces:
        return data

    def lines(m: re.Match[bytes]) -> bytes:
        return b"".join(_fold(line) for line in pieces[int(m.group(1))])

    return _SPLICE.sub(lines, data)


def attach_lines(text: str, vevents: Sequence[object]) -> None:
    """Give each VEVENT that icalendar parsed from ``text`` (those directly in a
    VCALENDAR, in file order) its content lines as they are in the file
    (``aurora_lines``), as the fast reader gives its own. If the file's VEVENTs
    cannot be paired with them, each gets its lines as icalendar writes it."""
    from aurora_core.ical_fast import _NEWLINE, _UFOLD

    unfolded = _UFOLD.sub("", text)
    blocks: list[list[str]] = []
    stack: list[str] = []
    current: list[str] | None = None
    for line in _NEWLINE.split(unfolded):
        name = _name(line)
        if name == "BEGIN":
            stack.append(_component(line))
            if stack == ["VCALENDAR", "VEVENT"]:
                current = []
        if current is not None:
            current.append(line)
        if name == "END":
            if stack == ["VCALENDAR", "VEVENT"] and current is not None:
                blocks.append(current)
                current = None
            if stack:
                stack.pop()
    if len(blocks) == len(vevents):
        for comp, lines in zip(vevents, blocks, strict=True):
            comp.aurora_lines = lines  # type: ignore[attr-defined]
        return
    for comp in vevents:
        try:
            written = comp.to_ical().decode()  # type: ignore[attr-defined]
        except Exception:  # a component icalendar cannot write keeps nothing
            written = ""
        comp.aurora_lines = _NEWLINE.split(_UFOLD.sub("", written))  # type: ignore[attr-defined]
