"""Calendar management for one window: the sidebar's "+" (add), double-click (rename,
recolour) and Delete.

Deleting a calendar runs off the GUI thread (:func:`ops.run_on_store`): a calendar of
thousands of events, or a database held a moment by a sync, never freezes the window.
While it runs the status bar says so and the same calendar cannot be deleted twice;
when it is done the calendar leaves the sidebar (the store's change notice), and a
failure is said in one message.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from aurora_core.model import Calendar, ValidationError, new_id
from aurora_desktop.qt import QtCore, QtWidgets, is_alive
from aurora_desktop.store import Store, StoreError
from aurora_desktop.ui.ops import BackgroundOp, run_on_store

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

__all__ = ["CalendarActions"]

log = logging.getLogger("aurora.ui.calendars")


class CalendarActions(QtCore.QObject):
    """Add, edit and delete calendars in ``window``'s store."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.deleting: dict[str, BackgroundOp[int]] = {}  # calendar id -> its running delete

    @property
    def store(self) -> Store:
        return self.window.store

    def add_calendar(self) -> None:
        from aurora_desktop.ui import dialogs

        dlg = dialogs.CalendarDialog(None, self.window,
                                     new_color=self.store.new_calendar_color(),
                                     taken=[c.name for c in self.store.calendars()])
        if dlg.exec():
            self._put_calendar(Calendar(new_id(), dlg.name.text().strip(), dlg.color))

    def edit_calendar(self, cal_id: str) -> None:
        try:
            cal = self.store.calendar(cal_id)
        except KeyError:
            return
        from aurora_desktop.ui import dialogs

        dlg = dialogs.CalendarDialog(cal, self.window,
                                     taken=[c.name for c in self.store.calendars()
                                            if c.id != cal.id])
        if dlg.exec():
            self._put_calendar(dataclasses.replace(cal, name=dlg.name.text().strip(),
                                                   color=dlg.color))

    def _put_calendar(self, cal: Calendar) -> None:
        try:
            self.store.put_calendar(cal)
        except (ValidationError, StoreError) as exc:
            self.window.report_error(f"Cannot save the calendar: {exc}")

    def delete_calendar(self, cal_id: str, confirm: bool = True) -> BackgroundOp[int] | None:
        """Ask (when it has events), then delete the calendar and its events off the GUI
        thread. Returns the running operation, or None when nothing was started (declined,
        already gone, already being deleted)."""
        if cal_id in self.deleting:
            return None
        try:
            cal = self.store.calendar(cal_id)
        except KeyError:
            return None
        n = self.store.count_events(cal_id)
        if confirm and n:
            answer = QtWidgets.QMessageBox.question(
                self.window, "Delete calendar",
                f"Delete the calendar “{cal.name}” and its {n} event{'s' if n != 1 else ''}? "
                "This cannot be undone.")
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return None
        # Edits of its events can no longer be undone once it starts going.
        self.window.undo_stack.clear()
        self.window.show_message(f"Deleting the calendar “{cal.name}”…", 0)

        def done(_removed: int) -> None:
            self.deleting.pop(cal_id, None)
            if is_alive(self.window):
                self.window.show_message(f"Deleted the calendar “{cal.name}”.")

        def failed(exc: BaseException) -> None:
            self.deleting.pop(cal_id, None)
            if isinstance(exc, KeyError):  # deleted meanwhile (a sync, another window)
                self.window.show_message(f"The calendar “{cal.name}” was already deleted.")
                return
            if not isinstance(exc, StoreError | OSError):
                log.error("deleting a calendar failed", exc_info=exc)
            self.window.show_message("")
            self.window.report_error(f"Cannot delete the calendar “{cal.name}”: {exc}. "
                                     "Nothing was deleted.")

        op = run_on_store(self, self.store, lambda own: own.delete_calendar(cal_id), done,
                          failed, name="delete-calendar")
        self.deleting[cal_id] = op
        return op

    def stop(self, timeout: float = 10.0) -> None:
        """The window closes: a delete under way finishes first (it is one transaction)."""
        for op in list(self.deleting.values()):
            op.wait(timeout)
