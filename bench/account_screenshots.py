"""Screenshots of the account dialog, the status-bar button and the editor's email notice.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/account_screenshots.py [OUT_DIR]

Every page of the account dialog in the states a user sees (busy, an error,
the warning when the computer has no secure store), light and dark, as
``account-<page>-<theme>.png`` in OUT_DIR (docs/screenshots). No server is
needed: the pages are put in each state directly, with the sentences the
account service really uses. Also ``account-window-*.png`` (the dialog over
the window, the status button at the bottom right) and
``account-editor-email-*.png`` (the editor while signed out).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ui_data import fill_demo  # noqa: E402
from ui_screenshots import settle  # noqa: E402

from aurora_core.model import Reminder, get_zone  # noqa: E402
from aurora_core.times import DisplayZone  # noqa: E402
from aurora_desktop.app import make_qapp  # noqa: E402
from aurora_desktop.auth import (  # noqa: E402
    AccountService,
    AccountStatus,
    MemorySecrets,
    PasswordPolicy,
    ServerInfo,
)
from aurora_desktop.auth.errors import from_cognito  # noqa: E402
from aurora_desktop.auth.secrets import INSTALL_HINT  # noqa: E402
from aurora_desktop.qt import QtCore, QtGui, QtWidgets  # noqa: E402
from aurora_desktop.settings import Settings  # noqa: E402
from aurora_desktop.store import Store  # noqa: E402
from aurora_desktop.ui import theme  # noqa: E402
from aurora_desktop.ui.account import install_account  # noqa: E402
from aurora_desktop.ui.account_dialog import AccountDialog  # noqa: E402
from aurora_desktop.ui.main_window import MainWindow  # noqa: E402

TZ = "Europe/Berlin"
URL = "https://api.aurora-time.example"
EMAIL = "ada.lovelace@example.com"
SERVER = ServerInfo(URL, "eu-central-1", "eu-central-1_Example", "example-client",
                    "https://cognito-idp.eu-central-1.amazonaws.com",
                    PasswordPolicy(10, require_lowercase=True, require_uppercase=True,
                                   require_numbers=True))
SIGNED_IN = AccountStatus(True, EMAIL, URL, "sub-1", remembered=True)
NO_STORE = f"this computer has no secure store for passwords; {INSTALL_HINT}"


def grab(app: QtWidgets.QApplication, widget: QtWidgets.QWidget, path: Path) -> None:
    settle(app)
    widget.repaint()
    settle(app, 3)
    screen = widget.screen() or QtGui.QGuiApplication.primaryScreen()
    pm = screen.grabWindow(widget.winId())
    if pm.isNull() or pm.width() < 10:  # offscreen platforms cannot grab the screen
        pm = widget.grab()
    pm.save(str(path))
    print("wrote", path)


def grab_area(app: QtWidgets.QApplication, rect: QtCore.QRect, path: Path) -> None:
    settle(app)
    screen = QtGui.QGuiApplication.primaryScreen()
    screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height()).save(str(path))
    print("wrote", path)


def type_password(fields: object, text: str, repeat: str | None = None) -> None:
    fields.password.setText(text)  # type: ignore[attr-defined]
    fields.repeat.setText(text if repeat is None else repeat)  # type: ignore[attr-defined]


def dialog_pages(app: QtWidgets.QApplication, d: AccountDialog, out: Path, name: str) -> None:
    def shot(page: str) -> None:
        grab(app, d, out / f"account-{page}-{name}.png")

    d.server = None
    d.show_server()
    d.server_page.url.setText("https://api.aurora-time.example")
    shot("server")
    d.server_page.set_busy(f"Connecting to {URL}…")
    shot("server-busy")
    d.server_page.set_busy(None)
    d.server_page.say(f"Cannot reach the Aurora server at {URL}. Check the address and your "
                      "connection, then try again.")
    shot("server-error")

    d.server = SERVER
    d.show_sign_in(email=EMAIL)
    d.sign_in_page.password.setText("not-my-password")
    d.sign_in_page.say(from_cognito("NotAuthorizedException", "Incorrect username or password.",
                                    operation="InitiateAuth").message)
    shot("sign-in-error")
    d.status = AccountStatus(False, secure_store_problem=NO_STORE)
    d.show_sign_in(email=EMAIL)
    shot("sign-in-no-store")
    d.status = AccountStatus(False)

    d.show_sign_up(EMAIL)
    type_password(d.sign_up_page.passwords, "horse42", "horse4")
    shot("sign-up")
    d.sign_up()  # the policy is checked before anything is sent
    shot("sign-up-weak")

    d.show_confirm(EMAIL, "Account created. Aurora sent a code to a***@e***: type it below to "
                          "confirm the address.", "success")
    d.confirm_page.code.setText("123456")
    d.confirm_page.say(from_cognito("CodeMismatchException", "").message)
    shot("confirm")

    d.show_forgot(EMAIL)
    shot("forgot")
    d.show_reset(EMAIL, "a***@e***")
    d.reset_page.code.setText("482913")
    type_password(d.reset_page.passwords, "Winter-Sunrise-2026")
    shot("reset")

    d.status = SIGNED_IN
    d.show_account()
    shot("signed-in")
    d.status = AccountStatus(True, EMAIL, URL, "sub-1", remembered=False,
                             secure_store_problem=NO_STORE)
    d.show_account()
    shot("signed-in-no-store")
    d.status = SIGNED_IN

    d.show_change_password()
    d.change_page.current.setText("Correct-Horse-42")
    type_password(d.change_page.passwords, "Winter-Sunrise-2026")
    d.change_page.say(from_cognito("NotAuthorizedException", "", operation="ChangePassword")
                      .message)
    shot("change-password")

    d.show_delete()
    d.delete_page.typed.setText(EMAIL)
    shot("delete")
    d.delete_page.set_busy("Deleting the account and its data on the server…")
    shot("delete-busy")
    d.delete_page.set_busy(None)
    d.done_page.show_result(
        "Account deleted",
        f"The Aurora account {EMAIL} and its data on {URL} were deleted. The calendars on this "
        "computer stay on this computer; you can keep using Aurora Time without an account.")
    d.go("done")
    shot("deleted")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp(sys.argv[:1])
    # The app's own typeface and size, as users see it (docs/dialogs.md).
    theme.install_font(app)
    zone = get_zone(TZ)
    today = date.today()
    now = datetime.combine(today, time(14, 20), zone)
    tmp = Path(tempfile.mkdtemp(prefix="aurora-account-shots-"))
    store = Store(tmp / "aurora.sqlite3")
    fill_demo(store, today, TZ)
    for name in ("light", "dark"):
        qs = QtCore.QSettings(str(tmp / f"settings-{name}.ini"), QtCore.QSettings.Format.IniFormat)
        settings = Settings(qs)
        settings.set("ui/theme", name)
        settings.set("ui/week_start", 1)
        settings.set("ui/clock_24h", "24")
        w = MainWindow(store, settings, zone=DisplayZone(TZ, zone), now=lambda: now)
        w.resize(1280, 800)
        w.move(0, 0)
        service = AccountService(tmp / f"account-{name}", MemorySecrets())
        ui = install_account(SimpleNamespace(window=w, settings=settings, services=[]),
                             tmp, service=service)
        w.show()
        settle(app)
        ui._set_status(SIGNED_IN)
        d = AccountDialog(service, SIGNED_IN, w)
        d.apply_theme(ui.theme_of())
        d.show()
        dialog_pages(app, d, out, name)
        # The dialog over the window, the status button at the bottom right.
        d.show_account()
        settle(app)
        grab_area(app, w.frameGeometry(), out / f"account-window-{name}.png")
        d.close()
        # The editor, signed out, with an email reminder.
        ui._set_status(AccountStatus(False))
        ed = w.event_actions.make_editor(start=datetime.combine(today, time(15)),
                           end=datetime.combine(today, time(16)))
        ed.title.setText("Dentist")
        ed._add_reminder(Reminder(60, "email"))
        ed.show()
        grab(app, ed, out / f"account-editor-email-{name}.png")
        ed.close()
        w.close()
        w.deleteLater()
        settle(app)
    store.close()


if __name__ == "__main__":
    main()
