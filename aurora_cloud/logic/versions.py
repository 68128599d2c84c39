"""The rules of one versioned write: HTTP preconditions over the item as stored.

``If-None-Match: *`` creates, ``If-Match: <version>`` updates; retrying the same
write returns the stored item instead of failing. The single-item routes and
the batch both decide here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aurora_cloud.errors import (
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from aurora_cloud.storage import Stored, Write


@dataclass(frozen=True)
class Precondition:
    """What the request's If-Match / If-None-Match demand."""

    create_only: bool = False
    version: int | None = None

    @classmethod
    def from_headers(cls, if_match: str | None, if_none_match: str | None) -> Precondition:
        if if_none_match is not None:
            if if_none_match.strip() != "*":
                raise InvalidInput("If-None-Match supports only '*' (create)")
            return cls(create_only=True)
        if if_match is not None:
            return cls(version=parse_version(if_match))
        return cls()


def parse_version(text: str) -> int:
    t = text.strip().removeprefix("W/").strip('"')
    if not t.isdigit() or len(t) > 15:
        raise InvalidInput(f"If-Match must be an item version (a number), got {text[:40]!r}")
    return int(t)


def decide(cur: Stored | None, pre: Precondition,
           content: dict[str, Any] | None) -> tuple[Stored, int] | None:
    """The rules of one versioned write (``content`` None: a delete) over ``cur``, the
    item as stored: None when it is to be written; (``cur``, status) when the answer
    needs no write (200 the same content is there already, an idempotent retry; 204
    already deleted). Raises :class:`NotFound`, :class:`PreconditionFailed` (with the
    current item) or :class:`PreconditionRequired`."""
    live = cur is not None and not cur.deleted
    if content is None:  # delete
        if cur is None:
            raise NotFound("no such item")
        if pre.version is not None and pre.version != cur.version and not (
                cur.deleted and pre.version + 1 == cur.version):
            raise PreconditionFailed("the item changed since that version", current=cur)
        if cur.deleted:
            return cur, 204
    elif pre.create_only:
        if live:
            assert cur is not None
            if cur.doc == content:
                return cur, 200
            raise PreconditionFailed("an item with this id exists", current=cur)
    elif pre.version is not None:
        if cur is None:
            raise NotFound("no such item; create it with If-None-Match: *")
        if cur.version != pre.version:
            if cur.version == pre.version + 1 and cur.doc == content and not cur.deleted:
                return cur, 200
            raise PreconditionFailed("the item changed since that version", current=cur)
        if cur.deleted:
            raise PreconditionFailed("the item was deleted", current=cur)
    else:
        raise PreconditionRequired(
            "send If-Match: <version> to update or If-None-Match: * to create")
    return None


def written_status(cur: Stored | None, content: dict[str, Any] | None) -> int:
    """The status of a write :func:`decide` let through: 204 deleted, 201 created (nothing
    or a tombstone was there), 200 updated."""
    if content is None:
        return 204
    return 201 if cur is None or cur.deleted else 200


def tombstone_write(cur: Stored | None) -> Write:
    """The write that deletes ``cur`` (its content stays, as a tombstone)."""
    assert cur is not None
    return Write.tombstone(cur)
