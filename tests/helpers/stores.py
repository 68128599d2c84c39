"""The store factory: the one way a test opens a desktop Store on a chosen clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aurora_desktop.store import Store


def make_store(path: Path, now: datetime | Callable[[], datetime] | None = None) -> Store:
    """A Store on the file ``path`` (usually under ``tmp_path``). ``now`` fixes its clock
    (an aware datetime) or is the clock itself (a FakeClock); None keeps the real clock.
    The caller closes it (or uses it in a ``with``)."""
    if isinstance(now, datetime):
        fixed = now
        return Store(path, clock=lambda: fixed)
    return Store(path, clock=now)
