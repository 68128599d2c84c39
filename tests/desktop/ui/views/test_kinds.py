"""View kinds are an enum that reads and writes the names the settings have always stored."""

from __future__ import annotations

from aurora_desktop.ui.views.kinds import ViewKind


def test_every_stored_name_reads_back_as_its_kind_and_writes_the_same_string() -> None:
    stored = ["day", "week", "workweek", "month", "agenda"]
    assert [ViewKind.parse(s) for s in stored] == list(ViewKind)
    assert [str(k) for k in ViewKind] == stored
    assert {ViewKind.MONTH: 1}["month"] == 1 and ViewKind.WEEK == "week"


def test_an_unknown_or_old_name_reads_as_none() -> None:
    assert ViewKind.parse("year") is None
    assert ViewKind.parse("") is None
    assert ViewKind.parse("Week") is None


def test_labels_and_keys_of_the_switcher_and_menu() -> None:
    assert [(k.label, k.shortcut) for k in ViewKind] == [
        ("Day", "D"), ("Week", "W"), ("Work week", "X"), ("Month", "M"), ("Agenda", "A")]
    assert [k for k in ViewKind if k.time_grid] == [ViewKind.DAY, ViewKind.WEEK,
                                                     ViewKind.WORKWEEK]
