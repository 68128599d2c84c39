"""Icons: the SVGs of resources/icons drawn in a colour, and small painted shapes."""

from __future__ import annotations

import getpass
import tempfile
from collections.abc import Callable
from pathlib import Path

from aurora_desktop.qt import QtCore, QtGui, QtSvg
from aurora_desktop.resources import resource

ICON_DIR = resource("icons")


def _svg_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


def icon(name: str, color: str, size: int = 18) -> QtGui.QIcon:
    """An SVG icon from resources/icons drawn in ``color`` (the file uses currentColor)."""
    path = _svg_path(name)
    try:
        data = path.read_text(encoding="utf-8").replace("currentColor", color)
    except OSError:
        return QtGui.QIcon()
    renderer = QtSvg.QSvgRenderer(QtCore.QByteArray(data.encode()))
    ic = QtGui.QIcon()
    for scale in (1, 2):
        pm = QtGui.QPixmap(size * scale, size * scale)
        pm.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(pm)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        pm.setDevicePixelRatio(scale)
        ic.addPixmap(pm)
    return ic


def _painted_icon(color: str, size: int,
                  draw: Callable[[QtGui.QPainter, int], None]) -> QtGui.QIcon:
    """A crisp (2x) icon of one filled shape in ``color``."""
    pm = QtGui.QPixmap(size * 2, size * 2)
    pm.fill(QtCore.Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pm)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setPen(QtCore.Qt.PenStyle.NoPen)
    p.setBrush(QtGui.QColor(color))
    draw(p, size * 2)
    p.end()
    pm.setDevicePixelRatio(2)
    return QtGui.QIcon(pm)


def swatch(color: str, size: int = 12) -> QtGui.QIcon:
    """A rounded square of ``color`` (calendar lists)."""
    return _painted_icon(color, size, lambda p, px: p.drawRoundedRect(
        QtCore.QRectF(2, 2, px - 4, px - 4), 6, 6))


def dot(color: str, size: int = 10) -> QtGui.QIcon:
    """A round dot of ``color``."""
    return _painted_icon(color, size, lambda p, px: p.drawEllipse(
        QtCore.QRectF(4, 4, px - 8, px - 8)))


_icon_files: dict[tuple[str, str], str] = {}


def tinted_icon_file(name: str, color: str) -> str:
    """A copy of resources/icons/<name>.svg in ``color``, as a path a style sheet can load."""
    key = (name, color)
    if key not in _icon_files:
        folder = Path(tempfile.gettempdir()) / f"aurora-time-icons-{_user_tag()}"
        target = folder / f"{name}-{color.lstrip('#')}.svg"
        try:
            data = _svg_path(name).read_text(encoding="utf-8").replace("currentColor", color)
            folder.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_text(encoding="utf-8") != data:
                target.write_text(data, encoding="utf-8")
        except OSError:  # no arrow then; the field still works
            return ""
        _icon_files[key] = target.as_posix()
    return _icon_files[key]


def _user_tag() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "user"
