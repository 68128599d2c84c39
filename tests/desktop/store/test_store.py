"""The local store: what a user's data goes through on disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from aurora_core.model import (
    AllDayDate,
    Calendar,
    Event,
    FloatingTime,
    Reminder,
    ValidationError,
    get_zone,
    new_id,
)
from aurora_core.recurrence import delete_occurrence, edit_occurrence, split_series
from aurora_core.times import day_bounds
from aurora_desktop.store import DEFAULT_CALENDAR_NAME, Store, StoreError
from aurora_desktop.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.helpers.stores import make_store
from tests.helpers.times import zoned

BERLIN = get_zone("Europe/Berlin")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = make_store(tmp_path / "aurora.sqlite3", NOW)
    yield s
    s.close()


def meeting(store: Store, title: str = "Meeting", day: int = 26, **kw: object) -> Event:
    cal = store.default_calendar()
    return Event.new(cal.id, title, zoned(2026, 11, day, 10), zoned(2026, 11, day, 11), **kw)


def month(store: Store, year: int = 2026, m: int = 11) -> list[str]:
    ws = datetime(year, m, 1, tzinfo=BERLIN)
    we = datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=BERLIN)
    return [o.event.title for o in store.occurrences(ws, we, BERLIN)]


def test_first_run_has_a_personal_calendar_and_wal(store: Store) -> None:
    assert [c.name for c in store.calendars()] == [DEFAULT_CALENDAR_NAME]
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_keeps_one_personal_calendar(tmp_path: Path) -> None:
    Store(tmp_path / "a.db").close()
    with Store(tmp_path / "a.db") as s:
        assert len(s.calendars()) == 1


def test_migrates_a_version_1_database_forward_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO calendars (id, name, color, updated) VALUES ('c1', 'Work', '#ff0000', 0)")
    db.execute("INSERT INTO meta VALUES ('initialised', '1')")
    db.close()
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [c.name for c in s.calendars()] == ["Work"]
        assert s.reminder_states() == {}  # the v2 table exists


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer Aurora Time"):
        Store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(path)


def test_every_mutation_leaves_one_pending_change_per_item(store: Store) -> None:
    ev = store.put_event(meeting(store))
    assert ("event", ev.id) in store.pending()
    store.put_event(ev.replace(title="Renamed"))
    store.delete_event(ev.id)
    assert store.pending("event") == [("event", ev.id)]  # three edits, one change


def test_a_change_back_to_what_the_server_has_is_no_change(store: Store) -> None:
    from aurora_desktop.store.sync_items import event_content

    ev = store.put_event(meeting(store))
    sent = event_content(ev)
    store.confirm_sent("event", ev.id, sent, None, 3)  # the server took it as version 3
    assert store.pending("event") == []
    renamed = store.put_event(ev.replace(title="Renamed"))
    assert store.pending("event") == [("event", ev.id)]
    store.put_event(renamed.replace(title=ev.title))
    assert store.pending("event") == []


def test_an_edit_made_while_it_was_being_sent_stays_pending(store: Store) -> None:
    from aurora_desktop.store.sync_items import event_content

    ev = store.put_event(meeting(store))
    sent = event_content(ev)
    store.put_event(ev.replace(title="edited meanwhile"))
    store.confirm_sent("event", ev.id, sent, None, 1)
    assert store.pending("event") == [("event", ev.id)]
    assert store.base("event", ev.id)[0] == 1  # type: ignore[index]


def test_delete_is_a_tombstone_that_vanishes_from_views(store: Store) -> None:
    ev = store.put_event(meeting(store))
    store.delete_event(ev.id)
    assert month(store) == []
    with pytest.raises(KeyError):
        store.get_event(ev.id)
    row = sqlite3.connect(store.path).execute(
        "SELECT deleted FROM events WHERE id = ?", (ev.id,)).fetchone()
    assert row == (1,)


def test_invalid_event_is_refused_and_nothing_is_written(store: Store) -> None:
    before = store.pending()
    bad = meeting(store).replace(end=zoned(2026, 11, 26, 9))
    with pytest.raises(ValidationError, match="ends before"):
        store.put_events([meeting(store, "good"), bad])
    assert store.pending() == before and month(store) == []


def test_occurrences_cover_all_kinds_and_hidden_calendars(store: Store) -> None:
    personal = store.default_calendar()
    work = Calendar(new_id(), "Work", "#ef4444")
    store.put_calendar(work)
    store.put_events([
        meeting(store, "zoned"),
        Event.new(personal.id, "all-day", AllDayDate(date(2026, 11, 27)),
                  AllDayDate(date(2026, 11, 28))),
        Event.new(personal.id, "floating", FloatingTime(datetime(2026, 11, 28, 7)),
                  FloatingTime(datetime(2026, 11, 28, 8))),
        Event.new(work.id, "work", zoned(2026, 11, 3, 9), zoned(2026, 11, 3, 10), rrule="FREQ=WEEKLY"),
        Event.new(personal.id, "december", zoned(2026, 12, 1, 9), zoned(2026, 12, 1, 10)),
    ])
    assert month(store) == ["work", "work", "work", "work", "zoned", "all-day", "floating"]
    store.put_calendar(Calendar(work.id, "Work", "#ef4444", visible=False))
    assert month(store) == ["zoned", "all-day", "floating"]


def test_event_spanning_the_window_start_is_found(store: Store) -> None:
    cal = store.default_calendar()
    store.put_event(Event.new(cal.id, "trip", zoned(2026, 10, 20, 8), zoned(2026, 11, 3, 20)))
    assert month(store) == ["trip"]


def test_series_edits_through_the_store(store: Store) -> None:
    m = store.put_event(meeting(store, "weekly", day=2, rrule="FREQ=WEEKLY"))
    store.apply(edit_occurrence(m, [], zoned(2026, 11, 9, 10), title="special"))
    master, ovs = store.series(m.uid)
    assert master is not None
    store.apply(delete_occurrence(master, ovs, zoned(2026, 11, 16, 10)))
    assert month(store) == ["weekly", "special", "weekly", "weekly"]
    master, ovs = store.series(m.uid)
    assert master is not None
    store.apply(split_series(master, ovs, zoned(2026, 11, 23, 10), title="weekly v2"))
    assert month(store) == ["weekly", "special", "weekly v2", "weekly v2"]
    assert month(store, 2027, 1)[0] == "weekly v2"


def test_open_ended_series_reaches_far_future(store: Store) -> None:
    store.put_event(meeting(store, "forever", rrule="FREQ=YEARLY"))
    assert month(store, 2041, 11) == ["forever"]
    assert month(store, 2035, 11) == ["forever"]


def test_search_finds_title_location_and_notes(store: Store) -> None:
    store.put_events([meeting(store, "Dentist"), meeting(store, "Lunch", location="Dental 50%"),
                      meeting(store, "Call", notes="about dentures")])
    assert sorted(e.title for e in store.search("DENT")) == ["Call", "Dentist", "Lunch"]
    assert [e.title for e in store.search("50%")] == ["Lunch"]
    assert store.search("%") == store.search("50%")


def test_deleting_a_calendar_tombstones_its_events(store: Store) -> None:
    work = Calendar(new_id(), "Work")
    store.put_calendar(work)
    store.put_event(Event.new(work.id, "x", zoned(2026, 11, 5, 9), zoned(2026, 11, 5, 10)))
    assert store.delete_calendar(work.id) == 1
    assert month(store) == [] and [c.name for c in store.calendars()] == ["Personal"]


def test_reminders_round_trip(store: Store) -> None:
    ev = store.put_event(meeting(store, reminders=(Reminder(15), Reminder(1440, "email"))))
    assert store.get_event(ev.id).reminders == (Reminder(15), Reminder(1440, "email"))


CRASH_SCRIPT = textwrap.dedent("""
    import os, sys
    from datetime import datetime
    from aurora_core.model import Event, ZonedTime
    from aurora_desktop.store import Store

    s = Store(sys.argv[1])
    cal = s.default_calendar()
    if sys.argv[2] == "crash":
        class Dying:
            # The connection, except that the process dies as the pending change is written.
            def __init__(self, db):
                self._db = db
            def __getattr__(self, name):
                return getattr(self._db, name)
            def _check(self, sql):
                if "INTO pending" in sql and "'event'" not in sql and s._armed:
                    os._exit(9)  # killed after the event row, before its pending change
            def execute(self, sql, *a):
                self._check(sql)
                return self._db.execute(sql, *a)
            def executemany(self, sql, *a):
                self._check(sql)
                return self._db.executemany(sql, *a)
        s._db = Dying(s._db)
        s._armed = True
    t = ZonedTime.from_local(datetime(2026, 11, 26, 10), "Europe/Berlin")
    s.put_event(Event.new(cal.id, "saved?", t, t))
    os._exit(0)
""")


@pytest.mark.parametrize("mode", ["crash", "normal"])
def test_a_killed_process_leaves_both_row_and_pending_change_or_neither(tmp_path: Path,
                                                                       mode: str) -> None:
    path = tmp_path / "crash.db"
    Store(path).close()
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(path), mode],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == (9 if mode == "crash" else 0), proc.stderr
    with Store(path) as s:
        rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM events").fetchone()[0]
        pending = s.pending("event")
        assert (rows, len(pending)) == ((0, 0) if mode == "crash" else (1, 1))


def test_disk_full_is_reported_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with make_store(path, NOW) as s:
        s.put_event(meeting(s, "kept"))
        # Cap the file at its current size: the next big write cannot fit.
        pages = s._db.execute("PRAGMA page_count").fetchone()[0]
        s._db.execute(f"PRAGMA max_page_count = {pages}")
        big = [meeting(s, "x" * 400, notes="n" * 15000) for _ in range(50)]
        with pytest.raises(StoreError, match="full"):
            s.put_events(big)
        assert month(s) == ["kept"]


def test_window_bounds_must_be_aware(store: Store) -> None:
    with pytest.raises(ValueError, match="aware"):
        store.occurrences(datetime(2026, 1, 1), datetime(2026, 2, 1), BERLIN)


def test_dst_day_query_in_the_viewers_zone(store: Store) -> None:
    cal = store.default_calendar()
    store.put_event(Event.new(cal.id, "late", zoned(2026, 10, 25, 23, 30), zoned(2026, 10, 25, 23, 45)))
    s, e = day_bounds(date(2026, 10, 25), BERLIN)
    assert e - s == timedelta(hours=25)
    assert [o.event.title for o in store.occurrences(s, e, BERLIN)] == ["late"]


def test_a_long_event_written_by_another_process_is_found(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with make_store(path, NOW) as app, make_store(path, NOW) as cli:
        assert month(app) == []  # the app has looked once: it knows the longest span
        cal = cli.default_calendar()
        cli.put_event(Event.new(cal.id, "sabbatical", zoned(2026, 6, 1, 9), zoned(2026, 11, 20, 17)))
        assert month(app) == ["sabbatical"]


def test_unsubscribed_listeners_hear_nothing(store: Store) -> None:
    heard: list[object] = []
    store.subscribe(heard.append)
    store.put_event(meeting(store))
    store.unsubscribe(heard.append)
    store.put_event(meeting(store, "second"))
    assert len(heard) == 1


def test_an_import_by_another_connection_is_seen_even_with_the_same_stamp(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with make_store(path, NOW) as app, make_store(path, NOW) as worker:
        ev = app.put_event(meeting(app, "Old title"))
        assert month(app) == ["Old title"]
        # An import keeps the file's stamps (touch=False): `updated` does not change.
        worker.put_events([ev.replace(title="New title")], touch=False)
        assert month(app) == ["New title"]
        assert app.get_event(ev.id).title == "New title"


def test_an_override_beyond_the_horizon_replaces_its_instance(store: Store) -> None:
    # The series is materialised 400 days ahead; the override is further out.
    m = store.put_event(meeting(store, "weekly", day=2, rrule="FREQ=WEEKLY"))
    far = zoned(2028, 6, 5, 10)
    store.apply(edit_occurrence(m, [], far, title="moved far", start=zoned(2028, 6, 6, 15),
                                end=zoned(2028, 6, 6, 16)))
    june = month(store, 2028, 6)
    assert june.count("moved far") == 1
    assert june.count("weekly") == 3  # 12, 19, 26 June; the 5th is the override


def test_an_occurrence_moved_to_another_calendar_outlives_its_calendar(store: Store) -> None:
    work = Calendar(new_id(), "Work")
    store.put_calendar(work)
    personal = store.default_calendar()
    m = store.put_event(Event.new(work.id, "weekly", zoned(2026, 11, 2, 10), zoned(2026, 11, 2, 11),
                                  rrule="FREQ=WEEKLY"))
    store.apply(edit_occurrence(m, [], zoned(2026, 11, 9, 10), calendar_id=personal.id,
                                title="moved to Personal"))
    assert store.delete_calendar(work.id) == 1
    assert month(store) == ["moved to Personal"]
    assert ("calendar", work.id) in store.pending()
    assert ("event", m.id) in store.pending()


V2_SCHEMA_SCRIPT = """
import sqlite3, sys
from aurora_desktop.store.schema import MIGRATIONS
db = sqlite3.connect(sys.argv[1], isolation_level=None)
for m in MIGRATIONS[:2]:
    m(db)
db.execute("PRAGMA user_version = 2")
db.execute("INSERT INTO meta VALUES ('initialised', '1')")
db.execute("INSERT INTO calendars (id, name, color, updated) VALUES ('c1', 'Personal', '#3b82f6', 0)")
db.execute("INSERT INTO events (rowid, id, uid, calendar_id, title, kind, tz, start_key, end_key, "
           "created, updated) VALUES (1, 'e1', 'e1', 'c1', 'kept', 0, 'UTC', 1796000000, "
           "1796003600, 0, 0)")
db.execute("INSERT INTO instances VALUES (1, 1, 0, 1796000000, 1796003600, NULL)")
db.execute("INSERT INTO outbox (entity, entity_id, op, base_version, created) "
           "VALUES ('event', 'e1', 'put', NULL, 0), ('event', 'e1', 'put', NULL, 1), "
           "('reminder_state', 'e1/#15:notification', 'put', NULL, 2)")
"""


def test_a_version_2_store_keeps_its_events_and_its_outbox_becomes_pending_changes(
        tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    subprocess.run([sys.executable, "-c", V2_SCHEMA_SCRIPT, str(path)], check=True, timeout=60)
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert [e.title for e in s.events()] == ["kept"]
        assert ("event", "e1") in s.pending()
        assert ("reminder_state", "e1/#15:notification") in s.pending()
        tables = {r[0] for r in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "outbox" not in tables


@pytest.mark.timeout(120)
def test_a_series_every_minute_since_1900_shows_today_and_months_ahead(store: Store) -> None:
    """Issue 10: such a rule is valid, but the index cannot hold its 66 million
    instances; before, it held the first 100,000 (all in 1900) and showed nothing today."""
    from aurora_desktop.store.instances import DENSE

    cal = store.default_calendar()
    ev = store.put_event(Event.new(cal.id, "tick", zoned(1900, 1, 1, 9), zoned(1900, 1, 1, 9, 1),
                                   rrule="FREQ=MINUTELY;UNTIL=22001231T000000Z"))
    hourly = store.put_event(Event.new(cal.id, "chime", zoned(1900, 1, 1, 9), zoned(1900, 1, 1, 9, 1),
                                       rrule="FREQ=HOURLY"))

    def hour(when: datetime) -> list[str]:
        return [o.event.title for o in store.occurrences(when, when + timedelta(hours=1), BERLIN)
                if o.event.id in (ev.id, hourly.id)]

    today = NOW.replace(minute=0, second=0, microsecond=0)
    assert hour(today).count("tick") == 60 and hour(today).count("chime") == 1
    later = today + timedelta(days=200)
    assert hour(later).count("tick") == 60 and hour(later).count("chime") == 1
    rows = store._db.execute("SELECT COUNT(*) FROM instances i JOIN events e ON "
                             "e.rowid = i.series_rowid WHERE e.id = ?", (ev.id,)).fetchone()[0]
    assert rows <= 2 * DENSE
