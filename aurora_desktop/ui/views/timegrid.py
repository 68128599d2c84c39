"""Week, work-week and day views: a 24-hour grid with an all-day row on top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import painters
from aurora_desktop.ui.layout import Bar, Item, Piece, layout_day_columns, layout_span_lanes, week_start_of
from aurora_desktop.ui.models import OccurrenceModel
from aurora_desktop.ui.theme import chip_colors
from aurora_desktop.ui.views.base import CalendarView, ViewContext

GUTTER = 58
HOUR_H = 50
HEADER_H = 60  # day name, the date (in the today circle), the keyboard cursor below it
LANE_H = 22
MAX_LANES = 3
SNAP = 15  # minutes
RESIZE_EDGE = 6
MIN_W = 72  # an event block is never narrower (when the column has room): ~9 letters
INDENT = 10  # px per cascade step
MIN_STEP = 8  # overlapping blocks: at least this much of each shows beside the next

RectF = QtCore.QRectF

# Header geometry (y): day name, the date's circle, a gap, the cursor underline.
NAME_Y = 6
NUM_CY = 36.0  # centre of the date (and of today's circle)
NUM_R = 15.0
CURSOR_Y = NUM_CY + NUM_R + 3  # the underline starts 3 px below the circle
CURSOR_H = 3.0


def snap(dt: datetime, minutes: int = SNAP) -> datetime:
    base = datetime.combine(dt.date(), time())
    m = round((dt - base).total_seconds() / 60 / minutes) * minutes
    return base + timedelta(minutes=m)


def floor_snap(dt: datetime, minutes: int = SNAP) -> datetime:
    base = datetime.combine(dt.date(), time())
    m = int((dt - base).total_seconds() // 60 // minutes) * minutes
    return base + timedelta(minutes=m)


@dataclass
class _Drag:
    mode: str  # "move", "resize", "create", "pending"
    press: QtCore.QPointF
    press_wall: datetime
    item: Item | None
    start: datetime
    end: datetime
    started: bool = False


class TimeGridView(CalendarView):
    """Day (1 column), work week (the work days) or week (7 columns)."""

    def __init__(self, model: OccurrenceModel, ctx: ViewContext, kind: str = "week",
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(model, ctx, parent)
        self.kind = kind
        self.name = kind
        self.setAccessibleName({"day": "Day view", "week": "Week view",
                                "workweek": "Work week view"}[kind])
        self._pieces: list[Piece] = []
        self._bars: list[Bar] = []
        self._days_cache: list[date] = []
        self._days_key: object = None
        self._rects: list[tuple[RectF, Piece]] = []
        self._room: list[tuple[float | None, float | None, bool]] = []
        self._rects_key: object = None
        self.header = _Header(self)
        self.grid = _Grid(self)
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
        if self.kind == "day":
            return anchor, anchor + timedelta(days=1)
        first = week_start_of(anchor, self.ctx.week_start)
        return first, first + timedelta(days=7)

    def step(self, anchor: date, n: int) -> date:
        return anchor + timedelta(days=n if self.kind == "day" else 7 * n)

    def days(self) -> list[date]:
        key = (self.anchor, self.ctx.week_start, self.ctx.work_days)
        if self._days_key != key:
            ds = super().days()
            if self.kind == "workweek":
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


class _Header(QtWidgets.QWidget):
    """Day names and numbers, then the all-day lanes."""

    def __init__(self, view: TimeGridView) -> None:
        super().__init__(view)
        self.view = view
        self.right_margin = 0
        self.setAccessibleName("All-day events")
        self.setMouseTracking(True)
        self._press: tuple[QtCore.QPointF, Bar | None] | None = None
        self._drag_days = 0
        self._create: tuple[int, int] | None = None  # all-day range being dragged out
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
        now = v.ctx.now().astimezone(v.ctx.zone)
        p.drawText(RectF(0, HEADER_H, GUTTER - 8, LANE_H), Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter, now.strftime("%Z") or "")
        font = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
        sel = v.selected_key
        more: dict[int, int] = {}
        for b in v.bars():
            if b.lane >= MAX_LANES and self.lanes() > MAX_LANES + 1:
                for c in range(b.first, b.last + 1):
                    more[c] = more.get(c, 0) + 1
                continue
            r = self.bar_rect(b)
            if self._drag_days and self._press and self._press[1] is b:
                r.translate(self._drag_days * w, 0)
            it = b.item
            # The start time where the event starts; continued from an earlier week: the title.
            text = it.title if it.all_day or b.cont_before else \
                f"{v.ctx.fmt.time(it.start, True)} {it.title}"
            painters.bar(p, r, chip_colors(it.color, t, it.end <= v.ctx.now_wall()), text,
                         it.key == sel, painters.struck(font) if it.cancelled else font, t,
                         b.cont_before, b.cont_after)
        if self._create is not None:
            a, b2 = sorted(self._create)
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

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        b = self._bar_at(pos)
        self._press = (pos, b)
        self._drag_days = 0
        if b is not None:
            self.view.select_key(b.item.key)
        elif pos.y() < HEADER_H and pos.x() > GUTTER:
            self.view.dayActivated.emit(self.view.days()[self._day_at(pos)])
            self._press = None
        elif pos.x() > GUTTER:
            i = self._day_at(pos)
            self._create = (i, i)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._create is not None and self._press is not None:
            moved = (event.position() - self._press[0]).manhattanLength()
            i = self._day_at(event.position())
            if moved >= QtWidgets.QApplication.startDragDistance() and i != self._create[1]:
                self._create = (self._create[0], i)
                self.update()
            return
        if self._press is None or self._press[1] is None:
            b = self._bar_at(event.position())
            self.setCursor(Qt.CursorShape.PointingHandCursor if b else Qt.CursorShape.ArrowCursor)
            return
        d = self._day_at(event.position()) - self._day_at(self._press[0])
        if d != self._drag_days:
            self._drag_days = d
            self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        press, self._press = self._press, None
        days, self._drag_days = self._drag_days, 0
        create, self._create = self._create, None
        if create is not None and press is not None and \
                (event.position() - press[0]).manhattanLength() >= \
                QtWidgets.QApplication.startDragDistance():
            a, b = sorted(create)
            ds = self.view.days()
            s = datetime.combine(ds[a], time())
            self.view.createRequested.emit(s, datetime.combine(ds[b], time()) + timedelta(days=1),
                                           True)
            self.update()
            return
        if press and press[1] is not None and days:
            it = press[1].item
            delta = timedelta(days=days)
            self.view.changeRequested.emit(it, it.start + delta, it.end + delta)
        self.update()

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        pos = event.position()
        self._create = None
        b = self._bar_at(pos)
        if b is not None:
            self.view.itemActivated.emit(b.item)
        elif pos.y() >= HEADER_H:
            d = self.view.days()[self._day_at(pos)]
            s = datetime.combine(d, time())
            self.view.createRequested.emit(s, s + timedelta(days=1), True)


class _Grid(QtWidgets.QWidget):
    """The scrolled 24-hour canvas: gutter, hour lines, events, the now line, drags."""

    def __init__(self, view: TimeGridView) -> None:
        super().__init__(view)
        self.view = view
        self.setMinimumHeight(24 * HOUR_H + 1)
        self.setMouseTracking(True)
        self.setAccessibleName("Time grid")
        self._drag: _Drag | None = None
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
        drag = self._drag if self._drag and self._drag.started else None
        clip_f = RectF(clip)
        top, bottom = clip_f.top(), clip_f.bottom()
        sel = v.selected_key
        for (r, pc), (text_w, text_h, on_top) in zip(v.piece_rects(), v.piece_text_room(),
                                                      strict=True):
            if r.bottom() < top or r.top() > bottom:
                continue
            if drag and drag.item is pc.item and drag.mode in ("move", "resize"):
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

    def _paint_drag(self, p: QtGui.QPainter, d: _Drag, font: QtGui.QFont,
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
    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        v = self.view
        v.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        _, wall = v.wall_at(pos)
        pc = v.piece_at(pos)
        if pc is not None:
            v.select_key(pc.item.key)
            r = v.piece_rect(pc)
            at_edge = r.bottom() - pos.y() <= RESIZE_EDGE and not pc.cont_after
            mode = "resize" if at_edge else "move"
            self._drag = _Drag(mode, pos, wall, pc.item, pc.item.start, pc.item.end)
        else:
            if v.selected_key:
                v.select_key(None)
            s = floor_snap(wall)
            self._drag = _Drag("create", pos, wall, None, s, s + timedelta(minutes=SNAP))

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        v = self.view
        pos = event.position()
        d = self._drag
        if d is None:
            pc = v.piece_at(pos)
            if pc is not None and v.piece_rect(pc).bottom() - pos.y() <= RESIZE_EDGE:
                self.setCursor(Qt.CursorShape.SizeVerCursor)
            elif pc is not None:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.setCursor(Qt.CursorShape.ArrowCursor)
            return
        if not d.started:
            if (pos - d.press).manhattanLength() < QtWidgets.QApplication.startDragDistance():
                return
            d.started = True
        _, wall = v.wall_at(pos)
        if d.mode == "move" and d.item is not None:
            dur = d.item.end - d.item.start
            new_start = snap(d.item.start + (wall - d.press_wall))
            d.start, d.end = new_start, new_start + dur
        elif d.mode == "resize" and d.item is not None:
            d.end = max(snap(wall), d.item.start + timedelta(minutes=SNAP))
        elif d.mode == "create":
            a, b = floor_snap(d.press_wall), snap(wall)
            if b >= a:
                d.start, d.end = a, max(b, a + timedelta(minutes=SNAP))
            else:
                d.start, d.end = b, a + timedelta(minutes=SNAP)
        v.scroll_area.ensureVisible(int(pos.x()), int(pos.y()), 0, 20)
        self.update()

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        d, self._drag = self._drag, None
        self.update()
        if d is None or not d.started:
            return
        v = self.view
        if d.mode == "create":
            v.createRequested.emit(d.start, d.end, False)
        elif d.item is not None and (d.start, d.end) != (d.item.start, d.item.end):
            v.changeRequested.emit(d.item, d.start, d.end)

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        v = self.view
        self._drag = None
        pos = event.position()
        pc = v.piece_at(pos)
        if pc is not None:
            v.itemActivated.emit(pc.item)
            return
        _, wall = v.wall_at(pos)
        s = floor_snap(wall, 30)
        v.createRequested.emit(s, s + timedelta(hours=1), False)
