"""Undoable store edits.

Every edit is a :class:`SeriesChange` applied to the store. The command
remembers how each touched event looked before and after. Undo and redo are
new local edits made on the *current* state: if a sync changed an event since
(another desktop's edit was pulled), undo reverts only what this command
changed and keeps what was pulled — a three-way merge of "after" (the base),
"before" (ours) and the current event (theirs), the same merge sync uses. A
part changed both by the command and by someone else keeps the other's value,
and ``skipped`` says so; an event edited elsewhere is never deleted by an
undo (an edit beats a delete). Without a pull in between this is exactly
"write the old values back".
"""

from __future__ import annotations

import contextlib

from aurora_core.model import Event
from aurora_core.recurrence import SeriesChange
from aurora_desktop.qt import QtGui
from aurora_desktop.store import Store

# The notice after an edit says what was done, in the past tense (ui/undo_notice.py).
_DONE = {"Create": "Created", "Edit": "Saved", "Move": "Moved", "Resize": "Resized",
         "Delete": "Deleted"}


def done_text(text: str) -> str:
    """'Delete “Lunch”' -> 'Deleted “Lunch”' (the notice shown after an edit)."""
    verb, sep, rest = text.partition(" ")
    return f"{_DONE.get(verb, verb)}{sep}{rest}" if verb in _DONE else text


def again_text(text: str, undone: bool) -> str:
    """'Undone: delete “Lunch”' / 'Redone: delete “Lunch”'."""
    return f"{'Undone' if undone else 'Redone'}: {text[:1].lower()}{text[1:]}"


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
        before = {e.id: e for e in self.before}
        upserts = [self._onto_current(before.get(ev.id), ev) for ev in self.change.upserts]
        deletes = [ev for ev in self.change.deletes if self._unchanged_since(before.get(ev.id))]
        self.store.apply(SeriesChange(upserts=[e for e in upserts if e is not None],
                                      deletes=deletes, handed_over=self.change.handed_over))
        self._after = {e.id: e for e in self.change.upserts}

    def undo(self) -> None:
        after = getattr(self, "_after", None) or {e.id: e for e in self.change.upserts}
        before_ids = {e.id for e in self.before}
        created = [e for e in self.change.upserts if e.id not in before_ids]
        # Restore overrides after their master so the series is rebuilt whole.
        restore = sorted(self.before, key=lambda e: e.recurrence_id is not None)
        upserts = [self._onto_current(after.get(ev.id), ev) for ev in restore]
        deletes = [ev for ev in created if self._unchanged_since(after.get(ev.id))]
        self.store.apply(SeriesChange(upserts=[e for e in upserts if e is not None],
                                      deletes=deletes))

    # ------------------------------------------------------------ on current

    skipped: list[str]

    def _current(self, event_id: str) -> Event | None:
        try:
            return self.store.get_event(event_id)
        except KeyError:
            return None

    def _unchanged_since(self, known: Event | None) -> bool:
        """True when the event is still what this command knew (nobody edited it since)."""
        if known is None:
            return True
        current = self._current(known.id)
        return current is None or _content(current) == _content(known)

    def _onto_current(self, base: Event | None, target: Event) -> Event | None:
        """``target`` applied on the current event: only what differs from ``base``."""
        from aurora_core import merge, wire

        current = self._current(target.id)
        if base is None or current is None or _content(current) == _content(base):
            return target
        result = merge.merge_event(_content(base), _content(target), _content(current))
        if not hasattr(self, "skipped"):
            self.skipped = []
        self.skipped.extend(f"{target.title}: {c.unit}" for c in result.conflicts)
        if result.merged is None:
            return None
        return wire.event_from_wire(wire.EventWire.model_validate(result.merged))


def _content(ev: Event) -> dict[str, object]:
    from aurora_core import merge, wire

    return merge.normalize_event(wire.event_to_wire(ev).content()) or {}
