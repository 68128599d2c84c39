"""The store's foundation: the connection, its errors, transactions, change notices.

Contract (for the whole :class:`aurora_desktop.store.Store`):
- Every local mutation writes its rows and marks each changed item as having
  a pending change (for sync) in a single transaction: after a crash both are
  there or neither is. Changes that come from the server are applied through
  the remote path (``sync_state``), which marks nothing.
- Deletions are tombstones (``deleted = 1``) until the server has them.
- ``occurrences()`` answers from the ``instances`` table, which always holds
  every occurrence of every live event up to the horizon (``meta.horizon``);
  a query past the horizon first moves it.
- Errors from the environment (disk full, database locked, corrupt or
  read-only file, a newer schema) raise :class:`StoreError` with a message for
  the user; anything else is a bug and propagates.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

from aurora_core.model import Calendar, Event, new_id

from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DEFAULT_CALENDAR_NAME", "ChangeNotice", "ReminderState", "StoreBase", "StoreDamaged",
           "StoreError", "StoreReadOnly", "check_marker", "mark_for_check", "move_aside"]

DEFAULT_CALENDAR_NAME = "Personal"
# Open-ended series are materialised this far past "now"; a view beyond moves it.
HORIZON = timedelta(days=400)
HORIZON_STEP = timedelta(days=62)  # how much further a view past the horizon moves it


class StoreError(Exception):
    """The database cannot be used (its file, the disk, or its version); the message says why."""


class StoreDamaged(StoreError):
    """The file is not a readable SQLite database (or its pages are corrupt)."""


class StoreReadOnly(StoreError):
    """The database or its folder cannot be written (permissions, a read-only disk)."""


def check_marker(path: Path) -> Path:
    """A file next to the database saying "damage was seen: check it at the next open"."""
    return path.with_name(path.name + ".check")


def mark_for_check(path: Path) -> None:
    """Damage was seen while the database was in use (a page that cannot be read): the
    next open runs SQLite's quick_check and, if it fails, refuses with StoreDamaged, so
    the window offers to set the file aside. Without it, a file whose first pages are
    sound opened as if nothing were wrong. Best effort."""
    with suppress(OSError):
        check_marker(path).touch()


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged database (and its -wal/-shm) to ``<name>.damaged-<UTC time>`` next
    to it, kept for a rescue, so a fresh one can start. Returns the new path; OSError if
    it cannot be moved."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(target)
    check_marker(path).unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


@dataclass(frozen=True)
class ReminderState:
    """What happened to one reminder of one occurrence.

    ``occurrence_key`` is :attr:`Occurrence.key`; ``reminder`` is
    ``"<minutes_before>:<channel>"``; ``state`` is fired, snoozed or dismissed.
    """

    occurrence_key: str
    reminder: str
    state: str
    due: datetime
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class ChangeNotice:
    """What a committed mutation touched (for views and the reminder planner)."""

    event_ids: frozenset[str] = frozenset()
    calendar_ids: frozenset[str] = frozenset()
    reminder_state: bool = False
    remote: bool = False  # written by sync (the server's changes), not by an edit here


def _read_only(path: Path) -> StoreReadOnly:
    """What to say when the database or its folder cannot be written (permissions, a
    read-only disk), instead of SQLite's "unable to open database file"."""
    how = "Fix its permissions, or choose another folder with --data-dir or AURORA_DATA_DIR"
    if not path.exists():
        return StoreReadOnly(f"Aurora Time cannot create its calendar in {path.parent}: the "
                             f"folder is read-only (or belongs to another user). {how}.")
    return StoreReadOnly(f"Aurora Time cannot save in {path}: the file or its folder is "
                         f"read-only (or belongs to another user). {how}; `aurora list` and "
                         "`aurora export` can still read it.")


def _environment_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """A user-facing StoreError for environment failures, None for bugs."""
    msg = str(exc).lower()
    if "full" in msg:
        return StoreError(f"the disk holding {path} is full; nothing was saved")
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path} is locked by another program; try again")
    if "readonly" in msg or "read-only" in msg:
        return _read_only(path)
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        mark_for_check(path)  # the next start checks it and offers to set it aside
        return StoreDamaged(f"{path} is damaged (not a readable Aurora database)")
    if "unable to open" in msg or "disk i/o" in msg:
        if not os.access(path.parent, os.W_OK) or (path.exists()
                                                   and not os.access(path, os.W_OK)):
            return _read_only(path)
        return StoreError(f"cannot open or write {path}: {exc}")
    return None


class StoreBase:
    """The connection and what every part of the store shares. Not thread-safe: use a
    store from one thread (other threads open their own on the same file).

    ``clock`` gives "now" (aware UTC); tests pass a fake one.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] | None = None,
                 read_only: bool = False) -> None:
        """Open (creating and migrating as needed) the database at ``path``.

        ``read_only``: only read it, never write (a read-only folder or file, a
        backup): no migration, no default calendar, no journal change; a query past
        the occurrence horizon answers from what is there. Raises :class:`StoreError`.
        """
        self.path = Path(path)
        self.read_only = read_only
        self._clock = clock or (lambda: datetime.now(UTC))
        self._listeners: list[Callable[[ChangeNotice], None]] = []
        self._event_cache: dict[int, tuple[int, Event]] = {}
        self._span: int | None = None  # see _max_span
        self._seen_version = -1  # PRAGMA data_version when the caches were last valid
        if read_only:
            self._db = self._open_read_only()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder {self.path.parent}: {exc.strerror}") from None
        if self.path.exists() and not os.access(self.path, os.W_OK):
            # SQLite would open it read-only without a word, and fail at the first write.
            raise _read_only(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA cache_size = -32000")  # 32 MB: bulk imports stay in memory
            self._check_if_marked()
            self._migrate()
            self._ensure_default_calendar()
        except sqlite3.Error as exc:
            err = _environment_error(exc, self.path)
            if err is None:
                raise
            raise err from None

    def _open_read_only(self) -> sqlite3.Connection:
        """A connection that cannot write (``mode=ro``). A WAL database in a folder we
        cannot write has no -shm to share, so SQLite cannot read it that way; then it
        is opened as immutable (nobody can write there either)."""
        if not self.path.is_file():
            raise StoreError(f"there is no calendar database at {self.path}")
        base = self.path.resolve().as_uri().replace("file://", "file:", 1)
        last: sqlite3.Error | None = None
        for params in ("mode=ro", "mode=ro&immutable=1"):
            try:
                db = sqlite3.connect(f"{base}?{params}", uri=True, isolation_level=None,
                                     check_same_thread=False)
                db.execute("PRAGMA busy_timeout = 5000")
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                db.execute("SELECT COUNT(*) FROM meta").fetchone()
            except sqlite3.Error as exc:
                last = exc
                continue
            if version > SCHEMA_VERSION:
                db.close()
                raise StoreError(
                    f"{self.path} was written by a newer Aurora Time (schema {version}; this "
                    f"version knows up to {SCHEMA_VERSION}). Update Aurora Time to open it.")
            if version < SCHEMA_VERSION:
                db.close()
                raise StoreError(
                    f"{self.path} was written by an older Aurora Time and cannot be updated "
                    "where it is (read-only); copy it to a folder you can write and use "
                    "--data-dir")
            return db
        assert last is not None
        raise _environment_error(last, self.path) or StoreError(
            f"cannot read {self.path}: {last}")

    def _check_if_marked(self) -> None:
        """After damage was seen (:func:`mark_for_check`): SQLite's quick_check, once."""
        marker = check_marker(self.path)
        if not marker.exists():
            return
        found = [str(r[0]) for r in self._db.execute("PRAGMA quick_check(5)")]
        if found != ["ok"]:
            self._db.close()
            lines = [x for f in found for x in f.splitlines() if not x.startswith("***")]
            first = lines[0] if lines else "damaged pages"
            raise StoreDamaged(f"{self.path} is damaged ({first})")
        marker.unlink(missing_ok=True)

    # ------------------------------------------------------------------ setup

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer Aurora Time (schema {version}; this "
                f"version knows up to {SCHEMA_VERSION}). Update Aurora Time to open it."
            )
        for v in range(version, SCHEMA_VERSION):
            with self._tx():
                MIGRATIONS[v](self._db)
                self._db.execute(f"PRAGMA user_version = {v + 1}")

    def _ensure_default_calendar(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'initialised'").fetchone()
        if row is None:
            with self._tx() as notice:
                cal = Calendar(new_id(), DEFAULT_CALENDAR_NAME)
                self._write_calendar(cal, notice)
                self._db.execute("INSERT INTO meta VALUES ('initialised', '1')")
                # Remembered so a first sign-in can tell "the empty calendar every new
                # store starts with" from one the user made (it is not uploaded twice).
                self._db.execute("INSERT INTO meta VALUES ('default_calendar', ?)", (cal.id,))

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def current_account(self) -> str | None:
        """The account this store syncs with now ("<server>|<sub>"), None when signed out."""
        return self._meta("account")

    @contextmanager
    def _tx(self) -> Iterator[set[str]]:
        """One write transaction. Yields a set the body fills with touched event ids."""
        touched: set[str] = set()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield touched
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            err = _environment_error(exc, self.path)
            if err is None:
                raise
            raise err from None

    def subscribe(self, listener: Callable[[ChangeNotice], None]) -> None:
        """Call ``listener`` after every committed mutation."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[ChangeNotice], None]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            listener(notice)

    def announce(self, notice: ChangeNotice) -> None:
        """Tell this store's listeners about changes another connection committed (a sync
        in a worker thread, an import): views reload, reminders re-plan."""
        self._sync_with_other_writers()
        self._notify(notice)

    def now(self) -> datetime:
        return self._clock()

    # ------------------------------------------------- shared between parts
    # (implemented by the part named; declared here so each part type-checks alone)

    def _stamp(self) -> int:
        return int(self._clock().timestamp())

    def _mark_changed(self, entity: str, ids: Iterable[str]) -> None:  # sync_state
        raise NotImplementedError

    def _rematerialise_uid(self, uid: str) -> None:  # instances
        raise NotImplementedError

    def _insert_instances(self, rows: Sequence[tuple[object, ...]]) -> None:  # instances
        raise NotImplementedError

    def _row_to_event(self, r: Sequence[object]) -> Event:  # events
        raise NotImplementedError

    def _write_calendar(self, cal: Calendar, touched: set[str], *,  # calendars
                        local: bool = True) -> None:
        raise NotImplementedError

    def calendar_accounts(self) -> dict[str, str | None]:  # calendars
        raise NotImplementedError

    def data_version(self) -> int:
        """A number that changes whenever another connection (another Aurora process, an
        import worker) commits to this file; this connection's own commits leave it."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _sync_with_other_writers(self) -> None:
        """Drop what this connection derived from the file if another connection (another
        Aurora process, an import worker) committed since we last looked."""
        version = self.data_version()
        if version != self._seen_version:
            self._seen_version = version
            self._span = None
            self._event_cache.clear()

