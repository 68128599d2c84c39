"""Small dialogs: series scope, calendar properties, settings pages, shortcuts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from aurora_core.model import Calendar
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.settings import Settings
from aurora_desktop.store.calendars import PALETTE as CALENDAR_PALETTE
from aurora_desktop.ui.fmt import HourStyle

if TYPE_CHECKING:
    from aurora_desktop.ui.controller import Scope

# Reminders of all-day events count from the day's 00:00 (minutes before it).
ALL_DAY_REMINDERS = [("None", -1), ("On the day at 09:00", -540),
                     ("1 day before at 09:00", 900), ("1 day before at 18:00", 360),
                     ("2 days before at 09:00", 2340), ("1 week before at 09:00", 9540)]
PALETTE = list(CALENDAR_PALETTE)  # the colours new calendars get (store.calendars.pick_color)


SCOPE_CHOICES: tuple[tuple[str, str], ...] = (
    ("this", "Only this event"),
    ("following", "This and all following events"),
    ("all", "All events in the series"),
)


class ScopeDialog(QtWidgets.QDialog):
    """Which part of a series an edit applies to. ``choice`` is set when one is clicked.

    ``following=False`` leaves "This and following" out: on the first
    occurrence it would be the same as "All".
    """

    def __init__(self, parent: QtWidgets.QWidget | None, verb: str,
                 following: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("scopeDialog")
        self.setWindowTitle(f"{verb.capitalize()} recurring event")
        self.choice: Scope | None = None
        heading = QtWidgets.QLabel(f"{verb.capitalize()} a recurring event")
        heading.setObjectName("dialogTitle")
        text = QtWidgets.QLabel("This event repeats. Which events should change?"
                                if verb != "delete" else
                                "This event repeats. Which events should be deleted?")
        text.setObjectName("dialogSubtle")
        text.setWordWrap(True)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 16)
        lay.setSpacing(8)
        lay.addWidget(heading)
        lay.addWidget(text)
        lay.addSpacing(6)
        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        for scope, label in SCOPE_CHOICES:
            if scope == "following" and not following:
                continue
            b = QtWidgets.QPushButton(label)
            b.setObjectName("choiceButton")
            b.setAccessibleName(label)
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, sc=scope: self._choose(sc))
            lay.addWidget(b)
            self.buttons[scope] = b
        self.buttons["this"].setDefault(True)
        self.buttons["this"].setFocus()
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        _plain_buttons(bb)
        bb.rejected.connect(self.reject)
        lay.addSpacing(6)
        lay.addWidget(bb)
        self.setMinimumWidth(400)

    def _choose(self, scope: Scope) -> None:
        self.choice = scope
        self.accept()


def ask_scope(parent: QtWidgets.QWidget | None, verb: str, following: bool = True
              ) -> Scope | None:
    """Ask which part of a series to change: "this", "following", "all" or None (cancel).

    Asked from the open editor (Save), it sits over the editor, and Cancel goes back to it.
    """
    app = QtWidgets.QApplication.instance()
    modal = app.activeModalWidget() if isinstance(app, QtWidgets.QApplication) else None
    dlg = ScopeDialog(modal or parent, verb, following)
    dlg.exec()
    return dlg.choice


def _plain_buttons(bb: QtWidgets.QDialogButtonBox) -> None:
    """No stock icons on dialog buttons (Fusion on some desktops adds them)."""
    for b in bb.buttons():
        b.setIcon(QtGui.QIcon())


class CalendarDialog(QtWidgets.QDialog):
    """Name and colour of a calendar."""

    def __init__(self, cal: Calendar | None, parent: QtWidgets.QWidget | None = None,
                 new_color: str = PALETTE[0], taken: Iterable[str] = ()) -> None:
        super().__init__(parent)
        # Other calendars' names: a name must be new (case-insensitive, trimmed).
        self.taken = {n.strip().casefold(): n for n in taken}
        self.original = cal.name.strip().casefold() if cal else None
        self.setWindowTitle("Calendar" if cal else "New calendar")
        self.name = QtWidgets.QLineEdit(cal.name if cal else "")
        self.name.setAccessibleName("Calendar name")
        self.name.setPlaceholderText("Name")
        self.color = cal.color if cal else new_color
        self.swatches = QtWidgets.QButtonGroup(self)
        row = QtWidgets.QHBoxLayout()
        for c in PALETTE:
            b = QtWidgets.QToolButton()
            b.setCheckable(True)
            b.setAccessibleName(f"Colour {c}")
            b.setFixedSize(26, 26)
            b.setStyleSheet(f"QToolButton {{ background: {c}; border-radius: 13px; border: 2px "
                            f"solid transparent; }} QToolButton:checked {{ border: 2px solid "
                            f"palette(text); }}")
            b.setChecked(c.lower() == self.color.lower())
            b.clicked.connect(lambda _=False, c=c: self._pick(c))
            self.swatches.addButton(b)
            row.addWidget(b)
        more = QtWidgets.QPushButton("Other…")
        more.setAccessibleName("Choose another colour")
        more.clicked.connect(self._other)
        row.addSpacing(4)
        row.addWidget(more)
        row.addStretch(1)
        row.setSpacing(6)
        # Why OK did nothing, said under the field (not a box): the name is required.
        self.error = QtWidgets.QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.name.textChanged.connect(lambda _t: self.error.hide())
        heading = QtWidgets.QLabel(self.windowTitle())
        heading.setObjectName("dialogTitle")
        form = QtWidgets.QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        form.addRow("Name", self.name)
        form.addRow("", self.error)
        form.addRow("Colour", row)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                        | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        _plain_buttons(bb)
        self.ok_button = bb.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        bb.accepted.connect(self._ok)
        bb.rejected.connect(self.reject)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 16)
        lay.setSpacing(14)
        lay.addWidget(heading)
        lay.addLayout(form)
        lay.addWidget(bb)

    def _pick(self, c: str) -> None:
        self.color = c

    def _other(self) -> None:
        c = QtWidgets.QColorDialog.getColor(QtGui.QColor(self.color), self, "Calendar colour")
        if c.isValid():
            self.color = c.name()
            for b in self.swatches.buttons():
                b.setChecked(False)

    def _ok(self) -> None:
        name = self.name.text().strip()
        folded = name.casefold()
        if name and (folded == self.original or folded not in self.taken):
            self.accept()
            return
        self.error.setText(f"A calendar named '{self.taken[folded].strip()}' already exists."
                           if name else "Give the calendar a name.")
        self.error.show()
        self.name.setFocus()


class SettingsPage(QtWidgets.QWidget):
    """A page of the settings dialog: shows settings and writes them on :meth:`apply`."""

    title = "Page"

    def apply(self) -> None:  # pragma: no cover - pages override
        pass


class GeneralPage(SettingsPage):
    title = "Calendar"

    def __init__(self, settings: Settings, calendars: list[Calendar], system_zone: str = "UTC",
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.s = settings
        loc = QtCore.QLocale()
        self.week_start = QtWidgets.QComboBox()
        self.week_start.setAccessibleName("Week starts on")
        self.week_start.addItem(f"Locale default ({loc.dayName(loc.firstDayOfWeek().value)})", 0)
        for d in range(1, 8):
            self.week_start.addItem(loc.dayName(d), d)
        self.week_start.setCurrentIndex(max(self.week_start.findData(settings.get(
            "ui/week_start")), 0))
        self.hour_style = QtWidgets.QComboBox()
        self.hour_style.setAccessibleName("Clock")
        for label, style in (("Locale default", HourStyle.AUTO), ("24-hour", HourStyle.H24),
                             ("12-hour", HourStyle.H12)):
            self.hour_style.addItem(label, style.value)
        self.hour_style.setCurrentIndex(
            max(self.hour_style.findData(settings.get("ui/clock_24h")), 0))
        self.work_start = QtWidgets.QSpinBox()
        self.work_start.setRange(0, 23)
        self.work_start.setSuffix(":00")
        self.work_start.setValue(settings.get("ui/work_start_hour"))
        self.work_start.setAccessibleName("Working hours start")
        self.work_end = QtWidgets.QSpinBox()
        self.work_end.setRange(1, 24)
        self.work_end.setSuffix(":00")
        self.work_end.setValue(settings.get("ui/work_end_hour"))
        self.work_end.setAccessibleName("Working hours end")
        self.default_cal = QtWidgets.QComboBox()
        self.default_cal.setAccessibleName("Default calendar")
        self.default_cal.addItem("First calendar", "")
        for c in calendars:
            if not c.read_only:
                self.default_cal.addItem(c.name, c.id)
        self.default_cal.setCurrentIndex(max(self.default_cal.findData(
            settings.get("ui/default_calendar")), 0))
        self.default_rem = QtWidgets.QComboBox()
        self.default_rem.setAccessibleName("Default reminder")
        for label, minutes in (("None", -1), ("At start", 0), ("5 minutes before", 5),
                               ("10 minutes before", 10), ("15 minutes before", 15),
                               ("30 minutes before", 30), ("1 hour before", 60),
                               ("1 day before", 1440)):
            self.default_rem.addItem(label, minutes)
        i = self.default_rem.findData(settings.get("ui/default_reminder"))
        self.default_rem.setCurrentIndex(i if i >= 0 else 4)
        self.default_all_day_rem = QtWidgets.QComboBox()
        self.default_all_day_rem.setAccessibleName("Default reminder for all-day events")
        for label, minutes in ALL_DAY_REMINDERS:
            self.default_all_day_rem.addItem(label, minutes)
        current = int(settings.get("ui/default_all_day_reminder"))
        i = self.default_all_day_rem.findData(current)
        if i < 0:  # set elsewhere (the settings file): shown as it is
            self.default_all_day_rem.addItem(f"{current} minutes before 00:00", current)
            i = self.default_all_day_rem.count() - 1
        self.default_all_day_rem.setCurrentIndex(i)
        self.theme = QtWidgets.QComboBox()
        self.theme.setAccessibleName("Theme")
        for label, v in (("Follow system", "system"), ("Light", "light"), ("Dark", "dark")):
            self.theme.addItem(label, v)
        self.theme.setCurrentIndex(max(self.theme.findData(settings.get("ui/theme")), 0))
        self.zone = QtWidgets.QComboBox()
        self.zone.setAccessibleName("Show times in time zone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.zone.addItem(f"System ({system_zone})", "")
        from aurora_desktop.ui.editor_sections import zone_names

        for z in zone_names():
            self.zone.addItem(z, z)
        comp = self.zone.completer()
        assert comp is not None  # an editable combo box always has one
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCurrentIndex(max(self.zone.findData(settings.get("ui/time_zone")), 0))
        self.week_numbers = QtWidgets.QCheckBox("Show week numbers in the month view")
        self.week_numbers.setChecked(settings.get("ui/week_numbers"))
        hours = QtWidgets.QHBoxLayout()
        hours.addWidget(self.work_start)
        hours.addWidget(QtWidgets.QLabel("to"))
        hours.addWidget(self.work_end)
        hours.addStretch(1)
        form = QtWidgets.QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Week starts on", self.week_start)
        form.addRow("Clock", self.hour_style)
        form.addRow("Working hours", hours)
        form.addRow("Default calendar", self.default_cal)
        form.addRow("Default reminder", self.default_rem)
        form.addRow("All-day events", self.default_all_day_rem)
        form.addRow("Theme", self.theme)
        form.addRow("Time zone", self.zone)
        form.addRow("", self.week_numbers)

    def apply(self) -> None:
        s = self.s
        s.set("ui/week_start", self.week_start.currentData())
        s.set("ui/clock_24h", self.hour_style.currentData())
        start, end = self.work_start.value(), self.work_end.value()
        if end <= start:
            end = min(start + 1, 24)
        s.set("ui/work_start_hour", start)
        s.set("ui/work_end_hour", end)
        s.set("ui/default_calendar", self.default_cal.currentData())
        s.set("ui/default_reminder", self.default_rem.currentData())
        s.set("ui/default_all_day_reminder", self.default_all_day_rem.currentData())
        s.set("ui/theme", self.theme.currentData())
        s.set("ui/week_numbers", self.week_numbers.isChecked())
        i = self.zone.findText(self.zone.currentText())
        s.set("ui/time_zone", self.zone.itemData(i) if i >= 0 else "")


class SettingsDialog(QtWidgets.QDialog):
    """A list of pages on the left, the page on the right. ``add_page`` adds one."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.pages: list[SettingsPage] = []
        self.setObjectName("settingsDialog")
        self.list = QtWidgets.QListWidget()
        self.list.setObjectName("settingsNav")
        self.list.setAccessibleName("Settings pages")
        self.list.setFixedWidth(180)
        self.heading = QtWidgets.QLabel()
        self.heading.setObjectName("dialogTitle")
        self.stack = QtWidgets.QStackedWidget()
        self.list.currentRowChanged.connect(self._show_page)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                        | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        _plain_buttons(bb)
        bb.accepted.connect(self._ok)
        bb.rejected.connect(self.reject)
        right = QtWidgets.QVBoxLayout()
        right.setContentsMargins(24, 18, 24, 16)
        right.setSpacing(14)
        right.addWidget(self.heading)
        right.addWidget(self.stack, 1)
        right.addWidget(bb)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.list)
        lay.addLayout(right, 1)
        self.setMinimumSize(700, 440)

    def _show_page(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        if 0 <= row < len(self.pages):
            self.heading.setText(self.pages[row].title)

    def add_page(self, page: SettingsPage) -> None:
        lay = page.layout()
        if lay is not None:  # every page lines up under the heading, spaced alike
            lay.setContentsMargins(0, 0, 0, 0)
            if isinstance(lay, QtWidgets.QFormLayout):
                lay.setHorizontalSpacing(16)
                lay.setVerticalSpacing(10)
                lay.setFieldGrowthPolicy(
                    QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.pages.append(page)
        self.list.addItem(page.title)
        self.stack.addWidget(page)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)

    def _ok(self) -> None:
        for p in self.pages:
            p.apply()
        self.accept()


def shortcuts_dialog(parent: QtWidgets.QWidget, rows: list[tuple[str, str]]) -> QtWidgets.QDialog:
    dlg = QtWidgets.QDialog(parent)
    dlg.setObjectName("shortcutsDialog")
    dlg.setWindowTitle("Keyboard shortcuts")
    heading = QtWidgets.QLabel("Keyboard shortcuts")
    heading.setObjectName("dialogTitle")
    table = QtWidgets.QTableWidget(len(rows), 2)
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(30)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    keys_font = QtGui.QFont(table.font())
    keys_font.setWeight(QtGui.QFont.Weight.DemiBold)
    for i, (a, k) in enumerate(rows):
        table.setItem(i, 0, QtWidgets.QTableWidgetItem(a))
        keys = QtWidgets.QTableWidgetItem(k)
        keys.setFont(keys_font)
        table.setItem(i, 1, keys)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
    table.resizeColumnToContents(1)
    header.resizeSection(1, header.sectionSize(1) + 24)
    lay = QtWidgets.QVBoxLayout(dlg)
    lay.setContentsMargins(24, 20, 24, 16)
    lay.setSpacing(14)
    lay.addWidget(heading)
    lay.addWidget(table)
    bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
    _plain_buttons(bb)
    bb.rejected.connect(dlg.reject)
    lay.addWidget(bb)
    dlg.resize(520, 600)
    return dlg


def error_box(parent: QtWidgets.QWidget | None, title: str, text: str) -> None:
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, title, text,
                                QtWidgets.QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
