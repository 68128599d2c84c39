"""Helpers for the sync stories: the window with account and sync installed, a proxy that
can go down or slow down, and a watch that fails a test when a dialog pops up by itself."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aurora_desktop.auth import AccountService, MemorySecrets
from aurora_desktop.qt import QtCore, QtWidgets
from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.sync import account_id
from aurora_desktop.ui.account import AccountUi, install_account
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.sync_controller import SyncController
from aurora_desktop.ui.sync_install import SyncUi, install_sync
from tests.helpers.faulty_proxy import ForwardingProxy

# (method, path, body) -> (status, problem json) to answer instead of the server, or None
Refusal = Callable[[str, str, bytes], tuple[int, dict[str, Any]] | None]


class SwitchProxy(ForwardingProxy):
    """An HTTP proxy on 127.0.0.1 in front of the local stack.

    ``down``: every connection is closed unanswered (the server cannot be
    reached). ``delay``: seconds to wait before forwarding (a slow network).
    ``hold``: an Event each request waits for before forwarding (at most a minute):
    a network as slow as the test wants; ``waiting`` counts the requests held now.
    ``refuse``: answer chosen requests with an error of our own.
    """

    def __init__(self, target: str) -> None:
        self.down = False
        self.delay = 0.0
        self.hold: threading.Event | None = None
        self.waiting = 0
        self._count = threading.Lock()
        self.refuse: Refusal | None = None
        super().__init__(target)

    def intercept(self, request: BaseHTTPRequestHandler, body: bytes) -> bool:
        if self.down:
            self.log.append((request.command, request.path, 0))
            request.close_connection = True
            return True
        if self.delay:
            time.sleep(self.delay)
        hold = self.hold
        if hold is not None:
            with self._count:
                self.waiting += 1
            hold.wait(60)
            with self._count:
                self.waiting -= 1
        answer = self.refuse(request.command, request.path, body) if self.refuse else None
        if answer is None:
            return False
        status, problem = answer
        self.answer(request, status, json.dumps(problem).encode())
        return True


class DialogWatch(QtCore.QObject):
    """Records every dialog or message box that is shown while installed."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Show and isinstance(obj, QtWidgets.QDialog):
            self.shown.append(f"{type(obj).__name__} {obj.windowTitle()!r}")
        return False

    def __enter__(self) -> DialogWatch:
        app = QtWidgets.QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


@dataclass
class SyncedWindow:
    """The calendar window with the account and sync installed, as app.build does."""

    window: MainWindow
    store: Store
    data_dir: Path
    service: AccountService
    account: AccountUi
    sync: SyncUi
    app: Any = field(repr=False, default=None)

    @property
    def controller(self) -> SyncController:
        return self.sync.controller

    @property
    def indicator_text(self) -> str:
        ind = self.sync.indicator
        return ind.text() if ind.isVisible() else ""

    def sign_in(self, qtbot: Any, url: str, email: str, password: str, *,
                adopt: bool = True) -> None:
        """Sign in without the dialog (the service directly), answering the adopt question."""
        server = self.service.connect(url)
        self.service.sign_in(server, email, password)
        qtbot.waitUntil(lambda: self.controller.account is not None, timeout=5000)
        ident = self.service.identity
        assert ident is not None
        account = account_id(*ident)
        self.store.set_current_account(account)
        self.store.set_sync_value(account, "adopt_local", "1" if adopt else "0")

    def wait_synced(self, qtbot: Any, timeout: int = 20_000) -> None:
        """Wait for the next sync to complete (started now if none is running or due)."""
        with qtbot.waitSignal(self.controller.synced, timeout=timeout):
            self.controller.sync_now()

    def stop(self) -> None:
        self.sync.stop()
        self.account.stop()


def install_synced(qtbot: Any, window: MainWindow, store: Store, settings: Settings,
                   data_dir: Path, *, edit_delay_ms: int = 300) -> SyncedWindow:
    """Install the account and sync on ``window`` (its store must be ``data_dir``'s) and start."""
    assert store.path == data_dir / "aurora.sqlite3"
    service = AccountService(data_dir, MemorySecrets())
    app = SimpleNamespace(window=window, store=store, settings=settings, services=[])
    account = install_account(app, data_dir, service=service)
    qtbot.waitUntil(lambda: account.status is not None, timeout=5000)
    sync = install_sync(app, data_dir, account)
    sync.controller.edit_delay_ms = edit_delay_ms
    sync.controller.start_delay_ms = 100
    sync.start()
    return SyncedWindow(window, store, data_dir, service, account, sync, app)


def open_dialogs() -> list[str]:
    """Dialogs and message boxes visible now."""
    return [f"{type(w).__name__} {w.windowTitle()!r}"
            for w in QtWidgets.QApplication.topLevelWidgets()
            if isinstance(w, QtWidgets.QDialog) and w.isVisible()]
