"""The pages of the account dialog: forms only.

A page shows fields, an inline notice and an inline error, and a busy row
("Signing in…  Cancel") while its operation runs. It never calls the account
service: :class:`aurora_desktop.ui.account.AccountDialog` reads the fields,
runs the work off the GUI thread and tells the page what happened
(:meth:`Page.say`, :meth:`Page.set_busy`).
"""

from __future__ import annotations

import html

from aurora_desktop.auth import PasswordPolicy
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import theme as themes

__all__ = [
    "AccountPage", "ChangePasswordPage", "ConfirmPage", "DeletePage", "DonePage", "ForgotPage",
    "Notice", "Page", "PasswordFields", "ResetPage", "ServerPage", "SignInPage", "SignUpPage",
    "style_sheet",
]

KINDS = ("error", "warning", "info", "success")


def _button(text: str, name: str = "", *, flat: bool = False) -> QtWidgets.QPushButton:
    b = QtWidgets.QPushButton(text)
    b.setAutoDefault(False)  # Enter submits the page's primary button only
    b.setAccessibleName(text.rstrip("…"))
    if name:
        b.setObjectName(name)
    if flat:
        b.setFlat(True)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def _line(name: str, *, password: bool = False, placeholder: str = "") -> QtWidgets.QLineEdit:
    e = QtWidgets.QLineEdit()
    e.setAccessibleName(name)
    if password:
        e.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
    if placeholder:
        e.setPlaceholderText(placeholder)
    return e


class Notice(QtWidgets.QLabel):
    """An inline message box; ``kind`` is one of KINDS. Hidden while empty.

    Its look is its own style sheet (set again on every change, so padding and
    border are measured anew); :meth:`set_theme` gives the colours.
    """

    def __init__(self, name: str, accessible: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self._css = notice_css(themes.LIGHT)
        self.hide()

    def set_theme(self, t: themes.Theme) -> None:
        self._css = notice_css(t)
        if self.kind:
            self.setStyleSheet(self._css[self.kind])

    def say(self, text: str, kind: str = "info") -> None:
        assert kind in KINDS
        self.kind = kind if text else ""
        self.setProperty("kind", self.kind)
        if self.kind:
            self.setStyleSheet(self._css[self.kind])
        self.setText(text)
        self.setVisible(bool(text))


class Page(QtWidgets.QWidget):
    """One step of the dialog. ``submitted`` when the primary button is pressed (or Enter).

    ``back`` (when the page has one) asks the dialog to go back or close.
    """

    submitted = QtCore.Signal()
    back = QtCore.Signal()
    content_changed = QtCore.Signal()  # a message or the busy row came or went: re-fit

    key = ""

    def __init__(self, heading: str, primary: str = "", *, back: str = "Back",
                 danger: bool = False) -> None:
        super().__init__()
        self.setObjectName(f"page_{self.key}")
        self.heading = QtWidgets.QLabel(heading)
        self.heading.setObjectName("accountHeading")
        self.heading.setAccessibleName("Heading")
        self.heading.setWordWrap(True)
        self.intro = QtWidgets.QLabel()
        self.intro.setObjectName("accountIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.hide()
        self.notice = Notice("accountNotice", "Notice")
        self.error = Notice("accountError", "Problem")
        self.form = QtWidgets.QFormLayout()
        self.form.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(6)
        self.form.setContentsMargins(0, 4, 0, 0)
        self.links = QtWidgets.QHBoxLayout()
        self.links.setSpacing(14)
        self.links.setContentsMargins(0, 0, 0, 0)
        self.inputs: list[QtWidgets.QWidget] = []
        self._busy = False

        self.busy_bar = QtWidgets.QProgressBar()
        self.busy_bar.setObjectName("accountBusyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedSize(64, 6)
        self.busy_label = QtWidgets.QLabel()
        self.busy_label.setObjectName("accountBusy")
        self.busy_label.setAccessibleName("Working")
        self.cancel_button = _button("Cancel", "cancelButton")
        self.cancel_button.setToolTip("Stop waiting (Esc)")
        self.cancel_button.hide()
        self.back_button = _button(back, "backButton") if back else None
        self.primary = _button(primary, "dangerButton" if danger else "primaryButton") \
            if primary else None

        busy_row = QtWidgets.QHBoxLayout()
        busy_row.setContentsMargins(0, 0, 0, 0)
        busy_row.setSpacing(10)
        busy_row.addWidget(self.busy_bar, 0, Qt.AlignmentFlag.AlignVCenter)
        busy_row.addWidget(self.busy_label, 1)
        self.busy_label.setWordWrap(True)
        self.busy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.busy_label.hide()
        self.busy_bar.hide()
        bottom = QtWidgets.QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.setSpacing(8)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        if self.back_button is not None:
            bottom.addWidget(self.back_button)
            self.back_button.clicked.connect(self.back.emit)
        if self.primary is not None:
            bottom.addWidget(self.primary)
            self.primary.clicked.connect(self.submitted.emit)

        self.body = QtWidgets.QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(10)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)
        outer.addWidget(self.heading)
        outer.addWidget(self.intro)
        outer.addWidget(self.notice)
        outer.addLayout(self.body)
        self.body.addLayout(self.form)
        outer.addWidget(self.error)
        outer.addLayout(self.links)
        outer.addLayout(busy_row)
        outer.addSpacing(6)
        outer.addLayout(bottom)

    # ------------------------------------------------------------ building
    def add_field(self, label: str, widget: QtWidgets.QWidget) -> None:
        lab = QtWidgets.QLabel(label)
        lab.setObjectName("fieldLabel")
        lab.setBuddy(widget)
        self.form.addRow(lab, widget)
        self.inputs.append(widget)

    def add_link(self, text: str, name: str) -> QtWidgets.QPushButton:
        b = _button(text, name, flat=True)
        b.setProperty("link", True)
        self.links.addWidget(b)
        self.inputs.append(b)
        return b

    def finish_links(self) -> None:
        self.links.addStretch(1)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))
        self.content_changed.emit()

    # ------------------------------------------------------------- states
    def say(self, text: str, kind: str = "error") -> None:
        """An inline message: errors below the form, anything else above it."""
        if kind == "error":
            self.error.say(text, "error")
        else:
            self.notice.say(text, kind)
        self.content_changed.emit()

    def clear_error(self) -> None:
        self.error.say("")
        self.content_changed.emit()

    def clear(self) -> None:
        self.error.say("")
        self.notice.say("")
        self.content_changed.emit()

    def set_theme(self, t: themes.Theme) -> None:
        self.error.set_theme(t)
        self.notice.set_theme(t)
        for fields in self.findChildren(PasswordFields):
            fields.set_colors(_tones(t)["success"][2], t.muted)

    @property
    def busy(self) -> bool:
        return self._busy

    def set_busy(self, text: str | None) -> None:
        """``text``: what is happening ("Signing in…"); None: editable again."""
        on = text is not None
        self._busy = on
        for w in self.inputs:
            w.setEnabled(not on)
        if self.primary is not None:
            self.primary.setEnabled(not on)
            self.primary.setVisible(not on)
        if self.back_button is not None:
            self.back_button.setVisible(not on)
        self.busy_label.setText(text or "")
        self.busy_label.setVisible(on)
        self.busy_bar.setVisible(on)
        self.cancel_button.setVisible(on)
        if on:
            self.clear_error()
            self.cancel_button.setFocus()
        else:
            self.focus_first()
        self.content_changed.emit()

    def focus_first(self) -> None:
        """Focus the first empty field (or the first field)."""
        edits = [w for w in self.inputs if isinstance(w, QtWidgets.QLineEdit) and w.isEnabled()]
        for e in edits:
            if not e.text():
                e.setFocus()
                return
        if edits:
            edits[-1].setFocus()
            edits[-1].selectAll()
        elif self.primary is not None:
            self.primary.setFocus()


class PasswordFields(QtCore.QObject):
    """A new password typed twice (two rows of ``page``), checked live against the policy."""

    changed = QtCore.Signal()

    def __init__(self, page: Page, label: str = "Password") -> None:
        super().__init__(page)
        self.policy = PasswordPolicy()
        self.password = _line(label, password=True)
        self.repeat = _line(f"Repeat {label.lower()}", password=True)
        self.rules = QtWidgets.QLabel()
        self.rules.setObjectName("policyRules")
        self.rules.setAccessibleName("Password rules")
        self.rules.setWordWrap(True)
        self.rules.setTextFormat(Qt.TextFormat.RichText)
        self.colors = {"ok": "#1a7f37", "missing": "#6b7382"}
        self.page = page
        page.add_field(label, self.password)
        page.add_field(f"Repeat {label.lower()}", self.repeat)
        page.form.addRow(self.rules)
        for e in (self.password, self.repeat):
            e.textChanged.connect(self._update)
            e.textChanged.connect(lambda _t: self.changed.emit())
        self._update()

    def set_policy(self, policy: PasswordPolicy) -> None:
        self.policy = policy
        self._update()

    def set_colors(self, ok: str, missing: str) -> None:
        self.colors = {"ok": ok, "missing": missing}
        self._update()

    def clear(self) -> None:
        self.password.clear()
        self.repeat.clear()

    def problem(self) -> str | None:
        """What keeps this password from being sent (None: it can be sent)."""
        pw = self.password.text()
        unmet = self.policy.unmet(pw)
        if not pw:
            return "Choose a password. " + self.policy.describe()
        if unmet:
            return "The password needs " + ", ".join(unmet) + "."
        if pw != self.repeat.text():
            return "The two passwords differ: type the same password twice."
        return None

    def _update(self) -> None:
        pw = self.password.text()
        unmet = set(self.policy.unmet(pw))
        lines = []
        for rule in self.policy.rules():
            ok = bool(pw) and rule not in unmet
            mark, color = ("✓", self.colors["ok"]) if ok else ("•", self.colors["missing"])
            lines.append(f'<span style="color:{color}">{mark}&nbsp;{html.escape(rule)}</span>')
        if "no spaces at the start or end" in unmet:
            lines.append(f'<span style="color:{self.colors["missing"]}">•&nbsp;no spaces at '
                         "the start or end</span>")
        if pw and self.repeat.text() and pw != self.repeat.text():
            lines.append(f'<span style="color:{self.colors["missing"]}">•&nbsp;the same '
                         "password typed twice</span>")
        text = "The server asks for:<br>" + "<br>".join(lines)
        if text != self.rules.text():
            self.rules.setText(text)
            self.page.content_changed.emit()


# ====================================================================== pages


class ServerPage(Page):
    key = "server"

    def __init__(self) -> None:
        super().__init__("Connect to an Aurora server", "Continue", back="Close")
        self.set_intro("An Aurora account keeps your calendars in sync across your computers "
                       "and sends reminders by email. Type the address of your Aurora server "
                       "(its API address, as your administrator gave it to you).")
        self.url = _line("Server address", placeholder="https://api.example.com")
        self.add_field("Server address", self.url)


class _ServerLine(QtWidgets.QWidget):
    """"Server: https://… · Use another server" at the top of the sign-in forms."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("serverLine")
        self.label.setAccessibleName("Server")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                 QtWidgets.QSizePolicy.Policy.Preferred)
        self.change = _button("Use another server", "changeServer", flat=True)
        self.change.setProperty("link", True)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.change)
        page.inputs.append(self.change)

    def set_server(self, url: str) -> None:
        self.label.setText(f"Server: {url}")
        self.label.setToolTip(url)


class SignInPage(Page):
    key = "sign_in"

    def __init__(self) -> None:
        super().__init__("Sign in to your Aurora account", "Sign in", back="Close")
        self.server_line = _ServerLine(self)
        self.body.insertWidget(0, self.server_line)
        self.email = _line("Email", placeholder="you@example.com")
        self.password = _line("Password", password=True)
        self.add_field("Email", self.email)
        self.add_field("Password", self.password)
        self.forgot_link = self.add_link("Forgot your password?", "forgotLink")
        self.create_link = self.add_link("Create an account", "createLink")
        self.finish_links()


class SignUpPage(Page):
    key = "sign_up"

    def __init__(self) -> None:
        super().__init__("Create an Aurora account", "Create account")
        self.server_line = _ServerLine(self)
        self.body.insertWidget(0, self.server_line)
        self.email = _line("Email", placeholder="you@example.com")
        self.add_field("Email", self.email)
        self.passwords = PasswordFields(self)
        self.set_intro("Aurora will email you a code to confirm the address.")


class ConfirmPage(Page):
    key = "confirm"

    def __init__(self) -> None:
        super().__init__("Confirm your email address", "Confirm")
        self.email = _line("Email", placeholder="you@example.com")
        self.code = _line("Code", placeholder="6 digits")
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
        self.email = _line("Email", placeholder="you@example.com")
        self.add_field("Email", self.email)
        self.have_code = self.add_link("I already have a code", "haveCodeLink")
        self.finish_links()


class ResetPage(Page):
    key = "reset"

    def __init__(self) -> None:
        super().__init__("Choose a new password", "Set password")
        self.email = _line("Email")
        self.code = _line("Code", placeholder="6 digits")
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
        b = _button(text, name or "actionButton")
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
        self.current = _line("Current password", password=True)
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
        self.typed = _line("Type your email address to confirm")
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


# ====================================================================== style


def _tones(t: themes.Theme) -> dict[str, tuple[str, str, str]]:
    """kind -> (background, border, text) of a notice, readable in light and dark."""
    surface = QtGui.QColor(t.surface)

    def tint(color: str, amount: float) -> str:
        return themes.mix(surface, QtGui.QColor(color), amount).name()

    return {
        "error": (tint("#e5484d", 0.16 if t.dark else 0.08), tint("#e5484d", 0.5),
                  "#ffb3b3" if t.dark else "#b42318"),
        "warning": (tint("#f5a524", 0.14 if t.dark else 0.12), tint("#f5a524", 0.5),
                    "#f8d58f" if t.dark else "#7a4a00"),
        "info": (tint(t.accent, 0.14 if t.dark else 0.07), tint(t.accent, 0.4), t.text),
        "success": (tint("#30a46c", 0.16 if t.dark else 0.1), tint("#30a46c", 0.5),
                    "#9be4b4" if t.dark else "#17633a"),
    }


def notice_css(t: themes.Theme) -> dict[str, str]:
    return {kind: f"QLabel {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; "
                  f"padding: 8px 10px; color: {fg}; }}"
            for kind, (bg, border, fg) in _tones(t).items()}


def style_sheet(t: themes.Theme) -> str:
    """The dialog's own look on top of the application style (light or dark)."""
    C = QtGui.QColor
    red = _tones(t)["error"][2]
    link = t.selection if t.dark else t.accent
    d = "QDialog#accountDialog"
    return f"""
{d} {{ background: {t.window}; }}
{d} QLabel#accountHeading {{ font-size: 17px; font-weight: 600; color: {t.text}; }}
{d} QLabel#accountIntro, {d} QLabel#serverLine, {d} QLabel#actionHelp,
{d} QLabel#accountBusy, {d} QLabel#policyRules, {d} QLabel#deleteExplain {{ color: {t.muted}; }}
{d} QLabel#accountWho {{ font-size: 14px; font-weight: 600; color: {t.text}; }}
{d} QLabel#doneText {{ color: {t.text}; }}
{d} QLabel#fieldLabel {{ color: {t.text}; font-weight: 600; }}
{d} QLineEdit {{ border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 6px 8px;
    background: {t.surface}; color: {t.text}; }}
{d} QLineEdit:focus {{ border: 1px solid {t.accent}; }}
{d} QLineEdit:disabled {{ color: {t.muted}; background: {t.surface_alt}; }}
{d} QPushButton {{ border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 6px 14px;
    background: {t.surface}; color: {t.text}; }}
{d} QPushButton:hover {{ background: {t.grid}; }}
{d} QPushButton:disabled {{ color: {t.muted}; }}
{d} QPushButton#primaryButton {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
{d} QPushButton#primaryButton:hover {{
    background: {themes.mix(C(t.accent), C(t.text), 0.12).name()}; }}
{d} QPushButton#dangerButton {{ background: #d93036; color: #ffffff; border: 1px solid #d93036;
    font-weight: 600; }}
{d} QPushButton#dangerButton:hover {{ background: #b8262b; }}
{d} QPushButton#primaryButton:disabled, {d} QPushButton#dangerButton:disabled {{
    background: {t.grid}; border: 1px solid {t.grid_strong}; color: {t.muted}; }}
{d} QPushButton#dangerLink {{ color: {red}; }}
{d} QPushButton[link="true"] {{ border: none; background: transparent; padding: 2px 0;
    color: {link}; text-align: left; }}
{d} QPushButton[link="true"]:hover {{ text-decoration: underline; }}
{d} QPushButton[link="true"]:disabled {{ color: {t.muted}; }}
{d} QProgressBar#accountBusyBar {{ border: none; border-radius: 3px; background: {t.grid}; }}
{d} QProgressBar#accountBusyBar::chunk {{ background: {t.accent}; border-radius: 3px; }}
"""
