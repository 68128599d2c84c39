"""Round-trip fidelity (issue 11): what we do not model is kept with the event and
written back on export (Event.extra, aurora_core.ical_extra)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from aurora_core import ical_extra
from aurora_core.ical import parse_ics, to_ics
from aurora_core.model import (
    MAX_EXTRA,
    Event,
    Reminder,
    ValidationError,
)
from aurora_core.recurrence import edit_all, edit_occurrence, expand
from tests.helpers.times import zoned

ICS = Path(__file__).parent / "ics"
FIXTURE = ICS / "fidelity_unknown_properties.ics"


def occurrences(events: list[Event]) -> list[tuple[str, str, str]]:
    lo, hi = datetime(1990, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)
    out = []
    for m in (e for e in events if e.recurrence_id is None):
        ovs = [e for e in events if e.uid == m.uid and e.recurrence_id is not None]
        for o in expand(m, ovs, lo, hi, UTC):
            out.append((o.key, repr(o.start), o.event.title))
    return sorted(out)


def by_id(events: list[Event]) -> dict[str, tuple[str, ...]]:
    return {e.id: e.extra for e in events}


@pytest.mark.parametrize("path", sorted(ICS.glob("*.ics")), ids=lambda p: p.name)
def test_import_export_import_keeps_occurrences_and_unknown_properties(path: Path) -> None:
    first = parse_ics(path.read_bytes(), calendar_id="cal")
    second = parse_ics(to_ics(first.events), calendar_id="cal")
    assert occurrences(second.events) == occurrences(first.events)
    assert by_id(second.events) == by_id(first.events)
    # and once more: what we write is what we read
    third = parse_ics(to_ics(second.events), calendar_id="cal")
    assert by_id(third.events) == by_id(first.events)


def test_unmodelled_properties_are_written_back() -> None:
    data = to_ics(parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events)
    cal = icalendar.Calendar.from_ical(data)
    master, override, holiday, plain = sorted(
        cal.walk("VEVENT"), key=lambda v: (str(v["UID"]), "RECURRENCE-ID" in v))
    assert str(master["TRANSP"]) == "TRANSPARENT"
    assert str(holiday["TRANSP"]) == "TRANSPARENT"
    assert str(override["TRANSP"]) == "OPAQUE"
    assert str(master["CLASS"]) == "CONFIDENTIAL"
    assert str(master["SEQUENCE"]) == "3"
    assert [str(a) for a in master["ATTENDEE"]] == ["mailto:john@example.org",
                                                    "mailto:zoe@example.org"]
    assert master["ATTENDEE"][0].params["CN"] == "Doe, John"
    assert master["ATTENDEE"][1].params["CN"] == "Zoë Ürlaub"
    assert master["ORGANIZER"].params["CN"] == "Roe, Jane"
    assert str(master["URL"]).endswith("room=blue-whale-4th-floor")
    assert str(master["X-MICROSOFT-CDO-BUSYSTATUS"]) == "FREE"
    assert "X-EXAMPLE-NOTE;X-LANG=de:Bitte Agenda mitbringen\\, danke" in data.decode()
    assert "TRANSP" not in plain and "X-AURORA-EXTRA" not in data.decode()
    # every line folded to at most 75 octets
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_alarms_keep_what_we_do_not_model() -> None:
    (master, *_rest) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
                        if e.uid == "fid-1@example.org" and e.recurrence_id is None]
    assert master.reminders == (Reminder(10),)
    cal = icalendar.Calendar.from_ical(to_ics([master]))
    alarms = cal.walk("VALARM")
    # the reminder's alarm, with its extras; then the two we cannot show, as they were
    assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY", "AUDIO", "PROCEDURE"]
    ours = alarms[0]
    assert ours["TRIGGER"].dt == timedelta(minutes=-10)
    assert str(ours["DESCRIPTION"]) == "This is an event reminder"
    assert str(ours["X-WR-ALARMUID"]) == "0B4F1E2A-1111-2222-3333-444455556666"
    assert int(ours["REPEAT"]) == 2
    assert "X-AURORA-REMINDER" not in ours
    assert alarms[1]["TRIGGER"].dt == datetime(2024, 1, 8, 7, 55, tzinfo=UTC)
    assert str(alarms[2]["ATTACH"]) == "file:///usr/local/bin/prepare-room"


def test_an_edited_reminder_drops_the_old_alarms_extras_and_keeps_the_others() -> None:
    (master,) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
                 if e.uid == "fid-1@example.org" and e.recurrence_id is None]
    edited = master.replace(reminders=(Reminder(30),))
    cal = icalendar.Calendar.from_ical(to_ics([edited]))
    alarms = cal.walk("VALARM")
    assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY", "AUDIO", "PROCEDURE"]
    assert alarms[0]["TRIGGER"].dt == timedelta(minutes=-30)
    assert "X-WR-ALARMUID" not in alarms[0]
    assert str(alarms[0]["DESCRIPTION"]) == "Weekly planning"


def test_email_alarm_keeps_its_attendee_and_summary() -> None:
    (holiday,) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
                  if e.uid == "fid-2@example.org"]
    assert holiday.reminders == (Reminder(1440, "email"),)
    (alarm,) = icalendar.Calendar.from_ical(to_ics([holiday])).walk("VALARM")
    assert str(alarm["ATTENDEE"]) == "mailto:all@example.org"
    assert str(alarm["SUMMARY"]) == "Holiday tomorrow"
    assert str(alarm["X-AURORA-CHANNEL"]) == "email"


def test_fast_and_full_parse_keep_the_same_lines() -> None:
    from aurora_core.ical import _import

    data = FIXTURE.read_bytes()
    fast = _import(data, "cal", None, fast=True)
    slow = _import(data, "cal", None, fast=False)
    assert by_id(fast.events) == by_id(slow.events)
    assert any("TRANSP:TRANSPARENT" in e.extra for e in fast.events)
    # a broken file (salvaged component by component) keeps them too
    broken = data.replace(b"END:VCALENDAR\r\n", b"")
    salvaged = parse_ics(broken, calendar_id="cal")
    assert by_id(salvaged.events) == by_id(fast.events)


def test_properties_we_read_or_write_ourselves_are_not_kept() -> None:
    events = parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
    names = {line.split(":")[0].split(";")[0] for e in events
             for line in ical_extra.split(e.extra)[0]}  # the VEVENT's own, not its alarms'
    assert {"TRANSP", "ATTENDEE", "SEQUENCE"} <= names
    assert not names & {"UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "RRULE", "EXDATE",
                        "RECURRENCE-ID", "DTSTAMP", "X-AURORA-ID", "X-AURORA-CALENDAR"}
    (plain,) = [e for e in events if e.uid == "fid-3@example.org"]
    assert plain.extra == ()


def test_a_hostile_file_cannot_store_megabytes_per_event() -> None:
    lines = [f"X-JUNK-{i}:{'x' * 990}" for i in range(2000)]  # about 2 MB in one event
    data = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VEVENT",
                        "UID:big@x", "DTSTART:20240105T100000Z", "SUMMARY:Big", *lines,
                        "TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR", ""])
    result = parse_ics(data, calendar_id="cal")
    (event,) = result.events
    assert sum(len(x) + 1 for x in event.extra) <= MAX_EXTRA
    assert event.extra[0].startswith("X-JUNK-0:")
    assert "TRANSP:TRANSPARENT" in event.extra  # a small one after them still fits
    assert result.skipped == []
    (report,) = result.warnings  # the event is imported; the report says what it lost
    assert "were not kept" in report.reason and "the event itself was imported" in report.reason
    assert report.line == 4


def test_exported_time_zones_carry_no_validity_comment() -> None:
    events = parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
    data = to_ics(events)
    assert b"only works" not in data
    (tz,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert "COMMENT" not in tz


def test_model_refuses_what_is_not_content_lines_or_too_long() -> None:
    start = zoned(2024, 1, 5, 9, tz="UTC")
    ev = Event.new("cal", "x", start, start)
    ev.replace(extra=("TRANSP:TRANSPARENT",)).validate()
    for bad in (("TRANSP:A\nX-B:c",), ("",), ("no colon",), ("X-A:" + "y" * MAX_EXTRA,)):
        with pytest.raises(ValidationError):
            ev.replace(extra=bad).validate()


def test_series_edits_keep_the_lines() -> None:
    (master,) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
                 if e.uid == "fid-1@example.org" and e.recurrence_id is None]
    rid = master.start
    rid2 = zoned(2024, 1, 29, 9)
    (ov,) = edit_occurrence(master, [], rid2, title="Only this one").upserts
    assert ov.extra == master.extra
    change = edit_all(master, [], title="All of them")
    assert all(e.extra == master.extra for e in change.upserts if e.recurrence_id is None)
    assert rid == master.start


THIS_AND_FUTURE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20240101T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20240603T090000\r\nDTEND;TZID=Europe/Berlin:20240603T100000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=6\r\nSUMMARY:Team sync\r\n"
    "ATTENDEE;CN=Ann:mailto:ann@example.org\r\nX-SERIES-ONLY:master\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20240101T000000Z\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20240617T090000\r\n"
    "DTSTART;TZID=Europe/Berlin:20240617T140000\r\nDTEND;TZID=Europe/Berlin:20240617T150000\r\n"
    "SUMMARY:Team sync (afternoons)\r\nATTENDEE;CN=Bob:mailto:bob@example.org\r\n"
    "X-OVERRIDE-ONLY:afternoons\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_a_series_split_at_import_carries_the_overrides_own_lines() -> None:
    """RANGE=THISANDFUTURE: the new series is the override's, with its ATTENDEEs and X-
    properties, not the series' (they were the earlier instances')."""
    first = parse_ics(THIS_AND_FUTURE, calendar_id="cal")
    for events in (first.events,
                   parse_ics(to_ics(first.events), calendar_id="cal").events):
        (head,) = [e for e in events if e.uid == "weekly@example.org"]
        (tail,) = [e for e in events if e.uid.startswith("weekly@example.org/from-")]
        assert "X-OVERRIDE-ONLY:afternoons" in tail.extra
        assert "ATTENDEE;CN=Bob:mailto:bob@example.org" in tail.extra
        assert not any("X-SERIES-ONLY" in x or "ann@" in x for x in tail.extra)
        assert "X-SERIES-ONLY:master" in head.extra
        assert "ATTENDEE;CN=Ann:mailto:ann@example.org" in head.extra
        assert not any("X-OVERRIDE-ONLY" in x or "bob@" in x for x in head.extra)
    out = icalendar.Calendar.from_ical(to_ics(first.events))
    tail_out = next(v for v in out.walk("VEVENT") if "/from-" in str(v["UID"]))
    assert str(tail_out["X-OVERRIDE-ONLY"]) == "afternoons"
    assert "bob@example.org" in str(tail_out["ATTENDEE"])


def test_an_override_keeps_room_for_the_mark_of_its_range() -> None:
    """An override without its series gets a line of ours (X-AURORA-RANGE) on top of
    what it keeps: the 16,000-character bound still holds with it."""
    big = "".join(f"X-FILL-{i}:{'y' * 990}\r\n" for i in range(17))
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:orphan\r\n"
            "RECURRENCE-ID;RANGE=THISANDFUTURE:20240612T080000Z\r\n"
            "DTSTART:20240612T090000Z\r\nDTEND:20240612T100000Z\r\nSUMMARY:Later on\r\n"
            + big + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(text, calendar_id="cal")
    assert r.skipped == []
    (ev,) = r.events
    ev.validate()
    assert ev.extra[-1] == ical_extra.RANGE_LINE
    assert sum(len(x) + 1 for x in ev.extra) <= MAX_EXTRA
    assert any("were not kept" in w.reason for w in r.warnings)
