"""The notice after an edit: "Deleted “Lunch”  [Undo]", and after undo or redo.

A small floating bar at the bottom of the main window, over the calendar,
for a few seconds. It follows the window's undo stack, so every undoable
edit (create, edit, move, resize, delete, from the mouse, the keyboard or
the editor) and every undo and redo (Ctrl+Z, Ctrl+Shift+Z, the Edit menu or
its own button) says what happened and offers the way back.
"""

from __future__ import annotations

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, is_alive
from aurora_desktop.ui.commands import again_text, done_text

SHOWN_MS = 8000
MARGIN = 18


class UndoNotice(QtWidgets.QFrame):
    """Follows ``stack``; floats at the bottom centre of ``parent``'s central widget."""

    def __init__(self, stack: QtGui.QUndoStack, parent: QtWidgets.QMainWindow) -> None:
        super().__init__(parent)
        self.setObjectName("undoNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Notice")
        self.stack = stack
        self._index = stack.index()
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("undoNoticeText")
        self.button = QtWidgets.QPushButton("Undo")
        self.button.setObjectName("undoNoticeButton")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay in the calendar
        self.button.clicked.connect(self._act)
        self.close_button = QtWidgets.QToolButton()
        self.close_button.setObjectName("undoNoticeClose")
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.hide)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(16, 6, 8, 6)
        lay.setSpacing(12)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        lay.addWidget(self.close_button)
        self._redo = False
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self.hide)
        stack.indexChanged.connect(self._on_index)
        parent.installEventFilter(self)
        self.hide()

    # ------------------------------------------------------------ stack
    def _on_index(self, index: int) -> None:
        if not (is_alive(self.stack) and is_alive(self)):  # the window is being destroyed
            return
        before, self._index = self._index, index
        if index < before:  # undone
            cmd = self.stack.command(index)
            if cmd is None:  # the stack was cleared
                self.hide()
                return
            self.say(again_text(cmd.text(), undone=True), redo=True)
        elif index > before:
            cmd = self.stack.command(index - 1)
            if cmd is None:
                return
            if getattr(cmd, "_noticed", False):  # done again
                self.say(again_text(cmd.text(), undone=False), redo=False)
            else:  # a new edit
                cmd._noticed = True  # type: ignore[attr-defined]
                self.say(done_text(cmd.text()), redo=False)

    def say(self, text: str, *, redo: bool) -> None:
        self._redo = redo
        self.label.setText(text)
        self.button.setText("Redo" if redo else "Undo")
        keys = "Ctrl+Shift+Z" if redo else "Ctrl+Z"
        self.button.setToolTip(f"{self.button.text()} ({keys})")
        self.button.setAccessibleName(self.button.text())
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start()

    def _act(self) -> None:
        if self._redo:
            self.stack.redo()
        else:
            self.stack.undo()

    # ---------------------------------------------------------- geometry
    def _place(self) -> None:
        win = self.parentWidget()
        if not isinstance(win, QtWidgets.QMainWindow):
            return
        area = win.centralWidget()
        rect = area.geometry() if area is not None else win.rect()
        width = min(max(self.sizeHint().width(), 320), max(rect.width() - 2 * MARGIN, 200))
        height = self.sizeHint().height()
        self.setGeometry(rect.x() + (rect.width() - width) // 2,
                         rect.bottom() - height - MARGIN, width, height)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self.parentWidget() and event.type() == QtCore.QEvent.Type.Resize and \
                self.isVisible():
            self._place()
        return super().eventFilter(obj, event)


def install_undo_notice(window: QtWidgets.QMainWindow, stack: QtGui.QUndoStack) -> UndoNotice:
    return UndoNotice(stack, window)
