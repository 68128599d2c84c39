"""The sidebar: new-event button, mini month navigator and the calendar list."""

from __future__ import annotations

from datetime import date

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from aurora_desktop.ui.models import CalendarListModel


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
        self.setFixedHeight(220)
        for name in ("qt_calendar_prevmonth", "qt_calendar_nextmonth"):
            btn = self.findChild(QtWidgets.QToolButton, name)
            if btn is not None:
                btn.setAccessibleName("Previous month" if "prev" in name else "Next month")

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
        self.setFixedWidth(250)
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
        self.list.setIconSize(QtCore.QSize(12, 12))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.doubleClicked.connect(
            lambda idx: self.editCalendarRequested.emit(calendars.calendar_at(idx.row()).id))
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

    def set_icons(self, make: object) -> None:
        for b in (self.add_button, self.edit_button, self.delete_button):
            b.setIcon(make(b.property("iconName")))  # type: ignore[operator]

    def _with_current(self, signal: QtCore.SignalInstance) -> None:
        idx = self.list.currentIndex()
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
