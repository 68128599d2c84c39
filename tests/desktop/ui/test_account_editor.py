"""Reminders by email need an Aurora account: the editor says so while the user is signed out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aurora_core.model import Reminder
from aurora_desktop.auth import AccountStatus
from aurora_desktop.qt import QtWidgets
from aurora_desktop.ui.account import AccountUi
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.accounts import MemoryKeyring, install, keyring_backend


@pytest.fixture
def account(qtbot, window: MainWindow, tmp_path: Path, settings) -> Iterator[AccountUi]:  # type: ignore[no-untyped-def]
    with keyring_backend(MemoryKeyring()):
        yield install(qtbot, window, tmp_path / "data", settings)


def _choose_email(editor: EventEditor) -> None:
    for r in list(editor.reminder_rows):
        editor._remove_reminder(r)
    editor.add_reminder.click()
    row = editor.reminder_rows[-1]
    row.channel.setCurrentIndex(row.channel.findData("email"))


def test_choosing_email_while_signed_out_says_emails_are_sent_once_signed_in(
        qtbot, window: MainWindow, store, account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    assert account.button.text() == "Not signed in"
    seen: dict[str, object] = {}

    def fill(editor: EventEditor) -> str:
        editor.show()
        qtbot.waitExposed(editor)
        editor.title.setText("Dentist")
        assert not editor.email_notice.isVisible()  # a notification reminder needs no account
        _choose_email(editor)
        QtWidgets.QApplication.processEvents()
        seen["notice"] = editor.email_notice.text() if editor.email_notice.isVisible() else ""
        editor.reminder_rows[-1].channel.setCurrentIndex(0)  # back to a notification: quiet
        seen["after_notification"] = editor.email_notice.isVisible()
        editor.reminder_rows[-1].channel.setCurrentIndex(1)
        assert editor.save_button.isEnabled()
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    assert "sent once you sign in to an Aurora account" in str(seen["notice"])
    assert "kept" in str(seen["notice"])
    assert seen["after_notification"] is False
    # It is saved all the same: the reminder waits for the sign-in.
    [ev] = store.search("Dentist")
    assert ev.reminders == (Reminder(15, "email"),)


def test_signed_in_an_email_reminder_needs_no_notice(qtbot, window: MainWindow,
                                                     account: AccountUi) -> None:  # type: ignore[no-untyped-def]
    account._set_status(AccountStatus(True, "ada@example.com", "https://api.example.com", "s1",
                                      remembered=True))
    assert account.button.text() == "Signed in as ada@example.com"
    ed = window.event_actions.make_editor()
    ed.show()
    _choose_email(ed)
    assert not ed.email_notice.isVisible()
    ed.close()


def test_an_editor_that_knows_nothing_of_accounts_says_nothing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.account_signed_in is None
    ed = window.event_actions.make_editor()
    ed.show()
    _choose_email(ed)
    assert not ed.email_notice.isVisible()
    ed.close()
