"""Desktops in one test process: each its own data folder, store, account and engine.

They talk to the local stack (a separate process) over real HTTP on
127.0.0.1, exactly as the app does; only the secure store is in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aurora_core.model import Event, new_id
from aurora_desktop.auth import AccountService, MemorySecrets
from aurora_desktop.store import Store
from aurora_desktop.store.sync_items import event_content
from aurora_desktop.sync import SyncReport, make_engine
from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email
from tests.helpers.events import timed
from tests.helpers.times import zoned


def make_account(cloud: CloudProcess, tmp: Path) -> tuple[str, str]:
    """Sign a new user up and confirm it; (email, password)."""
    svc = AccountService(tmp / f"signup-{new_id()[:8]}", MemorySecrets())
    server = svc.connect(cloud.url)
    email = new_email()
    svc.sign_up(server, email, PASSWORD)
    svc.confirm(server, email, cloud.code_for(email))
    return email, PASSWORD


@dataclass
class Desktop:
    name: str
    data_dir: Path
    cloud: CloudProcess
    accounts: AccountService = field(init=False)
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.accounts = AccountService(self.data_dir, MemorySecrets())
        self.store = Store(self.data_dir / "aurora.sqlite3")

    def sign_in(self, email: str, password: str = PASSWORD, *, adopt: bool = True) -> None:
        server = self.accounts.connect(self.cloud.url)
        self.accounts.sign_in(server, email, password)
        ident = self.accounts.identity
        assert ident is not None
        key = f"{ident[0]}|{ident[1]}"
        self.store.set_current_account(key)
        if self.store.sync_value(key, "cursor") is None:
            self.store.set_sync_value(key, "adopt_local", "1" if adopt else "0")

    def sync(self) -> SyncReport:
        engine = make_engine(self.data_dir, self.store, self.accounts)
        adopt = self.store.sync_value(engine.account, "adopt_local") == "1"
        return engine.run(adopt_local=adopt)

    @property
    def account(self) -> str:
        ident = self.accounts.identity
        assert ident is not None
        return f"{ident[0]}|{ident[1]}"

    # -- editing, the way the window does (through the store) ---------------

    def calendar_id(self) -> str:
        return self.store.default_calendar().id

    def add(self, title: str, day: int = 7, hour: int = 10, **kw: Any) -> Event:
        # An hour on December's wall clock in Berlin (no DST change in December).
        return self.store.put_event(timed(self.calendar_id(), title, zoned(2026, 12, day, hour),
                                          60, **kw))

    def edit(self, event_id: str, **changes: Any) -> Event:
        ev = self.store.get_event(event_id)
        return self.store.put_event(ev.replace(**changes))

    def delete(self, event_id: str) -> None:
        self.store.delete_event(event_id)

    def get(self, event_id: str) -> Event | None:
        try:
            return self.store.get_event(event_id)
        except KeyError:
            return None

    # -- what the user sees ---------------------------------------------------

    def snapshot(self) -> list[dict[str, Any]]:
        """Every live event of the account's calendars, normalised, sorted by id."""
        owners = self.store.calendar_accounts()
        out = []
        for ev in self.store.events():
            if owners.get(ev.calendar_id) == self.account:
                c = event_content(ev)
                out.append(c)
        return sorted(out, key=lambda c: str(c["id"]))

    def calendars(self) -> list[tuple[str, str]]:
        owners = self.store.calendar_accounts()
        return sorted((c.id, c.name) for c in self.store.calendars()
                      if owners.get(c.id) == self.account)

    def close(self) -> None:
        self.store.close()
        self.accounts.close()


def dump(snapshot: list[dict[str, Any]]) -> str:
    return json.dumps(snapshot, indent=1, sort_keys=True)
