"""The account in the window, against the local stack (`aurora-cloud local`) over HTTP.

Each story is what a user does in the dialog: sign up, confirm with the
emailed code, sign in, see who is signed in in the status bar, get a
password wrong, reset or change it, sign out (everywhere), delete the
account; and what happens on a computer with no secure store.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import keyring.backends.fail
import pytest

from aurora_desktop.auth import AccountService, AuthError, MemorySecrets, PasswordPolicy
from aurora_desktop.qt import Qt
from aurora_desktop.ui.account import AccountUi
from aurora_desktop.ui.account_dialog import AccountDialog
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.accounts import (
    MemoryKeyring,
    click,
    error_of,
    install,
    keyring_backend,
    no_message_boxes,
    notice_of,
    open_dialog,
    submit,
    type_into,
    wait_idle,
)
from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email

pytestmark = [
    pytest.mark.e2e,
    # cloud_process.CloudProcess leaves its stack.log and stdout pipe to the garbage
    # collector (not this module's files); without this they fail the first/last test.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
]

NEW_PASSWORD = "Winter-Sunrise-2026"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with keyring_backend(MemoryKeyring()) as kr:
        yield kr


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def account(qtbot, window: MainWindow, data_dir: Path, settings,  # type: ignore[no-untyped-def]
            memory_keyring: MemoryKeyring) -> AccountUi:
    return install(qtbot, window, data_dir, settings)


def confirmed_user(cloud: CloudProcess, tmp_path: Path, *, confirm: bool = True) -> str:
    """An account made on another computer (not through this window)."""
    svc = AccountService(tmp_path / f"elsewhere-{time.monotonic_ns()}", MemorySecrets())
    server = svc.connect(cloud.url)
    email = new_email()
    svc.sign_up(server, email, PASSWORD)
    if confirm:
        svc.confirm(server, email, cloud.code_for(email))
    svc.close()
    return email


def refused(error: str) -> bool:
    """The sentence for "no such account" (or, on a server that hides which emails have
    accounts, for a wrong email or password)."""
    return error.startswith(("There is no Aurora account for",
                             "The email or the password is not right"))


def to_sign_in(qtbot, account: AccountUi, cloud: CloudProcess) -> AccountDialog:  # type: ignore[no-untyped-def]
    dlg = open_dialog(qtbot, account)
    if dlg.page.key == "server":
        type_into(qtbot, dlg.server_page.url, cloud.url)
        assert submit(qtbot, dlg).key == "sign_in"
    assert dlg.page.key == "sign_in"
    return dlg


def sign_in(qtbot, dlg: AccountDialog, email: str, password: str = PASSWORD) -> str:  # type: ignore[no-untyped-def]
    """Type email and password, press Sign in; the key of the page that follows."""
    type_into(qtbot, dlg.sign_in_page.email, email)
    type_into(qtbot, dlg.sign_in_page.password, password)
    return submit(qtbot, dlg).key


def test_sign_up_confirm_with_the_emailed_code_sign_in_and_the_status_bar_shows_who(
        qtbot, account: AccountUi, cloud: CloudProcess, data_dir: Path,  # type: ignore[no-untyped-def]
        memory_keyring: MemoryKeyring) -> None:
    assert account.button.text() == "Not signed in"
    # File → Account…: first, which server.
    account.action.trigger()
    dlg = account.dialog
    assert dlg is not None
    qtbot.waitExposed(dlg)
    assert dlg.page.key == "server"
    type_into(qtbot, dlg.server_page.url, cloud.url)
    page = submit(qtbot, dlg)
    assert page.key == "sign_in"
    assert cloud.url in dlg.sign_in_page.server_line.label.text()
    # No account yet: create one. The server's password rules are shown.
    click(qtbot, dlg.sign_in_page.create_link)
    assert dlg.page.key == "sign_up"
    policy = PasswordPolicy.from_json(cloud.config()["password_policy"])
    for rule in policy.rules():
        assert rule in dlg.sign_up_page.passwords.rules.text()
    email = new_email()
    type_into(qtbot, dlg.sign_up_page.email, email)
    type_into(qtbot, dlg.sign_up_page.passwords.password, PASSWORD)
    type_into(qtbot, dlg.sign_up_page.passwords.repeat, PASSWORD)
    page = submit(qtbot, dlg)
    assert page.key == "confirm", error_of(page)
    assert "Account created" in notice_of(page)
    assert dlg.confirm_page.email.text() == email
    # A mistyped code is said inline; the right one confirms.
    code = cloud.code_for(email)
    type_into(qtbot, dlg.confirm_page.code, f"{(int(code) + 1) % 1_000_000:06d}")
    page = submit(qtbot, dlg)
    assert page.key == "confirm"
    assert "That code is not right" in error_of(page)
    type_into(qtbot, dlg.confirm_page.code, code)
    page = submit(qtbot, dlg)
    assert page.key == "sign_in", error_of(page)
    assert "confirmed" in notice_of(page)
    assert dlg.sign_in_page.email.text() == email
    # The password chosen a moment ago is still in the form: one click signs in.
    page = submit(qtbot, dlg)
    assert page.key == "account", error_of(page)
    assert dlg.account_page.who.text() == f"Signed in as {email}"
    assert cloud.url in dlg.account_page.where.text()
    qtbot.waitUntil(lambda: account.button.text() == f"Signed in as {email}")
    assert cloud.url in account.button.toolTip()
    assert account.signed_in()
    # The refresh token is in the keyring (keyed by server and user), never in our files.
    assert any(user.startswith(cloud.url + "|") for _svc, user in memory_keyring.data)
    record = (data_dir / "account.json").read_text()
    assert PASSWORD not in record
    for secret in memory_keyring.data.values():
        assert secret.startswith("parts:") or secret not in record
    assert no_message_boxes()


def test_a_wrong_password_is_said_in_the_dialog(qtbot, account: AccountUi, cloud: CloudProcess,  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    email = confirmed_user(cloud, tmp_path)
    dlg = to_sign_in(qtbot, account, cloud)
    assert sign_in(qtbot, dlg, email, "Not-The-Password-1") == "sign_in"
    assert "The email or the password is not right" in error_of(dlg.page)
    assert account.button.text() == "Not signed in"
    # An email with no account here: the same kind of sentence (a server may not say
    # which emails have accounts).
    assert sign_in(qtbot, dlg, new_email()) == "sign_in"
    assert refused(error_of(dlg.page))
    assert no_message_boxes()
    assert sign_in(qtbot, dlg, email) == "account"
    qtbot.waitUntil(lambda: account.button.text() == f"Signed in as {email}")


def test_an_unconfirmed_account_leads_to_the_confirm_page_with_the_email_filled_in(
        qtbot, account: AccountUi, cloud: CloudProcess, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    email = confirmed_user(cloud, tmp_path, confirm=False)
    dlg = to_sign_in(qtbot, account, cloud)
    assert sign_in(qtbot, dlg, email) == "confirm"
    page = dlg.confirm_page
    assert page.email.text() == email
    assert "is not confirmed yet" in notice_of(page)
    # The first code may be long gone: ask for a new one.
    click(qtbot, page.resend)
    wait_idle(qtbot, dlg)
    assert "A new code was sent" in notice_of(page)
    type_into(qtbot, page.code, cloud.code_for(email))
    assert submit(qtbot, dlg).key == "sign_in"
    assert sign_in(qtbot, dlg, email) == "account"


def test_forgot_password_code_and_new_password_then_sign_in(
        qtbot, account: AccountUi, cloud: CloudProcess, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    email = confirmed_user(cloud, tmp_path)
    dlg = to_sign_in(qtbot, account, cloud)
    type_into(qtbot, dlg.sign_in_page.email, email)
    click(qtbot, dlg.sign_in_page.forgot_link)
    assert dlg.page.key == "forgot"
    assert dlg.forgot_page.email.text() == email
    asked = time.time() - 1
    page = submit(qtbot, dlg)
    assert page.key == "reset", error_of(page)
    rp = dlg.reset_page
    assert rp.email.text() == email
    code = cloud.code_for(email, after=asked)
    type_into(qtbot, rp.code, code)
    # Too weak: refused before anything is sent.
    type_into(qtbot, rp.passwords.password, "short")
    type_into(qtbot, rp.passwords.repeat, "short")
    click(qtbot, rp.primary)
    assert dlg.op is None and "The password needs" in error_of(rp)
    type_into(qtbot, rp.passwords.password, NEW_PASSWORD)
    type_into(qtbot, rp.passwords.repeat, NEW_PASSWORD)
    page = submit(qtbot, dlg)
    assert page.key == "sign_in", error_of(page)
    assert "password was changed" in notice_of(page)
    assert sign_in(qtbot, dlg, email, PASSWORD) == "sign_in"  # the old one is gone
    assert sign_in(qtbot, dlg, email, NEW_PASSWORD) == "account"


def test_change_the_password_then_sign_out(qtbot, account: AccountUi, cloud: CloudProcess,  # type: ignore[no-untyped-def]
                                           tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    email = confirmed_user(cloud, tmp_path)
    dlg = to_sign_in(qtbot, account, cloud)
    assert sign_in(qtbot, dlg, email) == "account"
    click(qtbot, dlg.account_page.change_password)
    cp = dlg.change_page
    assert dlg.page is cp
    type_into(qtbot, cp.current, "Not-The-Password-1")
    type_into(qtbot, cp.passwords.password, NEW_PASSWORD)
    type_into(qtbot, cp.passwords.repeat, NEW_PASSWORD)
    assert submit(qtbot, dlg) is cp
    assert error_of(cp) == "The current password is not right."
    type_into(qtbot, cp.current, PASSWORD)
    page = submit(qtbot, dlg)
    assert page.key == "account", error_of(cp)
    assert notice_of(page) == "Your password was changed."
    # Sign out: the status bar says so, the keyring forgets the sign-in.
    click(qtbot, dlg.account_page.sign_out)
    wait_idle(qtbot, dlg)
    assert dlg.page.key == "sign_in"
    assert "Signed out. Your calendars stay on this computer." in notice_of(dlg.page)
    assert dlg.sign_in_page.email.text() == email
    qtbot.waitUntil(lambda: account.button.text() == "Not signed in")
    assert not [k for k in memory_keyring.data if k[1].startswith(cloud.url)]
    assert sign_in(qtbot, dlg, email, NEW_PASSWORD) == "account"


def test_sign_out_everywhere_ends_the_sign_in_on_the_other_computers(
        qtbot, account: AccountUi, cloud: CloudProcess, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    email = confirmed_user(cloud, tmp_path)
    laptop = AccountService(tmp_path / "laptop", MemorySecrets())
    laptop.sign_in(laptop.connect(cloud.url), email, PASSWORD)
    dlg = to_sign_in(qtbot, account, cloud)
    assert sign_in(qtbot, dlg, email) == "account"
    click(qtbot, dlg.account_page.sign_out_everywhere)
    wait_idle(qtbot, dlg)
    assert dlg.page.key == "sign_in", error_of(dlg.account_page)
    assert "Signed out everywhere" in notice_of(dlg.page)
    qtbot.waitUntil(lambda: account.button.text() == "Not signed in")
    with pytest.raises(AuthError) as ended:
        laptop.refresh()
    assert ended.value.kind == "signed_out"
    laptop.close()


def test_delete_the_account_after_typing_its_email_and_the_calendars_stay(
        qtbot, account: AccountUi, cloud: CloudProcess, tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    calendars = store.calendars()
    email = confirmed_user(cloud, tmp_path)
    dlg = to_sign_in(qtbot, account, cloud)
    assert sign_in(qtbot, dlg, email) == "account"
    click(qtbot, dlg.account_page.delete)
    page = dlg.delete_page
    assert dlg.page is page
    assert email in notice_of(page) and "cannot be undone" in notice_of(page)
    assert "calendars on this computer stay on this computer" in page.explain.text()
    # Nothing happens until the email is typed.
    assert page.primary is not None and not page.primary.isEnabled()
    type_into(qtbot, page.typed, "someone.else@example.com")
    assert not page.primary.isEnabled()
    qtbot.keyClick(page.typed, Qt.Key.Key_Return)
    assert dlg.op is None and dlg.page is page
    type_into(qtbot, page.typed, email.upper())
    assert page.primary.isEnabled()
    done = submit(qtbot, dlg)
    assert done.key == "done", error_of(page)
    assert done.heading.text() == "Account deleted"
    assert "stay on this computer" in dlg.done_page.text.text()
    qtbot.waitUntil(lambda: account.button.text() == "Not signed in")
    assert store.calendars() == calendars
    # The account is gone from the server.
    click(qtbot, dlg.done_page.again)
    assert dlg.page.key == "sign_in"
    assert sign_in(qtbot, dlg, email) == "sign_in"
    assert refused(error_of(dlg.page))


def test_without_a_secure_store_the_window_signs_in_for_this_run_and_says_so(
        qtbot, window: MainWindow, settings, cloud: CloudProcess, tmp_path: Path,  # type: ignore[no-untyped-def]
        data_dir: Path) -> None:
    email = confirmed_user(cloud, tmp_path)
    with keyring_backend(keyring.backends.fail.Keyring()):
        account = install(qtbot, window, data_dir, settings)
        dlg = to_sign_in(qtbot, account, cloud)
        # Said before signing in (as soon as the dialog has asked the keyring).
        qtbot.waitUntil(lambda: "cannot remember" in notice_of(dlg.sign_in_page))
        warning = notice_of(dlg.sign_in_page)
        assert "Aurora cannot remember a sign-in on this computer" in warning
        assert "GNOME Keyring" in warning and "KWallet" in warning
        assert sign_in(qtbot, dlg, email) == "account"
        warning = notice_of(dlg.account_page)
        assert "Aurora cannot remember this sign-in" in warning
        assert "until Aurora Time closes" in warning and "GNOME Keyring" in warning
        qtbot.waitUntil(lambda: account.button.text().startswith(f"Signed in as {email}"))
        assert "(this session)" in account.button.text()
        assert "GNOME Keyring" in account.button.toolTip()
        assert "until Aurora Time closes" in account.button.toolTip()
        assert account.signed_in()
        # Nothing secret went anywhere else, and the next start must sign in again.
        record = (data_dir / "account.json").read_text()
        assert "RefreshToken" not in record and PASSWORD not in record
        later = AccountService(data_dir, allow_memory_only=True)
        assert later.status().needs_sign_in
