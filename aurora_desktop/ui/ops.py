"""Slow work off the GUI thread, results back on it (the idea of Anki's CollectionOp).

``run_in_background(parent, work, on_done, on_error)`` runs ``work()`` on a
worker thread and calls ``on_done(result)`` or ``on_error(exception)`` on the
GUI thread. The returned :class:`BackgroundOp` can be cancelled: the work is
not interrupted (network calls are bounded by their timeouts), but its result
is dropped and no callback runs, so a dialog closed with Escape never hears
from it again. Callbacks never run after ``parent`` was deleted.

:func:`run_on_store` is the same for work on the calendar: the worker gets its
own :class:`Store` on the window's database file (a Store is not thread-safe),
and what it changed is announced on the window's store back on the GUI thread,
so views reload, reminders re-plan and sync sends it, as for an edit made in the
window. :class:`Progress` carries a worker's progress to a dialog.

The one helper for slow work: every network call of the account dialogs, every
sync and subscription refresh, import, export and deleting a calendar go through
here; the window never waits on the network, the disk or a lock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from aurora_desktop.qt import QtCore, Signal, is_alive
from aurora_desktop.store import ChangeNotice, Store

__all__ = ["BackgroundOp", "Progress", "run_in_background", "run_on_store"]

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
        self.result: T | None = None  # what the work returned, once delivered
        self.error: BaseException | None = None  # or how it failed
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
        self.result = result  # type: ignore[assignment]  # T, carried as object
        try:
            if self._on_done is not None:
                self._on_done(result)  # type: ignore[arg-type]  # T, carried as object
        finally:
            self._finish()

    def _deliver_error(self, exc: object) -> None:
        if self._cancelled.is_set() or not is_alive(self):
            return
        assert isinstance(exc, BaseException)
        self.error = exc
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                log.error("background work failed", exc_info=exc)
        finally:
            self._finish()


def run_in_background(parent: QtCore.QObject, work: Callable[[], T],
                      on_done: Callable[[T], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None, *,
                      name: str = "work") -> BackgroundOp[T]:
    """Run ``work`` on a worker thread; callbacks on the GUI thread (see the module doc)."""
    return BackgroundOp(parent, work, on_done, on_error, name).start()


def run_on_store(parent: QtCore.QObject, store: Store, work: Callable[[Store], T],
                 on_done: Callable[[T], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None, *,
                 name: str = "store", announce: bool = True) -> BackgroundOp[T]:
    """Run ``work(own)`` on a worker thread, ``own`` a connection of its own to ``store``'s
    file (read-only if ``store`` is), closed after. ``announce``: what ``own`` changed is
    announced on ``store`` on the GUI thread before ``on_done`` or ``on_error`` run (a
    failed work may have committed part of it). Sync and subscriptions announce their
    own notices (marked remote), so they pass False."""
    path, read_only = store.path, store.read_only
    notices: list[ChangeNotice] = []  # filled by the worker, read after it reported

    def job() -> T:
        with Store(path, read_only=read_only) as own:
            own.subscribe(notices.append)
            return work(own)

    def tell() -> None:
        if announce:
            for notice in notices:
                store.announce(notice)
        notices.clear()

    def done(result: T) -> None:
        tell()
        if on_done is not None:
            on_done(result)

    def failed(exc: BaseException) -> None:
        tell()
        if on_error is not None:
            on_error(exc)
        else:
            log.error("background work failed", exc_info=exc)

    return run_in_background(parent, job, done, failed, name=name)


class Progress(QtCore.QObject):
    """A worker's progress, for a dialog on the GUI thread. Made on the GUI thread and
    called from the work as ``progress(phase, done, total)``; ``changed`` reaches the GUI
    thread queued, at most once per percent (an import of 100,000 events does not flood
    the event loop)."""

    changed = Signal(str, int, int)  # phase, done, total

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._last: tuple[str, int] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        step = (phase, 100 * done // max(total, 1))
        if step == self._last:
            return
        self._last = step
        with contextlib.suppress(RuntimeError):  # the dialog's side is gone
            self.changed.emit(phase, done, total)
