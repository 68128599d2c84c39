"""``GET /sync``: the user's changes after a cursor, in change order."""

from __future__ import annotations

from datetime import datetime, timedelta

from aurora_cloud.errors import Gone
from aurora_cloud.logic.base import ServiceBase, with_zones
from aurora_cloud.logic.convert import (
    stored_calendar,
    stored_event,
    stored_reminder_state,
    zone_definitions,
)
from aurora_cloud.storage import Kind
from aurora_core import wire

SYNC_SLACK = timedelta(minutes=1)  # a write lands within this of its stamp (Lambda: 10 s)


class SyncPart(ServiceBase):
    @with_zones
    def sync(self, sub: str, cursor: str | None, limit: int) -> wire.SyncPage:
        """Changes after ``cursor`` in change order, tombstones included.

        The cursor is signed and bound to ``sub`` (:mod:`aurora_cloud.cursor`):
        anything else is :class:`InvalidInput` (400). Raises :class:`Gone` (problem
        member ``reason``) when the client last had every change longer ago than the
        tombstone horizon (``horizon``: deletions since then may be forgotten), or
        the cursor is of another table epoch or newer than anything this server
        has (``server_restored``: it was restored from an older backup); either
        way, resync from scratch. Changes younger than ``sync_settle`` are sent but
        the returned cursor stays before them, so a change that an eventually
        consistent index showed late is still sent next time.

        The cursor's ``as_of`` moves only on the last page of a pull (to when every
        older change was in the feed: now less the settle time and
        :data:`SYNC_SLACK`); a partial page keeps the one it was asked with (a
        first page: the pull's start), so stopping mid-way never makes a cursor
        look younger than what its holder has.
        """
        now = self.clock()
        complete_as_of = int((now - self.sync_settle - SYNC_SLACK).timestamp())
        after, as_of = 0, complete_as_of
        if cursor:
            position = self.cursors.read(sub, cursor)
            after, as_of = position.seq, position.as_of
            if now.timestamp() - as_of >= self.storage.tombstone_horizon.total_seconds():
                raise Gone("the cursor is older than the deletion horizon; "
                           "do a full sync (no cursor)", extra={"reason": "horizon"})
        items, more = self.storage.changes(sub, after, limit)
        if not items and after and after > self.storage.counter(sub):
            # The cursor has seen changes this server does not have: it was restored
            # from an older backup. (Checked only when nothing is new: then it is cheap.)
            raise Gone("the server was restored from a backup older than this cursor; "
                       "do a full sync (no cursor) and send your changes again",
                       extra={"reason": "server_restored"})
        items.sort(key=lambda s: s.seq)
        next_seq = after
        settle_from = now - self.sync_settle
        for s in items:
            if datetime.fromisoformat(s.updated_at.replace("Z", "+00:00")) > settle_from:
                break
            next_seq = s.seq
        if next_seq < (items[-1].seq if items else after):
            more = False  # the client should come back later, not loop
        events = [stored_event(s) for s in items if s.kind is Kind.EVENT]
        return wire.SyncPage(
            calendars=[stored_calendar(s) for s in items if s.kind is Kind.CALENDAR],
            events=events,
            zones=zone_definitions(events),
            reminder_states=[stored_reminder_state(s) for s in items
                             if s.kind is Kind.REMINDER_STATE],
            cursor=self.cursors.issue(sub, next_seq, as_of if more else complete_as_of),
            has_more=more,
            server_time=now,
        )
