"""Reminders as desktop notifications, against a real notification service on a private bus.

Each test runs its own ``dbus-daemon --session`` and python-dbusmock's
notification daemon (``notification_bus.py``); DBUS_SESSION_BUS_ADDRESS
points at it for the test only. What the app sent is read from the mock's
call log; a button press is the mock emitting ActionInvoked, as a real
server does.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from aurora_desktop.reminders.engine import MemoryWatermark
from aurora_desktop.reminders.native import NO_BUTTONS_NOTE
from aurora_desktop.store import Store
from aurora_desktop.ui.reminder_service import ReminderService
from tests.helpers.clocks import FakeClock
from tests.helpers.notification_bus import PrivateBus, missing, settle
from tests.helpers.reminders import T0, make_event, put_written_earlier

_MISSING = missing()
pytestmark = pytest.mark.skipif(
    _MISSING is not None and os.environ.get("AURORA_CI") != "1",  # CI installs them
    reason=f"needs {_MISSING} (scripts/bootstrap.sh --test installs it)")

WAIT = 8000  # ms


@pytest.fixture
def bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateBus]:
    b = PrivateBus(tmp_path)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", b.address)
    try:
        yield b
    finally:
        b.close()


class Harness:
    def __init__(self, svc: ReminderService, shown: list[tuple[str, str]],
                 opened: list[tuple[str, object]]) -> None:
        self.svc = svc
        self.shown = shown  # the in-window notice (the fallback here: no tray)
        self.opened = opened  # the app's "open event"


@pytest.fixture
def app(qtbot, store: Store, clock: FakeClock) -> Iterator[Harness]:
    shown: list[tuple[str, str]] = []
    opened: list[tuple[str, object]] = []
    svc = ReminderService(store, tray=None, show_message=lambda t, b: shown.append((t, b)),
                          open_event=lambda e, s: opened.append((e, s)),
                          watermark=MemoryWatermark(), clock=clock, zone_name=lambda: "UTC",
                          native=True, snooze_delay=lambda: timedelta(minutes=10))
    qtbot.addWidget(svc.window)
    yield Harness(svc, shown, opened)
    svc.stop()


def _sent(qtbot, app: Harness, batches: int) -> None:
    """Wait until the notifier has the service's answer for ``batches`` batches.

    The mock logs a Notify call before the app has its reply (the notification's
    id): a button pressed in between would not be known yet.
    """
    qtbot.waitUntil(lambda: app.svc.native is not None
                    and app.svc.native.batches_sent >= batches, timeout=WAIT)


def _state(store: Store):
    (st,) = store.reminder_states().values()
    return st


def test_a_reminder_is_a_desktop_notification_and_snooze_on_it_snoozes(
        qtbot, bus: PrivateBus, app: Harness, store: Store, clock: FakeClock) -> None:
    bus.start_notifications()
    make_event(store, "Planning", T0 + timedelta(minutes=15), location="R&D room <4>")
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    (n,) = bus.notifies()
    assert n["app_name"] == "Aurora Time"
    assert n["summary"] == "Planning"
    # The server reads markup (body-markup): the location's & and < are escaped.
    assert n["body"] == "in 15 minutes · 08:15–09:15\nR&amp;D room &lt;4&gt;"
    assert n["actions"] == {"default": "", "snooze": "Snooze 10 min", "dismiss": "Dismiss"}
    assert n["icon"].startswith("file://") and n["icon"].endswith("aurora-time.svg")
    _sent(qtbot, app, 1)
    assert app.svc.native is not None and app.svc.native.working is True
    assert app.shown == []  # one path only: no in-window notice as well
    assert app.svc.window.row_count() == 1

    bus.press(n["id"], "snooze")
    qtbot.waitUntil(lambda: _state(store).state == "snoozed", timeout=WAIT)
    assert _state(store).snoozed_until == T0 + timedelta(minutes=10)  # the user's default
    assert app.svc.window.row_count() == 0

    # It comes back when the snooze runs out, as a new notification; Dismiss on it dismisses.
    clock.advance(minutes=10)
    app.svc.scheduler.tick()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 2, timeout=WAIT)
    second = bus.notifies()[1]
    assert second["summary"] == "Planning"
    assert second["body"].startswith("in 5 minutes · 08:15–09:15")
    _sent(qtbot, app, 2)
    bus.press(second["id"], "dismiss")
    qtbot.waitUntil(lambda: _state(store).state == "dismissed", timeout=WAIT)
    assert app.svc.window.row_count() == 0
    # A press on the old notification now does nothing (it was acted on).
    bus.press(n["id"], "snooze")
    settle(app.svc.native)
    assert _state(store).state == "dismissed"
    assert app.shown == []


def test_a_click_opens_the_event_and_closing_is_not_dismissing(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications()
    ev = make_event(store, "Review", T0 + timedelta(minutes=15))
    other = make_event(store, "Lunch", T0 + timedelta(minutes=15))
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 2, timeout=WAIT)
    by_title = {n["summary"]: n for n in bus.notifies()}
    _sent(qtbot, app, 1)
    bus.press(by_title["Review"]["id"], "default")
    qtbot.waitUntil(lambda: bool(app.opened), timeout=WAIT)
    assert app.opened == [(ev.id, T0 + timedelta(minutes=15))]
    # Opening is not acting on the reminder: it stays pending, as after "Open event".
    assert app.svc.window.row_count() == 2
    # The user closes the other one with its X (reason 2): still pending, not dismissed.
    assert [m.title for m in app.svc.native.shown] == ["Lunch"]  # Review was acted on
    bus.close_notification(by_title["Lunch"]["id"], 2)
    qtbot.waitUntil(lambda: not app.svc.native.shown, timeout=WAIT)  # the close was taken
    states = {k[0]: s.state for k, s in store.reminder_states().items()}
    assert sorted(states.values()) == ["fired", "fired"]
    assert app.svc.window.row_count() == 2
    assert other.id  # (listed in the window: dismiss it there)


def test_dismissed_in_the_window_closes_its_notification(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications()
    make_event(store, "Standup", T0 + timedelta(minutes=15))
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    nid = bus.notifies()[0]["id"]
    _sent(qtbot, app, 1)
    app.svc.window.dismiss_button.click()
    qtbot.waitUntil(lambda: bool(bus.calls("CloseNotification")), timeout=WAIT)
    assert bus.calls("CloseNotification")[0][1] == [nid]
    assert _state(store).state == "dismissed"
    # Its buttons no longer act: a late Snooze on it does not bring the reminder back.
    bus.press(nid, "snooze")
    settle(app.svc.native)
    assert _state(store).state == "dismissed"


def test_dismissed_while_its_notification_is_being_sent_still_closes_it(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications()
    make_event(store, "Quick", T0 + timedelta(minutes=15))
    app.svc.start()  # delivers at once: the send is under way on the notifier's thread
    qtbot.waitUntil(lambda: app.svc.window.row_count() == 1, timeout=WAIT)
    app.svc.window.dismiss_button.click()
    qtbot.waitUntil(lambda: bool(bus.calls("CloseNotification")), timeout=WAIT)
    assert [c[1] for c in bus.calls("CloseNotification")] == [[bus.notifies()[0]["id"]]]
    assert _state(store).state == "dismissed"


def test_many_at_once_are_one_notification_whose_buttons_act_on_all(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications()
    for i in range(5):
        make_event(store, f"Talk {i}", T0 + timedelta(minutes=15))
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    (n,) = bus.notifies()
    assert n["summary"] == "5 reminders"
    assert n["body"] == "Talk 0\nTalk 1\nTalk 2\n… and 2 more"
    assert n["actions"] == {"default": "", "snooze": "Snooze 10 min (all)",
                            "dismiss": "Dismiss all"}
    _sent(qtbot, app, 1)
    bus.press(n["id"], "dismiss")
    qtbot.waitUntil(lambda: app.svc.window.row_count() == 0, timeout=WAIT)
    assert {s.state for s in store.reminder_states().values()} == {"dismissed"}


def test_a_click_on_the_grouped_notification_opens_the_reminder_window(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications()
    for i in range(4):
        make_event(store, f"Slot {i}", T0 + timedelta(minutes=15))
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    _sent(qtbot, app, 1)
    app.svc.window.hide()
    bus.press(bus.notifies()[0]["id"], "default")
    qtbot.waitUntil(app.svc.window.isVisible, timeout=WAIT)
    assert app.svc.window.row_count() == 4
    assert app.opened == []


def test_a_server_without_buttons_gets_none_and_the_body_says_where_they_are(
        qtbot, bus: PrivateBus, app: Harness, store: Store) -> None:
    bus.start_notifications(capabilities="body")
    make_event(store, "Call", T0 + timedelta(minutes=15), location="A & B")
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    (n,) = bus.notifies()
    assert "snooze" not in n["actions"] and "dismiss" not in n["actions"]
    # No body-markup either: the text goes as it is.
    assert n["body"] == f"in 15 minutes · 08:15–09:15\nA & B\n{NO_BUTTONS_NOTE}"
    qtbot.waitUntil(lambda: app.svc.native is not None and app.svc.native.has_buttons is False,
                    timeout=WAIT)
    assert app.shown == []


def test_no_notification_service_falls_back_to_the_window_without_a_traceback(
        qtbot, bus: PrivateBus, app: Harness, store: Store, clock: FakeClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    make_event(store, "Dentist", T0 + timedelta(minutes=15), location="High St")
    app.svc.start()  # nothing owns org.freedesktop.Notifications on this bus
    qtbot.waitUntil(lambda: bool(app.shown), timeout=WAIT)
    assert app.shown == [("Dentist", "Wed 25 Nov 08:15–09:15\nHigh St")]
    assert app.svc.window.row_count() == 1  # still pending: nothing is lost
    assert _state(store).state == "fired"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "desktop notifications unavailable (org.freedesktop.DBus.Error.ServiceUnknown: "
        "The name org.freedesktop.Notifications was not provided by any .service files); "
        "reminders go to the main window"]
    assert not any(r.exc_info for r in warnings)

    # The service appears (the user started a notification daemon): the next one goes there.
    bus.start_notifications()
    make_event(store, "Pharmacy", T0 + timedelta(minutes=30))
    clock.advance(minutes=15)
    app.svc.scheduler.tick()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    assert bus.notifies()[0]["summary"] == "Pharmacy"
    qtbot.waitUntil(lambda: app.svc.native is not None and app.svc.native.working is True,
                    timeout=WAIT)
    assert len(app.shown) == 1


def test_the_service_dying_at_runtime_falls_back_and_loses_nothing(
        qtbot, bus: PrivateBus, app: Harness, store: Store, clock: FakeClock) -> None:
    bus.start_notifications()
    make_event(store, "First", T0 + timedelta(minutes=15))
    make_event(store, "Second", T0 + timedelta(minutes=45))
    app.svc.start()
    qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: app.svc.native is not None and app.svc.native.working is True,
                    timeout=WAIT)
    bus.stop_notifications()
    clock.advance(minutes=30)
    app.svc.scheduler.tick()
    qtbot.waitUntil(lambda: bool(app.shown), timeout=WAIT)
    assert [t for t, _b in app.shown] == ["Second"]
    assert app.svc.window.row_count() == 2
    assert app.svc.native is not None and app.svc.native.working is False


def test_no_session_bus_at_all_falls_back(qtbot, app: Harness, store: Store, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    make_event(store, "Offline", T0 + timedelta(minutes=15))
    app.svc.start()
    qtbot.waitUntil(lambda: bool(app.shown), timeout=WAIT)
    assert app.shown[0][0] == "Offline"
    assert app.svc.window.row_count() == 1


def test_in_the_app_a_session_bus_means_native_and_a_click_opens_the_event(
        qtbot, bus: PrivateBus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from aurora_core.model import Event, Reminder, ZonedTime
    from aurora_desktop.app import build
    from aurora_desktop.autostart import Autostart
    from aurora_desktop.qt import QtCore
    from aurora_desktop.shell import install_reminders

    monkeypatch.delenv("AURORA_NATIVE_NOTIFICATIONS")  # tests/conftest.py turns it off
    bus.start_notifications()
    qs = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp_path, ["aurora"], qsettings=qs)
    try:
        app.settings.set("reminders/snooze_minutes", 20)
        shown: list[tuple[str, datetime]] = []
        monkeypatch.setattr(app.window, "show_event",
                            lambda eid, start, switch=True: shown.append((eid, start)))
        start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=12)
        ev = put_written_earlier(app.store, Event.new(app.store.default_calendar().id, "Board meeting",
                                           ZonedTime(start, "UTC"),
                                           ZonedTime(start + timedelta(hours=1), "UTC"),
                                           reminders=(Reminder(15),)))
        auto = Autostart(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                         command=["aurora"], platform="linux")
        svc = install_reminders(app, tmp_path, autostart=auto, tray=None)
        assert svc.native is not None
        qtbot.waitUntil(lambda: len(bus.notifies()) == 1, timeout=WAIT)
        (n,) = bus.notifies()
        assert n["summary"] == "Board meeting"
        assert n["actions"]["snooze"] == "Snooze 20 min"
        qtbot.waitUntil(lambda: svc.native is not None and svc.native.batches_sent == 1,
                        timeout=WAIT)
        bus.press(n["id"], "default")
        qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
        assert shown == [(ev.id, start)]
        assert app.window.isVisible()  # brought forward, as the window's "Open event" does
    finally:
        app.shutdown()
