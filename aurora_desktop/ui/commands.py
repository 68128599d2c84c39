"""Undoable store edits.

Every edit is a :class:`SeriesChange` applied to the store. The command
remembers how each touched event looked before, so undo writes those back
and deletes what the edit created; redo applies the change again.
"""

from __future__ import annotations

import contextlib

from aurora_core.model import Event
from aurora_core.recurrence import SeriesChange
from aurora_desktop.qt import QtGui
from aurora_desktop.store import Store


class StoreCommand(QtGui.QUndoCommand):
    """One edit. Build it with :meth:`prepare` *before* applying the change.

    The controller applies the change itself (so errors reach the user) and
    then pushes the command; the first ``redo()`` Qt makes on push is skipped.
    """

    def __init__(self, store: Store, change: SeriesChange, before: list[Event],
                 text: str) -> None:
        super().__init__(text)
        self.store = store
        self.change = change
        self.before = before
        self._skip_redo = True

    @classmethod
    def prepare(cls, store: Store, change: SeriesChange, text: str) -> StoreCommand:
        before: list[Event] = []
        seen: set[str] = set()
        for ev in (*change.upserts, *change.deletes):
            if ev.id in seen:
                continue
            seen.add(ev.id)
            with contextlib.suppress(KeyError):
                before.append(store.get_event(ev.id))
        return cls(store, change, before, text)

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.store.apply(self.change)

    def undo(self) -> None:
        before_ids = {e.id for e in self.before}
        created = [e for e in self.change.upserts if e.id not in before_ids]
        # Restore overrides after their master so the series is rebuilt whole.
        restore = sorted(self.before, key=lambda e: e.recurrence_id is not None)
        self.store.apply(SeriesChange(upserts=restore, deletes=created))
