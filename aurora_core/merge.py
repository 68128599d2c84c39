"""The sync three-way merge: base, local and remote versions of one item.

When a push gets 412 (or a pull brings a server version of an item changed
here), the desktop holds three versions of it:

- ``base``: the item as the server last confirmed it to this desktop
  (``None``: never confirmed, e.g. the same UUID5 id imported on two desktops);
- ``local``: this desktop's current version (``None``: deleted here);
- ``remote``: the server's current version (``None``: deleted there).

Items are wire *content* (``EventWire.content()`` / ``CalendarWire.content()``);
a mapping with ``"deleted": True`` counts as deleted too. The functions here
are pure: no clock, no randomness, no I/O; the same inputs give the same
output. See docs/merge.md for the rules, with examples and the reasons.

In short: units merge independently (scalars one by one, the time fields as
one unit, the rule as one unit, EXDATE/RDATE/reminders as sets); where both
sides changed one unit differently the server's value wins (it is what every
other desktop already has) and this desktop's value is recorded in
``conflicts``; an edit beats a delete.

Results are in *normal form* (:func:`normalize_event`): times written the way
:func:`aurora_core.wire.format_time` writes them, EXDATE/RDATE and reminders
de-duplicated and sorted. ``changed_locally`` compares normal forms, so a
remote that differs from the merge only in how it spells the same thing does
not make the desktop push.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from aurora_core import model as m
from aurora_core.recurrence import instances
from aurora_core.times import own_wall, wall_in
from aurora_core.wire import (
    CalendarWire,
    EventWire,
    event_from_wire,
    format_time,
    parse_time,
)

__all__ = [
    "MergeResult",
    "UnitConflict",
    "merge_calendar",
    "merge_event",
    "normalize_calendar",
    "normalize_event",
    "orphaned_overrides",
]

Content = dict[str, Any]

# Units in the order the wire content lists their fields (conflicts follow it).
# ical_extra (the iCalendar lines kept from an import) is one unit, as a whole.
SCALAR_UNITS = ("calendar_id", "title", "location", "notes", "status", "ical_extra")
TIME_FIELDS = ("start", "end", "timezone", "all_day")
DATE_SETS = ("exdates", "rdates")
CALENDAR_UNITS = ("name", "color")


@dataclass(frozen=True)
class UnitConflict:
    """One unit both sides changed (or a delete that lost): what won and what this desktop lost.

    ``unit`` is one of "title", "location", "notes", "status", "calendar_id",
    "time", "rrule", "name", "color", "deleted", "orphaned" and, when a date
    or reminder could not be carried into the merged item, "exdates",
    "rdates" or "reminders" (then ``kept`` is the merged list and ``lost`` the
    entries that did not make it).
    """

    unit: str
    kept: Any
    lost: Any


@dataclass(frozen=True)
class MergeResult:
    merged: dict[str, Any] | None
    """The content to keep; ``None``: the item stays deleted."""
    conflicts: tuple[UnitConflict, ...]
    restored: bool
    """An edit beat a delete: the item comes back (tell the user)."""
    changed_locally: bool
    """``merged`` differs from remote: push it (If-Match remote's version)."""


# --------------------------------------------------------------------------
# Normal form


def _kind(c: Mapping[str, Any]) -> tuple[bool, str | None]:
    return bool(c["all_day"]), c["timezone"]


def _parse(text: str, kind: tuple[bool, str | None]) -> m.EventTime:
    return parse_time(text, all_day=kind[0], timezone=kind[1])


def _canon_time(text: str, kind: tuple[bool, str | None]) -> str:
    return format_time(_parse(text, kind))


def _canon_dates(texts: Sequence[str], kind: tuple[bool, str | None]) -> list[str]:
    """Dates in normal form: one per instance key, sorted by it."""
    by_key: dict[str, str] = {}
    for text in texts:
        t = _parse(text, kind)
        key, canon = m.time_key(t), format_time(t)
        if key not in by_key or canon < by_key[key]:
            by_key[key] = canon
    return [by_key[k] for k in sorted(by_key)]


def _reminder_key(r: Mapping[str, Any]) -> tuple[int, str]:
    return int(r["minutes_before"]), str(r["channel"])


def _canon_reminders(reminders: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    keys = sorted({_reminder_key(r) for r in reminders})
    return [{"minutes_before": mins, "channel": ch} for mins, ch in keys]


def normalize_event(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An event's wire content in normal form, or ``None`` for a deleted one.

    Accepts a full wire item or its content (server-owned fields are
    dropped). Times are rewritten the way ``format_time`` writes them (a
    zoned time with its zone's offset), EXDATE/RDATE are one per instance
    and sorted, reminders unique and sorted by (minutes_before, channel).

    Raises ``ValueError`` (pydantic's ``ValidationError``) for content the
    wire format refuses.
    """
    if item is None or item.get("deleted") is True:
        return None
    c = EventWire.model_validate(dict(item)).content()
    kind = _kind(c)
    c["start"] = _canon_time(c["start"], kind)
    c["end"] = _canon_time(c["end"], kind)
    if c["recurrence_id"] is not None:
        c["recurrence_id"] = _canon_time(c["recurrence_id"], kind)
    for name in DATE_SETS:
        c[name] = _canon_dates(c[name], kind)
    c["reminders"] = _canon_reminders(c["reminders"])
    return c


def normalize_calendar(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A calendar's wire content, or ``None`` for a deleted one."""
    if item is None or item.get("deleted") is True:
        return None
    return CalendarWire.model_validate(dict(item)).content()


# --------------------------------------------------------------------------
# Units


def _pick(unit: str, b: Any, loc: Any, rem: Any, have_base: bool, conflicts: list[UnitConflict],
          *, force_remote: bool = False, silent: bool = False) -> Any:
    """The three-way rule for one atomic unit.

    Only one side changed it: that side. Both, to the same value: that value.
    Both, differently: remote, and local's value goes to ``conflicts``. With
    no base every difference counts as a change on both sides.
    ``force_remote`` takes remote even where only local changed (a fallback
    when local's value cannot be combined with the rest); it is recorded.
    """
    if loc == rem:
        return rem
    local_changed = not have_base or loc != b
    if not local_changed:
        return rem
    remote_changed = not have_base or rem != b
    if remote_changed or force_remote:
        if not silent:
            conflicts.append(UnitConflict(unit, copy.deepcopy(rem), copy.deepcopy(loc)))
        return rem
    return loc


def _time_unit(c: Mapping[str, Any]) -> dict[str, Any]:
    return {k: c[k] for k in TIME_FIELDS}


class _Carry:
    """Carries EXDATE/RDATE texts from one side's time unit into the merged one.

    A time moves by the same wall-clock amount as the start did (so an
    exclusion still hits the instance it meant, across DST and zone
    changes); into an all-day series only a time that lands on midnight can
    go (a date has no hour). ``None`` means the time cannot be carried.
    """

    def __init__(self, src: Mapping[str, Any], dst: Mapping[str, Any]) -> None:
        self.src_kind = _kind(src)
        self.dst_kind = _kind(dst)
        self.identity = self.src_kind == self.dst_kind and src["start"] == dst["start"]
        self.delta = (own_wall(_parse(dst["start"], self.dst_kind))
                      - own_wall(_parse(src["start"], self.src_kind)))

    def __call__(self, text: str) -> str | None:
        if self.identity:
            return text
        try:
            wall = own_wall(_parse(text, self.src_kind)) + self.delta
            all_day, tz = self.dst_kind
            out: m.EventTime
            if all_day:
                if wall.time() != time():
                    return None
                out = m.AllDayDate(wall.date())
            elif tz is not None:
                out = m.ZonedTime.from_local(wall, tz)
            else:
                out = m.FloatingTime(wall)
            canon = format_time(out)
            _parse(canon, self.dst_kind)  # in the wire's range (years MIN_YEAR..MAX_YEAR)
        except (OverflowError, ValueError):
            return None
        return canon


def _set_merge(b: Mapping[Any, Any], loc: Mapping[Any, Any], rem: Mapping[Any, Any]) -> set[Any]:
    """base ∪ added_local ∪ added_remote − removed_local − removed_remote, on keys."""
    bk, lk, rk = set(b), set(loc), set(rem)
    return (bk & lk & rk) | (lk - bk) | (rk - bk)


def _merge_dates(
    unit: str, b: Content | None, loc: Content, rem: Content, tm: Mapping[str, Any],
    conflicts: list[UnitConflict],
) -> list[str]:
    """One date set (exdates or rdates) merged in the frame of the merged time unit ``tm``."""
    dst_kind = _kind(tm)

    def carried(side: Content | None, to: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
        """The side's dates carried to ``to``'s frame (key -> text), and those that cannot go."""
        if side is None:
            return {}, []
        carry = _Carry(side, to)
        kind = _kind(to)
        ok: dict[str, str] = {}
        failed: list[str] = []
        for text in side[unit]:
            out = carry(text)
            if out is None:
                failed.append(text)
            else:
                ok.setdefault(m.time_key(_parse(out, kind)), out)
        return ok, failed

    def added(side: Content) -> set[str]:
        """The side's own additions, as its texts (compared with base in the side's frame)."""
        base_there, _ = carried(b, side)
        kind = _kind(side)
        return {x for x in side[unit] if m.time_key(_parse(x, kind)) not in base_there}

    bm, _ = carried(b, tm)
    lm, l_failed = carried(loc, tm)
    rm, r_failed = carried(rem, tm)
    keys = _set_merge(bm, lm, rm)
    lost: list[str] = []
    local_added = added(loc)
    lost.extend(x for x in l_failed if x in local_added)
    if r_failed:
        remote_added = added(rem)
        lost.extend(x for x in r_failed if x in remote_added)
    if len(keys) > m.MAX_DATES:
        # Too many together: remote's set (with local's removals) wins, local's additions go.
        keys = (set(bm) & set(lm) & set(rm)) | (set(rm) - set(bm))
        carry = _Carry(loc, tm)
        for x in local_added:
            out = carry(x)
            if out is not None and m.time_key(_parse(out, dst_kind)) not in keys:
                lost.append(x)
    texts = {k: rm.get(k) or lm.get(k) or bm[k] for k in keys}
    merged = _canon_dates([texts[k] for k in sorted(keys)], dst_kind)
    if lost:
        conflicts.append(UnitConflict(unit, list(merged), sorted(set(lost))))
    return merged


def _merge_reminders(b: Content | None, loc: Content, rem: Content,
                     conflicts: list[UnitConflict]) -> list[dict[str, Any]]:
    def keyed(side: Content | None) -> dict[tuple[int, str], None]:
        return {} if side is None else {_reminder_key(r): None for r in side["reminders"]}

    bk, lk, rk = keyed(b), keyed(loc), keyed(rem)
    keys = _set_merge(bk, lk, rk)
    if len(keys) > m.MAX_REMINDERS:
        keys = (set(bk) & set(lk) & set(rk)) | (set(rk) - set(bk))
        merged = _canon_reminders([{"minutes_before": k[0], "channel": k[1]} for k in keys])
        lost = _canon_reminders([{"minutes_before": k[0], "channel": k[1]}
                                 for k in set(lk) - set(bk) - keys])
        conflicts.append(UnitConflict("reminders", copy.deepcopy(merged), lost))
        return merged
    return _canon_reminders([{"minutes_before": k[0], "channel": k[1]} for k in keys])


# --------------------------------------------------------------------------
# Events


def _valid_event(c: Mapping[str, Any]) -> bool:
    """Whether the wire format and the core model both accept ``c``."""
    try:
        event_from_wire(EventWire.model_validate(dict(c))).validate()
    except (ValueError, OverflowError):
        return False
    return True


def _event_units_differ(a: Content, b: Content) -> bool:
    """Whether two events differ in any merged unit (identity fields aside)."""
    return any(a[k] != b[k] for k in (*SCALAR_UNITS, *TIME_FIELDS, "rrule", *DATE_SETS,
                                      "reminders"))


def _merge_present(b: Content | None, loc: Content, rem: Content, *,
                   force_dependent: bool) -> tuple[Content, list[UnitConflict]]:
    """Both sides exist: merge unit by unit.

    ``force_dependent``: the units that must fit together (time, rule,
    recurrence id and with them the date sets) come from remote.
    """
    have_base = b is not None
    conflicts: list[UnitConflict] = []
    out: Content = {"id": rem["id"], "uid": rem["uid"]}
    for name in SCALAR_UNITS:
        out[name] = _pick(name, b and b[name], loc[name], rem[name], have_base, conflicts)
    tm = _pick("time", b and _time_unit(b), _time_unit(loc), _time_unit(rem), have_base,
               conflicts, force_remote=force_dependent)
    out.update(tm)
    out["rrule"] = _pick("rrule", b and b["rrule"], loc["rrule"], rem["rrule"], have_base,
                         conflicts, force_remote=force_dependent)
    for name in DATE_SETS:
        out[name] = _merge_dates(name, b, loc, rem, tm, conflicts)
    # The recurrence id names an instance; a series move on one side moves it (edit_all),
    # so it follows the side that changed it. It is identity, not content: no conflict.
    out["recurrence_id"] = _pick("recurrence_id", b and b["recurrence_id"], loc["recurrence_id"],
                                 rem["recurrence_id"], have_base, conflicts,
                                 force_remote=force_dependent, silent=True)
    out["reminders"] = _merge_reminders(b, loc, rem, conflicts)
    return out, conflicts


def _fallback_to_remote(b: Content | None, loc: Content, rem: Content) -> list[UnitConflict]:
    """Every unit local changed and remote does not have, as conflicts (the last resort)."""
    conflicts: list[UnitConflict] = []
    for name in SCALAR_UNITS:
        _pick(name, b and b[name], loc[name], rem[name], b is not None, conflicts,
              force_remote=True)
    _pick("time", b and _time_unit(b), _time_unit(loc), _time_unit(rem), b is not None,
          conflicts, force_remote=True)
    _pick("rrule", b and b["rrule"], loc["rrule"], rem["rrule"], b is not None, conflicts,
          force_remote=True)
    for name in (*DATE_SETS, "reminders"):
        _pick(name, b and b[name], loc[name], rem[name], b is not None, conflicts,
              force_remote=True)
    return conflicts


def _deletion(b: Content | None, loc: Content | None, rem: Content | None,
              changed: Callable[[Content, Content], bool]) -> MergeResult:
    """At least one side is deleted: an edit beats a delete."""
    if loc is None and rem is None:
        return MergeResult(None, (), restored=False, changed_locally=False)
    if loc is None:
        assert rem is not None
        if b is not None and not changed(b, rem):
            return MergeResult(None, (), restored=False, changed_locally=True)
        return MergeResult(rem, (UnitConflict("deleted", copy.deepcopy(rem), None),),
                           restored=True, changed_locally=False)
    if b is not None and not changed(b, loc):
        return MergeResult(None, (), restored=False, changed_locally=False)
    return MergeResult(loc, (UnitConflict("deleted", copy.deepcopy(loc), None),),
                       restored=True, changed_locally=True)


def merge_event(base: Mapping[str, Any] | None, local: Mapping[str, Any] | None,
                remote: Mapping[str, Any] | None) -> MergeResult:
    """Three-way merge of one event (a single event, a series master or an override).

    The result always passes ``EventWire.model_validate`` and
    ``event_from_wire(...).validate()`` when the inputs do. Raises
    ``ValueError`` when an input is not valid wire content.
    """
    b, loc, rem = normalize_event(base), normalize_event(local), normalize_event(remote)
    if loc is None or rem is None:
        return _deletion(b, loc, rem, _event_units_differ)
    merged, conflicts = _merge_present(b, loc, rem, force_dependent=False)
    if not _valid_event(merged):
        # Local's time/rule/recurrence id do not fit with the rest: remote's do.
        merged, conflicts = _merge_present(b, loc, rem, force_dependent=True)
        if not _valid_event(merged):
            merged, conflicts = rem, _fallback_to_remote(b, loc, rem)
    final = normalize_event(merged)
    assert final is not None
    return MergeResult(final, tuple(conflicts), restored=False, changed_locally=final != rem)


# --------------------------------------------------------------------------
# Calendars


def _calendar_units_differ(a: Content, b: Content) -> bool:
    return any(a[k] != b[k] for k in CALENDAR_UNITS) or \
        a.get("source_url") != b.get("source_url")


def merge_calendar(base: Mapping[str, Any] | None, local: Mapping[str, Any] | None,
                   remote: Mapping[str, Any] | None) -> MergeResult:
    """Three-way merge of one calendar: ``name``, ``color`` and a subscription's
    ``source_url``.

    ``visible`` and ``read_only`` are this machine's: the result keeps
    local's, and they never make the desktop push (``changed_locally`` looks
    at ``name`` and ``color`` only).
    """
    b, loc, rem = normalize_calendar(base), normalize_calendar(local), normalize_calendar(remote)
    if loc is None or rem is None:
        return _deletion(b, loc, rem, _calendar_units_differ)
    conflicts: list[UnitConflict] = []
    merged = dict(loc)
    merged["id"] = rem["id"]
    for name in CALENDAR_UNITS:
        merged[name] = _pick(name, b and b[name], loc[name], rem[name], b is not None, conflicts)
    # A subscription's address (moved by a permanent redirect) changes on one side; moved
    # differently on both, the server's stands, unlisted: either address is the feed's.
    url = _pick("source_url", b and b.get("source_url"), loc.get("source_url"),
                rem.get("source_url"), b is not None, conflicts, silent=True)
    merged.pop("source_url", None)
    if url is not None:
        merged["source_url"] = url
    changed = merged["id"] != rem["id"] or _calendar_units_differ(merged, rem)
    return MergeResult(merged, tuple(conflicts), restored=False, changed_locally=changed)


# --------------------------------------------------------------------------
# Overrides


def orphaned_overrides(master: Mapping[str, Any], overrides: Sequence[Mapping[str, Any]]) -> list[str]:
    """Ids of the overrides whose ``recurrence_id`` no longer names an instance of ``master``.

    An instance is what the master's rule and RDATEs make; EXDATEs do not
    orphan (an excluded instance with an override is how some clients cancel
    one). An override of another kind of time than the master's start, or of
    a master that no longer repeats, is orphaned. Items without a
    ``recurrence_id`` and deleted ones are skipped. Orphans are kept and
    flagged, never dropped here: see docs/merge.md.
    """
    items = [o for o in overrides if o.get("deleted") is not True]
    if master.get("deleted") is True:
        out = [str(EventWire.model_validate(dict(o)).id) for o in items
               if o.get("recurrence_id") is not None]
        return out
    series = event_from_wire(EventWire.model_validate(dict(master))).replace(exdates=())
    out = []
    for item in items:
        ov = EventWire.model_validate(dict(item))
        if ov.recurrence_id is None:
            continue
        rid = parse_time(ov.recurrence_id, all_day=ov.all_day, timezone=ov.timezone)
        if not series.is_recurring or type(rid) is not type(series.start):
            out.append(ov.id)
            continue
        frame = series.start  # the instance's wall clock in the series' own frame
        wall = wall_in(rid, m.get_zone(frame.tz)) if isinstance(frame, m.ZonedTime) \
            else own_wall(rid)
        if m.time_key(rid) not in {m.time_key(t) for t in instances(series, wall, wall)}:
            out.append(ov.id)
    return out

