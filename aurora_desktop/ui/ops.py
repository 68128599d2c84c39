"""Slow work off the GUI thread, results back on it (the idea of Anki's CollectionOp).

``run_in_background(parent, work, on_done, on_error)`` runs ``work()`` on a
worker thread and calls ``on_done(result)`` or ``on_error(exception)`` on the
GUI thread. The returned :class:`BackgroundOp` can be cancelled: the work is
not interrupted (network calls are bounded by their timeouts), but its result
is dropped and no callback runs, so a dialog closed with Escape never hears
from it again. Callbacks never run after ``parent`` was deleted.

Every network call of the account dialogs and every sync goes through here:
the window never waits on the network or on a lock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from aurora_desktop.qt import QtCore, Signal, is_alive

__all__ = ["BackgroundOp", "run_in_background"]

log = logging.getLogger("aurora.ui.ops")
T = TypeVar("T")


class _Relay(QtCore.QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call over."""

    done = Signal(object)
    failed = Signal(object)


class BackgroundOp(QtCore.QObject, Generic[T]):
    """One piece of work on a worker thread. ``running`` until it reported or was cancelled."""

    finished = Signal()  # after the callback ran (or the result was dropped)

    def __init__(self, parent: QtCore.QObject, work: Callable[[], T],
                 on_done: Callable[[T], None] | None,
                 on_error: Callable[[BaseException], None] | None, name: str) -> None:
        super().__init__(parent)
        self._work = work
        self._on_done = on_done
        self._on_error = on_error
        self._cancelled = threading.Event()
        self.running = True
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver_done)
        self._relay.failed.connect(self._deliver_error)
        self._thread = threading.Thread(target=self._run, name=f"aurora-op-{name}", daemon=True)

    def start(self) -> BackgroundOp[T]:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Drop the result: no callback will run."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker thread ended (tests and shutdown only)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            result: Any = self._work()
        except BaseException as exc:  # delivered to on_error, never lost
            if not self._cancelled.is_set():
                self._emit(self._relay.failed, exc)
            return
        if not self._cancelled.is_set():
            self._emit(self._relay.done, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        # RuntimeError: the relay was deleted with its parent; nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)

    def _finish(self) -> None:
        self.running = False
        self.finished.emit()

    def _deliver_done(self, result: object) -> None:
        if self._cancelled.is_set() or not is_alive(self):
            return
        try:
            if self._on_done is not None:
                self._on_done(result)  # type: ignore[arg-type]  # T, carried as object
        finally:
            self._finish()

    def _deliver_error(self, exc: object) -> None:
        if self._cancelled.is_set() or not is_alive(self):
            return
        try:
            if self._on_error is not None:
                assert isinstance(exc, BaseException)
                self._on_error(exc)
            else:
                log.error("background work failed", exc_info=exc)  # type: ignore[arg-type]
        finally:
            self._finish()


def run_in_background(parent: QtCore.QObject, work: Callable[[], T],
                      on_done: Callable[[T], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None, *,
                      name: str = "work") -> BackgroundOp[T]:
    """Run ``work`` on a worker thread; callbacks on the GUI thread (see the module doc)."""
    return BackgroundOp(parent, work, on_done, on_error, name).start()
