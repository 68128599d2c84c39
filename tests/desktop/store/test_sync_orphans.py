"""Overrides a series no longer names after a pull are kept and flagged "orphaned"
(docs/merge.md): also when the other side took the series' rule away, so that the
series no longer repeats and every override stands alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aurora_core import wire
from aurora_core.model import Event
from aurora_core.recurrence import edit_occurrence
from aurora_desktop.store import ApplyReport, Store
from tests.helpers.stores import make_store
from tests.helpers.times import zoned

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ACCOUNT = "https://aurora.example|me"


def _synced(store: Store, *events: Event) -> None:
    """``events`` written here and confirmed by the server as version 1."""
    store.put_events(list(events))
    ids = {e.id for e in events}
    store.confirm_written([(o, 1) for o in store.outgoing(ACCOUNT) if o.id in ids])


def _remote(ev: Event, version: int, **content: Any) -> wire.EventWire:
    return wire.EventWire.model_validate({**wire.event_to_wire(ev).content(), **content,
                                          "version": version})


def _series(store: Store) -> tuple[Event, Event]:
    store.set_current_account(ACCOUNT)
    store.adopt_local_calendars(ACCOUNT)
    master = Event.new(store.default_calendar().id, "Weekly", zoned(2026, 12, 1, 9, tz="UTC"),
                       zoned(2026, 12, 1, 10, tz="UTC"), rrule="FREQ=WEEKLY;COUNT=4")
    (override,) = edit_occurrence(master, [], zoned(2026, 12, 8, 9, tz="UTC"),
                                  title="Weekly (moved)", start=zoned(2026, 12, 8, 14, tz="UTC"),
                                  end=zoned(2026, 12, 8, 15, tz="UTC")).upserts
    _synced(store, master, override)
    # A local edit of the master, not sent yet: the pull merges it with the server's.
    store.put_event(master.replace(notes="agenda: see wiki"))
    return master, override


def _orphans(store: Store) -> list[str]:
    return [c.id for c in store.conflicts(ACCOUNT) if c.unit == "orphaned"]


def test_the_overrides_of_a_series_whose_rule_was_taken_away_are_flagged(
        tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        master, override = _series(store)
        report = ApplyReport()
        store.apply_remote_page(ACCOUNT, None, cursor=None, report=report,
                                items=[("event", _remote(master, 2, rrule=None))])
        assert store.get_event(master.id).rrule is None  # type: ignore[union-attr]
        assert store.get_event(master.id).notes == "agenda: see wiki"  # type: ignore[union-attr]
        assert _orphans(store) == [override.id]
        # Kept, and shown on its own beside the master that no longer repeats.
        shown = store.occurrences(datetime(2026, 12, 1, tzinfo=UTC),
                                  datetime(2026, 12, 31, tzinfo=UTC), UTC)
        assert [o.event.title for o in shown] == ["Weekly", "Weekly (moved)"]


def test_a_rule_that_still_names_the_override_flags_nothing(tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        master, _ = _series(store)
        store.apply_remote_page(ACCOUNT, None, cursor=None, report=ApplyReport(),
                                items=[("event", _remote(master, 2,
                                                         rrule="FREQ=WEEKLY;COUNT=6"))])
        assert _orphans(store) == []


def test_an_override_of_an_rdate_taken_away_is_flagged(tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        store.set_current_account(ACCOUNT)
        store.adopt_local_calendars(ACCOUNT)
        extra = zoned(2026, 12, 3, 9, tz="UTC")
        master = Event.new(store.default_calendar().id, "Weekly",
                           zoned(2026, 12, 1, 9, tz="UTC"), zoned(2026, 12, 1, 10, tz="UTC"),
                           rrule="FREQ=WEEKLY;COUNT=4", rdates=(extra,))
        (override,) = edit_occurrence(master, [], extra, title="Extra (moved)").upserts
        _synced(store, master, override)
        store.put_event(master.replace(notes="agenda: see wiki"))
        store.apply_remote_page(ACCOUNT, None, cursor=None, report=ApplyReport(),
                                items=[("event", _remote(master.replace(rdates=()), 2))])
        assert _orphans(store) == [override.id]
