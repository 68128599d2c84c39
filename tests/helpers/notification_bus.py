"""A private D-Bus session bus with python-dbusmock's notification daemon on it.

``PrivateBus`` starts ``dbus-daemon --session`` (its own socket, nothing of
the developer's session); ``start_notifications()`` runs Debian's
python3-dbusmock (system Python) with our template on it. The test process
talks to the mock through dbus-fast: the mock's call log (``GetCalls``)
says what the app sent, ``EmitSignal`` plays the user pressing a button.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from dbus_fast import Message, MessageType, Variant
from dbus_fast.aio import MessageBus

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "dbusmock_notifications.py"
SYSTEM_PYTHON = "/usr/bin/python3"
NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
MOCK_IFACE = "org.freedesktop.DBus.Mock"


def missing() -> str | None:
    """What this machine lacks to run the bus tests (None: nothing)."""
    if not shutil.which("dbus-daemon"):
        return "dbus-daemon (Debian package dbus)"
    if not os.path.exists(SYSTEM_PYTHON):
        return SYSTEM_PYTHON
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import dbusmock"], capture_output=True)
    if probe.returncode != 0:
        return "python3-dbusmock (Debian package)"
    return None


class PrivateBus:
    """A session bus of our own; :meth:`close` stops it and everything on it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.daemon.stdout is not None
        self.address = self.daemon.stdout.readline().strip()
        if not self.address:
            self.daemon.kill()
            raise RuntimeError("dbus-daemon printed no address")
        self.mock: subprocess.Popen[bytes] | None = None

    # ------------------------------------------------------------ the mock

    def start_notifications(self, capabilities: str = "body body-markup actions") -> None:
        self.stop_notifications()
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        log = open(self.workdir / "dbusmock.log", "ab")  # noqa: SIM115 - closed with the process
        self.mock = subprocess.Popen(
            [SYSTEM_PYTHON, "-m", "dbusmock", "--template", str(TEMPLATE),
             "-p", json.dumps({"capabilities": capabilities})],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 15
        while not self.has_owner():
            if self.mock.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the mock notification daemon did not start: "
                                   + (self.workdir / "dbusmock.log").read_text())
            time.sleep(0.05)

    def stop_notifications(self) -> None:
        if self.mock is not None:
            self.mock.terminate()
            try:
                self.mock.wait(5)
            except subprocess.TimeoutExpired:
                self.mock.kill()
                self.mock.wait(5)
            self.mock = None
            deadline = time.monotonic() + 5
            while self.has_owner() and time.monotonic() < deadline:
                time.sleep(0.05)

    def close(self) -> None:
        self.stop_notifications()
        self.daemon.terminate()
        try:
            self.daemon.wait(5)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait(5)
        if self.daemon.stdout is not None:
            self.daemon.stdout.close()

    # -------------------------------------------------------------- D-Bus

    def _call(self, destination: str, path: str, interface: str, member: str,
              signature: str = "", body: list[Any] | None = None) -> list[Any]:
        async def go() -> list[Any]:
            bus = await MessageBus(bus_address=self.address).connect()
            try:
                reply = await bus.call(Message(destination=destination, path=path,
                                               interface=interface, member=member,
                                               signature=signature, body=body or []))
            finally:
                bus.disconnect()
            assert reply is not None
            if reply.message_type == MessageType.ERROR:
                raise RuntimeError(f"{reply.error_name}: {reply.body}")
            return list(reply.body)

        return asyncio.run(go())

    def has_owner(self) -> bool:
        (owned,) = self._call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner", "s", [NAME])
        return bool(owned)

    def calls(self, method: str | None = None) -> list[tuple[str, list[Any]]]:
        """The mock's call log: (method, arguments), oldest first."""
        (log,) = self._call(NAME, PATH, MOCK_IFACE, "GetCalls")
        out = [(str(name), [_plain(a) for a in args]) for _ts, name, args in log]
        return [c for c in out if method is None or c[0] == method]

    def notifies(self) -> list[dict[str, Any]]:
        """Every Notify call as a dict (its id is the mock's: 1, 2, … in order)."""
        out = []
        for i, (_name, a) in enumerate(self.calls("Notify"), start=1):
            actions = a[5]
            out.append({"id": i, "app_name": a[0], "icon": a[2], "summary": a[3], "body": a[4],
                        "actions": dict(zip(actions[::2], actions[1::2], strict=True)),
                        "hints": a[6], "timeout": a[7]})
        return out

    def emit(self, signal: str, signature: str, *args: Any) -> None:
        variants = [Variant(t, v) for t, v in zip(signature, args, strict=True)]
        self._call(NAME, PATH, MOCK_IFACE, "EmitSignal", "sssav",
                   ["", signal, signature, variants])

    def press(self, notification_id: int, action: str) -> None:
        """The user pressed a button (or clicked: action "default")."""
        self.emit("ActionInvoked", "us", notification_id, action)

    def close_notification(self, notification_id: int, reason: int) -> None:
        """The server closed it (1: expired, 2: the user's X)."""
        self.emit("NotificationClosed", "uu", notification_id, reason)


def settle(native: Any, timeout: float = 8.0) -> None:
    """Return once the app has handled every signal the daemon sent before this call.

    A round trip on the notifier's own D-Bus connection: the bus delivers one sender's
    messages in order, so the daemon's reply to it comes after every signal the daemon
    emitted before (a press, a close), and the notifier's thread has passed each one on
    by the time the reply is in; then the GUI thread takes what was passed on. So a test
    shows that a press did nothing without sleeping on it.
    """
    from aurora_desktop.qt import QtCore

    async def round_trip() -> None:
        # desktop-notifier's D-Bus backend: the interface it listens for signals on.
        await native._dn._backend.interface.call_get_server_information()

    native._worker.submit(round_trip()).result(timeout)
    for _ in range(3):  # the queued hand-over, and what it queues in turn
        QtCore.QCoreApplication.sendPostedEvents()


def _plain(value: Any) -> Any:
    if isinstance(value, Variant):
        return _plain(value.value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
