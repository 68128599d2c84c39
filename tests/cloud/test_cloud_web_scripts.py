"""scripts/build_web.sh says in one line what is missing instead of failing somewhere in npm."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "dirname", "cmp", "cp", "du", "cut")


def _path_with(tmp_path: Path, node_version: str | None) -> str:
    """A PATH holding only the shell tools the script uses, and a fake node/npm."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    if node_version is not None:
        for name, text in (("node", f"echo {node_version.split('.')[0]}"),
                           ("npm", "echo npm should not run >&2; exit 9")):
            script = bin_dir / name
            script.write_text(f"#!/bin/sh\n{text}\n")
            script.chmod(0o755)
    return str(bin_dir)


def _run(path: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    return subprocess.run([shutil.which("bash") or "/bin/bash", "scripts/build_web.sh"],
                          cwd=ROOT, env={**env, "PATH": path}, capture_output=True, text=True,
                          timeout=60)


def test_without_node_it_says_so_in_one_line(tmp_path: Path) -> None:
    proc = _run(_path_with(tmp_path, None))
    assert proc.returncode == 1
    assert proc.stderr == ("build_web: node and npm are needed: install Node.js 20 or newer "
                           "(with npm) first\n")


def test_an_old_node_is_named(tmp_path: Path) -> None:
    proc = _run(_path_with(tmp_path, "18.19.0"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("build_web: Node.js 20 or newer is needed (this is ")
    assert len(proc.stderr.splitlines()) == 1 and "npm should not run" not in proc.stderr
