"""An account's sync values (its cursor, …) go with it, and only its own: signing out
and removing its calendars, or the account deleted elsewhere, forgets them whatever
characters the account id holds (a LIKE pattern's wildcards or its escape)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.stores import make_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ODD = "https://a\\b%_c.example|sub"  # a backslash, % and _ in one id
OTHERS = ["https://a\\b%_c.example|sub2", "https://aXbY_c.example|sub", "https://a\\b%xc.example|sub"]


@pytest.mark.parametrize("forget", ["release", "detach"])
def test_only_the_accounts_own_sync_values_go(tmp_path: Path, forget: str) -> None:
    with make_store(tmp_path / "s.sqlite3", NOW) as store:
        for account in [ODD, *OTHERS]:
            store.set_sync_value(account, "cursor", f"c-{account}")
            store.set_sync_value(account, "adopt_local", "1")
        if forget == "release":
            store.release_account(ODD, keep=False)
        else:
            store.detach_account(ODD)
        assert store.sync_value(ODD, "cursor") is None
        assert store.sync_value(ODD, "adopt_local") is None
        for account in OTHERS:
            assert store.sync_value(account, "cursor") == f"c-{account}"
            assert store.sync_value(account, "adopt_local") == "1"
