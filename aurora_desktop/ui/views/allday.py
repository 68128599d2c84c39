"""The time grid's top: day names and dates, then the all-day lanes (bars you can drag)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import painters
from aurora_desktop.ui.colors import chip_colors
from aurora_desktop.ui.layout import Bar, Item
from aurora_desktop.ui.views.gesture import DAY_CELLS, Change, Create, DragMode, DragTracker
from aurora_desktop.ui.views.grid_metrics import GUTTER

if TYPE_CHECKING:
    from aurora_desktop.ui.views.timegrid import TimeGridView

HEADER_H = 60  # day name, the date (in the today circle), the keyboard cursor below it
LANE_H = 22
MAX_LANES = 3

RectF = QtCore.QRectF

# Header geometry (y): day name, the date's circle, a gap, the cursor underline.
NAME_Y = 6
NUM_CY = 36.0  # centre of the date (and of today's circle)
NUM_R = 15.0
CURSOR_Y = NUM_CY + NUM_R + 3  # the underline starts 3 px below the circle
CURSOR_H = 3.0


class AllDayRow(QtWidgets.QWidget):
    """Day names and numbers, then the all-day lanes.

    Drags: a bar moves by whole days; dragging across empty lanes makes an
    all-day event over those days. A click on a day's name opens that day.
    """

    def __init__(self, view: TimeGridView) -> None:
        super().__init__(view)
        self.view = view
        self.right_margin = 0
        self.setAccessibleName("All-day events")
        self.setMouseTracking(True)
        self.drag: DragTracker[Item] = DragTracker(DAY_CELLS)
        self.relayout()

    def lanes(self) -> int:
        return max((b.lane + 1 for b in self.view.bars()), default=0)

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:
            return self.view.show_item_tooltip(self, event, self._hit)
        return super().event(event)

    def _hit(self, pos: QtCore.QPointF) -> tuple[Item, RectF] | None:
        b = self._bar_at(pos)
        return None if b is None else (b.item, self.bar_rect(b))

    def relayout(self) -> None:
        lanes = min(self.lanes(), MAX_LANES + 1)
        self.setFixedHeight(HEADER_H + max(lanes, 1) * LANE_H + 6)
        self.update()

    def _colw(self) -> float:
        n = max(len(self.view.days()), 1)
        return max((self.width() - GUTTER - self.right_margin) / n, 1)

    def bar_rect(self, b: Bar) -> RectF:
        w = self._colw()
        x0 = GUTTER + b.first * w + 2
        x1 = GUTTER + (b.last + 1) * w - 3
        return RectF(x0, HEADER_H + b.lane * LANE_H + 1, x1 - x0, LANE_H - 3)

    def cursor_rect(self, i: int) -> RectF:
        """The keyboard cursor's underline below day ``i``'s date."""
        w = self._colw()
        return RectF(GUTTER + i * w + w / 2 - 14, CURSOR_Y, 28, CURSOR_H)

    def week_label(self) -> str:
        """"W48": the ISO week of the shown days, when week numbers are on ('' if off).

        A week that starts on Sunday shows the week of its Monday (ISO weeks
        begin on Monday), as the month view does.
        """
        if not self.view.ctx.week_numbers:
            return ""
        days = self.view.days()
        if not days:
            return ""
        first = days[0]
        monday = first + timedelta(days=(1 - first.isoweekday()) % 7) if len(days) > 1 else first
        return f"W{monday.isocalendar()[1]}"

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        v = self.view
        t = v.ctx.theme
        p = QtGui.QPainter(self)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), t.c("surface"))
        days = v.days()
        w = self._colw()
        today = v.ctx.today()
        small = painters.ui_font(8, QtGui.QFont.Weight.DemiBold)
        big = painters.ui_font(15, QtGui.QFont.Weight.Normal)
        bold_big = painters.ui_font(15, QtGui.QFont.Weight.DemiBold)
        for i, d in enumerate(days):
            x = GUTTER + i * w
            is_today = d == today
            p.setFont(small)
            p.setPen(t.c("accent") if is_today else t.c("muted"))
            label = v.ctx.fmt.day_name(d).upper().rstrip(".")
            p.drawText(RectF(x, NAME_Y, w, 16), Qt.AlignmentFlag.AlignHCenter, label)
            num = str(d.day)
            if is_today:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(t.c("accent"))
                p.drawEllipse(QtCore.QPointF(x + w / 2, NUM_CY), NUM_R, NUM_R)
                p.setPen(t.c("accent_text"))
                p.setFont(bold_big)
            else:
                p.setPen(t.c("text") if d.isoweekday() < 6 else t.c("muted"))
                p.setFont(big)
            p.drawText(RectF(x, NUM_CY - NUM_R, w, 2 * NUM_R), Qt.AlignmentFlag.AlignCenter, num)
            if d == v.anchor and v.hasFocus() and len(days) > 1:
                # the keyboard's day cursor, below the date and clear of today's circle
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(t.c("accent"))
                p.drawRoundedRect(self.cursor_rect(i), 1.5, 1.5)
            p.setPen(QtGui.QPen(t.c("grid"), 1))
            if i > 0:
                p.drawLine(QtCore.QPointF(x + 0.5, HEADER_H - 4), QtCore.QPointF(x + 0.5,
                                                                                 self.height()))
        p.setFont(painters.ui_font(7.5))
        p.setPen(t.c("muted"))
        week = self.week_label()
        if week:  # the ISO week number in the corner, level with the dates
            p.setFont(painters.ui_font(8, QtGui.QFont.Weight.DemiBold))
            p.drawText(RectF(0, NUM_CY - NUM_R, GUTTER - 8, 2 * NUM_R),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, week)
            p.setFont(painters.ui_font(7.5))
        # zone label in the gutter
        now = v.ctx.now().astimezone(v.ctx.zone.tz)
        p.drawText(RectF(0, HEADER_H, GUTTER - 8, LANE_H), Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter, now.strftime("%Z") or "")
        font = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
        sel = v.selected_key
        drag = self.drag.preview
        more: dict[int, int] = {}
        for b in v.bars():
            if b.lane >= MAX_LANES and self.lanes() > MAX_LANES + 1:
                for c in range(b.first, b.last + 1):
                    more[c] = more.get(c, 0) + 1
                continue
            r = self.bar_rect(b)
            if drag is not None and drag.item is b.item:
                r.translate(self._columns_moved(drag.origin, drag.target, days) * w, 0)
            it = b.item
            # The start time where the event starts; continued from an earlier week: the title.
            text = it.title if it.all_day or b.cont_before else \
                f"{v.ctx.fmt.time(it.start, True)} {it.title}"
            painters.bar(p, r, chip_colors(it.color, t, it.end <= v.ctx.now_wall()), text,
                         it.key == sel, painters.struck(font) if it.cancelled else font, t,
                         b.cont_before, b.cont_after)
        if drag is not None and drag.mode is DragMode.CREATE:
            a = self._column_of(drag.start.date(), days)
            b2 = self._column_of((drag.end - timedelta(days=1)).date(), days)
            ghost = t.c("accent")
            ghost.setAlpha(60)
            p.setPen(QtGui.QPen(t.c("accent"), 1))
            p.setBrush(ghost)
            p.drawRoundedRect(RectF(GUTTER + a * w + 2, HEADER_H + 1, (b2 - a + 1) * w - 5,
                                    LANE_H - 3), 4, 4)
        p.setFont(painters.ui_font(8, QtGui.QFont.Weight.DemiBold))
        p.setPen(t.c("muted"))
        for c, n in more.items():
            p.drawText(RectF(GUTTER + c * w + 6, HEADER_H + MAX_LANES * LANE_H, w, LANE_H),
                       Qt.AlignmentFlag.AlignVCenter, f"+{n} more")
        p.setPen(QtGui.QPen(t.c("grid_strong"), 1))
        p.drawLine(QtCore.QPointF(0, self.height() - 0.5),
                   QtCore.QPointF(self.width(), self.height() - 0.5))
        p.end()

    def _bar_at(self, pos: QtCore.QPointF) -> Bar | None:
        for b in self.view.bars():
            if b.lane < MAX_LANES + 1 and self.bar_rect(b).contains(pos):
                return b
        return None

    def _day_at(self, pos: QtCore.QPointF) -> int:
        n = len(self.view.days())
        return min(max(int((pos.x() - GUTTER) // self._colw()), 0), n - 1)

    def _wall_at(self, pos: QtCore.QPointF) -> datetime:
        """Midnight of the day under ``pos``."""
        return datetime.combine(self.view.days()[self._day_at(pos)], time())

    @staticmethod
    def _column_of(d: date, days: list[date]) -> int:
        return days.index(d) if d in days else 0

    def _columns_moved(self, origin: datetime, target: datetime, days: list[date]) -> int:
        return self._column_of(target.date(), days) - self._column_of(origin.date(), days)

    def cancel_drag(self) -> bool:
        """Drop a drag in progress (Escape); True if there was one."""
        if self.drag.cancel():
            self.update()
            return True
        return False

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        b = self._bar_at(pos)
        xy = (pos.x(), pos.y())
        threshold = QtWidgets.QApplication.startDragDistance()
        if b is not None:
            self.view.select_key(b.item.key)
            self.drag.press(xy, self._wall_at(pos), b.item, DragMode.MOVE, threshold)
        elif pos.y() < HEADER_H and pos.x() > GUTTER:
            self.drag.cancel()
            self.view.dayActivated.emit(self.view.days()[self._day_at(pos)])
        elif pos.x() > GUTTER:
            self.drag.press(xy, self._wall_at(pos), None, DragMode.CREATE, threshold)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        pos = event.position()
        if not self.drag.pressed:
            b = self._bar_at(pos)
            self.setCursor(Qt.CursorShape.PointingHandCursor if b else Qt.CursorShape.ArrowCursor)
            return
        if self.drag.move((pos.x(), pos.y()), self._wall_at(pos)):
            self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        done = self.drag.release()
        self.update()
        if isinstance(done, Create):
            self.view.createRequested.emit(done.start, done.end, True)
        elif isinstance(done, Change):
            self.view.changeRequested.emit(done.item, done.start, done.end)

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        pos = event.position()
        self.drag.cancel()
        b = self._bar_at(pos)
        if b is not None:
            self.view.itemActivated.emit(b.item)
        elif pos.y() >= HEADER_H:
            d = self.view.days()[self._day_at(pos)]
            s = datetime.combine(d, time())
            self.view.createRequested.emit(s, s + timedelta(days=1), True)
