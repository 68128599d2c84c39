"""The query parameters of the routes that take any, as types: Powertools validates
them (``Annotated[SyncQuery, Query()]``) before the handler runs, and a refusal is a
400 problem whose detail :func:`refusal` writes in one line.

A blank parameter (``?tz=``) is an absent one, as the handlers always read them;
``calendar`` keeps a blank value (no calendar has that id: nothing is shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aurora_core import wire

REFUSED = "query"  # the pydantic error type of a refusal worded here
TEXT_READ = 64  # characters of a window bound or zone that are read (the rest is ignored)


def _refused_as(text: str) -> WrapValidator:
    """Every refusal of the value reads ``'<name>' <text>``, whatever the type's check
    that refused it."""
    def check(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(REFUSED, text) from None
    return WrapValidator(check)


def _first(n: int) -> BeforeValidator:
    """Only the first ``n`` characters of the text are read (a bound never needs more)."""
    return BeforeValidator(lambda v: v[:n] if isinstance(v, str) else v)


def _bound(value: Any) -> date | datetime:
    """A window bound as sent: a date (YYYY-MM-DD), or a date-time with or without an
    offset; the zone that places it comes later (the request's or the user's)."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(REFUSED, "is not an ISO 8601 date or date-time")
    t = value.strip()
    try:
        at: date | datetime = date.fromisoformat(t) if len(t) == 10 else \
            datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError(REFUSED, "is not an ISO 8601 date or date-time") from None
    if not wire.MIN_YEAR <= at.year <= wire.MAX_YEAR:
        raise PydanticCustomError(REFUSED, "is out of range")
    return at


WindowBound = Annotated[date | datetime, _first(TEXT_READ), PlainValidator(_bound)]


class _Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    KEEP_BLANK: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v != "" or k in cls.KEEP_BLANK}
        return data


class OccurrencesQuery(_Query):
    """``GET /events?from=&to=[&calendar=][&tz=]``."""

    KEEP_BLANK = frozenset({"calendar"})

    start: Annotated[WindowBound, Field(alias="from")]
    end: Annotated[WindowBound, Field(alias="to")]
    calendar: str | None = None  # only this calendar's occurrences
    tz: Annotated[str | None, _first(TEXT_READ)] = None  # default: the user's zone


class SyncQuery(_Query):
    """``GET /sync[?cursor=][&limit=]``."""

    cursor: str | None = None  # absent: a full sync
    limit: Annotated[int, Field(ge=1, le=wire.MAX_SYNC_LIMIT),
                     _refused_as(f"must be a number from 1 to {wire.MAX_SYNC_LIMIT}")] = 500


def refusal(errors: Sequence[Any]) -> str:
    """One line for the query parameters the types refused (pydantic errors, located
    by parameter name): "'from' and 'to' are required", "'limit' must be a number
    from 1 to 1000", ..."""
    def name(error: dict[str, Any]) -> str:
        return str(error["loc"][-1]) if error.get("loc") else "the query"

    missing = [f"'{name(e)}'" for e in errors if e.get("type") == "missing"]
    if missing:
        return " and ".join(missing) + (" are required" if len(missing) > 1 else " is required")
    if not errors:
        return "the query is not valid"
    first = errors[0]
    if first.get("type") == REFUSED:
        return f"'{name(first)}' {first['msg']}"
    return f"'{name(first)}': {str(first.get('msg', 'not valid'))[:200]}"
