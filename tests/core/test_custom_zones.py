"""Zones a file defines that match no IANA zone (X-AURORA/<hash>, docs/import.md): the
file's own offsets and change times are used, on import, in expansion, on the wire and
on export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError as PydanticError

from aurora_core import custom_zones, wire
from aurora_core.ical import _import, parse_ics, to_ics
from aurora_core.model import Event, ValidationError, ZonedTime, get_zone
from aurora_core.recurrence import expand
from tests.helpers.times import utc, zoned

ICS = (Path(__file__).parent / "zones" / "custom_zones.ics").read_text()
FOO = """BEGIN:VTIMEZONE
TZID:Foo Standard Time
BEGIN:STANDARD
DTSTART:19701025T050000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:FST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T050000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:FDT
END:DAYLIGHT
END:VTIMEZONE"""


def _by_title(events: list[Event]) -> dict[str, Event]:
    return {e.title: e for e in events}


def _starts(ev: Event, lo: datetime, hi: datetime) -> list[datetime]:
    return [o.start.instant(UTC) for o in expand(ev, [], lo, hi, UTC)]


def test_import_uses_the_files_own_definition_with_one_warning_per_zone() -> None:
    r = parse_ics(ICS, calendar_id="c")
    assert r.skipped == []
    assert [str(w) for w in r.warnings] == [
        "VTIMEZONE 'Foo Standard Time': used the file's own definition of zone "
        "'Foo Standard Time' (no IANA zone matches)",
        "VTIMEZONE 'Odd': used the file's own definition of zone 'Odd' (no IANA zone matches)",
    ]
    evs = _by_title(r.events)
    assert len(r.zones) == 2
    assert {e.start.tz for e in r.events if isinstance(e.start, ZonedTime)} == set(r.zones)
    for name, text in r.zones.items():
        assert custom_zones.NAME_RE.match(name) and custom_zones.zone_name(text) == name
        assert "LAST-MODIFIED" not in text
    # The icalendar reader (files the fast reader does not take) gives the same.
    whole = _import(ICS, "c", None, fast=False)
    assert whole.events == r.events and whole.zones == r.zones and whole.warnings == r.warnings
    odd = evs["Odd meeting"]
    assert odd.start.instant(UTC) == utc(2026, 6, 1, 5, 43)  # 09:00 at +03:17
    assert isinstance(odd.start, ZonedTime)
    assert odd.start.local.utcoffset() == timedelta(hours=3, minutes=17)


def test_occurrences_follow_the_files_switch_hour_not_europes() -> None:
    evs = _by_title(parse_ics(ICS, calendar_id="c").events)
    # The zone changes at 05:00 local time (Europe at 01:00 UTC): on 29 March 04:30 is
    # still +01:00, and on 25 October 06:00 is already +01:00 again.
    assert _starts(evs["Early standup"], utc(2026, 3, 1), utc(2026, 4, 10)) == [
        utc(2026, 3, 26, 3, 30), utc(2026, 3, 27, 3, 30), utc(2026, 3, 28, 3, 30),
        utc(2026, 3, 29, 3, 30), utc(2026, 3, 30, 2, 30), utc(2026, 3, 31, 2, 30),
        utc(2026, 4, 1, 2, 30)]
    assert _starts(evs["Morning run"], utc(2026, 10, 1), utc(2026, 11, 10)) == [
        utc(2026, 10, 22, 4), utc(2026, 10, 24, 4), utc(2026, 10, 25, 5),
        utc(2026, 10, 26, 5), utc(2026, 10, 27, 5), utc(2026, 10, 28, 5)]
    # The wall clock stays where the file put it.
    assert {o.start.local.time().isoformat() for o in  # type: ignore[union-attr]
            expand(evs["Morning run"], [], utc(2026, 10, 1), utc(2026, 11, 1), UTC)} == \
        {"06:00:00"}


def test_the_zone_resolves_gaps_and_overlaps_as_zoneinfo_does() -> None:
    name = custom_zones.register(FOO)
    zone = get_zone(name)
    # Gap 05:00-06:00 on 29 March: fold=0 reads the offset before it (RFC 5545).
    assert zoned(2026, 3, 29, 5, 30, tz=name).at == utc(2026, 3, 29, 4, 30)
    assert zoned(2026, 3, 29, 5, 30, fold=1, tz=name).at == \
        utc(2026, 3, 29, 3, 30)
    # Overlap 04:00-05:00 on 25 October: fold=0 the first time, fold=1 the second.
    assert zoned(2026, 10, 25, 4, 30, tz=name).at == utc(2026, 10, 25, 2, 30)
    assert zoned(2026, 10, 25, 4, 30, fold=1, tz=name).at == \
        utc(2026, 10, 25, 3, 30)
    # Every instant of a year goes to the wall clock and back.
    at = utc(2026, 1, 1)
    while at < utc(2027, 1, 1):
        assert at.astimezone(zone).astimezone(UTC) == at
        at += timedelta(minutes=30)
    assert utc(2026, 7, 1).astimezone(zone).tzname() == "FDT"
    assert utc(2026, 7, 1).astimezone(zone).dst() == timedelta(hours=1)
    assert utc(2026, 12, 1).astimezone(zone).dst() == timedelta(0)


def test_parsed_zones_are_cached_by_name() -> None:
    name = custom_zones.register(FOO)
    folded = FOO.replace("\n", "\r\n").replace("TZNAME:FST", "TZNAME:F\r\n ST")
    assert custom_zones.register(folded + "\r\n") == name  # same definition, same zone
    assert get_zone(name) is get_zone(name) is custom_zones.lookup(name)


def test_export_writes_the_stored_definition_and_round_trips() -> None:
    first = parse_ics(ICS, calendar_id="c")
    data = to_ics(first.events)
    text = data.decode()
    assert "TZID:Foo Standard Time" in text and "TZOFFSETTO:+0317" in text
    assert "DTSTART;TZID=Odd:20260601T090000" in text
    assert "X-AURORA/" not in text
    again = parse_ics(data, calendar_id="c")
    assert again.skipped == [] and again.zones == first.zones
    lo, hi = utc(2026, 1, 1), utc(2027, 1, 1)
    a, b = _by_title(first.events), _by_title(again.events)
    for title in a:
        assert _starts(a[title], lo, hi) == _starts(b[title], lo, hi), title
        assert a[title].start == b[title].start


def test_two_zones_with_one_tzid_export_apart() -> None:
    other = FOO.replace("+0100\nTZNAME:FST", "+0045\nTZNAME:FST").replace(
        "TZOFFSETFROM:+0100", "TZOFFSETFROM:+0045")
    a, b = custom_zones.register(FOO), custom_zones.register(other)
    assert a != b
    evs = [Event.new("c", "A", zoned(2026, 1, 5, 9, tz=a),
                     zoned(2026, 1, 5, 10, tz=a)),
           Event.new("c", "B", zoned(2026, 1, 5, 9, tz=b),
                     zoned(2026, 1, 5, 10, tz=b))]
    data = to_ics(evs)
    # One is written under its registry name (a TZID must name one VTIMEZONE): a
    # re-import reads the same times, as a zone of that name.
    assert data.count(b"TZID:Foo Standard Time") == 1
    assert f"TZID:{a}".encode() in data or f"TZID:{b}".encode() in data
    back = _by_title(parse_ics(data, calendar_id="c").events)
    assert back["A"].start.instant(UTC) == evs[0].start.instant(UTC) == utc(2026, 1, 5, 8)
    assert back["B"].start.instant(UTC) == evs[1].start.instant(UTC) == utc(2026, 1, 5, 8, 15)


def test_a_definition_beyond_the_bound_is_refused_and_its_events_skipped() -> None:
    huge = FOO.replace("TZNAME:FST", "TZNAME:FST\n" + "\n".join(
        f"X-PADDING-{i}:{'x' * 70}" for i in range(240)))
    data = ICS.replace(
        FOO.replace("TZID:Foo Standard Time", "TZID:Foo Standard Time\nLAST-MODIFIED:20240101T000000Z")
        .replace("\n", "\n"), huge)
    assert "X-PADDING-1" in data
    r = parse_ics(data, calendar_id="c")
    assert {e.title for e in r.events} == {"Odd meeting"}
    assert len(r.skipped) == 2
    assert all("at most 16000 are kept" in s.reason for s in r.skipped)


def test_a_name_without_its_definition_is_refused_clearly() -> None:
    unknown = "X-AURORA/" + "0" * 32
    with pytest.raises(ValidationError, match="came without its definition"):
        get_zone(unknown)
    w = wire.EventWire(id="6f1c3f5e-8a7b-4d0e-9c51-2b7d3e9a4f10", calendar_id="c",
                       start="2026-01-01T09:00:00+01:00", end="2026-01-01T10:00:00+01:00",
                       timezone=unknown)
    with pytest.raises(ValidationError, match="came without its definition"):
        wire.event_from_wire(w)
    with pytest.raises(PydanticError):
        wire.EventWire(id="6f1c3f5e-8a7b-4d0e-9c51-2b7d3e9a4f10", calendar_id="c",
                       start="2026-01-01T09:00:00+01:00", end="2026-01-01T10:00:00+01:00",
                       timezone="X-AURORA/not-a-hash")
    with pytest.raises(PydanticError):
        wire.SettingsWire(timezone=custom_zones.register(FOO))


def test_the_wire_carries_definitions_and_omits_an_empty_map() -> None:
    name = custom_zones.register(FOO)
    text = custom_zones.definition(name)
    ev = Event.new("c", "A", zoned(2026, 3, 29, 4, 30, tz=name),
                   zoned(2026, 3, 29, 5, 30, tz=name))
    page = wire.SyncPage(calendars=[], events=[wire.event_to_wire(ev)], cursor="x",
                         has_more=False, server_time=utc(2026, 1, 1), zones={name: text})
    back = wire.SyncPage.model_validate_json(page.model_dump_json())
    assert back.zones == {name: text}
    assert wire.event_from_wire(back.events[0]).start == ev.start
    empty = wire.SyncPage(calendars=[], events=[], cursor="x", has_more=False,
                          server_time=utc(2026, 1, 1))
    assert "zones" not in empty.model_dump(mode="json")
    batch = wire.BatchRequest(events=[wire.event_to_wire(ev)])
    assert "zones" not in batch.model_dump(mode="json")
    with pytest.raises(PydanticError, match="not that zone's"):
        wire.BatchRequest(events=[wire.event_to_wire(ev)],
                          zones={name: text.replace("+0200", "+0300")})


@pytest.mark.parametrize("bad", [
    FOO.replace("FREQ=YEARLY;BYMONTH=10", "FREQ=SECONDLY;BYMONTH=10"),
    FOO.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+2500"),
    FOO.replace("TZID:Foo Standard Time\n", ""),
    "BEGIN:VTIMEZONE\nTZID:x\nEND:VTIMEZONE",
    "BEGIN:VEVENT\nEND:VEVENT",
])
def test_a_definition_that_is_no_zone_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        custom_zones.register(bad)


def test_a_rule_from_1601_gives_the_same_changes_as_one_from_1970() -> None:
    # Outlook writes DTSTART:16010101; the expansion starts in 1899 in the same phase.
    outlook = FOO.replace("DTSTART:19701025T050000", "DTSTART:16011025T050000").replace(
        "DTSTART:19700329T050000", "DTSTART:16010329T050000").replace(
        "FREQ=YEARLY;BYMONTH=3", "FREQ=YEARLY;INTERVAL=1;BYMONTH=3")
    a, b = get_zone(custom_zones.register(FOO)), get_zone(custom_zones.register(outlook))
    assert a is not b
    at = utc(1971, 1, 1)  # (FOO itself starts in 1970)
    while at < utc(2200, 1, 1):
        assert at.astimezone(a).utcoffset() == at.astimezone(b).utcoffset(), at
        at += timedelta(days=7)


EASTERN = """BEGIN:VTIMEZONE
TZID:Eastern (as Outlook writes it)
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""


def test_the_zone_reads_like_zoneinfo_where_the_definitions_agree() -> None:
    """Outlook's definition of US Eastern since 2007 against America/New_York: every
    2½ hours to the wall clock, and every wall time around each change, both folds."""
    from zoneinfo import ZoneInfo

    ours, iana = get_zone(custom_zones.register(EASTERN)), ZoneInfo("America/New_York")
    at = utc(2008, 1, 1)
    while at < utc(2031, 1, 1):
        assert at.astimezone(ours).utcoffset() == at.astimezone(iana).utcoffset(), at
        assert at.astimezone(ours).fold == at.astimezone(iana).fold, at
        at += timedelta(minutes=150)  # every half hour of the day over five days
    for year in range(2008, 2031):
        for month in (3, 11):
            day = datetime(year, month, 1)
            while day.month == month:
                for minutes in range(0, 5 * 60, 15):
                    wall = day + timedelta(minutes=minutes)
                    for fold in (0, 1):
                        w = wall.replace(fold=fold)
                        assert w.replace(tzinfo=ours).astimezone(UTC) == \
                            w.replace(tzinfo=iana).astimezone(UTC), w
                day += timedelta(days=1)
