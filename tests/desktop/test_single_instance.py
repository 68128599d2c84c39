"""The composition root: a second `aurora` on the same data hands over and exits."""

from __future__ import annotations

import sys
import time

from aurora_desktop.qt import QtCore
from aurora_desktop.single_instance import server_name

_FIRST = """
import sys
from pathlib import Path
from aurora_desktop.app import make_qapp, run_app
from aurora_desktop.qt import QtCore
qapp = make_qapp(["aurora"])
QtCore.QTimer.singleShot(20_000, qapp.quit)
print("first exit", run_app(Path(sys.argv[1]), ["aurora"]), flush=True)
"""

_SECOND = """
import sys, time
from pathlib import Path
from aurora_desktop.app import run_app
t = time.monotonic()
rc = run_app(Path(sys.argv[1]), ["aurora"])
print("second exit", rc, round(time.monotonic() - t, 1), flush=True)
"""


def _listening(name: str) -> bool:
    from PySide6 import QtNetwork

    sock = QtNetwork.QLocalSocket()
    sock.connectToServer(name)
    ok = sock.waitForConnected(200)
    sock.abort()
    return ok


def test_a_second_launch_of_the_app_exits_and_leaves_the_first_running(qtbot, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    env = QtCore.QProcessEnvironment.systemEnvironment()
    env.insert("QT_QPA_PLATFORM", "offscreen")
    first, second = QtCore.QProcess(), QtCore.QProcess()
    for p in (first, second):
        p.setProcessEnvironment(env)
    try:
        first.start(sys.executable, ["-c", _FIRST, str(data)])
        deadline = time.monotonic() + 30
        while not _listening(server_name(data)):
            assert first.state() != QtCore.QProcess.ProcessState.NotRunning, \
                bytes(first.readAllStandardError().data()).decode()
            assert time.monotonic() < deadline, "the first instance never listened"
            qtbot.wait(100)
        second.start(sys.executable, ["-c", _SECOND, str(data)])
        qtbot.waitUntil(lambda: second.state() == QtCore.QProcess.ProcessState.NotRunning,
                        timeout=30_000)
        out = bytes(second.readAllStandardOutput().data()).decode().split()
        assert out[:3] == ["second", "exit", "0"], out
        assert first.state() == QtCore.QProcess.ProcessState.Running
        assert (data / "reminders-watermark.json").exists()  # the reminders run in the first
    finally:
        for p in (second, first):
            if p.state() != QtCore.QProcess.ProcessState.NotRunning:
                p.kill()
                p.waitForFinished(3000)
