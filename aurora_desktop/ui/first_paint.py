"""Work that waits until the window has been painted once, so the window shows sooner.

``after_first_paint(widget, callback)`` runs ``callback`` once, from the event
loop, right after ``widget`` was first painted: the user sees the calendar
before the idle work (prefetching the next page, building the account, sync
and reminder services) runs. ``at_latest_ms`` runs it after that long even if
no paint came (a window that was never exposed).
"""

from __future__ import annotations

from collections.abc import Callable

from aurora_desktop.qt import QtCore, QtWidgets, is_alive

__all__ = ["after_first_paint"]

_PAINTED = "auroraPainted"


class _FirstPaint(QtCore.QObject):
    def __init__(self, widget: QtWidgets.QWidget) -> None:
        super().__init__(widget)
        self.callbacks: list[Callable[[], object]] = []
        self.done = False
        self._latest = QtCore.QTimer(self)
        self._latest.setSingleShot(True)
        self._latest.timeout.connect(self._run)
        widget.installEventFilter(self)

    def at_latest(self, ms: int) -> None:
        if not self._latest.isActive() or self._latest.remainingTime() > ms:
            self._latest.start(ms)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            obj.removeEventFilter(self)
            obj.setProperty(_PAINTED, True)
            # A zero timer fires once this paint (and the rest of the window's) is done;
            # with self as its context, never after the window (and self) was deleted.
            QtCore.QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self.done:
            return
        self.done = True
        if is_alive(self._latest):
            self._latest.stop()
        parent = self.parent()
        if isinstance(parent, QtCore.QObject):
            parent.removeEventFilter(self)
        callbacks, self.callbacks = self.callbacks, []
        for cb in callbacks:
            cb()


def after_first_paint(widget: QtWidgets.QWidget, callback: Callable[[], object], *,
                      at_latest_ms: int | None = None) -> None:
    """Call ``callback`` once after ``widget``'s first paint (soon, if it was painted)."""
    waiting = [w for w in widget.findChildren(
        _FirstPaint, "", QtCore.Qt.FindChildOption.FindDirectChildrenOnly) if not w.done]
    if waiting:
        first = waiting[0]
    elif widget.property(_PAINTED):
        # the widget as the timer's context: never called after the widget was deleted
        QtCore.QTimer.singleShot(0, widget, callback)
        return
    else:
        first = _FirstPaint(widget)
    first.callbacks.append(callback)
    if at_latest_ms is not None:
        first.at_latest(at_latest_ms)
