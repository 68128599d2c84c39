"""The sync three-way merge, told as the stories of two desktops editing one calendar.

"Here" is this desktop (local), "there" is another desktop whose change the
server already has (remote); base is what the server last confirmed here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aurora_core.merge import (
    MergeResult,
    UnitConflict,
    merge_calendar,
    merge_event,
    normalize_event,
    orphaned_overrides,
)
from aurora_core.model import (
    AllDayDate,
    Event,
    EventStatus,
    EventTime,
    FloatingTime,
    ZonedTime,
    shift,
    time_key,
)
from aurora_core.recurrence import delete_occurrence, edit_all, edit_occurrence, instances
from aurora_core.wire import EventWire, event_from_wire, event_to_wire, format_time
from tests.helpers.times import zoned

B = "Europe/Berlin"
SYD = "Australia/Sydney"
ID = "6f1c2a4e-1111-4a4a-8a8a-000000000001"
OV = "6f1c2a4e-1111-4a4a-8a8a-000000000002"


def event(start: EventTime, end: EventTime, **kw: Any) -> Event:
    return Event(id=kw.pop("id", ID), uid=kw.pop("uid", ID), calendar_id=kw.pop("calendar_id", "work"),
                 title=kw.pop("title", "Standup"), start=start, end=end, **kw)


def wire(ev: Event) -> dict[str, Any]:
    return event_to_wire(ev).content()


def weekly(rule: str = "FREQ=WEEKLY;BYDAY=MO", tz: str = B) -> Event:
    """Mondays 09:00-09:30 from 2 March 2026 (Berlin springs forward on 29 March)."""
    return event(zoned(2026, 3, 2, 9, tz=tz), zoned(2026, 3, 2, 9, 30, tz=tz), rrule=rule)


def valid(c: dict[str, Any] | None) -> None:
    assert c is not None
    event_from_wire(EventWire.model_validate(c)).validate()


def instance_keys(c: dict[str, Any], lo: date, hi: date) -> set[str]:
    ev = event_from_wire(EventWire.model_validate(c))
    return {time_key(t) for t in instances(ev, datetime.combine(lo, datetime.min.time()),
                                          datetime.combine(hi, datetime.min.time()))}


def no_conflicts(r: MergeResult) -> None:
    assert r.conflicts == ()
    assert not r.restored
    valid(r.merged)


# --------------------------------------------------------------------------
# Independent units


def test_title_changed_here_time_changed_there_both_kept() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    mine = base.replace(title="Standup (room 4)")
    theirs = base.replace(start=zoned(2026, 11, 25, 11), end=zoned(2026, 11, 25, 12))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["title"] == "Standup (room 4)"
    assert r.merged["start"] == "2026-11-25T11:00:00+01:00"
    assert r.merged["end"] == "2026-11-25T12:00:00+01:00"
    assert r.changed_locally  # the server does not have my title yet: push it


def test_only_the_server_changed_nothing_to_push() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    theirs = base.replace(location="Room 4", notes="bring slides")
    r = merge_event(wire(base), wire(base), wire(theirs))
    no_conflicts(r)
    assert r.merged == wire(theirs)
    assert not r.changed_locally


def test_both_changed_the_title_the_servers_wins_mine_listed() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    mine = base.replace(title="Standup (mine)", location="Room 1")
    theirs = base.replace(title="Standup (theirs)")
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None
    assert r.merged["title"] == "Standup (theirs)"
    assert r.merged["location"] == "Room 1"
    assert r.conflicts == (UnitConflict("title", kept="Standup (theirs)", lost="Standup (mine)"),)
    assert r.changed_locally  # the location still has to go up
    valid(r.merged)


def test_both_made_the_same_change_no_conflict() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    both = base.replace(title="Same", status=EventStatus.TENTATIVE)
    r = merge_event(wire(base), wire(both), wire(both))
    no_conflicts(r)
    assert r.merged == wire(both)
    assert not r.changed_locally


def test_time_zone_change_vs_start_change_no_mixed_time() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    # Here: the meeting starts an hour later (start and end move, Berlin time).
    mine = base.replace(start=zoned(2026, 11, 25, 10), end=zoned(2026, 11, 25, 11))
    # There: the same 09:00-10:00 wall clock, but in London.
    theirs = base.replace(start=zoned(2026, 11, 25, 9, tz="Europe/London"),
                          end=zoned(2026, 11, 25, 10, tz="Europe/London"))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None
    # All four time fields come from one side: no Berlin start with a London zone.
    assert {k: r.merged[k] for k in ("start", "end", "timezone", "all_day")} == {
        "start": "2026-11-25T09:00:00+00:00", "end": "2026-11-25T10:00:00+00:00",
        "timezone": "Europe/London", "all_day": False}
    assert r.conflicts == (UnitConflict(
        "time",
        kept={"start": "2026-11-25T09:00:00+00:00", "end": "2026-11-25T10:00:00+00:00",
              "timezone": "Europe/London", "all_day": False},
        lost={"start": "2026-11-25T10:00:00+01:00", "end": "2026-11-25T11:00:00+01:00",
              "timezone": B, "all_day": False}),)
    assert not r.changed_locally


def test_start_changed_here_end_changed_there_is_one_unit() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    mine = base.replace(start=zoned(2026, 11, 25, 8))
    theirs = base.replace(end=zoned(2026, 11, 25, 11))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None
    assert (r.merged["start"], r.merged["end"]) == (wire(theirs)["start"], wire(theirs)["end"])
    assert [c.unit for c in r.conflicts] == ["time"]


def test_rule_is_one_unit() -> None:
    base = weekly()
    mine = base.replace(rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=10")
    theirs = base.replace(rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None and r.merged["rrule"] == "FREQ=WEEKLY;BYDAY=MO,WE"
    assert r.conflicts == (UnitConflict("rrule", kept="FREQ=WEEKLY;BYDAY=MO,WE",
                                        lost="FREQ=WEEKLY;BYDAY=MO;COUNT=10"),)
    # Only here: my rule goes up.
    r = merge_event(wire(base), wire(mine), wire(base))
    assert r.merged == wire(mine) and r.changed_locally and r.conflicts == ()


def test_moved_to_another_calendar_here_renamed_there() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    r = merge_event(wire(base), wire(base.replace(calendar_id="home")),
                    wire(base.replace(title="Dentist")))
    no_conflicts(r)
    assert r.merged is not None
    assert (r.merged["calendar_id"], r.merged["title"]) == ("home", "Dentist")


# --------------------------------------------------------------------------
# Sets: EXDATE, RDATE, reminders


def test_exceptions_added_on_both_desktops_are_all_kept() -> None:
    base = weekly()
    mine = base.replace(exdates=(zoned(2026, 3, 9, 9),))
    theirs = base.replace(exdates=(zoned(2026, 3, 23, 9),), rdates=(zoned(2026, 3, 4, 9),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-03-09T09:00:00+01:00", "2026-03-23T09:00:00+01:00"]
    assert r.merged["rdates"] == ["2026-03-04T09:00:00+01:00"]
    assert r.changed_locally


def test_an_exception_removed_here_stays_removed() -> None:
    base = weekly().replace(exdates=(zoned(2026, 3, 9, 9), zoned(2026, 3, 16, 9)))
    mine = base.replace(exdates=(zoned(2026, 3, 16, 9),))  # the 9th is back
    theirs = base.replace(exdates=(*base.exdates, zoned(2026, 3, 30, 9)))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-03-16T09:00:00+01:00", "2026-03-30T09:00:00+02:00"]


def test_reminders_merge_as_a_set() -> None:
    base = weekly().replace(reminders=(_rem(10),))
    mine = base.replace(reminders=(_rem(10), _rem(60, "email")))
    theirs = base.replace(reminders=(_rem(5),))  # replaced 10 by 5
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["reminders"] == [{"minutes_before": 5, "channel": "notification"},
                                     {"minutes_before": 60, "channel": "email"}]


def _rem(minutes: int, channel: str = "notification") -> Any:
    from aurora_core.model import Reminder
    return Reminder(minutes, channel)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# A moved series and the exceptions made meanwhile


def test_moved_the_series_there_added_an_exception_here_the_exception_follows() -> None:
    base = weekly()
    # There: the whole series moves from Mondays to Tuesdays (edit_all moves the rule's day).
    theirs = edit_all(base, [], start=zoned(2026, 3, 3, 9), end=zoned(2026, 3, 3, 9, 30)).upserts[0]
    assert theirs.rrule == "FREQ=WEEKLY;BYDAY=TU"
    # Here: Monday the 16th is cancelled.
    mine = delete_occurrence(base, [], zoned(2026, 3, 16, 9)).upserts[0]
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-03-17T09:00:00+01:00"]
    keys = instance_keys(r.merged, date(2026, 3, 1), date(2026, 3, 31))
    assert time_key(zoned(2026, 3, 17, 9)) not in keys
    assert time_key(zoned(2026, 3, 10, 9)) in keys and time_key(zoned(2026, 3, 24, 9)) in keys
    assert r.changed_locally


def test_exception_follows_a_move_on_the_wall_clock_across_dst_berlin() -> None:
    base = weekly()
    # There: 09:00 becomes 10:30 (a move of 1 h 30 on the wall clock, not in elapsed time).
    theirs = base.replace(start=zoned(2026, 3, 2, 10, 30), end=zoned(2026, 3, 2, 11))
    # Here: a Monday after the spring-forward night is cancelled (09:00 CEST, +02:00).
    mine = base.replace(exdates=(zoned(2026, 4, 6, 9),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-04-06T10:30:00+02:00"]
    assert time_key(zoned(2026, 4, 6, 10, 30)) not in instance_keys(
        r.merged, date(2026, 4, 1), date(2026, 4, 30))


def test_exception_follows_a_move_across_dst_sydney() -> None:
    # Sydney falls back on 5 April 2026: +11:00 before, +10:00 after.
    base = weekly(tz=SYD)
    theirs = edit_all(base, [], start=zoned(2026, 3, 4, 8, tz=SYD),
                      end=zoned(2026, 3, 4, 8, 30, tz=SYD)).upserts[0]  # Wednesdays 08:00
    mine = base.replace(exdates=(zoned(2026, 4, 13, 9, tz=SYD),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-04-15T08:00:00+10:00"]
    keys = instance_keys(r.merged, date(2026, 4, 1), date(2026, 4, 30))
    assert time_key(zoned(2026, 4, 15, 8, tz=SYD)) not in keys
    assert time_key(zoned(2026, 4, 8, 8, tz=SYD)) in keys


def test_exception_follows_a_zone_change_berlin_to_sydney() -> None:
    base = weekly()
    # There: the series now runs at 09:00 Sydney time (same wall clock, other zone).
    theirs = base.replace(start=zoned(2026, 3, 2, 9, tz=SYD), end=zoned(2026, 3, 2, 9, 30, tz=SYD))
    mine = base.replace(exdates=(zoned(2026, 3, 30, 9),), rdates=(zoned(2026, 4, 1, 9),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-03-30T09:00:00+11:00"]
    assert r.merged["rdates"] == ["2026-04-01T09:00:00+11:00"]
    keys = instance_keys(r.merged, date(2026, 3, 25), date(2026, 4, 5))
    assert time_key(zoned(2026, 3, 30, 9, tz=SYD)) not in keys
    assert time_key(zoned(2026, 4, 1, 9, tz=SYD)) in keys


def test_moved_here_exception_added_there_follows_my_move() -> None:
    base = weekly()
    mine = base.replace(start=zoned(2026, 3, 2, 14), end=zoned(2026, 3, 2, 14, 30))
    theirs = base.replace(exdates=(zoned(2026, 3, 9, 9),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["start"] == "2026-03-02T14:00:00+01:00"
    assert r.merged["exdates"] == ["2026-03-09T14:00:00+01:00"]
    assert r.changed_locally


# --------------------------------------------------------------------------
# All-day <-> timed <-> floating


def test_made_all_day_there_exception_added_here_becomes_a_date() -> None:
    base = weekly()
    theirs = edit_all(base, [], start=AllDayDate(date(2026, 3, 2)),
                      end=AllDayDate(date(2026, 3, 3))).upserts[0]
    # Here: the 9th is cancelled, and an extra meeting at 14:00 on the 11th is added.
    mine = base.replace(exdates=(zoned(2026, 3, 9, 9),), rdates=(zoned(2026, 3, 11, 14),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None
    assert (r.merged["all_day"], r.merged["timezone"]) == (True, None)
    assert r.merged["exdates"] == ["2026-03-09"]
    # An extra date at 14:00 in a series of 09:00 has no all-day day to go to: listed.
    assert r.merged["rdates"] == []
    assert r.conflicts == (UnitConflict("rdates", kept=[], lost=["2026-03-11T14:00:00+01:00"]),)
    valid(r.merged)
    assert r.changed_locally


def test_made_timed_there_all_day_exception_here_gets_the_series_hour() -> None:
    base = event(AllDayDate(date(2026, 3, 2)), AllDayDate(date(2026, 3, 3)),
                 rrule="FREQ=WEEKLY;BYDAY=MO")
    theirs = base.replace(start=zoned(2026, 3, 2, 9), end=zoned(2026, 3, 2, 10))
    mine = base.replace(exdates=(AllDayDate(date(2026, 4, 6)),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-04-06T09:00:00+02:00"]
    assert time_key(zoned(2026, 4, 6, 9)) not in instance_keys(r.merged, date(2026, 4, 1),
                                                           date(2026, 4, 30))


def test_all_day_here_timed_there_is_one_time_unit() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    mine = base.replace(start=AllDayDate(date(2026, 11, 25)), end=AllDayDate(date(2026, 11, 26)))
    theirs = base.replace(start=zoned(2026, 11, 25, 15), end=zoned(2026, 11, 25, 16))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    assert r.merged is not None
    assert r.merged["all_day"] is False and r.merged["start"] == "2026-11-25T15:00:00+01:00"
    assert r.conflicts[0].unit == "time"
    assert r.conflicts[0].lost == {"start": "2026-11-25", "end": "2026-11-26", "timezone": None,
                                   "all_day": True}
    valid(r.merged)


def test_floating_there_exception_here_keeps_its_wall_clock() -> None:
    base = weekly()
    theirs = base.replace(start=FloatingTime(datetime(2026, 3, 2, 9)),
                          end=FloatingTime(datetime(2026, 3, 2, 9, 30)))
    mine = base.replace(exdates=(zoned(2026, 4, 6, 9),))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["exdates"] == ["2026-04-06T09:00:00"]


# --------------------------------------------------------------------------
# Edit against delete


def test_edited_here_deleted_there_it_comes_back() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    mine = base.replace(notes="agenda: budget")
    r = merge_event(wire(base), wire(mine), None)
    assert r.restored and r.changed_locally
    assert r.merged == wire(mine)
    assert r.conflicts == (UnitConflict("deleted", kept=wire(mine), lost=None),)


def test_deleted_here_edited_there_it_comes_back() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    theirs = base.replace(title="Standup (moved)", start=zoned(2026, 11, 26, 9),
                          end=zoned(2026, 11, 26, 10))
    r = merge_event(wire(base), None, wire(theirs))
    assert r.restored and not r.changed_locally
    assert r.merged == wire(theirs)
    assert r.conflicts == (UnitConflict("deleted", kept=wire(theirs), lost=None),)


def test_deleted_here_untouched_there_stays_deleted_and_the_delete_goes_up() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    r = merge_event(wire(base), None, wire(base))
    assert r == MergeResult(None, (), restored=False, changed_locally=True)


def test_deleted_there_untouched_here_stays_deleted() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    tombstone = {**wire(base), "deleted": True, "version": 7}
    assert merge_event(wire(base), wire(base), None) == MergeResult(None, (), False, False)
    assert merge_event(wire(base), wire(base), tombstone) == MergeResult(None, (), False, False)


def test_deleted_on_both_quietly() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10))
    assert merge_event(wire(base), None, None) == MergeResult(None, (), False, False)


# --------------------------------------------------------------------------
# Never confirmed (the same UUID5 id imported on two desktops)


def test_imported_on_both_desktops_no_base() -> None:
    base = event(zoned(2026, 11, 25, 9), zoned(2026, 11, 25, 10), rrule="FREQ=DAILY;COUNT=5")
    mine = base.replace(title="Mine", exdates=(zoned(2026, 11, 26, 9),))
    theirs = base.replace(exdates=(zoned(2026, 11, 27, 9),))
    r = merge_event(None, wire(mine), wire(theirs))
    assert r.merged is not None
    assert r.merged["title"] == "Standup"
    assert r.conflicts == (UnitConflict("title", kept="Standup", lost="Mine"),)
    assert r.merged["exdates"] == ["2026-11-26T09:00:00+01:00", "2026-11-27T09:00:00+01:00"]
    assert r.changed_locally
    same = merge_event(None, wire(theirs), wire(theirs))
    assert same == MergeResult(wire(theirs), (), False, False)


# --------------------------------------------------------------------------
# Overrides


def test_override_moved_with_the_series_here_retitled_there() -> None:
    base_master = weekly()
    base_ov = edit_occurrence(base_master, [], zoned(2026, 3, 9, 9), title="Standup (demo)").upserts[0]
    base_ov = base_ov.replace(id=OV)
    # Here: the whole series moves an hour later; the override follows (edit_all).
    ch = edit_all(base_master, [base_ov], start=zoned(2026, 3, 2, 10), end=zoned(2026, 3, 2, 10, 30))
    mine = next(e for e in ch.upserts if e.id == OV)
    assert mine.recurrence_id == zoned(2026, 3, 9, 10)
    # There: the override's notes are changed.
    theirs = base_ov.replace(notes="demo of the merge")
    r = merge_event(wire(base_ov), wire(mine), wire(theirs))
    no_conflicts(r)
    assert r.merged is not None
    assert r.merged["recurrence_id"] == "2026-03-09T10:00:00+01:00"
    assert r.merged["start"] == "2026-03-09T10:00:00+01:00"
    assert r.merged["notes"] == "demo of the merge"
    assert orphaned_overrides(wire(ch.upserts[0]), [r.merged]) == []


def test_overrides_orphaned_by_a_rule_change() -> None:
    master = weekly()
    on_start = edit_occurrence(master, [], zoned(2026, 3, 2, 9), title="first").upserts[0]
    on_9th = edit_occurrence(master, [], zoned(2026, 3, 9, 9), title="ninth").upserts[0]
    excluded = edit_occurrence(master, [], zoned(2026, 3, 16, 9), title="off").upserts[0]
    master = master.replace(exdates=(zoned(2026, 3, 16, 9),), rdates=(zoned(2026, 3, 4, 9),))
    on_rdate = edit_occurrence(master, [], zoned(2026, 3, 4, 9), title="extra").upserts[0]
    ovs = [wire(o) for o in (on_start, on_9th, excluded, on_rdate)]
    # An excluded instance (the 16th) does not orphan its override.
    assert orphaned_overrides(wire(master), ovs) == []
    # The rule now names Tuesdays: DTSTART stays an instance (it always is), the
    # Mondays do not; the extra meeting of the RDATE still is.
    tuesdays = master.replace(rrule="FREQ=WEEKLY;BYDAY=TU")
    assert orphaned_overrides(wire(tuesdays), ovs) == [on_9th.id, excluded.id]
    # Without its RDATE the extra meeting's override is an orphan too.
    assert orphaned_overrides(wire(tuesdays.replace(rdates=())), ovs) == [
        on_9th.id, excluded.id, on_rdate.id]
    # A series that no longer repeats orphans every override; a deleted one as well.
    single = master.replace(rrule=None, rdates=())
    assert orphaned_overrides(wire(single), ovs) == [o["id"] for o in ovs]
    assert orphaned_overrides({**wire(master), "deleted": True}, ovs) == [o["id"] for o in ovs]


def test_overrides_in_another_zone_match_by_instant() -> None:
    master = weekly()
    ov = edit_occurrence(master, [], zoned(2026, 3, 9, 9), title="x").upserts[0]
    ov = ov.replace(recurrence_id=ZonedTime(zoned(2026, 3, 9, 9).at, "UTC"),
                    start=zoned(2026, 3, 9, 8, tz="UTC"), end=zoned(2026, 3, 9, 9, tz="UTC"))
    assert orphaned_overrides(wire(master), [wire(ov)]) == []


def test_a_combination_the_model_refuses_falls_back_to_remote() -> None:
    # Here the override was (wrongly) turned all-day, recurrence id and all; there its
    # recurrence id changed too. Remote's recurrence id with my all-day time would not
    # validate: the time comes from remote and mine is listed.
    base_ov = event(zoned(2026, 3, 9, 9), zoned(2026, 3, 9, 9, 30), id=OV,
                    recurrence_id=zoned(2026, 3, 9, 9))
    mine = base_ov.replace(start=AllDayDate(date(2026, 3, 9)), end=AllDayDate(date(2026, 3, 10)),
                           recurrence_id=AllDayDate(date(2026, 3, 9)), title="mine")
    theirs = base_ov.replace(recurrence_id=zoned(2026, 3, 9, 10), start=zoned(2026, 3, 9, 10),
                             end=zoned(2026, 3, 9, 10, 30))
    r = merge_event(wire(base_ov), wire(mine), wire(theirs))
    valid(r.merged)
    assert r.merged is not None
    assert r.merged["title"] == "mine"
    assert r.merged["recurrence_id"] == "2026-03-09T10:00:00+01:00"
    assert r.merged["start"] == "2026-03-09T10:00:00+01:00"
    assert [c.unit for c in r.conflicts] == ["time"]
    assert r.conflicts[0].lost["all_day"] is True


# --------------------------------------------------------------------------
# Normal form and determinism


def test_spellings_of_the_same_event_are_not_changes() -> None:
    base = weekly().replace(exdates=(zoned(2026, 3, 16, 9), zoned(2026, 3, 9, 9)),
                            reminders=(_rem(30), _rem(5)))
    spelled = {**wire(base),
               "start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:30:00+00:00",
               "exdates": ["2026-03-16T08:00:00Z", "2026-03-09T09:00+01:00",
                           "2026-03-09T08:00:00+00:00"],
               "reminders": [{"minutes_before": 30}, {"minutes_before": 5},
                             {"minutes_before": 30, "channel": "notification"}],
               "uid": None, "version": 3, "deleted": False}
    r = merge_event(wire(base), wire(base), spelled)
    no_conflicts(r)
    assert not r.changed_locally
    assert r.merged == normalize_event(wire(base))
    assert r.merged is not None and r.merged["exdates"] == ["2026-03-09T09:00:00+01:00",
                                                            "2026-03-16T09:00:00+01:00"]
    assert merge_event(wire(base), wire(base), spelled) == r


def test_too_many_reminders_together_remote_wins_mine_listed() -> None:
    base = weekly()
    mine = base.replace(reminders=tuple(_rem(i) for i in range(12)))
    theirs = base.replace(reminders=tuple(_rem(100 + i) for i in range(12)))
    r = merge_event(wire(base), wire(mine), wire(theirs))
    valid(r.merged)
    assert r.merged is not None and r.merged["reminders"] == wire(theirs)["reminders"]
    assert [c.unit for c in r.conflicts] == ["reminders"]
    assert len(r.conflicts[0].lost) == 12


def test_merge_is_the_same_however_often_it_runs() -> None:
    base = weekly()
    mine = base.replace(title="a", exdates=(zoned(2026, 3, 9, 9),))
    theirs = edit_all(base, [], start=zoned(2026, 3, 3, 11), end=zoned(2026, 3, 3, 11, 30)).upserts[0]
    results = {repr(merge_event(wire(base), wire(mine), wire(theirs))) for _ in range(5)}
    assert len(results) == 1


# --------------------------------------------------------------------------
# Calendars


CAL = {"id": "work", "name": "Work", "color": "#3b82f6", "visible": True, "read_only": False}


def test_calendar_renamed_here_recoloured_there() -> None:
    mine = {**CAL, "name": "Job"}
    theirs = {**CAL, "color": "#ff0000"}
    r = merge_calendar(CAL, mine, theirs)
    assert r == MergeResult({**CAL, "name": "Job", "color": "#ff0000"}, (), False, True)


def test_calendar_both_renamed_the_servers_name_wins() -> None:
    r = merge_calendar(CAL, {**CAL, "name": "Job"}, {**CAL, "name": "Office"})
    assert r.merged is not None and r.merged["name"] == "Office"
    assert r.conflicts == (UnitConflict("name", kept="Office", lost="Job"),)
    assert not r.changed_locally


def test_calendar_visibility_is_this_machines() -> None:
    mine = {**CAL, "visible": False}
    theirs = {**CAL, "visible": True, "read_only": True, "name": "Office"}
    r = merge_calendar(CAL, mine, theirs)
    assert r.merged == {**CAL, "visible": False, "name": "Office"}
    assert r.conflicts == () and not r.changed_locally


def test_calendar_edit_beats_delete() -> None:
    r = merge_calendar(CAL, {**CAL, "color": "#00ff00"}, None)
    assert r.restored and r.changed_locally and r.merged == {**CAL, "color": "#00ff00"}
    assert merge_calendar(CAL, {**CAL, "visible": False}, None) == MergeResult(None, (), False, False)
    r = merge_calendar(CAL, None, {**CAL, "name": "Office"})
    assert r.restored and not r.changed_locally
    assert merge_calendar(CAL, None, CAL) == MergeResult(None, (), False, True)



def test_too_many_exclusions_together_remote_wins_mine_listed() -> None:
    def days(*ns: int) -> tuple[EventTime, ...]:
        return tuple(shift(zoned(2026, 1, 5, 9), timedelta(days=n)) for n in ns)

    base = event(zoned(2026, 1, 5, 9), zoned(2026, 1, 5, 10), rrule="FREQ=DAILY", exdates=days(1, 2))
    mine = base.replace(exdates=days(1, *range(300, 1201)))  # day 2 back, 901 more out
    theirs = base.replace(exdates=days(*range(2, 701)))  # day 1 back, 698 more out
    r = merge_event(wire(base), wire(mine), wire(theirs))
    valid(r.merged)
    assert r.merged is not None
    # Together they exceed 1,000 dates: remote's additions, less the day I brought back.
    assert r.merged["exdates"] == [format_time(t) for t in days(*range(3, 701))]
    assert r.conflicts == (UnitConflict("exdates", kept=r.merged["exdates"],
                                        lost=[format_time(t) for t in days(*range(701, 1201))]),)
