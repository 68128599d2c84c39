"""The feed server both subscription test modules use (tests/desktop/subscriptions)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from feed_server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer().start()
    yield s
    s.stop()
