"""File → Subscribe to calendar…: the address (and an optional name) of a calendar to follow.

The dialog never touches the network itself: *Subscribe* hands the address to
``start(url, name)`` (the subscriptions UI fetches it off the GUI thread) and
shows "Fetching…" until it hears back through :meth:`failed` (the reason,
inline; the dialog stays open with what was typed) or :meth:`succeeded`.
"""

from __future__ import annotations

from collections.abc import Callable

from aurora_desktop.qt import QtWidgets
from aurora_desktop.subscriptions.fetch import FetchError, normalise_url

__all__ = ["SubscribeDialog"]


class SubscribeDialog(QtWidgets.QDialog):
    def __init__(self, start: Callable[[str, str | None], object],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Subscribe to calendar")
        self.setAccessibleName(self.windowTitle())
        self.setObjectName("subscribeDialog")
        self.setMinimumWidth(520)
        self._start = start
        self.busy = False
        intro = QtWidgets.QLabel(
            "Follow a calendar published on the web: holidays, sports fixtures, a team's "
            "shared calendar. It stays read-only here and is refreshed every hour.")
        intro.setWordWrap(True)
        self.url = QtWidgets.QLineEdit()
        self.url.setPlaceholderText("https://… or webcal://…")
        self.url.setAccessibleName("Calendar address")
        self.url.setObjectName("subscribeUrl")
        self.name = QtWidgets.QLineEdit()
        self.name.setPlaceholderText("The calendar's own name")
        self.name.setAccessibleName("Name")
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        self.error = QtWidgets.QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.setVisible(False)
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.subscribe_button = self.buttons.addButton(
            "Subscribe", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.subscribe_button.setDefault(True)
        self.buttons.accepted.connect(self._subscribe)
        self.buttons.rejected.connect(self.reject)
        self.url.textChanged.connect(self._changed)
        form = QtWidgets.QFormLayout()
        form.addRow("Address", self.url)
        form.addRow("Name", self.name)
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 16)
        outer.setSpacing(12)
        outer.addWidget(intro)
        outer.addLayout(form)
        outer.addWidget(self.status)
        outer.addWidget(self.error)
        outer.addWidget(self.buttons)
        self._changed()

    def _changed(self) -> None:
        self.subscribe_button.setEnabled(bool(self.url.text().strip()) and not self.busy)
        self.error.setVisible(False)

    def show_problem(self, text: str) -> None:
        self.error.setText(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
        self.error.setVisible(True)
        self.adjustSize()

    def _subscribe(self) -> None:
        if self.busy:
            return
        try:
            normalise_url(self.url.text())
        except FetchError as exc:
            self.show_problem(str(exc))
            return
        self.busy = True
        self.subscribe_button.setEnabled(False)
        self.url.setEnabled(False)
        self.name.setEnabled(False)
        self.status.setText("Fetching the calendar…")
        self._start(self.url.text(), self.name.text().strip() or None)

    def failed(self, reason: str) -> None:
        """The first fetch failed: nothing was added; say why and let the address be fixed."""
        self.busy = False
        self.url.setEnabled(True)
        self.name.setEnabled(True)
        self.status.setText("")
        self.show_problem(f"Not subscribed: {reason}")
        self._changed_keep_error()
        self.url.setFocus()

    def _changed_keep_error(self) -> None:
        self.subscribe_button.setEnabled(bool(self.url.text().strip()))

    def succeeded(self) -> None:
        self.busy = False
        self.accept()
