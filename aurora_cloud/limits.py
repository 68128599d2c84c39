"""Request limits per caller: per user (the JWT's ``sub``) and, on the public
routes, per source IP. API Gateway's stage throttling counts every caller of a
route together, so one busy client made everybody's requests 429; these
limits give each caller its own allowance, kept in the table so that every
Lambda container (and the local stack's) sees the same one.

The algorithm is GCRA (the "generic cell rate algorithm", a token bucket
that keeps one number: the theoretical arrival time ``tat`` of the next
request). A caller may send ``burst`` requests at once and ``rate`` a second
after that. One conditional UpdateItem per request (1 write unit) while the
caller is within its rate; two while it is bursting or refused (the second
is told the stored ``tat`` by the failed first, no read needed). See
:meth:`aurora_cloud.storage.dynamo.Storage.take_turn` and docs/cloud.md
("Limits per caller").
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from aurora_cloud.errors import TooManyRequests

ENV_USER_RATE = "USER_RATE_LIMIT"
ENV_USER_BURST = "USER_BURST_LIMIT"
ENV_PUBLIC_RATE = "PUBLIC_RATE_LIMIT"
ENV_PUBLIC_BURST = "PUBLIC_BURST_LIMIT"
KEEP_SECONDS = 60  # the item outlives its tat by this much (TTL); after tat it is as if absent


@dataclass(frozen=True)
class Limit:
    """``rate`` requests a second on average, ``burst`` at once. ``rate`` 0: no limit."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate < 0 or self.burst < 1:
            raise ValueError("a limit needs rate >= 0 and burst >= 1")

    @property
    def interval_ms(self) -> int:
        """Milliseconds one request uses up (the GCRA emission interval)."""
        return max(1, round(1000 / self.rate))

    @property
    def tolerance_ms(self) -> int:
        """How far ahead of now ``tat`` may be and a request still go: burst - 1 intervals."""
        return (self.burst - 1) * self.interval_ms


class Gate(Protocol):
    def take_turn(self, key: str, now_ms: int, interval_ms: int, tolerance_ms: int,
                  keep_seconds: int) -> int:
        """0 if the caller ``key`` may go now (its turn is taken), else milliseconds to wait."""


class MemoryGate:
    """The same GCRA in memory (one process): for tests and tools, never for Lambda."""

    def __init__(self) -> None:
        self.tat: dict[str, int] = {}

    def take_turn(self, key: str, now_ms: int, interval_ms: int, tolerance_ms: int,
                  keep_seconds: int) -> int:
        tat = max(self.tat.get(key, now_ms), now_ms)
        if tat - now_ms > tolerance_ms:
            return tat - tolerance_ms - now_ms
        self.tat[key] = tat + interval_ms
        return 0


class Limits:
    """The API's limits: ``user`` per ``sub``, ``public`` per source IP (GET /config,
    GET /openapi.json). IP addresses are stored only as a keyed hash (``salt``)."""

    def __init__(self, gate: Gate, user: Limit, public: Limit, *, salt: bytes = b"",
                 clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000) -> None:
        self.gate = gate
        self.user = user
        self.public = public
        self.salt = salt
        self.clock_ms = clock_ms

    def check_user(self, sub: str) -> None:
        self._check(f"user#{sub}", self.user)

    def check_ip(self, ip: str) -> None:
        digest = hmac.new(self.salt, ip.encode(), hashlib.sha256).hexdigest()[:32]
        self._check(f"ip#{digest}", self.public)

    def _check(self, key: str, limit: Limit) -> None:
        """Raise :class:`TooManyRequests` (429, ``Retry-After`` in whole seconds, at
        least 1) when the caller is over ``limit``."""
        if limit.rate <= 0:
            return
        wait_ms = self.gate.take_turn(key, self.clock_ms(), limit.interval_ms,
                                      limit.tolerance_ms, KEEP_SECONDS)
        if wait_ms > 0:
            seconds = max(1, math.ceil(wait_ms / 1000))
            raise TooManyRequests(
                f"too many requests from this {'user' if key.startswith('user#') else 'address'}"
                f"; retry in {seconds} s", headers={"Retry-After": str(seconds)})


def limit_from_env(env: Mapping[str, str], rate_name: str, burst_name: str) -> Limit:
    """A limit from the function's environment (template.yaml's parameters)."""
    return Limit(float(env[rate_name]), int(env[burst_name]))


def limits_from_env(env: Mapping[str, str], gate: Gate, salt: bytes) -> Limits:
    return Limits(gate, limit_from_env(env, ENV_USER_RATE, ENV_USER_BURST),
                  limit_from_env(env, ENV_PUBLIC_RATE, ENV_PUBLIC_BURST), salt=salt)
