"""The account dialog without a real server: the window never waits, nothing weak is sent,
every problem is a sentence in the dialog."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from aurora_desktop.auth import AccountService, AccountStatus, SecretStore, ServerInfo
from aurora_desktop.qt import Qt, QtCore, QtWidgets, is_alive
from aurora_desktop.ui.account import AccountUi, install_account
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.accounts import (
    ConfigServer,
    MemoryKeyring,
    RecordingCognito,
    click,
    error_of,
    install,
    keyring_backend,
    no_message_boxes,
    open_dialog,
    strict_config,
    submit,
    type_into,
)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with keyring_backend(MemoryKeyring()) as kr:
        yield kr


@pytest.fixture
def account(qtbot, window: MainWindow, tmp_path: Path, settings,  # type: ignore[no-untyped-def]
            memory_keyring: MemoryKeyring) -> AccountUi:
    return install(qtbot, window, tmp_path / "data", settings)


def test_the_status_bar_and_file_menu_lead_to_the_account(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                          account: AccountUi) -> None:
    assert account.button.text() == "Not signed in"
    assert account.button.isVisible()
    assert "Sign in" in account.button.toolTip()
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts.index("&Account…") < texts.index("&Quit")
    account.action.trigger()
    dlg = account.dialog
    assert dlg is not None and dlg.isVisible()
    assert dlg.page.key == "server"  # never connected: the server comes first
    # Escape with nothing running closes it; the button opens it again.
    qtbot.keyClick(dlg.server_page.url, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not is_alive(dlg) or not dlg.isVisible())
    again = open_dialog(qtbot, account)
    assert again.page.key == "server"
    again.close()


def test_password_policy_violations_are_shown_before_anything_is_sent(
        qtbot, window: MainWindow, tmp_path: Path, settings,  # type: ignore[no-untyped-def]
        memory_keyring: MemoryKeyring) -> None:
    calls: list[str] = []
    clients: list[object] = []

    def cognito(_server: object) -> RecordingCognito:
        clients.append(_server)
        return RecordingCognito(calls)

    service = AccountService(tmp_path / "data", SecretStore(), cognito=cognito)
    with ConfigServer(strict_config()) as srv:
        ui = install(qtbot, window, tmp_path / "data", settings, service=service)
        dlg = open_dialog(qtbot, ui)
        type_into(qtbot, dlg.server_page.url, srv.url)
        assert submit(qtbot, dlg).key == "sign_in"
        click(qtbot, dlg.sign_in_page.create_link)
        page = dlg.sign_up_page
        assert dlg.page is page
        rules = page.passwords.rules.text()
        # The pool's own policy from /config, shown before typing.
        for rule in ("at least 12 characters", "a lowercase letter", "an uppercase letter",
                     "a digit", "a symbol such as ! or %"):
            assert rule in rules
        type_into(qtbot, page.email, "ada@example.com")
        type_into(qtbot, page.passwords.password, "horse")
        type_into(qtbot, page.passwords.repeat, "horse")
        assert "✓&nbsp;a lowercase letter" in page.passwords.rules.text()  # checked live
        click(qtbot, page.primary)
        assert dlg.op is None  # nothing started
        assert "The password needs at least 12 characters" in error_of(page)
        assert "a symbol" in error_of(page)
        # Enter does the same: refused at once.
        qtbot.keyClick(page.passwords.repeat, Qt.Key.Key_Return)
        assert dlg.op is None and dlg.page is page
        # Strong enough but typed differently the second time.
        type_into(qtbot, page.passwords.password, "Correct-Horse-42!")
        type_into(qtbot, page.passwords.repeat, "Correct-Horse-43!")
        click(qtbot, page.primary)
        assert "The two passwords differ" in error_of(page)
        assert dlg.op is None
        # Nothing was sent: the sign-in service was never even contacted.
        assert calls == [] and clients == []
        assert srv.requests == ["/config"]
        dlg.close()


def test_a_slow_server_does_not_freeze_the_window_and_escape_cancels(
        qtbot, window: MainWindow, account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    with ConfigServer(strict_config(), hold=True) as srv:
        dlg = open_dialog(qtbot, account)
        type_into(qtbot, dlg.server_page.url, srv.url)
        ticks: list[float] = []
        timer = QtCore.QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start()
        click(qtbot, dlg.server_page.primary)
        op = dlg.op
        assert op is not None
        qtbot.waitUntil(lambda: srv.requests == ["/config"], timeout=5000)
        start = len(ticks)
        # The server is still thinking (it answers when released); the GUI keeps turning.
        qtbot.waitUntil(lambda: len(ticks) - start >= 10, timeout=5000)
        assert op.running and not srv.answered.is_set()
        page = dlg.server_page
        assert page.busy and page.busy_label.text().startswith("Connecting to")
        assert not page.url.isEnabled()
        # Escape: stop waiting; the form is back, the dialog stays open.
        qtbot.keyClick(dlg, Qt.Key.Key_Escape)
        assert dlg.isVisible() and dlg.op is None and op.cancelled
        assert not page.busy and page.url.isEnabled()
        assert "Stopped waiting" in page.error.text()
        # The late answer arrives... and is dropped.
        srv.release()
        assert op.wait(10)
        # The worker has ended: whatever it handed over is queued; deliver it, then look.
        QtCore.QCoreApplication.sendPostedEvents()
        assert dlg.page.key == "server" and dlg.server is None
        assert "Stopped waiting" in page.error.text()
        timer.stop()
        dlg.close()


def test_addresses_that_are_not_servers_are_said_in_the_dialog(
        qtbot, window: MainWindow, account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    dlg = open_dialog(qtbot, account)
    page = dlg.server_page
    for typed, said in (("", "is not a server address"),
                        ("ftp://example.com", "is not a server address"),
                        ("http://example.com", "Only https:// addresses")):
        type_into(qtbot, page.url, typed)
        qtbot.keyClick(page.url, Qt.Key.Key_Return)
        assert dlg.op is None  # answered at once, nothing sent
        assert said in error_of(page), typed
    # Nobody listens there: a sentence, after a short wait, no box.
    with ConfigServer({}) as srv:
        closed = srv.url
    type_into(qtbot, page.url, closed)
    submit(qtbot, dlg)
    assert "Cannot reach the Aurora server at " + closed in error_of(page)
    # Something answers, but not like an Aurora server.
    with ConfigServer({"hello": "world"}) as srv:
        type_into(qtbot, page.url, srv.url)
        submit(qtbot, dlg)
        assert "did not answer like an Aurora server" in error_of(page)
    assert dlg.page.key == "server"
    assert no_message_boxes()
    dlg.close()


def test_a_bug_in_a_step_is_a_sentence_not_a_traceback(
        qtbot, window: MainWindow, account: AccountUi, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    def broken(_url: str) -> Any:
        raise KeyError("region")

    monkeypatch.setattr(account.service, "connect", broken)
    dlg = open_dialog(qtbot, account)
    type_into(qtbot, dlg.server_page.url, "https://api.example.com")
    page = submit(qtbot, dlg)
    text = error_of(page)
    assert text.startswith("Something went wrong (KeyError)")
    assert "Traceback" not in text and "region" not in text
    assert "account step server failed" in caplog.text  # the details went to the log
    assert no_message_boxes()
    dlg.close()


def test_the_status_from_a_worker_thread_reaches_widgets_on_the_gui_thread(
        qtbot, window: MainWindow, account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    gui = QtCore.QThread.currentThread()
    threads: list[object] = []
    account.status_changed.connect(lambda _st: threads.append(QtCore.QThread.currentThread()))
    listener = account._relay  # what the service calls, on its own threads
    st = AccountStatus(True, "ada@example.com", "https://api.example.com", "s1", remembered=True)
    t = threading.Thread(target=listener, args=(st,))
    t.start()
    t.join()
    qtbot.waitUntil(lambda: account.button.text() == "Signed in as ada@example.com")
    assert threads == [gui]
    assert account.signed_in() is True
    assert window.account_signed_in is not None and window.account_signed_in() is True


def test_the_status_button_tells_each_state(qtbot, account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    b = account.button
    account._set_status(AccountStatus(False, "ada@example.com", "https://api.example.com", "s1",
                                      needs_sign_in=True))
    assert b.text() == "Signed out — sign in again"
    assert "nothing on this computer was lost" in b.toolTip()
    problem = "this computer has no secure store for passwords; install and unlock a Secret " \
              "Service such as GNOME Keyring (gnome-keyring) or KWallet"
    account._set_status(AccountStatus(True, "ada@example.com", "https://api.example.com", "s1",
                                      remembered=False, secure_store_problem=problem))
    assert b.text().startswith("Signed in as ada@example.com")
    assert "GNOME Keyring" in b.toolTip() and "until Aurora Time closes" in b.toolTip()
    account._set_status(AccountStatus(False))
    assert b.text() == "Not signed in"
    QtWidgets.QApplication.processEvents()


def test_a_sign_in_that_did_not_survive_the_restart_asks_to_sign_in_again(
        qtbot, window: MainWindow, tmp_path: Path, settings,  # type: ignore[no-untyped-def]
        memory_keyring: MemoryKeyring) -> None:
    # The last run was signed in, but its refresh token is not in the keyring (a sign-in
    # kept in memory only, or the keyring was cleared).
    data = tmp_path / "data"
    data.mkdir()
    server = ServerInfo.from_config("https://api.example.com", strict_config())
    (data / "account.json").write_text(json.dumps(
        {"version": 1, "server": server.to_json(), "email": "ada@example.com", "sub": "s1",
         "state": "signed_in"}))
    ui = install_account(SimpleNamespace(window=window, settings=settings, services=[]), data)
    # Start-up does not wait for the keyring: the button is neutral until it has answered.
    assert ui.status is None and ui.button.text() == "Aurora account"
    assert not ui.signed_in()
    qtbot.mouseClick(ui.button, Qt.MouseButton.LeftButton)  # asks now, opens when known
    qtbot.waitUntil(lambda: ui.dialog is not None and ui.dialog.isVisible(), timeout=5000)
    assert ui.button.text() == "Signed out — sign in again"
    dlg = ui.dialog
    assert dlg is not None and dlg.page.key == "sign_in"
    assert dlg.sign_in_page.email.text() == "ada@example.com"
    assert "https://api.example.com" in dlg.sign_in_page.server_line.label.text()
    assert "has ended" in dlg.sign_in_page.notice.text()
    dlg.close()
