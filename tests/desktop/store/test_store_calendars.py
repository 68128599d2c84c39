"""Which calendar an event goes in when none is named: reading it never adds one."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_core.model import Calendar, new_id
from aurora_desktop.store import DEFAULT_CALENDAR_NAME, Store, StoreError


def _only_read_only(tmp_path: Path) -> Store:
    store = Store(tmp_path / "aurora.sqlite3")
    for cal in store.calendars():
        store.delete_calendar(cal.id)
    # A subscription's calendar, under the name a new default calendar would take.
    store.put_calendar(Calendar(new_id(), DEFAULT_CALENDAR_NAME, read_only=True))
    return store


def test_default_calendar_is_the_first_writable_one(tmp_path: Path) -> None:
    with Store(tmp_path / "aurora.sqlite3") as store:
        first = store.default_calendar()
        assert not first.read_only
        assert store.default_calendar_or_new() == first
        assert len(store.calendars()) == 1


def test_reading_the_default_calendar_never_writes(tmp_path: Path) -> None:
    with _only_read_only(tmp_path) as store:
        before = store.calendars()
        with pytest.raises(StoreError, match="no calendar to add events to"):
            store.default_calendar()
        assert store.calendars() == before


def test_default_calendar_or_new_makes_one_under_a_free_name(tmp_path: Path) -> None:
    with _only_read_only(tmp_path) as store:
        made = store.default_calendar_or_new()
        assert not made.read_only and made.name != DEFAULT_CALENDAR_NAME
        assert store.default_calendar_or_new() == made == store.default_calendar()
        assert len(store.calendars()) == 2
