"""The account dialog: the flows of the Aurora account, one page per step.

The pages are in :mod:`aurora_desktop.ui.account_pages` (and the two sync
questions in :mod:`aurora_desktop.ui.account_sync_pages`); showing them and
running a step off the GUI thread is :class:`~aurora_desktop.ui.page_dialog.PageDialog`.
This module says what each page's buttons do and where they lead::

    server ──► sign_in ──► account ──► change_password
                │  │  │        ├──► delete ──► done
                │  │  │        └──► (sign out) ──► sign_in
                │  │  └──► forgot ──► reset ──► sign_in
                │  └──► sign_up ──► confirm ──► sign_in
                └── (not confirmed) ──► confirm

Every failure is a sentence shown inline on the page (``AuthError.message``);
never a box, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import ClassVar

from aurora_desktop.auth import AccountService, AccountStatus, AuthError, ServerInfo
from aurora_desktop.auth import errors as E
from aurora_desktop.auth.server import normalise_url
from aurora_desktop.qt import QtWidgets
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_form import Page
from aurora_desktop.ui.account_pages import (
    AccountPage,
    ChangePasswordPage,
    ConfirmPage,
    DeletePage,
    DonePage,
    ForgotPage,
    ResetPage,
    ServerPage,
    SignInPage,
    SignUpPage,
)
from aurora_desktop.ui.account_signed_in import SignedInFlows
from aurora_desktop.ui.account_status import store_warning
from aurora_desktop.ui.account_style import account_style_sheet
from aurora_desktop.ui.account_sync_pages import AccountSyncBridge

__all__ = ["AccountDialog"]

log = logging.getLogger("aurora.ui.account")

SIGNED_IN_PAGES = ("account", "change_password", "delete", "sign_out", "adopt")


class AccountDialog(SignedInFlows):
    """The account dialog: one page per step; see the module docstring for the flow.

    The sync questions ("add this computer's calendars?" after sign-in, "keep a
    copy here?" before sign-out) are asked once :meth:`attach_sync` gave a bridge;
    see :meth:`after_sign_in` and :meth:`begin_sign_out`.
    """

    # Where a page's Back button leads (None: it closes the dialog).
    BACK: ClassVar[Mapping[str, str | None]] = {
        "server": None, "sign_in": None, "sign_up": "sign_in", "confirm": "sign_in",
        "forgot": "sign_in", "reset": "forgot", "account": None, "change_password": "account",
        "delete": "account", "done": None, "sign_out": "account", "adopt": None,
    }
    STEP_NAME = "account"

    def __init__(self, service: AccountService, status: AccountStatus,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.setWindowTitle("Aurora account")
        self.setAccessibleName("Aurora account")
        self.service = service
        self.status = status
        self.server: ServerInfo | None = service.server
        self.bridge: AccountSyncBridge | None = None
        self._after_sign_in_notice: tuple[str, str] = ("", "info")

        self.server_page = self.add_page(ServerPage())
        self.sign_in_page = self.add_page(SignInPage())
        self.sign_up_page = self.add_page(SignUpPage())
        self.confirm_page = self.add_page(ConfirmPage())
        self.forgot_page = self.add_page(ForgotPage())
        self.reset_page = self.add_page(ResetPage())
        self.account_page = self.add_page(AccountPage())
        self.change_page = self.add_page(ChangePasswordPage())
        self.delete_page = self.add_page(DeletePage())
        self.done_page = self.add_page(DonePage())
        self._wire()
        self.start()

    def _wire(self) -> None:
        self.server_page.submitted.connect(self.connect_server)
        si = self.sign_in_page
        si.submitted.connect(self.sign_in)
        si.forgot_link.clicked.connect(lambda: self.show_forgot(si.email.text()))
        si.create_link.clicked.connect(lambda: self.show_sign_up(si.email.text()))
        si.server_line.change.clicked.connect(self.show_server)
        su = self.sign_up_page
        su.submitted.connect(self.sign_up)
        su.server_line.change.clicked.connect(self.show_server)
        self.confirm_page.submitted.connect(self.confirm)
        self.confirm_page.resend.clicked.connect(self.resend_code)
        self.forgot_page.submitted.connect(self.send_reset_code)
        self.forgot_page.have_code.clicked.connect(
            lambda: self.show_reset(self.forgot_page.email.text(), ""))
        self.reset_page.submitted.connect(self.reset_password)
        self.reset_page.resend.clicked.connect(self.resend_reset_code)
        ac = self.account_page
        ac.change_password.clicked.connect(self.show_change_password)
        ac.sign_out.clicked.connect(lambda: self.begin_sign_out(everywhere=False))
        ac.sign_out_everywhere.clicked.connect(lambda: self.begin_sign_out(everywhere=True))
        ac.delete.clicked.connect(self.show_delete)
        self.change_page.submitted.connect(self.change_password)
        self.delete_page.submitted.connect(self.delete_account)
        self.done_page.submitted.connect(self.accept)
        self.done_page.again.clicked.connect(self.start)

    def style_sheet(self, t: themes.Theme) -> str:
        return account_style_sheet(t)

    def show_failure(self, page: Page, exc: BaseException) -> None:
        if not isinstance(exc, AuthError):
            log.error("account step %s failed", page.key, exc_info=exc)
            page.say(f"Something went wrong ({type(exc).__name__}). Nothing was lost; the "
                     "details were written to the log. Try again.")
            return
        if exc.kind == E.SIGNED_OUT and page.key in SIGNED_IN_PAGES:
            self.show_sign_in(exc.message, "warning")
            return
        page.say(exc.message)

    # ============================================================== status
    def on_status(self, st: AccountStatus) -> None:
        """A new account status (GUI thread). A step in flight decides where to go itself."""
        self.status = st
        if self.op is not None:
            return
        key = self.page.key
        if key in SIGNED_IN_PAGES and not st.signed_in:
            self.show_sign_in("Your sign-in has ended. Sign in again; nothing on this computer "
                              "was lost.", "warning")
        elif key == "account" and st.signed_in:
            self._fill_account()
        elif key == "sign_in" and st.secure_store_problem and not self.sign_in_page.notice.text():
            self.sign_in_page.say(store_warning(st.secure_store_problem, signed_in=False),
                                  "warning")

    def start(self) -> None:
        """The first page for the current status."""
        st = self.status
        if st.signed_in and self.server is not None:
            self.show_account()
        elif self.server is not None:
            if st.needs_sign_in:
                self.show_sign_in(f"Your sign-in as {st.email} has ended (signed out elsewhere, "
                                  "expired, or not kept on this computer). Sign in again; "
                                  "nothing on this computer was lost.", "warning")
            else:
                self.show_sign_in()
        else:
            self.show_server()

    # ============================================================== server
    def show_server(self) -> None:
        url = self.server.api_url if self.server else self.service.last_used()[0]
        page = self.go("server")
        self.server_page.url.setText(url)
        page.focus_first()

    def connect_server(self) -> None:
        page = self.server_page
        text = page.url.text()
        try:
            url = normalise_url(text)  # pure: a typo is answered at once
        except AuthError as exc:
            page.say(exc.message)
            return
        self.run(page, f"Connecting to {url}…", lambda: self.service.connect(url),
                 self._connected)

    def _connected(self, server: ServerInfo) -> None:
        self.server = server
        self.show_sign_in()

    # ============================================================= sign in
    def show_sign_in(self, notice: str = "", kind: str = "info", *, email: str | None = None,
                     password: str = "") -> None:
        if self.server is None:
            self.show_server()
            return
        if not notice and self.status.secure_store_problem:
            notice, kind = store_warning(self.status.secure_store_problem,
                                         signed_in=False), "warning"
        page = self.sign_in_page
        page.server_line.set_server(self.server.api_url)
        last_url, last_email = self.service.last_used()
        if email is None:
            email = page.email.text() or (last_email if last_url == self.server.api_url else "")
        page.email.setText(email)
        page.password.setText(password)
        self.go("sign_in", notice, kind)
        if password and page.primary is not None:
            page.primary.setFocus()

    def sign_in(self) -> None:
        page, server = self.sign_in_page, self.server
        assert server is not None
        email, password = page.email.text().strip(), page.password.text()
        if not email:
            page.say("Type the email address of your Aurora account.")
            return
        if not password:
            page.say("Type your password.")
            return

        def failed(exc: BaseException) -> bool:
            if isinstance(exc, AuthError) and exc.kind == E.NOT_CONFIRMED:
                self.show_confirm(email, exc.message, "warning")
                return True
            return False

        self.run(page, "Signing in…", lambda: self.service.sign_in(server, email, password),
                 self.after_sign_in, failed)

    # ============================================================= sign up
    def show_sign_up(self, email: str = "") -> None:
        assert self.server is not None
        page = self.sign_up_page
        page.server_line.set_server(self.server.api_url)
        page.passwords.set_policy(self.server.password_policy)
        if email:
            page.email.setText(email.strip())
        self.go("sign_up")

    def sign_up(self) -> None:
        page, server = self.sign_up_page, self.server
        assert server is not None
        email = page.email.text().strip()
        if not email:
            page.say("Type your email address.")
            return
        problem = page.passwords.problem()
        if problem is not None:  # the server's policy, checked before anything is sent
            page.say(problem)
            return
        password = page.passwords.password.text()
        self.run(page, "Creating the account…",
                 lambda: self.service.sign_up(server, email, password),
                 lambda where: self.show_confirm(
                     email, f"Account created. Aurora sent a code to {where}: type it below to "
                            "confirm the address.", "success"))

    def show_confirm(self, email: str, notice: str = "", kind: str = "info") -> None:
        page = self.confirm_page
        page.email.setText(email)
        page.code.clear()
        self.go("confirm", notice, kind)

    def confirm(self) -> None:
        page, server = self.confirm_page, self.server
        assert server is not None
        email, code = page.email.text().strip(), page.code.text()
        if not code.strip():
            page.say("Type the code from the email.")
            return

        def confirmed(_: None) -> None:
            # The password just chosen (still in the sign-up form) signs in with one click.
            su = self.sign_up_page
            same = su.email.text().strip().lower() == email.lower()
            password = su.passwords.password.text() if same else ""
            self.show_sign_in("Your email address is confirmed. Sign in to start using the "
                              "account.", "success", email=email, password=password)

        self.run(page, "Confirming…", lambda: self.service.confirm(server, email, code),
                 confirmed)

    def resend_code(self) -> None:
        page, server = self.confirm_page, self.server
        assert server is not None
        email = page.email.text().strip()
        self.run(page, "Sending a new code…", lambda: self.service.resend_code(server, email),
                 lambda where: page.say(f"A new code was sent to {where}. Use the newest email.",
                                        "success"))

    # ==================================================== forgot password
    def show_forgot(self, email: str = "") -> None:
        page = self.forgot_page
        if email:
            page.email.setText(email.strip())
        self.go("forgot")

    def send_reset_code(self) -> None:
        page, server = self.forgot_page, self.server
        assert server is not None
        email = page.email.text().strip()
        if not email:
            page.say("Type the email address of your Aurora account.")
            return
        self.run(page, "Sending a code…", lambda: self.service.forgot_password(server, email),
                 lambda where: self.show_reset(email, where))

    def show_reset(self, email: str, where: str) -> None:
        assert self.server is not None
        page = self.reset_page
        page.email.setText(email.strip())
        page.code.clear()
        page.passwords.clear()
        page.passwords.set_policy(self.server.password_policy)
        page.set_intro(f"Aurora sent a code to {where}. Type it and choose a new password."
                       if where else "Type the code from the email and choose a new password.")
        self.go("reset")

    def reset_password(self) -> None:
        page, server = self.reset_page, self.server
        assert server is not None
        email, code = page.email.text().strip(), page.code.text()
        if not code.strip():
            page.say("Type the code from the email.")
            return
        problem = page.passwords.problem()
        if problem is not None:
            page.say(problem)
            return
        password = page.passwords.password.text()

        def changed(_: None) -> None:
            page.passwords.clear()
            self.show_sign_in("Your password was changed. Sign in with the new password.",
                              "success", email=email)

        self.run(page, "Setting the new password…",
                 lambda: self.service.reset_password(server, email, code, password), changed)

    def resend_reset_code(self) -> None:
        page, server = self.reset_page, self.server
        assert server is not None
        email = page.email.text().strip()
        self.run(page, "Sending a new code…",
                 lambda: self.service.forgot_password(server, email),
                 lambda where: page.say(f"A new code was sent to {where}. Use the newest email.",
                                        "success"))
