"""The store keeps what an imported event had that the model does not show (Event.extra)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from aurora_core.ical import parse_ics, to_ics
from aurora_core.model import Event, Reminder
from aurora_core.recurrence import edit_occurrence
from aurora_desktop.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.helpers.stores import make_store
from tests.helpers.times import zoned

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
FIXTURE = Path(__file__).parents[2] / "core" / "ics" / "fidelity_unknown_properties.ics"


def test_imported_lines_survive_the_store_and_an_edit(tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        cal = store.default_calendar()
        events = parse_ics(FIXTURE.read_bytes(), calendar_id=cal.id).events
        store.put_events(events)
        for ev in events:
            assert store.get_event(ev.id).extra == ev.extra
        (master,) = [e for e in events if e.uid == "fid-1@example.org"
                     and e.recurrence_id is None]
        store.put_event(store.get_event(master.id).replace(title="Renamed"))
        assert store.get_event(master.id).extra == master.extra
        rid = zoned(2024, 1, 29, 9)
        overrides = [e for e in events if e.uid == master.uid and e.recurrence_id is not None]
        (ov,) = edit_occurrence(store.get_event(master.id), overrides, rid,
                                title="One").upserts
        store.put_event(ov)
        assert store.get_event(ov.id).extra == master.extra
    with make_store(tmp_path / "a.sqlite3", NOW) as store:  # read from disk again
        stored = [store.get_event(e.id) for e in events]
        data = to_ics(stored)
        assert b"TRANSP:TRANSPARENT" in data and b"X-WR-ALARMUID:" in data


def test_the_migration_adding_extra_keeps_every_event(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    ours = next(i for i, f in enumerate(MIGRATIONS) if f.__name__ == "_event_extra")
    for migrate in MIGRATIONS[:ours]:
        migrate(db)
    db.execute(f"PRAGMA user_version = {ours}")
    db.execute("INSERT INTO meta VALUES ('initialised', '1')")
    db.execute("INSERT INTO calendars (id, name, color, updated) "
               "VALUES ('c1', 'Personal', '#3b82f6', 0)")
    db.execute("INSERT INTO events (rowid, id, uid, calendar_id, title, kind, tz, start_key, "
               "end_key, reminders, created, updated) VALUES (1, 'e1', 'e1', 'c1', 'Old', 0, "
               "'UTC', 1700000000, 1700003600, '15:notification', 1700000000, 1700000000)")
    db.close()
    with make_store(path, NOW) as store:
        assert store.schema_version == SCHEMA_VERSION > ours
        ev = store.get_event("e1")
        assert (ev.title, ev.reminders, ev.extra) == ("Old", (Reminder(15),), ())
        store.put_event(ev.replace(extra=("TRANSP:TRANSPARENT",)))
        assert store.get_event("e1").extra == ("TRANSP:TRANSPARENT",)
    assert isinstance(ev, Event)
