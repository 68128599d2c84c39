"""The month view: a six-week grid with chips, spanning bars and "+N more"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aurora_core.dates import add_months
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import painters
from aurora_desktop.ui.colors import chip_colors
from aurora_desktop.ui.icons import swatch
from aurora_desktop.ui.layout import Bar, Item, MonthCell, layout_month, month_grid_start
from aurora_desktop.ui.models import OccurrenceModel
from aurora_desktop.ui.views.base import CalendarView, ViewContext
from aurora_desktop.ui.views.gesture import DAY_CELLS, Change, DragMode, DragTracker
from aurora_desktop.ui.views.kinds import ViewKind

HEAD_H = 30
WEEKNO_W = 30
DAYNUM_H = 26
CHIP_H = 20
WEEKS = 6

RectF = QtCore.QRectF


class MonthView(CalendarView):
    """Six weeks of days; drag an event to another day to move it there."""

    name = ViewKind.MONTH

    def __init__(self, model: OccurrenceModel, ctx: ViewContext,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(model, ctx, parent)
        self.setAccessibleName("Month view")
        self.setMouseTracking(True)
        self.setMinimumSize(420, 360)
        self._bars: list[list[Bar]] = []
        self._cells: list[list[MonthCell]] = []
        self._slots = 0
        self._hits: list[tuple[RectF, Item]] = []
        self._more: list[tuple[RectF, date]] = []
        self._draw: list[tuple[RectF, Item, str, bool, bool]] = []
        self.drag: DragTracker[Item] = DragTracker(DAY_CELLS)

    # ------------------------------------------------------------- range
    def visible_range(self, anchor: date) -> tuple[date, date]:
        first = month_grid_start(anchor, self.ctx.week_start)
        return first, first + timedelta(days=7 * WEEKS)

    def step(self, anchor: date, n: int) -> date:
        return add_months(anchor, n)

    # ---------------------------------------------------------- geometry
    def _left(self) -> float:
        return WEEKNO_W if self.ctx.week_numbers else 0

    def cell_size(self) -> tuple[float, float]:
        return ((self.width() - self._left()) / 7, (self.height() - HEAD_H) / WEEKS)

    def cell_rect(self, row: int, col: int) -> RectF:
        cw, ch = self.cell_size()
        return RectF(self._left() + col * cw, HEAD_H + row * ch, cw, ch)

    def day_at(self, pos: QtCore.QPointF) -> date:
        cw, ch = self.cell_size()
        col = min(max(int((pos.x() - self._left()) // cw), 0), 6)
        row = min(max(int((pos.y() - HEAD_H) // ch), 0), WEEKS - 1)
        first, _ = self.visible_range(self.anchor)
        return first + timedelta(days=row * 7 + col)

    def point_for_day(self, d: date) -> QtCore.QPoint:
        """The centre of ``d``'s cell, below its chips (for tests)."""
        first, _ = self.visible_range(self.anchor)
        i = (d - first).days
        r = self.cell_rect(i // 7, i % 7)
        return QtCore.QPoint(int(r.center().x()), int(r.bottom() - 4))

    def item_rect(self, key: str) -> RectF | None:
        for r, it in self._hits:
            if it.key == key:
                return r
        return None

    def _on_loaded(self) -> None:
        self.relayout()
        super()._on_loaded()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()

    def relayout(self) -> None:
        _, ch = self.cell_size()
        self._slots = max(int((ch - DAYNUM_H - 2) // CHIP_H), 1)
        first, _ = self.visible_range(self.anchor)
        self._bars, self._cells = layout_month(self.model.items(), first, WEEKS, self._slots)
        self._compute_geometry()
        self.update()

    def _compute_geometry(self) -> None:
        """Rectangles of every bar, chip and "+N more" link (for painting and hit tests)."""
        cw, ch = self.cell_size()
        left = self._left()
        self._draw = []
        self._hits = []
        self._more = []
        for r, bars in enumerate(self._bars):
            for b in bars:
                y = HEAD_H + r * ch + DAYNUM_H + b.lane * CHIP_H
                x0 = left + b.first * cw + 3
                x1 = left + (b.last + 1) * cw - 4
                rect = RectF(x0, y, x1 - x0, CHIP_H - 2)
                self._draw.append((rect, b.item, "bar", b.cont_before, b.cont_after))
                self._hits.append((rect, b.item))
        for r, cells in enumerate(self._cells):
            for c, cell in enumerate(cells):
                cr = self.cell_rect(r, c)
                for slot, it in cell.timed:
                    rect = RectF(cr.left() + 3, cr.top() + DAYNUM_H + slot * CHIP_H,
                                 cr.width() - 6, CHIP_H - 2)
                    # (a later day of an overnight event: its title alone, no start time)
                    self._draw.append((rect, it, "chip", it.first_day < cell.day, False))
                    self._hits.append((rect, it))
                if cell.hidden:
                    rect = RectF(cr.left() + 6, cr.top() + DAYNUM_H + (self._slots - 1) * CHIP_H,
                                 cr.width() - 12, CHIP_H - 2)
                    self._more.append((rect, cell.day))

    def _cell_of(self, d: date) -> MonthCell:
        first, _ = self.visible_range(self.anchor)
        i = (d - first).days
        return self._cells[i // 7][i % 7]

    def set_anchor(self, anchor: date) -> None:
        super().set_anchor(anchor)

    # ----------------------------------------------------------- painting
    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        ctx = self.ctx
        t = ctx.theme
        p = QtGui.QPainter(self)
        p.fillRect(self.rect(), t.c("surface"))
        cw, ch = self.cell_size()
        left = self._left()
        first, _ = self.visible_range(self.anchor)
        today = ctx.today()
        month = self.anchor.month
        # weekday header
        p.setFont(painters.ui_font(8, QtGui.QFont.Weight.DemiBold))
        p.setPen(t.c("muted"))
        for c in range(7):
            d = first + timedelta(days=c)
            p.drawText(RectF(left + c * cw, 0, cw, HEAD_H), Qt.AlignmentFlag.AlignCenter,
                       ctx.fmt.day_name(d).upper().rstrip("."))
        # cell backgrounds
        for r in range(WEEKS):
            for c in range(7):
                d = first + timedelta(days=r * 7 + c)
                if d.month != month:
                    p.fillRect(self.cell_rect(r, c), t.c("surface_alt"))
        # grid lines
        p.setPen(QtGui.QPen(t.c("grid"), 1))
        for r in range(WEEKS + 1):
            y = round(HEAD_H + r * ch) + 0.5
            p.drawLine(QtCore.QPointF(0 if r else left, y), QtCore.QPointF(self.width(), y))
        for c in range(1, 7):
            x = round(left + c * cw) + 0.5
            p.drawLine(QtCore.QPointF(x, HEAD_H), QtCore.QPointF(x, self.height()))
        if left:
            p.drawLine(QtCore.QPointF(left - 0.5, HEAD_H), QtCore.QPointF(left - 0.5,
                                                                          self.height()))
            p.setFont(painters.ui_font(7.5))
            p.setPen(t.c("muted"))
            for r in range(WEEKS):
                monday = first + timedelta(days=r * 7 + (1 - first.isoweekday()) % 7)
                p.drawText(RectF(0, HEAD_H + r * ch + 6, left, 16), Qt.AlignmentFlag.AlignHCenter,
                           str(monday.isocalendar()[1]))
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        # day numbers
        num_font = painters.ui_font(9)
        num_bold = painters.ui_font(9, QtGui.QFont.Weight.Bold)
        for r in range(WEEKS):
            for c in range(7):
                d = first + timedelta(days=r * 7 + c)
                rect = self.cell_rect(r, c)
                label = str(d.day) if d.day != 1 else f"{d.day} {ctx.fmt.month_name(d.month, False)}"
                if d == today:
                    p.setFont(num_bold)
                    fm = QtGui.QFontMetrics(num_bold)
                    wdt = max(fm.horizontalAdvance(label) + 12, 22)
                    pill = RectF(rect.left() + 5, rect.top() + 3, wdt, 20)
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(t.c("accent"))
                    p.drawRoundedRect(pill, 10, 10)
                    p.setPen(t.c("accent_text"))
                    p.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
                else:
                    p.setFont(num_bold if d.day == 1 else num_font)
                    p.setPen(t.c("text") if d.month == month else t.c("muted"))
                    p.drawText(RectF(rect.left() + 11, rect.top() + 3, rect.width() - 14, 20),
                               Qt.AlignmentFlag.AlignVCenter, label)
                if self.hasFocus() and d == self.anchor:
                    pen = QtGui.QPen(t.c("accent"), 2)
                    p.setPen(pen)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 4, 4)
        # events
        now_wall = ctx.now_wall()
        bar_font = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
        chip_font = painters.ui_font(8.5)
        chip_bold = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
        sel = self.selected_key
        drag = self.drag.preview
        for rect, it, kind, cb, ca in self._draw:
            if kind == "bar":
                # The start time on the first day's bar only; a continuation shows the title.
                text = it.title if it.all_day or cb else \
                    f"{ctx.fmt.time(it.start, True)} {it.title}"
                painters.bar(p, rect, chip_colors(it.color, t, it.end <= now_wall), text,
                             it.key == sel,
                             painters.struck(bar_font) if it.cancelled else bar_font, t, cb, ca)
            else:
                painters.dot_chip(p, rect, chip_colors(it.color, t, it.end <= now_wall),
                                  "" if cb else ctx.fmt.time(it.start, True), it.title,
                                  it.key == sel,
                                  chip_font,
                                  painters.struck(chip_bold) if it.cancelled else chip_bold, t)
        p.setFont(chip_bold)
        p.setPen(t.c("muted"))
        for rect, d in self._more:
            n = self._cell_of(d).hidden
            p.drawText(rect, Qt.AlignmentFlag.AlignVCenter, f"+{n} more")
        if drag is not None and drag.item is not None:
            i = (drag.target.date() - first).days
            if 0 <= i < 42:
                rr = self.cell_rect(i // 7, i % 7).adjusted(1, 1, -1, -1)
                solid = chip_colors(drag.item.color, t).solid
                tint = QtGui.QColor(solid)  # a copy: chip_colors' colours are shared
                tint.setAlpha(40)
                p.fillRect(rr, tint)
                p.setPen(QtGui.QPen(solid, 1.5))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rr)
        p.end()

    # -------------------------------------------------------------- mouse
    def item_at(self, pos: QtCore.QPointF) -> Item | None:
        for rect, it in reversed(self._hits):
            if rect.contains(pos):
                return it
        return None

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:  # a chip or bar cuts its title
            return self.show_item_tooltip(self, event, self._hit)
        return super().event(event)

    def _hit(self, pos: QtCore.QPointF) -> tuple[Item, RectF] | None:
        for rect, it in reversed(self._hits):
            if rect.contains(pos):
                return it, rect
        return None

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        for rect, d in self._more:
            if rect.contains(pos):
                self.show_day_list(d, rect)
                return
        it = self.item_at(pos)
        self.drag.cancel()
        if it is not None:
            self.select_key(it.key)
            self.drag.press((pos.x(), pos.y()), self._wall_at(pos), it, DragMode.MOVE,
                            QtWidgets.QApplication.startDragDistance())
        else:
            d = self.day_at(pos)
            cr = self._rect_of_day(d)
            if cr is not None and pos.y() < cr.top() + DAYNUM_H:
                self.dayActivated.emit(d)
                return
            if self.selected_key:
                self.select_key(None)
            if d != self.anchor:
                self.cursorMoved.emit(d)

    def _rect_of_day(self, d: date) -> RectF | None:
        first, _ = self.visible_range(self.anchor)
        i = (d - first).days
        return self.cell_rect(i // 7, i % 7) if 0 <= i < 42 else None

    def _wall_at(self, pos: QtCore.QPointF) -> datetime:
        """Midnight of the day under ``pos``."""
        return datetime.combine(self.day_at(pos), time())

    def cancel_drag(self) -> bool:
        """Drop a drag in progress (Escape); True if there was one."""
        if self.drag.cancel():
            self.update()
            return True
        return False

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        pos = event.position()
        if not self.drag.pressed:
            it = self.item_at(pos)
            self.setCursor(Qt.CursorShape.PointingHandCursor if it else Qt.CursorShape.ArrowCursor)
            return
        if self.drag.move((pos.x(), pos.y()), self._wall_at(pos)):
            self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        done = self.drag.release()
        self.update()
        if isinstance(done, Change):
            self.changeRequested.emit(done.item, done.start, done.end)

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        pos = event.position()
        self.drag.cancel()
        it = self.item_at(pos)
        if it is not None:
            self.itemActivated.emit(it)
            return
        d = self.day_at(pos)
        s = datetime.combine(d, time())
        self.createRequested.emit(s, s + timedelta(days=1), True)

    def show_day_list(self, d: date, rect: RectF) -> None:
        """The "+N more" popup: every event of day ``d``."""
        menu = QtWidgets.QMenu(self)
        menu.setAccessibleName(f"Events on {d.isoformat()}")
        open_day = menu.addAction(f"Open {self.ctx.fmt.long_date(d)}")
        open_day.triggered.connect(lambda: self.dayActivated.emit(d))
        menu.addSeparator()
        cell = self._cell_of(d)
        for it, label in zip(cell.all_items, self.day_list_labels(d), strict=True):
            act = menu.addAction(swatch(it.color), label)
            act.triggered.connect(lambda _=False, it=it: self._choose(it))
        menu.popup(self.mapToGlobal(rect.bottomLeft().toPoint()))

    def day_list_labels(self, d: date) -> list[str]:
        """The "+N more" popup's lines for day ``d``: a timed event's start time on the
        day it starts, its title alone on the days it continues into."""
        return [it.title if it.spans_days or it.first_day < d
                else f"{self.ctx.fmt.time(it.start)}  {it.title}"
                for it in self._cell_of(d).all_items]

    def _choose(self, it: Item) -> None:
        self.select_key(it.key)
        self.itemActivated.emit(it)

    # ----------------------------------------------------------- keyboard
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        key = event.key()
        moves: dict[int, int] = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1,
                                 Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7}
        if key in moves and not event.modifiers():
            self.cursorMoved.emit(self.anchor + timedelta(days=moves[key]))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            it = self.selected_item()
            if it is not None:
                self.itemActivated.emit(it)
            else:
                self.dayActivated.emit(self.anchor)
        elif key == Qt.Key.Key_Escape and self.cancel_drag():
            pass  # the drag is dropped; the event stays where it was
        elif key == Qt.Key.Key_Escape and self.selected_key:
            self.select_key(None)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self.hasFocus() and self.select_next(forward):
            return True
        return super().focusNextPrevChild(forward)

    def focusInEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
