"""Fixtures shared by the desktop tests: the backend as a separate process, a feed server."""

from __future__ import annotations

from collections.abc import Iterator

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
