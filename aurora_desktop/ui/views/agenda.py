"""The agenda: upcoming occurrences grouped by day, loading more as you scroll."""

from __future__ import annotations

from datetime import date, timedelta

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from aurora_desktop.ui import painters
from aurora_desktop.ui.colors import chip_colors
from aurora_desktop.ui.layout import Item
from aurora_desktop.ui.models import (
    AgendaModel,
    DateRole,
    ItemRole,
    KindRole,
    ModelIndex,
    OccurrenceModel,
)
from aurora_desktop.ui.views.base import CalendarView, ViewContext
from aurora_desktop.ui.views.kinds import ViewKind

RectF = QtCore.QRectF


class AgendaDelegate(QtWidgets.QStyledItemDelegate):
    """Paints day headers and event rows (colour bar, time column, title, location)."""

    def __init__(self, ctx: ViewContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem,
                 index: ModelIndex) -> QtCore.QSize:
        if index.data(KindRole) == "day":
            return QtCore.QSize(200, 44)
        it: Item = index.data(ItemRole)
        two_lines = it.occ.event.location or it.first_day != it.last_day
        return QtCore.QSize(200, 50 if two_lines else 38)

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: ModelIndex) -> None:
        ctx = self.ctx
        t = ctx.theme
        r = RectF(option.rect)
        p.save()
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        if index.data(KindRole) == "day":
            d: date = index.data(DateRole)
            today = ctx.today()
            p.fillRect(r, t.c("surface"))
            p.setFont(painters.ui_font(11, QtGui.QFont.Weight.DemiBold))
            p.setPen(t.c("accent") if d == today else t.c("text"))
            rel = {today: "Today", today + timedelta(days=1): "Tomorrow"}.get(d)
            label = ctx.fmt.long_date(d) + (f"  ·  {rel}" if rel else "")
            p.drawText(r.adjusted(24, 12, -12, 0), Qt.AlignmentFlag.AlignLeft
                       | Qt.AlignmentFlag.AlignVCenter, label)
            p.setPen(QtGui.QPen(t.c("grid"), 1))
            p.drawLine(QtCore.QPointF(r.left() + 24, r.bottom() - 0.5),
                       QtCore.QPointF(r.right() - 24, r.bottom() - 0.5))
            p.restore()
            return
        it: Item = index.data(ItemRole)
        selected = bool(option.state & QtWidgets.QStyle.StateFlag.State_Selected)
        cc = chip_colors(it.color, t, it.end <= ctx.now_wall())
        row = r.adjusted(16, 2, -16, -2)
        if selected:
            path = QtGui.QPainterPath()
            path.addRoundedRect(row, 6, 6)
            p.fillPath(path, cc.fill)
        elif option.state & QtWidgets.QStyle.StateFlag.State_MouseOver:
            path = QtGui.QPainterPath()
            path.addRoundedRect(row, 6, 6)
            p.fillPath(path, t.c("surface_alt"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(cc.solid)
        p.drawRoundedRect(RectF(row.left() + 8, row.top() + 7, 4, row.height() - 14), 2, 2)
        time_w = 150
        p.setFont(painters.ui_font(9))
        p.setPen(t.c("muted"))
        when, part = when_text(it, index.data(DateRole), ctx)
        p.drawText(RectF(row.left() + 22, row.top() + 10, time_w, 18), Qt.AlignmentFlag.AlignLeft,
                   when)
        x = row.left() + 22 + time_w
        title_font = painters.ui_font(9.5, QtGui.QFont.Weight.DemiBold)
        p.setFont(painters.struck(title_font) if it.cancelled else title_font)
        p.setPen(t.c("text"))
        fm = QtGui.QFontMetrics(p.font())
        p.drawText(RectF(x, row.top() + 9, row.right() - x - 8, 20), Qt.AlignmentFlag.AlignLeft,
                   painters.elide(fm, it.title, row.right() - x - 150))
        p.setFont(painters.ui_font(8.5))
        p.setPen(t.c("muted"))
        p.drawText(RectF(row.right() - 150, row.top() + 10, 140, 18), Qt.AlignmentFlag.AlignRight,
                   it.calendar_name)
        # Second line: where, and for an event of several days which day this is of them.
        second = "  ·  ".join(t for t in (it.occ.event.location, part) if t)
        if second:
            fm = QtGui.QFontMetrics(p.font())
            p.drawText(RectF(x, row.top() + 27, row.right() - x - 8, 18),
                       Qt.AlignmentFlag.AlignLeft, painters.elide(fm, second, row.right() - x - 8))
        p.restore()


def when_text(it: Item, day: date, ctx: ViewContext) -> tuple[str, str]:
    """The time column of an agenda row for ``it`` listed on ``day``, and for an event of
    several days a second line: "Day 2 of 3 · until Fri 27 Nov, 14:00"."""
    fmt = ctx.fmt
    if it.first_day == it.last_day:
        return ("All day" if it.all_day else f"{fmt.time(it.start)} – {fmt.time(it.end)}"), ""
    n = (it.last_day - it.first_day).days + 1
    k = (day - it.first_day).days + 1
    if it.all_day:
        when = "All day"
        until = fmt.short_date(it.last_day)
    else:
        when = ("All day" if it.first_day < day < it.last_day
                else f"From {fmt.time(it.start)}" if day == it.first_day
                else f"Until {fmt.time(it.end)}")
        until = f"{fmt.short_date(it.end.date())}, {fmt.time(it.end)}"
    return when, f"Day {k} of {n} · until {until}"


class AgendaView(CalendarView):
    """A list of upcoming days; scrolling to the end fetches the next month."""

    name = ViewKind.AGENDA
    listed = Signal()  # what the agenda lists changed (reload, or more days fetched)

    def __init__(self, model: OccurrenceModel, agenda: AgendaModel, ctx: ViewContext,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(model, ctx, parent)
        self.setAccessibleName("Agenda view")
        self.agenda = agenda
        self.list = QtWidgets.QListView(self)
        self.list.setObjectName("agenda")
        self.list.setAccessibleName("Upcoming events")
        self.list.setModel(agenda)
        self.list.setItemDelegate(AgendaDelegate(ctx, self.list))
        self.list.setMouseTracking(True)
        self.list.setVerticalScrollMode(QtWidgets.QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(False)
        self.list.activated.connect(self._activated)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list)
        self.setFocusProxy(self.list)
        agenda.modelReset.connect(self.listed)
        agenda.rowsInserted.connect(self.listed)

    def status_text(self) -> str:
        """The status bar's words for the agenda: the days it lists and how many events
        are on them, as it lists them (an event of several days counts once)."""
        fmt = self.ctx.fmt
        first, last = self.agenda.start, self.agenda.loaded_to - timedelta(days=1)
        n = self.agenda.listed_count()
        return (f"{fmt.short_date(first)} – {fmt.short_date(last)}  ·  "
                f"{n} event{'s' if n != 1 else ''}")

    def visible_range(self, anchor: date) -> tuple[date, date]:
        return anchor, anchor + timedelta(days=AgendaModel.CHUNK_DAYS)

    def step(self, anchor: date, n: int) -> date:
        return anchor + timedelta(days=AgendaModel.CHUNK_DAYS * n)

    def set_anchor(self, anchor: date) -> None:
        super().set_anchor(anchor)
        self.reload()

    def reload(self) -> None:
        """Read the agenda again from the anchor (navigation or a store change)."""
        key = self.selected_key
        self.agenda.reset_to(self.anchor)
        if key:
            self._select_row(self.agenda.row_of_key(key))

    def _on_loaded(self) -> None:
        pass  # the agenda reads through its own model (see reload)

    def _activated(self, index: QtCore.QModelIndex) -> None:
        it = index.data(ItemRole)
        if it is not None:
            self.itemActivated.emit(it)

    def _current_changed(self, cur: QtCore.QModelIndex, _prev: QtCore.QModelIndex) -> None:
        it = cur.data(ItemRole) if cur.isValid() else None
        self.selected_key = it.key if it is not None else None
        self._selected_item = it
        self.selectionChanged.emit(it)

    def selected_item(self) -> Item | None:
        idx = self.list.currentIndex()
        return idx.data(ItemRole) if idx.isValid() else None

    def select_key(self, key: str | None) -> None:
        self.selected_key = key
        if key is None:
            self.list.clearSelection()
            return
        row = self.agenda.row_of_key(key)
        while row < 0 and self.agenda.canFetchMore(QtCore.QModelIndex()) and \
                (self.agenda.loaded_to - self.anchor).days < 400:
            self.agenda.fetchMore(QtCore.QModelIndex())
            row = self.agenda.row_of_key(key)
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        idx = self.agenda.index(row)
        self.list.setCurrentIndex(idx)
        self.list.scrollTo(idx, QtWidgets.QAbstractItemView.ScrollHint.PositionAtCenter)

    def visible_items(self) -> list[Item]:
        return [self.agenda.index(r).data(ItemRole) for r in self.agenda.item_rows()]

    def update_view(self) -> None:
        self.list.viewport().update()
