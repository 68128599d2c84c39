"""The sync engine: push what changed here, then pull what changed elsewhere (no Qt).

One run (:meth:`SyncEngine.run`) under a lock that also holds across
processes (the window and ``aurora sync`` from cron never sync one store at
once):

1. **Push** the account's pending changes in dependency order (calendars,
   series before their overrides; deletions of overrides before their
   series). Event creates, updates (``if_match``: the base version) and
   deletes go up to 100 at a time through ``POST /events/batch``, which
   processes them in the order given; calendars one by one with ``If-Match``
   or ``If-None-Match: *``. Each item stands alone:
   success → new base; 412 → three-way merge with the server's current item,
   then send again; 400 → set aside, visible, never blocking the rest;
   404 on an update → the server lost it: create it again. 401 is the
   account's (refresh once); offline / 429 / 5xx end the run with the
   changes still pending (the caller backs off and retries).
2. **Pull** from the saved cursor, page by page, each page applied with its
   cursor in one transaction (the store's remote path skips our own echoes and
   merges items that changed here meanwhile).
3. On **410** (cursor past the tombstone horizon, or the server restored from
   an older backup): after the push, fetch everything and reconcile: items
   with local changes are kept and sent again; items the server no longer has
   go only after the horizon case, and only when that is not a mass deletion;
   after a restore nothing local is ever deleted: it is sent again.

Merging and what the user is told: docs/sync.md.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aurora_core import custom_zones
from aurora_desktop.lazy import LazyModule
from aurora_desktop.store import ApplyReport, Outgoing, Store

from .client import ApiClient, Reply, SyncError
from .lock import SyncLock

if TYPE_CHECKING:
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    wire = LazyModule("aurora_core.wire")


__all__ = ["SyncEngine", "SyncReport"]

log = logging.getLogger("aurora.sync")

BATCH = 100  # items per POST /events/batch (the server's limit)
BATCH_BYTES = 200_000  # body bytes per batch request (the server takes up to 256 KB)
ROUNDS = 3  # push rounds per run (a 412 merges and sends again)
MASS_DELETE = (50, 0.2)  # a resync never deletes more than max(50, 20 %) of the items quietly


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    pending: int = 0
    set_aside: int = 0
    conflicts_new: int = 0
    restored: list[str] = field(default_factory=list)
    resync: str | None = None          # "horizon" | "server_restored" when a full resync ran
    resent: int = 0                    # items sent again because the server lacked them
    requests: int = 0
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    changed: ApplyReport = field(default_factory=ApplyReport)

    def to_json(self, conflicts: list[dict[str, Any]]) -> dict[str, Any]:
        return {"pushed": self.pushed, "pulled": self.pulled, "pending": self.pending,
                "set_aside": self.set_aside, "conflicts": conflicts,
                "restored": self.restored, "resync": self.resync, "resent": self.resent,
                "requests": self.requests, "seconds": round(self.seconds, 3),
                "notices": self.notices}


class SyncEngine:
    """Sync one store with one account. ``store`` is used from the calling thread only."""

    def __init__(self, store: Store, client: ApiClient, account: str, lock: SyncLock, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.client = client
        self.account = account
        self.lock = lock
        self.clock = clock

    # -------------------------------------------------------------- a run

    def run(self, *, adopt_local: bool | None = None, pull_only: bool = False) -> SyncReport:
        """One sync. ``adopt_local``: on a first sync, add this computer's calendars to
        the account (after the first pull, so names can be matched). Raises SyncError."""
        started = time.monotonic()
        report = SyncReport()
        requests_before = self.client.requests
        with self.lock.hold():
            self.store.set_current_account(self.account)
            first = self.store.sync_value(self.account, "cursor") is None
            if first:
                self._pull(report)
                if adopt_local:
                    added = self.store.adopt_local_calendars(self.account)
                    if added:
                        report.notices.append("Added to the account: " + ", ".join(added))
            if not pull_only:
                self._push(report)
            self._pull(report)
            self.store.set_sync_value(self.account, "last_sync",
                                      datetime.fromtimestamp(self.clock(), UTC).isoformat())
        report.pending = self.store.pending_count(self.account)
        report.set_aside = len(self.store.problems(self.account))
        report.requests = self.client.requests - requests_before
        report.seconds = time.monotonic() - started
        return report

    def pull(self) -> SyncReport:
        """Only pull (right before a reminder fires)."""
        return self.run(pull_only=True)

    # --------------------------------------------------------------- push

    def _push(self, report: SyncReport) -> None:
        for _ in range(ROUNDS):
            outgoing = self.store.outgoing(self.account)
            if not outgoing:
                return
            again = False
            batch: list[Outgoing] = []
            for o in outgoing:
                if _batchable(o):
                    if o.content is not None and batch and batch[-1].content is None:
                        # The server takes a batch's writes before its deletes: a write
                        # after a delete starts a new batch, so the order holds.
                        again |= self._send_batch(batch, report)
                        batch = []
                    batch.append(o)
                    continue
                if batch:
                    again |= self._send_batch(batch, report)
                    batch = []
                if o.entity == "reminder_state":
                    continue
                again |= self._send_one(o, report)
            if batch:
                again |= self._send_batch(batch, report)
            states = [o for o in outgoing if o.entity == "reminder_state"]
            if states:
                self._send_states(states, report)
            if not again:
                return

    def _send_one(self, o: Outgoing, report: SyncReport) -> bool:
        """Send one calendar or event change; True when it must be sent again."""
        if o.content is None:
            if (o.base_version is None or o.base_deleted) and not o.sent:
                self.store.drop_pending(o.entity, o.id)  # it never reached the server
                return False
            version = o.base_version
            if version is None or o.base_deleted:
                # Maybe created by an attempt we never heard back from: look first, so a
                # change someone made to it since is not deleted unseen.
                found = self.client.get(o.entity, o.id)
                if found.status == 404 or (found.item or {}).get("deleted"):
                    self.store.confirm_sent(o.entity, o.id, None, None, None)
                    return False
                if not found.ok or found.item is None:
                    return self._answered(o, found, report)
                return self._merge_current(o, found.item, report)
            self.store.mark_sending([o])
            reply = self.client.delete(o.entity, o.id, version)
            if reply.ok or reply.status == 404:
                self.store.confirm_sent(o.entity, o.id, None, None, None)
                report.pushed += 1
                return False
            return self._answered(o, reply, report)
        create = o.base_version is None or o.base_deleted
        self.store.mark_sending([o])
        reply = self.client.put(o.entity, o.content, o.base_version, create)
        if reply.ok:
            self.store.confirm_sent(o.entity, o.id, o.content, reply.item, reply.version)
            report.pushed += 1
            return False
        return self._answered(o, reply, report)

    def _answered(self, o: Outgoing, reply: Reply, report: SyncReport) -> bool:
        if reply.status == 412 and reply.item is not None:
            return self._merge_current(o, reply.item, report)
        if reply.status == 404:
            # Updating something the server does not have: it lost it (restored from an
            # older backup) or it is gone for good. Send it again as new.
            self.store.reconcile_missing(self.account, o.entity, [o.id], server_restored=True,
                                         report=report.changed)
            report.resent += 1
            return True
        self.store.set_aside(o.entity, o.id, reply.detail or f"refused ({reply.status})")
        log.warning("sync: the server refused %s %s: %s", o.entity, o.id, reply.detail)
        return False

    def _merge_current(self, o: Outgoing, current: dict[str, Any], report: SyncReport) -> bool:
        """412: merge ours with the server's current item (the remote path), send again."""
        model: Any = wire.CalendarWire if o.entity == "calendar" else wire.EventWire
        try:
            item = model.model_validate(current)
        except ValueError as exc:
            self.store.set_aside(o.entity, o.id, f"the server's copy is unreadable: {exc}"[:300])
            return False
        if o.base_version is not None and item.version < o.base_version:
            report.notices.append("The server went back in time; re-sending what it lost.")
        applied = ApplyReport()
        self.store.apply_remote_page(self.account, None, cursor=None, report=applied,
                                     items=[(o.entity, item)], force=True)
        self._absorb(report, applied)
        return True

    def _send_batch(self, items: list[Outgoing], report: SyncReport) -> bool:
        """Send event writes and deletes (writes first) through ``POST /events/batch``,
        in requests of at most :data:`BATCH` items and :data:`BATCH_BYTES` of body; every
        answer is taken as :meth:`_send_one` takes it. True when some must go again."""
        again = False
        for chunk in _requests(items):
            self.store.mark_sending(chunk)
            replies = self.client.write_events(
                [(o.content, None if o.base_version is None or o.base_deleted
                  else o.base_version) for o in chunk if o.content is not None],
                [(o.id, o.base_version) for o in chunk if o.content is None])
            if replies is None:  # refused as a whole: one by one, each answered alone
                for o in chunk:
                    again |= self._send_one(o, report)
                continue
            ordered = [o for o in chunk if o.content is not None] + \
                [o for o in chunk if o.content is None]
            answered = list(zip(ordered, replies, strict=True))
            written = [(o, r.version) for o, r in answered if o.content is not None and r.ok]
            deleted = [o for o, r in answered
                       if o.content is None and (r.ok or r.status == 404)]
            self.store.confirm_written(written)
            self.store.confirm_deleted(deleted)
            report.pushed += len(written) + len(deleted)
            for o, r in answered:
                if r.ok or (o.content is None and r.status == 404):
                    continue
                again |= self._answered(o, r, report)
        return again

    def _send_states(self, states: list[Outgoing], report: SyncReport) -> None:
        live = [o for o in states if o.content is not None]
        for o in states:
            if o.content is None:
                self.store.drop_pending("reminder_state", o.id)
        for i in range(0, len(live), BATCH):
            chunk = live[i:i + BATCH]
            self.store.mark_sending(chunk)
            replies = self.client.put_reminder_states([o.content for o in chunk
                                                       if o.content is not None])
            items: list[tuple[str, Any]] = []
            for o, reply in zip(chunk, replies, strict=True):
                if reply.ok and reply.item is not None:
                    items.append(("reminder_state",
                                  wire.ReminderStateWire.model_validate(reply.item)))
                    report.pushed += 1
                elif not reply.ok:
                    self.store.set_aside("reminder_state", o.id, reply.detail or "refused")
            if items:
                applied = ApplyReport()
                self.store.apply_remote_page(self.account, None, cursor=None, report=applied,
                                             items=items)
                self._absorb(report, applied, pulled=False)

    # --------------------------------------------------------------- pull

    def _pull(self, report: SyncReport) -> None:
        cursor = self.store.sync_value(self.account, "cursor")
        try:
            with contextlib.closing(self._pages(cursor)) as pages:
                for page in pages:
                    applied = ApplyReport()
                    self.store.apply_remote_page(self.account, page, cursor=page.cursor,
                                                 report=applied)
                    self._absorb(report, applied)
                    if applied.regressed:
                        raise SyncError("gone", "the server went back in time",
                                        reason="server_restored")
        except SyncError as exc:
            if exc.kind != "gone":
                raise
            self._resync(report, exc.reason or "horizon")

    def _pages(self, cursor: str | None) -> Generator[wire.SyncPage, None, None]:
        """The pages of ``GET /sync`` from ``cursor`` on. While the caller applies one
        page, the next is already being fetched on a worker thread, so the server's work
        (and the loopback's, and parsing) overlaps the store's: a full pull of 10,000
        events takes about the longer of the two instead of their sum. The client is
        never used by two threads at once: the caller does not touch it between pages.
        A failed fetch raises where that page is asked for, as without the overlap.
        Use it in ``contextlib.closing``: a caller that leaves early (an error, the
        server went back in time) waits there for the request in flight, so nothing
        else uses the client meanwhile."""
        with ThreadPoolExecutor(1, thread_name_prefix="aurora-pull") as pool:
            page = self.client.changes(cursor)
            while True:
                ahead = pool.submit(self.client.changes, page.cursor) if page.has_more \
                    else None
                yield page  # closed early: the pool waits for the request in flight
                if ahead is None:
                    return
                page = ahead.result()

    def _resync(self, report: SyncReport, reason: str) -> None:
        """Fetch everything and reconcile (see the module docstring, step 3)."""
        restored = reason == "server_restored"
        report.resync = reason
        log.info("sync: full resync (%s)", reason)
        known = self.store.account_item_ids(self.account)
        seen: dict[str, set[str]] = {"calendar": set(), "event": set()}
        cursor: str | None = None
        with contextlib.closing(self._pages(None)) as pages:
            for page in pages:
                items: list[tuple[str, Any]] = [("calendar", c) for c in page.calendars]
                items += [("event", e) for e in page.events]
                items += [("reminder_state", r) for r in page.reminder_states]
                for entity, w in items:
                    if entity in seen and not w.deleted:
                        seen[entity].add(w.id)
                applied = ApplyReport()
                self.store.apply_remote_page(self.account, None, cursor=None, report=applied,
                                             items=items, force=restored)
                self._absorb(report, applied)
                cursor = page.cursor
        missing = {e: known[e] - seen[e] for e in seen}
        n_missing = sum(len(v) for v in missing.values())
        total = sum(len(v) for v in known.values())
        if not restored and n_missing > max(MASS_DELETE[0], MASS_DELETE[1] * total):
            restored = True
            report.notices.append(
                f"The server no longer has {n_missing} items this computer has; they were "
                "kept here and sent again rather than deleted.")
        for entity in ("event", "calendar"):
            if missing[entity]:
                report.resent += self.store.reconcile_missing(
                    self.account, entity, sorted(missing[entity]), server_restored=restored,
                    report=report.changed)
        if restored and report.resent:
            report.notices.append(f"The server had lost {report.resent} items; they were sent "
                                  "again from this computer.")
        self.store.set_sync_value(self.account, "cursor", cursor)
        if report.resent:
            self._push(report)

    @staticmethod
    def _absorb(report: SyncReport, applied: ApplyReport, *, pulled: bool = True) -> None:
        if pulled:
            report.pulled += applied.applied + applied.merged
        report.conflicts_new += applied.conflicts
        report.restored.extend(applied.restored)
        ch = report.changed
        ch.event_ids |= applied.event_ids
        ch.calendar_ids |= applied.calendar_ids
        ch.reminder_states |= applied.reminder_states
        ch.regressed += applied.regressed


def _batchable(o: Outgoing) -> bool:
    """An event write, or the delete of an event the server confirmed (a delete without
    a live base takes :meth:`SyncEngine._send_one`'s careful path)."""
    return o.entity == "event" and (o.content is not None or (
        o.base_version is not None and not o.base_deleted))


def _zone_cost(o: Outgoing, counted: set[str]) -> tuple[str | None, int]:
    """The zone a file defined that ``o`` uses and is not yet in the request, with the
    bytes its definition adds (the client sends it in the batch's ``zones``)."""
    zone = (o.content or {}).get("timezone")
    if not isinstance(zone, str) or not custom_zones.is_custom(zone) or zone in counted:
        return None, 0
    try:
        return zone, 100 + len(custom_zones.definition(zone))
    except ValueError:  # not known here: the server says so for this event
        return None, 0


def _requests(items: list[Outgoing]) -> Iterator[list[Outgoing]]:
    """``items`` cut into batch requests (in order): at most :data:`BATCH` items and
    about :data:`BATCH_BYTES` of JSON each; an item bigger than that goes alone."""
    chunk: list[Outgoing] = []
    size = 0
    zones: set[str] = set()  # zones a file defined: their definitions go once a request
    for o in items:
        cost = 80 + (len(json.dumps(o.content)) if o.content is not None else 0)
        zone, extra = _zone_cost(o, zones)
        if chunk and (len(chunk) >= BATCH or size + cost + extra > BATCH_BYTES):
            yield chunk
            chunk, size, zones = [], 0, set()
            zone, extra = _zone_cost(o, zones)
        chunk.append(o)
        size += cost + extra
        if zone is not None:
            zones.add(zone)
    if chunk:
        yield chunk
