"""The default snooze: one setting, read by the notifications' Snooze button and the
reminder window's Snooze menu (declared here, below both: reminders/ imports no ui/)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aurora_desktop.settings import SETTINGS, Setting

__all__ = ["SNOOZE_SETTING", "default_snooze"]

# The Snooze button of a reminder notification has one length: the user's default.
SNOOZE_SETTING = "reminders/snooze_minutes"
if not any(s.key == SNOOZE_SETTING for s in SETTINGS):
    SETTINGS.append(Setting(SNOOZE_SETTING, int, 15,
                            "Minutes the Snooze button of a reminder notification snoozes for "
                            "(1–10080)."))


def default_snooze(settings: Any) -> timedelta:
    """The user's default snooze (the notification's Snooze button), within 1 min … 1 week."""
    try:
        minutes = int(settings.get(SNOOZE_SETTING))
    except (TypeError, ValueError):
        minutes = 15
    return timedelta(minutes=max(1, min(minutes, 7 * 24 * 60)))
