"""Notifiers: how a due reminder gets the user's attention.

:class:`Notifier` is the small interface the engine talks to. Implementations:

- :class:`TrayNotifier`: a balloon/notification from the tray icon
  (``QSystemTrayIcon.showMessage``), optionally with a sound;
- :class:`InWindowNotifier`: where there is no tray (headless sessions, some
  desktops) a message inside the main window (a callable the app supplies,
  e.g. the status bar);
- :class:`RecordingNotifier`: records what would have been shown, for tests;
- :class:`aurora_desktop.reminders.native.NativeNotifier` (its own module): the
  desktop's notification service over D-Bus, with Snooze and Dismiss buttons,
  falling back to one of the above.

Many reminders due together become one message ("500 reminders"), never 500.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Protocol

from aurora_core.defaults import NO_TITLE

from .planner import Delivery

__all__ = [
    "InWindowNotifier",
    "Notifier",
    "RecordingNotifier",
    "TrayNotifier",
    "describe_time",
    "describe_when",
    "summarize",
]

GROUP_LISTED = 3  # titles named in a grouped message


class Notifier(Protocol):
    """Shows a batch of reminders that fell due together. Must not block."""

    def notify(self, deliveries: Sequence[Delivery]) -> None: ...


def describe_time(start: datetime, end: datetime, all_day: bool, local_tz: tzinfo) -> str:
    """"Wed 25 Nov 09:00–10:00" in ``local_tz`` ("Wed 25 Nov, all day" for all-day events)."""
    s = start.astimezone(local_tz)
    day = f"{s:%a} {s.day} {s:%b}"
    if all_day:
        return f"{day}, all day"
    e = end.astimezone(local_tz)
    return f"{day} {s:%H:%M}–{e:%H:%M}"


def _span(minutes: int) -> str:
    """"1 minute", "15 minutes", "1 hour", "1 h 30 min", "3 days"."""
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if minutes < 48 * 60:
        h, m = divmod(minutes, 60)
        if not m:
            return f"{h} hour{'s' if h != 1 else ''}"
        return f"{h} h {m} min"
    days = minutes // (24 * 60)
    return f"{days} days"


def describe_when(start: datetime, end: datetime, all_day: bool, now: datetime,
                  local_tz: tzinfo) -> str:
    """When an event is, seen from ``now``: "in 15 minutes · 14:00–15:00".

    "now · 14:00–15:00", "started 5 minutes ago · …", "ended 2 hours ago · …";
    the date joins the hours when the event is not today ("in 1 day · Thu 26
    Nov 09:00–10:00"); all-day events say "today, all day", "tomorrow, all
    day" or the date.
    """
    s = start.astimezone(local_tz)
    today = now.astimezone(local_tz).date()
    if all_day:
        delta_days = (s.date() - today).days
        named = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(delta_days)
        return f"{named or f'{s:%a} {s.day} {s:%b}'}, all day"
    e = end.astimezone(local_tz)
    hours = f"{s:%H:%M}–{e:%H:%M}"
    if s.date() != today:
        hours = f"{s:%a} {s.day} {s:%b} {hours}"
    ahead = round((start - now).total_seconds() / 60)
    if ahead > 0:
        rel = f"in {_span(ahead)}"
    elif ahead == 0:
        rel = "now"
    elif now < end:
        rel = f"started {_span(-ahead)} ago"
    else:
        ago = round((now - end).total_seconds() / 60)
        rel = f"ended {_span(ago)} ago" if ago > 0 else "ended just now"
    return f"{rel} · {hours}"


def summarize(deliveries: Sequence[Delivery], local_tz: tzinfo) -> tuple[str, str]:
    """(title, body) of one message for the batch."""
    if not deliveries:
        raise ValueError("nothing to summarize")
    missed = sum(1 for d in deliveries if d.missed)
    if len(deliveries) == 1:
        d = deliveries[0]
        r = d.reminder
        title = ("Missed: " if d.missed else "") + (r.title or NO_TITLE)
        body = describe_time(r.start, r.end, r.all_day, local_tz)
        if r.location:
            body += f"\n{r.location}"
        return title, body
    n = len(deliveries)
    title = f"{n} reminders" + (f" ({missed} missed)" if missed else "")
    names = [d.reminder.title or NO_TITLE for d in deliveries[:GROUP_LISTED]]
    body = "\n".join(names)
    if n > GROUP_LISTED:
        body += f"\n… and {n - GROUP_LISTED} more"
    return title, body


class RecordingNotifier:
    """Keeps every batch it was given (tests assert on it)."""

    def __init__(self) -> None:
        self.batches: list[list[Delivery]] = []

    def notify(self, deliveries: Sequence[Delivery]) -> None:
        self.batches.append(list(deliveries))

    @property
    def shown(self) -> list[Delivery]:
        return [d for b in self.batches for d in b]

    def titles(self) -> list[str]:
        return [d.reminder.title for d in self.shown]

    def clear(self) -> None:
        self.batches.clear()


class TrayNotifier:
    """A tray message per batch. ``tray`` is a QSystemTrayIcon (shown)."""

    def __init__(self, tray: object, local_tz: Callable[[], tzinfo], *,
                 sound: Callable[[], bool] = lambda: False, timeout_ms: int = 15_000) -> None:
        self.tray = tray
        self.local_tz = local_tz
        self.sound = sound
        self.timeout_ms = timeout_ms

    def notify(self, deliveries: Sequence[Delivery]) -> None:
        from aurora_desktop.qt import QtWidgets

        title, body = summarize(deliveries, self.local_tz())
        icon = QtWidgets.QSystemTrayIcon.MessageIcon.Information
        self.tray.showMessage(title, body, icon, self.timeout_ms)  # type: ignore[attr-defined]
        if self.sound():
            QtWidgets.QApplication.beep()


class InWindowNotifier:
    """No tray: hand the message to the main window (``show(title, body)``)."""

    def __init__(self, show: Callable[[str, str], None], local_tz: Callable[[], tzinfo], *,
                 sound: Callable[[], bool] = lambda: False) -> None:
        self.show = show
        self.local_tz = local_tz
        self.sound = sound

    def notify(self, deliveries: Sequence[Delivery]) -> None:
        title, body = summarize(deliveries, self.local_tz())
        self.show(title, body)
        if self.sound():
            from aurora_desktop.qt import QtWidgets

            QtWidgets.QApplication.beep()
