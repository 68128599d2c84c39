"""The signed-in half of the account dialog: the account page and what it leads to.

After a sign-in the sync question (add this computer's calendars to the account?),
then the account page: change the password, sign out (keeping a copy of the
account's calendars here or not), delete the account. The signed-out half
(server, sign-in, sign-up, codes) and the pages are put together in
:class:`aurora_desktop.ui.account_dialog.AccountDialog`, which derives from this.
"""

from __future__ import annotations

from aurora_desktop.auth import AccountService, AccountStatus, ServerInfo, SignInResult
from aurora_desktop.ui.account_form import Page
from aurora_desktop.ui.account_pages import (
    AccountPage,
    ChangePasswordPage,
    DeletePage,
    DonePage,
    SignInPage,
    SignUpPage,
)
from aurora_desktop.ui.account_status import store_warning
from aurora_desktop.ui.account_sync_pages import AccountSyncBridge, AdoptPage, SignOutPage
from aurora_desktop.ui.page_dialog import PageDialog

__all__ = ["SignedInFlows"]


class SignedInFlows(PageDialog):
    """The account dialog's flows once signed in (its pages are built by the subclass)."""

    service: AccountService
    status: AccountStatus
    server: ServerInfo | None
    bridge: AccountSyncBridge | None
    _after_sign_in_notice: tuple[str, str]
    sign_in_page: SignInPage
    sign_up_page: SignUpPage
    account_page: AccountPage
    change_page: ChangePasswordPage
    delete_page: DeletePage
    done_page: DonePage
    adopt_page: AdoptPage
    sign_out_page: SignOutPage

    def show_sign_in(self, notice: str = "", kind: str = "info", *, email: str | None = None,
                     password: str = "") -> None:
        """The sign-in page (where signing out and an ended sign-in lead)."""
        raise NotImplementedError

    # ============================================= after sign-in: the sync question
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
        ident = self.service.identity
        if self.page.key == "account" and self.status.signed_in and ident is not None and \
                bridge.first_time(*ident):
            self._ask_adopt()  # the question was left unanswered (the dialog was closed)

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
