"""The one counting rule and its words (aurora_core.counting), and the file's own calendar
name and colour (aurora_core.ics_header): what the CLI and the window both say."""

from __future__ import annotations

from datetime import timedelta

from aurora_core.counting import (
    Elsewhere,
    ImportCounts,
    count_events,
    count_overrides,
    elsewhere_text,
    export_text,
    import_headline,
    plural,
)
from aurora_core.ics_header import read_header
from aurora_core.model import Event, ZonedTime
from tests.helpers.times import zoned

T = zoned(2026, 12, 2, 9, tz="UTC")


def _ev(uid: str, title: str, *, rid: ZonedTime | None = None, rrule: str | None = None) -> Event:
    ev = Event.new("cal", title, T, ZonedTime(T.at + timedelta(hours=1), "UTC"), rrule=rrule)
    return ev.replace(uid=uid, recurrence_id=rid)


def test_a_series_with_its_overrides_is_one_event_and_a_lone_override_is_one_too() -> None:
    evs = [_ev("a", "Series", rrule="FREQ=DAILY"), _ev("a", "Moved", rid=T),
           _ev("a", "Moved too", rid=ZonedTime(T.at + timedelta(days=1), "UTC")),
           _ev("b", "Once"), _ev("c", "Invitation to one occurrence", rid=T)]
    assert count_events(evs) == 3
    assert count_overrides(evs) == 2  # the invitation is an event, not a changed occurrence
    assert export_text(evs) == "3 events with 2 changed occurrences"
    assert export_text(evs[3:4]) == "1 event"


def test_the_words_of_an_import() -> None:
    assert plural(1, "event") == "1 event" and plural(0, "event") == "0 events"
    assert import_headline(ImportCounts(new=1), "'Work'") == "Imported 1 event into 'Work'"
    assert import_headline(ImportCounts(updated=2), "'Work'", "a.ics") == \
        "Updated 2 events from a.ics in 'Work'"
    assert import_headline(ImportCounts(updated=2, unchanged=5), "'Work'") == \
        "Updated 2 events in 'Work'; 5 unchanged"
    assert import_headline(ImportCounts(unchanged=1), "'Work'") == \
        "Nothing changed: 1 event was already in 'Work'"
    assert import_headline(ImportCounts(new=3, updated=2, unchanged=5), "'Work'") == \
        "Imported 10 events into 'Work': 3 new, 2 updated, 5 unchanged"
    assert import_headline(ImportCounts()) == "Imported no events"


def test_the_calendar_name_and_colour_come_from_the_head_of_the_file() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME;VALUE=TEXT:Football\r\n  club\\, "
            "U12\r\nX-APPLE-CALENDAR-COLOR:#FF2968FF\r\nBEGIN:VEVENT\r\n"
            "X-WR-CALNAME:not this\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    h = read_header(text.encode())
    assert (h.name, h.color) == ("Football club, U12", "#ff2968")
    h = read_header("BEGIN:VCALENDAR\nNAME:Holidays\nCOLOR:turquoise\nEND:VCALENDAR\n")
    assert (h.name, h.color) == ("Holidays", None)
    assert read_header(b"\x00\xff garbage").name is None
    assert read_header('BEGIN:VCALENDAR\nX-WR-CALNAME;X-P="a:b":Quoted\n').name == "Quoted"


# The words for events an import found in other calendars (docs/import.md).

def test_elsewhere_is_said_per_calendar_by_the_rule() -> None:
    assert elsewhere_text(Elsewhere("Personal", updated=2)) == (
        "2 events were already in 'Personal' and were updated there")
    assert elsewhere_text(Elsewhere("Personal", unchanged=1)) == (
        "1 event was already in 'Personal' and is unchanged")
    assert elsewhere_text(Elsewhere("Personal", updated=2, unchanged=3)) == (
        "5 events were already in 'Personal': 2 updated there, 3 unchanged")
    assert elsewhere_text(Elsewhere("Feed", read_only=1), lambda n: f"“{n}”") == (
        "1 event was already in “Feed”, which is read-only, and was left alone")


def test_the_headline_puts_the_target_first() -> None:
    c = ImportCounts(new=1, elsewhere=(Elsewhere("Personal", updated=2),
                                       Elsewhere("Work", unchanged=1)))
    assert c.total == 4 and c.written == 3
    assert import_headline(c, "'Team'", "a.ics") == (
        "Imported 1 event from a.ics into 'Team'; 2 events were already in 'Personal' and "
        "were updated there; 1 event was already in 'Work' and is unchanged")
    only = ImportCounts(elsewhere=(Elsewhere("Personal", unchanged=7),))
    assert import_headline(only, "'X'", "work.ics") == (
        "Nothing imported into 'X': 7 events from work.ics were already in 'Personal' and "
        "are unchanged")
