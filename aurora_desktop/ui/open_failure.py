"""When the calendar database cannot be opened at start-up: say why, and offer a way on.

A damaged file is moved aside (kept next to it as
``aurora.sqlite3.damaged-<UTC time>``, with its -wal/-shm, for a rescue) and
Aurora Time starts with an empty calendar; an account's sync brings back what
was synced. Any failure offers to open the folder in the file manager, where
the user can look, copy or fix permissions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from aurora_desktop.qt import QtCore, QtGui, QtWidgets
from aurora_desktop.store import StoreError
from aurora_desktop.store.base import StoreDamaged, move_aside

log = logging.getLogger("aurora.ui.open_failure")

__all__ = ["OpenFailureBox", "handle_open_failure"]


class OpenFailureBox(QtWidgets.QMessageBox):
    """The message for one failure, with its buttons (tests click them)."""

    def __init__(self, exc: StoreError, db_path: Path,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Aurora Time")
        self.setIcon(QtWidgets.QMessageBox.Icon.Critical)
        self.damaged = isinstance(exc, StoreDamaged)
        self.setText(f"Aurora Time cannot open your calendar.\n\n{exc}")
        self.move_button: QtWidgets.QAbstractButton | None = None
        if self.damaged:
            self.setInformativeText(
                "You can put the damaged file aside and start with an empty calendar: it is "
                f"kept in {db_path.parent} as {db_path.name}.damaged-<date> for a rescue, and "
                "if you use an Aurora account, the next sync brings back what was synced.")
            self.move_button = self.addButton("Move it aside and start fresh",
                                              QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        self.folder_button = self.addButton("Open its folder",
                                            QtWidgets.QMessageBox.ButtonRole.ActionRole)
        self.quit_button = self.addButton("Quit", QtWidgets.QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.move_button or self.quit_button)
        self.setEscapeButton(self.quit_button)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        # The theme's padded buttons are wider than the box makes room for: whole labels,
        # never "e it aside and start" (the box widens instead).
        for b in self.buttons():
            b.ensurePolished()
            b.setMinimumWidth(b.sizeHint().width())
        super().showEvent(event)


def _open_folder(folder: Path) -> None:
    QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(folder)))


def handle_open_failure(
    exc: StoreError, db_path: Path, *,
    run_box: Callable[[OpenFailureBox], object] = lambda box: box.exec(),
    open_folder: Callable[[Path], None] = _open_folder,
) -> Path | None:
    """Show why the store cannot open; returns where a damaged file was moved (then start
    again on a fresh file), or None when the user quits."""
    while True:
        box = OpenFailureBox(exc, db_path)
        run_box(box)
        clicked = box.clickedButton()
        if clicked is not None and clicked is box.folder_button:
            open_folder(db_path.parent)
            continue  # the choice is still to make
        if box.move_button is not None and clicked is box.move_button:
            try:
                kept = move_aside(db_path)
            except OSError as err:
                exc = StoreError(f"{db_path} could not be moved aside: {err.strerror or err}")
                continue
            log.warning("moved the damaged database %s aside to %s", db_path, kept)
            return kept
        return None
