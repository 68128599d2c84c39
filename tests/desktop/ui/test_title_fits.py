"""The toolbar's range title fits a 900 px window whole: "30 Nov – 6 Dec", not "30 Nov – 6 D…"
(a shorter form first: short names, then this year left out, then a smaller size)."""

from __future__ import annotations

from datetime import date

from aurora_desktop.qt import QtGui
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.toolbar import ElidedTitle, last_year_only, without_year
from tests.helpers.ui import drain_events


def _show(window: MainWindow, width: int, d: date) -> tuple[str, ElidedTitle]:
    window.resize(width, 700)
    window.navigation.set_date(d)
    drain_events()
    title = window.title_label
    assert isinstance(title, ElidedTitle)
    text, font = title.shown() if hasattr(title, "shown") else (title.shown_text(), title.font())
    assert QtGui.QFontMetrics(font).horizontalAdvance(text) <= title.contentsRect().width()
    return text, title


def test_a_week_over_two_months_fits_a_900_px_window_whole(window: MainWindow) -> None:
    shown, title = _show(window, 900, date(2026, 12, 2))  # this year (the clock: Nov 2026)
    assert title.text() == "30 Nov – 6 Dec 2026"
    assert shown == "30 Nov – 6 Dec"  # was "30 Nov – 6 D…"
    assert title.toolTip() == "30 Nov – 6 Dec 2026"  # the whole title on hover
    shown, title = _show(window, 1280, date(2026, 12, 2))
    assert shown == "30 Nov – 6 Dec 2026" and title.toolTip() == ""


def test_another_years_week_keeps_its_year(window: MainWindow) -> None:
    shown, _ = _show(window, 900, date(2027, 12, 1))
    assert "…" not in shown and "2027" in shown and "Nov" in shown


def test_the_week_over_new_year_names_its_days_whole(window: MainWindow) -> None:
    shown, title = _show(window, 900, date(2026, 12, 30))
    assert title.text() == "28 Dec 2026 – 3 Jan 2027"
    assert "…" not in shown and shown.startswith("28 Dec") and "3 Jan" in shown


def test_the_shorter_forms() -> None:
    assert without_year("30 Nov – 6 Dec 2026", 2026) == "30 Nov – 6 Dec"
    assert without_year("30 Nov – 6 Dec 2026", 2027) == "30 Nov – 6 Dec 2026"
    assert without_year("Wed, 30 Dec 2026", 2026) == "Wed, 30 Dec"
    assert without_year("28 Dec 2026 – 3 Jan 2027", 2027) == "28 Dec – 3 Jan"
    assert last_year_only("28 Dec 2026 – 3 Jan 2027") == "28 Dec – 3 Jan 2027"
    assert last_year_only("30 Nov – 6 Dec 2026") == "30 Nov – 6 Dec 2026"
