"""The one import routine and the one export routine (aurora_desktop/transfer.py), which
both the command line and the window run."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from aurora_core.model import Calendar, Event, ZonedTime, new_id
from aurora_desktop.store import Store
from aurora_desktop.transfer import ReadOnlyCalendar, export_data, export_file, import_file


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "data" / "calendar.sqlite3")
    yield s
    s.close()


def _put(store: Store, title: str, hour: int, calendar_id: str | None = None, **kw: object) -> Event:
    start = ZonedTime.from_local(datetime(2026, 12, 7, hour), "Europe/Berlin")
    end = ZonedTime.from_local(datetime(2026, 12, 7, hour + 1), "Europe/Berlin")
    cal = calendar_id or store.default_calendar().id
    return store.put_event(Event.new(cal, title, start, end, **kw))  # type: ignore[arg-type]


def test_export_then_import_is_nothing_new_and_into_a_fresh_store_is_the_same_events(
        store: Store, tmp_path: Path) -> None:
    _put(store, "Standup", 9, rrule="FREQ=DAILY;COUNT=5")
    _put(store, "Lunch", 12)
    out = tmp_path / "all.ics"
    report = export_file(store, out)
    assert report.count == 2 and report.text == "2 events"
    # The inverse: importing what was exported changes nothing.
    again = import_file(store, out, store.default_calendar().id)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    with Store(tmp_path / "other.sqlite3") as other:
        fresh = Calendar(new_id(), "Copy", "#10b981")
        into = import_file(other, out, fresh)
        assert into.counts.new == 2 and into.into == fresh
        assert sorted(e.title for e in other.events(fresh.id)) == ["Lunch", "Standup"]


def test_progress_reports_reading_then_saving(store: Store, tmp_path: Path) -> None:
    _put(store, "Standup", 9)
    out = tmp_path / "a.ics"
    export_file(store, out)
    phases: list[str] = []
    with Store(tmp_path / "b.sqlite3") as other:
        import_file(other, out, other.default_calendar().id,
                    progress=lambda phase, _done, _total: phases.append(phase))
    assert phases and phases[0] == "Reading" and phases[-1] == "Saving"
    assert phases == sorted(phases)  # all the reading comes before any saving


def test_a_new_calendar_is_made_only_if_anything_goes_into_it(
        store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n")
    fresh = Calendar(new_id(), "Nothing", "#10b981")
    report = import_file(store, empty, fresh)
    assert report.counts.total == 0
    assert [c.name for c in store.calendars()] == ["Personal"]


def test_import_refuses_a_read_only_calendar_and_a_gone_one(
        store: Store, tmp_path: Path) -> None:
    _put(store, "Standup", 9)
    out = tmp_path / "a.ics"
    export_file(store, out)
    feed = Calendar(new_id(), "Feed", "#10b981", read_only=True)
    store.put_calendar(feed)
    with pytest.raises(ReadOnlyCalendar, match="calendar 'Feed' is read-only"):
        import_file(store, out, feed.id)
    with pytest.raises(KeyError):
        import_file(store, out, new_id())
    with pytest.raises(FileNotFoundError):
        import_file(store, tmp_path / "missing.ics", store.default_calendar().id)


def test_export_of_one_calendar_names_it_and_of_a_gone_one_fails(store: Store) -> None:
    work = Calendar(new_id(), "Work", "#10b981")
    store.put_calendar(work)
    _put(store, "Review", 10, calendar_id=work.id)
    _put(store, "Private", 11)
    data, events = export_data(store, work.id)
    assert [e.title for e in events] == ["Review"]
    assert b"X-WR-CALNAME:Work" in data and b"Private" not in data
    with pytest.raises(KeyError):
        export_data(store, new_id())


def test_a_failed_write_keeps_the_old_file_and_leaves_no_part(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _put(store, "Standup", 9)
    out = tmp_path / "kept.ics"
    out.write_bytes(b"before")
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:  # type: ignore[override]
        real(self, data[:5])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match="No space left on device"):
        export_file(store, out)
    monkeypatch.undo()
    assert out.read_bytes() == b"before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "kept.ics"]


def test_a_read_only_file_is_not_replaced(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "locked.ics"
    out.write_bytes(b"before")
    out.chmod(0o444)
    with pytest.raises(PermissionError) as caught:
        export_file(store, out)
    assert caught.value.strerror == "the file is read-only"
    assert out.read_bytes() == b"before"
    out.chmod(0o644)
    export_file(store, out)  # writable again: replaced
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
