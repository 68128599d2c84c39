"""Fixtures for the reminder tests: a fake clock, a store on it, a recording notifier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest

from aurora_desktop.reminders.engine import MemoryWatermark, ReminderEngine
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.store import Store
from tests.helpers.clocks import FakeClock
from tests.helpers.reminders import T0
from tests.helpers.stores import make_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "aurora.sqlite"


@pytest.fixture
def store(store_path: Path, clock: FakeClock):
    s = make_store(store_path, clock)
    yield s
    s.close()


@pytest.fixture
def recorder() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def watermark() -> MemoryWatermark:
    return MemoryWatermark()


@pytest.fixture
def make_engine(store: Store, clock: FakeClock, recorder: RecordingNotifier,
                watermark: MemoryWatermark) -> Callable[..., ReminderEngine]:
    """Build an engine on the shared store, clock, recorder and watermark (overridable)."""

    def build(**kw: object) -> ReminderEngine:
        on_store = kw.pop("store", store)
        notifier = kw.pop("notifier", recorder)
        args: dict[str, object] = {"local_tz": UTC, "clock": clock, "watermark": watermark}
        args.update(kw)
        return ReminderEngine(on_store, notifier, **args)  # type: ignore[arg-type]

    return build
