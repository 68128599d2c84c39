"""The event editor dialog.

It edits one event (or one occurrence of a series: its times are the
occurrence's, its repeat rule the series') and returns a new :class:`Event`
from :meth:`EventEditor.edited_event`; it never writes to the store itself.
Its sections (title, calendar, when, repeat, reminders, location and notes,
buttons) are built by ui/editor_sections.py; this module gives them behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from aurora_core import custom_zones
from aurora_core.model import (
    AllDayDate,
    Calendar,
    Event,
    EventTime,
    FloatingTime,
    Occurrence,
    Reminder,
    ValidationError,
    ZonedTime,
)
from aurora_core.repeat import WEEKDAYS, RepeatPreset, nth_weekday
from aurora_core.times import DisplayZone, own_wall, wall_in
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import editor_sections as sections
from aurora_desktop.ui.editor_sections import FLOATING, ReminderRow, pydate, pytime, qdate, qtime
from aurora_desktop.ui.icons import swatch

if TYPE_CHECKING:
    from aurora_desktop.ui.controller import Scope

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class EventEditor(QtWidgets.QDialog):
    """Create or edit an event. ``result_action`` is "save" or "delete" after exec().

    For an overridden occurrence of a series, ``series_rule`` is the master's
    rule (shown and returned, so "this and following" and "all" keep it).
    ``signed_in`` tells whether an Aurora account is signed in (email
    reminders need one: while it answers False, choosing Email says so);
    None means the editor does not know and says nothing.
    """

    def __init__(self, calendars: list[Calendar], *, zone: DisplayZone,
                 event: Event | None = None, occurrence: Occurrence | None = None,
                 start: datetime | None = None, end: datetime | None = None,
                 all_day: bool = False, calendar_id: str | None = None,
                 default_reminder: int = -1, h24: bool = True, series_rule: str | None = None,
                 signed_in: Callable[[], bool] | None = None,
                 default_all_day_reminder: int | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit event" if event else "New event")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(660)
        self.setObjectName("eventEditor")
        self.result_action = ""
        # Set by the window for an occurrence of a series: asked on Save (None: Cancel);
        # ``scope`` is the answer, for the controller.
        self.ask_scope: Callable[[Event], Scope | None] | None = None
        self.scope: Scope | None = None
        self._given_series_rule = series_rule
        self._signed_in = signed_in
        self._base = event
        self._occ = occurrence
        self._zone_name = zone.name  # the user's zone: a new event's, and the hint's
        self._my_zone = zone.tz
        # Zones an imported file defined (X-AURORA/<hash>) show as the file named them.
        self._zone_labels: dict[str, str] = {}  # label -> zone name
        self._calendars = [c for c in calendars if not c.read_only or (event and
                                                                        c.id == event.calendar_id)]
        # An event of a read-only calendar (a subscription) is shown, never saved: why, inline.
        home = next((c for c in calendars if event and c.id == event.calendar_id), None)
        self.locked = sections.locked_text(home.name) if home is not None and home.read_only \
            else None
        tfmt = "HH:mm" if h24 else "h:mm AP"
        self._tfmt = tfmt
        self._h24 = h24
        # New events get these; None: the all-day default is the timed one's.
        self._defaults = (default_reminder, default_reminder if default_all_day_reminder is None
                          else default_all_day_reminder)

        # The sections (ui/editor_sections.py), top to bottom.
        self.title = sections.title_field()
        self.calendar = sections.calendar_field()
        for c in self._calendars:
            self.calendar.addItem(swatch(c.color), c.name, c.id)
        when = sections.when_section(tfmt)
        (self.all_day, self.start_date, self.start_time, self.end_date, self.end_time,
         self.zone, self.zone_hint, self._when_grid) = when
        repeat = sections.repeat_section()
        (self.repeat, self.interval, self.interval_unit, self.weekday_box, self.weekday_buttons,
         self.custom, self.ends, self.until, self.count, self.ends_label, self.ends_row,
         _row) = repeat
        reminders = sections.reminders_section()
        self.reminder_box, self.email_notice, self.add_reminder, _column = reminders
        self.reminder_rows: list[ReminderRow] = []
        self.location = sections.location_field()
        self.notes = sections.notes_field()
        self.error = sections.problem_label()
        buttons = sections.buttons_section(deletable=event is not None)
        self.buttons, self.save_button, self.delete_button = buttons
        outer = sections.lay_out(self, self.title, self.calendar, when, repeat, reminders,
                                 self.location, self.notes, self.error, buttons)

        self._load(event, occurrence, start, end, all_day, calendar_id, default_reminder)
        self._connect()
        self._refresh()
        self._refresh_email_notice()
        self.title.setFocus()
        self._initial = self._state()
        if self.locked is not None:
            self._lock(outer, self.locked)

    def _connect(self) -> None:
        """The fields' signals: any change re-checks the event; the end follows the start."""
        self.add_reminder.clicked.connect(self._add_another_reminder)
        if self.delete_button is not None:
            self.delete_button.clicked.connect(self._delete)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        for sig in (self.title.textChanged, self.all_day.toggled, self.start_date.dateChanged,
                    self.start_time.timeChanged, self.end_date.dateChanged,
                    self.end_time.timeChanged, self.zone.currentTextChanged,
                    self.repeat.currentIndexChanged, self.interval.valueChanged,
                    self.custom.textChanged, self.ends.currentIndexChanged,
                    self.until.dateChanged, self.count.valueChanged):
            sig.connect(self._refresh)
        for b in self.weekday_buttons:
            b.toggled.connect(self._refresh)
        self.all_day.toggled.connect(self._all_day_changed)
        self.start_date.dateChanged.connect(self._keep_duration)
        self.start_time.timeChanged.connect(self._keep_duration)
        self.end_date.dateChanged.connect(self._remember_duration)
        self.end_time.timeChanged.connect(self._remember_duration)

    def _lock(self, outer: QtWidgets.QVBoxLayout, why: str) -> None:
        """A read-only calendar's event: only its reminders change; the note says why."""
        if self.delete_button is not None:
            self.delete_button.setEnabled(False)
            self.delete_button.setVisible(False)
        self.title.setReadOnly(True)
        self._refresh()  # (it enables the zone for timed events: the fields go after)
        fields: tuple[QtWidgets.QWidget, ...] = (
            self.calendar, self.all_day, self.start_date, self.start_time, self.end_date,
            self.end_time, self.zone, self.repeat, self.interval, self.weekday_box,
            self.custom, self.ends, self.until, self.count, self.location, self.notes)
        for field in fields:
            field.setEnabled(False)
        self.locked_note = sections.locked_note(why)
        outer.insertWidget(outer.indexOf(self.error), self.locked_note)

    # ------------------------------------------------------------- loading
    def _load(self, event: Event | None, occ: Occurrence | None, start: datetime | None,
              end: datetime | None, all_day: bool, calendar_id: str | None,
              default_reminder: int) -> None:
        if event is not None:
            s, e = (occ.start, occ.end) if occ is not None else (event.start, event.end)
            self.title.setText(event.title)
            self.location.setText(event.location)
            self.notes.setPlainText(event.notes)
            cal = event.calendar_id
            if isinstance(s, AllDayDate):
                self.all_day.setChecked(True)  # first: the rows read "1 day before at 09:00"
                sw = datetime.combine(s.day, time(9))
                assert isinstance(e, AllDayDate)  # start and end are of one kind (validated)
                ew = datetime.combine(e.day - timedelta(days=1), time(10))
                self._set_zone(self._zone_name)
            elif isinstance(s, ZonedTime):
                sw, ew = own_wall(s), own_wall(e)  # in the event's own zone
                self._set_zone(s.tz)
            else:
                sw, ew = own_wall(s), own_wall(e)
                self.zone.setCurrentIndex(0)
            master_rule = event.rrule
            if event.recurrence_id is not None:
                master_rule = self._given_series_rule  # an override: the master's rule
            self._series_rule = master_rule
            rule_args: tuple[str | None, EventTime | None] = (master_rule, s)
            for r in event.reminders:
                self._add_reminder(r)
        else:
            now = datetime.now().replace(second=0, microsecond=0)
            sw = start or (now.replace(minute=0) + timedelta(hours=1))
            ew = end or (sw + timedelta(hours=1))
            if all_day:
                self.all_day.setChecked(True)
                ew = ew - timedelta(days=1)
                sw, ew = sw.replace(hour=9), ew.replace(hour=10)
            cal = calendar_id or (self._calendars[0].id if self._calendars else "")
            self._set_zone(self._zone_name)
            default = self._defaults[1 if all_day else 0]
            if default >= 0:
                self._add_reminder(Reminder(default))
            rule_args = (None, None)
        self.calendar.setCurrentIndex(max(self.calendar.findData(cal), 0))
        self.start_date.setDate(qdate(sw.date()))
        self.start_time.setTime(qtime(sw.time()))
        self.end_date.setDate(qdate(ew.date()))
        self.end_time.setTime(qtime(ew.time()))
        self._duration = self._start_wall_raw(), self._end_wall_raw()
        self._load_rule(*rule_args)

    def _set_zone(self, name: str) -> None:
        if custom_zones.is_custom(name):
            label = f"{custom_zones.display_name(name)} (from the imported file)"
            self._zone_labels[label] = name
            name = label
        i = self.zone.findText(name)
        if i < 0:
            self.zone.addItem(name)
            i = self.zone.count() - 1
        self.zone.setCurrentIndex(i)

    def _load_rule(self, text: str | None, start: EventTime | None) -> None:
        self.until.setDate(self.start_date.date().addMonths(3))
        self.count.setValue(10)
        choice = RepeatPreset.from_rule(text, start)
        if choice.preset is RepeatPreset.WEEKLY:
            days = choice.weekdays or (WEEKDAYS[pydate(self.start_date.date()).weekday()],)
            for b in self.weekday_buttons:
                b.setChecked(b.property("code") in days)
        self.repeat.setCurrentIndex(choice.preset.value)
        if choice.preset is RepeatPreset.CUSTOM:
            self.custom.setText(choice.custom)
        if choice.preset in (RepeatPreset.NONE, RepeatPreset.CUSTOM):
            return
        self.interval.setValue(choice.interval)
        if choice.count is not None:
            self.ends.setCurrentIndex(2)
            self.count.setValue(choice.count)
        elif choice.until is not None:
            self.ends.setCurrentIndex(1)
            self.until.setDate(qdate(choice.until))

    def _add_another_reminder(self) -> None:
        ad = self.all_day.isChecked()
        default = self._defaults[1 if ad else 0]
        self._add_reminder(Reminder(default if default >= 0 else (900 if ad else 15)))

    def _all_day_changed(self, all_day: bool) -> None:
        """Rows read the other way; the one default reminder of the kind it was becomes the
        other kind's default ("1 day before at 09:00" <-> "15 minutes before"), for a new
        event and a saved one alike: 15 hours before a 10:00 meeting is nobody's intent."""
        before = self._defaults[0 if all_day else 1]
        after = self._defaults[1 if all_day else 0]
        mins = [r.minutes() for r in self.reminder_rows]
        # A saved event's reminders are its own: swapped only one default for the other,
        # never added or dropped ("None" as a default).
        swap = mins == ([before] if before >= 0 else []) if self._base is None else \
            (mins == [before] and after >= 0)
        if swap and before != after:
            for row in list(self.reminder_rows):
                self._remove_reminder(row)
            if after >= 0:
                self._add_reminder(Reminder(after))
        for row in self.reminder_rows:
            row.set_all_day(all_day)

    def _add_reminder(self, r: Reminder) -> None:
        row = ReminderRow(r, self, all_day=self.all_day.isChecked(), time_format=self._tfmt)
        row.removed.connect(self._remove_reminder)
        row.channel.currentIndexChanged.connect(self._refresh_email_notice)
        self.reminder_rows.append(row)
        self.reminder_box.addWidget(row)
        self._refresh_email_notice()

    def _remove_reminder(self, row: ReminderRow) -> None:
        self.reminder_rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._refresh_email_notice()

    def _refresh_email_notice(self, *_: object) -> None:
        """An email reminder while signed out: say it is sent once the user signs in."""
        wants_email = any(r.channel.currentData() == "email" for r in self.reminder_rows)
        signed_out = self._signed_in is not None and not self._signed_in()
        self.email_notice.setVisible(wants_email and signed_out)
        if self.locked is not None and hasattr(self, "locked_note"):
            self._refresh()  # a read-only calendar's event: email is refused (see problem())

    # ---------------------------------------------------------- behaviour
    def _start_wall_raw(self) -> datetime:
        return datetime.combine(pydate(self.start_date.date()), pytime(self.start_time.time()))

    def _end_wall_raw(self) -> datetime:
        return datetime.combine(pydate(self.end_date.date()), pytime(self.end_time.time()))

    def _keep_duration(self) -> None:
        """Moving the start moves the end with it (the duration stays)."""
        old_s, old_e = self._duration
        new_s = self._start_wall_raw()
        if new_s != old_s:
            new_e = new_s + (old_e - old_s)
            for w in (self.end_date, self.end_time):
                w.blockSignals(True)
            self.end_date.setDate(qdate(new_e.date()))
            self.end_time.setTime(qtime(new_e.time()))
            for w in (self.end_date, self.end_time):
                w.blockSignals(False)
        self._duration = self._start_wall_raw(), self._end_wall_raw()
        self._refresh()

    def _remember_duration(self) -> None:
        self._duration = self._start_wall_raw(), self._end_wall_raw()

    def _refresh(self) -> None:
        ad = self.all_day.isChecked()
        self.start_time.setVisible(not ad)
        self.end_time.setVisible(not ad)
        for col in (1, 4):  # hidden times leave no gap
            self._when_grid.setColumnStretch(col, 0 if ad else 2)
        self.zone.setEnabled(not ad)
        i = self.repeat.currentIndex()
        repeating = i != 0
        self.interval.setVisible(0 < i < 6)
        self.interval_unit.setVisible(0 < i < 6)
        self.interval_unit.setText(RepeatPreset(i).unit)
        self.weekday_box.setVisible(i == 2)
        if i == 2 and not any(b.isChecked() for b in self.weekday_buttons):
            own = pydate(self.start_date.date()).weekday()
            self.weekday_buttons[own].blockSignals(True)
            self.weekday_buttons[own].setChecked(True)
            self.weekday_buttons[own].blockSignals(False)
        self.custom.setVisible(i == 6)
        self.ends_label.setVisible(repeating)
        self.ends_row.setVisible(repeating)
        self.until.setVisible(self.ends.currentIndex() == 1)
        self.count.setVisible(self.ends.currentIndex() == 2)
        if i == 3:
            self.repeat.setItemText(3, f"Monthly on day {self.start_date.date().day()}")
        if i == 4:
            n, wd = nth_weekday(pydate(self.start_date.date()))
            self.repeat.setItemText(4, f"Monthly on the {ORDINALS[n]} "
                                       f"{QtCore.QLocale().dayName(wd)}")
        self._refresh_zone_hint()
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self.save_button.setEnabled(problem is None)

    def _refresh_zone_hint(self) -> None:
        """Times in another zone than the user's: say when that is on the user's clock."""
        text = ""
        zone = self.zone.currentText().strip()
        if not self.all_day.isChecked() and zone not in (FLOATING, self._zone_name):
            mine = self._my_zone
            try:
                start, end = self.times()
            except ValidationError:
                start = end = None
            if isinstance(start, ZonedTime) and isinstance(end, ZonedTime):
                s, e = wall_in(start, mine), wall_in(end, mine)
                text = f"{self._clock(s)}–{self._clock(e)} your time"
                if s.date() != start.local.date() or e.date() != s.date():
                    loc = QtCore.QLocale()
                    day = loc.toString(qdate(s.date()), "ddd d MMM")
                    text = f"{day}, {text}"
                    if e.date() != s.date():
                        text = (f"{day} {self._clock(s)} – "
                                f"{loc.toString(qdate(e.date()), 'ddd d MMM')} "
                                f"{self._clock(e)} your time")
                self.zone_hint.setToolTip(f"In {self._zone_name}, the zone this computer "
                                          "shows times in")
        self.zone_hint.setText(text)
        self.zone_hint.setVisible(bool(text))

    def _clock(self, t: datetime) -> str:
        return t.strftime("%H:%M") if self._h24 else \
            QtCore.QLocale().toString(qtime(t.time()), self._tfmt)

    # ------------------------------------------------------------- result
    def rrule(self) -> str | None:
        ends = self.ends.currentIndex()
        return RepeatPreset(self.repeat.currentIndex()).to_rule(
            pydate(self.start_date.date()), interval=self.interval.value(),
            weekdays=[b.property("code") for b in self.weekday_buttons if b.isChecked()],
            until=pydate(self.until.date()) if ends == 1 else None,
            count=self.count.value() if ends == 2 else None,
            custom=self.custom.text())

    def times(self) -> tuple[object, object]:
        """(start, end) as model times; raises ValidationError with the reason."""
        if self.all_day.isChecked():
            s = pydate(self.start_date.date())
            e = pydate(self.end_date.date())
            if e < s:
                raise ValidationError("the end date is before the start date")
            return AllDayDate(s), AllDayDate(e + timedelta(days=1))
        sw, ew = self._start_wall_raw(), self._end_wall_raw()
        if ew < sw:
            raise ValidationError("the event ends before it starts")
        zone = self.zone.currentText().strip()
        zone = self._zone_labels.get(zone, zone)
        if zone == FLOATING:
            return FloatingTime(sw), FloatingTime(ew)
        return ZonedTime.from_local(sw, zone), ZonedTime.from_local(ew, zone)

    def edited_event(self) -> Event:
        """The edited event (validated); raises ValidationError."""
        start, end = self.times()
        kw = dict(
            calendar_id=self.calendar.currentData() or "", title=self.title.text().strip(),
            start=start, end=end, location=self.location.text().strip(),
            notes=self.notes.toPlainText(), rrule=self.rrule(),
            reminders=tuple(r.reminder() for r in self.reminder_rows),
        )
        if self._base is None:
            ev = Event.new(**kw)  # type: ignore[arg-type]
        else:
            ev = self._base.replace(**kw)
            if ev.recurrence_id is not None:
                ev = ev.replace(rrule=None) if kw["rrule"] is None else ev
        if not kw["calendar_id"]:
            raise ValidationError("choose a calendar (all calendars are read-only)")
        check = ev.replace(recurrence_id=None) if ev.recurrence_id is not None and ev.rrule \
            else ev
        check.validate()
        return ev

    def problem(self) -> str | None:
        if self.locked is not None:  # only reminders change: notifications (on this computer)
            if any(r.reminder().channel != "notification" for r in self.reminder_rows):
                return ("A read-only calendar's events stay on this computer: they can have "
                        "notifications, not email reminders.")
            return None
        try:
            self.edited_event()
        except ValidationError as exc:
            msg = str(exc)
            return msg[:1].upper() + msg[1:] + "."
        return None

    def _save(self) -> None:
        if self.problem() is not None:
            return
        if self.ask_scope is not None and self.locked is None:
            # A series: which part to change is asked while the edits are still here;
            # Cancel comes back to them (never closes the editor and loses them).
            self.scope = self.ask_scope(self.edited_event())
            if self.scope is None:
                self.title.setFocus()
                return
        self.result_action = "save"
        self.accept()

    def _delete(self) -> None:
        self.result_action = "delete"
        self.accept()

    # ------------------------------------------------------------ discard
    def _state(self) -> tuple[object, ...]:
        """Everything the user can change, to tell whether anything was."""
        return (
            self.title.text(), self.calendar.currentIndex(), self.all_day.isChecked(),
            self.start_date.date(), self.start_time.time(), self.end_date.date(),
            self.end_time.time(), self.zone.currentText(), self.repeat.currentIndex(),
            self.interval.value(), tuple(b.isChecked() for b in self.weekday_buttons),
            self.custom.text(), self.ends.currentIndex(), self.until.date(), self.count.value(),
            tuple(r.reminder() for r in self.reminder_rows), self.location.text(),
            self.notes.toPlainText(),
        )

    def changed(self) -> bool:
        return self._state() != self._initial

    def ask_discard(self) -> bool:
        """Ask "Discard changes?"; True to discard. Tests replace this."""
        return sections.ask_discard(self)

    def reject(self) -> None:
        """Esc, Cancel or closing: ask first when something was changed (in the app's exec)."""
        if self.isVisible() and self.isModal() and self.changed() and not self.ask_discard():
            return
        super().reject()

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._save()
            return
        super().keyPressEvent(event)
