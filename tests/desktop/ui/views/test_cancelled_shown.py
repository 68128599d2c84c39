"""A cancelled event or series is shown struck through (issue 11; docs/import.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aurora_core.model import AllDayDate, Event, EventStatus
from aurora_desktop.ui import painters
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.ui import TODAY, at, put


def record(monkeypatch: pytest.MonkeyPatch, name: str, title_at: int,
           font_at: int | str) -> dict[str, bool]:
    """Wrap ``painters.<name>``: title -> whether its title font strikes out."""
    seen: dict[str, bool] = {}
    original: Callable[..., Any] = getattr(painters, name)

    def spy(*args: Any, **kw: Any) -> Any:
        font = kw[font_at] if isinstance(font_at, str) else args[font_at]
        seen[str(args[title_at])] = font.strikeOut()
        return original(*args, **kw)

    monkeypatch.setattr(painters, name, spy)
    return seen


def test_cancelled_events_are_struck_through_in_the_week_and_month(
        make_window: Callable[[str], MainWindow], store: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    put(store, "Still on", at(TODAY, 9))
    put(store, "Called off", at(TODAY, 11), status=EventStatus.CANCELLED)
    put(store, "Weekly course (cancelled)", at(TODAY, 10), rrule="FREQ=DAILY;COUNT=3",
        status=EventStatus.CANCELLED)
    cal = store.default_calendar().id
    store.put_event(Event.new(cal, "Holiday (cancelled)", AllDayDate(TODAY),
                              AllDayDate(TODAY.replace(day=TODAY.day + 1)),
                              status=EventStatus.CANCELLED))
    blocks = record(monkeypatch, "timed_block", 3, 7)
    bars = record(monkeypatch, "bar", 3, 5)
    w = make_window("week")
    w.grab()
    assert blocks == {"Still on": False, "Called off": True,
                      "Weekly course (cancelled)": True}
    assert bars == {"Holiday (cancelled)": True}
    chips = record(monkeypatch, "dot_chip", 4, 7)
    w.view_switcher.set_view("month")
    w.grab()
    assert chips["Still on"] is False and chips["Called off"] is True
    assert chips["Weekly course (cancelled)"] is True
