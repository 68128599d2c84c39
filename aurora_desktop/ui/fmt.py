"""Formatting of times, dates and ranges for display (locale-aware)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from aurora_desktop.qt import QtCore
from aurora_desktop.ui.views.kinds import ViewKind


class HourStyle(StrEnum):
    """How a time of day reads (the setting ui/clock_24h holds the value)."""

    AUTO = "auto"  # as the locale writes it
    H24 = "24"     # 14:30
    H12 = "12"     # 2:30pm


class Formatter:
    """Formats wall-clock times in 12- or 24-hour style and dates in the locale's names."""

    def __init__(self, hour_style: HourStyle | str = HourStyle.AUTO,
                 locale: QtCore.QLocale | None = None) -> None:
        self.locale = locale or QtCore.QLocale()
        self.hour_style = HourStyle(hour_style)
        if self.hour_style is HourStyle.AUTO:
            fmt = self.locale.timeFormat(QtCore.QLocale.FormatType.ShortFormat)
            self.h24 = "a" not in fmt.lower()
        else:
            self.h24 = self.hour_style is HourStyle.H24

    def time(self, t: datetime | time, short: bool = False) -> str:
        if self.h24:
            return f"{t.hour:02d}:{t.minute:02d}"
        h = t.hour % 12 or 12
        ampm = "am" if t.hour < 12 else "pm"
        if short and t.minute == 0:
            return f"{h}{ampm}"
        return f"{h}:{t.minute:02d}{ampm}"

    def hour_label(self, hour: int) -> str:
        if self.h24:
            return f"{hour:02d}:00"
        h = hour % 12 or 12
        return f"{h} {'AM' if hour < 12 else 'PM'}"

    def day_name(self, d: date, long: bool = False) -> str:
        ft = QtCore.QLocale.FormatType.LongFormat if long else QtCore.QLocale.FormatType.ShortFormat
        return self.locale.dayName(d.isoweekday(), ft)

    def month_name(self, m: int, long: bool = True) -> str:
        ft = QtCore.QLocale.FormatType.LongFormat if long else QtCore.QLocale.FormatType.ShortFormat
        return self.locale.standaloneMonthName(m, ft)

    def long_date(self, d: date) -> str:
        return f"{self.day_name(d, True)}, {d.day} {self.month_name(d.month)} {d.year}"

    def short_date(self, d: date) -> str:
        return f"{self.day_name(d)} {d.day} {self.month_name(d.month, False)}"

    def range_title(self, first: date, last: date, view: ViewKind) -> str:
        """The toolbar title for a view showing [first, last] (inclusive)."""
        if view == ViewKind.MONTH:
            mid = first + (last - first) / 2
            return f"{self.month_name(mid.month)} {mid.year}"
        if view == ViewKind.DAY:
            return self.long_date(first)
        if view == ViewKind.AGENDA:
            return f"From {self.short_date(first)} {first.year}"
        if first.month == last.month:
            return f"{first.day} – {last.day} {self.month_name(first.month)} {first.year}"
        if first.year == last.year:
            return (f"{first.day} {self.month_name(first.month, False)} – {last.day} "
                    f"{self.month_name(last.month, False)} {first.year}")
        return (f"{first.day} {self.month_name(first.month, False)} {first.year} – {last.day} "
                f"{self.month_name(last.month, False)} {last.year}")

    def span(self, start: datetime, end: datetime, all_day: bool) -> str:
        if all_day:
            last = (end - timedelta(days=1)).date()
            if last <= start.date():
                return "All day"
            return f"All day, until {self.short_date(last)}"
        if start.date() == end.date() or end == datetime.combine(start.date(), time()) + \
                timedelta(days=1):
            return f"{self.time(start)} – {self.time(end)}"
        return f"{self.time(start)} – {self.short_date(end.date())} {self.time(end)}"
