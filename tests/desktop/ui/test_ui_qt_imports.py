"""Qt comes in through aurora_desktop.qt only (the calendar window's modules)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3] / "aurora_desktop"
OTHERS = {"reminder_window.py", "tray.py"}  # the reminders' own files, checked by them
DIRECT = re.compile(r"^\s*(from|import)\s+(PySide6|PyQt[56]|shiboken6)\b", re.MULTILINE)


def test_only_qt_py_imports_pyside() -> None:
    files = [ROOT / "app.py", ROOT / "settings.py",
             *(p for p in (ROOT / "ui").rglob("*.py") if p.name not in OTHERS)]
    offenders = [str(p.relative_to(ROOT)) for p in files if DIRECT.search(p.read_text())]
    assert offenders == []
