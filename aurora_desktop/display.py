"""Can the window open here? Checked before Qt starts, so a missing display is one line.

Without a display Qt's xcb plugin aborts the process (a core dump and a note
about xcb-cursor). The command line asks :func:`display_problem` first and
says what is wrong and what works without a display. Qt-free.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["display_problem", "platform_override"]


def _x_socket_there(display: str, socket_dir: Path) -> bool:
    """A local display (":0", "unix:1.0") has its socket; others (ssh's "localhost:10")
    are not checked."""
    host, _, rest = display.partition(":")
    if host not in ("", "unix") or not rest:
        return True
    number = rest.split(".", 1)[0]
    return not number.isdigit() or (socket_dir / f"X{number}").exists()

def _wayland_socket(env: Mapping[str, str]) -> Path | None:
    """Where libwayland looks for the compositor: $WAYLAND_DISPLAY if it is an absolute
    path, else in $XDG_RUNTIME_DIR (None: it cannot look, the directory is not set)."""
    name = env.get("WAYLAND_DISPLAY", "")
    if name.startswith("/"):
        return Path(name)
    runtime = env.get("XDG_RUNTIME_DIR", "")
    return Path(runtime) / name if runtime else None


def _wayland_there(env: Mapping[str, str]) -> bool:
    """A compositor's socket is where $WAYLAND_DISPLAY says (a stale variable, left from
    a session that ended or copied into ssh or a container, names none)."""
    sock = _wayland_socket(env)
    return sock is not None and sock.exists()


def platform_override(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """The Qt platform to ask for: "xcb" when $WAYLAND_DISPLAY names no socket and X11 is
    there to use instead (Qt would try Wayland and abort), else None (Qt's choice)."""
    if (not platform.startswith("linux") or env.get("QT_QPA_PLATFORM")
            or not env.get("WAYLAND_DISPLAY") or not env.get("DISPLAY")):
        return None
    return None if _wayland_there(env) else "xcb"


HEADLESS_HINT = ("the commands need none: aurora list, aurora import FILE.ics, "
                 "aurora export -o FILE.ics (aurora --help lists them all)")


def display_problem(env: Mapping[str, str], platform: str = sys.platform,
                    find_library: Callable[[str], str | None] = ctypes.util.find_library,
                    x11_socket_dir: Path = Path("/tmp/.X11-unix")) -> str | None:
    """Why the window cannot open in ``env`` (one line), or None when it can (or when we
    cannot tell: Qt is then left to decide, as on macOS and Windows)."""
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs…: the user chose a platform that needs no display
    wayland = bool(env.get("WAYLAND_DISPLAY")) and not qpa.startswith("xcb")
    x11 = bool(env.get("DISPLAY"))
    if wayland and not _wayland_there(env):
        sock = _wayland_socket(env)
        where = f"no socket {sock}" if sock else "XDG_RUNTIME_DIR is not set"
        stale = (f"WAYLAND_DISPLAY is {env['WAYLAND_DISPLAY']!r} but no Wayland compositor "
                 f"listens there ({where})")
        if qpa.startswith("wayland") or not x11:
            return (f"the window needs a display and none was found ({stale}"
                    f"{'' if x11 else ', and DISPLAY is not set'}): start it from a desktop "
                    f"session; {HEADLESS_HINT}")
        wayland = False  # X11 instead (the caller asks Qt for it: platform_override)
    if not wayland and not x11:
        return ("the window needs a display and none was found (DISPLAY and WAYLAND_DISPLAY "
                f"are not set): start it from a desktop session; {HEADLESS_HINT}")
    if not wayland and not _x_socket_there(env["DISPLAY"], x11_socket_dir):
        return (f"the window cannot reach the display {env['DISPLAY']!r} (no X server "
                f"listens there): start it from a desktop session; {HEADLESS_HINT}")
    if not wayland and find_library("xcb-cursor") is None:
        return ("the window needs the system library libxcb-cursor0 to use the X display "
                "(Qt's xcb plugin will not load without it): install it with "
                f"'sudo apt-get install libxcb-cursor0' or run scripts/bootstrap.sh; {HEADLESS_HINT}")
    return None
