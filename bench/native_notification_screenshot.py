"""Screenshot of a reminder as a real desktop notification (for docs/screenshots).

Run under X with a session bus and a notification daemon that draws action
buttons (Debian: apt install notification-daemon):

    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \\
        .venv/bin/python bench/native_notification_screenshot.py docs/screenshots

Starts /usr/lib/notification-daemon/notification-daemon on that bus, builds
the real app in a temporary folder with an event starting in 15 minutes, lets the
reminder fire through install_reminders (the same path as a user's start),
and saves the whole screen as reminders-native.png. Prints what the
notifier did (sent / fell back) and how long the send took.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DAEMON = "/usr/lib/notification-daemon/notification-daemon"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or not os.environ.get("DISPLAY"):
        sys.exit("run under xvfb-run and dbus-run-session (see the docstring)")
    daemon = subprocess.Popen([DAEMON], stderr=subprocess.DEVNULL)
    os.environ["AURORA_NATIVE_NOTIFICATIONS"] = "1"
    try:
        shoot(out)
    finally:
        daemon.terminate()
        daemon.wait(5)


def shoot(out: Path) -> None:
    from aurora_core.model import Event, Reminder, ZonedTime
    from aurora_desktop.app import build
    from aurora_desktop.autostart import Autostart
    from aurora_desktop.qt import QtCore, QtWidgets
    from aurora_desktop.shell import install_reminders

    tmp = Path(tempfile.mkdtemp(prefix="aurora-native-"))
    qs = QtCore.QSettings(str(tmp / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app = build(tmp, ["aurora"], qsettings=qs)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=15)
    written = start - timedelta(hours=3)  # before its reminder time (set late: never fires)
    app.store.put_events([Event.new(app.store.default_calendar().id, "Design review",
                                    ZonedTime(start, "UTC"), ZonedTime(start + timedelta(hours=1),
                                                                        "UTC"),
                                    location="Room 4.12 & video call",
                                    reminders=(Reminder(15),), created=written,
                                    updated=written)], touch=False)
    app.window.resize(900, 600)
    app.window.move(0, 160)
    app.window.show()
    t0 = time.perf_counter()
    svc = install_reminders(app, tmp, autostart=Autostart(env={"HOME": str(tmp)},
                                                          command=["aurora"], platform="linux"),
                            tray=None)
    native = svc.native
    assert native is not None, "native notifications not chosen: no session bus?"
    deadline = time.monotonic() + 20
    while native.working is None and time.monotonic() < deadline:
        QtWidgets.QApplication.processEvents()
        time.sleep(0.01)
    took = time.perf_counter() - t0
    print(f"native notifier working={native.working} has_buttons={native.has_buttons} "
          f"first reminder sent {took * 1000:.0f} ms after the service started")
    end = time.monotonic() + 1.5  # let the daemon draw it
    while time.monotonic() < end:
        QtWidgets.QApplication.processEvents()
        time.sleep(0.02)
    screen = QtWidgets.QApplication.primaryScreen()
    pix = screen.grabWindow(0)
    path = out / "reminders-native.png"
    pix.save(str(path))
    print(f"wrote {path}")
    app.shutdown()


if __name__ == "__main__":
    main()
