"""The refresh token in the operating system's secure store (the ``keyring`` library).

Only the refresh token is kept, keyed by server and user; access and ID
tokens live in memory. When the machine has no usable secure store (no
Secret Service running, a locked or refusing backend), :class:`SecretStore`
says so through :class:`NoSecureStore` instead of writing anything anywhere
else: we never fall back to a plain file.

Long secrets are split into parts (Windows' credential manager holds about
1,280 characters, and a Cognito refresh token can be longer).
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["SERVICE", "MemorySecrets", "NoSecureStore", "SecretStore"]

log = logging.getLogger("aurora.auth")

SERVICE = "Aurora Time"
PART = 1000  # characters per stored part
INSTALL_HINT = ("install and unlock a Secret Service such as GNOME Keyring "
                "(gnome-keyring) or KWallet")


class NoSecureStore(Exception):
    """No usable secure store on this machine; the message names what to install."""


def _key(server: str, user: str) -> str:
    return f"{server}|{user}"


class SecretStore:
    """Refresh tokens in the keyring. ``backend`` is a keyring backend (tests pass one)."""

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend

    def _kr(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def problem(self) -> str | None:
        """Why there is no usable secure store, or None when there is one.

        keyring's fail/null backends and the plain or home-made "encrypted" file
        backends of keyrings.alt do not count: a refresh token must never end up
        in a file.
        """
        try:
            kr = self._kr()
        except Exception as exc:  # keyring's own init can fail in many ways
            return f"the secure store could not start ({type(exc).__name__}); {INSTALL_HINT}"
        backends = list(getattr(kr, "backends", None) or []) if _name(kr).startswith(
            "keyring.backends.chainer") else [kr]
        if not any(_secure(b) for b in backends):
            return f"this computer has no secure store for passwords; {INSTALL_HINT}"
        return None

    def _call(self, fn: str, *args: str) -> Any:
        reason = self.problem()
        if reason is not None:
            raise NoSecureStore(reason)
        try:
            return getattr(self._kr(), fn)(*args)
        except Exception as exc:  # keyring.errors.* and D-Bus errors of the backend
            if type(exc).__name__ == "PasswordDeleteError":
                return None
            log.warning("secure store failed: %s", type(exc).__name__)
            raise NoSecureStore(f"the secure store refused ({type(exc).__name__}); "
                                f"{INSTALL_HINT}, and make sure it is unlocked") from None

    def save(self, server: str, user: str, secret: str) -> None:
        """Store ``secret``; raises NoSecureStore (then nothing was kept)."""
        key = _key(server, user)
        parts = [secret[i:i + PART] for i in range(0, len(secret), PART)] or [""]
        old = self._call("get_password", SERVICE, key)
        for i, part in enumerate(parts):
            self._call("set_password", SERVICE, f"{key}#{i}", part)
        self._call("set_password", SERVICE, key, f"parts:{len(parts)}")
        if old and old.startswith("parts:"):
            for i in range(len(parts), _count(old)):
                self._call("delete_password", SERVICE, f"{key}#{i}")

    def load(self, server: str, user: str) -> str | None:
        """The stored secret, or None (none stored, or no secure store)."""
        try:
            head = self._call("get_password", SERVICE, _key(server, user))
            if not head or not head.startswith("parts:"):
                return None
            parts = []
            for i in range(_count(head)):
                part = self._call("get_password", SERVICE, f"{_key(server, user)}#{i}")
                if part is None:
                    return None
                parts.append(part)
        except NoSecureStore:
            return None
        return "".join(parts)

    def delete(self, server: str, user: str) -> None:
        """Forget the secret (nothing stored is fine)."""
        key = _key(server, user)
        head = self._call("get_password", SERVICE, key)
        if head and head.startswith("parts:"):
            for i in range(_count(head)):
                self._call("delete_password", SERVICE, f"{key}#{i}")
        if head is not None:
            self._call("delete_password", SERVICE, key)


def _name(backend: Any) -> str:
    return type(backend).__module__ + "." + type(backend).__name__


def _secure(backend: Any) -> bool:
    name = _name(backend)
    if name.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    try:
        return float(getattr(backend, "priority", 1) or 0) > 0
    except Exception:  # a backend whose priority check itself fails is not usable
        return False


def _count(head: str) -> int:
    try:
        return max(0, min(int(head.split(":", 1)[1]), 64))
    except ValueError:
        return 0


class MemorySecrets(SecretStore):
    """A secure store that forgets everything when the process ends (no keyring)."""

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[str, str] = {}

    def problem(self) -> str | None:
        return None

    def save(self, server: str, user: str, secret: str) -> None:
        self._data[_key(server, user)] = secret

    def load(self, server: str, user: str) -> str | None:
        return self._data.get(_key(server, user))

    def delete(self, server: str, user: str) -> None:
        self._data.pop(_key(server, user), None)
