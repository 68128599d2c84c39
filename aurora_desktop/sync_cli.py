"""``aurora sync`` and what signing in and out means for this computer's calendars.

```
aurora sync [--json]   # exit 0 when the sync completed (conflicts kept and listed are a success);
                       # exit 2 and one line when it could not (signed out, server unreachable, …)
```

``--json`` prints one object: ``pushed``, ``pulled``, ``pending``, ``conflicts``
(every conflict kept for the user: the event ``id``, the ``field``, and both
values, ``kept`` (what every desktop has now) and ``lost`` (this desktop's)),
plus ``set_aside``, ``restored``, ``resync``, ``notices``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .app import open_desktop
from .auth import AccountService
from .store import Store
from .sync import SyncError, SyncReport, account_id, make_engine

__all__ = ["add_sync_commands", "after_login", "before_logout", "run_sync"]


def run_sync(data_dir: Path, accounts: AccountService, *,
             adopt_local: bool | None = None) -> tuple[SyncReport, list[dict[str, Any]]]:
    """One sync of ``data_dir``'s store; (report, the account's open conflicts as JSON)."""
    with open_desktop(data_dir) as desktop:
        store = desktop.store
        engine = make_engine(data_dir, store, accounts)
        if adopt_local is None:
            adopt_local = store.sync_value(engine.account, "adopt_local") != "0"
        report = engine.run(adopt_local=adopt_local)
        conflicts = [c.to_json() for c in store.conflicts(engine.account)]
        report.notices += _fetch_new_subscriptions(store)
    return report, conflicts


def _fetch_new_subscriptions(store: Store) -> list[str]:
    """Subscriptions the sync brought from another desktop are fetched now, after the
    sync (its lock released), so ``aurora list`` shows their events at once; one that
    cannot be fetched is said and left to the next refresh (the sync still succeeded)."""
    from .subscriptions import fetch_new

    lines = []
    for r in fetch_new(store):
        name = r.calendar.name
        if r.error is None:
            n = store.count_events(r.calendar.id)
            lines.append(f"Subscribed here to '{name}' (from another desktop): "
                         f"{n} event{'' if n == 1 else 's'}.")
        else:
            lines.append(f"'{name}' (a subscription from another desktop) could not be fetched "
                         f"yet: {r.error}; the next refresh tries again.")
    return lines


def describe(report: SyncReport, conflicts: list[dict[str, Any]]) -> str:
    parts = [f"Synced: {report.pushed} sent, {report.pulled} received"]
    if report.pending:
        parts.append(f"{report.pending} still waiting")
    if report.set_aside:
        parts.append(f"{report.set_aside} refused by the server (see the window's sync problems)")
    if conflicts:
        parts.append(f"{len(conflicts)} conflict{'s' if len(conflicts) != 1 else ''} kept "
                     "for you to look at")
    lines = [", ".join(parts) + "."]
    lines += report.notices
    if report.restored:
        lines.append(f"{len(report.restored)} item(s) deleted on one side and edited on the "
                     "other came back.")
    return "\n".join(lines)


def cmd_sync(args: argparse.Namespace, out: TextIO) -> int:
    desktop = open_desktop(args.data_dir)
    report, conflicts = run_sync(desktop.data_dir, desktop.accounts())
    if args.json:
        json.dump(report.to_json(conflicts), out, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(describe(report, conflicts) + "\n")
    return 0


def after_login(accounts: AccountService, data_dir: Path, *, keep_local: bool,
                out: TextIO) -> None:
    """A sign-in on the command line: decide about this computer's calendars, sync once."""
    ident = accounts.identity
    if ident is None:
        return
    account = account_id(*ident)
    with open_desktop(data_dir) as desktop:
        store = desktop.store
        store.set_current_account(account)
        if store.sync_value(account, "cursor") is None:
            store.set_sync_value(account, "adopt_local", "0" if keep_local else "1")
    try:
        report, conflicts = run_sync(data_dir, accounts)
    except SyncError as exc:
        print(f"aurora: warning: signed in, but the first sync failed: {exc}", file=sys.stderr)
        return
    out.write(describe(report, conflicts) + "\n")


def before_logout(accounts: AccountService, data_dir: Path, *, remove_local: bool,
                  out: TextIO) -> None:
    """Signing out: this account's calendars stay here (default) or are removed."""
    ident = accounts.identity
    if ident is None:
        return
    account = account_id(*ident)
    with open_desktop(data_dir) as desktop:
        store = desktop.store
        waiting = store.pending_count(account)
        removed = store.release_account(account, keep=not remove_local)
    if remove_local:
        out.write(f"Removed this account's calendars from this computer ({removed} events); "
                  "they stay in the account.\n")
    elif waiting:
        out.write(f"{waiting} change(s) were not sent yet: they stay on this computer and are "
                  "sent when you sign in again.\n")


def after_delete(identity: tuple[str, str] | None, data_dir: Path) -> None:
    """The account is gone from the server: its calendars become this computer's own."""
    if identity is None:
        return
    with open_desktop(data_dir) as desktop:
        store = desktop.store
        store.detach_account(account_id(*identity))


def add_sync_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sync", parents=[common], help="sync with your Aurora account now")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_sync)


ERRORS: tuple[type[Exception], ...] = (SyncError,)
