"""Fixtures shared by the desktop tests: the backend as a separate process."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cloud_process import CloudProcess


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudProcess]:
    """One local stack for the session (tests use their own users)."""
    proc = CloudProcess(tmp_path_factory.mktemp("cloud")).start()
    yield proc
    proc.stop()
