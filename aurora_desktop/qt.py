"""The one place Qt is imported from.

Everything else does ``from aurora_desktop.qt import QtWidgets, ...`` so the
Qt binding and the set of modules we use can be seen (and changed) here.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

__all__ = ["Qt", "QtCore", "QtGui", "QtSvg", "QtWidgets", "Signal", "Slot", "qt_version"]


def qt_version() -> str:
    return QtCore.qVersion()
