"""The Aurora account on the desktop (Qt-free): server config, sign-in, tokens, keyring."""

from .account import AccountService, AccountStatus, SignInResult
from .errors import AuthError
from .secrets import MemorySecrets, NoSecureStore, SecretStore
from .server import PasswordPolicy, ServerInfo, fetch_server, normalise_url

__all__ = ["AccountService", "AccountStatus", "AuthError", "MemorySecrets", "NoSecureStore",
           "PasswordPolicy", "SecretStore", "ServerInfo", "SignInResult", "fetch_server",
           "normalise_url"]
