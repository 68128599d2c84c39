"""``POST /events/batch``: many event writes, each decided as its single-item route
decides, in transactions of :data:`~aurora_cloud.logic.base.CHUNK` items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from aurora_cloud.errors import Conflict, Contention, InvalidInput, NotFound, PreconditionFailed
from aurora_cloud.logic.base import CHUNK, RETRIES, ServiceBase, with_zones
from aurora_cloud.logic.convert import stored_event, to_core, to_core_quiet
from aurora_cloud.logic.versions import Precondition, decide, tombstone_write, written_status
from aurora_cloud.reminders.schedule import standing_changes
from aurora_cloud.storage import Kind, Stored, Write
from aurora_core import wire
from aurora_core.model import Event


@dataclass(frozen=True)
class _BatchItem:
    """One write of ``POST /events/batch``: ``index`` in the results (events, then
    deletes), ``event`` None for a delete."""

    index: int
    id: str
    pre: Precondition
    event: Event | None = None
    content: dict[str, Any] | None = None


class BatchPart(ServiceBase):
    @with_zones
    def batch_events(self, sub: str, body: wire.BatchRequest) -> wire.BatchResponse:
        """Many event writes (``POST /events/batch``), in the order given: ``events`` in
        their order, then ``deletes`` in theirs, in transactions of :data:`CHUNK` items
        (so the change feed has them in that order too). An event named in ``if_match``
        is an update based on that version, any other a create (If-None-Match: *); a
        delete is ``DELETE /events/{id}`` with its ``if_match``. Each item is decided as
        its single-item route decides (:func:`decide`) and answered in request order:
        201 created, 200 updated or the same content already there, 204 deleted (or
        already), 404, 412 with ``current``, or 400 (invalid, or an id already used
        earlier in the batch). Reminder dues are planned per event as
        ``PUT /events/{id}`` plans them; then every series the batch touched
        (a recurring event, an override, a deleted override) is refreshed."""
        zone = self.user_zone(sub)
        used = {w.timezone for w in body.events}
        self.storage.put_zones(sub, {n: d for n, d in body.zones.items() if n in used})
        n_events = len(body.events)
        results: list[wire.BatchItemResult | None] = [None] * (n_events + len(body.deletes))
        versions = {k.lower(): v for k, v in body.if_match.items()}
        accepted: set[str] = set()
        items: list[_BatchItem] = []
        for i, w in enumerate(body.events):
            key = w.id.lower()
            if key in accepted:
                results[i] = wire.BatchItemResult(id=w.id, status=400,
                                                  detail="the same id twice in one batch")
                continue
            version = versions.get(key)
            pre = Precondition(create_only=True) if version is None else \
                Precondition(version=version)
            try:
                self._zone_known(sub, w.timezone, body.zones)
                items.append(_BatchItem(i, w.id, pre, to_core(w), w.content()))
            except InvalidInput as exc:
                results[i] = wire.BatchItemResult(id=w.id, status=400, detail=exc.detail)
                continue
            accepted.add(key)
        for j, d in enumerate(body.deletes):
            key = d.id.lower()
            if key in accepted:
                results[n_events + j] = wire.BatchItemResult(
                    id=d.id, status=400, detail="the same id twice in one batch")
                continue
            items.append(_BatchItem(n_events + j, d.id, Precondition(version=d.if_match)))
            accepted.add(key)
        written: list[Stored] = []
        deleted_overrides: set[str] = set()
        for start in range(0, len(items), CHUNK):
            self._batch_chunk(sub, items[start:start + CHUNK], zone, results, written,
                              deleted_overrides)
        uids = {it.event.uid for it in items if it.event is not None and (
            it.event.is_recurring or it.event.recurrence_id is not None)} | deleted_overrides
        for uid in sorted(uids):
            self.refresh_series_due(sub, uid, zone, known=[
                s for s in written if (s.doc.get("uid") or s.doc.get("id")) == uid])
        return wire.BatchResponse(results=[r for r in results if r is not None])

    def _batch_chunk(self, sub: str, chunk: Sequence[_BatchItem], zone: tzinfo,
                     results: list[wire.BatchItemResult | None], written: list[Stored],
                     deleted_overrides: set[str]) -> None:
        """One transaction of a batch: read what is stored, decide each item, commit the
        writes together; a lost race reads again and decides the undecided again."""
        makers = {it.index: tombstone_write if it.event is None or it.content is None
                  else self._write_for(sub, it.event, it.content, zone) for it in chunk}
        for _ in range(RETRIES):
            writes: list[Write] = []
            index: list[tuple[_BatchItem, int]] = []
            current = self.storage.get_many(sub, Kind.EVENT, [
                it.id for it in chunk if results[it.index] is None])
            for it in chunk:
                if results[it.index] is not None:
                    continue
                cur = current.get(it.id)
                try:
                    answer = decide(cur, it.pre, it.content)
                except NotFound:
                    results[it.index] = wire.BatchItemResult(
                        id=it.id, status=404, detail="no such event" if it.content is None
                        else "no such event; send it without if_match to create it")
                    continue
                except PreconditionFailed as exc:
                    assert cur is not None
                    results[it.index] = wire.BatchItemResult(
                        id=it.id, status=412, version=cur.version,
                        detail="an event with this id exists" if it.pre.create_only
                        else exc.detail, current=stored_event(cur))
                    continue
                if answer is not None:
                    stored, status = answer
                    results[it.index] = wire.BatchItemResult(id=it.id, status=status,
                                                             version=stored.version)
                    if it.content is None and stored.doc.get("recurrence_id"):
                        deleted_overrides.add(stored.doc.get("uid") or it.id)
                    continue
                if cur is not None and not cur.deleted and standing_changes(
                        to_core_quiet(cur), it.event):  # its overrides' dues change hands
                    deleted_overrides.add(cur.doc.get("uid") or it.id)
                writes.append(makers[it.index](cur))
                index.append((it, written_status(cur, it.content)))
            if not writes:
                return
            try:
                stored_items = self.storage.commit(sub, writes, self.clock())
            except Contention:
                continue
            for (it, status), s in zip(index, stored_items, strict=True):
                results[it.index] = wire.BatchItemResult(id=it.id, status=status,
                                                         version=s.version)
                written.append(s)
                if it.content is None and s.doc.get("recurrence_id"):
                    deleted_overrides.add(s.doc.get("uid") or it.id)
            return
        raise Conflict("too many concurrent writes; retry the batch")
