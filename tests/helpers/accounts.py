"""Helpers for the account-dialog stories: an in-memory keyring, a tiny /config server,
and the user's hands (type into a field, press a button, wait for the step to end)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from aurora_desktop.auth import AccountService
from aurora_desktop.qt import Qt, QtWidgets
from aurora_desktop.ui.account import AccountUi, install_account
from aurora_desktop.ui.account_dialog import AccountDialog
from aurora_desktop.ui.account_form import Page
from aurora_desktop.ui.main_window import MainWindow


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything with the test (a real backend class, priority 1)."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a class property

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.data.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


# keyring registers every backend class it sees; keep ours out of its automatic choice.
KeyringBackend._classes.discard(MemoryKeyring)  # type: ignore[attr-defined]


@contextmanager
def keyring_backend(backend: Any) -> Iterator[Any]:
    """Use ``backend`` as the process's keyring; the previous one is restored after."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


# ----------------------------------------------------------------- the window


def install(qtbot: Any, window: MainWindow, data_dir: Path, settings: Any,
            service: AccountService | None = None) -> AccountUi:
    """The account UI on ``window`` as app.build installs it; waits for the first status."""
    app = SimpleNamespace(window=window, settings=settings, services=[])
    ui = install_account(app, data_dir, service=service)
    qtbot.waitUntil(lambda: ui.status is not None, timeout=5000)
    return ui


def open_dialog(qtbot: Any, ui: AccountUi) -> AccountDialog:
    """Click the status-bar button; the dialog opens."""
    qtbot.mouseClick(ui.button, Qt.MouseButton.LeftButton)
    dlg = ui.dialog
    assert dlg is not None
    qtbot.waitExposed(dlg)
    return dlg


def type_into(qtbot: Any, field: QtWidgets.QLineEdit, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def click(qtbot: Any, button: QtWidgets.QAbstractButton | None) -> None:
    assert button is not None and button.isVisible() and button.isEnabled(), button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def submit(qtbot: Any, dlg: AccountDialog, timeout: int = 15_000) -> Page:
    """Press the page's primary button and wait until its step has answered."""
    page = dlg.page
    click(qtbot, page.primary)
    wait_idle(qtbot, dlg, timeout)
    return dlg.page


def wait_idle(qtbot: Any, dlg: AccountDialog, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: dlg.op is None, timeout=timeout)


def error_of(page: Page) -> str:
    return page.error.text() if page.error.isVisible() else ""


def notice_of(page: Page) -> str:
    return page.notice.text() if page.notice.isVisible() else ""


def no_message_boxes() -> bool:
    return not [w for w in QtWidgets.QApplication.topLevelWidgets()
                if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()]


# ------------------------------------------------------- a tiny /config server


class ConfigServer:
    """``GET /config`` on 127.0.0.1 (an ephemeral port), optionally held until released.

    ``hold``: each answer waits for :meth:`release` (at most ``max_wait`` s).
    ``requests`` lists the paths asked for; ``answered`` is set after an answer.
    """

    def __init__(self, config: dict[str, Any], *, hold: bool = False,
                 max_wait: float = 10.0) -> None:
        self.config = config
        self.hold = hold
        self.max_wait = max_wait
        self.requests: list[str] = []
        self._release = threading.Event()
        self.answered = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                if outer.hold:
                    outer._release.wait(outer.max_wait)
                body = json.dumps(outer.config).encode()
                self.send_response(200 if self.path == "/config" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                outer.answered.set()

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ConfigServer:
        self._thread.start()
        return self

    def release(self) -> None:
        self._release.set()

    def __exit__(self, *_exc: object) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


def strict_config(url: str = "") -> dict[str, Any]:
    return {"region": "us-east-1", "user_pool_id": "us-east-1_test", "client_id": "client",
            "cognito_endpoint": url or "http://127.0.0.1:1",
            "password_policy": {"min_length": 12, "require_lowercase": True,
                                "require_uppercase": True, "require_numbers": True,
                                "require_symbols": True}}


class RecordingCognito:
    """A cognito-idp client that records every call (and answers none)."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def __getattr__(self, name: str) -> Any:
        def call(**_kw: Any) -> dict[str, Any]:
            self.calls.append(name)
            return {}
        return call
