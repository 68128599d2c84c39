"""The Aurora account on the desktop (Qt-free): server config, sign-in, tokens, keyring."""

from pathlib import Path

from .account import AccountService, AccountStatus, SignInResult
from .errors import AuthError
from .secrets import MemorySecrets, NoSecureStore, SecretStore
from .server import PasswordPolicy, ServerInfo, fetch_server, normalise_url

__all__ = ["AccountService", "AccountStatus", "AuthError", "MemorySecrets", "NoSecureStore",
           "PasswordPolicy", "SecretStore", "ServerInfo", "SignInResult", "account_service",
           "fetch_server", "normalise_url"]


def account_service(data_dir: Path, *, window: bool = False) -> AccountService:
    """The account of the data folder ``data_dir``, its refresh token in the OS keyring.
    ``window``: with no secure store the window may sign in for this run only; the command
    line refuses. Asked for through the composition root (app.Desktop.accounts)."""
    return AccountService(Path(data_dir), SecretStore(), allow_memory_only=window)
