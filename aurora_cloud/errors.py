"""Domain errors. The API turns each into one RFC 9457 problem response."""

from __future__ import annotations

from typing import Any


class AuroraError(Exception):
    """Base of the errors a request can end with; ``status`` is its HTTP status."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str | None = None, *, current: Any = None,
                 headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.current = current  # the current item, for 409/412
        self.headers = headers or {}
        self.extra = extra or {}  # more problem members, e.g. {"reason": "horizon"} on 410


class InvalidInput(AuroraError):
    status = 400
    title = "Invalid input"


class Unauthorized(AuroraError):
    status = 401
    title = "Unauthorized"


class NotFound(AuroraError):
    status = 404
    title = "Not found"


class Conflict(AuroraError):
    status = 409
    title = "Conflict"


class Gone(AuroraError):
    status = 410
    title = "Gone"


class PreconditionFailed(AuroraError):
    status = 412
    title = "Precondition failed"


class PreconditionRequired(AuroraError):
    status = 428
    title = "Precondition required"


class PayloadTooLarge(AuroraError):
    status = 413
    title = "Payload too large"


class TooManyRequests(AuroraError):
    status = 429
    title = "Too many requests"


class Contention(Exception):
    """A conditional write lost a race; the caller re-reads and tries again."""
