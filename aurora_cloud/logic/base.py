"""What every part of the API's rules shares: the service's state, its limits, the
versioned write loop and the zone registry's resolver."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar, cast

from aurora_cloud.accounts import Accounts
from aurora_cloud.cursor import Cursors
from aurora_cloud.errors import Conflict, Contention
from aurora_cloud.logic.versions import Precondition, decide, written_status
from aurora_cloud.storage import Kind, Storage, Stored, Write
from aurora_core import custom_zones
from aurora_core.model import Event

RETRIES = 6
CHUNK = 50  # items a batch writes in one transaction

_M = TypeVar("_M", bound=Callable[..., Any])


def utcnow() -> datetime:
    return datetime.now(UTC)


def with_zones(method: _M) -> _M:
    """Run a method taking ``sub`` with the user's stored zone definitions as the zone
    registry's resolver: an event in a zone a file defined (X-AURORA/<hash>) decodes
    wherever its definition was sent before (docs/import.md)."""
    @functools.wraps(method)
    def run(self: ServiceBase, sub: str, *args: Any, **kw: Any) -> Any:
        token = custom_zones.resolver.set(functools.partial(self.storage.get_zone, sub))
        try:
            return method(self, sub, *args, **kw)
        finally:
            custom_zones.resolver.reset(token)
    return cast(_M, run)


class ServiceBase:
    """The API's behaviour over one :class:`Storage`; ``clock`` gives aware UTC now.

    :class:`aurora_cloud.logic.Service` is this base with one part per concern
    (account, calendars, events, batch, reminder states, occurrences, sync); what
    one part calls of another is declared here, so that each part type-checks alone.
    """

    def __init__(self, storage: Storage, *, clock: Callable[[], datetime] = utcnow,
                 sync_settle: timedelta = timedelta(seconds=2),
                 accounts: Accounts | None = None, cursors: Cursors | None = None) -> None:
        self.storage = storage
        self.clock = clock
        self.sync_settle = sync_settle
        self.accounts = accounts
        self.cursors = cursors or Cursors.ephemeral()  # AWS and the local stack pass theirs

    def _write_loop(self, sub: str, kind: Kind, item_id: str, pre: Precondition,
                    content: dict[str, Any] | None,
                    make: Callable[[Stored | None], Write]) -> tuple[Stored, int]:
        """Read, check ``pre`` (:func:`decide`), commit; retry lost races. ``content``
        None means delete.

        Returns the stored item and the HTTP status (201 created, 200 updated
        or an idempotent retry, 204 deleted).
        """
        for _ in range(RETRIES):
            cur = self.storage.get(sub, kind, item_id)
            answer = decide(cur, pre, content)
            if answer is not None:
                return answer
            try:
                [stored] = self.storage.commit(sub, [make(cur)], self.clock())
            except Contention:
                continue
            return stored, written_status(cur, content)
        raise Conflict("too many concurrent writes to this item; retry")

    # -- provided by the parts ---------------------------------------------

    def user_zone(self, sub: str) -> tzinfo:  # account
        raise NotImplementedError

    def delete_event(self, sub: str, event_id: str, pre: Precondition) -> None:  # events
        raise NotImplementedError

    def refresh_series_due(self, sub: str, uid: str, zone: tzinfo,  # events
                           known: Sequence[Stored] = ()) -> None:
        raise NotImplementedError

    def _write_for(self, sub: str, event: Event, content: dict[str, Any],  # events
                   zone: tzinfo) -> Callable[[Stored | None], Write]:
        raise NotImplementedError

    def _zone_known(self, sub: str, name: str | None, given: dict[str, str]) -> None:  # events
        raise NotImplementedError
