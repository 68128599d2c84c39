"""What every calendar view shares: its context, signals and range logic."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aurora_core.times import DisplayZone
from aurora_desktop.qt import QtCore, QtGui, QtWidgets, Signal
from aurora_desktop.ui.fmt import Formatter
from aurora_desktop.ui.layout import Item
from aurora_desktop.ui.models import OccurrenceModel
from aurora_desktop.ui.theme import LIGHT, Theme
from aurora_desktop.ui.views.kinds import ViewKind


@dataclass
class ViewContext:
    """Shared, mutable display settings; views re-read it on every paint."""

    zone: DisplayZone
    theme: Theme = LIGHT
    fmt: Formatter = field(default_factory=Formatter)
    week_start: int = 1  # ISO weekday
    work_start: int = 8
    work_end: int = 18
    work_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    week_numbers: bool = True
    now: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    def now_wall(self) -> datetime:
        return self.zone.wall(self.now())

    def today(self) -> date:
        return self.now_wall().date()


class CalendarView(QtWidgets.QWidget):
    """Base of the views. Subclasses define the visible range and paint the model's items.

    Signals carry *wall-clock* datetimes in the user's zone.
    """

    itemActivated = Signal(object)               # Item: open the editor
    selectionChanged = Signal(object)            # Item | None
    createRequested = Signal(object, object, bool)  # start, end, all_day
    changeRequested = Signal(object, object, object)  # Item, new start, new end (wall)
    dayActivated = Signal(object)                # date: show that day
    cursorMoved = Signal(object)                 # date: the keyboard cursor moved to it

    name: ViewKind  # which view this is

    def __init__(self, model: OccurrenceModel, ctx: ViewContext,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.ctx = ctx
        self.anchor = ctx.today()
        self.selected_key: str | None = None
        self.active = False  # only the shown view lays out and paints on model changes
        model.loaded.connect(self._loaded)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)

    # --- range
    def visible_range(self, anchor: date) -> tuple[date, date]:
        """[first, end) of the dates this view shows around ``anchor``."""
        raise NotImplementedError

    def step(self, anchor: date, n: int) -> date:
        """``anchor`` moved by ``n`` pages (previous/next)."""
        raise NotImplementedError

    def set_anchor(self, anchor: date) -> None:
        self.anchor = anchor

    def days(self) -> list[date]:
        first, end = self.visible_range(self.anchor)
        return [first + timedelta(days=i) for i in range((end - first).days)]

    # --- selection
    def select_key(self, key: str | None) -> None:
        self.selected_key = key
        it = self.selected_item()
        # Screen readers: the selected event, as words.
        self.setAccessibleDescription(
            "" if it is None else
            f"Selected: {it.title}, {self.ctx.fmt.short_date(it.start.date())}, "
            f"{self.ctx.fmt.span(it.start, it.end, it.all_day)}"
            + (f", {it.occ.event.location}" if it.occ.event.location else ""))
        self.selectionChanged.emit(it)
        self.update_view()

    def item_tooltip(self, it: Item) -> str:
        """The whole of an event, for hovering a block, bar or chip that cuts its title."""
        rows = [f"<b>{html.escape(it.title)}</b>",
                html.escape(self.ctx.fmt.span(it.start, it.end, it.all_day))]
        if it.occ.event.location:
            rows.append(html.escape(it.occ.event.location))
        if it.calendar_name:
            rows.append(f"<i>{html.escape(it.calendar_name)}</i>")
        return "<br>".join(rows)

    def show_item_tooltip(self, widget: QtWidgets.QWidget, event: QtCore.QEvent,
                          hit: Callable[[QtCore.QPointF], tuple[Item, QtCore.QRectF] | None]
                          ) -> bool:
        """Handle a ToolTip event on ``widget``: the event under the mouse, whole."""
        if not isinstance(event, QtGui.QHelpEvent):
            return False
        found = hit(QtCore.QPointF(event.pos()))
        if found is None:
            QtWidgets.QToolTip.hideText()
            event.ignore()
            return True
        it, rect = found
        QtWidgets.QToolTip.showText(event.globalPos(), self.item_tooltip(it), widget,
                                    rect.toAlignedRect())
        return True

    def selected_item(self) -> Item | None:
        return self.model.find(self.selected_key) if self.selected_key else None

    def visible_items(self) -> list[Item]:
        """Items in keyboard (Tab) order."""
        return sorted(self.model.items(), key=lambda it: (it.start.date(), not it.spans_days,
                                                          it.start, it.title))

    def select_next(self, forward: bool = True) -> bool:
        items = self.visible_items()
        if not items:
            return False
        keys = [it.key for it in items]
        if self.selected_key in keys:
            i = keys.index(self.selected_key) + (1 if forward else -1)
            if not 0 <= i < len(keys):
                return False
        else:
            i = 0 if forward else len(keys) - 1
        self.select_key(keys[i])
        return True

    def _loaded(self) -> None:
        if self.active:
            self._on_loaded()

    def _on_loaded(self) -> None:
        if self.selected_key and self.model.find(self.selected_key) is None:
            self.selected_key = None
        self.update_view()

    def update_view(self) -> None:
        self.update()

    def scroll_to_time(self, t: datetime) -> None:
        """Make wall time ``t`` visible (time grids)."""
