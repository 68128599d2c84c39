"""Work-arounds for PySide6 6.12's lost references on Python 3.11.

PySide6 6.12 (abi3 wheels) returns ``None``, ``True`` and ``False`` from C++
without taking a reference, as if they were immortal (they are from Python
3.12 on). On Python 3.11 every call of a void method (``QTimer.start``,
``QPainter.drawRect``…) takes one reference from ``None``; after a few
thousand calls the interpreter aborts ("none_dealloc: deallocating None").
:func:`pin_singletons` gives these objects a refcount no program can use up
(what 3.12 does); call it once at start-up, before Qt is used. It belongs in
aurora_desktop.qt, for the whole app: asked for in the reminders report.

Emitting signals: see below.

PySide6 6.12's ``SignalInstance.emit`` returns ``True`` without taking a
reference for it. Every discarded result therefore takes one reference from
``True``; on Python 3.11 (where ``True`` is not immortal) a long-running app
that emits once a minute eventually drops it to zero and the interpreter
aborts ("bool_dealloc: deallocating True or False"). :func:`emit` gives the
reference back, but only when a probe shows the binding has the bug, so a
fixed PySide6 is left alone. (Asked for in aurora_desktop.qt for everyone.)
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any

from aurora_desktop.qt import QtCore

__all__ = ["emit", "emit_leaks", "pin_singletons"]

_PINNED = 1 << 40


def pin_singletons() -> bool:
    """Make None, True, False, Ellipsis and NotImplemented effectively immortal.

    Only on CPython before 3.12 (later ones are immortal already). Returns
    whether anything was done. Idempotent enough: each call adds 2**40.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for obj in (None, True, False, Ellipsis, NotImplemented):
        if sys.getrefcount(obj) < _PINNED:
            # ob_refcnt is the first field of every CPython 3.11 object.
            ctypes.c_ssize_t.from_address(id(obj)).value += _PINNED
    return True


class _Probe(QtCore.QObject):
    fired = QtCore.Signal()


@cache
def emit_leaks() -> bool:
    """True when ``emit`` returns a borrowed ``True`` (measured once)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(16):
        probe.fired.emit()
    leaked = before - sys.getrefcount(True)
    if leaked > 0:
        for _ in range(leaked):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked >= 16


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, giving back the reference PySide6 forgets."""
    result = signal.emit(*args)
    if (result is True or result is False) and emit_leaks():
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
