"""Importing real-world .ics files: Outlook, Google, Apple, all-day, alarms, series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aurora_core.ical import ImportResult, parse_ics, resolve_tzid
from aurora_core.model import AllDayDate, Event, EventStatus, FloatingTime, Reminder, ZonedTime
from aurora_core.recurrence import expand
from aurora_core.windows_zones import WINDOWS_ZONES, windows_to_iana
from tests.helpers.times import zoned

ICS = Path(__file__).parent / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


def load(name: str) -> ImportResult:
    return parse_ics((ICS / name).read_bytes(), calendar_id="cal-1")


def by_title(result: ImportResult, title: str) -> Event:
    matches = [e for e in result.events if e.title == title]
    assert len(matches) == 1, [e.title for e in result.events]
    return matches[0]


def wall(t: object) -> datetime:
    assert isinstance(t, ZonedTime)
    return t.local.replace(tzinfo=None)


def test_every_imported_event_is_valid_and_belongs_to_the_calendar() -> None:
    for path in sorted(ICS.glob("*.ics")):
        result = parse_ics(path.read_bytes(), calendar_id="cal-1")
        for ev in result.events:
            ev.validate()
            assert ev.calendar_id == "cal-1"


# -- Outlook -----------------------------------------------------------------


def test_outlook_windows_zone_names_map_to_iana() -> None:
    r = load("outlook_windows_zones.ics")
    assert r.calendar_name == "Work"
    sync = by_title(r, "Team sync")
    assert isinstance(sync.start, ZonedTime) and sync.start.tz == "Europe/Berlin"
    assert wall(sync.start) == datetime(2024, 1, 8, 9, 0)
    assert sync.location == "Room Spree"
    assert sync.notes.startswith("Weekly sync with the Berlin team.\n\nAgenda")
    assert sync.reminders == (Reminder(15, "notification"),)
    assert {wall(x) for x in sync.exdates} == {datetime(2024, 4, 1, 9), datetime(2024, 5, 20, 9)}
    ny = by_title(r, "Call with New York")
    assert isinstance(ny.start, ZonedTime) and ny.start.tz == "America/New_York"
    # 2024-03-11 is the day after the US change: 09:00 EDT is 13:00 UTC.
    assert ny.start.at == datetime(2024, 3, 11, 13, 0, tzinfo=UTC)


def test_outlook_display_label_as_tzid() -> None:
    r = load("outlook_windows_zones.ics")
    syd = by_title(r, "Sydney standup")
    assert isinstance(syd.start, ZonedTime) and syd.start.tz == "Australia/Sydney"
    # 2024-04-02 09:00 is still summer time in Sydney (AEDT ends on 7 April): 22:00 UTC
    assert syd.start.at == datetime(2024, 4, 1, 22, 0, tzinfo=UTC)


def test_custom_vtimezone_is_matched_to_an_iana_zone_by_its_rules() -> None:
    r = load("outlook_windows_zones.ics")
    ev = by_title(r, "Custom zone review")
    assert isinstance(ev.start, ZonedTime)
    assert ev.start.tz == "Europe/Berlin"  # the Windows primary zone wins among equals
    assert ev.start.at == datetime(2024, 7, 10, 13, 0, tzinfo=UTC)


def test_custom_fixed_offset_vtimezone_gets_a_zone_with_that_offset() -> None:
    r = load("outlook_windows_zones.ics")
    ev = by_title(r, "Fixed offset")
    assert isinstance(ev.start, ZonedTime)
    assert ev.start.at == datetime(2024, 7, 10, 12, 0, tzinfo=UTC)
    z = ZoneInfo(ev.start.tz)
    for month in range(1, 13):
        assert datetime(2024, month, 1, tzinfo=UTC).astimezone(z).utcoffset() == timedelta(hours=3)


def test_outlook_series_with_override_expands_like_outlook_shows_it() -> None:
    r = load("outlook_windows_zones.ics")
    master = by_title(r, "Team sync")
    overrides = [e for e in r.events if e.uid == master.uid and e.recurrence_id is not None]
    assert len(overrides) == 1
    occs = expand(master, overrides, datetime(2024, 1, 1, tzinfo=UTC),
                  datetime(2024, 2, 1, tzinfo=UTC), BERLIN)
    starts = [(wall(o.start), o.event.title) for o in occs]
    assert starts == [
        (datetime(2024, 1, 8, 9), "Team sync"),
        (datetime(2024, 1, 16, 14), "Team sync (moved)"),
        (datetime(2024, 1, 22, 9), "Team sync"),
        (datetime(2024, 1, 29, 9), "Team sync"),
    ]
    # 09:00 stays 09:00 after the spring change.
    april = expand(master, overrides, datetime(2024, 4, 1, tzinfo=UTC),
                   datetime(2024, 4, 16, tzinfo=UTC), BERLIN)
    assert [wall(o.start) for o in april] == [datetime(2024, 4, 8, 9), datetime(2024, 4, 15, 9)]


def test_windows_table_is_complete_and_valid() -> None:
    assert len(WINDOWS_ZONES) >= 135
    for name, (iana, _label) in WINDOWS_ZONES.items():
        ZoneInfo(iana)
        assert windows_to_iana(name) == iana
    assert windows_to_iana("w. europe standard time") == "Europe/Berlin"
    assert windows_to_iana("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi") == "Asia/Kolkata"
    assert windows_to_iana("(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna") == (
        "Europe/Berlin")
    assert windows_to_iana("Mars Standard Time") is None


@pytest.mark.parametrize(("tzid", "iana"), [
    ("Europe/Berlin", "Europe/Berlin"),
    ("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "Europe/Berlin"),
    ("/mozilla.org/20050126_1/America/New_York", "America/New_York"),
    ("Eastern Standard Time", "America/New_York"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("UTC", "UTC"),
    ('"Europe/London"', "Europe/London"),
    ("Mars/Olympus", None),
    ("", None),
])
def test_resolve_tzid(tzid: str, iana: str | None) -> None:
    assert resolve_tzid(tzid) == iana


# -- Google ------------------------------------------------------------------


def test_google_x_wr_timezone_reads_utc_and_floating_times_in_that_zone() -> None:
    r = load("google_xwr.ics")
    assert r.calendar_name == "Family"
    run = by_title(r, "Morning run")
    assert isinstance(run.start, ZonedTime) and run.start.tz == "Europe/Berlin"
    assert run.start.at == datetime(2024, 3, 29, 8, 0, tzinfo=UTC)  # same instant
    # The daily run is 09:00 Berlin before the change (31 March) and stays 09:00 after it.
    occs = expand(run, [], datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 4, 10, tzinfo=UTC),
                  BERLIN)
    assert [wall(o.start).hour for o in occs] == [9, 9, 9, 9, 9]
    assert occs[-1].start == ZonedTime(datetime(2024, 4, 2, 7, 0, tzinfo=UTC), "Europe/Berlin")
    assert run.reminders == (Reminder(30, "email"), Reminder(10, "notification"))
    assert run.created == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert run.updated == datetime(2024, 3, 1, 10, 5, tzinfo=UTC)
    piano = by_title(r, "Piano lesson")
    assert isinstance(piano.start, ZonedTime) and piano.start.tz == "Europe/Berlin"
    assert wall(piano.start) == datetime(2024, 4, 1, 17, 0)
    grandma = by_title(r, "Call grandma")
    assert isinstance(grandma.start, ZonedTime) and grandma.start.tz == "America/New_York"
    bday = by_title(r, "Mum's birthday")
    assert bday.start == AllDayDate(date(2024, 5, 12)) and bday.rrule == "FREQ=YEARLY"


# -- Apple -------------------------------------------------------------------


def test_apple_export() -> None:
    r = load("apple_icloud.ics")
    assert r.calendar_name == "Home"
    dentist = by_title(r, "Dentist")
    assert isinstance(dentist.start, ZonedTime) and dentist.start.tz == "Europe/London"
    assert dentist.location == "12 High Street, London"
    # AUDIO -1h, and an absolute 08:00Z trigger = 3 h before the 11:00 GMT start
    assert dentist.reminders == (Reminder(60, "notification"), Reminder(180, "notification"))
    trip = by_title(r, "Weekend in Cornwall")
    assert (trip.start, trip.end) == (AllDayDate(date(2024, 7, 26)), AllDayDate(date(2024, 7, 29)))
    assert trip.reminders == (Reminder(15 * 60, "notification"),)
    lunch = by_title(r, "Lunch (any time zone)")
    assert lunch.start == FloatingTime(datetime(2024, 3, 1, 12, 30))
    assert lunch.end == FloatingTime(datetime(2024, 3, 1, 13, 15))  # DURATION:PT45M


# -- all-day, durations, zones ------------------------------------------------


def test_all_day_and_durations() -> None:
    r = load("allday_duration.ics")
    xmas = by_title(r, "Christmas Day")
    assert (xmas.start, xmas.end) == (AllDayDate(date(2024, 12, 25)), AllDayDate(date(2024, 12, 26)))
    conf = by_title(r, "Conference")
    assert conf.end == AllDayDate(date(2024, 9, 13))
    dst = by_title(r, "Across the DST change")
    # P1DT2H: one nominal day (22:00 -> 22:00 the next day, across spring forward), then 2 h.
    assert wall(dst.start) == datetime(2024, 3, 30, 22, 0)
    assert wall(dst.end) == datetime(2024, 4, 1, 0, 0)
    moment = by_title(r, "Moment")
    assert moment.start == moment.end
    assert isinstance(moment.start, ZonedTime) and moment.start.tz == "UTC"
    kol = by_title(r, "Bangalore review")
    assert isinstance(kol.start, ZonedTime)
    assert kol.start.at == datetime(2024, 6, 1, 4, 0, tzinfo=UTC)


def test_apia_series_skips_the_missing_day() -> None:
    r = load("allday_duration.ics")
    apia = by_title(r, "Apia daily")
    occs = expand(apia, [], datetime(2011, 12, 27, tzinfo=UTC), datetime(2012, 1, 5, tzinfo=UTC),
                  ZoneInfo("Pacific/Apia"))
    # 2011-12-30 did not exist in Samoa. Its instance falls in the gap and, by the rule
    # in aurora_core.recurrence (offset before the gap), lands on 31 Dec 09:00, the same
    # instant as the next instance: COUNT=4 gives three occurrences.
    assert [wall(o.start).date() for o in occs] == [
        date(2011, 12, 28), date(2011, 12, 29), date(2011, 12, 31)]
    assert all(wall(o.start).hour == 9 for o in occs)


# -- alarms ------------------------------------------------------------------


def test_alarm_triggers() -> None:
    r = load("alarms.ics")
    ws = by_title(r, "Workshop")
    assert ws.reminders == (
        Reminder(10, "notification"),
        Reminder(24 * 60, "notification"),
        Reminder(-105, "notification"),   # 15 min before the end of a 2 h event
        Reminder(-30, "notification"),    # 30 min after the start
        Reminder(120, "email"),           # absolute 06:00Z before a 08:00Z start
    )
    reasons = [s.reason for s in r.skipped]
    assert any("PROCEDURE" in x for x in reasons)
    assert any("more than a year" in x for x in reasons)
    rec = by_title(r, "Recurring with absolute alarm")
    assert rec.reminders == ()
    assert any("fixed date and time" in x for x in reasons)
    assert all(s.component.startswith("reminder (VALARM) of VEVENT") for s in r.skipped)


# -- series ------------------------------------------------------------------


def test_series_with_exdate_rdate_and_overrides() -> None:
    r = load("recurrence_overrides.ics")
    series = [e for e in r.events if e.uid == "series-1@example.org"]
    master = next(e for e in series if e.recurrence_id is None)
    overrides = [e for e in series if e.recurrence_id is not None]
    assert len(overrides) == 2
    # EXDATE;VALUE=DATE on a timed series removes that day's instance.
    assert {wall(x) for x in master.exdates} == {datetime(2024, 3, 6, 9), datetime(2024, 3, 7, 9)}
    # The RANGE=THISANDFUTURE override split the series on 12 March (test_ical_liberal.py);
    # the RDATEs after it (RDATE;VALUE=PERIOD: its start) moved to the new series with it.
    (tail,) = [e for e in r.events if e.uid.startswith("series-1@example.org/from-")]
    assert master.rrule == "FREQ=DAILY;COUNT=8" and tail.rrule == "FREQ=DAILY;COUNT=2"
    assert {wall(x) for x in tail.rdates} == {datetime(2024, 3, 16, 11, 30),
                                              datetime(2024, 3, 20, 10, 30)}
    ny = ZoneInfo("America/New_York")
    occs = [*expand(master, overrides, datetime(2024, 3, 1, tzinfo=UTC),
                    datetime(2024, 3, 31, tzinfo=UTC), ny),
            *expand(tail, [], datetime(2024, 3, 1, tzinfo=UTC),
                    datetime(2024, 3, 31, tzinfo=UTC), ny)]
    got = [(wall(o.start), o.event.title) for o in occs]
    assert got == [
        (datetime(2024, 3, 4, 9), "Daily standup"),
        (datetime(2024, 3, 5, 9), "Daily standup"),
        (datetime(2024, 3, 8, 15), "Daily standup (afternoon)"),
        (datetime(2024, 3, 9, 9), "Daily standup"),
        (datetime(2024, 3, 10, 9), "Daily standup"),   # the US change: still 09:00
        (datetime(2024, 3, 12, 9, 30), "Daily standup (later from now on)"),
        (datetime(2024, 3, 13, 9, 30), "Daily standup (later from now on)"),
        (datetime(2024, 3, 16, 11, 30), "Daily standup (later from now on)"),
        (datetime(2024, 3, 20, 10, 30), "Daily standup (later from now on)"),
    ]
    cancelled = next(o for o in overrides if o.status == EventStatus.CANCELLED)
    assert wall(cancelled.recurrence_id) == datetime(2024, 3, 11, 9)
    assert r.skipped == []
    (warn,) = r.warnings
    assert "THISANDFUTURE" in warn.reason and warn.line == 33


def test_orphan_override_is_kept_for_a_master_imported_later() -> None:
    r = load("recurrence_overrides.ics")
    orphan = next(e for e in r.events if e.uid == "orphan-override@example.org")
    assert orphan.recurrence_id == zoned(2024, 4, 2, 8, 0, tz="UTC")


# -- ids ---------------------------------------------------------------------


def test_reimport_gives_the_same_ids() -> None:
    data = (ICS / "recurrence_overrides.ics").read_bytes()
    a = parse_ics(data, calendar_id="cal-1")
    b = parse_ics(data, calendar_id="cal-1")
    assert [e.id for e in a.events] == [e.id for e in b.events]
    assert len({e.id for e in a.events}) == len(a.events)
    no_uid = next(e for e in a.events if e.title == "No UID here")
    assert no_uid.uid.endswith("@aurora-import")
    # The master and its overrides share the uid but never the id.
    series = [e for e in a.events if e.uid == "series-1@example.org"]
    assert len({e.id for e in series}) == len(series) == 3


def test_ids_do_not_depend_on_the_machine_zone_or_the_order_of_components() -> None:
    data = (ICS / "google_xwr.ics").read_text()
    head, _, rest = data.partition("BEGIN:VEVENT")
    blocks = ["BEGIN:VEVENT" + b for b in rest.split("BEGIN:VEVENT")]
    blocks[-1] = blocks[-1].replace("END:VCALENDAR\r\n", "")
    shuffled = head + "".join(reversed(blocks)) + "END:VCALENDAR\r\n"
    a = {e.uid: e.id for e in parse_ics(data, calendar_id="x").events}
    b = {e.uid: e.id for e in parse_ics(shuffled, calendar_id="x").events}
    assert a == b


def test_duplicate_uid_keeps_the_later_component() -> None:
    ev = ("BEGIN:VEVENT\r\nUID:dup\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\n"
          "SUMMARY:{}\r\nEND:VEVENT\r\n")
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + ev.format("first")
            + ev.format("second") + "END:VCALENDAR\r\n")
    r = parse_ics(data, calendar_id="c")
    assert [e.title for e in r.events] == ["second"]
    assert len(r.skipped) == 1 and "same UID" in r.skipped[0].reason
    assert r.skipped[0].line == 4


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    load_bytes = (ICS / "outlook_windows_zones.ics").read_bytes()
    parse_ics(load_bytes, calendar_id="c", progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_long_text_is_shortened_not_refused() -> None:
    data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:long\r\n"
            "DTSTART:20240101T100000Z\r\nSUMMARY:" + "x" * 800 + "\r\nDESCRIPTION:"
            + "y" * 30_000 + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    (ev,) = parse_ics(data, calendar_id="c").events
    assert len(ev.title) == 500 and len(ev.notes) == 20_000
