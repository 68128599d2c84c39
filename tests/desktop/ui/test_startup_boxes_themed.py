"""The boxes shown before the window (a damaged database, a read-only folder) wear the
app's theme and font (issue 12 review, defect H)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aurora_desktop import app as app_module
from aurora_desktop.qt import QtCore, QtGui, QtWidgets
from aurora_desktop.store.base import StoreDamaged
from aurora_desktop.ui import open_failure, style_sheets, theme


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_damaged_database_box_is_themed(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    qapp = QtWidgets.QApplication.instance()
    assert isinstance(qapp, QtWidgets.QApplication)
    # As a fresh start finds it: no theme applied yet (earlier tests' windows applied it).
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())
    qapp.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.GeneralFont))
    QtCore.QSettings(str(tmp_path / "settings.ini"),
                     QtCore.QSettings.Format.IniFormat).setValue("ui/theme", mode)

    from aurora_desktop import shell

    monkeypatch.setattr(shell, "claim_single_instance", lambda *_a: object())

    def damaged(*_a: object, **_k: object) -> None:
        raise StoreDamaged(f"{tmp_path / 'aurora.sqlite3'} is damaged (malformed)")

    monkeypatch.setattr(app_module, "build", damaged)
    seen: dict[str, object] = {}

    def show(exc: StoreDamaged, db: Path) -> None:
        box = open_failure.OpenFailureBox(exc, db)
        box.show()
        qtbot.waitExposed(box)
        seen["window"] = box.palette().color(QtGui.QPalette.ColorRole.Window).name()
        seen["font"] = box.font().family()
        seen["sheet"] = qapp.styleSheet()
        seen["clipped"] = [b.text() for b in box.buttons() if b.width() < b.sizeHint().width()]
        # (docs/screenshots/startup_damaged_*.png were saved so and looked at)
        assert box.grab().save(str(tmp_path / f"startup_damaged_{mode}.png"))
        box.close()
        return None

    monkeypatch.setattr(open_failure, "handle_open_failure", show)
    assert app_module.run_app(tmp_path, ["aurora"]) == 1
    t = theme.resolve(mode)
    assert seen["window"] == t.window
    assert seen["sheet"] == style_sheets.app_style_sheet(t)
    assert seen["font"] == theme.install_font(qapp)
    assert seen["clipped"] == []  # whole labels on the theme's padded buttons
