"""The time grid's scrolled 24-hour canvas: gutter, hour lines, events, the now line, drags."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import painters
from aurora_desktop.ui.colors import chip_colors
from aurora_desktop.ui.layout import Item
from aurora_desktop.ui.views.gesture import (
    HOUR_GRID,
    Change,
    Create,
    DragMode,
    DragTracker,
    Preview,
    floor_to,
)
from aurora_desktop.ui.views.grid_metrics import GUTTER, HOUR_H

if TYPE_CHECKING:
    from aurora_desktop.ui.views.timegrid import TimeGridView

RESIZE_EDGE = 6  # px above a block's lower edge that resize it

RectF = QtCore.QRectF


class HourGrid(QtWidgets.QWidget):
    """The scrolled 24-hour canvas: gutter, hour lines, events, the now line, drags.

    Drags snap to 15 minutes: a block moves (its start on a quarter hour),
    its lower edge resizes it, and dragging over empty time makes an event.
    """

    def __init__(self, view: TimeGridView) -> None:
        super().__init__(view)
        self.view = view
        self.setMinimumHeight(24 * HOUR_H + 1)
        self.setMouseTracking(True)
        self.setAccessibleName("Time grid")
        self.drag: DragTracker[Item] = DragTracker(HOUR_GRID)
        self._spans: dict[tuple[datetime, datetime], str] = {}
        self._spans_fmt: object = None
        self._bg: QtGui.QPixmap | None = None
        self._bg_key: object = None
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.update)
        self._timer.start(60_000)

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(600, 24 * HOUR_H + 1)

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:
            return self.view.show_item_tooltip(self, event, self._hit)
        return super().event(event)

    def _hit(self, pos: QtCore.QPointF) -> tuple[Item, RectF] | None:
        pc = self.view.piece_at(pos)
        return None if pc is None else (pc.item, self.view.piece_rect(pc))

    def _background(self, days: list[date], today: date) -> QtGui.QPixmap:
        """The static grid (shading, lines, hour labels), drawn once per size and week."""
        v = self.view
        ctx = v.ctx
        t = ctx.theme
        dpr = self.devicePixelRatioF()
        # Weekdays and where today is, not the dates: paging keeps the same background.
        key = (self.width(), self.height(), dpr, tuple((d.isoweekday(), d == today) for d in days),
               t, ctx.work_start, ctx.work_end, ctx.work_days, ctx.fmt.h24)
        if self._bg_key == key and self._bg is not None:
            return self._bg
        pm = QtGui.QPixmap(int(self.width() * dpr), int(self.height() * dpr))
        pm.setDevicePixelRatio(dpr)
        pm.fill(t.c("surface"))
        p = QtGui.QPainter(pm)
        w = v.col_width()
        off = t.c("surface_alt")
        for i, d in enumerate(days):
            x = v.col_x(i)
            if d.isoweekday() not in ctx.work_days:
                p.fillRect(RectF(x, 0, w, self.height()), off)
            else:
                p.fillRect(RectF(x, 0, w, ctx.work_start * HOUR_H), off)
                p.fillRect(RectF(x, ctx.work_end * HOUR_H, w, (24 - ctx.work_end) * HOUR_H), off)
            if d == today:
                tint = t.c("accent")
                tint.setAlpha(14 if not t.dark else 22)
                p.fillRect(RectF(x, 0, w, self.height()), tint)
        p.setPen(QtGui.QPen(t.c("grid"), 1))
        for h in range(1, 24):
            y = h * HOUR_H + 0.5
            p.drawLine(QtCore.QPointF(GUTTER - 6, y), QtCore.QPointF(self.width(), y))
        half = t.c("grid")
        half.setAlpha(110)
        p.setPen(QtGui.QPen(half, 1, Qt.PenStyle.DotLine))
        for h in range(24):
            y = h * HOUR_H + HOUR_H / 2 + 0.5
            p.drawLine(QtCore.QPointF(GUTTER, y), QtCore.QPointF(self.width(), y))
        p.setPen(QtGui.QPen(t.c("grid"), 1))
        for i in range(len(days) + 1):
            x = round(v.col_x(i)) + 0.5
            p.drawLine(QtCore.QPointF(x, 0), QtCore.QPointF(x, self.height()))
        p.setFont(painters.ui_font(8))
        p.setPen(t.c("muted"))
        for h in range(1, 24):
            p.drawText(RectF(0, h * HOUR_H - 8, GUTTER - 10, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       ctx.fmt.hour_label(h))
        p.end()
        self._bg, self._bg_key = pm, key
        return pm

    # ----------------------------------------------------------- painting
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        v = self.view
        ctx = v.ctx
        t = ctx.theme
        clip = event.rect()
        days = v.days()
        w = v.col_width()
        today = ctx.today()
        p = QtGui.QPainter(self)
        p.drawPixmap(clip, self._background(days, today), clip)
        # events
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        font = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
        small = painters.ui_font(8)
        now_wall = ctx.now_wall()
        fms = (painters.metrics(font), painters.metrics(small))
        span = self._span_text
        drag = self.drag.preview
        clip_f = RectF(clip)
        top, bottom = clip_f.top(), clip_f.bottom()
        sel = v.selected_key
        for (r, pc), (text_w, text_h, on_top) in zip(v.piece_rects(), v.piece_text_room(),
                                                      strict=True):
            if r.bottom() < top or r.top() > bottom:
                continue
            if drag and drag.item is pc.item:  # drawn where it is dragged to
                continue
            it = pc.item
            painters.timed_block(p, r, chip_colors(it.color, t, it.end <= now_wall), it.title,
                                 partial(span, it.start, it.end),
                                 it.occ.event.location, it.key == sel,
                                 painters.struck(font) if it.cancelled else font, small, t,
                                 fms=fms, text_w=text_w, text_h=text_h, outline=on_top)
        if drag:
            self._paint_drag(p, drag, font, small)
        # now line
        if today in days:
            i = days.index(today)
            y = v.y_for(now_wall, today)
            faint = t.c("now_line")
            faint.setAlpha(90)
            p.setPen(QtGui.QPen(faint, 1))
            p.drawLine(QtCore.QPointF(GUTTER, y), QtCore.QPointF(self.width(), y))
            painters.now_line(p, v.col_x(i), v.col_x(i) + w, y, t)
        p.end()

    def _span_text(self, start: datetime, end: datetime) -> str:
        """"09:30 – 10:15", kept: paging shows the same times again (strftime is slow)."""
        fmt = self.view.ctx.fmt
        key = (start, end)
        if self._spans_fmt is not fmt or len(self._spans) > 5000:
            self._spans, self._spans_fmt = {}, fmt
        text = self._spans.get(key)
        if text is None:
            text = self._spans[key] = fmt.span(start, end, False)
        return text

    def _paint_drag(self, p: QtGui.QPainter, d: Preview[Item], font: QtGui.QFont,
                    small: QtGui.QFont) -> None:
        v = self.view
        t = v.ctx.theme
        color = d.item.color if d.item else t.accent
        title = d.item.title if d.item else "New event"
        days = v.days()
        # draw one ghost block per day the range touches
        day = d.start.date()
        while day <= (d.end - timedelta(microseconds=1)).date() and day in days:
            i = days.index(day)
            d0 = datetime.combine(day, time())
            s, e = max(d.start, d0), min(d.end, d0 + timedelta(days=1))
            r = RectF(v.col_x(i) + 2, v.y_for(s, day) + 1, v.col_width() - 8,
                      max(v.y_for(e, day) - v.y_for(s, day) - 2, 10))
            painters.timed_block(p, r, chip_colors(color, t), title,
                                 v.ctx.fmt.span(d.start, d.end, False), "", True, font, small, t,
                                 ghost=True)
            day += timedelta(days=1)

    # -------------------------------------------------------------- mouse
    def cancel_drag(self) -> bool:
        """Drop a drag in progress (Escape); True if there was one."""
        if self.drag.cancel():
            self.update()
            return True
        return False

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        v = self.view
        v.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        _, wall = v.wall_at(pos)
        pc = v.piece_at(pos)
        threshold = QtWidgets.QApplication.startDragDistance()
        if pc is not None:
            v.select_key(pc.item.key)
            r = v.piece_rect(pc)
            at_edge = r.bottom() - pos.y() <= RESIZE_EDGE and not pc.cont_after
            mode = DragMode.RESIZE if at_edge else DragMode.MOVE
            self.drag.press((pos.x(), pos.y()), wall, pc.item, mode, threshold)
        else:
            if v.selected_key:
                v.select_key(None)
            self.drag.press((pos.x(), pos.y()), wall, None, DragMode.CREATE, threshold)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        v = self.view
        pos = event.position()
        if not self.drag.pressed:
            pc = v.piece_at(pos)
            if pc is not None and v.piece_rect(pc).bottom() - pos.y() <= RESIZE_EDGE:
                self.setCursor(Qt.CursorShape.SizeVerCursor)
            elif pc is not None:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        _, wall = v.wall_at(pos)
        changed = self.drag.move((pos.x(), pos.y()), wall)
        if self.drag.preview is not None:
            v.scroll_area.ensureVisible(int(pos.x()), int(pos.y()), 0, 20)
        if changed:
            self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        done = self.drag.release()
        self.update()
        if isinstance(done, Create):
            self.view.createRequested.emit(done.start, done.end, False)
        elif isinstance(done, Change):
            self.view.changeRequested.emit(done.item, done.start, done.end)

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        v = self.view
        self.drag.cancel()
        pos = event.position()
        pc = v.piece_at(pos)
        if pc is not None:
            v.itemActivated.emit(pc.item)
            return
        _, wall = v.wall_at(pos)
        s = floor_to(wall, timedelta(minutes=30))
        v.createRequested.emit(s, s + timedelta(hours=1), False)
