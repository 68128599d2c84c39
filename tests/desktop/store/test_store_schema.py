"""The store's schema migrations: an old database opens at the current version with its data."""

from __future__ import annotations

import sqlite3
from calendar import timegm
from datetime import UTC, date, datetime
from pathlib import Path

from aurora_core.model import AllDayDate, ZonedTime, get_zone
from aurora_desktop.store import Store
from aurora_desktop.store.schema import MIGRATIONS, SCHEMA_VERSION

BERLIN = get_zone("Europe/Berlin")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WALL_CLOCK = next(i for i, m in enumerate(MIGRATIONS) if m.__name__ == "_wall_clock")

# 2026-11-26 10:00 Berlin (09:00 UTC) for an hour, and the all-day 2026-11-27.
ZONED_START = int(datetime(2026, 11, 26, 9, 0, tzinfo=UTC).timestamp())
DAY_START = timegm((2026, 11, 27, 0, 0, 0))  # wall seconds: the wall clock read as UTC


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in db.execute(f"PRAGMA table_info({table})")]


def _old_database(path: Path) -> None:
    """A database as the version before the rename wrote it: instances.local, two events."""
    db = sqlite3.connect(path, isolation_level=None)
    for migrate in MIGRATIONS[:WALL_CLOCK]:
        migrate(db)
    db.execute(f"PRAGMA user_version = {WALL_CLOCK}")
    assert "local" in _columns(db, "instances")
    db.execute("INSERT INTO meta VALUES ('initialised', '1')")
    db.execute("INSERT INTO calendars (id, name, color, updated) "
               "VALUES ('c1', 'Personal', '#3b82f6', 0)")
    db.execute("INSERT INTO events (rowid, id, uid, calendar_id, title, kind, tz, start_key, "
               "end_key, created, updated) VALUES (1, 'e1', 'e1', 'c1', 'dentist', 0, "
               "'Europe/Berlin', ?, ?, 0, 0)", (ZONED_START, ZONED_START + 3600))
    db.execute("INSERT INTO events (rowid, id, uid, calendar_id, title, kind, tz, start_key, "
               "end_key, created, updated) VALUES (2, 'e2', 'e2', 'c1', 'holiday', 1, NULL, "
               "?, ?, 0, 0)", (DAY_START, DAY_START + 86400))
    db.execute("INSERT INTO instances (event_rowid, series_rowid, local, start_key, end_key, rid) "
               "VALUES (1, 1, 0, ?, ?, NULL), (2, 2, 1, ?, ?, NULL)",
               (ZONED_START, ZONED_START + 3600, DAY_START, DAY_START + 86400))
    db.close()


def test_the_wall_clock_column_is_the_newest_migration() -> None:
    assert WALL_CLOCK == SCHEMA_VERSION - 1


def test_an_old_database_renames_instances_local_to_wall_clock_and_keeps_its_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    with Store(path, clock=lambda: NOW) as s:
        assert s.schema_version == SCHEMA_VERSION
        week = s.occurrences(datetime(2026, 11, 23, tzinfo=BERLIN),
                             datetime(2026, 11, 30, tzinfo=BERLIN), BERLIN)
        assert [(o.event.title, o.start) for o in week] == [
            ("dentist", ZonedTime(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), "Europe/Berlin")),
            ("holiday", AllDayDate(date(2026, 11, 27)))]
    db = sqlite3.connect(path)
    assert _columns(db, "instances") == ["event_rowid", "series_rowid", "wall_clock",
                                         "start_key", "end_key", "rid"]
    assert db.execute("SELECT event_rowid, wall_clock, start_key FROM instances "
                      "ORDER BY event_rowid").fetchall() == [(1, 0, ZONED_START),
                                                             (2, 1, DAY_START)]
    index = db.execute("SELECT sql FROM sqlite_master WHERE name = 'instances_range'").fetchone()
    assert "wall_clock" in index[0]
