"""Week, work-week and day views: a 24-hour grid with an all-day row on top.

The view holds what its two parts share (the days, the layout of events in
columns, the geometry of a block, the keyboard); the parts are widgets of
their own: the all-day row (allday.py) and the scrolled hour grid
(hourgrid.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui.layout import Bar, Piece, layout_day_columns, layout_span_lanes, week_start_of
from aurora_desktop.ui.models import OccurrenceModel
from aurora_desktop.ui.views.allday import AllDayRow
from aurora_desktop.ui.views.base import CalendarView, ViewContext
from aurora_desktop.ui.views.grid_metrics import GUTTER, HOUR_H
from aurora_desktop.ui.views.hourgrid import HourGrid
from aurora_desktop.ui.views.kinds import ViewKind

__all__ = ["TimeGridView"]

MIN_W = 72  # an event block is never narrower (when the column has room): ~9 letters
INDENT = 10  # px per cascade step
MIN_STEP = 8  # overlapping blocks: at least this much of each shows beside the next

RectF = QtCore.QRectF


class TimeGridView(CalendarView):
    """Day (1 column), work week (the work days) or week (7 columns)."""

    def __init__(self, model: OccurrenceModel, ctx: ViewContext,
                 kind: ViewKind = ViewKind.WEEK,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(model, ctx, parent)
        kind = ViewKind(kind)
        if not kind.time_grid:
            raise ValueError(f"not a time grid: {kind}")
        self.kind = kind
        self.name = kind
        self.setAccessibleName(f"{kind.label} view")
        self._pieces: list[Piece] = []
        self._bars: list[Bar] = []
        self._days_cache: list[date] = []
        self._days_key: object = None
        self._rects: list[tuple[RectF, Piece]] = []
        self._room: list[tuple[float | None, float | None, bool]] = []
        self._rects_key: object = None
        self.header = AllDayRow(self)
        self.grid = HourGrid(self)
        self.scroll_area = QtWidgets.QScrollArea(self)
        self.scroll_area.setWidget(self.grid)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.header)
        lay.addWidget(self.scroll_area, 1)
        self._scrolled_once = False

    # ------------------------------------------------------------- range
    def visible_range(self, anchor: date) -> tuple[date, date]:
        if self.kind is ViewKind.DAY:
            return anchor, anchor + timedelta(days=1)
        first = week_start_of(anchor, self.ctx.week_start)
        return first, first + timedelta(days=7)

    def step(self, anchor: date, n: int) -> date:
        return anchor + timedelta(days=n if self.kind is ViewKind.DAY else 7 * n)

    def days(self) -> list[date]:
        key = (self.anchor, self.ctx.week_start, self.ctx.work_days)
        if self._days_key != key:
            ds = super().days()
            if self.kind is ViewKind.WORKWEEK:
                ds = [d for d in ds if d.isoweekday() in self.ctx.work_days] or ds
            self._days_cache = ds
            self._days_key = key
        return self._days_cache

    # ------------------------------------------------------------ layout
    def _on_loaded(self) -> None:
        self.relayout()
        super()._on_loaded()

    def relayout(self) -> None:
        days = self.days()
        items = self.model.items()
        self._pieces = layout_day_columns(items, days)
        self._bars = layout_span_lanes(items, days)
        self.header.relayout()

    def update_view(self) -> None:
        self.header.update()
        self.grid.update()

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self._scrolled_once:
            self._scrolled_once = True
            QtCore.QTimer.singleShot(0, self, self.scroll_to_working_hours)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sync_header_margin()

    def _sync_header_margin(self) -> None:
        sb = self.scroll_area.verticalScrollBar()
        self.header.right_margin = sb.width() if sb.isVisible() else 0
        self.header.update()

    def scroll_to_working_hours(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(max(self.ctx.work_start * HOUR_H - 20, 0))
        self._sync_header_margin()

    def scroll_to_time(self, t: datetime) -> None:
        y = int((t.hour + t.minute / 60) * HOUR_H)
        sb = self.scroll_area.verticalScrollBar()
        page = self.scroll_area.viewport().height()
        if not sb.value() <= y <= sb.value() + page - HOUR_H:
            sb.setValue(max(y - HOUR_H, 0))

    # ---------------------------------------------------------- geometry
    def col_width(self) -> float:
        n = max(len(self.days()), 1)
        return max((self.grid.width() - GUTTER) / n, 1)

    def col_x(self, i: int) -> float:
        return GUTTER + i * self.col_width()

    def y_for(self, t: datetime, day: date) -> float:
        mins = (t - datetime.combine(day, time())).total_seconds() / 60
        return mins / 60 * HOUR_H

    def wall_at(self, pos: QtCore.QPointF) -> tuple[int, datetime]:
        days = self.days()
        i = int((pos.x() - GUTTER) // self.col_width())
        i = min(max(i, 0), len(days) - 1)
        mins = min(max(pos.y() / HOUR_H * 60, 0), 24 * 60)
        return i, datetime.combine(days[i], time()) + timedelta(minutes=mins)

    def point_for(self, day: date, t: time | datetime, dx: float = 0.5) -> QtCore.QPoint:
        """Grid coordinates of wall time ``t`` on ``day`` (``dx``: fraction across the column).

        For tests and accessibility tools that drive the grid by coordinates.
        """
        i = self.days().index(day)
        tt = t if isinstance(t, time) else t.time()
        y = (tt.hour + tt.minute / 60) * HOUR_H
        return QtCore.QPoint(int(self.col_x(i) + self.col_width() * dx), int(y))

    def piece_geometry(self, p: Piece, w: float | None = None) -> tuple[RectF, float | None]:
        """The block of piece ``p`` and how wide its text may be (None: the whole block).

        Columns side by side while each is at least MIN_W wide; narrower, the
        blocks keep MIN_W and overlap, spread evenly, the later ones on top
        (the text of one that is covered stops where the next begins), and a
        block with nothing beside its title takes the rest of the day's width.
        A cascaded piece is indented INDENT px a step.
        """
        w = self.col_width() if w is None else w
        x0 = GUTTER + p.day_index * w + 2
        avail = w - 10
        n = p.ncols
        text_w: float | None = None
        cw = avail / n
        if cw >= MIN_W or n == 1:
            x = x0 + p.col * cw
            width = cw * p.span - (2 if p.col + p.span < n else 0)
        else:
            wmin = min(MIN_W, avail - MIN_STEP * (n - 1))  # each one keeps an edge to click
            step = (avail - wmin) / (n - 1)
            x = x0 + p.col * step
            if p.crowded:  # the next column's block covers the rest of its title
                width = min(wmin + (p.span - 1) * step, x0 + avail - x)
                text_w = p.span * step
            else:  # nothing beside its title: as wide as it can, later blocks on top
                width = x0 + avail - x
        if p.indent:
            ind = min(p.indent * INDENT, max(width - MIN_W, width / 3))
            x += ind
            width -= ind
            if text_w is not None:
                text_w = max(text_w - ind, 0)
        base = datetime.combine(p.start.date(), time())
        y0 = (p.start - base).total_seconds() / 3600 * HOUR_H
        y1 = (p.end - base).total_seconds() / 3600 * HOUR_H
        h = max(y1 - y0, HOUR_H * 20 / 60) - 2
        return RectF(x, y0 + 1, width, h), text_w

    def piece_rect(self, p: Piece, w: float | None = None) -> RectF:
        return self.piece_geometry(p, w)[0]

    def piece_rects(self) -> list[tuple[RectF, Piece]]:
        """Every piece with its rectangle, computed once per layout and width."""
        self._ensure_rects()
        return self._rects

    def piece_text_room(self) -> list[tuple[float | None, float | None, bool]]:
        """Per piece (as in piece_rects): the width and height its text may use, and
        whether it is drawn over another block (it then gets an outline)."""
        self._ensure_rects()
        return self._room

    def _ensure_rects(self) -> None:
        key = (id(self._pieces), self.grid.width())
        if self._rects_key == key:
            return
        w = self.col_width()
        rects: list[tuple[RectF, Piece]] = []
        room: list[tuple[float | None, float | None, bool]] = []
        for p in self._pieces:
            r, text_w = self.piece_geometry(p, w)
            text_h = None
            if p.covered_from is not None:  # a cascaded piece is drawn over the rest
                text_h = (p.covered_from - p.start).total_seconds() / 3600 * HOUR_H - 2
            on_top = p.indent > 0 or (p.col > 0 and (w - 10) / p.ncols < MIN_W)
            rects.append((r, p))
            room.append((text_w, text_h, on_top))
        self._rects, self._room, self._rects_key = rects, room, key

    def piece_at(self, pos: QtCore.QPointF) -> Piece | None:
        for r, p in reversed(self.piece_rects()):
            if r.contains(pos):
                return p
        return None

    def pieces(self) -> list[Piece]:
        return self._pieces

    def bars(self) -> list[Bar]:
        return self._bars

    # ---------------------------------------------------------- keyboard
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers():
            self.cursorMoved.emit(self.anchor + timedelta(days=-1 if key == Qt.Key.Key_Left
                                                          else 1))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not event.modifiers():
            sb = self.scroll_area.verticalScrollBar()
            sb.setValue(sb.value() + (-HOUR_H if key == Qt.Key.Key_Up else HOUR_H))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_item():
            self.itemActivated.emit(self.selected_item())
        elif key == Qt.Key.Key_Escape and (self.grid.cancel_drag() or self.header.cancel_drag()):
            pass  # the drag is dropped; the event stays where it was
        elif key == Qt.Key.Key_Escape and self.selected_key:
            self.select_key(None)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusInEvent(event)
        self.header.update()

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.header.update()

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self.hasFocus() and self.select_next(forward):
            it = self.selected_item()
            if it is not None and not it.spans_days:
                self.scroll_to_time(it.start)
            return True
        return super().focusNextPrevChild(forward)
