"""Fake clocks: time a test moves by hand instead of sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A wall clock the test moves by hand (aware UTC); call it for the time."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kw: float) -> datetime:
        self.at += timedelta(**kw)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


class OffsetClock:
    """Real time plus an offset that tests move forward (never back), or pinned to an
    instant; thread-safe (a server in a thread reads it). The backend tests' clock."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.pinned: datetime | None = None
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            if self.pinned is not None:
                return self.pinned
            return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        assert delta >= timedelta(0)
        with self._lock:
            if self.pinned is not None:
                self.pinned += delta
            self.offset += delta

    def pin(self, at: datetime) -> None:
        with self._lock:
            self.pinned = at
