"""What the window shows of sync: the status-bar indicator and the sync details window.

The indicator reads "Synced 14:05", "Syncing…", "Offline · 3 changes waiting",
"2 sync conflicts", "Sync problem" or "Not syncing" (the sign-in ended), with
the reason on hover (and amber or red when it needs a look); a click opens
:class:`SyncDetails`, where conflicts are listed with both values ("Use mine"
makes this desktop's value a new edit that syncs; "Keep this" accepts what
every desktop has) and refused changes with the server's reason ("Try again",
"Stop sending it"). Nothing here pops up by itself.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aurora_desktop.qt import Qt, QtWidgets
from aurora_desktop.store import Store, StoreError

from .sync_controller import SyncController, refused_message

__all__ = ["SyncDetails", "SyncIndicator", "describe_value", "indicator_text"]

# Text colours of the indicator when a state needs a look: (light, dark) theme.
TONES = {"warning": ("#9a5b00", "#f0b44c"), "error": ("#c4262d", "#ff7b7f")}

UNIT_NAMES = {"title": "Title", "location": "Location", "notes": "Notes", "status": "Status",
              "ical_extra": "Details kept from an import",
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
    if unit == "orphaned" and isinstance(value, dict):
        start = str(value.get("recurrence_id") or value.get("start") or "")
        return f"{value.get('title') or '(untitled)'}, {start.replace('T', ' ')[:16]}".strip(", ")
    if isinstance(value, list):
        text = ", ".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                         for v in value)
        return text if len(text) <= 120 else text[:117] + "…"
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
        self.plain_tip = ""  # the tooltip as text
        self.tone = ""  # "", "warning" or "error"
        self.dark = False  # the window's theme (SyncUi keeps it current)
        self.setObjectName("syncIndicator")
        self.setAutoRaise(True)
        self.setAccessibleName("Sync status")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(open_details)
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        text, tip = indicator_text(self.controller, self.when)
        self.plain_tip = tip
        if not text:
            self.hide()
            return
        self.setText(text)
        self.set_tone(indicator_tone(self.controller))
        # Rich text, so a long reason wraps instead of running off the screen.
        self.setToolTip("<qt>" + html.escape(tip).replace("\n", "<br>") + "</qt>")
        self.setAccessibleDescription(tip)
        self.show()


    def set_tone(self, tone: str, dark: bool | None = None) -> None:
        if dark is not None:
            self.dark = dark
        self.tone = tone
        color = TONES[tone][1 if self.dark else 0] if tone else ""
        self.setStyleSheet(f"QToolButton#syncIndicator {{ color: {color}; }}" if color else "")


def indicator_tone(c: SyncController) -> str:
    """"error" (a problem), "warning" (offline, a conflict, the sign-in ended) or ""."""
    if c.state == "problem":
        return "error"
    if c.state in ("offline", "signed_out") or (c.state == "idle" and c.conflicts):
        return "warning"
    return ""


def indicator_text(c: SyncController, when: Callable[[datetime], str]) -> tuple[str, str]:
    """(status-bar text, tooltip) for the controller's state; ("", "") when hidden."""
    n = c.pending
    waiting = f"{n} change{'s' if n != 1 else ''} waiting" if n else ""
    n_conf = len(c.conflicts)
    click = "Click for details."
    if c.state == "off":
        return "", ""
    if c.state == "syncing":
        text, tip = "Syncing…", "Sending and receiving changes with your Aurora account."
    elif c.state == "offline":
        text = "Offline" + (f" · {waiting}" if waiting else "")
        tip = "The Aurora server cannot be reached (no network, or the server is down)."
        tip += (f" {waiting.capitalize()}: kept here and sent when it can be reached again."
                if n else " Changes you make are kept here and sent later.")
        if c.retry_at is not None:
            tip += f"\nTrying again at {when(c.retry_at)}."
    elif c.state == "signed_out":
        text = "Not syncing" + (f" · {waiting}" if waiting else "")
        tip = ("Your sign-in has ended (signed out on another computer, or it expired). "
               "Nothing on this computer is lost" + (f"; {waiting} to be sent" if n else "") +
               ".\nClick to sign in again.")
        return text, tip
    elif c.state == "problem":
        text = "Sync problem" + (f" · {waiting}" if waiting else "")
        tip = c.message or "The last sync did not complete."
        if c.retry_at is not None:
            tip += f"\nTrying again at {when(c.retry_at)}."
    elif n_conf:
        text = f"{n_conf} sync conflict{'s' if n_conf != 1 else ''}"
        tip = ("This computer and another one changed the same thing; every computer shows "
               "one value, and yours is kept here.")
        click = "Click to see both and choose."
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
    return text, f"{tip}\n{click}"


class SyncDetails(QtWidgets.QDialog):
    """Sync now, conflicts (with both values) and refused changes. Not modal; opened by the user."""

    def __init__(self, controller: SyncController, store: Store,
                 when: Callable[[datetime], str] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.store = store
        self.when = when or (lambda t: f"{t.astimezone():%H:%M}")
        self.setObjectName("syncDetails")
        self.setWindowTitle("Sync")
        self.setMinimumWidth(640)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setSpacing(8)
        top = QtWidgets.QHBoxLayout()
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(self.summary, 1)
        self.sync_button = QtWidgets.QPushButton("Sync now")
        self.sync_button.setObjectName("syncNowButton")
        self.sync_button.clicked.connect(controller.sync_now)
        top.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addSpacing(4)

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
        self.conflicts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.conflicts.header()
        header.setStretchLastSection(False)
        mode = QtWidgets.QHeaderView.ResizeMode
        header.setSectionResizeMode(0, mode.Interactive)
        header.setSectionResizeMode(1, mode.ResizeToContents)
        header.setSectionResizeMode(2, mode.Stretch)
        header.setSectionResizeMode(3, mode.Stretch)
        header.resizeSection(0, 170)
        layout.addWidget(self.conflicts, 2)
        # The chosen conflict's two values in full (the columns may cut them short).
        self.compare = QtWidgets.QLabel()
        self.compare.setObjectName("syncCompare")
        self.compare.setWordWrap(True)
        self.compare.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.compare, 1)
        self.use_mine = QtWidgets.QPushButton("Use mine")
        self.use_mine.setObjectName("useMineButton")
        self.use_mine.setToolTip("Make this computer's value the one everywhere (it is sent "
                                 "at the next sync)")
        self.use_mine.clicked.connect(self._use_mine)
        self.keep = QtWidgets.QPushButton("Keep this")
        self.keep.setObjectName("keepButton")
        self.keep.setToolTip("Accept what every computer shows now and forget this conflict")
        self.keep.clicked.connect(self._keep)
        row.addWidget(self.use_mine, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.keep, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        layout.addSpacing(4)

        self.problems_label = QtWidgets.QLabel()
        self.problems_label.setWordWrap(True)
        layout.addWidget(self.problems_label)
        self.problems = QtWidgets.QTreeWidget()
        self.problems.setObjectName("syncProblems")
        self.problems.setHeaderLabels(["Item", "Why the server refused it"])
        self.problems.setRootIsDecorated(False)
        self.problems.setSelectionMode(
            QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.problems.header().resizeSection(0, 170)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.problems, 1)
        prow = QtWidgets.QHBoxLayout()
        prow.addStretch(1)
        self.retry = QtWidgets.QPushButton("Try again")
        self.retry.setToolTip("Send it again at once (after the server was fixed or updated)")
        self.retry.clicked.connect(self._retry)
        self.discard = QtWidgets.QPushButton("Stop sending it")
        self.discard.setToolTip("Keep it on this computer only; it is not sent again")
        self.discard.clicked.connect(self._discard)
        prow.addWidget(self.retry)
        prow.addWidget(self.discard)
        layout.addLayout(prow)
        self.error = QtWidgets.QLabel()
        self.error.setObjectName("syncDetailsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d93036;")
        self.error.hide()
        layout.addWidget(self.error)
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
            lines = ["Syncing now…"]
        elif c.last_ok is not None:
            lines = [f"Last synced at {self.when(c.last_ok)}."]
        else:
            lines = ["Not synced yet."]
        if c.message and c.state in ("offline", "problem", "signed_out") and \
                c.message != refused_message(len(c.problems)):  # that one is listed below
            lines.append(c.message)
            if c.retry_at is not None:
                lines.append(f"Trying again at {self.when(c.retry_at)}.")
        n = c.pending
        lines.append(f"{n} change{'s' if n != 1 else ''} made here {'are' if n != 1 else 'is'} "
                     "waiting to be sent." if n else "Nothing made here is waiting to be sent.")
        self.summary.setText(" ".join(lines))
        self.sync_button.setEnabled(c.state not in ("syncing", "off", "signed_out"))
        self._fill_conflicts()
        self._fill_problems()
        self._enable()

    def _fill_conflicts(self) -> None:
        c = self.controller
        chosen = set(self._selected_seqs())
        names = {cal.id: cal.name for cal in self.store.calendars()}
        self.conflicts.clear()
        for conflict in c.conflicts:
            kept = describe_value(conflict.unit, conflict.kept, names)
            lost = describe_value(conflict.unit, conflict.lost, names)
            what = UNIT_NAMES.get(conflict.unit, conflict.unit)
            item = QtWidgets.QTreeWidgetItem([conflict.title or "(untitled)", what, kept, lost])
            item.setData(0, Qt.ItemDataRole.UserRole, conflict.seq)
            for col, text in enumerate((conflict.title, what, kept, lost)):
                item.setToolTip(col, text)
            self.conflicts.addTopLevelItem(item)
            if conflict.seq in chosen:
                item.setSelected(True)
        n = len(c.conflicts)
        if n and not self.conflicts.selectedItems():  # one click to answer the first
            first = self.conflicts.topLevelItem(0)
            if first is not None:
                self.conflicts.setCurrentItem(first)
        self.conflicts_label.setText(
            f"<b>{n} sync conflict{'s' if n != 1 else ''}</b>: this computer and another one "
            "changed the same thing. Every computer shows the value under <i>Everywhere "
            "now</i>; yours is kept here until you choose."
            if n else "<b>No sync conflicts.</b>")
        for w in (self.conflicts, self.use_mine, self.keep, self.compare):
            w.setVisible(bool(n))

    def _fill_problems(self) -> None:
        c = self.controller
        chosen = set(self._selected_problems())
        self.problems.clear()
        for entity, item_id, title, problem in c.problems:
            pi = QtWidgets.QTreeWidgetItem([title or item_id, problem])
            pi.setData(0, Qt.ItemDataRole.UserRole, (entity, item_id))
            pi.setToolTip(0, title or item_id)
            pi.setToolTip(1, problem)
            self.problems.addTopLevelItem(pi)
            if (entity, item_id) in chosen:
                pi.setSelected(True)
        m = len(c.problems)
        if m and not self.problems.selectedItems():
            first = self.problems.topLevelItem(0)
            if first is not None:
                self.problems.setCurrentItem(first)
        self.problems_label.setText(
            f"<b>{m} change{'s' if m != 1 else ''} refused by the server</b>: kept on this "
            "computer and not sent again until you say so; everything else syncs normally."
            if m else "<b>No refused changes.</b>")
        for w in (self.problems, self.retry, self.discard):
            w.setVisible(bool(m))

    def _enable(self) -> None:
        has = bool(self.conflicts.selectedItems())
        usable = has and all(
            self._conflict_unit(i) not in ("orphaned",) for i in self.conflicts.selectedItems())
        self.use_mine.setEnabled(usable)
        self.keep.setEnabled(has)
        chosen = self.conflicts.selectedItems()
        if len(chosen) == 1:
            item = chosen[0]
            self.compare.setText(
                f"<b>{html.escape(item.text(1))}</b> of “{html.escape(item.text(0))}”<br>"
                f"Everywhere now: {html.escape(item.text(2))}<br>"
                f"Yours (not kept): {html.escape(item.text(3))}")
        else:
            self.compare.setText(f"{len(chosen)} conflicts chosen." if chosen else
                                 "Choose a conflict to see both values.")
        sel = bool(self.problems.selectedItems())
        self.retry.setEnabled(sel)
        self.discard.setEnabled(sel)

    def _conflict_unit(self, item: QtWidgets.QTreeWidgetItem) -> str:
        seq = item.data(0, Qt.ItemDataRole.UserRole)
        return next((c.unit for c in self.controller.conflicts if c.seq == seq), "")

    def _selected_seqs(self) -> list[int]:
        return [int(i.data(0, Qt.ItemDataRole.UserRole)) for i in self.conflicts.selectedItems()]

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _use_mine(self) -> None:
        self._say("")
        for seq in self._selected_seqs():
            try:
                self.store.use_lost_value(seq)
            except (KeyError, ValueError, StoreError) as exc:
                # ValueError covers ValidationError: the value no longer fits the event.
                self._say(f"This computer's value cannot be used any more ({exc}); choose "
                          "Keep this, or change the event by hand.")
        self.controller.refresh()

    def _keep(self) -> None:
        self._say("")
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
