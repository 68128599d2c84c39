"""Sync with the Aurora server (Qt-free): the API client, the engine, the process lock.

``open_sync(data_dir, store, account_service)`` builds an engine for the
signed-in account; the window's Qt glue lives in ``aurora_desktop/ui/sync_*``.
"""

from __future__ import annotations

from pathlib import Path

from aurora_desktop.auth import AccountService, AuthError
from aurora_desktop.store import Store

from .client import ApiClient, SyncError
from .engine import SyncEngine, SyncReport
from .lock import SyncLock

__all__ = ["ApiClient", "SyncEngine", "SyncError", "SyncLock", "SyncReport", "account_id",
           "make_engine"]

LOCK_FILE = "sync.lock"


def account_id(server_url: str, sub: str) -> str:
    """The account id the store keeps (calendars.account, the sync bookkeeping): its server and
    its Cognito user, "<server URL>|<sub>"."""
    return f"{server_url}|{sub}"


def make_engine(data_dir: Path, store: Store, accounts: AccountService) -> SyncEngine:
    """An engine for the signed-in account of ``accounts``; SyncError(signed_out) if none."""
    st = accounts.status()
    if not st.signed_in or not st.server or not st.sub:
        why = "Sign in again to sync." if st.needs_sign_in else \
            "Not signed in to an Aurora account (aurora account login)."
        raise SyncError("signed_out", why)
    try:
        client = ApiClient(accounts.request)
    except AuthError as exc:  # pragma: no cover - request is only bound here
        raise SyncError("signed_out", exc.message) from None
    return SyncEngine(store, client, account_id(st.server, st.sub),
                      SyncLock(Path(data_dir) / LOCK_FILE))
