"""The local database schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. ``MIGRATIONS[n]`` takes a
database from version n to n+1; each runs in its own transaction. A database
whose version is higher than ``len(MIGRATIONS)`` was written by a newer Aurora
Time and is refused (never "downgraded" by guessing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# Time columns: *_key are integer seconds. For zoned times they are UTC epoch
# seconds; for all-day and floating times they are the wall clock read as if it
# were UTC ("wall seconds"), so a query converts its window to the viewer's wall
# clock for those rows. instances.wall_clock says which (0: UTC epoch seconds,
# 1: wall seconds); version 1 to 7 called that column "local".

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE calendars (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    color     TEXT NOT NULL,
    visible   INTEGER NOT NULL DEFAULT 1,
    read_only INTEGER NOT NULL DEFAULT 0,
    position  INTEGER NOT NULL DEFAULT 0,
    version   INTEGER,                  -- server version, NULL until synced
    deleted   INTEGER NOT NULL DEFAULT 0,
    updated   INTEGER NOT NULL
);

CREATE TABLE events (
    rowid       INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    uid         TEXT NOT NULL,
    calendar_id TEXT NOT NULL REFERENCES calendars(id),
    rid         TEXT,                   -- recurrence-id key of an override, else NULL
    title       TEXT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'confirmed',
    kind        INTEGER NOT NULL,       -- 0 zoned, 1 all-day, 2 floating
    tz          TEXT,
    start_key   INTEGER NOT NULL,
    end_key     INTEGER NOT NULL,
    rrule       TEXT,
    exdates     TEXT NOT NULL DEFAULT '',  -- space-separated time keys
    rdates      TEXT NOT NULL DEFAULT '',
    reminders   TEXT NOT NULL DEFAULT '',  -- "15:notification 1440:email"
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    version     INTEGER,                -- server version, NULL until synced
    deleted     INTEGER NOT NULL DEFAULT 0,
    expanded_to INTEGER                 -- series materialised up to here (NULL: complete)
);
CREATE INDEX events_uid ON events(uid);

-- Every occurrence of every live event, series expanded up to the horizon.
CREATE TABLE instances (
    event_rowid  INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,
    series_rowid INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,
    local        INTEGER NOT NULL,
    start_key    INTEGER NOT NULL,
    end_key      INTEGER NOT NULL,
    rid          INTEGER                -- recurrence key (as start_key), NULL for singles
);
CREATE INDEX instances_range ON instances(local, start_key);
CREATE INDEX instances_series ON instances(series_rowid);

-- What sync must tell the server, written in the same transaction as the change.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity       TEXT NOT NULL,         -- 'event' | 'calendar' | 'reminder_state'
    entity_id    TEXT NOT NULL,
    op           TEXT NOT NULL,         -- 'put' | 'delete'
    base_version INTEGER,               -- server version the change was made on
    created      INTEGER NOT NULL
);
"""

_V2 = """
-- Reminder state per occurrence and reminder, so fired/snoozed/dismissed
-- survive restarts (and, through the outbox, follow the user).
CREATE TABLE reminder_state (
    occurrence_key TEXT NOT NULL,       -- "<uid>/<rid key or empty>"
    reminder       TEXT NOT NULL,       -- "<minutes_before>:<channel>"
    state          TEXT NOT NULL,       -- 'fired' | 'snoozed' | 'dismissed'
    due            INTEGER NOT NULL,    -- the reminder's own due instant (UTC epoch)
    snoozed_until  INTEGER,
    updated        INTEGER NOT NULL,
    PRIMARY KEY (occurrence_key, reminder)
);
"""


_V3 = """
-- Sync. Calendars belong to this computer (account NULL) or to an
-- account ("<server URL>|<sub>"); events and reminder states follow their calendar.
ALTER TABLE calendars ADD COLUMN account TEXT;

-- Per synced item: the item exactly as the server last confirmed it (wire JSON)
-- and its server version. No row: the server has never confirmed it.
CREATE TABLE sync_base (
    entity  TEXT NOT NULL,              -- 'calendar' | 'event' | 'reminder_state'
    id      TEXT NOT NULL,
    version INTEGER NOT NULL,
    base    TEXT NOT NULL,
    PRIMARY KEY (entity, id)
) WITHOUT ROWID;

-- One pending change per item (coalesced): "this item differs from its base".
-- What to send is read from the item itself at push time.
CREATE TABLE pending (
    entity   TEXT NOT NULL,
    id       TEXT NOT NULL,
    since    INTEGER NOT NULL,          -- first unsent local change (epoch seconds)
    attempts INTEGER NOT NULL DEFAULT 0,
    problem  TEXT,                      -- set aside: the server refused it (shown to the user)
    sent     TEXT,                      -- JSON of what was last sent, NULL: nothing in flight
                                        -- (a crash after the server took it is recognised)
    PRIMARY KEY (entity, id)
) WITHOUT ROWID;

-- Where both sides changed the same part: what won (everywhere) and what this desktop lost.
CREATE TABLE sync_conflicts (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    entity  TEXT NOT NULL,
    id      TEXT NOT NULL,
    account TEXT,
    unit    TEXT NOT NULL,              -- title, time, rrule, deleted, orphaned, …
    title   TEXT NOT NULL,              -- the item's title when it happened
    kept    TEXT,                       -- JSON
    lost    TEXT,                       -- JSON
    at      INTEGER NOT NULL
);

-- Per-account sync bookkeeping (cursor, last pull/push): key "<account>|<name>".
CREATE TABLE sync_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID
"""


def _v3(conn: sqlite3.Connection) -> None:
    _script(_V3)(conn)
    # Today's outbox rows become pending changes (one per item); the outbox goes.
    conn.execute(
        "INSERT OR IGNORE INTO pending (entity, id, since) "
        "SELECT entity, entity_id, MIN(created) FROM outbox GROUP BY entity, entity_id")
    # Every live item is pending too: nothing has ever been sent, and an item whose
    # outbox row was missing must not be forgotten by a first sign-in.
    conn.execute("INSERT OR IGNORE INTO pending (entity, id, since) "
                 "SELECT 'event', id, updated FROM events")
    conn.execute("INSERT OR IGNORE INTO pending (entity, id, since) "
                 "SELECT 'calendar', id, updated FROM calendars")
    conn.execute("DROP TABLE outbox")
    # The never-written version columns: versions live in sync_base now.
    conn.execute("ALTER TABLE events DROP COLUMN version")
    conn.execute("ALTER TABLE calendars DROP COLUMN version")


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)

    return run


_V4 = """
-- Subscriptions: a calendar read from a URL. source_url marks it (NULL: an
-- ordinary calendar); its events are this computer's copy of the URL's content and are
-- never sent to an account.
ALTER TABLE calendars ADD COLUMN source_url TEXT;

-- What the last fetch of a subscription learned (HTTP validators, the body's hash) and
-- the last failure (shown on the calendar; the last good content stays).
CREATE TABLE subscription_fetch (
    calendar_id   TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,                 -- sha256 of the last body parsed
    checked       INTEGER,              -- last attempt (epoch seconds)
    refreshed     INTEGER,              -- last success (epoch seconds)
    error         TEXT                  -- why the last attempt failed, NULL: it did not
) WITHOUT ROWID
"""

_V5 = """
-- The user's own reminders for an event of a subscription ("" = none), overriding the
-- feed's: kept across refreshes, never synced (the feed is not the account's).
CREATE TABLE subscription_reminders (
    event_id  TEXT PRIMARY KEY,
    reminders TEXT NOT NULL             -- "15:notification 1440:notification"
) WITHOUT ROWID
"""


def _event_extra(conn: sqlite3.Connection) -> None:
    # Round-trip fidelity: what an event's iCalendar source had that the
    # model does not hold (Event.extra), its content lines joined by "\n". Every
    # existing event keeps its row and gets ''.
    conn.execute("ALTER TABLE events ADD COLUMN extra TEXT NOT NULL DEFAULT ''")


_ZONES = """
-- Zones an imported file defined that match no IANA zone (docs/import.md):
-- name is X-AURORA/<hash of the definition>, definition the VTIMEZONE's content lines
-- (normalised, joined by newlines). Events name them in events.tz. Rows are added with the
-- events that use them and never removed: a definition is small, and an undo, a sync
-- or a re-import may bring its events back.
CREATE TABLE zones (
    name       TEXT PRIMARY KEY,
    definition TEXT NOT NULL
) WITHOUT ROWID
"""


def _wall_clock(conn: sqlite3.Connection) -> None:
    # instances.local said neither what was local nor what it changed: it tells how the
    # row's start_key/end_key count (1: wall seconds, an all-day or floating time; 0: UTC
    # epoch seconds, a zoned time). The index instances_range follows the rename.
    conn.execute("ALTER TABLE instances RENAME COLUMN local TO wall_clock")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_V1), _script(_V2), _v3, _script(_V4), _script(_V5), _event_extra,
    _script(_ZONES), _wall_clock]
SCHEMA_VERSION = len(MIGRATIONS)
