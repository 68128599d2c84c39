"""The one place Qt is imported from.

Everything else does ``from aurora_desktop.qt import QtWidgets, ...`` so the
Qt binding and the set of modules we use can be seen (and changed) here.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import shiboken6
from PySide6 import QtCore, QtGui, QtNetwork, QtSvg, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

# PySide6 6.12 wheels assume Python 3.12+'s immortal None/True/False: on
# CPython 3.11 every call of a void Qt method (and every bool signal argument)
# drops one reference to None/True/False it never took, so after a few
# thousand paint calls the interpreter aborts ("none_dealloc: deallocating
# None"). Until the wheels are fixed (or we run on 3.12+), give those three
# objects a reference count they can never lose, which is what 3.12 does.
_IMMORTAL_REFS = 1 << 40


def _pin_singletons() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))
        if refcnt.value < _IMMORTAL_REFS:
            refcnt.value += _IMMORTAL_REFS


_pin_singletons()

__all__ = [
    "Qt", "QtCore", "QtGui", "QtNetwork", "QtSvg", "QtWidgets", "Signal", "Slot", "is_alive",
    "qt_version",
]


# QtTest is also available as an attribute, imported on first use.
def __getattr__(name: str) -> Any:
    """QtTest on first use only (tests and benches; it costs start-up time otherwise)."""
    if name == "QtTest":
        from PySide6 import QtTest

        return QtTest
    raise AttributeError(name)


def is_alive(obj: object) -> bool:
    """False once the C++ side of a Qt object has been deleted."""
    return bool(shiboken6.isValid(obj))


def qt_version() -> str:
    return QtCore.qVersion()
