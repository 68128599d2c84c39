"""The window's side of the settings: the Settings dialog, and applying a changed setting.

Display settings (week start, 12/24-hour clock, working hours and days, week
numbers) are read into the views' shared ``ViewContext``; a changed one is
applied at once (the views lay out again), as are the theme and the time zone.
Other parts add pages to the dialog with ``add_page`` (the window's
``add_settings_page``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.ui.fmt import Formatter

if TYPE_CHECKING:
    from aurora_desktop.ui import dialogs
    from aurora_desktop.ui.main_window import MainWindow

WORK_DAYS = (1, 2, 3, 4, 5)  # ISO weekdays, when the setting is empty or unreadable


class WindowSettings:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._pages: list[Callable[[], dialogs.SettingsPage]] = []
        self.read_display()

    # --------------------------------------------------------------- dialog
    def add_page(self, factory: Callable[[], dialogs.SettingsPage]) -> None:
        """Add a page to the settings dialog (built each time the dialog opens)."""
        self._pages.append(factory)

    def make_dialog(self) -> dialogs.SettingsDialog:
        from aurora_desktop.systemzone import system_zone_name
        from aurora_desktop.ui import dialogs

        w = self.window
        dlg = dialogs.SettingsDialog(w)
        dlg.add_page(dialogs.GeneralPage(w.settings, w.store.calendars(), system_zone_name()))
        for f in self._pages:
            dlg.add_page(f())
        return dlg

    def open(self) -> None:
        """Edit → Settings… (Ctrl+,)."""
        self.make_dialog().exec()

    # ------------------------------------------------------------- applying
    def read_display(self) -> None:
        """The display settings into the views' context."""
        s, ctx = self.window.settings, self.window.ctx
        ws = s.get("ui/week_start") or QtCore.QLocale().firstDayOfWeek().value
        ctx.week_start = int(ws)
        ctx.fmt = Formatter(s.get("ui/clock_24h"))
        ctx.work_start = int(s.get("ui/work_start_hour"))
        ctx.work_end = max(int(s.get("ui/work_end_hour")), ctx.work_start + 1)
        ctx.week_numbers = bool(s.get("ui/week_numbers"))
        try:
            days = tuple(int(x) for x in str(s.get("ui/work_days")).split(",") if x.strip())
        except ValueError:
            days = WORK_DAYS
        ctx.work_days = days or WORK_DAYS

    def show_week_numbers(self) -> None:
        """View → Show week numbers: the month view, the time grids' corner and the mini month."""
        w = self.window
        fmt = QtWidgets.QCalendarWidget.VerticalHeaderFormat
        want = fmt.ISOWeekNumbers if w.ctx.week_numbers else fmt.NoVerticalHeader
        if w.sidebar.mini.verticalHeaderFormat() != want:
            w.sidebar.mini.setVerticalHeaderFormat(want)

    def set_zone(self, zone_name: str) -> None:
        """Show times in ``zone_name`` (an IANA name; '' = the system zone)."""
        from aurora_desktop.systemzone import display_zone

        w = self.window
        zone = display_zone(zone_name)
        w.zone = w.ctx.zone = w.controller.zone = zone
        w.agenda_model.set_zone(zone.tz)
        w.model.set_zone(zone.tz)
        w.refresh()

    def on_setting(self, key: str) -> None:
        """A setting changed (here or in the dialog): apply it."""
        w = self.window
        if key == "ui/theme":
            w.apply_theme()
        elif key == "ui/time_zone":
            self.set_zone(w.settings.get("ui/time_zone"))
        elif key.startswith("ui/"):
            self.read_display()
            self.show_week_numbers()
            for v in w.views.values():
                relayout = getattr(v, "relayout", None)
                if callable(relayout):
                    relayout()
            w.refresh()
