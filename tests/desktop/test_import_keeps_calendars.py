"""An import never moves an event out of another calendar, and calendar names are unique
(issue 12 review, defects A and F; docs/import.md "Where an import goes")."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_core.counting import Elsewhere, ImportCounts, import_headline
from aurora_core.ical import parse_ics
from aurora_core.model import Calendar, ValidationError, new_id
from aurora_desktop.cli import main
from aurora_desktop.store import Store

WORK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-CALNAME:Work
BEGIN:VEVENT
UID:a@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Planning
DTSTART:20261102T090000Z
DTEND:20261102T100000Z
END:VEVENT
BEGIN:VEVENT
UID:b@example.com
DTSTAMP:20261101T000000Z
SUMMARY:Review
DTSTART:20261103T090000Z
DTEND:20261103T100000Z
END:VEVENT
END:VCALENDAR
"""


def _import(store: Store, text: str, cal_id: str, create: Calendar | None = None) -> ImportCounts:
    return store.import_events(parse_ics(text.encode(), calendar_id=cal_id).events,
                               create=create)


def _where(store: Store) -> dict[str, str]:
    names = {c.id: c.name for c in store.calendars()}
    return {e.title: names[e.calendar_id] for e in store.events()}


def test_reimport_into_another_calendar_updates_in_place(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        personal = store.default_calendar()
        assert _import(store, WORK, personal.id) == ImportCounts(new=2)
        other = Calendar(new_id(), "X")
        store.put_calendar(other)
        counts = _import(store, WORK, other.id)
        assert _where(store) == {"Planning": personal.name, "Review": personal.name}
        assert counts == ImportCounts(elsewhere=(Elsewhere(personal.name, unchanged=2),))
        assert import_headline(counts, "'X'", "work.ics") == (
            "Nothing imported into 'X': 2 events from work.ics were already in 'Personal' "
            "and are unchanged")
        changed = WORK.replace("SUMMARY:Review", "SUMMARY:Review (moved)")
        counts = _import(store, changed, other.id)
        assert _where(store) == {"Planning": personal.name, "Review (moved)": personal.name}
        assert counts.elsewhere == (Elsewhere(personal.name, updated=1, unchanged=1),)
        assert "1 updated there, 1 unchanged" in import_headline(counts, "'X'")
        assert store.count_events(other.id) == 0


def test_new_events_go_to_the_target_and_known_ones_stay(tmp_path: Path) -> None:
    more = WORK.replace("END:VCALENDAR", "BEGIN:VEVENT\nUID:c@example.com\nDTSTAMP:20261101T0"
                        "00000Z\nSUMMARY:Offsite\nDTSTART;VALUE=DATE:20261110\nEND:VEVENT\n"
                        "END:VCALENDAR")
    with Store(tmp_path / "db.sqlite3") as store:
        personal = store.default_calendar()
        _import(store, WORK, personal.id)
        fresh = Calendar(new_id(), "Team")
        counts = _import(store, more, fresh.id, create=fresh)
        assert _where(store) == {"Planning": "Personal", "Review": "Personal", "Offsite": "Team"}
        assert import_headline(counts, "'Team'") == (
            "Imported 1 event into 'Team'; 2 events were already in 'Personal' and are "
            "unchanged")
        assert counts.total == 3


def test_a_new_calendar_is_not_made_when_nothing_goes_into_it(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        _import(store, WORK, store.default_calendar().id)
        fresh = Calendar(new_id(), "Work")
        _import(store, WORK, fresh.id, create=fresh)
        assert [c.name for c in store.calendars()] == ["Personal"]


def test_cli_import_into_another_calendar_does_not_empty_the_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(WORK)
    data = ["--data-dir", str(tmp_path)]
    assert main(["import", str(ics), "--calendar", "Personal", *data]) == 0
    capsys.readouterr()
    assert main(["import", str(ics), "--calendar", "X", *data]) == 0
    out = capsys.readouterr().out
    assert out == ("Nothing imported into 'X': 2 events were already in 'Personal' and are "
                   "unchanged.\n")
    with Store(tmp_path / "aurora.sqlite3") as store:
        assert set(_where(store).values()) == {"Personal"}
        assert [c.name for c in store.calendars()] == ["Personal"]  # no empty 'X' left


def test_same_file_again_into_its_own_calendar_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(WORK)
    data = ["--data-dir", str(tmp_path)]
    assert main(["import", str(ics), "--calendar", "Work", *data]) == 0
    assert main(["import", str(ics), "--calendar", "work ", *data]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Imported 2 events into 'Work'.",
                   "Nothing changed: 2 events were already in 'Work'."]


# ---------------------------------------------------------------- F: unique names


def test_store_refuses_a_duplicate_name_and_a_rename_to_one(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        family = Calendar(new_id(), "Family")
        store.put_calendar(family)
        with pytest.raises(ValidationError, match="A calendar named 'Family' already exists"):
            store.put_calendar(Calendar(new_id(), " family "))
        work = Calendar(new_id(), "Work")
        store.put_calendar(work)
        with pytest.raises(ValidationError, match="already exists"):
            store.put_calendar(Calendar(work.id, "FAMILY", work.color))
        store.put_calendar(Calendar(family.id, "family", family.color))  # its own name: fine
        assert sorted(c.name for c in store.calendars()) == ["Personal", "Work", "family"]


def _legacy_duplicate(store: Store, name: str) -> Calendar:
    """Two calendars of one name, as an older version or sync left them."""
    cal = Calendar(new_id(), name)
    with store._tx() as touched:
        store._write_calendar(cal, touched, local=False)
    return cal


def test_cli_refuses_to_create_a_duplicate_and_to_guess_between_two(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(WORK)
    data = ["--data-dir", str(tmp_path)]
    with Store(tmp_path / "aurora.sqlite3") as store:
        store.put_calendar(Calendar(new_id(), "Family"))
        dup = _legacy_duplicate(store, "Family")
        store.put_calendar(Calendar(dup.id, "Family", dup.color, visible=False))  # still usable
    capsys.readouterr()
    for argv in (["import", str(ics), "--calendar", "family"],
                 ["list", "--calendar", "Family", "--from", "2026-11-01"],
                 ["export", "--calendar", "Family", "-o", str(tmp_path / "o.ics")]):
        assert main([*argv, *data]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "2 calendars are named 'Family'" in err, err
    with Store(tmp_path / "aurora.sqlite3") as store:
        assert store.count_events() == 0


def test_subscriptions_keep_names_unique(tmp_path: Path) -> None:
    from aurora_desktop.subscriptions import subscribe
    from aurora_desktop.subscriptions.fetch import Fetched

    feed = WORK.encode()

    def fetcher(url: str, **_k: object) -> Fetched:
        return Fetched(body=feed, etag=None, last_modified=None, url=url)

    with Store(tmp_path / "db.sqlite3") as store:
        store.put_calendar(Calendar(new_id(), "Team"))
        with pytest.raises(ValidationError, match="A calendar named 'Team' already exists"):
            subscribe(store, "https://example.org/a.ics", "team", fetcher=fetcher)
        first = subscribe(store, "https://example.org/b.ics", fetcher=fetcher).calendar
        second = subscribe(store, "https://example.org/c.ics", fetcher=fetcher).calendar
        assert (first.name, second.name) == ("Work", "Work (2)")


def test_the_default_calendar_made_beside_read_only_ones_gets_a_free_name(
        tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        personal = store.default_calendar()
        store.put_calendar(Calendar(personal.id, personal.name, personal.color,
                                    read_only=True))
        assert store.default_calendar_or_new().name == "Personal (2)"
