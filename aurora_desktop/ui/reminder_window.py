"""The reminder window: every pending reminder, with Snooze, Dismiss and Open event.

Rows are grouped ("Missed", "Due now", "Earlier") in a tree backed by one
model that is rebuilt in a single reset, so 500 reminders due in the same
minute appear at once without a widget per row. Actions apply to the
selected rows; the window only emits requests, the reminder service acts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta, tzinfo

from aurora_core.defaults import NO_TITLE
from aurora_desktop.autostart import Autostart
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.reminders.engine import PendingReminder
from aurora_desktop.reminders.notifier import describe_time
from aurora_desktop.reminders.snooze import SNOOZE_SETTING, default_snooze
from aurora_desktop.settings import Settings
from aurora_desktop.ui.dialogs import SettingsPage

__all__ = ["SNOOZE_CHOICES", "ReminderWindow", "RemindersSettingsPage"]

SNOOZE_CHOICES: tuple[tuple[str, timedelta], ...] = (
    ("5 minutes", timedelta(minutes=5)),
    ("15 minutes", timedelta(minutes=15)),
    ("1 hour", timedelta(hours=1)),
)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
EVENT_ROLE = Qt.ItemDataRole.UserRole + 2
GROUPS = (("missed", "Missed"), ("now", "Due now"), ("earlier", "Earlier"))
WHERE_MAX = 180  # px: a long address or meeting link is elided (whole on hover)


def _relative(start: datetime, now: datetime) -> str:
    mins = round((start - now).total_seconds() / 60)
    if mins == 0:
        return "now"
    if mins > 0:
        return f"in {_span(mins)}"
    return f"{_span(-mins)} ago"


def _when(start: datetime, end: datetime, all_day: bool, now: datetime, tz: tzinfo) -> str:
    """Short, so the title keeps the room: "14:00–15:00 · in 10 min" today, the date otherwise."""
    s, e, today = start.astimezone(tz), end.astimezone(tz), now.astimezone(tz).date()
    day = "today" if s.date() == today else f"{s:%a} {s.day} {s:%b}"
    if all_day:
        return f"{day}, all day"
    hours = f"{s:%H:%M}–{e:%H:%M}"
    text = hours if s.date() == today else f"{day} {hours}"
    return f"{text} · {_relative(start, now)}"


def _span(mins: int) -> str:
    if mins < 60:
        return f"{mins} min"
    if mins < 48 * 60:
        h, m = divmod(mins, 60)
        return f"{h} h" + (f" {m} min" if m else "")
    return f"{mins // (24 * 60)} days"


class ReminderWindow(QtWidgets.QWidget):
    """Lists pending reminders. Emits requests; call :meth:`set_pending` to refresh."""

    snooze_requested = QtCore.Signal(object, object)  # list of keys, timedelta
    dismiss_requested = QtCore.Signal(object)  # list of keys
    dismiss_all_requested = QtCore.Signal()
    open_requested = QtCore.Signal(str, object)  # event id, occurrence start (aware UTC)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reminderWindow")
        self.setWindowTitle("Reminders — Aurora Time")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        # Closing this window never quits the app (the main window may be in the tray).
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.resize(680, 380)
        self._pending: list[PendingReminder] = []
        self._owner: QtWidgets.QWidget | None = None

        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("reminderSummary")  # a heading (theme.py)

        self.model = QtGui.QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Event", "When", "Where"])
        self.view = QtWidgets.QTreeView()
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setRootIsDecorated(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The title is what matters: the Event column takes the room left by When
        # (always whole) and Where (at most WHERE_MAX wide, elided beyond).
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        self.view.doubleClicked.connect(self._open_index)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.setAccessibleName("Pending reminders")

        self.snooze_button = QtWidgets.QToolButton()
        self.snooze_button.setObjectName("snoozeButton")
        self.snooze_button.setText("Snooze")
        self.snooze_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.snooze_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.snooze_button)
        self.snooze_actions: list[QtGui.QAction] = []
        for label, delay in SNOOZE_CHOICES:
            act = menu.addAction(f"Snooze {label}")
            act.triggered.connect(lambda _=False, d=delay: self._snooze(d))
            self.snooze_actions.append(act)
        # The user's default snooze (Settings > Reminders), read as the menu opens: it
        # is the menu's default (bold, under the cursor: Enter takes it), an entry of
        # its own where it is none of the choices. None: no default marked.
        self.default_snooze: Callable[[], timedelta] | None = None
        self._default_delay = timedelta(0)
        self.default_snooze_action = QtGui.QAction(menu)
        self.default_snooze_action.triggered.connect(
            lambda _=False: self._snooze(self._default_delay))
        menu.aboutToShow.connect(self._mark_default_snooze)
        self._snooze_separator = menu.addSeparator()
        self.custom_snooze_action = menu.addAction("Snooze for…")
        self.custom_snooze_action.triggered.connect(self._snooze_custom)
        self.snooze_button.setMenu(menu)

        self.dismiss_button = QtWidgets.QPushButton("&Dismiss")
        self.dismiss_button.clicked.connect(self._dismiss)
        self.open_button = QtWidgets.QPushButton("&Open event")
        self.open_button.clicked.connect(self._open_selected)
        self.dismiss_all_button = QtWidgets.QPushButton("Dismiss &all")
        self.dismiss_all_button.clicked.connect(self.dismiss_all_requested)

        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.snooze_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_all_button)

        self.dismiss_button.setDefault(True)  # the usual answer: filled (theme.py)
        self.dismiss_button.setAutoDefault(False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Delete), self.view, self._dismiss)
        QtGui.QShortcut(QtGui.QKeySequence(Qt.Key.Key_Escape), self, self.hide)
        self._update_buttons()

    # ------------------------------------------------------------ content

    def set_pending(self, pending: Sequence[PendingReminder], local_tz: tzinfo,
                    now: datetime) -> None:
        """Show ``pending`` (grouped); keeps the selection of rows still there."""
        keep = set(self.selected_keys())
        self._pending = list(pending)
        groups: dict[str, list[PendingReminder]] = {g: [] for g, _ in GROUPS}
        for p in pending:
            groups["missed" if p.missed else "earlier" if p.earlier else "now"].append(p)
        self.view.setUpdatesEnabled(False)
        try:
            self.model.removeRows(0, self.model.rowCount())
            root = self.model.invisibleRootItem()
            bold = QtGui.QFont(self.view.font())
            bold.setBold(True)
            for gid, label in GROUPS:
                rows = groups[gid]
                if not rows:
                    continue
                head = QtGui.QStandardItem(f"{label} ({len(rows)})")
                head.setFont(bold)
                head.setSelectable(False)
                head.setData(gid, KEY_ROLE)
                blank1, blank2 = QtGui.QStandardItem(), QtGui.QStandardItem()
                blank1.setSelectable(False)
                blank2.setSelectable(False)
                items = []
                for p in sorted(rows, key=lambda p: (p.reminder.start, p.reminder.title)):
                    r = p.reminder
                    title = QtGui.QStandardItem(r.title or NO_TITLE)
                    title.setData(p.key, KEY_ROLE)
                    title.setData((r.event_id, r.start), EVENT_ROLE)
                    title.setToolTip(f"{r.title or NO_TITLE}\nReminder "
                                     f"{r.minutes_before} min before · due "
                                     f"{r.due.astimezone(local_tz):%a %d %b %H:%M}")
                    when = QtGui.QStandardItem(_when(r.start, r.end, r.all_day, now, local_tz))
                    when.setToolTip(describe_time(r.start, r.end, r.all_day, local_tz))
                    where = QtGui.QStandardItem(r.location)
                    where.setToolTip(r.location)
                    items.append([title, when, where])
                for row in items:
                    head.appendRow(row)
                root.appendRow([head, blank1, blank2])
                self.view.setExpanded(head.index(), True)
                self.view.setFirstColumnSpanned(head.row(), QtCore.QModelIndex(), True)
        finally:
            self.view.setUpdatesEnabled(True)
        n = len(pending)
        missed = len(groups["missed"])
        self.summary.setText("No reminders" if n == 0 else
                             f"{n} reminder{'s' if n != 1 else ''}"
                             + (f" — {missed} missed" if missed else ""))
        self.view.header().resizeSection(2, min(max(self.view.sizeHintForColumn(2), 80),
                                                WHERE_MAX))
        self._restore_selection(keep)
        self._update_buttons()

    def _rows(self) -> list[QtGui.QStandardItem]:
        out = []
        for g in range(self.model.rowCount()):
            head = self.model.item(g, 0)
            out += [head.child(i, 0) for i in range(head.rowCount())]
        return out

    def _restore_selection(self, keys: Collection[object]) -> None:
        sel = self.view.selectionModel()
        rows = self._rows()
        chosen = [it for it in rows if it.data(KEY_ROLE) in keys] or rows[:1]
        flags = (QtCore.QItemSelectionModel.SelectionFlag.Select
                 | QtCore.QItemSelectionModel.SelectionFlag.Rows)
        sel.clearSelection()
        for it in chosen:
            sel.select(it.index(), flags)
        if chosen:
            sel.setCurrentIndex(chosen[0].index(),
                                QtCore.QItemSelectionModel.SelectionFlag.NoUpdate)

    def row_count(self) -> int:
        return len(self._rows())

    def group_titles(self) -> list[str]:
        return [self.model.item(g, 0).text() for g in range(self.model.rowCount())]

    def selected_keys(self) -> list[tuple[str, str]]:
        out = []
        for idx in self.view.selectionModel().selectedRows(0):
            key = idx.data(KEY_ROLE)
            if isinstance(key, tuple):
                out.append(key)
        return out

    def select_all_rows(self) -> None:
        self._restore_selection({it.data(KEY_ROLE) for it in self._rows()})

    # ------------------------------------------------------------ actions

    def _update_buttons(self, *_: object) -> None:
        has = bool(self.selected_keys())
        self.snooze_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        self.open_button.setEnabled(len(self.selected_keys()) == 1)
        self.dismiss_all_button.setEnabled(bool(self._pending))

    def _mark_default_snooze(self) -> QtGui.QAction | None:
        """Make the user's default snooze the Snooze menu's default; that action."""
        menu = self.snooze_button.menu()
        extra = self.default_snooze_action
        menu.removeAction(extra)
        if self.default_snooze is None:
            menu.setDefaultAction(None)  # type: ignore[arg-type]  # None: no default
            for act in self.snooze_actions:
                act.setFont(menu.font())
            return None
        delay = self.default_snooze()
        chosen = next((a for a, (_, d) in zip(self.snooze_actions, SNOOZE_CHOICES, strict=True)
                       if d == delay), None)
        if chosen is None:
            self._default_delay = delay
            extra.setText(f"Snooze {_delay_label(delay)}")
            later = [a for a, (_, d) in zip(self.snooze_actions, SNOOZE_CHOICES, strict=True)
                     if d > delay]
            menu.insertAction(later[0] if later else self._snooze_separator, extra)
            chosen = extra
        menu.setDefaultAction(chosen)
        menu.setActiveAction(chosen)
        # Bold, as a menu's default is drawn without a style sheet (ours draws every
        # item alike): it stays marked once the pointer moves to another item.
        for act in [*self.snooze_actions, extra]:
            font = menu.font()
            font.setBold(act is chosen)
            act.setFont(font)
        return chosen

    def _snooze(self, delay: timedelta) -> None:
        keys = self.selected_keys()
        if keys:
            self.snooze_requested.emit(keys, delay)

    def ask_custom_minutes(self) -> int | None:
        """Ask how long to snooze (minutes); None when cancelled. Tests replace this."""
        value, ok = QtWidgets.QInputDialog.getInt(
            self, "Snooze", "Snooze for how many minutes?", 30, 1, 7 * 24 * 60)
        return value if ok else None

    def _snooze_custom(self) -> None:
        minutes = self.ask_custom_minutes()
        if minutes:
            self._snooze(timedelta(minutes=minutes))

    def _dismiss(self) -> None:
        keys = self.selected_keys()
        if keys:
            self.dismiss_requested.emit(keys)

    def _open_index(self, index: QtCore.QModelIndex) -> None:
        data = index.siblingAtColumn(0).data(EVENT_ROLE)
        if data:
            self.open_requested.emit(data[0], data[1])

    def _open_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows(0)
        if len(rows) == 1:
            self._open_index(rows[0])

    def set_owner(self, owner: QtWidgets.QWidget) -> None:
        """The main window: while it is shown, this window is its transient and stays above it.

        At start-up the reminders are delivered before the main window shows;
        a window manager stacks the newer main window (or, refusing focus to a
        window shown without activating, this one below it) on top. So when
        the owner shows while this window is up, this window is shown again
        as the owner's transient, which every window manager keeps above it.
        """
        if self._owner is not None:
            self._owner.removeEventFilter(self)
        self._owner = owner
        owner.installEventFilter(self)

    def _attach(self) -> bool:
        """Make this window the owner's transient when the owner is shown; True if it is."""
        handle = self.windowHandle()
        owner = self._owner
        if handle is None or owner is None:
            return False
        parent = owner.windowHandle() if owner.isVisible() else None
        if handle.transientParent() is not parent:
            handle.setTransientParent(parent)  # type: ignore[arg-type]  # None: no parent
        return parent is not None

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self._owner and self.isVisible():
            if event.type() == QtCore.QEvent.Type.Show:
                QtCore.QTimer.singleShot(0, self._over_owner)
            elif event.type() == QtCore.QEvent.Type.Hide:
                QtCore.QTimer.singleShot(0, self._on_its_own)
        return super().eventFilter(obj, event)

    def _on_its_own(self) -> None:
        """The owner went to the tray: a plain window again (its own taskbar entry)."""
        handle = self.windowHandle()
        owner = self._owner
        if handle is None or owner is None or owner.isVisible() or not self.isVisible() \
                or handle.transientParent() is None:
            return
        self.hide()
        self._attach()
        self.show()

    def _over_owner(self) -> None:
        """The owner has just been shown under this window: come back up above it."""
        owner = self._owner
        if owner is None or not self.isVisible() or not owner.isVisible():
            return
        handle = self.windowHandle()
        if handle is not None and handle.transientParent() is owner.windowHandle():
            self.raise_()
            return
        # The transient parent is read when a window is mapped: map it again.
        self.hide()
        self.winId()
        self._attach()
        self.show()
        self.raise_()

    def present(self) -> None:
        """Show on top (without stealing focus where the platform allows)."""
        if self.isMinimized():
            self.showNormal()
        if not self.isVisible():
            self.winId()  # a native window now, so its transient parent is set before mapping
            self._attach()
        self.show()
        self.raise_()


def _delay_label(delay: timedelta) -> str:
    """"20 minutes", "2 hours", "1 day", "1 h 30 min"."""
    mins = max(1, round(delay.total_seconds() / 60))
    if mins % (24 * 60) == 0:
        n, unit = mins // (24 * 60), "day"
    elif mins % 60 == 0:
        n, unit = mins // 60, "hour"
    elif mins > 60:
        return f"{mins // 60} h {mins % 60} min"
    else:
        n, unit = mins, "minute"
    return f"{n} {unit}{'s' if n != 1 else ''}"


class RemindersSettingsPage(SettingsPage):
    """The "Reminders" page of the settings dialog.

    ``autostart`` is an :class:`aurora_desktop.autostart.Autostart`; where it
    is not supported the checkbox is disabled and says so.
    """

    title = "Reminders"

    def __init__(self, settings: Settings, autostart: Autostart,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.autostart = autostart
        self.close_to_tray = QtWidgets.QCheckBox("Closing the window keeps Aurora Time in the tray")
        self.close_to_tray.setChecked(bool(settings.get("reminders/close_to_tray")))
        if not QtWidgets.QSystemTrayIcon.isSystemTrayAvailable():
            self.close_to_tray.setEnabled(False)
            self.close_to_tray.setToolTip("This desktop has no system tray.")
        self.lookback = QtWidgets.QSpinBox()
        self.lookback.setMaximumWidth(140)
        self.lookback.setRange(0, 60)
        self.lookback.setSuffix(" days")
        self.lookback.setValue(int(settings.get("reminders/lookback_days")))
        self.lookback.setToolTip(settings.definition("reminders/lookback_days").help)
        self.sound = QtWidgets.QCheckBox("Play a sound with each reminder")
        self.sound.setChecked(bool(settings.get("reminders/sound")))
        # The Snooze button's length (the notification's one button; the reminder
        # window's first choice), declared in reminders/snooze.py.
        self._snooze_key = SNOOZE_SETTING
        self.snooze = QtWidgets.QSpinBox()
        self.snooze.setMaximumWidth(140)
        self.snooze.setRange(1, 7 * 24 * 60)
        self.snooze.setSuffix(" min")
        self.snooze.setAccessibleName("Snooze button snoozes for, minutes")
        self.snooze.setValue(int(default_snooze(settings).total_seconds() // 60))
        self.snooze.setToolTip(settings.definition(SNOOZE_SETTING).help)
        self.login = QtWidgets.QCheckBox("Start Aurora Time when I log in")
        self.login.setChecked(bool(settings.get("reminders/start_at_login"))
                              and autostart.is_enabled())
        self.login_note = QtWidgets.QLabel()
        self.login_note.setWordWrap(True)
        if not autostart_supported(autostart):
            self.login.setEnabled(False)
            self.login_note.setText("Start at login is not supported on this system yet.")
        form = QtWidgets.QFormLayout(self)
        form.addRow(self.close_to_tray)
        form.addRow("Show missed reminders from the last", self.lookback)
        form.addRow("Snooze button snoozes for", self.snooze)
        form.addRow(self.sound)
        form.addRow(self.login)
        form.addRow(self.login_note)
        note = QtWidgets.QLabel("Email reminders are chosen per reminder in the event editor "
                                "and sent by the Aurora server, even when this computer is off.")
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)

    def apply(self) -> None:
        s = self.settings
        s.set("reminders/close_to_tray", self.close_to_tray.isChecked())
        s.set("reminders/lookback_days", self.lookback.value())
        s.set("reminders/sound", self.sound.isChecked())
        s.set(self._snooze_key, self.snooze.value())
        if self.login.isEnabled():
            s.set("reminders/start_at_login", self.login.isChecked())


def autostart_supported(autostart: Autostart) -> bool:
    from aurora_desktop.autostart import supported

    return supported(autostart.platform)
