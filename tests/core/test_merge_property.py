"""Property tests of the sync three-way merge over generated valid events and edits.

Events are made with the core model and edited the way the desktop edits them
(``recurrence.edit_all`` for a series move, plain field changes otherwise),
then compared in the merge's normal form (``normalize_event``).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aurora_core.merge import MergeResult, merge_event, normalize_event
from aurora_core.model import (
    AllDayDate,
    Event,
    EventStatus,
    EventTime,
    FloatingTime,
    Reminder,
    ZonedTime,
    shift,
)
from aurora_core.recurrence import edit_all
from aurora_core.wire import EventWire, event_from_wire, event_to_wire

settings.register_profile("merge", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
MERGE = settings(settings.get_profile("merge"))

ZONES = ["Europe/Berlin", "Australia/Sydney", "America/New_York", "UTC"]
TITLES = ["Standup", "Review", "Lunch", ""]
PLACES = ["", "Room 1", "Room 2"]
NOTES = ["", "agenda", "bring slides"]
CALENDARS = ["work", "home"]
RULES = [None, "FREQ=DAILY;COUNT=10", "FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO,WE",
         "FREQ=MONTHLY;COUNT=6", "FREQ=DAILY;INTERVAL=2;UNTIL=20271231T000000Z"]
REMINDERS = [Reminder(0), Reminder(10), Reminder(30, "email"), Reminder(1440)]
SCALARS = ("calendar_id", "title", "location", "notes", "status")
TIME = ("start", "end", "timezone", "all_day")
EID = "0b7e3c1a-2222-4b4b-9c9c-000000000001"


def wall(t: EventTime) -> datetime:
    if isinstance(t, ZonedTime):
        return t.local.replace(tzinfo=None)
    if isinstance(t, AllDayDate):
        return datetime.combine(t.day, datetime.min.time())
    return t.wall


def of_kind(w: datetime, kind: str, tz: str) -> EventTime:
    if kind == "zoned":
        return ZonedTime.from_local(w, tz)
    if kind == "floating":
        return FloatingTime(w)
    return AllDayDate(w.date())


def kind_of(t: EventTime) -> str:
    return {ZonedTime: "zoned", FloatingTime: "floating", AllDayDate: "all_day"}[type(t)]


@st.composite
def events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(["zoned", "zoned", "floating", "all_day"]))
    tz = draw(st.sampled_from(ZONES))
    day = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    w = datetime.combine(day, datetime.min.time())
    if kind != "all_day":
        w = w.replace(hour=draw(st.integers(0, 23)), minute=draw(st.sampled_from([0, 30])))
    start = of_kind(w, kind, tz)
    end: EventTime
    if kind == "all_day":
        end = AllDayDate(day + timedelta(days=draw(st.integers(1, 3))))
    else:
        end = of_kind(w + timedelta(minutes=draw(st.sampled_from([0, 30, 60, 90, 1440]))), kind, tz)
    override = draw(st.integers(0, 4)) == 0
    ev = Event(id=EID, uid=EID, calendar_id=draw(st.sampled_from(CALENDARS)),
               title=draw(st.sampled_from(TITLES)), start=start, end=end,
               location=draw(st.sampled_from(PLACES)), notes=draw(st.sampled_from(NOTES)),
               reminders=tuple(draw(st.lists(st.sampled_from(REMINDERS), max_size=2, unique=True))))
    if override:
        return ev.replace(recurrence_id=shift(start, timedelta(days=draw(st.integers(-3, 3)))))
    ev = ev.replace(rrule=draw(st.sampled_from(RULES)))
    ex = draw(st.lists(st.integers(1, 30), max_size=3, unique=True))
    rd = draw(st.lists(st.integers(1, 30), max_size=2, unique=True))
    return ev.replace(exdates=tuple(shift(start, timedelta(days=k)) for k in ex),
                      rdates=tuple(shift(start, timedelta(days=k)) for k in rd))


def _edit(draw: st.DrawFn, ev: Event) -> Event:
    op = draw(st.sampled_from(["scalar", "scalar", "move", "zone", "kind", "rule", "exdate",
                               "rdate", "reminder"]))
    master = ev.recurrence_id is None
    if op == "scalar":
        name = draw(st.sampled_from(SCALARS))
        pools: dict[str, list[Any]] = {"calendar_id": CALENDARS, "title": TITLES,
                                       "location": PLACES, "notes": NOTES,
                                       "status": list(EventStatus)}
        pool = pools[name]
        return ev.replace(**{name: draw(st.sampled_from(pool))})
    if op == "move":
        delta = timedelta(days=draw(st.integers(-3, 3)))
        if not isinstance(ev.start, AllDayDate):
            delta += timedelta(minutes=30 * draw(st.integers(-6, 6)))
        new_start = of_kind(wall(ev.start) + delta, kind_of(ev.start),
                            ev.start.tz if isinstance(ev.start, ZonedTime) else "UTC")
        new_end = shift(new_start, ev.duration)
        if master:
            return edit_all(ev, [], start=new_start, end=new_end).upserts[0]
        return ev.replace(start=new_start, end=new_end)
    if op == "zone" and isinstance(ev.start, ZonedTime):
        tz = draw(st.sampled_from(ZONES))
        moved = ZonedTime.from_local(wall(ev.start), tz)
        return ev.replace(start=moved, end=shift(moved, ev.duration))
    if op == "kind" and master:
        kind = draw(st.sampled_from(["zoned", "floating", "all_day"]))
        tz = draw(st.sampled_from(ZONES))
        w = wall(ev.start)
        s = of_kind(w if kind != "all_day" else datetime.combine(w.date(), datetime.min.time()),
                    kind, tz)
        e = AllDayDate(w.date() + timedelta(days=1)) if kind == "all_day" else of_kind(
            w + timedelta(hours=1), kind, tz)
        return edit_all(ev, [], start=s, end=e).upserts[0]
    if op == "rule" and master:
        return ev.replace(rrule=draw(st.sampled_from(RULES)))
    if op in ("exdate", "rdate") and master:
        name = op + "s"
        current: tuple[EventTime, ...] = getattr(ev, name)
        if len(current) > 0 and draw(st.booleans()):
            drop = draw(st.sampled_from(current))
            return ev.replace(**{name: tuple(x for x in current if x != drop)})
        extra = timedelta(days=draw(st.integers(1, 40)))
        if op == "rdate" and not isinstance(ev.start, AllDayDate) and draw(st.booleans()):
            extra += timedelta(hours=draw(st.integers(1, 5)))  # an extra date at another hour
        return ev.replace(**{name: (*current, shift(ev.start, extra))})
    if op == "reminder":
        if len(ev.reminders) > 0 and draw(st.booleans()):
            return ev.replace(reminders=ev.reminders[1:])
        r = draw(st.sampled_from(REMINDERS))
        return ev.replace(reminders=(*ev.reminders, r))
    return ev


@st.composite
def edited(draw: st.DrawFn, ev: Event) -> Event:
    for _ in range(draw(st.integers(1, 3))):
        ev = _edit(draw, ev)
    ev.validate()
    return ev


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    base = draw(events())
    return wire(base), wire(draw(edited(base))), wire(draw(edited(base)))


def wire(ev: Event) -> dict[str, Any]:
    return event_to_wire(ev).content()


def norm(c: dict[str, Any]) -> dict[str, Any]:
    out = normalize_event(c)
    assert out is not None
    return out


def check_valid(r: MergeResult) -> None:
    if r.merged is not None:
        event_from_wire(EventWire.model_validate(r.merged)).validate()


def unit(c: dict[str, Any], name: str) -> Any:
    return {k: c[k] for k in TIME} if name == "time" else c[name]


UNITS = (*SCALARS, "time", "rrule")  # the sets are checked element by element


@MERGE
@given(scenarios())
def test_both_sides_made_the_same_edit(s: tuple[dict[str, Any], ...]) -> None:
    b, x, _ = s
    for base in (b, None):
        r = merge_event(base, x, x)
        assert r == MergeResult(norm(x), (), restored=False, changed_locally=False)


@MERGE
@given(scenarios())
def test_nothing_changed_here_gives_the_servers_version(s: tuple[dict[str, Any], ...]) -> None:
    b, _, r_ = s
    r = merge_event(b, b, r_)
    assert r == MergeResult(norm(r_), (), restored=False, changed_locally=False)


@MERGE
@given(scenarios())
def test_nothing_changed_there_gives_mine(s: tuple[dict[str, Any], ...]) -> None:
    b, l_, _ = s
    r = merge_event(b, l_, b)
    assert r == MergeResult(norm(l_), (), restored=False, changed_locally=norm(l_) != norm(b))


@MERGE
@given(scenarios())
def test_every_local_change_is_kept_or_listed(s: tuple[dict[str, Any], ...]) -> None:
    b, l_, r_ = (norm(x) for x in s)
    res = merge_event(b, l_, r_)
    check_valid(res)
    m = res.merged
    assert m is not None and not res.restored
    assert res.changed_locally == (m != r_)
    lost = {(c.unit, repr(c.lost)) for c in res.conflicts}
    for name in UNITS:
        if unit(l_, name) == unit(b, name):
            continue
        if unit(r_, name) == unit(b, name):
            # Changed only here: it is in the result.
            assert unit(m, name) == unit(l_, name), name
        else:
            assert unit(m, name) == unit(l_, name) or (name, repr(unit(l_, name))) in lost, name
    listed = {x for c in res.conflicts if c.unit in ("exdates", "rdates", "reminders")
              for x in map(repr, c.lost)}
    for name in ("exdates", "rdates"):
        if unit(m, "time") != unit(l_, "time") or unit(b, "time") != unit(l_, "time"):
            continue  # carried into another frame: the example tests cover it
        for x in set(l_[name]) - set(b[name]):
            assert x in m[name] or repr(x) in listed, (name, x)
        for x in set(b[name]) - set(l_[name]):
            assert x not in m[name], (name, x)
    for rem in l_["reminders"]:
        if rem not in b["reminders"]:
            assert rem in m["reminders"] or repr(rem) in listed
    for rem in b["reminders"]:
        if rem not in l_["reminders"]:
            assert rem not in m["reminders"]


@MERGE
@given(scenarios())
def test_the_result_always_validates(s: tuple[dict[str, Any], ...]) -> None:
    b, l_, r_ = s
    for args in ((b, l_, r_), (None, l_, r_), (b, r_, l_), (l_, b, r_)):
        res = merge_event(*args)
        check_valid(res)
        assert res.merged is not None
        assert res.changed_locally == (res.merged != norm(args[2]))


@MERGE
@given(scenarios(), st.randoms(use_true_random=False))
def test_merge_is_deterministic(s: tuple[dict[str, Any], ...], rnd: random.Random) -> None:
    b, l_, r_ = s
    first = merge_event(b, l_, r_)
    assert merge_event(b, l_, r_) == first

    def shuffled(c: dict[str, Any]) -> dict[str, Any]:
        out = dict(c)
        for name in ("exdates", "rdates", "reminders"):
            out[name] = rnd.sample(list(c[name]), len(c[name]))
        return out

    assert merge_event(shuffled(b), shuffled(l_), shuffled(r_)) == first


@MERGE
@given(scenarios())
def test_edit_beats_delete(s: tuple[dict[str, Any], ...]) -> None:
    b, l_, r_ = s
    gone = merge_event(b, None, r_)
    if norm(r_) == norm(b):
        assert gone == MergeResult(None, (), restored=False, changed_locally=True)
    else:
        assert gone.restored and gone.merged == norm(r_) and not gone.changed_locally
        assert [c.unit for c in gone.conflicts] == ["deleted"]
    back = merge_event(b, l_, None)
    if norm(l_) == norm(b):
        assert back == MergeResult(None, (), restored=False, changed_locally=False)
    else:
        assert back.restored and back.merged == norm(l_) and back.changed_locally
        assert [c.unit for c in back.conflicts] == ["deleted"]
    assert merge_event(b, None, None) == MergeResult(None, (), False, False)


@MERGE
@given(scenarios())
def test_never_confirmed_every_difference_is_the_servers_and_mine_listed(
        s: tuple[dict[str, Any], ...]) -> None:
    _, l_, r_ = (norm(x) for x in s)
    res = merge_event(None, l_, r_)
    check_valid(res)
    m = res.merged
    assert m is not None
    conflicts = {c.unit: c for c in res.conflicts}
    for name in UNITS:
        assert unit(m, name) == unit(r_, name)
        if unit(l_, name) != unit(r_, name):
            assert conflicts[name].kept == unit(r_, name)
            assert conflicts[name].lost == unit(l_, name)
        else:
            assert name not in conflicts
    # The sets are the union of both (nothing was removed from a base there never was).
    assert all(x in m["reminders"] for x in (*l_["reminders"], *r_["reminders"])
               ) or "reminders" in conflicts
    assert all(x in m[n] for n in ("exdates", "rdates") for x in r_[n])
