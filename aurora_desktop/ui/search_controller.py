"""Search: the toolbar's field, the results panel and jumping to a result.

The field (ui/toolbar.py) and the panel (ui/search_panel.py) are views, the
results are ``SearchModel`` (ui/models.py); this is their controller. Typing
searches after a pause, Enter jumps to the first result, Down moves into the
list, Esc closes the panel; choosing a result shows the event in the calendar.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aurora_core.model import Event
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.store import StoreError
from aurora_desktop.ui.fmt import Formatter
from aurora_desktop.ui.views.kinds import ViewKind

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

TYPING_PAUSE_MS = 250  # the search runs this long after the last keystroke


def result_label(ev: Event, wall: datetime, fmt: Formatter) -> str:
    """The line under a result's title: "26 Nov 2026, 10:00 · repeats · Room 4"."""
    text = fmt.short_date(wall.date()) + f" {wall.year}"
    if not ev.all_day:
        text += f", {fmt.time(wall)}"
    if ev.is_recurring:
        text += " · repeats"
    if ev.location:
        text += f" · {ev.location}"
    return text


class SearchController(QtCore.QObject):
    def __init__(self, window: MainWindow, field: QtWidgets.QLineEdit) -> None:
        super().__init__(window)
        self.window = window
        self.field = field
        self.panel = window.search_panel
        self.model = window.search_model
        field.returnPressed.connect(self._enter)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.run)
        field.textChanged.connect(lambda _t: self._timer.start())
        field.installEventFilter(self)
        self.panel.chosen.connect(self._chosen)
        self.panel.closeRequested.connect(self.close)

    def focus(self) -> None:
        """Edit → Find (Ctrl+F)."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def run(self) -> None:
        """Search for the field's text and show the results (an empty field hides them)."""
        w = self.window
        text = self.field.text().strip()
        if not text:
            self.panel.hide()
            self.model.set_results([], [], {})
            return
        try:
            events = w.store.search(text)
        except StoreError as exc:
            w.report_error(str(exc))
            return
        here = w.zone
        labels = [result_label(ev, here.wall(ev.start), w.ctx.fmt) for ev in events]
        self.model.set_results(events, labels, {c.id: c.color for c in w.store.calendars()})
        n = len(events)
        self.panel.heading.setText(f"{n} RESULT{'S' if n != 1 else ''}" if n else "NO RESULTS")
        self.panel.show()

    def close(self) -> None:
        self.field.clear()
        self.panel.hide()
        self.window.view.setFocus()

    def _enter(self) -> None:
        self._timer.stop()
        self.run()
        if self.model.rowCount() > 0:
            idx = self.model.index(0)
            self.panel.list.setCurrentIndex(idx)
            self._chosen(idx)

    def _chosen(self, idx: QtCore.QModelIndex) -> None:
        ev = self.model.event_at(idx.row())
        if ev is not None:
            w = self.window
            if w.current_view is ViewKind.AGENDA:
                w.view_switcher.set_view(ViewKind.WEEK)
            w.show_event(ev.id, None)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """In the field: Down moves into the results, Esc closes them."""
        if obj is self.field and event.type() == QtCore.QEvent.Type.KeyPress and \
                isinstance(event, QtGui.QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.panel.list.setFocus()
                self.panel.list.setCurrentIndex(self.model.index(0))
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return False
