"""What the window remembers between runs: its geometry, the view and the date shown."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from aurora_desktop.qt import QtCore
from aurora_desktop.ui.views.kinds import ViewKind

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

DEFAULT_SIZE = (1280, 820)
DEFAULT_VIEW = ViewKind.WEEK


def restore_state(window: MainWindow) -> None:
    """The last run's geometry, view and date (today when unreadable)."""
    s = window.settings
    geo = s.get("window/geometry")
    if geo:
        window.restoreGeometry(QtCore.QByteArray(geo))
    else:
        window.resize(*DEFAULT_SIZE)
    view = s.get("window/view")
    d = s.get("window/date")
    try:
        window.date = date.fromisoformat(d) if d else window.ctx.today()
    except ValueError:
        window.date = window.ctx.today()
    window.view_switcher.set_view(ViewKind.parse(str(view)) or DEFAULT_VIEW)


def save_state(window: MainWindow) -> None:
    s = window.settings
    s.set("window/geometry", bytes(window.saveGeometry().data()))
    s.set("window/view", window.current_view.value)
    s.set("window/date", window.date.isoformat())
    s.sync()
