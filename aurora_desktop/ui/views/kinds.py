"""The kinds of calendar view, by name (Qt-free).

A ``StrEnum``: each member is its own name as a string ("week" is
``ViewKind.WEEK``), so the name stored in the settings ("window/view") and
sent by the toolbar's buttons reads back unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class ViewKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    WORKWEEK = "workweek"
    MONTH = "month"
    AGENDA = "agenda"

    @property
    def label(self) -> str:
        """The switcher's and the View menu's word for it."""
        return _LABELS[self]

    @property
    def shortcut(self) -> str:
        """The key that shows it."""
        return _SHORTCUTS[self]

    @property
    def time_grid(self) -> bool:
        """Shown as a grid of hours (day, work week, week)."""
        return self in (ViewKind.DAY, ViewKind.WEEK, ViewKind.WORKWEEK)

    @classmethod
    def parse(cls, name: str) -> ViewKind | None:
        """The kind called ``name`` (a stored setting, a button's name); None if unknown."""
        try:
            return cls(name)
        except ValueError:
            return None


_LABELS = {ViewKind.DAY: "Day", ViewKind.WEEK: "Week", ViewKind.WORKWEEK: "Work week",
           ViewKind.MONTH: "Month", ViewKind.AGENDA: "Agenda"}
_SHORTCUTS = {ViewKind.DAY: "D", ViewKind.WEEK: "W", ViewKind.WORKWEEK: "X",
              ViewKind.MONTH: "M", ViewKind.AGENDA: "A"}
