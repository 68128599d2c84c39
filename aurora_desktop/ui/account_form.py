"""The building blocks of the account dialog's pages: a page, its notices, its fields.

A page shows fields, an inline notice and an inline error, and a busy row
("Signing in…  Cancel") while its operation runs. It never calls the account
service: :class:`aurora_desktop.ui.account_dialog.AccountDialog` reads the fields,
runs the work off the GUI thread and tells the page what happened
(:meth:`Page.say`, :meth:`Page.set_busy`). The pages themselves are in
:mod:`aurora_desktop.ui.account_pages` and :mod:`aurora_desktop.ui.account_sync_pages`.
"""

from __future__ import annotations

import html

from aurora_desktop.auth import PasswordPolicy
from aurora_desktop.qt import Qt, QtCore, QtWidgets
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_style import notice_css, tones

__all__ = ["KINDS", "Notice", "Page", "PasswordFields", "ServerLine", "button", "line_edit"]

KINDS = ("error", "warning", "info", "success")


def button(text: str, name: str = "", *, flat: bool = False) -> QtWidgets.QPushButton:
    b = QtWidgets.QPushButton(text)
    b.setAutoDefault(False)  # Enter submits the page's primary button only
    b.setAccessibleName(text.rstrip("…"))
    if name:
        b.setObjectName(name)
    if flat:
        b.setFlat(True)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


def line_edit(name: str, *, password: bool = False, placeholder: str = "") -> QtWidgets.QLineEdit:
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
        self.cancel_button = button("Cancel", "cancelButton")
        self.cancel_button.setToolTip("Stop waiting (Esc)")
        self.cancel_button.hide()
        self.back_button = button(back, "backButton") if back else None
        self.primary = button(primary, "dangerButton" if danger else "primaryButton") \
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
        b = button(text, name, flat=True)
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
            fields.set_colors(tones(t)["success"][2], t.muted)

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
        self.password = line_edit(label, password=True)
        self.repeat = line_edit(f"Repeat {label.lower()}", password=True)
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


class ServerLine(QtWidgets.QWidget):
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
        self.change = button("Use another server", "changeServer", flat=True)
        self.change.setProperty("link", True)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.change)
        page.inputs.append(self.change)

    def set_server(self, url: str) -> None:
        self.label.setText(f"Server: {url}")
        self.label.setToolTip(url)
