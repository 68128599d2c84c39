"""A timed event over several days shows its start time on its first day only; the days
(and week rows) it continues into show the title alone, as GNOME Calendar and Google do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aurora_desktop.ui import painters
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.month import MonthView
from tests.helpers.ui import TODAY, at, drain_events, put

FRI = TODAY + timedelta(days=2)  # Friday 27 November 2026 (TODAY is a Wednesday)
SAT = TODAY + timedelta(days=3)


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(kind, text) of every bar and chip the views paint."""
    seen: list[tuple[str, str]] = []
    real_bar, real_chip = painters.bar, painters.dot_chip

    def bar(p: Any, r: Any, cc: Any, text: str, *a: Any, **k: Any) -> None:
        seen.append(("bar", text))
        real_bar(p, r, cc, text, *a, **k)

    def chip(p: Any, r: Any, cc: Any, time_text: str, title: str, *a: Any, **k: Any) -> None:
        seen.append(("chip", f"{time_text} {title}".strip()))
        real_chip(p, r, cc, time_text, title, *a, **k)

    monkeypatch.setattr(painters, "bar", bar)
    monkeypatch.setattr(painters, "dot_chip", chip)
    return seen


def _month(window: MainWindow) -> MonthView:
    window.resize(1600, 1000)  # room for the times in every chip
    drain_events()
    v = window.view
    assert isinstance(v, MonthView)
    return v


def test_an_overnight_event_shows_its_time_on_the_first_day_only(
        make_window, store, drawn) -> None:  # type: ignore[no-untyped-def]
    put(store, "Trip to Lisbon", at(FRI, 18), minutes=20 * 60)  # Fri 18:00 – Sat 14:00
    w = make_window("month")
    v = _month(w)
    drawn.clear()
    v.grab()
    assert drawn.count(("chip", "18:00 Trip to Lisbon")) == 1  # Friday
    assert drawn.count(("chip", "Trip to Lisbon")) == 1  # Saturday: the title alone


def test_a_multi_day_bar_continued_in_the_next_week_row_shows_the_title_alone(
        make_window, store, drawn) -> None:  # type: ignore[no-untyped-def]
    # Sat 28 Nov 18:00 – Tue 1 Dec 10:00: a bar in this week's row and one in the next
    put(store, "Trip to Lisbon", at(SAT, 18), minutes=(2 * 24 + 16) * 60)
    w = make_window("month")
    v = _month(w)
    drawn.clear()
    v.grab()
    bars = [text for kind, text in drawn if kind == "bar"]
    assert bars == ["18:00 Trip to Lisbon", "Trip to Lisbon"]


def test_the_week_after_shows_a_continued_bar_without_the_time(
        make_window, store, drawn) -> None:  # type: ignore[no-untyped-def]
    put(store, "Trip to Lisbon", at(SAT, 18), minutes=(2 * 24 + 16) * 60)
    w = make_window("week")
    w.grab()
    assert ("bar", "18:00 Trip to Lisbon") in drawn  # this week: it starts here
    w.navigation.step(1)  # next week: it goes on from the week before
    drawn.clear()
    w.view.grab()
    assert [text for kind, text in drawn if kind == "bar"] == ["Trip to Lisbon"]


def test_the_more_list_of_a_later_day_names_the_event_without_its_start_time(
        make_window, store) -> None:  # type: ignore[no-untyped-def]
    put(store, "Trip to Lisbon", at(FRI, 18), minutes=20 * 60)
    w = make_window("month")
    v = _month(w)
    v.grab()
    # what the "+N more" menu lists for each day
    assert v.day_list_labels(SAT) == ["Trip to Lisbon"]
    assert v.day_list_labels(FRI) == ["18:00  Trip to Lisbon"]
