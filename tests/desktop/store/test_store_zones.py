"""Zones a file defined (X-AURORA/<hash>) in the desktop: the store keeps their
definitions, the occurrence index and the reminder planner use them, export writes them
back, and a second desktop gets them through sync (docs/import.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from aurora_core import custom_zones
from aurora_core.ical import parse_ics, to_ics
from aurora_core.model import ZonedTime
from aurora_desktop.reminders.planner import reminders_of
from aurora_desktop.store import Store
from tests.helpers.stores import make_store
from tests.helpers.times import utc

ICS = (Path(__file__).parents[2] / "core" / "zones" / "custom_zones.ics").read_text()


def _forget() -> None:
    """As a new process: no zone parsed, no store file known."""
    custom_zones._cache.clear()
    custom_zones._sources.clear()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = make_store(tmp_path / "aurora.sqlite3", utc(2026, 3, 1))
    yield s
    s.close()


def _import(store: Store) -> dict[str, str]:
    r = parse_ics(ICS, calendar_id=store.calendars()[0].id)
    store.import_events(r.events)
    return r.zones


def test_the_store_keeps_the_definitions_and_indexes_the_files_times(
        store: Store, tmp_path: Path) -> None:
    zones = _import(store)
    assert store.zone_definitions() == zones
    assert store.schema_version >= 7  # the zones table came in migration 7
    _forget()
    again = make_store(tmp_path / "aurora.sqlite3", utc(2026, 3, 1))
    try:
        occ = again.occurrences(utc(2026, 3, 25), utc(2026, 4, 2), UTC)
        early = [o.start.instant(UTC) for o in occ if o.event.title == "Early standup"]
        # 04:30 at the file's zone, which changes at 05:00 local (Europe: 01:00 UTC).
        assert early == [utc(2026, 3, d, 3, 30) for d in (26, 27, 28, 29)] + \
            [utc(2026, 3, 30, 2, 30), utc(2026, 3, 31, 2, 30), utc(2026, 4, 1, 2, 30)]
        odd = again.occurrences(utc(2026, 6, 1), utc(2026, 6, 2), UTC)
        assert [o.start.instant(UTC) for o in odd] == [utc(2026, 6, 1, 5, 43)]
        # The reminder planner: 10 minutes before each instance, 15 before the odd one.
        due = {(r.title, r.due) for r in reminders_of(occ + odd, UTC)}
        assert ("Early standup", utc(2026, 3, 29, 3, 20)) in due
        assert ("Early standup", utc(2026, 3, 30, 2, 20)) in due
        assert ("Odd meeting", utc(2026, 6, 1, 5, 28)) in due
        # Export from the store writes the file's definitions back; re-import is the same.
        data = to_ics(again.events())
        assert b"TZOFFSETTO:+0317" in data and b"X-AURORA/" not in data
        back = parse_ics(data, calendar_id="x")
        assert back.zones == zones
        assert sorted(e.start.instant(UTC) for e in back.events) == \
            sorted(e.start.instant(UTC) for e in again.events())
    finally:
        again.close()


def test_an_event_in_a_zone_without_definition_cannot_be_stored(store: Store) -> None:
    from aurora_core.model import Event, ValidationError

    _import(store)
    name = next(iter(store.zone_definitions()))
    ev = next(e for e in store.events() if isinstance(e.start, ZonedTime) and e.start.tz == name)
    moved = ev.replace(start=ZonedTime(ev.start.at + timedelta(hours=1), name),
                       end=ZonedTime(ev.end.at + timedelta(hours=1), name))  # type: ignore[union-attr]
    assert store.put_event(moved).start == moved.start
    _forget()
    with pytest.raises(ValidationError, match="came without its definition"):
        ZonedTime(ev.start.at, "X-AURORA/" + "1" * 32)
    assert isinstance(Event, type)


def test_a_batch_request_counts_each_zone_definition_once() -> None:
    """The server takes 256 KB a request: a definition (up to 16 KB) goes with the first
    event of each request that uses its zone, and counts there."""
    import json

    from aurora_desktop.store import Outgoing
    from aurora_desktop.sync.engine import BATCH_BYTES, _requests

    padding = "\n".join(f"X-PAD-{i}:{'p' * 60}" for i in range(200))  # ~14 KB
    big = custom_zones.register(ICS[ICS.index("BEGIN:VTIMEZONE\nTZID:Odd"):].split(
        "END:VTIMEZONE")[0].replace("TZNAME:ODD", "TZNAME:ODD\n" + padding) + "END:VTIMEZONE")
    size = len(custom_zones.definition(big))
    assert 12_000 < size < custom_zones.MAX_DEFINITION
    items = [Outgoing("event", f"e{i}", {"id": f"e{i}", "timezone": big, "notes": "n" * 1900},
                      None) for i in range(300)]
    chunks = list(_requests(items))
    assert sum(len(c) for c in chunks) == 300
    for c in chunks:
        body = sum(80 + len(json.dumps(o.content)) for o in c) + size + 100
        assert body <= BATCH_BYTES
