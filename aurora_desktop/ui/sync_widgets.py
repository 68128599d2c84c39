"""What the window shows of sync: the status-bar indicator and the sync details window.

The indicator reads "Synced 14:05", "Syncing…", "Offline · 3 changes waiting",
"2 sync conflicts" or "Sync problem", with the reason on hover; a click opens
:class:`SyncDetails`, where conflicts are listed with both values ("Use mine"
makes this desktop's value a new edit that syncs; "Keep" accepts what every
desktop has) and refused changes with the server's reason. Nothing here pops
up by itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aurora_desktop.qt import Qt, QtCore, QtWidgets
from aurora_desktop.store import Store

from .sync_controller import SyncController

__all__ = ["SyncDetails", "SyncIndicator", "describe_value"]

UNIT_NAMES = {"title": "Title", "location": "Location", "notes": "Notes", "status": "Status",
              "calendar_id": "Calendar", "time": "Time", "rrule": "Repeats",
              "deleted": "Deleted here, edited elsewhere", "orphaned": "Occurrence of a changed "
              "series", "name": "Calendar name", "color": "Calendar colour",
              "exdates": "Skipped dates", "rdates": "Extra dates", "reminders": "Reminders"}


def describe_value(unit: str, value: Any, calendars: dict[str, str] | None = None) -> str:
    """A conflict value as a person reads it."""
    if value is None:
        return "(deleted)" if unit == "deleted" else "(none)"
    if unit == "time" and isinstance(value, dict):
        start, end = str(value.get("start", "")), str(value.get("end", ""))
        zone = value.get("timezone")
        text = f"{start.replace('T', ' ')[:16]} – {end.replace('T', ' ')[:16]}"
        return text + (f" ({zone})" if zone else " (all day)" if value.get("all_day") else "")
    if unit == "calendar_id" and calendars:
        return calendars.get(str(value), str(value))
    if unit == "deleted" and isinstance(value, dict):
        return str(value.get("title") or "kept")
    if isinstance(value, str):
        return value if len(value) <= 120 else value[:117] + "…"
    return json.dumps(value, ensure_ascii=False)[:120]


class SyncIndicator(QtWidgets.QToolButton):
    """The status-bar button; hidden while no account is signed in.

    ``when(instant)`` formats a time as the window shows times (its zone, 12/24 h).
    """

    def __init__(self, controller: SyncController, open_details: Callable[[], object],
                 when: Callable[[datetime], str] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.when = when or (lambda t: f"{t.astimezone():%H:%M}")
        self.setObjectName("syncIndicator")
        self.setAutoRaise(True)
        self.setAccessibleName("Sync status")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(open_details)
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        text, tip = indicator_text(self.controller, self.when)
        if not text:
            self.hide()
            return
        self.setText(text)
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)
        self.show()


def indicator_text(c: SyncController, when: Callable[[datetime], str]) -> tuple[str, str]:
    """(status-bar text, tooltip) for the controller's state; ("", "") when hidden."""
    n = c.pending
    waiting = f"{n} change{'s' if n != 1 else ''} waiting" if n else ""
    n_conf = len(c.conflicts)
    if c.state == "off":
        return "", ""
    if c.state == "syncing":
        text, tip = "Syncing…", "Sending and receiving changes with your Aurora account."
    elif c.state == "offline":
        text = "Offline" + (f" · {waiting}" if waiting else "")
        tip = c.message or "The Aurora server cannot be reached."
        tip += " Your changes are kept here" + (" and sent when it can be reached again."
                                                 if n else ".")
        if c.retry_at is not None:
            tip += f"\nTrying again at {when(c.retry_at)}."
    elif c.state == "signed_out":
        text = "Not syncing — sign in again"
        tip = c.message or "Your sign-in has ended; sign in again to sync."
    elif c.state == "problem":
        text = "Sync problem" + (f" · {waiting}" if waiting else "")
        tip = c.message or "The last sync did not complete."
        if c.retry_at is not None:
            tip += f"\nTrying again at {when(c.retry_at)}."
    elif n_conf:
        text = f"{n_conf} sync conflict{'s' if n_conf != 1 else ''}"
        tip = ("This computer and another one changed the same thing; every computer shows "
               "one value. Click to see both and choose.")
    elif c.last_ok is not None:
        text = f"Synced {when(c.last_ok)}" + (f" · {waiting}" if waiting else "")
        tip = f"Last synced at {when(c.last_ok)}." + (
            f" {waiting.capitalize()} to be sent." if waiting else " Everything is sent.")
    else:
        text = "Not synced yet" + (f" · {waiting}" if waiting else "")
        tip = "The first sync starts in a moment."
    if c.problems and c.state != "problem":
        m = len(c.problems)
        tip += f"\n{m} change{'s' if m != 1 else ''} refused by the server."
    if c.conflicts and not text.startswith(f"{n_conf} sync"):
        tip += f"\n{n_conf} sync conflict{'s' if n_conf != 1 else ''} to look at."
    return text, tip + "\nClick for details."


class SyncDetails(QtWidgets.QDialog):
    """Sync now, conflicts (with both values) and refused changes."""

    def __init__(self, controller: SyncController, store: Store,
                 when: Callable[[datetime], str] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.store = store
        self.when = when or (lambda t: f"{t.astimezone():%H:%M}")
        self.setObjectName("syncDetails")
        self.setWindowTitle("Sync")
        self.setMinimumWidth(620)
        layout = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QHBoxLayout()
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        self.sync_button = QtWidgets.QPushButton("Sync now")
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.clicked.connect(controller.sync_now)
        top.addWidget(self.sync_button)
        layout.addLayout(top)

        self.conflicts_label = QtWidgets.QLabel()
        self.conflicts_label.setWordWrap(True)
        layout.addWidget(self.conflicts_label)
        self.conflicts = QtWidgets.QTreeWidget()
        self.conflicts.setObjectName("syncConflicts")
        self.conflicts.setHeaderLabels(["Event", "What", "Everywhere now", "Yours (not kept)"])
        self.conflicts.setRootIsDecorated(False)
        self.conflicts.setAlternatingRowColors(True)
        self.conflicts.setSelectionMode(
            QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.conflicts, 2)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        self.use_mine = QtWidgets.QPushButton("Use mine")
        self.use_mine.setObjectName("useMineButton")
        self.use_mine.setToolTip("Make this computer's value the one everywhere (it syncs)")
        self.use_mine.clicked.connect(self._use_mine)
        self.keep = QtWidgets.QPushButton("Keep this")
        self.keep.setObjectName("keepButton")
        self.keep.setToolTip("Accept what every computer has now")
        self.keep.clicked.connect(self._keep)
        row.addWidget(self.use_mine)
        row.addWidget(self.keep)
        layout.addLayout(row)

        self.problems_label = QtWidgets.QLabel()
        self.problems_label.setWordWrap(True)
        layout.addWidget(self.problems_label)
        self.problems = QtWidgets.QTreeWidget()
        self.problems.setObjectName("syncProblems")
        self.problems.setHeaderLabels(["Item", "Why the server refused it"])
        self.problems.setRootIsDecorated(False)
        layout.addWidget(self.problems, 1)
        prow = QtWidgets.QHBoxLayout()
        prow.addStretch(1)
        self.retry = QtWidgets.QPushButton("Try again")
        self.retry.clicked.connect(self._retry)
        self.discard = QtWidgets.QPushButton("Stop sending it")
        self.discard.setToolTip("Keep it on this computer only; it is not sent again")
        self.discard.clicked.connect(self._discard)
        prow.addWidget(self.retry)
        prow.addWidget(self.discard)
        layout.addLayout(prow)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        controller.changed.connect(self.refresh)
        self.conflicts.itemSelectionChanged.connect(self._enable)
        self.problems.itemSelectionChanged.connect(self._enable)
        self.refresh()

    def refresh(self) -> None:
        c = self.controller
        if c.state == "syncing":
            state = "Syncing now…"
        elif c.last_ok is not None:
            state = f"Last synced at {self.when(c.last_ok)}."
        else:
            state = "Not synced yet."
        if c.state in ("offline", "problem", "signed_out") and c.message:
            state += f" {c.message}"
        waiting = f" {c.pending} change{'s' if c.pending != 1 else ''} waiting to be sent." \
            if c.pending else " Everything is sent."
        self.summary.setText(state + waiting)
        self.sync_button.setEnabled(c.state != "syncing" and c.state != "off")
        names = {cal.id: cal.name for cal in self.store.calendars()}
        self.conflicts.clear()
        for conflict in c.conflicts:
            item = QtWidgets.QTreeWidgetItem([
                conflict.title or "(untitled)", UNIT_NAMES.get(conflict.unit, conflict.unit),
                describe_value(conflict.unit, conflict.kept, names),
                describe_value(conflict.unit, conflict.lost, names)])
            item.setData(0, Qt.ItemDataRole.UserRole, conflict.seq)
            item.setToolTip(2, describe_value(conflict.unit, conflict.kept, names))
            item.setToolTip(3, describe_value(conflict.unit, conflict.lost, names))
            self.conflicts.addTopLevelItem(item)
        n = len(c.conflicts)
        self.conflicts_label.setText(
            f"<b>{n} conflict{'s' if n != 1 else ''}</b>: this computer and another one changed "
            "the same thing. Every computer now shows the first value; yours is kept here."
            if n else "<b>No conflicts.</b>")
        for col in range(4):
            self.conflicts.resizeColumnToContents(col)
        self.problems.clear()
        for entity, item_id, title, problem in c.problems:
            pi = QtWidgets.QTreeWidgetItem([title or item_id, problem])
            pi.setData(0, Qt.ItemDataRole.UserRole, (entity, item_id))
            self.problems.addTopLevelItem(pi)
        m = len(c.problems)
        self.problems_label.setText(
            f"<b>{m} change{'s' if m != 1 else ''} refused by the server</b> (kept on this "
            "computer; the rest syncs normally):" if m else "<b>No refused changes.</b>")
        self.problems.setVisible(bool(m))
        self.retry.setVisible(bool(m))
        self.discard.setVisible(bool(m))
        self._enable()

    def _enable(self) -> None:
        has = bool(self.conflicts.selectedItems())
        usable = has and all(
            self._conflict_unit(i) not in ("orphaned",) for i in self.conflicts.selectedItems())
        self.use_mine.setEnabled(usable)
        self.keep.setEnabled(has)
        sel = bool(self.problems.selectedItems())
        self.retry.setEnabled(sel)
        self.discard.setEnabled(sel)

    def _conflict_unit(self, item: QtWidgets.QTreeWidgetItem) -> str:
        seq = item.data(0, Qt.ItemDataRole.UserRole)
        return next((c.unit for c in self.controller.conflicts if c.seq == seq), "")

    def _selected_seqs(self) -> list[int]:
        return [int(i.data(0, Qt.ItemDataRole.UserRole)) for i in self.conflicts.selectedItems()]

    def _use_mine(self) -> None:
        for seq in self._selected_seqs():
            try:
                self.store.use_lost_value(seq)
            except (KeyError, ValueError) as exc:
                QtWidgets.QToolTip.showText(self.mapToGlobal(QtCore.QPoint(0, 0)),
                                            f"Could not use it: {exc}")
        self.controller.refresh()

    def _keep(self) -> None:
        for seq in self._selected_seqs():
            self.store.dismiss_conflict(seq)
        self.controller.refresh()

    def _selected_problems(self) -> list[tuple[str, str]]:
        return [tuple(i.data(0, Qt.ItemDataRole.UserRole))
                for i in self.problems.selectedItems()]

    def _retry(self) -> None:
        for entity, item_id in self._selected_problems():
            self.store.mark_for_resend(entity, item_id)
            self.store.clear_problem(entity, item_id)
        self.controller.refresh()
        self.controller.sync_now()

    def _discard(self) -> None:
        for entity, item_id in self._selected_problems():
            self.store.drop_pending(entity, item_id)
        self.controller.refresh()
