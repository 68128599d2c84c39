"""A server as the desktop knows it: its API URL and what ``GET /config`` says.

One flow for every server: the user gives the API URL only; ``/config``
names the region, the user pool, the app client, the Cognito endpoint and the
password policy (the same in the AWS deployment and in the local stack).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import INVALID, SERVER, AuthError, unreachable

__all__ = ["PasswordPolicy", "ServerInfo", "fetch_server", "normalise_url"]

TIMEOUT = (5.0, 15.0)  # connect, read (seconds)


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    require_lowercase: bool = False
    require_uppercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False

    @classmethod
    def from_json(cls, data: Any) -> PasswordPolicy:
        if not isinstance(data, dict):
            return cls()
        def flag(name: str) -> bool:
            return bool(data.get(name, False))
        try:
            n = int(data.get("min_length", 8))
        except (TypeError, ValueError):
            n = 8
        return cls(max(1, min(n, 256)), flag("require_lowercase"), flag("require_uppercase"),
                   flag("require_numbers"), flag("require_symbols"))

    def rules(self) -> list[str]:
        """The policy as short phrases ("at least 10 characters", "a digit", …)."""
        out = [f"at least {self.min_length} characters"]
        if self.require_lowercase:
            out.append("a lowercase letter")
        if self.require_uppercase:
            out.append("an uppercase letter")
        if self.require_numbers:
            out.append("a digit")
        if self.require_symbols:
            out.append("a symbol such as ! or %")
        return out

    def describe(self) -> str:
        rules = self.rules()
        if len(rules) == 1:
            return f"Use {rules[0]}."
        return f"Use {', '.join(rules[:-1])} and {rules[-1]}."

    def unmet(self, password: str) -> list[str]:
        """The rules ``password`` breaks (empty: it is acceptable)."""
        out = []
        if len(password) < self.min_length:
            out.append(f"at least {self.min_length} characters")
        if self.require_lowercase and not re.search(r"[a-z]", password):
            out.append("a lowercase letter")
        if self.require_uppercase and not re.search(r"[A-Z]", password):
            out.append("an uppercase letter")
        if self.require_numbers and not re.search(r"[0-9]", password):
            out.append("a digit")
        if self.require_symbols and not re.search(r"[^A-Za-z0-9\s]", password):
            out.append("a symbol such as ! or %")
        if password != password.strip():
            out.append("no spaces at the start or end")
        return out

    def check(self, password: str) -> None:
        """Raise AuthError (weak_password) naming what is missing."""
        missing = self.unmet(password)
        if missing:
            raise AuthError("weak_password", "The password needs " + ", ".join(missing) + ".")


@dataclass(frozen=True)
class ServerInfo:
    api_url: str
    region: str
    user_pool_id: str
    client_id: str
    cognito_endpoint: str
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)

    def to_json(self) -> dict[str, Any]:
        p = self.password_policy
        return {"api_url": self.api_url, "region": self.region,
                "user_pool_id": self.user_pool_id, "client_id": self.client_id,
                "cognito_endpoint": self.cognito_endpoint,
                "password_policy": {"min_length": p.min_length,
                                    "require_lowercase": p.require_lowercase,
                                    "require_uppercase": p.require_uppercase,
                                    "require_numbers": p.require_numbers,
                                    "require_symbols": p.require_symbols}}

    @classmethod
    def from_config(cls, api_url: str, data: Any) -> ServerInfo:
        """Read a ``/config`` answer; AuthError if it is not one."""
        if not isinstance(data, dict):
            raise AuthError(SERVER, f"{api_url} did not answer like an Aurora server.")
        try:
            region = str(data["region"])
            pool = str(data["user_pool_id"])
            client = str(data["client_id"])
        except KeyError:
            raise AuthError(SERVER, f"{api_url} did not answer like an Aurora server.") from None
        endpoint = data.get("cognito_endpoint") or f"https://cognito-idp.{region}.amazonaws.com"
        return cls(api_url, region, pool, client, str(endpoint),
                   PasswordPolicy.from_json(data.get("password_policy")))

    from_json = from_config


def normalise_url(text: str) -> str:
    """The API URL as we store and compare it; AuthError for something that is not one."""
    url = text.strip().rstrip("/")
    if url and "://" not in url:
        url = ("http://" if url.startswith(("127.0.0.1", "localhost")) else "https://") + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuthError(INVALID, f"{text.strip() or 'An empty address'} is not a server "
                                 "address (e.g. https://api.example.com).")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise AuthError(INVALID, "Only https:// addresses are allowed (plain http only for "
                                 "a server on this computer).")
    if parts.query or parts.fragment:
        raise AuthError(INVALID, f"{url} is not a server address (it has a query).")
    return url


def fetch_server(api_url: str, session: Any = None) -> ServerInfo:
    """``GET <api_url>/config``: who signs users in for this server."""
    import requests

    url = normalise_url(api_url)
    http = session or requests.Session()
    if session is None:
        http.trust_env = url.startswith("https://")  # 127.0.0.1 never goes through a proxy
    try:
        resp = http.get(url + "/config", timeout=TIMEOUT)
    except requests.RequestException:
        raise unreachable(url) from None
    finally:
        if session is None:
            http.close()
    if resp.status_code != 200:
        raise AuthError(SERVER, f"{url} is not an Aurora server (GET /config answered "
                                f"{resp.status_code}).")
    try:
        data = resp.json()
    except ValueError:
        raise AuthError(SERVER, f"{url} did not answer like an Aurora server.") from None
    return ServerInfo.from_config(url, data)
