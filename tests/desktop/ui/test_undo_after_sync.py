"""Undo after a pull never silently overwrites what was pulled: undo is a new edit made on
the current state, merged like any sync change."""

from __future__ import annotations

from datetime import timedelta

from aurora_core.model import Event
from aurora_core.recurrence import SeriesChange
from aurora_desktop.store import Store
from tests.helpers.ui import TODAY, at, put


def _pull(store: Store, event: Event) -> None:
    """What a sync worker does: another connection writes through the remote path."""
    other = Store(store.path)
    other._put_many([event], set(), None, True, local=False)  # the remote path
    other.close()


def test_undo_reverts_my_change_and_keeps_what_another_desktop_changed(
        make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    w = make_window("week")
    ev = put(store, "Planning", at(TODAY, 10))
    assert w.controller.run(SeriesChange(upserts=[ev.replace(title="Planning v2")]), "Rename")
    _pull(store, store.get_event(ev.id).replace(location="Room 4"))
    w.undo_stack.undo()
    now = store.get_event(ev.id)
    assert (now.title, now.location) == ("Planning", "Room 4")
    w.undo_stack.redo()
    now = store.get_event(ev.id)
    assert (now.title, now.location) == ("Planning v2", "Room 4")


def test_undo_of_a_part_someone_else_changed_since_keeps_theirs(
        make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    w = make_window("week")
    ev = put(store, "Retro", at(TODAY, 15))
    assert w.controller.run(SeriesChange(upserts=[ev.replace(title="Retro (short)")]), "Rename")
    _pull(store, store.get_event(ev.id).replace(title="Retro (cancelled?)"))
    w.undo_stack.undo()
    assert store.get_event(ev.id).title == "Retro (cancelled?)"


def test_undo_of_a_create_does_not_delete_what_another_desktop_edited_since(
        make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    w = make_window("week")
    start = at(TODAY, 14)
    new = Event.new(store.default_calendar().id, "Call", start,
                    type(start)(start.at + timedelta(hours=1), start.tz))
    assert w.controller.run(SeriesChange(upserts=[new]), "Create")
    _pull(store, store.get_event(new.id).replace(notes="agenda from Bob"))
    w.undo_stack.undo()
    assert store.get_event(new.id).notes == "agenda from Bob"  # an edit beats a delete


def test_without_a_sync_in_between_undo_is_plain_undo(make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    w = make_window("week")
    ev = put(store, "Review", at(TODAY, 9))
    assert w.controller.run(SeriesChange(upserts=[ev.replace(title="Review!", location="A")]),
                            "Edit")
    w.undo_stack.undo()
    back = store.get_event(ev.id)
    assert (back.title, back.location) == ("Review", "")
    w.undo_stack.redo()
    assert store.get_event(ev.id).title == "Review!"
