"""The feed server both subscription test modules use (tests/desktop/subscriptions)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.feed_server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer().start()
    yield s
    s.stop()
