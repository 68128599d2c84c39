"""Tokens in memory: reading a JWT's claims and knowing when to refresh.

The desktop never verifies signatures (the API does); it reads ``exp``,
``iat`` and ``sub`` to decide when to refresh and who is signed in.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["Tokens", "claims"]

MAX_MARGIN = 300.0  # refresh this long before expiry at most (seconds)


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified; {} when it is not one."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class Tokens:
    """Access and ID tokens (memory only) and when they stop working, by our clock.

    ``skew`` is server time minus our time, measured when the tokens arrived
    (from ``iat``), so a computer whose clock is off still refreshes in time.
    """

    access: str
    id: str
    expires_at: float  # server clock, epoch seconds
    lifetime: float
    skew: float

    @classmethod
    def from_result(cls, result: dict[str, Any], now: float) -> Tokens:
        access = str(result["AccessToken"])
        c = claims(access)
        iat = float(c.get("iat", now))
        exp = float(c.get("exp", iat + float(result.get("ExpiresIn", 3600))))
        return cls(access, str(result.get("IdToken", "")), exp, max(exp - iat, 1.0), iat - now)

    def fresh(self, now: float) -> bool:
        """True while the access token has more than the refresh margin left."""
        margin = min(MAX_MARGIN, self.lifetime * 0.2)
        return now + self.skew + margin < self.expires_at

    @property
    def sub(self) -> str:
        return str(claims(self.access).get("sub", ""))
