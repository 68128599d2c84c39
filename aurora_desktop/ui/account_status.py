"""The account's status in words: the status-bar button, and the "no secure store" warning."""

from __future__ import annotations

from aurora_desktop.auth import AccountStatus
from aurora_desktop.qt import Qt, QtWidgets

__all__ = ["AccountStatusButton", "status_text", "store_warning"]


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
