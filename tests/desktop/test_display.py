"""A stale WAYLAND_DISPLAY (no compositor behind it) is one line, or X11 when X works,
never Qt's plugin dump and abort (issue 12 review, defect G)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aurora_desktop.display import display_problem, platform_override


def _found(_name: str) -> str:
    return "libxcb-cursor.so.0"


def test_a_wayland_variable_without_its_socket_is_no_display(tmp_path: Path) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path)}
    problem = display_problem(env, "linux", _found, x11_socket_dir=tmp_path) or ""
    assert "needs a display" in problem and "wayland-9" in problem
    assert str(tmp_path / "wayland-9") in problem
    assert "needs a display" in (display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux",
                                                 _found, x11_socket_dir=tmp_path) or "")
    (tmp_path / "wayland-9").touch()  # the compositor's socket is there
    assert display_problem(env, "linux", _found, x11_socket_dir=tmp_path) is None
    assert platform_override(env, "linux") is None
    sock = tmp_path / "abs-socket"
    sock.touch()
    assert display_problem({"WAYLAND_DISPLAY": str(sock)}, "linux", _found,
                           x11_socket_dir=tmp_path) is None


def test_a_stale_wayland_variable_falls_back_to_x11(tmp_path: Path) -> None:
    (tmp_path / "X0").touch()
    env = {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path), "DISPLAY": ":0"}
    assert display_problem(env, "linux", _found, x11_socket_dir=tmp_path) is None
    assert platform_override(env, "linux") == "xcb"
    assert platform_override({**env, "QT_QPA_PLATFORM": "wayland"}, "linux") is None
    forced = display_problem({**env, "QT_QPA_PLATFORM": "wayland"}, "linux", _found,
                             x11_socket_dir=tmp_path)
    assert forced is not None and "no Wayland compositor" in forced


def test_aurora_with_a_stale_wayland_variable_says_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env.update(WAYLAND_DISPLAY="wayland-9", XDG_RUNTIME_DIR=str(tmp_path),
               AURORA_DATA_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "aurora_desktop"], capture_output=True,
                       text=True, env=env, timeout=60, check=False)
    assert r.returncode == 2, r.stderr
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("aurora: error: the window needs a display")
    assert "'wayland-9'" in line and "aurora list" in line
