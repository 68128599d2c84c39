"""Every user setting, declared once: key, type, default and help.

Stored in QSettings. Other parts of the app (reminders, sync) append their
own :class:`Setting` entries to :data:`SETTINGS`; :class:`Settings` reads and
writes any declared key and refuses undeclared ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurora_desktop.qt import QtCore

__all__ = ["SETTINGS", "Setting", "Settings", "default_reminder_minutes"]


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] = ()


SETTINGS: list[Setting] = [
    # --- calendar window ---
    Setting("ui/week_start", int, 0,
            "First day of the week: 0 follows the locale, 1 = Monday … 7 = Sunday.",
            (0, 1, 2, 3, 4, 5, 6, 7)),
    Setting("ui/clock_24h", str, "auto",
            "Clock: 'auto' follows the locale, '24' or '12'.", ("auto", "24", "12")),
    Setting("ui/work_start_hour", int, 8, "Working hours start (hour, 0–23)."),
    Setting("ui/work_end_hour", int, 18, "Working hours end (hour, 1–24)."),
    Setting("ui/default_calendar", str, "", "Id of the calendar new events go in ('' = first)."),
    Setting("ui/default_reminder", int, 15,
            "Minutes before an event for the default reminder of new events (-1 = none)."),
    Setting("ui/default_all_day_reminder", int, 900,
            "Default reminder of new all-day events, in minutes before the day's 00:00 "
            "(900 = 09:00 the day before; -540 = 09:00 on the day; -1 = none)."),
    Setting("ui/theme", str, "system", "Theme: 'system', 'light' or 'dark'.",
            ("system", "light", "dark")),
    Setting("ui/week_numbers", bool, True, "Show week numbers in the month view."),
    Setting("ui/time_zone", str, "", "IANA zone to show times in ('' = the system zone)."),
    Setting("ui/work_days", str, "1,2,3,4,5", "ISO weekdays shown in the work-week view."),
    # --- window state (not shown in the settings dialog) ---
    Setting("window/geometry", bytes, b"", "Main window geometry."),
    Setting("window/state", bytes, b"", "Main window dock/toolbar state."),
    Setting("window/view", str, "week", "Last view: day, week, workweek, month, agenda."),
    Setting("window/date", str, "", "Last shown date (ISO); '' = today."),
    # --- reminders ---
    Setting("reminders/close_to_tray", bool, True,
            "Closing the window hides it to the tray (where there is a tray)."),
    Setting("reminders/lookback_days", int, 7,
            "After start-up or wake, show reminders missed up to this many days ago (0–60)."),
    Setting("reminders/sound", bool, False, "Play a sound with each reminder."),
    Setting("reminders/start_at_login", bool, False,
            "Start Aurora Time (in the tray) when you log in (Linux: XDG autostart)."),
    Setting("reminders/paused_until", str, "",
            "Reminders are paused until this instant (ISO, UTC); '' = not paused."),
    # --- subscriptions ---
    Setting("subscriptions/refresh_minutes", int, 60,
            "Refresh subscribed calendars every this many minutes (at least 5)."),
]


def _by_key() -> dict[str, Setting]:
    return {s.key: s for s in SETTINGS}


class Settings(QtCore.QObject):
    """Typed access to the declared settings, stored in a QSettings.

    ``changed(key)`` is emitted after :meth:`set`.
    """

    changed = QtCore.Signal(str)

    def __init__(self, qsettings: QtCore.QSettings, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._q = qsettings

    @property
    def qsettings(self) -> QtCore.QSettings:
        return self._q

    def definition(self, key: str) -> Setting:
        try:
            return _by_key()[key]
        except KeyError:
            raise KeyError(f"undeclared setting {key!r}; add it to aurora_desktop.settings.SETTINGS"
                           ) from None

    def get(self, key: str) -> Any:
        d = self.definition(key)
        raw = self._q.value(key, None)
        if raw is None:
            return d.default
        try:
            value = _convert(d.type, raw)
        except (TypeError, ValueError):
            return d.default
        if d.choices and value not in d.choices:
            return d.default
        return value

    def set(self, key: str, value: Any) -> None:
        d = self.definition(key)
        value = _convert(d.type, value)
        if self.get(key) == value and self._q.contains(key):
            return
        self._q.setValue(key, value)
        self.changed.emit(key)

    def on_change(self, fn: Callable[[str], None]) -> None:
        self.changed.connect(fn)

    def sync(self) -> None:
        self._q.sync()


def _convert(kind: type, raw: Any) -> Any:
    if kind is bool:
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        return bool(raw)
    if kind is bytes:
        if isinstance(raw, QtCore.QByteArray):
            return bytes(raw.data())
        if isinstance(raw, str):
            return raw.encode("latin-1")
        return bytes(raw)
    return kind(raw)


def default_reminder_minutes(settings: Settings, all_day: bool) -> int | None:
    """The default reminder of a new event (minutes before its start), None for none.

    All-day events have their own default: they start at 00:00, so the timed
    default (15 minutes) would ring at 23:45 the night before.
    """
    minutes = int(settings.get("ui/default_all_day_reminder" if all_day
                               else "ui/default_reminder"))
    return None if minutes == -1 else minutes
