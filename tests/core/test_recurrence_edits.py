"""Series edits as a user makes them: this occurrence, this and following, all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aurora_core.model import AllDayDate, Event, ValidationError, ZonedTime, get_zone, time_key
from aurora_core.recurrence import (
    SeriesChange,
    delete_following,
    delete_occurrence,
    edit_all,
    edit_occurrence,
    expand,
    split_series,
)
from tests.helpers.times import zoned

B = "Europe/Berlin"
Z = get_zone(B)


def weekly(rule: str = "FREQ=WEEKLY;BYDAY=MO") -> Event:
    # Mondays 10:00-11:00 from 2 Mar 2026 (crosses the 29 Mar DST change).
    return Event.new("cal", "Team", zoned(2026, 3, 2, 10), zoned(2026, 3, 2, 11), rrule=rule)


def apply(events: list[Event], change: SeriesChange) -> list[Event]:
    gone = {e.id for e in change.deletes}
    out = {e.id: e for e in events if e.id not in gone}
    for e in change.upserts:
        out[e.id] = e
    return list(out.values())


def occurrences(events: list[Event], a: date, b: date) -> list[tuple[str, str]]:
    ws = datetime(a.year, a.month, a.day, tzinfo=Z)
    we = datetime(b.year, b.month, b.day, tzinfo=Z)
    result = []
    for m in (e for e in events if e.recurrence_id is None):
        ovs = [o for o in events if o.uid == m.uid and o.recurrence_id is not None]
        for o in expand(m, ovs, ws, we, Z):
            assert isinstance(o.start, ZonedTime)
            result.append((o.start.local.strftime("%m-%d %H:%M"), o.event.title))
    return sorted(result)


def test_change_this_occurrence_only() -> None:
    m = weekly()
    ch = edit_occurrence(m, [], zoned(2026, 3, 16, 10), title="Team (offsite)",
                         start=zoned(2026, 3, 17, 14), end=zoned(2026, 3, 17, 15))
    evs = apply([m], ch)
    assert occurrences(evs, date(2026, 3, 9), date(2026, 3, 24)) == [
        ("03-09 10:00", "Team"), ("03-17 14:00", "Team (offsite)"), ("03-23 10:00", "Team")]


def test_an_occurrence_that_is_not_in_the_series_is_refused() -> None:
    with pytest.raises(ValidationError, match="not part of the series"):
        edit_occurrence(weekly(), [], zoned(2026, 3, 17, 10), title="x")


def test_this_and_following_splits_and_takes_later_overrides_along() -> None:
    m = weekly()
    evs = apply([m], edit_occurrence(m, [], zoned(2026, 3, 9, 10), title="early override"))
    evs = apply(evs, edit_occurrence(m, [e for e in evs if e.recurrence_id], zoned(2026, 3, 30, 10),
                                     title="late override"))
    overrides = [e for e in evs if e.recurrence_id is not None]
    ch = split_series(m, overrides, zoned(2026, 3, 23, 10), title="Team v2",
                      start=zoned(2026, 3, 23, 9), end=zoned(2026, 3, 23, 10))
    evs = apply(evs, ch)
    masters = [e for e in evs if e.recurrence_id is None]
    assert len(masters) == 2
    assert masters[0].uid != masters[1].uid
    got = occurrences(evs, date(2026, 3, 2), date(2026, 4, 14))
    assert got == [
        ("03-02 10:00", "Team"), ("03-09 10:00", "early override"), ("03-16 10:00", "Team"),
        ("03-23 09:00", "Team v2"), ("03-30 09:00", "late override"),
        ("04-06 09:00", "Team v2"), ("04-13 09:00", "Team v2"),
    ]
    # The moved override now belongs to the new series.
    late = next(e for e in evs if e.title == "late override")
    new_master = next(e for e in masters if e.title == "Team v2")
    assert late.uid == new_master.uid
    assert late.recurrence_id == zoned(2026, 3, 30, 9)


def test_split_shares_a_count_between_the_two_series() -> None:
    m = weekly("FREQ=WEEKLY;BYDAY=MO;COUNT=6")
    evs = apply([m], split_series(m, [], zoned(2026, 3, 23, 10), title="after"))
    got = occurrences(evs, date(2026, 3, 1), date(2026, 6, 1))
    assert [t for _, t in got] == ["Team"] * 3 + ["after"] * 3


def test_split_at_the_first_instance_changes_the_whole_series() -> None:
    m = weekly()
    evs = apply([m], split_series(m, [], zoned(2026, 3, 2, 10), title="renamed"))
    assert len(evs) == 1 and evs[0].id == m.id and evs[0].title == "renamed"


def test_edit_all_moves_exceptions_and_overrides_with_the_series() -> None:
    m = weekly()
    m = apply([m], delete_occurrence(m, [], zoned(2026, 3, 9, 10)))[0]
    evs = apply([m], edit_occurrence(m, [], zoned(2026, 3, 16, 10), location="Room 2"))
    ovs = [e for e in evs if e.recurrence_id]
    ch = edit_all(m, ovs, start=zoned(2026, 3, 2, 8), end=zoned(2026, 3, 2, 9))
    evs = apply(evs, ch)
    got = occurrences(evs, date(2026, 3, 2), date(2026, 3, 31))
    assert got == [("03-02 08:00", "Team"), ("03-16 08:00", "Team"),  # 9th still excluded
                   ("03-23 08:00", "Team"), ("03-30 08:00", "Team")]
    ov = next(e for e in evs if e.recurrence_id)
    assert ov.location == "Room 2" and ov.recurrence_id == zoned(2026, 3, 16, 8)


def test_edit_all_drops_overrides_the_new_rule_no_longer_has() -> None:
    m = weekly()
    evs = apply([m], edit_occurrence(m, [], zoned(2026, 3, 16, 10), title="special"))
    ovs = [e for e in evs if e.recurrence_id]
    ch = edit_all(m, ovs, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
    assert [e.title for e in ch.deletes] == []  # 16 Mar is still an instance (2, 16, 30)
    ch2 = edit_all(m, ovs, rrule="FREQ=WEEKLY;BYDAY=TU")
    assert [e.title for e in ch2.deletes] == ["special"]


def test_delete_one_occurrence_adds_an_exdate() -> None:
    m = weekly()
    evs = apply([m], delete_occurrence(m, [], zoned(2026, 3, 30, 10)))
    assert time_key(zoned(2026, 3, 30, 10)) in {time_key(x) for x in evs[0].exdates}
    assert "03-30 10:00" not in {d for d, _ in occurrences(evs, date(2026, 3, 1), date(2026, 5, 1))}


def test_delete_this_and_following_ends_the_series() -> None:
    m = weekly()
    evs = apply([m], edit_occurrence(m, [], zoned(2026, 4, 6, 10), title="gone too"))
    ovs = [e for e in evs if e.recurrence_id]
    evs = apply(evs, delete_following(m, ovs, zoned(2026, 3, 23, 10)))
    assert [e.title for e in evs] == ["Team"]
    got = occurrences(evs, date(2026, 3, 1), date(2027, 1, 1))
    assert [d for d, _ in got] == ["03-02 10:00", "03-09 10:00", "03-16 10:00"]


def test_delete_following_from_the_first_instance_deletes_the_series() -> None:
    m = weekly()
    ch = delete_following(m, [], zoned(2026, 3, 2, 10))
    assert [e.id for e in ch.deletes] == [m.id] and ch.upserts == []


def test_all_day_series_split() -> None:
    m = Event.new("cal", "Bins", AllDayDate(date(2026, 1, 5)), AllDayDate(date(2026, 1, 6)),
                  rrule="FREQ=WEEKLY")
    ch = split_series(m, [], AllDayDate(date(2026, 2, 2)), title="Bins (new day)",
                      start=AllDayDate(date(2026, 2, 3)), end=AllDayDate(date(2026, 2, 4)))
    evs = apply([m], ch)
    utc = get_zone("UTC")
    ws = datetime(2026, 1, 20, tzinfo=UTC)
    days = sorted(
        (o.start.day, o.event.title)  # type: ignore[union-attr]
        for e in evs for o in expand(e, [], ws, ws + timedelta(days=22), utc))
    assert days == [(date(2026, 1, 26), "Bins"), (date(2026, 2, 3), "Bins (new day)"),
                    (date(2026, 2, 10), "Bins (new day)")]


def test_moving_all_to_another_weekday_moves_the_rule_days_too() -> None:
    m = Event.new("cal", "Yoga", zoned(2026, 3, 7, 9), zoned(2026, 3, 7, 10),
                  rrule="FREQ=WEEKLY;BYDAY=SA")  # Saturdays
    ch = edit_all(m, [], start=zoned(2026, 3, 8, 10), end=zoned(2026, 3, 8, 11))  # to Sundays 10:00
    evs = apply([m], ch)
    assert evs[0].rrule == "FREQ=WEEKLY;BYDAY=SU"
    assert occurrences(evs, date(2026, 3, 1), date(2026, 3, 29)) == [
        ("03-08 10:00", "Yoga"), ("03-15 10:00", "Yoga"), ("03-22 10:00", "Yoga")]


def test_moving_all_keeps_ordinals_and_month_days_in_step() -> None:
    m = Event.new("cal", "Board", zoned(2026, 1, 8, 9), zoned(2026, 1, 8, 10),
                  rrule="FREQ=MONTHLY;BYDAY=2TH")  # second Thursday
    moved = edit_all(m, [], start=zoned(2026, 1, 9, 9), end=zoned(2026, 1, 9, 10)).upserts[0]
    assert moved.rrule == "FREQ=MONTHLY;BYDAY=2FR"
    m2 = Event.new("cal", "Rent", zoned(2026, 1, 15, 9), zoned(2026, 1, 15, 10),
                   rrule="FREQ=MONTHLY;BYMONTHDAY=15")
    moved2 = edit_all(m2, [], start=zoned(2026, 1, 17, 9), end=zoned(2026, 1, 17, 10)).upserts[0]
    assert moved2.rrule == "FREQ=MONTHLY;BYMONTHDAY=17"


def test_moving_a_series_later_keeps_its_last_instance_under_until() -> None:
    """Found while reading RANGE=THISANDFUTURE (issue 11): UNTIL stayed where it was, so
    a series moved an hour later lost its last instance, in "all" and in "this and
    following" alike."""
    from aurora_core.recurrence import last_instance

    def berlin(*a: int) -> ZonedTime:
        return zoned(*a)  # type: ignore[arg-type]

    master = Event.new("c", "Stand-up", berlin(2026, 12, 1, 9), berlin(2026, 12, 1, 10),
                       rrule="FREQ=DAILY;UNTIL=20261210T080000Z")
    moved = edit_all(master, [], start=berlin(2026, 12, 1, 10), end=berlin(2026, 12, 1, 11))
    assert last_instance(moved.upserts[0]) == berlin(2026, 12, 10, 10)
    split = split_series(master, [], berlin(2026, 12, 5, 9), start=berlin(2026, 12, 5, 10),
                         end=berlin(2026, 12, 5, 11))
    head, tail = split.upserts[0], split.upserts[1]
    assert last_instance(head) == berlin(2026, 12, 4, 9)
    assert last_instance(tail) == berlin(2026, 12, 10, 10)
