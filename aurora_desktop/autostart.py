"""Start at login: the XDG autostart entry on Linux (and other freedesktop systems).

``enable()`` writes ``$XDG_CONFIG_HOME/autostart/aurora-time.desktop`` from
resources/aurora-time.desktop with an ``Exec`` line that starts this
installation hidden in the tray (``AURORA_START_HIDDEN=1``); ``disable()`` removes it. Elsewhere
:func:`supported` is False and both raise :class:`AutostartUnsupported` with a
message for the user.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Autostart", "AutostartUnsupported", "supported"]

ENTRY_NAME = "aurora-time.desktop"
HIDDEN_ENV = "AURORA_START_HIDDEN"  # set: start in the tray without showing the window


class AutostartUnsupported(RuntimeError):
    """Start at login is not available on this system; the message says so."""


def supported(platform: str | None = None) -> bool:
    p = platform or sys.platform
    return p.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def default_command() -> list[str]:
    """How this installation starts: the bundle's executable, or this Python."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle
        return [sys.executable]
    return [sys.executable, "-m", "aurora_desktop"]


def _config_home(env: dict[str, str]) -> Path:
    xdg = env.get("XDG_CONFIG_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    return Path(env.get("HOME", str(Path.home()))) / ".config"


def _template() -> Path:
    from aurora_desktop.resources import resource

    return resource(ENTRY_NAME)


class Autostart:
    """The autostart entry of one user (``env`` and ``command`` injectable for tests)."""

    def __init__(self, *, env: dict[str, str] | None = None,
                 command: Sequence[str] | None = None, platform: str | None = None,
                 template: Path | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.platform = platform or sys.platform
        self.command = list(command) if command is not None else default_command()
        self.template = template or _template()

    @property
    def path(self) -> Path:
        return _config_home(self.env) / "autostart" / ENTRY_NAME

    def _check(self) -> None:
        if not supported(self.platform):
            raise AutostartUnsupported(
                f"Start at login is not supported on this system ({self.platform}) yet; "
                "add Aurora Time to your login items by hand.")

    def is_enabled(self) -> bool:
        return supported(self.platform) and self.path.exists()

    def enable(self) -> Path:
        """Write the entry (replacing an older one). Raises AutostartUnsupported, OSError."""
        self._check()
        # The environment variable (not a flag) so any `aurora` command line accepts it.
        exec_line = " ".join(shlex.quote(a) for a in
                             ["env", f"{HIDDEN_ENV}=1", *self.command])
        lines = []
        for line in self.template.read_text(encoding="utf-8").splitlines():
            if line.startswith(("Exec=", "TryExec=")):
                continue
            lines.append(line)
            if line.strip() == "[Desktop Entry]":
                lines.append(f"Exec={exec_line}")
        lines += ["X-GNOME-Autostart-enabled=true", "X-KDE-autostart-after=panel"]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
        return self.path

    def disable(self) -> None:
        """Remove the entry if it is there. Raises AutostartUnsupported."""
        self._check()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def set(self, on: bool) -> None:
        if on:
            self.enable()
        else:
            self.disable()
