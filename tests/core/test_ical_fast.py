"""The fast .ics reader (aurora_core.ical_fast) against the icalendar path it replaces.

Differential: for fixtures, generated calendars and mangled files, an import with
the fast reader and one with icalendar alone give the same events, field by
field, the same skipped entries and the same calendar name. Generated files
built only from forms the fast reader handles must really take the fast path,
so that the comparison is not empty.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ical_roundtrip import events as our_events  # the round-trip test's events

from aurora_core import ical, ical_fast
from aurora_core.ical import ImportResult, _decode, _import, to_ics
from aurora_core.model import Event

ICS = Path(__file__).parent / "ics"
# Fixtures that are well-formed enough for the fast reader (the rest are broken on purpose).
FAST_FIXTURES = ["alarms.ics", "allday_duration.ics", "apple_icloud.ics", "google_xwr.ics",
                 "outlook_windows_zones.ics", "recurrence_overrides.ics",
                 "liberal_cancelled.ics", "liberal_override_kind.ics",
                 "liberal_stale_override.ics", "liberal_start_end.ics",
                 "liberal_thisandfuture.ics", "liberal_vendor_tzid.ics"]

FAST_FIXTURES.append("fidelity_unknown_properties.ics")  # round-trip fidelity (issue 11)


def takes_fast_path(data: bytes | str) -> bool:
    text, problem = _decode(data)
    return problem is None and ical_fast.read_or_raise(text) is not None


def assert_same_import(data: bytes | str) -> ImportResult:
    """Import ``data`` both ways; assert the results are identical. Returns the fast one."""
    t0 = datetime.now(UTC).replace(microsecond=0)
    takes_fast_path(data)  # the fast reader itself never fails with an error of its own
    fast = _import(data, "cal", None, fast=True)
    slow = _import(data, "cal", None, fast=False)
    assert fast.calendar_name == slow.calendar_name
    assert [str(s) for s in fast.skipped] == [str(s) for s in slow.skipped]
    assert fast.skipped == slow.skipped
    assert len(fast.events) == len(slow.events), ([e.uid for e in fast.events],
                                                  [e.uid for e in slow.events])
    for a, b in zip(fast.events, slow.events, strict=True):
        for f in dataclasses.fields(a):
            va, vb = getattr(a, f.name), getattr(b, f.name)
            if f.name in ("created", "updated") and va >= t0 and vb >= t0:
                continue  # no stamp in the file: "now", a second apart at most
            assert repr(va) == repr(vb), (a.uid, f.name, va, vb)
            assert va == vb, (a.uid, f.name, va, vb)
    return fast


# --------------------------------------------------------------------------
# Fixtures


@pytest.mark.parametrize("path", sorted(ICS.glob("*.ics")), ids=lambda p: p.name)
def test_fixture_gives_the_same_import_both_ways(path: Path) -> None:
    data = path.read_bytes()
    assert takes_fast_path(data) == (path.name in FAST_FIXTURES)
    assert_same_import(data)


def test_well_formed_fixture_as_str_and_with_lf_line_ends() -> None:
    for name in FAST_FIXTURES:
        text = (ICS / name).read_text(encoding="utf-8")
        lf = text.replace("\r\n", "\n")
        assert takes_fast_path(text) and takes_fast_path(lf)
        assert_same_import(lf)


# --------------------------------------------------------------------------
# The content-line tokenizer


def read_one(lines: list[str]) -> ical_fast.FastComponent:
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *lines,
                        "END:VEVENT", "END:VCALENDAR", ""])
    r = ical_fast.read_or_raise(text)
    assert r is not None
    ((comp, kind),) = r.components
    assert kind == "VEVENT"
    assert isinstance(comp, ical_fast.FastComponent)
    return comp


def test_quoted_parameters_may_hold_colons_semicolons_and_commas() -> None:
    comp = read_one([
        'DTSTART;X-NOTE="a:b;c,d";TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rome":'
        "20240105T090000",
        'SUMMARY;ALTREP="cid:part1.0001@example.org";LANGUAGE=en:Plan: A, then B',
    ])
    start = comp["DTSTART"]
    assert start.params == {"X-NOTE": "a:b;c,d",
                            "TZID": "(UTC+01:00) Amsterdam, Berlin, Bern, Rome"}
    assert start.dt.replace(tzinfo=None) == datetime(2024, 1, 5, 9)
    assert comp["SUMMARY"] == "Plan: A, then B"


def test_names_and_parameters_are_case_insensitive_and_lines_unfold() -> None:
    comp = read_one(["dtStart;tzid=Europe/Berlin:2024", " 0105T0900", "\t00",
                     "summary:Long ti", " tle", "Location:Room\\, 1\\; 2\\nNext \\\\ line"])
    assert comp["DTSTART"].params == {"TZID": "Europe/Berlin"}
    assert comp["DTSTART"].dt.replace(tzinfo=None) == datetime(2024, 1, 5, 9)
    assert comp["SUMMARY"] == "Long title"
    assert comp["LOCATION"] == "Room, 1; 2\nNext \\ line"


def test_value_forms() -> None:
    comp = read_one(["DTSTART;VALUE=DATE:20240105", "DTSTAMP:20240101T120000Z",
                     "CREATED:20240101T120000", "DURATION:P1DT2H",
                     "EXDATE;TZID=America/New_York:20240106T090000,20240107T090000",
                     "EXDATE;VALUE=DATE:20240108", "RDATE;VALUE=PERIOD:20240320T140000Z/PT1H",
                     "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"])
    assert comp["DTSTART"].dt == date(2024, 1, 5)
    assert comp["DTSTAMP"].dt == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert comp["CREATED"].dt == datetime(2024, 1, 1, 12)
    assert comp["DURATION"].dt == timedelta(days=1, hours=2)
    first, second = comp["EXDATE"]
    assert [d.dt.replace(tzinfo=None) for d in first.dts] == [datetime(2024, 1, 6, 9),
                                                             datetime(2024, 1, 7, 9)]
    assert [d.dt for d in second.dts] == [date(2024, 1, 8)]
    assert comp["RDATE"].dts[0].dt[0] == datetime(2024, 3, 20, 14, tzinfo=UTC)
    assert comp["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE"


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/Berlin;VALUE=DATE:20240105",  # a DATE with a TZID
    "DTSTART:20241301T100000",  # no 13th month
    "DTSTART:2024-01-05T10:00:00",  # not the basic format
    "DTSTART;VALUE=PERIOD:20240320T140000Z/PT1H",  # not a type we read for DTSTART
    "DTSTART;TZID=Europe/Berlin,America/New_York:20240105T100000",  # two zones
    "SUMMARY;VALUE=URI:http://example.org",  # not text
    "RRULE:FREQ=SOMETIMES",  # icalendar rejects it
    "DTSTART;X=a\\,b:20240105T100000",  # a backslash in the parameters
    "DTSTART;X=^n:20240105T100000",  # RFC 6868
    'DTSTART;X="a" ;TZID=UTC:20240105T100000',  # whitespace outside quotes
    "SUMMARY;:x",  # empty parameters
    "SUMMARY",  # no value
    "SUMM ARY:x",  # icalendar drops the space
    "BEGIN:VTODO",  # not a subcomponent we take
])
def test_what_the_fast_reader_leaves_to_icalendar(line: str) -> None:
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:a",
                        "DTSTAMP:20240101T000000Z", line, "DTSTART:20240105T100000",
                        "END:VEVENT", "END:VCALENDAR", ""])
    assert ical_fast.read_or_raise(text) is None
    assert_same_import(text)


@pytest.mark.parametrize("text", [
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n",  # no END:VCALENDAR
    "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",  # two
    "X-COMMENT:x\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",  # a line outside
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VALARM\r\nEND:VCALENDAR\r\n",  # unpaired
    "BEGIN:VCALENDAR\rBEGIN:VEVENT\rEND:VEVENT\rEND:VCALENDAR\r",  # CR line ends
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nBEGIN:VALARM\r\nTRIGGER:soon\r\nEND:VALARM\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n",  # icalendar fails on the whole file
])
def test_structures_left_to_icalendar(text: str) -> None:
    assert ical_fast.read_or_raise(text) is None
    assert_same_import(text)


def test_unread_properties_icalendar_tolerates_keep_the_fast_path() -> None:
    comp = read_one(["UID:a", "DTSTART:20240105T100000", "SEQUENCE:many", "GEO:north",
                     'ATTENDEE;CN="Doe, John";ROLE=REQ-PARTICIPANT:mailto:j@example.org',
                     "ORGANIZER;CN=Jane Roe:mailto:jane@example.org", "CATEGORIES:a,b\\,c",
                     "DUE:whenever", "X-ODD;X-P=1:\\q", APPLE_LOCATION, 'X-BROKEN;P="a:b'])
    assert set(comp) == {"UID", "DTSTART"}


# --------------------------------------------------------------------------
# Generated calendars


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "W. Europe Standard Time",
         "Eastern Standard Time", "/freeassociation.sourceforge.net/Europe/Berlin",
         "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Custom Zone",
         "Mars/Olympus_Mons", "Europe"]
CUSTOM_VTIMEZONE = [
    "BEGIN:VTIMEZONE", "TZID:Custom Zone",
    "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"]
TEXT = st.lists(st.sampled_from(["a", "Z", " ", "é", "日", ":", '"', ";", ",", "\\n", "\\N",
                                 "\\,", "\\;", "\\\\", "\\:", "\\x", "=", "^"]),
                max_size=12).map("".join)
RULES = ["FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6", "FREQ=MONTHLY;BYMONTHDAY=15",
         "FREQ=WEEKLY;UNTIL=20250301T000000Z", "FREQ=DAILY;UNTIL=20250301", "FREQ=YEARLY;",
         "FREQ=MINUTELY", "freq=weekly;interval=2;count=3"]
APPLE_LOCATION = ("X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=\"Apple Park Way\\nCupertino"
                  "\\, CA\";X-APPLE-RADIUS=141;X-TITLE=Apple Park:geo:37.334886,-122.008988")
UNREAD = ['ATTENDEE;CN="Doe, John";ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:j@example.org',
          "ORGANIZER;CN=Jane Roe:mailto:jane@example.org", "CATEGORIES:Work,Home\\,Garden",
          "SEQUENCE:2", "SEQUENCE:two", "CLASS:PUBLIC", "TRANSP:OPAQUE", "URL:http://x.org/a",
          "GEO:52.5;13.4", "GEO:bad", "PRIORITY:5", 'X-FOO;X-P="a:b;c":v', "X-BAR:\\q;r",
          "COMMENT;LANGUAGE=de:Hallo\\, Welt", "ATTACH;FMTTYPE=text/plain:http://x.org/f",
          APPLE_LOCATION, "ATTENDEE;CN=\"Jo ^'Boss^' Doe\":mailto:jo@example.org",
          'X-BROKEN;P="a:b', "X-NO-VALUE", "DUE;TZID=Europe/Berlin:20240105T100000"]


@st.composite
def calendars(draw: st.DrawFn) -> tuple[str, bool]:
    """A calendar as text, and whether it uses only forms the fast reader must take."""
    fast = True
    base = datetime(2024, 1, 1, 8)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if draw(st.booleans()):
        out.append("X-WR-CALNAME:" + draw(TEXT))
    if draw(st.booleans()):
        out.append("NAME:" + draw(TEXT))
    if draw(st.integers(0, 3)) == 0:
        out.append("X-WR-TIMEZONE:" + draw(st.sampled_from(["Europe/Berlin", "Nowhere/City"])))
    tz_first = draw(st.booleans())
    if tz_first:
        out += CUSTOM_VTIMEZONE
    uids = ["u1", "u2", "u3", "u4", "u5"]

    def when(value_kind: str, t: datetime, tz: str) -> str:
        nonlocal fast
        if value_kind == "tz":
            fast = fast and tz != "Europe"  # icalendar fails on the whole file (a directory)
            quoted = '"' in tz or "," in tz or ":" in tz or draw(st.integers(0, 4)) == 0
            if quoted:
                return f'TZID="{tz}":{t:%Y%m%dT%H%M%S}'
            if draw(st.integers(0, 4)) == 0:  # whitespace icalendar drops
                return f"X-A=1 ; TZID = {tz}\t:{t:%Y%m%dT%H%M%S}"
            return f"TZID={tz}:{t:%Y%m%dT%H%M%S}"
        if value_kind == "utc":
            return f":{t:%Y%m%dT%H%M%S}Z"
        if value_kind == "floating":
            return f":{t:%Y%m%dT%H%M%S}"
        if value_kind == "date":
            return f"VALUE=DATE:{t:%Y%m%d}"
        if value_kind == "date-tz":
            fast = False
            return f"TZID={tz};VALUE=DATE:{t:%Y%m%d}"
        fast = False
        return ":20241301T100000"  # invalid

    def prop(name: str, rest: str) -> str:
        shown = draw(st.sampled_from([name, name.lower(), name.title()]))
        return f"{shown}{rest}" if rest.startswith(":") else f"{shown};{rest}"

    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["VEVENT"] * 6 + ["VTODO"]))
        if kind == "VTODO":
            out += ["BEGIN:VTODO", "UID:todo", "SUMMARY:" + draw(TEXT), "END:VTODO"]
            continue
        lines = ["BEGIN:VEVENT"]
        if draw(st.integers(0, 5)):
            lines.append("UID:" + draw(st.sampled_from(uids)))
        stamp = draw(st.sampled_from(["DTSTAMP:20240101T000000Z", "DTSTAMP:20240101T000000",
                                      "DTSTAMP;TZID=Europe/Berlin:20240101T000000", None]))
        if stamp:
            lines.append(stamp)
        tz = draw(st.sampled_from(ZONES[:-1] * 3 + ZONES[-1:]))
        start = base + timedelta(days=draw(st.integers(0, 400)),
                                 minutes=15 * draw(st.integers(0, 60)))
        skind = draw(st.sampled_from(["tz"] * 8 + ["utc"] * 3 + ["floating"] * 3 + ["date"] * 3
                                     + ["date-tz", "bad"]))
        if draw(st.integers(0, 9)):
            lines.append(prop("DTSTART", when(skind, start, tz)))
        length = timedelta(minutes=30 * draw(st.integers(-1, 6)))
        ending = draw(st.sampled_from(["dtend", "dtend-other", "duration", "none"]))
        if ending == "dtend":
            lines.append(prop("DTEND", when(skind, start + length, tz)))
        elif ending == "dtend-other":
            lines.append(prop("DTEND", when("tz", start + length,
                                            draw(st.sampled_from(ZONES[:3])))))
        elif ending == "duration":
            lines.append("DURATION:" + draw(st.sampled_from(
                ["PT1H", "P1D", "-PT5M", "P1W", "PT90M", "P1DT2H", "PT0S", "PT1H10M",
                 "P0DT1H0M0S", "+PT15M0S"])))
        for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            if draw(st.booleans()):
                lines.append(prop(name, ":" + draw(TEXT)))
        if draw(st.booleans()):
            lines.append("STATUS:" + draw(st.sampled_from(["CONFIRMED", "tentative",
                                                           "CANCELLED", "maybe"])))
        series = draw(st.integers(0, 2)) == 0
        if series:
            rule = draw(st.sampled_from([*RULES, "FREQ=SOMETIMES"]))
            fast = fast and rule != "FREQ=SOMETIMES"
            lines.append("RRULE:" + rule)
            if draw(st.booleans()):
                days = draw(st.lists(st.integers(1, 30), min_size=1, max_size=3))
                ex = ",".join(f"{start + timedelta(days=d):%Y%m%dT%H%M%S}" for d in days)
                tzp = f'"{tz}"' if "," in tz or ":" in tz else tz
                lines.append(prop("EXDATE", f"TZID={tzp}:{ex}" if skind == "tz" else f":{ex}"))
            if draw(st.booleans()):
                lines.append(f"EXDATE;VALUE=DATE:{start + timedelta(days=7):%Y%m%d}")
            rdate = draw(st.sampled_from(["", ":", "period", "tz"]))
            if rdate == ":":
                lines.append("RDATE:")
            elif rdate == "period":
                lines.append(f"RDATE;VALUE=PERIOD:{start + timedelta(days=40):%Y%m%dT%H%M%S}Z"
                             "/PT1H")
            elif rdate == "tz":
                lines.append(prop("RDATE", when("tz", start + timedelta(days=41), tz)))
        elif draw(st.integers(0, 3)) == 0:
            rid = "RANGE=THISANDFUTURE;" if draw(st.integers(0, 3)) == 0 else ""
            lines.append(prop("RECURRENCE-ID", rid + when("tz", start, tz)))
        if draw(st.integers(0, 4)) == 0:
            lines.append("X-AURORA-ID:" + draw(st.sampled_from(
                ["6f1c3f5e-8a7b-4d0e-9c51-2b7d3e9a4f10", "not-a-uuid"])))
        lines += draw(st.lists(st.sampled_from(UNREAD), max_size=4))
        for _ in range(draw(st.integers(0, 2))):
            trig = draw(st.sampled_from(["TRIGGER:-PT15M", "TRIGGER:PT0S", "TRIGGER:-P1D",
                                         "TRIGGER:-PT1H10M", "TRIGGER:-P0DT0H30M0S",
                                         "TRIGGER;RELATED=END:PT5M", "TRIGGER;VALUE=DATE-TIME:"
                                         f"{start - timedelta(hours=1):%Y%m%dT%H%M%S}Z",
                                         "TRIGGER:soon", None]))
            fast = fast and trig != "TRIGGER:soon"
            lines += ["BEGIN:VALARM",
                      "ACTION:" + draw(st.sampled_from(["DISPLAY", "AUDIO", "EMAIL", "X-PING"])),
                      "DESCRIPTION:Reminder", *([trig] if trig else [])]
            if draw(st.integers(0, 3)) == 0:
                lines.append("X-AURORA-CHANNEL:email")
            lines.append("END:VALARM")
        lines.append("END:VEVENT")
        out += lines
    if not tz_first:
        out += CUSTOM_VTIMEZONE
    out.append("END:VCALENDAR")
    # Fold some lines at random places, as exporters do past 75 octets.
    folded = [out[0]]  # (a folded BEGIN:VCALENDAR is not recognised as iCalendar at all)
    for line in out[1:]:
        cut = draw(st.integers(0, 3 * len(line)))
        if 0 < cut < len(line):
            folded.append(line[:cut] + "\r\n" + draw(st.sampled_from([" ", "\t"])) + line[cut:])
        else:
            folded.append(line)
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    text = newline.join(folded).replace("\r\n", newline) + newline
    return text, fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars())
def test_generated_calendars_give_the_same_import_both_ways(cal: tuple[str, bool]) -> None:
    text, fast = cal
    if fast:
        assert takes_fast_path(text)
    assert_same_import(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_files_give_the_same_import_both_ways(data: st.DataObject) -> None:
    """Cut, splice and garble fixtures: whatever the fast reader takes, it reads as icalendar."""
    src = data.draw(st.sampled_from(FAST_FIXTURES))
    raw = bytearray((ICS / src).read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete_line", "cut"]))
        i = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[i] = data.draw(st.sampled_from(b' \t\r\n:;,="\\^PTZ0189-aZ\xc3'))
        elif op == "insert":
            raw[i:i] = data.draw(st.sampled_from([b"\r\n", b"\r\n ", b";X=1", b'"', b":", b"\\",
                                                  b"BEGIN:VALARM\r\n", b"END:VEVENT\r\n"]))
        elif op == "delete_line":
            lines = bytes(raw).split(b"\r\n")
            del lines[i % len(lines)]
            raw = bytearray(b"\r\n".join(lines))
        elif op == "cut":
            del raw[i:]
    assert_same_import(bytes(raw))


def test_the_fast_reader_gives_every_property_the_converter_reads() -> None:
    """A tripwire: a property the converter starts to read must be added to the fast reader."""
    source = inspect.getsource(ical._Converter)
    source = source.replace("X_ID", f'"{ical.X_ID}"').replace("X_CHANNEL", f'"{ical.X_CHANNEL}"')
    read = set(re.findall(r'(?:_text|_first|_stamp|_dates|\.get)\((?:self, )?(?:props|comp|alarm), '
                          r'"([A-Z][A-Z-]+)"', source))
    read |= set(re.findall(r'props\.get\("([A-Z][A-Z-]+)"\)', source))
    assert {"DTSTART", "RRULE", "EXDATE", "X-AURORA-ID", "TRIGGER"} <= read
    alarm_props = {"ACTION", "TRIGGER", "X-AURORA-CHANNEL"}  # VALARMs keep every property
    assert read - alarm_props <= ical_fast._EVENT_READ


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(our_events(), min_size=1, max_size=4))
def test_our_own_exports_take_the_fast_path(evs: list[Event]) -> None:
    data = to_ics(evs)
    assert takes_fast_path(data)
    assert_same_import(data)
