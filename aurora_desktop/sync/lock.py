"""One sync at a time per store, across threads and processes (an OS file lock).

The window's background sync and ``aurora sync`` from cron take the same
lock file next to the database; whoever comes second waits (up to
``timeout``) and then syncs on what the first one left.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .client import SyncError

__all__ = ["SyncLock"]


class SyncLock:
    def __init__(self, path: Path, *, timeout: float = 120.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._thread_lock = threading.Lock()

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lock; SyncError(busy) when another sync keeps it past ``timeout``."""
        deadline = time.monotonic() + self.timeout
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise SyncError("busy", "Another sync of this calendar is still running.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                while not _try_lock(fd):
                    if time.monotonic() > deadline:
                        raise SyncError("busy", "Another Aurora Time is syncing this calendar; "
                                                "try again in a moment.")
                    time.sleep(0.05)
                try:
                    yield
                finally:
                    _unlock(fd)
            finally:
                os.close(fd)
        finally:
            self._thread_lock.release()

    def busy(self) -> bool:
        """True while someone (any process) holds the lock."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if _try_lock(fd):
                _unlock(fd)
                return False
            return True
        finally:
            os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, 0)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
