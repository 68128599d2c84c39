"""Liberal reading (issue 11): files that break RFC 5545 in small ways import as meant.

Each recovery is one warning (``ImportResult.warnings``), not a skip, and the
event is stored in a valid form. One fixture per kind (tests/core/ics/liberal_*.ics);
docs/import.md says what is assumed and why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aurora_core.ical import ImportResult, _import, parse_ics, to_ics
from aurora_core.model import AllDayDate, Event, EventStatus, FloatingTime, ZonedTime
from aurora_core.recurrence import expand
from tests.helpers.times import zoned

ICS = Path(__file__).parent / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


def load(name: str) -> ImportResult:
    data = (ICS / name).read_bytes()
    r = parse_ics(data, calendar_id="c")
    slow = _import(data, "c", None, fast=False)  # both readers assume the same
    assert [str(w) for w in r.warnings] == [str(w) for w in slow.warnings]
    assert [e.id for e in r.events] == [e.id for e in slow.events]
    for e in r.events:
        e.validate()
    again = parse_ics(data, calendar_id="c")  # stable ids: a re-import updates
    assert [e.id for e in again.events] == [e.id for e in r.events]
    return r


def by_uid(r: ImportResult) -> dict[str, Event]:
    return {e.uid: e for e in r.events if e.recurrence_id is None}


class Warned(dict[str, str]):
    """Warning reason by UID (a report shows the first 24 characters of a long UID)."""

    def __getitem__(self, uid: str) -> str:
        return super().__getitem__(uid[:24])


def warned(r: ImportResult) -> Warned:
    """Warning reason by UID named in the component (one warning per event)."""
    out = Warned()
    for w in r.warnings:
        uid = w.component.split("(UID ", 1)[1].rstrip(")…")
        assert uid not in out, f"two warnings for {uid}"
        out[uid] = w.reason
    return out


def walls(r: ImportResult, uid_prefix: str) -> list[tuple[datetime, str]]:
    """Every occurrence in June 2024 of the series whose UIDs start with ``uid_prefix``."""
    out = []
    for master in (e for e in r.events if e.recurrence_id is None
                   and e.uid.startswith(uid_prefix)):
        ovs = [e for e in r.events if e.uid == master.uid and e.recurrence_id is not None]
        for o in expand(master, ovs, datetime(2024, 5, 1, tzinfo=UTC),
                        datetime(2024, 8, 1, tzinfo=UTC), BERLIN):
            s = o.start
            wall = (s.local.replace(tzinfo=None) if isinstance(s, ZonedTime) else
                    datetime.combine(s.day, datetime.min.time()) if isinstance(s, AllDayDate)
                    else s.wall)
            out.append((wall, o.event.title))
    return sorted(out)


def test_vendor_time_zone_names_are_read_and_an_unknown_one_is_floating() -> None:
    r = load("liberal_vendor_tzid.ics")
    assert r.skipped == []
    ev = by_uid(r)
    expect = {
        "vendor-path@example.org": "Europe/Berlin",
        "lotus-zone-string@example.org": "Europe/Berlin",
        "lotus-short-name@example.org": "America/New_York",
        "old-outlook-label@example.org": "Europe/Berlin",
        "display-name@example.org": "America/Los_Angeles",
    }
    w = warned(r)
    for uid, zone in expect.items():
        start = ev[uid].start
        assert isinstance(start, ZonedTime) and start.tz == zone, uid
        assert start.local.replace(tzinfo=None) == datetime(2024, 6, 10, 9)
        assert w[uid].endswith(f"read as {zone}")
    nowhere = ev["nowhere@example.org"]
    assert nowhere.start == FloatingTime(datetime(2024, 6, 10, 9))
    assert nowhere.end == FloatingTime(datetime(2024, 6, 10, 10))
    assert "unknown time zone 'Atlantis Standard Time'" in w["nowhere@example.org"]
    assert "floating" in w["nowhere@example.org"]


def test_ends_on_or_before_the_start_and_ends_of_another_kind() -> None:
    r = load("liberal_start_end.ics")
    assert r.skipped == []
    ev = by_uid(r)
    w = warned(r)
    assert ev["allday-same@example.org"].end == AllDayDate(date(2024, 6, 11))
    assert "read as one day" in w["allday-same@example.org"]
    assert ev["allday-before@example.org"].start == AllDayDate(date(2024, 6, 10))
    assert ev["allday-before@example.org"].end == AllDayDate(date(2024, 6, 11))
    timed = ev["timed-before@example.org"]
    assert timed.end == timed.start  # zero length at DTSTART
    assert timed.start.local.replace(tzinfo=None) == datetime(2024, 6, 10, 10)
    assert "no length" in w["timed-before@example.org"]
    mixed = ev["date-and-datetime@example.org"]
    assert (mixed.start, mixed.end) == (AllDayDate(date(2024, 6, 10)), AllDayDate(date(2024, 6, 12)))
    assert "read as a date (all-day)" in w["date-and-datetime@example.org"]
    fl = ev["floating-and-utc@example.org"]
    assert (fl.start, fl.end) == (FloatingTime(datetime(2024, 6, 10, 10)),
                                  FloatingTime(datetime(2024, 6, 10, 11, 30)))
    assert "read as a floating time" in w["floating-and-utc@example.org"]


def test_repeat_rules_keep_their_valid_part_and_two_rules_are_a_union() -> None:
    r = load("liberal_rrules.ics")
    assert r.skipped == []
    ev = by_uid(r)
    w = warned(r)
    # Mondays (COUNT=4) and Thursdays (until 20 June): both sets of instances.
    assert [d.date() for d, _ in walls(r, "two-rules@")] == [
        date(2024, 6, 3), date(2024, 6, 6), date(2024, 6, 10), date(2024, 6, 13),
        date(2024, 6, 17), date(2024, 6, 20), date(2024, 6, 24)]
    assert ev["two-rules@example.org"].rrule == "FREQ=WEEKLY;COUNT=4;BYDAY=MO"
    assert "2 repeat rules" in w["two-rules@example.org"]
    assert "3 instances" in w["two-rules@example.org"]
    assert ev["empty-rule@example.org"].rrule is None
    assert "empty" in w["empty-rule@example.org"]
    assert ev["count-and-until@example.org"].rrule == "FREQ=DAILY;UNTIL=20240612T100000Z"
    assert "UNTIL was kept" in w["count-and-until@example.org"]
    assert ev["count-zero@example.org"].rrule == "FREQ=WEEKLY;UNTIL=20240624T100000Z"
    assert "COUNT '0'" in w["count-zero@example.org"]
    assert ev["count-word@example.org"].rrule == "FREQ=DAILY;UNTIL=20240612T100000Z"
    assert "COUNT 'three'" in w["count-word@example.org"]


def test_an_open_ended_second_rule_is_written_out_to_a_horizon() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:open\r\n"
            "DTSTART:20240603T090000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=15\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(text, calendar_id="c")
    (ev,) = r.events
    ev.validate()
    assert ev.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert ev.rdates[0] == zoned(2024, 6, 15, 9, tz="UTC")
    assert all(isinstance(t, ZonedTime) and t.at.day == 15 for t in ev.rdates)
    (w,) = r.warnings
    assert "later ones are not kept" in w.reason


def test_a_rule_too_complex_is_still_refused_in_a_second_rule() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:hostile\r\n"
            "DTSTART:20240603T090000Z\r\nRRULE:FREQ=WEEKLY\r\n"
            "RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(text, calendar_id="c")
    assert r.events == []
    (s,) = r.skipped
    assert "repeat rule too complex" in s.reason


def test_this_and_future_splits_the_series_and_without_a_master_is_one_instance() -> None:
    r = load("liberal_thisandfuture.ics")
    assert r.skipped == []
    assert walls(r, "weekly@") == [
        (datetime(2024, 6, 3, 9), "Team sync"),
        (datetime(2024, 6, 10, 9), "Team sync"),
        (datetime(2024, 6, 17, 14), "Team sync (afternoons)"),
        (datetime(2024, 6, 24, 14), "Team sync (afternoons)"),
    ]
    tail = next(e for e in r.events if e.uid.startswith("weekly@example.org/from-"))
    assert tail.location == "Room 2"
    w = warned(r)
    assert "the series was split there" in w["weekly@example.org"]
    orphan = next(e for e in r.events if e.uid == "no-master@example.org")
    assert orphan.recurrence_id == zoned(2024, 6, 12, 8, tz="UTC")
    assert "not in the file" in w["no-master@example.org"]
    # kept for its series, should a later import bring it (rejoin_range)
    assert "X-AURORA-RANGE:THISANDFUTURE" in orphan.extra
    assert "X-AURORA-SPLIT:20240617T070000Z" in tail.extra  # the instance it starts at


def test_an_override_of_another_kind_of_time_still_replaces_its_instance() -> None:
    r = load("liberal_override_kind.ics")
    assert r.skipped == []
    assert walls(r, "daily@") == [
        (datetime(2024, 6, 10, 9), "Stand-up"),
        (datetime(2024, 6, 11, 9), "Stand-up"),
        (datetime(2024, 6, 12, 0), "Stand-up replaced by the offsite (all day)"),
        (datetime(2024, 6, 13, 9), "Stand-up"),
        (datetime(2024, 6, 14, 9), "Stand-up"),
    ]
    (w,) = r.warnings
    assert "a date (all-day)" in w.reason and w.line == 12


def test_a_stale_override_is_dropped() -> None:
    r = load("liberal_stale_override.ics")
    assert r.skipped == []
    assert walls(r, "moved-series@") == [
        (datetime(2024, 6, 4, 9), "Review (moved to Tuesdays)"),
        (datetime(2024, 6, 11, 11), "Review (later that Tuesday)"),
        (datetime(2024, 6, 18, 9), "Review (moved to Tuesdays)"),
        (datetime(2024, 6, 25, 9), "Review (moved to Tuesdays)"),
    ]
    (w,) = r.warnings
    assert w.line == 13 and "out of date" in w.reason and "SEQUENCE 1" in w.reason


@pytest.mark.parametrize("name", sorted(p.name for p in ICS.glob("liberal_*.ics")))
def test_what_was_assumed_survives_export_and_reimport_without_warnings(name: str) -> None:
    r = load(name)
    again = parse_ics(to_ics(r.events), calendar_id="c")
    assert again.skipped == [] and again.warnings == []
    assert sorted(e.id for e in again.events) == sorted(e.id for e in r.events)


def test_a_cancelled_event_or_series_imports_and_exports_as_cancelled() -> None:
    r = load("liberal_cancelled.ics")
    assert r.skipped == [] and r.warnings == []
    ev = by_uid(r)
    assert ev["cancelled-one@example.org"].status == EventStatus.CANCELLED
    assert ev["cancelled-series@example.org"].status == EventStatus.CANCELLED
    out = to_ics(r.events).decode()
    assert out.count("STATUS:CANCELLED") == 3


def test_this_and_future_from_an_instance_the_series_lacks_changes_only_that_one() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
            "BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20240603T090000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\n"
            "SUMMARY:Daily\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20240604T103000Z\r\n"
            "DTSTART:20240604T140000Z\r\nSUMMARY:Moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(text, calendar_id="c")
    assert r.skipped == []
    assert sorted((e.uid, e.recurrence_id is not None) for e in r.events) == [
        ("s", False), ("s", True)]
    (w,) = r.warnings
    assert "does not have" in w.reason
