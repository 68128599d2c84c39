"""Turns user intents (create, edit, move, resize, delete) into store edits on the undo stack.

Series occurrences ask which part of the series to change through
``ask_scope`` (a callable the window sets; tests replace it). Errors from
the store or validation reach ``report_error`` as a message, never a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from aurora_core.defaults import NO_TITLE
from aurora_core.model import (
    AllDayDate,
    Event,
    Occurrence,
    ValidationError,
    time_key,
)
from aurora_core.recurrence import (
    SeriesChange,
    delete_following,
    delete_occurrence,
    edit_all,
    edit_occurrence,
    split_series,
)
from aurora_core.series import moved_series_times
from aurora_core.times import DisplayZone, difference
from aurora_desktop.qt import QtCore, QtGui
from aurora_desktop.store import Store, StoreError
from aurora_desktop.ui.commands import StoreCommand

log = logging.getLogger("aurora.ui.controller")

Scope = Literal["this", "following", "all"]


class Controller(QtCore.QObject):
    """Edits through the undo stack. ``changed(event_id)`` after each successful edit."""

    edited = QtCore.Signal(str)

    def __init__(self, store: Store, undo: QtGui.QUndoStack, zone: DisplayZone,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo = undo
        self.zone = zone
        self.ask_scope: Callable[[str, bool], Scope | None] = lambda _verb, _following: "this"
        self.report_error: Callable[[str], None] = lambda msg: log.warning("%s", msg)

    # -------------------------------------------------------------- basics
    def run(self, change: SeriesChange, text: str) -> bool:
        """Apply ``change`` and push it on the undo stack; False (and a message) on failure."""
        try:
            cmd = StoreCommand.prepare(self.store, change, text)
            self.store.apply(change)
        except ValidationError as exc:
            self.report_error(f"Cannot {text.lower()}: {exc}")
            return False
        except StoreError as exc:
            self.report_error(f"The calendar database cannot be written: {exc}")
            return False
        self.undo.push(cmd)
        if change.upserts:
            self.edited.emit(change.upserts[-1].id)
        return True

    def create(self, event: Event) -> bool:
        return self.run(SeriesChange(upserts=[event]), f"Create “{_short(event.title)}”")

    def series_of(self, occ: Occurrence) -> tuple[Event | None, list[Event]]:
        return self.store.series(occ.event.uid)

    def is_series(self, occ: Occurrence) -> bool:
        return occ.recurrence_id is not None

    # ---------------------------------------------------------------- edit
    def update(self, occ: Occurrence, new: Event, scope: Scope | None = None) -> bool:
        """Save the editor's ``new`` version of ``occ`` (fields taken from ``new``)."""
        text = f"Edit “{_short(new.title)}”"
        if not self.is_series(occ):
            if _unchanged(occ, new, occ.event.rrule):
                return True  # Save on an untouched event: nothing to do, undo or say
            return self.run(SeriesChange(upserts=[new.replace(id=occ.event.id,
                                                              uid=occ.event.uid)]), text)
        master, overrides = self.series_of(occ)
        if master is None:
            return self.run(SeriesChange(upserts=[new]), text)
        if _unchanged(occ, new, master.rrule):
            return True
        scope = scope or self.ask_scope("edit", _can_follow(master, occ))
        if scope is None:
            return False
        return self._run_series_edit(master, overrides, occ, scope, _fields(new), new.rrule, text)

    def scope_for_edit(self, occ: Occurrence, new: Event) -> Scope | None:
        """Which part of a series the editor's ``new`` changes, asked now (None: Cancel);
        "this" without a question for a single event or an unchanged occurrence."""
        if not self.is_series(occ):
            return "this"
        master, _ = self.series_of(occ)
        if master is None or _unchanged(occ, new, master.rrule):
            return "this"
        return self.ask_scope("edit", _can_follow(master, occ))

    def _series_change(self, master: Event, overrides: list[Event], occ: Occurrence,
                       scope: Scope, fields: dict[str, Any], rrule: str | None) -> SeriesChange:
        rid = occ.recurrence_id
        assert rid is not None
        if scope == "this":
            fields.pop("rrule", None)
            return edit_occurrence(master, overrides, rid, **fields)
        if scope == "following":
            fields["rrule"] = rrule
            return split_series(master, overrides, rid, **fields)
        # all: move the series by as much as this occurrence moved
        new_start, new_end = fields.pop("start"), fields.pop("end")
        fields["rrule"] = rrule
        start, end = moved_series_times(master.start, occ.start, new_start, new_end)
        return edit_all(master, overrides, start=start, end=end, **fields)

    def _run_series_edit(self, master: Event, overrides: list[Event], occ: Occurrence,
                         scope: Scope, fields: dict[str, Any], rrule: str | None,
                         text: str) -> bool:
        """Turn a scoped edit of a series into a change and run it (undoably)."""
        try:
            change = self._series_change(master, overrides, occ, scope, fields, rrule)
        except ValidationError as exc:
            self.report_error(f"Cannot {text.lower()}: {exc}")
            return False
        return self.run(change, text)

    # ---------------------------------------------------------- move/resize
    def move(self, occ: Occurrence, wall_start: datetime, wall_end: datetime) -> bool:
        """Move or resize ``occ`` to [wall_start, wall_end) (user's wall clock)."""
        # A New York meeting moved in Berlin stays a New York meeting (DisplayZone.time_at).
        start = self.zone.time_at(wall_start, occ.start)
        end = self.zone.time_at(wall_end, occ.end)
        if isinstance(start, AllDayDate) and isinstance(end, AllDayDate) and end.day <= start.day:
            end = AllDayDate(start.day + timedelta(days=1))
        resized = difference(occ.start, occ.end) != difference(start, end)
        text = f"{'Resize' if resized else 'Move'} “{_short(occ.event.title)}”"
        if not self.is_series(occ):
            return self.run(SeriesChange(upserts=[occ.event.replace(start=start, end=end)]), text)
        master, overrides = self.series_of(occ)
        if master is None:
            return False
        scope = self.ask_scope("move" if not resized else "resize", _can_follow(master, occ))
        if scope is None:
            return False
        return self._run_series_edit(master, overrides, occ, scope, {"start": start, "end": end},
                                     master.rrule, text)

    # --------------------------------------------------------------- delete
    def delete(self, occ: Occurrence, scope: Scope | None = None) -> bool:
        text = f"Delete “{_short(occ.event.title)}”"
        if not self.is_series(occ):
            return self.run(SeriesChange(deletes=[occ.event]), text)
        master, overrides = self.series_of(occ)
        if master is None:
            return self.run(SeriesChange(deletes=[occ.event]), text)
        scope = scope or self.ask_scope("delete", _can_follow(master, occ))
        if scope is None:
            return False
        rid = occ.recurrence_id
        assert rid is not None
        try:
            if scope == "this":
                change = delete_occurrence(master, overrides, rid)
            elif scope == "following":
                change = delete_following(master, overrides, rid)
            else:
                change = SeriesChange(deletes=[master, *overrides])
        except ValidationError as exc:
            self.report_error(f"Cannot {text.lower()}: {exc}")
            return False
        return self.run(change, text)


def _can_follow(master: Event, occ: Occurrence) -> bool:
    """Whether "this and following" differs from "all": not on the series' first occurrence."""
    rid = occ.recurrence_id
    return rid is None or time_key(rid) != time_key(master.start)


def _unchanged(occ: Occurrence, new: Event, rule: str | None) -> bool:
    """Whether ``new`` says what ``occ`` already is (its times, its series' rule)."""
    return _fields(new) == {**_fields(occ.event), "start": occ.start, "end": occ.end,
                            "rrule": rule}


def _fields(ev: Event) -> dict[str, Any]:
    return {
        "title": ev.title, "calendar_id": ev.calendar_id, "start": ev.start, "end": ev.end,
        "location": ev.location, "notes": ev.notes, "reminders": ev.reminders,
        "rrule": ev.rrule,
    }


def _short(title: str) -> str:
    title = title or NO_TITLE
    return title if len(title) <= 40 else title[:39] + "…"
