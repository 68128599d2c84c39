"""Broken input: a clear reason for each skipped component, the rest still imports, nothing raises."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_core.ical import Skipped, parse_ics

ICS = Path(__file__).parent / "ics"


def load(name: str) -> tuple[list[str], list[Skipped]]:
    r = parse_ics((ICS / name).read_bytes(), calendar_id="c")
    return sorted(e.uid for e in r.events), r.skipped


@pytest.mark.parametrize(("name", "reason"), [
    ("empty.ics", "the file is empty"),
    ("binary_junk.ics", "not iCalendar data (the file is binary)"),
    ("not_ical.ics", "not iCalendar data (no BEGIN:VCALENDAR"),
])
def test_files_that_are_not_icalendar_give_one_clear_reason(name: str, reason: str) -> None:
    uids, skipped = load(name)
    assert uids == []
    assert len(skipped) == 1 and reason in skipped[0].reason


def test_not_icalendar_text_as_str_and_bytes() -> None:
    for data in ("", "   \n", "hello", b"\xff\xfe\x00h\x00i", "{\"json\": true}"):
        r = parse_ics(data, calendar_id="c")
        assert r.events == [] and len(r.skipped) == 1


def test_each_broken_component_is_reported_and_the_good_ones_import() -> None:
    uids, skipped = load("broken_mixed.ics")
    # An unknown zone and an end before the start are read as meant (test_ical_liberal.py).
    assert uids == ["end-before-start@example.org", "good-1@example.org", "good-2@example.org",
                    "unknown-zone@example.org"]
    reasons = {s.component: (s.line, s.reason) for s in skipped}
    assert reasons["VEVENT 'Thirteenth month' (UID bad-date@example.org)"] == (
        11, "its start (DTSTART) '20241301T100000Z' is not a valid date or time: "
            "Wrong datetime format: 20241301T100000Z")
    line, why = reasons["VEVENT 'Bad rule' (UID bad-rrule@example.org)"]
    assert line == 17 and "repeat rule (RRULE) 'FREQ=SOMETIMES;COUNT=3' does not parse" in why
    assert reasons["VEVENT 'No start' (UID no-start@example.org)"] == (
        24, "it has no start (DTSTART)")
    r = parse_ics((ICS / "broken_mixed.ics").read_bytes(), calendar_id="c")
    assumed = {w.component: (w.line, w.reason) for w in r.warnings}
    line, why = assumed["VEVENT 'Meeting on Mars' (UID unknown-zone@example.org)"]
    assert line == 29 and "unknown time zone 'Mars/Olympus_Mons'" in why and "floating" in why
    line, why = assumed["VEVENT 'Backwards' (UID end-before-start@example…)"]
    assert line == 36 and why.startswith("it ends before it starts")
    line, why = reasons["VEVENT 'Every minute forever' (UID minutely@example.org)"]
    assert line == 43 and "must end" in why
    assert "to-dos are not imported" in reasons["VTODO 'Buy milk' (UID todo-1@example.org)"][1]
    assert str(skipped[0]).startswith("line 11: VEVENT 'Thirteenth month'")


def test_truncated_file_imports_what_is_complete() -> None:
    r = parse_ics((ICS / "broken_truncated.ics").read_bytes(), calendar_id="c")
    assert [e.uid for e in r.events] == ["complete-1@example.org"]
    assert r.calendar_name == "Cut off"
    (skip,) = r.skipped
    assert skip.line == 12 and "cut off" in skip.reason
    assert skip.component == "VEVENT 'Cut off ev' (UID cut-1@example.org)"


def test_junk_between_components_does_not_lose_events() -> None:
    uids, skipped = load("broken_junk_between.ics")
    assert uids == ["after-junk@example.org", "before-junk@example.org"]
    assert skipped == []


def test_missing_end_vcalendar_and_two_calendars_in_one_file() -> None:
    ev = ("BEGIN:VEVENT\r\nUID:{0}\r\nDTSTART:20240101T100000Z\r\nSUMMARY:{0}\r\n"
          "END:VEVENT\r\n")
    cal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{}END:VCALENDAR\r\n"
    no_end = cal.format(ev.format("a")).replace("END:VCALENDAR\r\n", "")
    assert [e.uid for e in parse_ics(no_end, calendar_id="c").events] == ["a"]
    two = cal.format(ev.format("a")) + cal.format(ev.format("b"))
    r = parse_ics(two, calendar_id="c")
    assert sorted(e.uid for e in r.events) == ["a", "b"] and r.skipped == []


def test_bad_lines_inside_an_event_do_not_lose_it() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            "DTSTART:20240101T100000Z\r\nthis is not a property\r\nGEO:not;numbers\r\n"
            "CREATED:yesterday\r\nSUMMARY:Still here\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(data, calendar_id="c")
    assert [e.title for e in r.events] == ["Still here"]


def test_latin1_file_is_read() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            "DTSTART:20240101T100000Z\r\nSUMMARY:Café\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    (ev,) = parse_ics(data.encode("cp1252"), calendar_id="c").events
    assert ev.title == "Café"


def test_unknown_x_wr_timezone_is_reported_and_times_stay_floating() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-TIMEZONE:Mars/Base\r\n"
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(data, calendar_id="c")
    assert len(r.events) == 1 and "X-WR-TIMEZONE" in r.skipped[0].reason


def test_vtimezone_that_matches_nothing_is_used_as_defined() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Odd\r\n"
            "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0217\r\n"
            "TZOFFSETTO:+0117\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
            "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0117\r\n"
            "TZOFFSETTO:+0217\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
            "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Odd\r\n"
            "DTSTART;TZID=Odd:20240601T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(data, calendar_id="c")
    assert r.skipped == []
    (ev,) = r.events  # the file's own +01:17/+02:17 zone (tests/core/test_custom_zones.py)
    assert ev.start.instant(UTC) == datetime(2024, 6, 1, 7, 43, tzinfo=UTC)
    assert [str(w) for w in r.warnings] == [
        "VTIMEZONE 'Odd': used the file's own definition of zone 'Odd' (no IANA zone matches)"]


def test_vtimezone_that_matches_nothing_and_cannot_be_read_skips_its_events() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Odd\r\n"
            "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0217\r\n"
            "TZOFFSETTO:+0117\r\nRRULE:FREQ=DAILY\r\nEND:STANDARD\r\n"
            "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Odd\r\n"
            "DTSTART;TZID=Odd:20240601T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    r = parse_ics(data, calendar_id="c")
    assert r.events == []
    assert "matches no known time zone" in r.skipped[0].reason
    assert "not a yearly or monthly change" in r.skipped[0].reason


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mangled_files_never_raise(data: st.DataObject) -> None:
    """Cut, splice and garble real fixtures: the import reports, it never raises."""
    src = data.draw(st.sampled_from(sorted(p.name for p in ICS.glob("*.ics"))))
    raw = bytearray((ICS / src).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["cut", "flip", "insert", "delete_line"]))
        if not raw:
            break
        i = data.draw(st.integers(0, len(raw) - 1))
        if op == "cut":
            del raw[i:]
        elif op == "flip":
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[i:i] = data.draw(st.binary(max_size=20))
        else:
            lines = bytes(raw).split(b"\r\n")
            del lines[i % len(lines)]
            raw = bytearray(b"\r\n".join(lines))
    r = parse_ics(bytes(raw), calendar_id="c")
    for e in r.events:
        e.validate()
    for s in r.skipped:
        assert s.reason and s.component
