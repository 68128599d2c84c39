"""The pages of the account dialog, one per step: forms only (see account_form.Page).

Signed out: the server, sign-in, sign-up, the emailed code, a forgotten password
and its reset. Signed in: the account, a password change, deleting the account,
and the last page of a flow. The sync questions are in account_sync_pages.
"""

from __future__ import annotations

from aurora_desktop.qt import Qt, QtWidgets
from aurora_desktop.ui.account_form import Page, PasswordFields, ServerLine, button, line_edit

__all__ = [
    "AccountPage", "ChangePasswordPage", "ConfirmPage", "DeletePage", "DonePage", "ForgotPage",
    "ResetPage", "ServerPage", "SignInPage", "SignUpPage",
]


class ServerPage(Page):
    key = "server"

    def __init__(self) -> None:
        super().__init__("Connect to an Aurora server", "Continue", back="Close")
        self.set_intro("An Aurora account keeps your calendars in sync across your computers "
                       "and sends reminders by email. Type the address of your Aurora server "
                       "(its API address, as your administrator gave it to you).")
        self.url = line_edit("Server address", placeholder="https://api.example.com")
        self.add_field("Server address", self.url)


class SignInPage(Page):
    key = "sign_in"

    def __init__(self) -> None:
        super().__init__("Sign in to your Aurora account", "Sign in", back="Close")
        self.server_line = ServerLine(self)
        self.body.insertWidget(0, self.server_line)
        self.email = line_edit("Email", placeholder="you@example.com")
        self.password = line_edit("Password", password=True)
        self.add_field("Email", self.email)
        self.add_field("Password", self.password)
        self.forgot_link = self.add_link("Forgot your password?", "forgotLink")
        self.create_link = self.add_link("Create an account", "createLink")
        self.finish_links()


class SignUpPage(Page):
    key = "sign_up"

    def __init__(self) -> None:
        super().__init__("Create an Aurora account", "Create account")
        self.server_line = ServerLine(self)
        self.body.insertWidget(0, self.server_line)
        self.email = line_edit("Email", placeholder="you@example.com")
        self.add_field("Email", self.email)
        self.passwords = PasswordFields(self)
        self.set_intro("Aurora will email you a code to confirm the address.")


class ConfirmPage(Page):
    key = "confirm"

    def __init__(self) -> None:
        super().__init__("Confirm your email address", "Confirm")
        self.email = line_edit("Email", placeholder="you@example.com")
        self.code = line_edit("Code", placeholder="6 digits")
        self.code.setMaxLength(12)
        self.add_field("Email", self.email)
        self.add_field("Code from the email", self.code)
        self.resend = self.add_link("Send a new code", "resendLink")
        self.finish_links()
        self.set_intro("Type the code from the email Aurora sent you, to finish creating the "
                       "account.")


class ForgotPage(Page):
    key = "forgot"

    def __init__(self) -> None:
        super().__init__("Reset your password", "Send code")
        self.set_intro("Aurora will email you a code. With it you choose a new password.")
        self.email = line_edit("Email", placeholder="you@example.com")
        self.add_field("Email", self.email)
        self.have_code = self.add_link("I already have a code", "haveCodeLink")
        self.finish_links()


class ResetPage(Page):
    key = "reset"

    def __init__(self) -> None:
        super().__init__("Choose a new password", "Set password")
        self.email = line_edit("Email")
        self.code = line_edit("Code", placeholder="6 digits")
        self.code.setMaxLength(12)
        self.add_field("Email", self.email)
        self.add_field("Code from the email", self.code)
        self.passwords = PasswordFields(self, "New password")
        self.resend = self.add_link("Send a new code", "resendLink")
        self.finish_links()


class AccountPage(Page):
    """Who is signed in, to which server, and what can be done."""

    key = "account"

    def __init__(self) -> None:
        super().__init__("Your Aurora account", back="Close")
        self.who = QtWidgets.QLabel()
        self.who.setObjectName("accountWho")
        self.who.setAccessibleName("Signed in as")
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.who.setWordWrap(True)
        self.where = QtWidgets.QLabel()
        self.where.setObjectName("serverLine")
        self.where.setAccessibleName("Server")
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setWordWrap(True)
        self.body.insertWidget(0, self.who)
        self.body.insertWidget(1, self.where)
        grid = QtWidgets.QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.change_password = self._action(grid, 0, "Change password…",
                                            "Choose a new password for this account.")
        self.sign_out = self._action(grid, 1, "Sign out",
                                     "End the sign-in on this computer. Your calendars stay "
                                     "here.")
        self.sign_out_everywhere = self._action(grid, 2, "Sign out everywhere",
                                                "Also end the sign-in on every other computer.")
        self.delete = self._action(grid, 3, "Delete account…",
                                   "Delete the account and its data on the server.",
                                   name="dangerLink")
        self.body.addSpacing(4)
        self.body.addLayout(grid)

    def _action(self, grid: QtWidgets.QGridLayout, row: int, text: str, help_text: str,
                name: str = "") -> QtWidgets.QPushButton:
        b = button(text, name or "actionButton")
        b.setMinimumWidth(170)
        lab = QtWidgets.QLabel(help_text)
        lab.setObjectName("actionHelp")
        lab.setWordWrap(True)
        grid.addWidget(b, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(lab, row, 1, Qt.AlignmentFlag.AlignVCenter)
        self.inputs.append(b)
        return b

    def show_account(self, email: str, server: str) -> None:
        self.who.setText(f"Signed in as {email}")
        self.where.setText(f"Server: {server}")
        self.content_changed.emit()


class ChangePasswordPage(Page):
    key = "change_password"

    def __init__(self) -> None:
        super().__init__("Change your password", "Change password")
        self.current = line_edit("Current password", password=True)
        self.add_field("Current password", self.current)
        self.passwords = PasswordFields(self, "New password")


class DeletePage(Page):
    key = "delete"

    def __init__(self) -> None:
        super().__init__("Delete your Aurora account", "Delete account", danger=True)
        self.explain = QtWidgets.QLabel()
        self.explain.setObjectName("deleteExplain")
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.PlainText)
        self.body.insertWidget(0, self.explain)
        self.typed = line_edit("Type your email address to confirm")
        self.add_field("To confirm, type your email address", self.typed)
        self.expected = ""
        self.typed.textChanged.connect(self._update)
        self._update()

    def show_account(self, email: str, server: str) -> None:
        self.expected = email
        self.say(f"This deletes the account {email} and every calendar and event it keeps on "
                 f"the server {server}. It cannot be undone.", "warning")
        self.explain.setText("The calendars on this computer stay on this computer: you can "
                             "keep using Aurora Time without an account.")
        self.typed.clear()
        self._update()
        self.content_changed.emit()

    def confirmed(self) -> bool:
        return bool(self.expected) and \
            self.typed.text().strip().lower() == self.expected.strip().lower()

    def _update(self) -> None:
        if self.primary is not None:
            self.primary.setEnabled(self.confirmed())

    def set_busy(self, text: str | None) -> None:
        super().set_busy(text)
        if text is None:
            self._update()


class DonePage(Page):
    """The end of a flow: what happened, and Close."""

    key = "done"

    def __init__(self) -> None:
        super().__init__("", "Close", back="")
        self.text = QtWidgets.QLabel()
        self.text.setObjectName("doneText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.body.insertWidget(0, self.text)
        self.again = self.add_link("Sign in or create an account", "againLink")
        self.finish_links()

    def show_result(self, heading: str, text: str) -> None:
        self.heading.setText(heading)
        self.text.setText(text)
        self.content_changed.emit()
