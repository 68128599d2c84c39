"""Where the window is in time: the shown date, previous/next, today, and what it loads.

The window keeps ``date`` (the anchor of the shown range); this controller
moves it and shows the range around it: the model loads that range (and the
neighbouring pages, read ahead), the toolbar's title, the mini month and
the status line follow.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from aurora_desktop.ui.views.kinds import ViewKind

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow


class Navigator:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def set_date(self, d: date) -> None:
        self.window.date = d
        self.refresh()

    def step(self, n: int) -> None:
        """Previous (-1) or next (1) page of the current view."""
        w = self.window
        self.set_date(w.view.step(w.date, n))

    def go_today(self) -> None:
        w = self.window
        self.set_date(w.ctx.today())
        w.view.scroll_to_time(w.ctx.now_wall())

    def agenda_today(self) -> None:
        """The agenda from today (the tray's "Show agenda")."""
        self.window.view_switcher.set_view(ViewKind.AGENDA)
        self.go_today()

    def open_day(self, d: date) -> None:
        """A day's heading or "+2 more" activated: that day in the day view."""
        self.window.date = d
        self.window.view_switcher.set_view(ViewKind.DAY)

    def refresh(self) -> None:
        """Load the current view's range and repaint."""
        w = self.window
        v = w.view
        v.set_anchor(w.date)
        first, end = v.visible_range(w.date)
        neighbours = tuple(v.visible_range(v.step(w.date, n)) for n in (1, -1))
        w.model.load(first, end, neighbours)
        days = v.days()
        w.title_label.setText(w.ctx.fmt.range_title(days[0], days[-1], w.current_view))
        w.sidebar.mini.show_date(w.date, w.ctx.week_start)
        self.update_status()
        w.event_actions.update_actions()

    def update_status(self) -> None:
        """The status line: the shown range and how many events it holds."""
        w = self.window
        if w.current_view is ViewKind.AGENDA:  # what it lists, which grows as it scrolls
            w.status_label.setText(w.views[ViewKind.AGENDA].status_text())  # type: ignore[attr-defined]
            return
        fmt = w.ctx.fmt
        days = w.view.days()
        n = len(w.model.items())
        if len(days) == 1:
            span = fmt.long_date(days[0])
        else:
            span = f"{fmt.short_date(days[0])} – {fmt.short_date(days[-1])}"
        w.status_label.setText(f"{span}  ·  {n} event{'s' if n != 1 else ''}")
