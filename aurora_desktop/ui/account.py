"""The Aurora account in the window: the account dialog, a status-bar button, File → Account….

:func:`install_account` (called by ``app.build``) builds the window's
:class:`~aurora_desktop.auth.AccountService` (it may keep a sign-in in memory
for this run when the machine has no secure store) and plugs the account
into the window through its public hooks only: ``add_status_widget``,
``add_file_action`` and ``account_signed_in`` (which the event editor asks
before an email reminder is chosen).

Threads. Every call of the service that can touch the network or the
keyring runs through :func:`~aurora_desktop.ui.ops.run_in_background`; the
window never waits. The service calls its listeners on worker threads;
:class:`AccountUi` relays them to the GUI thread with a queued signal
(``status_changed``) before any widget is touched.

The dialog is a stack of pages (:mod:`aurora_desktop.ui.account_pages`)::

    server ──► sign_in ──► account ──► change_password
                │  │  │        ├──► delete ──► done
                │  │  │        └──► (sign out) ──► sign_in
                │  │  └──► forgot ──► reset ──► sign_in
                │  └──► sign_up ──► confirm ──► sign_in
                └── (not confirmed) ──► confirm

Escape while a step runs stops waiting for it (its late answer is dropped)
and gives the form back; otherwise it closes the dialog. Every failure is a
sentence shown inline on the page (``AuthError.message``); never a box,
never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aurora_desktop.auth import AccountService, AccountStatus, AuthError, ServerInfo, SignInResult
from aurora_desktop.auth import errors as E
from aurora_desktop.auth.server import normalise_url
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal, is_alive
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_pages import (
    AccountPage,
    ChangePasswordPage,
    ConfirmPage,
    DeletePage,
    DonePage,
    ForgotPage,
    Page,
    ResetPage,
    ServerPage,
    SignInPage,
    SignUpPage,
    style_sheet,
)
from aurora_desktop.ui.account_sync_pages import AccountSyncBridge, AdoptPage, SignOutPage
from aurora_desktop.ui.ops import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

__all__ = ["AccountDialog", "AccountStatusButton", "AccountUi", "install_account"]

log = logging.getLogger("aurora.ui.account")
T = TypeVar("T")

# Where a page's Back button leads (None: it closes the dialog).
BACK: dict[str, str | None] = {
    "server": None, "sign_in": None, "sign_up": "sign_in", "confirm": "sign_in",
    "forgot": "sign_in", "reset": "forgot", "account": None, "change_password": "account",
    "delete": "account", "done": None, "sign_out": "account", "adopt": None,
}
SIGNED_IN_PAGES = ("account", "change_password", "delete", "sign_out", "adopt")
# The first full status (it loads the keyring: ~0.1 s of a busy interpreter) waits until
# the window is up; with no account on this computer, none is needed to say so.
STATUS_DELAY_MS = 1500
WIDTH = 500  # the dialog's width; its height follows the page shown
MARGINS = (26, 22, 26, 20)


def store_warning(problem: str, *, signed_in: bool) -> str:
    """The sentence for "no secure store": what it means now and what to install."""
    problem = problem.rstrip(".")
    if signed_in:
        return (f"Aurora cannot remember this sign-in: {problem}. You stay signed in until "
                "Aurora Time closes; then you sign in again.")
    return (f"Aurora cannot remember a sign-in on this computer: {problem}. You can still "
            "sign in; you stay signed in until Aurora Time closes.")


def status_text(st: AccountStatus | None) -> tuple[str, str]:
    """(button text, tooltip) for the status bar."""
    if st is None:
        return "Aurora account", "Your Aurora account (File → Account…)"
    if st.signed_in:
        tip = f"Signed in as {st.email} on {st.server}."
        if not st.remembered:
            tip += "\n" + store_warning(st.secure_store_problem or "there is no secure store",
                                        signed_in=True)
        text = f"Signed in as {st.email}" + ("" if st.remembered else " (this session)")
        return text, tip + "\nClick to manage the account."
    if st.needs_sign_in:
        return ("Signed out — sign in again",
                f"Your sign-in as {st.email} on {st.server} has ended. Click to sign in again; "
                "nothing on this computer was lost.")
    return ("Not signed in", "Sign in to an Aurora account to sync your calendars between "
                             "computers and get reminders by email.")


class AccountStatusButton(QtWidgets.QToolButton):
    """"Signed in as x@y" / "Not signed in" / "Signed out — sign in again" in the status bar."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountButton")
        self.setAutoRaise(True)
        self.setAccessibleName("Aurora account")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.show_status(None)

    def show_status(self, st: AccountStatus | None) -> None:
        text, tip = status_text(st)
        self.setText(text)
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)


class AccountDialog(QtWidgets.QDialog):
    """The account dialog: one page per step; see the module docstring for the flow.

    ``op`` is the step running now (None when idle). Pages can be added with
    :meth:`add_page` (later: "add this computer's calendars?" after sign-in,
    "keep a copy here?" before sign-out; see :meth:`after_sign_in` and
    :meth:`begin_sign_out`).
    """

    def __init__(self, service: AccountService, status: AccountStatus,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.setWindowTitle("Aurora account")
        self.setAccessibleName("Aurora account")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.service = service
        self.status = status
        self.server: ServerInfo | None = service.server
        self.bridge: AccountSyncBridge | None = None
        self._theme: themes.Theme | None = None
        self._after_sign_in_notice: tuple[str, str] = ("", "info")
        self.op: BackgroundOp[Any] | None = None
        self.pages: dict[str, Page] = {}
        self.stack = QtWidgets.QStackedWidget()
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(*MARGINS)
        lay.addWidget(self.stack)

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

    # ============================================================ structure
    def add_page(self, page: T) -> T:
        assert isinstance(page, Page) and page.key and page.key not in self.pages
        self.pages[page.key] = page
        self.stack.addWidget(page)
        page.back.connect(lambda p=page: self._back(p.key))
        page.content_changed.connect(lambda p=page: self._fit() if p is self.page else None)
        page.installEventFilter(self)  # any other change of its layout re-fits too
        return page

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.LayoutRequest and obj is self.stack.currentWidget():
            self._fit()
        return super().eventFilter(obj, event)

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

    @property
    def page(self) -> Page:
        w = self.stack.currentWidget()
        assert isinstance(w, Page)
        return w

    def go(self, key: str, notice: str = "", kind: str = "info") -> Page:
        """Show page ``key`` (its messages cleared; ``notice`` shown above its form)."""
        page = self.pages[key]
        page.clear()
        if notice:
            page.say(notice, kind)
        self.stack.setCurrentWidget(page)
        if page.primary is not None:
            page.primary.setDefault(True)
        self._fit()
        page.focus_first()
        return page

    def _fit(self) -> None:
        """Width fixed, height that of the page shown (wrapped text included)."""
        left, top, right, bottom = MARGINS
        lay = self.page.layout()
        assert lay is not None
        inner = WIDTH - left - right
        height = lay.totalHeightForWidth(inner) if lay.hasHeightForWidth() else \
            lay.totalSizeHint().height()
        if self.stack.size() != QtCore.QSize(inner, height):
            self.stack.setFixedSize(inner, height)
            self.setFixedSize(WIDTH, height + top + bottom)

    def _back(self, key: str) -> None:
        target = BACK.get(key)
        if target is None:
            self.reject()
        else:
            self.go(target)

    def apply_theme(self, t: themes.Theme) -> None:
        self._theme = t
        self.setStyleSheet(style_sheet(t))
        for page in self.pages.values():
            page.set_theme(t)
        self._fit()

    # ====================================================== running steps
    def run(self, page: Page, busy: str, work: Callable[[], T], done: Callable[[T], None],
            failed: Callable[[AuthError], bool] | None = None) -> BackgroundOp[T]:
        """Run ``work`` off the GUI thread with ``page`` busy; ``done(result)`` on success.

        A failure is shown on ``page`` unless ``failed(error)`` returns True
        (it took the user elsewhere).
        """
        self.cancel(quiet=True)
        page.set_busy(busy)

        def ok(result: T) -> None:
            self.op = None
            page.set_busy(None)
            done(result)

        def bad(exc: BaseException) -> None:
            self.op = None
            page.set_busy(None)
            self._show_failure(page, exc, failed)

        op = run_in_background(self, work, ok, bad, name=f"account-{page.key}")
        self.op = op
        return op

    def _show_failure(self, page: Page, exc: BaseException,
                      failed: Callable[[AuthError], bool] | None) -> None:
        if not isinstance(exc, AuthError):
            log.error("account step %s failed", page.key, exc_info=exc)
            page.say(f"Something went wrong ({type(exc).__name__}). Nothing was lost; the "
                     "details were written to the log. Try again.")
            return
        if failed is not None and failed(exc):
            return
        if exc.kind == E.SIGNED_OUT and page.key in SIGNED_IN_PAGES:
            self.show_sign_in(exc.message, "warning")
            return
        page.say(exc.message)

    def cancel(self, *, quiet: bool = False) -> bool:
        """Stop waiting for the running step (its answer is dropped). True if one ran."""
        op, self.op = self.op, None
        if op is None:
            return False
        op.cancel()
        page = self.page
        page.set_busy(None)
        if not quiet:
            page.error.say("Stopped waiting for the server.", "info")
        return True

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.op is not None:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        self.cancel(quiet=True)
        super().reject()

    def done(self, r: int) -> None:
        self.cancel(quiet=True)
        super().done(r)

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

        def failed(exc: AuthError) -> bool:
            if exc.kind == E.NOT_CONFIRMED:
                self.show_confirm(email, exc.message, "warning")
                return True
            return False

        self.run(page, "Signing in…", lambda: self.service.sign_in(server, email, password),
                 self.after_sign_in, failed)

    def after_sign_in(self, result: SignInResult) -> None:
        """Signed in: on a first sign-in here, ask whether to add this computer's calendars
        to the account (when there are any worth asking about); then sync."""
        self.sign_in_page.password.clear()
        self.sign_up_page.passwords.clear()
        if result.remembered:
            self._after_sign_in_notice = ("", "info")
        else:
            problem = result.store_problem or "there is no secure store on this computer"
            self._after_sign_in_notice = (store_warning(problem, signed_in=True), "warning")
        if not self._ask_adopt():
            self.show_account(*self._after_sign_in_notice)

    def _ask_adopt(self) -> bool:
        """If this computer has not answered for the signed-in account yet, ask (True) or,
        with nothing worth asking about (an unused empty default calendar), answer yes
        without asking. Otherwise just sync."""
        bridge, ident = self.bridge, self.service.identity
        if bridge is None or ident is None:
            return False
        if not bridge.first_time(*ident):
            bridge.start_sync()
            return False
        calendars = bridge.local_calendars()
        if not calendars:
            bridge.choose(*ident, adopt=True)
            return False
        self.adopt_page.show_calendars(calendars)
        self.go("adopt")
        return True

    def _adopt(self, adopt: bool) -> None:
        ident = self.service.identity
        if self.bridge is not None and ident is not None:
            self.bridge.choose(*ident, adopt=adopt)
        notice, kind = self._after_sign_in_notice
        if not notice:
            notice = ("Your calendars are being added to your account." if adopt else
                      "This computer's calendars stay on this computer only.")
            kind = "success"
        self.show_account(notice, kind)

    def attach_sync(self, bridge: AccountSyncBridge) -> None:
        """Ask the sync questions (after sign-in, before sign-out) with ``bridge``."""
        self.bridge = bridge
        self.adopt_page = self.add_page(AdoptPage())
        self.adopt_page.submitted.connect(lambda: self._adopt(True))
        self.adopt_page.back.disconnect()
        self.adopt_page.back.connect(lambda: self._adopt(False))
        self.sign_out_page = self.add_page(SignOutPage())
        self.sign_out_page.submitted.connect(self._sign_out_confirmed)
        if self._theme is not None:
            self.adopt_page.set_theme(self._theme)
            self.sign_out_page.set_theme(self._theme)
        ident = self.service.identity
        if self.page.key == "account" and self.status.signed_in and ident is not None and \
                bridge.first_time(*ident):
            self._ask_adopt()  # the question was left unanswered (the dialog was closed)

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

    # ============================================================= account
    def show_account(self, notice: str = "", kind: str = "info") -> None:
        self._fill_account()
        if not notice and self.status.signed_in and not self.status.remembered:
            notice, kind = store_warning(self.status.secure_store_problem or
                                         "there is no secure store", signed_in=True), "warning"
        self.go("account", notice, kind)

    def _account_names(self) -> tuple[str, str]:
        st = self.status
        email = st.email or self.service.last_used()[1]
        server = st.server or (self.server.api_url if self.server else "")
        return email, server

    def _fill_account(self) -> None:
        self.account_page.show_account(*self._account_names())

    def show_change_password(self) -> None:
        page = self.change_page
        page.current.clear()
        page.passwords.clear()
        server = self.service.server or self.server
        if server is not None:
            page.passwords.set_policy(server.password_policy)
        self.go("change_password")

    def change_password(self) -> None:
        page = self.change_page
        old = page.current.text()
        if not old:
            page.say("Type your current password.")
            return
        problem = page.passwords.problem()
        if problem is not None:
            page.say(problem)
            return
        new = page.passwords.password.text()

        def changed(_: None) -> None:
            page.current.clear()
            page.passwords.clear()
            self.show_account("Your password was changed.", "success")

        self.run(page, "Changing the password…", lambda: self.service.change_password(old, new),
                 changed)

    def begin_sign_out(self, *, everywhere: bool) -> None:
        """Sign out: first ask whether to keep a copy of the account's calendars here."""
        if self.bridge is not None and self.service.identity is not None:
            email = self._account_names()[0]
            waiting = self.bridge.waiting(*self.service.identity)
            self.go("sign_out")
            self.sign_out_page.prepare(email, waiting, everywhere=everywhere)
            return
        self._sign_out(everywhere=everywhere, keep=True)

    def _sign_out_confirmed(self) -> None:
        page = self.sign_out_page
        self._sign_out(everywhere=page.everywhere, keep=page.keep_copy, page=page)

    def _sign_out(self, *, everywhere: bool, keep: bool, page: Page | None = None) -> None:
        page = page or self.account_page
        email = self._account_names()[0]
        ident = self.service.identity
        bridge = self.bridge

        def work() -> int | None:
            # Signed out first (the sync controller stops), then the copy is kept or
            # removed under the sync lock: a sync still running finishes before.
            self.service.sign_out(everywhere=everywhere)
            if bridge is None or ident is None:
                return None
            return bridge.release(*ident, keep=keep)

        def signed_out(removed: int | None) -> None:
            where = " everywhere" if everywhere else ""
            text = "Your calendars stay on this computer."
            if bridge is not None and removed is not None:
                bridge.released()
                if not keep:
                    text = (f"The account's calendars ({removed} event"
                            f"{'s' if removed != 1 else ''}) were removed from this "
                            "computer; they stay in your account.")
            self.show_sign_in(f"Signed out{where}. {text}", "success", email=email)

        self.run(page, "Signing out everywhere…" if everywhere else "Signing out…", work,
                 signed_out)

    def show_delete(self) -> None:
        self.delete_page.show_account(*self._account_names())
        self.go("delete")
        self.delete_page.show_account(*self._account_names())  # go() cleared the notice

    def delete_account(self) -> None:
        page = self.delete_page
        email, server = self._account_names()
        if not page.confirmed():
            page.say(f"Type {email} to confirm.")
            return

        def deleted(_: None) -> None:
            self.done_page.show_result(
                "Account deleted",
                f"The Aurora account {email} and its data on {server} were deleted. The "
                "calendars on this computer stay on this computer; you can keep using Aurora "
                "Time without an account.")
            self.go("done")

        self.run(page, "Deleting the account and its data on the server…",
                 self.service.delete_account, deleted)


class AccountUi(QtCore.QObject):
    """The account's place in the window: status button, File → Account…, the dialog.

    ``status`` is the last known :class:`AccountStatus` (None until the first
    one arrived); ``status_changed(status)`` is emitted on the GUI thread.
    """

    status_changed = Signal(object)
    _from_worker = Signal(object)

    def __init__(self, service: AccountService, window: MainWindow,
                 theme_of: Callable[[], themes.Theme] | None = None) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.theme_of = theme_of or (lambda: themes.LIGHT)
        self.status: AccountStatus | None = None
        self.dialog: AccountDialog | None = None
        self.sync_bridge: AccountSyncBridge | None = None  # set when sync is installed
        self._open_when_known = False
        self._from_worker.connect(self._set_status)  # queued when emitted by a worker thread
        service.subscribe(self._relay)

        self.button = AccountStatusButton()
        self.button.clicked.connect(self.open_dialog)
        window.add_status_widget(self.button)
        self.action = QtGui.QAction("&Account…", window)
        self.action.setStatusTip("Sign in to your Aurora account, or manage it")
        self.action.triggered.connect(lambda _=False: self.open_dialog())
        window.add_file_action(self.action)
        window.account_signed_in = self.signed_in
        self._checked = False  # a full status (keyring included) has arrived
        if service.last_used() == ("", ""):
            self.status = AccountStatus(False)  # no account here: no keyring needed for that
            self.button.show_status(self.status)
        else:
            timer = QtCore.QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(self.refresh)
            timer.start(STATUS_DELAY_MS)

    # -------------------------------------------------------------- status
    def _relay(self, status: AccountStatus) -> None:
        """The service's listener: any thread. Hands the status to the GUI thread."""
        with contextlib.suppress(RuntimeError):  # the window (and this object) is gone
            if is_alive(self):
                self._from_worker.emit(status)

    def refresh(self) -> None:
        """Read the status off the GUI thread (the keyring can be slow)."""
        run_in_background(self, self.service.status, self._set_status, self._status_failed,
                          name="account-status")

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("cannot read the account status: %s", exc)
        self._set_status(AccountStatus(False))

    def _set_status(self, status: AccountStatus) -> None:
        self._checked = True
        self.status = status
        self.button.show_status(status)
        self.status_changed.emit(status)
        if self._open_when_known:
            self._open_when_known = False
            self.open_dialog()

    def signed_in(self) -> bool:
        """True while signed in (cheap: the last known status; the editor asks it)."""
        return bool(self.status is not None and self.status.signed_in)

    # -------------------------------------------------------------- dialog
    def open_dialog(self) -> AccountDialog | None:
        """Show the account dialog (raised if open; opened once the status is known)."""
        if self.status is None:
            self._open_when_known = True
            self.refresh()
            return None
        if not self._checked:  # e.g. whether there is a secure store: the dialog hears soon
            self.refresh()
        dlg = self.dialog
        if dlg is not None and is_alive(dlg) and dlg.isVisible():
            dlg.raise_()
            dlg.activateWindow()
            return dlg
        dlg = AccountDialog(self.service, self.status, self.window)
        if self.sync_bridge is not None:
            dlg.attach_sync(self.sync_bridge)
        dlg.apply_theme(self.theme_of())
        self.status_changed.connect(dlg.on_status)
        self.dialog = dlg
        dlg.show()
        return dlg

    def on_setting(self, key: str) -> None:
        if key == "ui/theme":
            self.restyle()

    def restyle(self) -> None:
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.apply_theme(self.theme_of())

    def stop(self) -> None:
        """App shutdown: drop running steps, close the dialog, close the HTTP session."""
        if self.dialog is not None and is_alive(self.dialog):
            self.dialog.cancel(quiet=True)
            self.dialog.close()
        self.service.close()


def install_account(app: Any, data_dir: Path, *,
                    service: AccountService | None = None) -> AccountUi:
    """Build the window's account service and plug the account into ``app`` (app.App).

    The window may sign in for this run only when the machine has no secure
    store (``make_account_service(window=True)``); the command line refuses.
    """
    if service is None:
        from aurora_desktop.account_cli import make_account_service

        service = make_account_service(Path(data_dir), window=True)
    settings = app.settings
    ui = AccountUi(service, app.window, lambda: themes.resolve(settings.get("ui/theme")))
    settings.changed.connect(ui.on_setting)
    app.services.append(ui)
    return ui
