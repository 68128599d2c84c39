"""Changes other writers make to the database reach the window within half a second.

Another process (``aurora import``, ``aurora add``, a second window's sync) or
another thread's connection can commit to the file while the window is open.
SQLite's ``PRAGMA data_version`` on our connection changes exactly when
another connection has committed, and reading it is a few microseconds with no
file I/O beyond what SQLite does for any read; a timer reads it every
:data:`INTERVAL_MS`. When it changed, the store's listeners are told, as if the
change were ours: the calendars, the views and the reminders reload.

Why not QFileSystemWatcher on the -wal file: in WAL mode a commit may rewrite
pages already there without growing the file, inotify reports our own writes
too, and a checkpoint touches the files without any change to the data; the
pragma is exact and costs less than the watch.

The notice is marked ``remote`` (not an edit in this window), so it does not
start a sync push on its own: a sync of another window or process would
otherwise ping-pong. Changes another process left pending are sent by the next
sync (periodic, or the next edit here).
"""

from __future__ import annotations

import logging
import sqlite3

from aurora_desktop.qt import QtCore
from aurora_desktop.store import ChangeNotice, Store, StoreError

log = logging.getLogger("aurora.ui.store_watch")

INTERVAL_MS = 300

__all__ = ["INTERVAL_MS", "StoreWatch", "install_store_watch"]


class StoreWatch(QtCore.QObject):
    """Polls ``store.data_version()`` on the GUI thread; announces other writers' commits."""

    def __init__(self, store: Store, parent: QtCore.QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.store = store
        self.changes_seen = 0  # how many external changes were announced (tests, logs)
        self._calendar_ids = self._live_calendar_ids()
        self._version = store.data_version()
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        # Whoever already announced a change (an import or sync worker of this window,
        # through Store.announce) has had it shown: do not announce it twice.
        store.subscribe(self._on_notice)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.store.unsubscribe(self._on_notice)

    def _live_calendar_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.store.calendars())

    def _on_notice(self, _notice: ChangeNotice) -> None:
        try:
            self._version = self.store.data_version()
        except sqlite3.ProgrammingError:  # a closed store: the watch is about to stop
            self._timer.stop()

    def check(self) -> bool:
        """Announce a change if another connection committed since the last look."""
        try:
            version = self.store.data_version()
            if version == self._version:
                return False
            self._version = version
            before = self._calendar_ids
            self._calendar_ids = self._live_calendar_ids()
        except sqlite3.ProgrammingError:  # the store was closed under us (shutdown)
            self._timer.stop()
            return False
        except (StoreError, sqlite3.OperationalError) as exc:  # locked, a disk gone: next tick
            log.warning("cannot look for changes from other programs: %s", exc)
            return False
        except sqlite3.DatabaseError:  # damaged: said once (the exception hook), not per tick
            self._timer.stop()
            raise
        self.changes_seen += 1
        # Every calendar, those gone included: lists, views and reminders read all again.
        self.store.announce(ChangeNotice(calendar_ids=before | self._calendar_ids, remote=True))
        return True


def install_store_watch(store: Store, parent: QtCore.QObject) -> StoreWatch:
    """Start watching ``store`` for other writers; it lives as long as ``parent``."""
    watch = StoreWatch(store, parent)
    watch.start()
    return watch
