"""The words for events an import found in other calendars (docs/import.md)."""

from __future__ import annotations

from aurora_core.counting import Elsewhere, ImportCounts, elsewhere_text, import_headline


def test_elsewhere_is_said_per_calendar_by_the_rule() -> None:
    assert elsewhere_text(Elsewhere("Personal", updated=2)) == (
        "2 events were already in 'Personal' and were updated there")
    assert elsewhere_text(Elsewhere("Personal", unchanged=1)) == (
        "1 event was already in 'Personal' and is unchanged")
    assert elsewhere_text(Elsewhere("Personal", updated=2, unchanged=3)) == (
        "5 events were already in 'Personal': 2 updated there, 3 unchanged")
    assert elsewhere_text(Elsewhere("Feed", read_only=1), lambda n: f"“{n}”") == (
        "1 event was already in “Feed”, which is read-only, and was left alone")


def test_the_headline_puts_the_target_first() -> None:
    c = ImportCounts(new=1, elsewhere=(Elsewhere("Personal", updated=2),
                                       Elsewhere("Work", unchanged=1)))
    assert c.total == 4 and c.written == 3
    assert import_headline(c, "'Team'", "a.ics") == (
        "Imported 1 event from a.ics into 'Team'; 2 events were already in 'Personal' and "
        "were updated there; 1 event was already in 'Work' and is unchanged")
    only = ImportCounts(elsewhere=(Elsewhere("Personal", unchanged=7),))
    assert import_headline(only, "'X'", "work.ics") == (
        "Nothing imported into 'X': 7 events from work.ics were already in 'Personal' and "
        "are unchanged")
