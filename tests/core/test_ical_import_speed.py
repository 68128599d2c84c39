"""The import's shortcuts for speed give what the plain code gives (issue 11's speed
work, docs/performance.md); timings themselves are in bench/core_bench.py."""

from __future__ import annotations

import contextlib
import gc
import uuid

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aurora_core import ical_fast
from aurora_core.ical import ID_NAMESPACE, _id5, parse_ics


@settings(derandomize=True, max_examples=300)
@given(st.text())
@example("single-1@bench\x1f")
@example("series-1@bench\x1f20250101T090000Z")
@example("Ünïcödé 🗓\x1f20250101")
def test_event_ids_are_the_uuid5_of_uid_and_recurrence(name: str) -> None:
    assert _id5(name) == str(uuid.uuid5(ID_NAMESPACE, name))


def test_the_same_written_time_in_two_zones_stays_two_times() -> None:
    # The reader remembers values by their text *and* TZID.
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Berlin\r\n"
        "DTSTART;TZID=Europe/Berlin:20260301T090000\r\n"
        "DTEND;TZID=Europe/Berlin:20260301T100000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:New York\r\n"
        "DTSTART;TZID=America/New_York:20260301T090000\r\n"
        "DTEND;TZID=America/New_York:20260301T100000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Floating\r\n"
        "DTSTART:20260301T090000\r\nDTEND:20260301T100000\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n")
    assert ical_fast.read_or_raise(ics) is not None  # the fast reader's path
    events = {e.title: e for e in parse_ics(ics, calendar_id="cal").events}
    assert repr(events["Berlin"].start) != repr(events["New York"].start)
    assert events["Berlin"].start.at.hour == 8  # type: ignore[union-attr]
    assert events["New York"].start.at.hour == 14  # type: ignore[union-attr]
    assert repr(events["Floating"].start) == "FloatingTime(wall=datetime.datetime(2026, 3, 1, 9, 0))"


def test_the_collector_is_paused_during_an_import_and_restored_after() -> None:
    seen: list[bool] = []

    def progress(done: int, total: int) -> None:
        seen.append(gc.isenabled())

    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
           "DTSTART:20260301T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert gc.isenabled()
    parse_ics(ics, calendar_id="cal", progress=progress)
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()  # left off when it was off
    try:
        parse_ics(ics, calendar_id="cal")
        assert not gc.isenabled()
    finally:
        gc.enable()
    # and restored when the import fails in a way it should never
    with contextlib.suppress(AttributeError):
        parse_ics(object(), calendar_id="cal")  # type: ignore[arg-type]
    assert gc.isenabled()
