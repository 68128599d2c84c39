"""The search results panel on the right of the window, and how its rows are painted."""

from __future__ import annotations

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from aurora_desktop.ui.models import ColorRole, SearchModel

ModelIndex = QtCore.QModelIndex | QtCore.QPersistentModelIndex


class ResultDelegate(QtWidgets.QStyledItemDelegate):
    """A result row: the calendar's dot, title, then date and place.

    The dot is painted here, not as the item's icon: the style draws a selected
    row's icon tinted with the selection colour, and a blue calendar's dot on a
    blue selection vanished. Selected, the dot gets a ring in the selection's
    text colour, so it stands out on any accent.
    """

    DOT = 8.0

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: ModelIndex) -> None:
        opt = QtWidgets.QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.icon = QtGui.QIcon()  # keeps the room (HasDecoration), draws nothing there
        widget = opt.widget
        style = widget.style() if widget is not None else QtWidgets.QApplication.style()
        style.drawControl(QtWidgets.QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        colour = index.data(ColorRole)
        if not colour:
            return
        deco = style.subElementRect(QtWidgets.QStyle.SubElement.SE_ItemViewItemDecoration, opt,
                                    widget)
        c = QtCore.QPointF(deco.center()) if deco.isValid() else \
            QtCore.QPointF(opt.rect.left() + 12, opt.rect.center().y())
        selected = bool(opt.state & QtWidgets.QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        r = self.DOT / 2
        if selected:
            ring = opt.palette.color(QtGui.QPalette.ColorRole.HighlightedText)
            painter.setPen(QtGui.QPen(ring, 2))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(colour))
        painter.drawEllipse(c, r, r)
        painter.restore()


class SearchPanel(QtWidgets.QWidget):
    """Heading ("3 RESULTS"), the result list and a close button.

    Esc closes it from anywhere in the window while it is shown: the search
    field, the list, or the view that Enter jumped to (``closeRequested``).
    The search controller (ui/search_controller.py) shows and hides it.
    """

    closeRequested = Signal()
    chosen = Signal(QtCore.QModelIndex)

    def __init__(self, model: SearchModel, window: QtWidgets.QWidget) -> None:
        super().__init__()
        self.setObjectName("searchPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(300)
        self.heading = QtWidgets.QLabel("SEARCH RESULTS")
        self.heading.setObjectName("sidebarHeading")
        self.list = QtWidgets.QListView()
        self.list.setObjectName("searchResults")
        self.list.setAccessibleName("Search results")
        self.list.setModel(model)
        self.list.setWordWrap(True)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.activated.connect(self.chosen)
        self.list.clicked.connect(self.chosen)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setObjectName("closeSearch")
        self.close_button.setAccessibleName("Close search results")
        self.close_button.setToolTip("Close search results (Esc)")
        self.close_button.clicked.connect(self.closeRequested)
        head = QtWidgets.QHBoxLayout()
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.close_button)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 10)
        lay.addLayout(head)
        lay.addWidget(self.list, 1)
        self._window = window
        self.hide()

    def setVisible(self, visible: bool) -> None:
        was = self.isVisible()
        super().setVisible(visible)
        app = QtWidgets.QApplication.instance()
        if app is None or was == visible:
            return
        # Esc anywhere in the window closes the panel while it shows: in the
        # search field, the list, or the view Enter jumped to (where Esc would
        # otherwise only clear the selection). Filtered only while shown.
        if visible:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.KeyPress and isinstance(event, QtGui.QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape and not event.modifiers() \
                and isinstance(obj, QtWidgets.QWidget) and obj.window() is self._window \
                and QtWidgets.QApplication.activePopupWidget() is None \
                and QtWidgets.QApplication.activeModalWidget() is None:
            self.closeRequested.emit()
            return True
        return False
