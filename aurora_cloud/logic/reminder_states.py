"""Reminder states (dismissed, snoozed...): joined with what is stored, never replaced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from aurora_cloud.errors import Conflict, Contention, InvalidInput
from aurora_cloud.logic.base import CHUNK, RETRIES, ServiceBase
from aurora_cloud.logic.convert import stored_reminder_state
from aurora_cloud.storage import Kind, Stored, Write
from aurora_core import wire

REMINDER_STATE_KEEP = timedelta(days=60)  # a reminder state expires (TTL) this long after due


def _check_state_id(body: wire.ReminderStateWire) -> None:
    expected = wire.reminder_state_id(body.occurrence_key, body.reminder, body.due)
    if body.id.lower() != expected:
        raise InvalidInput(f"the id must be reminder_state_id(occurrence_key, reminder, due): "
                           f"{expected}")


class ReminderStatesPart(ServiceBase):
    def _plan_state(self, cur: Stored | None, body: wire.ReminderStateWire
                    ) -> tuple[Write | None, wire.ReminderStateWire | None]:
        """What to write for ``body`` over ``cur``: (write, None), or (None, the stored
        state) when the join is what is stored already."""
        incoming = body.model_copy(update={"id": body.id.lower()})
        if cur is None or cur.deleted:
            joined = incoming
        else:
            stored = stored_reminder_state(cur)
            joined = wire.join_reminder_states(stored, incoming.model_copy(update={
                "version": stored.version, "updated_at": stored.updated_at,
                "deleted": stored.deleted}))
            if joined.content() == stored.content():
                return None, stored
        expires = int((joined.due + REMINDER_STATE_KEEP).timestamp())
        return Write(kind=Kind.REMINDER_STATE, id=joined.id, doc=joined.content(),
                     prev_version=cur.version if cur else None,
                     created_at=cur.created_at if cur and not cur.deleted else None,
                     expires_at=expires), None

    def put_reminder_state(self, sub: str, state_id: str, body: wire.ReminderStateWire
                           ) -> tuple[wire.ReminderStateWire, int]:
        """Join ``body`` with the stored state. Returns the state as stored and 201 (new),
        200 (changed) or 200 (the join changed nothing: nothing is written, no new
        version, nothing in the change feed)."""
        if body.id.lower() != state_id.lower():
            raise InvalidInput("the id in the body differs from the id in the path")
        _check_state_id(body)
        for _ in range(RETRIES):
            cur = self.storage.get(sub, Kind.REMINDER_STATE, state_id)
            write, same = self._plan_state(cur, body)
            if write is None:
                assert same is not None
                return same, 200
            try:
                [stored] = self.storage.commit(sub, [write], self.clock())
            except Contention:
                continue
            return stored_reminder_state(stored), 201 if cur is None else 200
        raise Conflict("too many concurrent writes to this reminder state; retry")

    def put_reminder_states(self, sub: str, body: wire.ReminderStateBatchRequest
                            ) -> wire.ReminderStateBatchResponse:
        """:meth:`put_reminder_state` for many; a result per item, in request order
        (400 for a wrong id or an id twice in the batch)."""
        results: list[wire.ReminderStateResult | None] = [None] * len(body.items)
        pending: dict[str, tuple[int, wire.ReminderStateWire]] = {}
        for i, st in enumerate(body.items):
            key = st.id.lower()
            try:
                _check_state_id(st)
            except InvalidInput as exc:
                results[i] = wire.ReminderStateResult(id=st.id, status=400, detail=exc.detail)
                continue
            if key in pending:
                results[i] = wire.ReminderStateResult(id=st.id, status=400,
                                                      detail="the same id twice in one batch")
                continue
            pending[key] = (i, st)
        items = list(pending.values())
        for start in range(0, len(items), CHUNK):
            self._states_chunk(sub, items[start:start + CHUNK], results)
        return wire.ReminderStateBatchResponse(results=[r for r in results if r is not None])

    def _states_chunk(self, sub: str, chunk: Sequence[tuple[int, wire.ReminderStateWire]],
                      results: list[wire.ReminderStateResult | None]) -> None:
        for _ in range(RETRIES):
            writes: list[Write] = []
            index: list[tuple[int, int, str]] = []
            current = self.storage.get_many(sub, Kind.REMINDER_STATE, [
                st.id for i, st in chunk if results[i] is None])
            for i, st in chunk:
                if results[i] is not None:
                    continue
                cur = current.get(st.id)
                write, same = self._plan_state(cur, st)
                if write is None:
                    assert same is not None
                    results[i] = wire.ReminderStateResult(id=st.id, status=200,
                                                          version=same.version, item=same)
                    continue
                writes.append(write)
                index.append((i, 201 if cur is None else 200, st.id))
            if not writes:
                return
            try:
                stored = self.storage.commit(sub, writes, self.clock())
            except Contention:
                continue
            for (i, status, state_id), s in zip(index, stored, strict=True):
                item = stored_reminder_state(s)
                results[i] = wire.ReminderStateResult(id=state_id, status=status,
                                                      version=item.version, item=item)
            return
        raise Conflict("too many concurrent writes; retry the batch")
