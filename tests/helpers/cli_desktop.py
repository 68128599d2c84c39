"""A desktop used only through the `aurora` command line (the contract): its own HOME,
data folder and time zone, and its own GNOME Keyring on a private D-Bus. Shared by the
command-line sync tests and the browser tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.cloud_process import ROOT, quiet_env

WRAP = ('eval "$(printf unlock-me | gnome-keyring-daemon --unlock --components=secrets '
        '2>/dev/null)"; exec "$@"')


class CliDesktop:
    def __init__(self, root: Path, tz: str = "Europe/Berlin") -> None:
        self.home = root / "home"
        self.data = root / "data"
        (self.home / "run").mkdir(parents=True, mode=0o700)
        self.data.mkdir()
        self.env = quiet_env(HOME=str(self.home), XDG_DATA_HOME=str(self.home / "share"),
                             XDG_CONFIG_HOME=str(self.home / "config"),
                             XDG_RUNTIME_DIR=str(self.home / "run"), QT_QPA_PLATFORM="offscreen",
                             TZ=tz)
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)

    def aurora(self, *args: str, stdin: str = "", ok: bool = True
               ) -> subprocess.CompletedProcess[str]:
        """Run `aurora ARGS --data-dir DATA` in this desktop's session; ``ok``: it must
        exit 0."""
        cmd = ["dbus-run-session", "--", "bash", "-c", WRAP, "wrap", sys.executable, "-m",
               "aurora_desktop", *args, "--data-dir", str(self.data)]
        proc = subprocess.run(cmd, input=stdin, env=self.env, capture_output=True, text=True,
                              timeout=120, cwd=ROOT)
        # What D-Bus itself says about its own start (not ours to count).
        proc.stderr = "".join(line for line in proc.stderr.splitlines(keepends=True)
                              if not line.startswith("dbus-daemon["))
        if ok:
            assert proc.returncode == 0, f"aurora {' '.join(args)}: {proc.stderr}"
        return proc
