"""The command line is put together by the same factory as the window (app.open_desktop):
it names no database file of its own and imports no Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import aurora_desktop
from aurora_desktop.app import DB_FILE, open_desktop
from aurora_desktop.cli import main

PACKAGE = Path(aurora_desktop.__file__).parent


def test_only_the_composition_root_names_the_database_file() -> None:
    naming = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == DB_FILE:
                naming.append(path.relative_to(PACKAGE).as_posix())
    assert naming == ["app.py"]


def test_the_commands_import_no_qt(tmp_path: Path) -> None:
    code = f"""
import sys
from aurora_desktop.cli import main, build_parser
build_parser()  # every command's module (account, sync, edit, subscriptions)
assert main(["add", "--title", "Dentist", "--start", "2026-12-07T10:00", "--end",
             "2026-12-07T11:00", "--timezone", "UTC", "--data-dir", {str(tmp_path)!r}]) == 0
assert main(["list", "--from", "2026-12-07", "--to", "2026-12-07", "--timezone", "UTC",
             "--data-dir", {str(tmp_path)!r}]) == 0
assert main(["export", "-o", {str(tmp_path / "out.ics")!r}, "--data-dir", {str(tmp_path)!r}]) == 0
qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "aurora_desktop.qt")))
print("QT", qt)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert "QT []" in r.stdout, r.stdout
    assert "Dentist" in r.stdout


def test_an_export_onto_a_read_only_file_is_refused_and_the_file_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert main(["add", "--title", "Dentist", "--start", "2026-12-07T10:00", "--end",
                 "2026-12-07T11:00", "--data-dir", str(data)]) == 0
    out = tmp_path / "kept.ics"
    out.write_bytes(b"before")
    out.chmod(0o444)
    capsys.readouterr()
    assert main(["export", "-o", str(out), "--data-dir", str(data)]) == 2
    assert capsys.readouterr().err == f"aurora: error: cannot write {out}: the file is read-only\n"
    assert out.read_bytes() == b"before"
    assert not (tmp_path / "kept.ics.part").exists()


def test_a_desktop_opens_nothing_it_is_not_asked_for(tmp_path: Path) -> None:
    with open_desktop(tmp_path / "d") as desktop:
        assert desktop.database == tmp_path / "d" / DB_FILE
        assert not (tmp_path / "d").exists()  # `aurora account status` makes no database
        assert desktop.store.default_calendar().name == "Personal"
        assert desktop.database.is_file()
