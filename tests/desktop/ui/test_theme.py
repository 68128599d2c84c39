"""The secondary windows look like the main window: its palette, typeface and
spacing, light and dark, down to Qt's stock input dialogs."""

from __future__ import annotations

import pytest

from aurora_desktop.qt import QtGui, QtWidgets
from aurora_desktop.ui import dialogs, theme
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.main_window import MainWindow


def _pixel(widget: QtWidgets.QWidget, x: int, y: int) -> str:
    return widget.grab().toImage().pixelColor(x, y).name()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_dialog_has_the_windows_colours_and_a_filled_default_button(
        make_window, settings, qtbot, mode: str) -> None:
    settings.set("ui/theme", mode)
    window: MainWindow = make_window("week")
    t = theme.resolve(mode)
    dlg = dialogs.CalendarDialog(None, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert _pixel(dlg, 3, 3) == t.window  # the window's background, not stock grey
    ok = dlg.ok_button
    assert ok.isDefault()
    centre = ok.mapTo(dlg, ok.rect().center())
    # the default button is filled with the accent (left of its label, inside the border)
    assert _pixel(dlg, centre.x() - ok.width() // 2 + 6, centre.y()) == t.accent
    dlg.close()


def test_dialogs_use_the_apps_typeface_at_a_readable_size(window: MainWindow, qtbot) -> None:
    app = QtWidgets.QApplication.instance()
    assert isinstance(app, QtWidgets.QApplication)
    assert app.font().family() == theme.FONT_FAMILY == "Inter"
    assert app.font().pointSizeF() >= theme.MIN_POINT_SIZE
    dlg = dialogs.ScopeDialog(window, "move")
    qtbot.addWidget(dlg)
    assert QtGui.QFontInfo(dlg.font()).family() == "Inter"  # really found, not a fallback


def test_qts_own_dialogs_get_our_spacing_and_plain_buttons(window: MainWindow, qtbot) -> None:
    # The polish is installed once the window has been painted (start-up time,
    # docs/performance.md): let its first paint's work run, as any click would.
    started: list[bool] = []
    after_first_paint(window, lambda: started.append(True))
    qtbot.waitUntil(lambda: bool(started))
    dlg = QtWidgets.QInputDialog(window)
    dlg.setComboBoxItems(["All calendars", "Work"])
    dlg.setLabelText("Export:")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    lay = dlg.layout()
    assert lay is not None and lay.contentsMargins().left() >= 18
    buttons = dlg.findChildren(QtWidgets.QPushButton)
    assert buttons and all(b.icon().isNull() for b in buttons)
    dlg.close()
