"""What a reminder notification says, and when the app tries the notification service (no bus)."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest

from aurora_core.model import get_zone
from aurora_desktop.reminders.native import compose, native_available, session_bus_address
from aurora_desktop.reminders.notifier import describe_when
from aurora_desktop.reminders.planner import Delivery, DueReminder
from aurora_desktop.reminders.snooze import default_snooze
from tests.helpers.reminders import T0

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _when(start_in: timedelta, length: timedelta = H, *, all_day: bool = False,
          tz: str = "UTC") -> str:
    start = T0 + start_in
    return describe_when(start, start + length, all_day, T0, get_zone(tz))


@pytest.mark.parametrize(("start_in", "length", "text"), [
    (15 * M, H, "in 15 minutes · 08:15–09:15"),
    (1 * M, H, "in 1 minute · 08:01–09:01"),
    (H, H, "in 1 hour · 09:00–10:00"),
    (90 * M, H, "in 1 h 30 min · 09:30–10:30"),
    (timedelta(0), H, "now · 08:00–09:00"),
    (-5 * M, H, "started 5 minutes ago · 07:55–08:55"),
    (-3 * H, H, "ended 2 hours ago · 05:00–06:00"),
    (-H, H, "ended just now · 07:00–08:00"),
    (timedelta(days=1), H, "in 24 hours · Thu 26 Nov 08:00–09:00"),
    (timedelta(days=3), H, "in 3 days · Sat 28 Nov 08:00–09:00"),
])
def test_describe_when(start_in: timedelta, length: timedelta, text: str) -> None:
    assert _when(start_in, length) == text


def test_describe_when_in_the_local_zone_and_all_day() -> None:
    # 08:15 UTC is 09:15 in Berlin (November: UTC+1).
    assert _when(15 * M, tz="Europe/Berlin") == "in 15 minutes · 09:15–10:15"
    today = T0.replace(hour=0)
    assert describe_when(today, today + timedelta(days=1), True, T0, UTC) == "today, all day"
    tomorrow = today + timedelta(days=1)
    assert describe_when(tomorrow, tomorrow + timedelta(days=1), True, T0, UTC) == \
        "tomorrow, all day"
    later = today + timedelta(days=4)
    assert describe_when(later, later + timedelta(days=1), True, T0, UTC) == "Sun 29 Nov, all day"


def _delivery(title: str, location: str = "", *, missed: bool = False) -> Delivery:
    start = T0 + 15 * M
    r = DueReminder(f"occ-{title}", "15:notification", T0, f"ev-{title}", f"uid-{title}", title,
                    location, start, start + H, False, 15)
    return Delivery(r, missed)


def test_compose_one_notification_per_reminder_up_to_three() -> None:
    batch = [_delivery("A", "Room 1"), _delivery(""), _delivery("C")]
    msgs = compose(batch, T0, UTC, timedelta(minutes=15))
    assert [(m.title, m.body) for m in msgs] == [
        ("A", "in 15 minutes · 08:15–09:15\nRoom 1"),
        ("(no title)", "in 15 minutes · 08:15–09:15"),
        ("C", "in 15 minutes · 08:15–09:15")]
    assert {m.snooze_label for m in msgs} == {"Snooze 15 min"}
    assert [m.keys for m in msgs] == [[d.reminder.key] for d in batch]
    assert len({m.identifier for m in msgs}) == 3


def test_compose_groups_a_larger_batch() -> None:
    batch = [_delivery(f"T{i}", missed=i < 2) for i in range(7)]
    (m,) = compose(batch, T0, UTC, timedelta(hours=1))
    assert m.title == "7 reminders (2 missed)"
    assert m.body == "T0\nT1\nT2\n… and 4 more"
    assert (m.snooze_label, m.dismiss_label) == ("Snooze 1 h (all)", "Dismiss all")
    assert m.grouped and len(m.keys) == 7


def test_native_is_tried_only_with_a_session_bus(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AURORA_NATIVE_NOTIFICATIONS", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert session_bus_address() is None
    assert native_available() is False
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nowhere")
    assert native_available() is True  # whether a daemon answers is found out when sending
    monkeypatch.setenv("AURORA_NATIVE_NOTIFICATIONS", "0")
    assert native_available() is False


def test_the_runtime_dir_bus_is_exported_for_dbus_fast(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.delenv("AURORA_NATIVE_NOTIFICATIONS", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(tmp_path / "bus"))
        assert native_available() is True
        import os

        assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == f"unix:path={tmp_path / 'bus'}"
    finally:
        s.close()


class _Settings:
    def __init__(self, value: object) -> None:
        self.value = value

    def get(self, key: str) -> object:
        assert key == "reminders/snooze_minutes"
        return self.value


def test_default_snooze_is_the_setting_within_a_minute_and_a_week() -> None:
    assert default_snooze(_Settings(10)) == timedelta(minutes=10)
    assert default_snooze(_Settings(0)) == timedelta(minutes=1)
    assert default_snooze(_Settings(10**6)) == timedelta(days=7)
    assert default_snooze(_Settings("junk")) == timedelta(minutes=15)
