"""The event editor's sections, each built by one small function (ui/editor.py uses them).

Title, calendar, when (dates, times, all day, zone), repeat, reminders,
location and notes, the problem line and the buttons: each function builds
its widgets with their names for screen readers and returns them; the
editor keeps them and gives them behaviour. ``lay_out`` puts the sections in
the dialog's form, in reading (and Tab) order.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import available_timezones

from aurora_core.model import Reminder
from aurora_core.repeat import WEEKDAYS, RepeatPreset
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets

FLOATING = "Floating (same clock time everywhere)"
REPEATS = [p.label for p in RepeatPreset]  # the combo box's index is the preset's value
UNITS = [("minutes", 1), ("hours", 60), ("days", 1440)]
ALL_DAY_DAYS = [("On the day at", 0), ("1 day before at", 1), ("2 days before at", 2),
                ("1 week before at", 7)]
ENDS = ["never", "on date", "after"]  # the repeat's end: its index is read by the editor
EMAIL_NEEDS_ACCOUNT = ("Email reminders are sent once you sign in to an Aurora account "
                       "(File\u00a0→\u00a0Account…). This reminder is kept until then.")


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def qdate(d: date) -> QtCore.QDate:
    return QtCore.QDate(d.year, d.month, d.day)


def pydate(q: QtCore.QDate) -> date:
    return date(q.year(), q.month(), q.day())


def qtime(t: time) -> QtCore.QTime:
    return QtCore.QTime(t.hour, t.minute)


def pytime(q: QtCore.QTime) -> time:
    return time(q.hour(), q.minute())


def locked_text(calendar_name: str) -> str:
    """Why an event of a read-only calendar (a subscription) cannot be changed here."""
    return (f"This event comes from “{calendar_name}”, a read-only calendar: "
            "it changes only where the calendar comes from. Only its reminders "
            "can be set here (on this computer); you can hide the calendar or "
            "change its colour in the sidebar.")


# ------------------------------------------------------------------ title
def title_field() -> QtWidgets.QLineEdit:
    title = QtWidgets.QLineEdit()
    title.setPlaceholderText("Add a title")
    title.setAccessibleName("Title")
    title.setObjectName("titleField")
    return title


def calendar_field() -> QtWidgets.QComboBox:
    """The calendar choice (the editor fills in the calendars it may write to)."""
    calendar = QtWidgets.QComboBox()
    calendar.setAccessibleName("Calendar")
    return calendar


# ------------------------------------------------------------------- when
class When(NamedTuple):
    all_day: QtWidgets.QCheckBox
    start_date: QtWidgets.QDateEdit
    start_time: QtWidgets.QTimeEdit
    end_date: QtWidgets.QDateEdit
    end_time: QtWidgets.QTimeEdit
    zone: QtWidgets.QComboBox
    zone_hint: QtWidgets.QLabel  # "15:30–16:30 your time"
    grid: QtWidgets.QGridLayout  # start date, time "to" end date, time


def when_section(time_format: str) -> When:
    all_day = QtWidgets.QCheckBox("All day")
    all_day.setAccessibleName("All day")
    start_date, end_date = _date_edit("Start date"), _date_edit("End date")
    start_time, end_time = _time_edit("Start time", time_format), _time_edit("End time", time_format)
    for w in (start_date, end_date):
        w.setDisplayFormat("ddd d MMM yyyy")
        # room for the longest date with the drop-down (style sheets add padding)
        w.setMinimumWidth(w.fontMetrics().horizontalAdvance("Wed 30 Sep 2026") + 56)
    for t in (start_time, end_time):
        t.setMinimumWidth(t.fontMetrics().horizontalAdvance("12:00 PM") + 44)
    grid = QtWidgets.QGridLayout()
    grid.addWidget(start_date, 0, 0)
    grid.addWidget(start_time, 0, 1)
    grid.addWidget(QtWidgets.QLabel("to"), 0, 2)
    grid.addWidget(end_date, 0, 3)
    grid.addWidget(end_time, 0, 4)
    grid.setColumnStretch(0, 3)
    grid.setColumnStretch(3, 3)
    return When(all_day, start_date, start_time, end_date, end_time, _zone_field(), _zone_hint(),
                grid)


def _date_edit(name: str) -> QtWidgets.QDateEdit:
    d = QtWidgets.QDateEdit()
    d.setCalendarPopup(True)
    d.setAccessibleName(name)
    return d


def _time_edit(name: str, time_format: str) -> QtWidgets.QTimeEdit:
    t = QtWidgets.QTimeEdit()
    t.setDisplayFormat(time_format)
    t.setAccessibleName(name)
    return t


def _zone_field() -> QtWidgets.QComboBox:
    """Floating, then every IANA zone; typing filters (any part of the name)."""
    zone = QtWidgets.QComboBox()
    zone.setEditable(True)
    zone.setAccessibleName("Time zone")
    zone.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
    zone.addItem(FLOATING)
    zone.addItems(zone_names())
    comp = zone.completer()
    assert comp is not None  # an editable combo box always has one
    comp.setFilterMode(Qt.MatchFlag.MatchContains)
    comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    comp.setCompletionMode(QtWidgets.QCompleter.CompletionMode.PopupCompletion)
    return zone


def _zone_hint() -> QtWidgets.QLabel:
    """"15:30–16:30 your time": an event in another zone, read on the user's clock."""
    hint = QtWidgets.QLabel()
    hint.setObjectName("zoneHint")
    hint.setAccessibleName("In your time zone")
    hint.hide()
    return hint


# ----------------------------------------------------------------- repeat
class Repeat(NamedTuple):
    repeat: QtWidgets.QComboBox  # the preset (REPEATS)
    interval: QtWidgets.QSpinBox  # "every 2"
    interval_unit: QtWidgets.QLabel  # "weeks"
    weekday_box: QtWidgets.QWidget
    weekday_buttons: list[QtWidgets.QToolButton]  # Mo..Su, property "code": MO..SU
    custom: QtWidgets.QLineEdit  # a custom RRULE
    ends: QtWidgets.QComboBox  # ENDS
    until: QtWidgets.QDateEdit
    occurrences: QtWidgets.QSpinBox  # "after 10 times"
    ends_label: QtWidgets.QLabel
    ends_row: QtWidgets.QWidget  # ends, until, count
    row: QtWidgets.QHBoxLayout  # repeat, interval, unit


def repeat_section() -> Repeat:
    repeat = QtWidgets.QComboBox()
    repeat.addItems(REPEATS)
    repeat.setAccessibleName("Repeat")
    interval = QtWidgets.QSpinBox()
    interval.setRange(1, 999)
    interval.setPrefix("every ")
    interval.setAccessibleName("Repeat interval")
    interval_unit = QtWidgets.QLabel()
    weekday_box, weekday_buttons = _weekdays()
    custom = QtWidgets.QLineEdit()
    custom.setPlaceholderText("RRULE, e.g. FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1")
    custom.setAccessibleName("Custom repeat rule")
    ends = QtWidgets.QComboBox()
    ends.addItems(ENDS)
    ends.setAccessibleName("Repeat ends")
    until = QtWidgets.QDateEdit()
    until.setCalendarPopup(True)
    until.setDisplayFormat("d MMM yyyy")
    until.setAccessibleName("Repeat until")
    count = QtWidgets.QSpinBox()
    count.setRange(1, 10000)
    count.setSuffix(" times")
    count.setAccessibleName("Number of occurrences")
    row = QtWidgets.QHBoxLayout()
    row.addWidget(repeat, 1)
    row.addWidget(interval)
    row.addWidget(interval_unit)
    ends_row = QtWidgets.QWidget()
    lay = QtWidgets.QHBoxLayout(ends_row)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in (ends, until, count):
        lay.addWidget(w)
    lay.addStretch(1)
    return Repeat(repeat, interval, interval_unit, weekday_box, weekday_buttons, custom, ends,
                  until, count, QtWidgets.QLabel("Ends"), ends_row, row)


def _weekdays() -> tuple[QtWidgets.QWidget, list[QtWidgets.QToolButton]]:
    """A toggle per weekday, named in the user's language ("Mo", "Tu"…)."""
    box = QtWidgets.QWidget()
    lay = QtWidgets.QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    buttons: list[QtWidgets.QToolButton] = []
    locale = QtCore.QLocale()
    for i, code in enumerate(WEEKDAYS):
        b = QtWidgets.QToolButton()
        b.setText(locale.dayName(i + 1, QtCore.QLocale.FormatType.ShortFormat)[:2])
        b.setCheckable(True)
        b.setAccessibleName(f"Repeat on {locale.dayName(i + 1)}")
        b.setProperty("code", code)
        b.setObjectName("weekdayButton")
        lay.addWidget(b)
        buttons.append(b)
    lay.addStretch(1)
    return box, buttons


# -------------------------------------------------------------- reminders
class Reminders(NamedTuple):
    rows: QtWidgets.QVBoxLayout  # one ReminderRow each
    email_notice: QtWidgets.QLabel  # EMAIL_NEEDS_ACCOUNT
    add_button: QtWidgets.QPushButton
    column: QtWidgets.QVBoxLayout  # the rows, the notice and the button


def reminders_section() -> Reminders:
    rows = QtWidgets.QVBoxLayout()
    rows.setSpacing(4)
    notice = QtWidgets.QLabel(EMAIL_NEEDS_ACCOUNT)
    notice.setObjectName("emailNotice")
    notice.setAccessibleName("Email reminders")
    notice.setWordWrap(True)
    notice.setStyleSheet("QLabel#emailNotice { border: 1px solid palette(mid); "
                         "border-radius: 6px; padding: 6px 8px; }")
    notice.hide()
    add = QtWidgets.QPushButton("Add reminder")
    add.setAccessibleName("Add reminder")
    column = QtWidgets.QVBoxLayout()
    column.addLayout(rows)
    column.addWidget(notice)
    column.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
    return Reminders(rows, notice, add, column)


class ReminderRow(QtWidgets.QWidget):
    """One reminder: "15 minutes before" for a timed event; for an all-day event, which
    starts at midnight, "1 day before at 09:00" (``minutes_before`` counts from 00:00)."""

    removed = QtCore.Signal(object)

    def __init__(self, reminder: Reminder, parent: QtWidgets.QWidget | None = None, *,
                 all_day: bool = False, time_format: str = "HH:mm") -> None:
        super().__init__(parent)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.amount = QtWidgets.QSpinBox()
        self.amount.setRange(0, 9999)
        self.amount.setAccessibleName("Reminder amount")
        self.unit = QtWidgets.QComboBox()
        self.unit.addItems([f"{u} before" for u, _ in UNITS])
        self.unit.setAccessibleName("Reminder unit")
        self.days = QtWidgets.QComboBox()
        self.days.setAccessibleName("Reminder day")
        for label, n in ALL_DAY_DAYS:
            self.days.addItem(label, n)
        self.at = QtWidgets.QTimeEdit()
        self.at.setDisplayFormat(time_format)
        self.at.setAccessibleName("Reminder time")
        self.channel = QtWidgets.QComboBox()
        self.channel.addItem("Notification", "notification")
        self.channel.addItem("Email", "email")
        self.channel.setAccessibleName("Reminder channel")
        self.remove = QtWidgets.QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this reminder")
        self.remove.setAccessibleName("Remove reminder")
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        for w in (self.amount, self.unit, self.days, self.at, self.channel):
            lay.addWidget(w)
        lay.addWidget(self.remove)
        lay.addStretch(1)
        self.all_day = all_day
        self._show(reminder.minutes_before)
        self.channel.setCurrentIndex(max(self.channel.findData(reminder.channel), 0))

    def _show(self, m: int) -> None:
        self.amount.setVisible(not self.all_day)
        self.unit.setVisible(not self.all_day)
        self.days.setVisible(self.all_day)
        self.at.setVisible(self.all_day)
        if self.all_day:
            # minutes before midnight -> (whole days before, time of day)
            days = -(-m // 1440) if m > 0 else 0
            clock = days * 1440 - m
            if not 0 <= clock < 1440:  # after the day's end: show the nearest we can
                days, clock = 0, min(max(clock, 0), 1439)
            i = self.days.findData(days)
            if i < 0:
                self.days.addItem(f"{days} days before", days)
                i = self.days.count() - 1
            self.days.setCurrentIndex(i)
            self.at.setTime(QtCore.QTime(clock // 60, clock % 60))
            return
        m = max(m, 0)
        for i, (_u, f) in reversed(list(enumerate(UNITS))):
            if m % f == 0 and (m or f == 1):
                self.unit.setCurrentIndex(i)
                self.amount.setValue(min(m // f, 9999))
                break

    def set_all_day(self, all_day: bool) -> None:
        """Show the same reminder the other way ("15 hours before" <-> "1 day before at 09:00")."""
        if all_day != self.all_day:
            m = self.minutes()
            self.all_day = all_day
            self._show(m)

    def minutes(self) -> int:
        if self.all_day:
            t = self.at.time()
            return int(self.days.currentData()) * 1440 - (t.hour() * 60 + t.minute())
        return self.amount.value() * UNITS[self.unit.currentIndex()][1]

    def reminder(self) -> Reminder:
        return Reminder(self.minutes(), self.channel.currentData())


# ---------------------------------------------------------- notes, buttons
def location_field() -> QtWidgets.QLineEdit:
    location = QtWidgets.QLineEdit()
    location.setPlaceholderText("Add a location")
    location.setAccessibleName("Location")
    return location


def notes_field() -> QtWidgets.QPlainTextEdit:
    notes = QtWidgets.QPlainTextEdit()
    notes.setPlaceholderText("Notes")
    notes.setAccessibleName("Notes")
    notes.setTabChangesFocus(True)
    notes.setFixedHeight(90)
    return notes


def problem_label() -> QtWidgets.QLabel:
    """What keeps the event from being saved ("The event ends before it starts.")."""
    error = QtWidgets.QLabel()
    error.setObjectName("errorLabel")
    error.setWordWrap(True)
    error.setAccessibleName("Problem")
    return error


class Buttons(NamedTuple):
    box: QtWidgets.QDialogButtonBox
    save: QtWidgets.QPushButton
    delete: QtWidgets.QPushButton | None  # an event that exists can be deleted


def buttons_section(deletable: bool) -> Buttons:
    """Save and Cancel, and Delete for an event that exists; no icons on them."""
    box = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Save
                                     | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
    save = box.button(QtWidgets.QDialogButtonBox.StandardButton.Save)
    save.setAccessibleName("Save")
    delete = None
    if deletable:
        delete = box.addButton("Delete", QtWidgets.QDialogButtonBox.ButtonRole.DestructiveRole)
        delete.setAccessibleName("Delete event")
        delete.setObjectName("deleteButton")
    for button in box.buttons():
        button.setIcon(QtGui.QIcon())
    return Buttons(box, save, delete)


def locked_note(text: str) -> QtWidgets.QLabel:
    note = QtWidgets.QLabel(text)
    note.setWordWrap(True)
    note.setObjectName("lockedNote")
    note.setAccessibleName("Why this event cannot be changed")
    return note


def ask_discard(parent: QtWidgets.QWidget) -> bool:
    """Esc after an edit: "Discard your changes to this event?"; True to discard."""
    box = QtWidgets.QMessageBox(parent)
    box.setWindowTitle("Discard changes?")
    box.setIcon(QtWidgets.QMessageBox.Icon.Question)
    box.setText("Discard your changes to this event?")
    discard = box.addButton("Discard", QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QtWidgets.QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


# ----------------------------------------------------------------- layout
def lay_out(dialog: QtWidgets.QDialog, title: QtWidgets.QLineEdit,
            calendar: QtWidgets.QComboBox, when: When, repeat: Repeat, reminders: Reminders,
            location: QtWidgets.QLineEdit, notes: QtWidgets.QPlainTextEdit,
            error: QtWidgets.QLabel, buttons: Buttons) -> QtWidgets.QVBoxLayout:
    """The sections in the dialog's form, top to bottom; returns the dialog's layout."""
    form = QtWidgets.QFormLayout()
    form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.addRow(title)
    form.addRow("Calendar", calendar)
    form.addRow("When", when.grid)
    form.addRow("", when.all_day)
    form.addRow("Time zone", when.zone)
    form.addRow("", when.zone_hint)
    form.addRow("Repeat", repeat.row)
    form.addRow("", repeat.weekday_box)
    form.addRow("", repeat.custom)
    form.addRow(repeat.ends_label, repeat.ends_row)
    form.addRow("Reminders", reminders.column)
    form.addRow("Location", location)
    form.addRow("Notes", notes)
    form.setVerticalSpacing(10)
    form.setHorizontalSpacing(14)
    outer = QtWidgets.QVBoxLayout(dialog)
    outer.setContentsMargins(22, 18, 22, 16)
    outer.addLayout(form)
    outer.addWidget(error)
    outer.addWidget(buttons.box)
    return outer
