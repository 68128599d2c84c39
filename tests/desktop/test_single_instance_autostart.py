"""Single instance (a second launch raises the first) and start at login."""

from __future__ import annotations

import sys
import uuid

import pytest

from aurora_desktop.autostart import Autostart, AutostartUnsupported, supported
from aurora_desktop.qt import QtCore
from aurora_desktop.single_instance import SingleInstance, server_name

_SECOND = """
import sys
from aurora_desktop.qt import QtCore
from aurora_desktop.single_instance import SingleInstance
app = QtCore.QCoreApplication([])
print("claimed" if SingleInstance(sys.argv[1]).claim(["aurora", "--today"]) else "handed over")
"""


def test_a_second_launch_hands_over_to_the_first(qtbot):
    name = f"aurora-test-{uuid.uuid4().hex[:12]}"
    first = SingleInstance(name)
    assert first.claim(["aurora"]) is True
    proc = QtCore.QProcess()
    try:
        with qtbot.waitSignal(first.activated, timeout=10_000) as sig:
            proc.start(sys.executable, ["-c", _SECOND, name])
        qtbot.waitUntil(lambda: proc.state() == QtCore.QProcess.ProcessState.NotRunning,
                        timeout=10_000)
        assert bytes(proc.readAllStandardOutput().data()).decode().strip() == "handed over"
        assert sig.args == [["aurora", "--today"]]
    finally:
        proc.kill()
        proc.waitForFinished(1000)
        first.release()


def test_a_stale_socket_is_taken_over(qtbot):
    from PySide6 import QtNetwork

    name = f"aurora-test-{uuid.uuid4().hex[:12]}"
    ghost = QtNetwork.QLocalServer()
    assert ghost.listen(name)
    ghost.close()  # like a crashed instance that left nothing answering
    inst = SingleInstance(name)
    try:
        assert inst.claim() is True
        assert inst.server is not None and inst.server.isListening()
    finally:
        inst.release()


def test_server_name_is_per_data_folder(tmp_path):
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a")


def test_autostart_writes_and_removes_the_xdg_entry(tmp_path):
    a = Autostart(env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                  command=["/opt/aurora time/bin/aurora"], platform="linux")
    assert not a.is_enabled()
    path = a.enable()
    assert path == tmp_path / "cfg" / "autostart" / "aurora-time.desktop"
    text = path.read_text(encoding="utf-8")
    assert "Exec=env AURORA_START_HIDDEN=1 '/opt/aurora time/bin/aurora'" in text
    assert text.count("Exec=") == 1 and "TryExec" not in text
    assert "Icon=aurora-time" in text and "Name=Aurora Time" in text
    assert a.is_enabled()
    a.enable()  # again: still one entry
    a.set(False)
    assert not path.exists() and not a.is_enabled()
    a.disable()  # already gone: fine


def test_autostart_falls_back_to_home_config(tmp_path):
    a = Autostart(env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": "relative/ignored"},
                  platform="linux")
    assert a.path == tmp_path / ".config" / "autostart" / "aurora-time.desktop"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_autostart_elsewhere_says_not_supported(tmp_path, platform):
    assert not supported(platform)
    a = Autostart(env={"HOME": str(tmp_path)}, platform=platform)
    assert not a.is_enabled()
    with pytest.raises(AutostartUnsupported, match="not supported"):
        a.enable()
    with pytest.raises(AutostartUnsupported):
        a.disable()


def test_resources_are_valid_desktop_entry_and_appstream():
    import configparser
    import shutil
    import subprocess
    import xml.etree.ElementTree as ET

    from aurora_desktop.resources import resource

    desktop = resource("aurora-time.desktop")
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str  # keys are case-sensitive
    cp.read(desktop, encoding="utf-8")
    entry = cp["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == "aurora-time"
    assert entry["Exec"].startswith("aurora")
    meta = ET.parse(resource("aurora-time.metainfo.xml")).getroot()
    assert meta.findtext("launchable") == "aurora-time.desktop"
    assert meta.findtext("name") == entry["Name"]
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    if shutil.which("appstreamcli"):
        subprocess.run(["appstreamcli", "validate", "--no-net",
                        str(resource("aurora-time.metainfo.xml"))], check=True,
                       capture_output=True)


def test_autostart_command_for_a_bundle_and_for_python(monkeypatch):
    from aurora_desktop.autostart import default_command

    assert default_command()[1:] == ["-m", "aurora_desktop"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/Aurora Time/aurora")
    assert default_command() == ["/opt/Aurora Time/aurora"]
