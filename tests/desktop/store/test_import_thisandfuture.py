"""A RANGE=THISANDFUTURE override and its series in two imports into one calendar
give what one file with both gives (issue 11; docs/import.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aurora_core.ical import parse_ics, to_ics
from aurora_core.model import Calendar, Event
from aurora_desktop.store import Store
from tests.helpers.stores import make_store

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Aurora tests//EN\r\n"
TAIL = "END:VCALENDAR\r\n"
MASTER = (
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20240101T000000Z\r\nSEQUENCE:1\r\n"
    "DTSTART;TZID=Europe/Berlin:20240603T090000\r\nDTEND;TZID=Europe/Berlin:20240603T100000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=6\r\nSUMMARY:Team sync\r\nATTENDEE;CN=Ann:mailto:ann@example.org\r\n"
    "X-SERIES-ONLY:master\r\nEND:VEVENT\r\n"
    # an override after the split moves to the new series
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20240101T000000Z\r\nSEQUENCE:1\r\n"
    "RECURRENCE-ID;TZID=Europe/Berlin:20240701T090000\r\n"
    "DTSTART;TZID=Europe/Berlin:20240701T110000\r\nDTEND;TZID=Europe/Berlin:20240701T120000\r\n"
    "SUMMARY:Team sync (late)\r\nEND:VEVENT\r\n")
ORPHAN = (
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20240101T000000Z\r\nSEQUENCE:2\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20240617T090000\r\n"
    "DTSTART;TZID=Europe/Berlin:20240617T140000\r\nDTEND;TZID=Europe/Berlin:20240617T150000\r\n"
    "SUMMARY:Team sync (afternoons)\r\nLOCATION:Room 2\r\n"
    "ATTENDEE;CN=Bob:mailto:bob@example.org\r\nX-OVERRIDE-ONLY:afternoons\r\nEND:VEVENT\r\n")
BOTH = HEAD + MASTER + ORPHAN + TAIL
MASTER_FILE = HEAD + MASTER + TAIL
ORPHAN_FILE = HEAD + ORPHAN + TAIL


def occurrences(store: Store) -> list[tuple[str, str, str, str, str]]:
    occs = store.occurrences(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 9, 1, tzinfo=UTC),
                             UTC)
    return sorted((o.key, repr(o.start), repr(o.end), o.event.title, o.event.location)
                  for o in occs)


def state(store: Store) -> dict[str, Event]:
    return {e.id: e for e in store.events()}


def in_no_calendar(events: dict[str, Event]) -> dict[str, Event]:
    """The events as two stores can compare them."""
    return {k: e.replace(calendar_id="cal") for k, e in events.items()}


def imported(store: Store, text: str) -> None:
    cal = store.default_calendar()
    result = parse_ics(text, calendar_id=cal.id)
    assert result.skipped == []
    store.import_events(result.events)


def test_series_imported_after_its_this_and_future_override_is_split_there(
        tmp_path: Path) -> None:
    with make_store(tmp_path / "one.sqlite3", NOW) as one, \
            make_store(tmp_path / "two.sqlite3", NOW) as two:
        imported(one, BOTH)
        imported(two, ORPHAN_FILE)
        # alone, the override is a change of its one instance, shown on its own
        assert [t for _k, _s, _e, t, _l in occurrences(two)] == ["Team sync (afternoons)"]
        imported(two, MASTER_FILE)
        assert occurrences(two) == occurrences(one)
        assert [t for _k, _s, _e, t, _l in occurrences(two)] == [
            "Team sync", "Team sync", "Team sync (afternoons)", "Team sync (afternoons)",
            "Team sync (late)", "Team sync (afternoons)"]
        # the standalone override was replaced, not kept beside the new series
        assert sorted(state(two)) == sorted(state(one))
        assert in_no_calendar(state(two)) == in_no_calendar(state(one))
        # the new series has the override's own lines, not the series'
        tail = next(e for e in state(two).values()
                    if e.uid.startswith("weekly@example.org/from-") and e.recurrence_id is None)
        assert "X-OVERRIDE-ONLY:afternoons" in tail.extra
        assert "ATTENDEE;CN=Bob:mailto:bob@example.org" in tail.extra
        assert not any("X-SERIES-ONLY" in x or "ann@" in x for x in tail.extra)


def test_override_imported_after_its_series_splits_it(tmp_path: Path) -> None:
    with make_store(tmp_path / "one.sqlite3", NOW) as one, \
            make_store(tmp_path / "two.sqlite3", NOW) as two:
        imported(one, BOTH)
        imported(two, MASTER_FILE)
        imported(two, ORPHAN_FILE)
        assert occurrences(two) == occurrences(one)
        assert in_no_calendar(state(two)) == in_no_calendar(state(one))


def test_series_imported_again_alone_after_one_file_is_split_again(tmp_path: Path) -> None:
    with make_store(tmp_path / "one.sqlite3", NOW) as one:
        imported(one, BOTH)
        before, occ = state(one), occurrences(one)
        imported(one, MASTER_FILE)  # e.g. the organiser's file without the change
        assert occurrences(one) == occ
        assert state(one) == before


def test_importing_both_files_again_changes_nothing(tmp_path: Path) -> None:
    with make_store(tmp_path / "two.sqlite3", NOW) as two:
        imported(two, ORPHAN_FILE)
        imported(two, MASTER_FILE)
        before, occ = state(two), occurrences(two)
        for text in (ORPHAN_FILE, MASTER_FILE, MASTER_FILE, ORPHAN_FILE, BOTH):
            imported(two, text)
            assert occurrences(two) == occ, text[-200:]
            assert state(two) == before
        cal = two.default_calendar()
        for text in (ORPHAN_FILE, MASTER_FILE):  # said so: one event, unchanged
            counts = two.import_events(parse_ics(text, calendar_id=cal.id).events)
            assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 1)


def test_an_override_kept_for_its_series_survives_export_and_reimport(tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as a, \
            make_store(tmp_path / "b.sqlite3", NOW) as b:
        imported(a, ORPHAN_FILE)
        exported = to_ics(a.events()).decode()
        assert "RANGE=THISANDFUTURE" not in exported  # other calendars see one instance
        assert "X-AURORA-RANGE:THISANDFUTURE" in exported
        again = parse_ics(exported, calendar_id=b.default_calendar().id)
        assert again.warnings == []  # said at the first import
        b.import_events(again.events)
        imported(b, MASTER_FILE)
        with make_store(tmp_path / "one.sqlite3", NOW) as one:
            imported(one, BOTH)
            assert occurrences(b) == occurrences(one)


def test_a_split_made_by_a_later_import_is_made_again_when_the_series_changes(
        tmp_path: Path) -> None:
    with make_store(tmp_path / "two.sqlite3", NOW) as two, \
            make_store(tmp_path / "one.sqlite3", NOW) as one:
        imported(two, ORPHAN_FILE)
        imported(two, MASTER_FILE)
        renamed = MASTER_FILE.replace("SUMMARY:Team sync\r\n", "SUMMARY:Weekly sync\r\n")
        imported(two, renamed)
        imported(one, HEAD + MASTER.replace("SUMMARY:Team sync\r\n", "SUMMARY:Weekly sync\r\n")
                 + ORPHAN + TAIL)
        assert occurrences(two) == occurrences(one)


def test_another_calendar_is_not_joined(tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        work = store.default_calendar()
        other = Calendar(id="other-calendar", name="Other")
        store.put_calendar(other)
        store.import_events(parse_ics(ORPHAN_FILE, calendar_id=work.id).events)
        store.import_events(parse_ics(MASTER_FILE, calendar_id=other.id).events)
        by_cal = sorted((e.calendar_id == work.id, e.uid, e.recurrence_id is not None)
                        for e in store.events())
        assert by_cal == [(False, "weekly@example.org", False),
                          (False, "weekly@example.org", True),
                          (True, "weekly@example.org", True)]


def test_an_override_of_an_instance_the_series_lacks_stays_as_it_is(tmp_path: Path) -> None:
    # 18 June is not a Monday: no instance of the series there
    lacking = ORPHAN_FILE.replace("20240617T090000\r\nDTSTART", "20240618T090000\r\nDTSTART")
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        imported(store, lacking)
        orphan = state(store)
        imported(store, MASTER_FILE)
        after = state(store)
        assert set(orphan) <= set(after)  # the override is still there, unchanged
        assert all(after[k] == v for k, v in orphan.items())
        assert not any("/from-" in e.uid for e in after.values())
        titles = [t for _k, _s, _e, t, _l in occurrences(store)]
        assert titles.count("Team sync") == 5 and "Team sync (late)" in titles
        assert "Team sync (afternoons)" in titles
