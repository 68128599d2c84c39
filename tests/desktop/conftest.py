"""Fixtures shared by the desktop tests: the backend as a separate process, a feed server,
and a data folder for the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cloud_process import CloudProcess
from tests.helpers.feed_server import FeedServer


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudProcess]:
    """One local stack for the session (tests use their own users). Without the per-user
    limits: the random walk syncs three desktops of one account at machine speed (tens of
    requests a second, 3x slower under the template's 10/s); the limits have their own
    tests (tests/cloud/test_cloud_limits.py), the desktop's 429 handling its own
    (a fault-injecting proxy)."""
    proc = CloudProcess(tmp_path_factory.mktemp("cloud"), extra_args=["--no-limits"]).start()
    yield proc
    proc.stop()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A calendar-feed server on 127.0.0.1 (the subscription tests and their CLI's)."""
    s = FeedServer().start()
    yield s
    s.stop()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder the `aurora` command uses (AURORA_DATA_DIR), on Berlin time."""
    d = tmp_path / "data"
    monkeypatch.setenv("AURORA_DATA_DIR", str(d))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    return d
