"""The sidebar: new-event button, mini month navigator and the calendar list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from aurora_desktop.ui.models import CalendarListModel, ModelIndex


class MiniMonth(QtWidgets.QCalendarWidget):
    """A compact month navigator; ``dayChosen(date)`` when the user picks a day."""

    dayChosen = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Month navigator")
        self.setGridVisible(False)
        self.setVerticalHeaderFormat(QtWidgets.QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(
            QtWidgets.QCalendarWidget.HorizontalHeaderFormat.SingleLetterDayNames)
        self.setNavigationBarVisible(True)
        self.clicked.connect(self._chosen)
        self.activated.connect(self._chosen)
        self.setFixedHeight(214)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                           QtWidgets.QSizePolicy.Policy.Fixed)
        table = self.findChild(QtWidgets.QTableView, "qt_calendar_calendarview")
        if table is not None:  # seven equal columns whatever the width
            header = table.horizontalHeader()
            header.setMinimumSectionSize(16)
            header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        f = self.font()
        f.setPointSizeF(max(f.pointSizeF() - 1, 8))
        self.setFont(f)
        for name in ("qt_calendar_prevmonth", "qt_calendar_nextmonth"):
            btn = self.findChild(QtWidgets.QToolButton, name)
            if btn is not None:
                btn.setAccessibleName("Previous month" if "prev" in name else "Next month")

    def set_arrow_icons(self, left: QtGui.QIcon, right: QtGui.QIcon) -> None:
        for name, ic in (("qt_calendar_prevmonth", left), ("qt_calendar_nextmonth", right)):
            btn = self.findChild(QtWidgets.QToolButton, name)
            if btn is not None:
                btn.setIcon(ic)
                btn.setIconSize(QtCore.QSize(16, 16))

    def _chosen(self, qd: QtCore.QDate) -> None:
        self.dayChosen.emit(date(qd.year(), qd.month(), qd.day()))

    def show_date(self, d: date, first_weekday: int) -> None:
        self.blockSignals(True)
        self.setFirstDayOfWeek(Qt.DayOfWeek(first_weekday))
        self.setSelectedDate(QtCore.QDate(d.year, d.month, d.day))
        self.blockSignals(False)

    def style_for(self, text: str, muted: str, accent: str) -> None:
        fmt = QtGui.QTextCharFormat()
        fmt.setForeground(QtGui.QColor(text))
        for d in range(1, 8):
            self.setWeekdayTextFormat(Qt.DayOfWeek(d), fmt)
        head = QtGui.QTextCharFormat()
        head.setForeground(QtGui.QColor(muted))
        head.setFontWeight(QtGui.QFont.Weight.DemiBold)
        self.setHeaderTextFormat(head)
        today = QtGui.QTextCharFormat()
        today.setForeground(QtGui.QColor(accent))
        today.setFontWeight(QtGui.QFont.Weight.Bold)
        self.setDateTextFormat(QtCore.QDate(), QtGui.QTextCharFormat())
        self.setDateTextFormat(QtCore.QDate.currentDate(), today)


class CalendarDelegate(QtWidgets.QStyledItemDelegate):
    """A calendar row: a check box in the calendar's colour, then its name.

    Clicking the box (or pressing Space on the row) shows or hides the calendar.
    """

    BOX = 16

    def sizeHint(self, option: QtWidgets.QStyleOptionViewItem,
                 index: ModelIndex) -> QtCore.QSize:
        return QtCore.QSize(180, 30)

    def _box(self, rect: QtCore.QRect) -> QtCore.QRectF:
        return QtCore.QRectF(rect.left() + 8, rect.center().y() - self.BOX / 2 + 1, self.BOX,
                             self.BOX)

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: ModelIndex) -> None:
        model = index.model()
        cal = model.calendar_at(index.row()) if isinstance(model, CalendarListModel) else None
        if cal is None:
            return
        pal = option.palette
        p.save()
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = QtCore.QRectF(option.rect).adjusted(2, 1, -2, -1)
        state = option.state
        if state & QtWidgets.QStyle.StateFlag.State_Selected or \
                state & QtWidgets.QStyle.StateFlag.State_MouseOver:
            bg = QtGui.QColor(pal.color(QtGui.QPalette.ColorRole.Mid))
            bg.setAlpha(70 if state & QtWidgets.QStyle.StateFlag.State_Selected else 40)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(bg)
            p.drawRoundedRect(r, 6, 6)
        if state & QtWidgets.QStyle.StateFlag.State_HasFocus and \
                option.widget is not None and option.widget.hasFocus():
            p.setPen(QtGui.QPen(pal.color(QtGui.QPalette.ColorRole.Highlight), 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 6, 6)
        box = self._box(option.rect)
        color = QtGui.QColor(cal.color)
        if cal.visible:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(box, 4, 4)
            pen = QtGui.QPen(QtGui.QColor("#ffffff"), 2)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            path = QtGui.QPainterPath()
            path.moveTo(box.left() + 4, box.center().y())
            path.lineTo(box.left() + 7, box.bottom() - 4.5)
            path.lineTo(box.right() - 3.5, box.top() + 4.5)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        else:
            p.setPen(QtGui.QPen(color, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(box.adjusted(1, 1, -1, -1), 4, 4)
        text_r = QtCore.QRectF(box.right() + 10, r.top(), r.right() - box.right() - 12, r.height())
        p.setPen(pal.color(QtGui.QPalette.ColorRole.Text) if cal.visible else
                 pal.color(QtGui.QPalette.ColorRole.PlaceholderText))
        p.setFont(option.font)
        name = cal.name + (" (read-only)" if cal.read_only else "")
        if isinstance(model, CalendarListModel) and model.source(cal.id):
            name = cal.name + " (subscribed)"
        problem = model.problem(cal.id) if isinstance(model, CalendarListModel) else None
        if problem:  # a subscription whose last refresh failed: a marker, the reason on hover
            mark = QtCore.QRectF(text_r.right() - 18, text_r.top(), 18, text_r.height())
            p.save()
            p.setPen(QtGui.QColor("#d97706"))
            p.drawText(mark, Qt.AlignmentFlag.AlignCenter, "\u26a0")
            p.restore()
            text_r.setRight(text_r.right() - 20)
        p.drawText(text_r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   option.fontMetrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                                 int(text_r.width())))
        p.restore()

    def editorEvent(self, event: QtCore.QEvent, model: QtCore.QAbstractItemModel,
                    option: QtWidgets.QStyleOptionViewItem, index: ModelIndex) -> bool:
        toggle = False
        if event.type() == QtCore.QEvent.Type.MouseButtonRelease and \
                isinstance(event, QtGui.QMouseEvent):
            pos = event.position()
            toggle = self._box(option.rect).adjusted(-4, -4, 4, 4).contains(pos)
        elif event.type() == QtCore.QEvent.Type.KeyPress and isinstance(event, QtGui.QKeyEvent):
            toggle = event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
        if toggle:
            checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            model.setData(index, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked,
                          Qt.ItemDataRole.CheckStateRole)
            return True
        return False


class Sidebar(QtWidgets.QWidget):
    newEventRequested = Signal()
    addCalendarRequested = Signal()
    editCalendarRequested = Signal(str)
    deleteCalendarRequested = Signal(str)

    def __init__(self, calendars: CalendarListModel,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(266)
        self.model = calendars
        self.new_button = QtWidgets.QPushButton("New event")
        self.new_button.setObjectName("newEventButton")
        self.new_button.setAccessibleName("New event")
        self.new_button.setToolTip("New event (Ctrl+N)")
        self.new_button.clicked.connect(self.newEventRequested)
        self.mini = MiniMonth(self)
        heading = QtWidgets.QLabel("CALENDARS")
        heading.setObjectName("sidebarHeading")
        self.add_button = self._tool("plus", "Add calendar", self.addCalendarRequested.emit)
        self.edit_button = self._tool("edit", "Rename or recolour calendar",
                                      lambda: self._with_current(self.editCalendarRequested))
        self.delete_button = self._tool("trash", "Delete calendar",
                                        lambda: self._with_current(self.deleteCalendarRequested))
        head = QtWidgets.QHBoxLayout()
        head.addWidget(heading)
        head.addStretch(1)
        for b in (self.add_button, self.edit_button, self.delete_button):
            head.addWidget(b)
        self.list = QtWidgets.QListView()
        self.list.setObjectName("calendarList")
        self.list.setAccessibleName("Calendars")
        self.list.setModel(calendars)
        self.list.setItemDelegate(CalendarDelegate(self.list))
        self.list.setMouseTracking(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.doubleClicked.connect(
            lambda idx: self._with_index(idx, self.editCalendarRequested))
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        lay.setSpacing(6)
        lay.addWidget(self.new_button)
        lay.addSpacing(6)
        lay.addWidget(self.mini)
        lay.addLayout(head)
        lay.addWidget(self.list, 1)

    def _tool(self, icon_name: str, text: str, slot: object) -> QtWidgets.QToolButton:
        b = QtWidgets.QToolButton()
        b.setObjectName("sidebarButton")
        b.setProperty("iconName", icon_name)
        b.setToolTip(text)
        b.setAccessibleName(text)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        return b

    def set_icons(self, make: Callable[[str], QtGui.QIcon]) -> None:
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setIcon(make(b.property("iconName")))

    def _with_current(self, signal: QtCore.SignalInstance) -> None:
        self._with_index(self.list.currentIndex(), signal)

    def _with_index(self, idx: QtCore.QModelIndex, signal: QtCore.SignalInstance) -> None:
        cal = self.model.calendar_at(idx.row()) if idx.isValid() else None
        if cal is not None:
            signal.emit(cal.id)

    def _menu(self, pos: QtCore.QPoint) -> None:
        idx = self.list.indexAt(pos)
        menu = QtWidgets.QMenu(self)
        if idx.isValid():
            cal = self.model.calendar_at(idx.row())
            if cal is not None:
                menu.addAction("Rename or recolour…",
                               lambda: self.editCalendarRequested.emit(cal.id))
                menu.addAction("Delete…", lambda: self.deleteCalendarRequested.emit(cal.id))
                menu.addSeparator()
        menu.addAction("New calendar…", self.addCalendarRequested.emit)
        menu.exec(self.list.viewport().mapToGlobal(pos))
