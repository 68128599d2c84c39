"""The composition root: one factory for every front end of a data folder.

:func:`open_desktop` puts a data folder's parts together (the calendar database,
the settings, the account service); the window (:func:`build`, :func:`run_app`)
and every ``aurora`` command use it, so only this module knows where the database
file is and how the account service is made. Its parts are made when first asked
for: ``aurora list`` reaches no account, ``aurora account status`` opens no
database, and nothing here imports Qt until the window (or the settings) is built.

No module-level state: everything is made here and handed down.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from aurora_core.model import ValidationError
from aurora_desktop.store import Store, StoreError
from aurora_desktop.store.base import StoreDamaged, _environment_error

if TYPE_CHECKING:  # the window's parts import Qt: made only by build() and run_app()
    from aurora_desktop.auth import AccountService
    from aurora_desktop.qt import QtCore, QtWidgets
    from aurora_desktop.settings import Settings
    from aurora_desktop.ui.account import AccountUi
    from aurora_desktop.ui.main_window import MainWindow
    from aurora_desktop.ui.subscriptions import SubscriptionsUi
    from aurora_desktop.ui.sync_install import SyncUi

log = logging.getLogger("aurora.app")

DB_FILE = "aurora.sqlite3"
SETTINGS_FILE = "settings.ini"


def default_data_dir() -> Path:
    """$AURORA_DATA_DIR, else the platform's data folder for Aurora Time."""
    import os

    env = os.environ.get("AURORA_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("aurora-time", appauthor=False))


class Desktop:
    """One data folder's calendar, settings and account, put together one way for the
    window and for every command. Each part is made when first asked for; ``close()``
    (or ``with``) closes what was opened."""

    def __init__(self, data_dir: Path, *, for_reading: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.for_reading = for_reading
        self._store: Store | None = None
        self._accounts: AccountService | None = None
        self._settings: Settings | None = None

    @property
    def database(self) -> Path:
        """The calendar database file (tests and the damaged-file box name it)."""
        return self.data_dir / DB_FILE

    @property
    def store(self) -> Store:
        """The calendar, opened on first use (raises StoreError)."""
        if self._store is None:
            self._store = self.open_store()
        return self._store

    def open_store(self) -> Store:
        """A new connection to the calendar (each thread has its own). ``for_reading``
        (commands that only read: list, export): as usual when it can be written, else
        read-only (a read-only folder or file: a backup, another user's data)."""
        try:
            return Store(self.database)
        except StoreError:
            if not self.for_reading or not self.database.is_file():
                raise
            return Store(self.database, read_only=True)

    def accounts(self, *, window: bool = False) -> AccountService:
        """The account service of this folder (made once). ``window``: with no secure
        store the window may sign in for this run only; the command line refuses."""
        if self._accounts is None:
            from aurora_desktop.auth import account_service

            self._accounts = account_service(self.data_dir, window=window)
        return self._accounts

    @property
    def settings(self) -> Settings:
        """The settings kept next to the calendar (``settings.ini``; imports Qt)."""
        if self._settings is None:
            self._settings = settings_for(self.data_dir)
        return self._settings

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Desktop:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_desktop(data_dir: Path, *, for_reading: bool = False) -> Desktop:
    """The parts of the data folder ``data_dir`` (see :class:`Desktop`); ``for_reading``
    for a front end that only reads. Nothing is opened until asked for."""
    return Desktop(data_dir, for_reading=for_reading)


@dataclass
class App:
    """Everything the running application is made of."""

    qapp: QtWidgets.QApplication
    store: Store
    settings: Settings
    window: MainWindow
    services: list[object]
    data_dir: Path | None = None
    account: AccountUi | None = None
    sync: SyncUi | None = None
    subscriptions: SubscriptionsUi | None = None
    desktop: Desktop | None = None

    def shutdown(self) -> None:
        """Close the window and the store in order (Qt objects before the interpreter exits)."""
        from aurora_desktop.qt import QtCore

        for svc in reversed(self.services):
            stop = getattr(svc, "stop", None) or getattr(svc, "close", None)
            if callable(stop):
                stop()
        self.window.hide_on_close = lambda: False
        self.window.close()
        self.window.deleteLater()
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
        self.store.close()


def make_qapp(argv: list[str]) -> QtWidgets.QApplication:
    from aurora_desktop.qt import QtCore, QtGui, QtWidgets
    from aurora_desktop.resources import resource

    existing = QtWidgets.QApplication.instance()
    if isinstance(existing, QtWidgets.QApplication):
        return existing
    QtCore.QCoreApplication.setOrganizationName("Aurora")
    QtCore.QCoreApplication.setApplicationName("Aurora Time")
    QtGui.QGuiApplication.setDesktopFileName("aurora-time")
    qapp = QtWidgets.QApplication(argv)
    icon = resource("aurora-time.svg")
    if icon.exists():
        qapp.setWindowIcon(QtGui.QIcon(str(icon)))
    return qapp


def settings_for(data_dir: Path, qsettings: QtCore.QSettings | None = None) -> Settings:
    """The settings kept next to the calendar (``settings.ini``), or in ``qsettings``."""
    from aurora_desktop.qt import QtCore
    from aurora_desktop.settings import Settings

    if qsettings is None:
        qsettings = QtCore.QSettings(str(Path(data_dir) / SETTINGS_FILE),
                                     QtCore.QSettings.Format.IniFormat)
    return Settings(qsettings)


def apply_startup_theme(qapp: QtWidgets.QApplication, data_dir: Path) -> None:
    """The app's theme and font (the user's light/dark/system choice) on the whole
    application, for what shows before the window does (it applies them again): the
    damaged-database and read-only boxes look like the rest of Aurora Time."""
    from aurora_desktop.ui import theme

    theme.apply(qapp, theme.resolve(str(settings_for(data_dir).get("ui/theme"))))


def build(data_dir: Path, argv: list[str], qsettings: QtCore.QSettings | None = None, *,
          services: bool = True) -> App:
    """Build the app without running it (tests and benches use this). Raises StoreError.

    ``services=False`` leaves the account, sync and subscriptions to
    :func:`install_services`: run_app installs them once the window has been
    painted (start-up time, docs/performance.md).
    """
    from aurora_desktop.systemzone import display_zone
    from aurora_desktop.ui.main_window import MainWindow
    from aurora_desktop.ui.store_watch import install_store_watch

    qapp = make_qapp(argv)
    desktop = open_desktop(data_dir)
    settings = desktop.settings if qsettings is None else settings_for(data_dir, qsettings)
    store = desktop.store
    try:
        window = MainWindow(store, settings, zone=display_zone(settings.get("ui/time_zone")))
    except sqlite3.DatabaseError as exc:  # the first view read a page that cannot be read
        desktop.close()
        err = _environment_error(exc, store.path)
        if err is None:
            raise
        raise err from None
    app = App(qapp, store, settings, window, services=[], data_dir=desktop.data_dir,
              desktop=desktop)
    if services:
        install_services(app)
    # Other writers (aurora import, another window's sync) show within half a second.
    app.services.append(install_store_watch(store, window))
    return app


def install_services(app: App) -> None:
    """The account, sync and subscriptions, handed the window (they live as long as the app:
    each is appended to app.services). Imported here: none is needed to show the window."""
    from aurora_desktop.ui.account import install_account
    from aurora_desktop.ui.subscriptions import install_subscriptions
    from aurora_desktop.ui.sync_install import install_sync

    if app.account is not None:
        return
    desktop = app.desktop or open_desktop(app.data_dir or Path(app.store.path).parent)
    data_dir = desktop.data_dir
    # status button, File → Account…
    app.account = install_account(app, data_dir, service=desktop.accounts(window=True))
    app.sync = install_sync(app, data_dir, app.account)  # indicator, View → Sync now
    # File → Subscribe to calendar…, View → Refresh subscriptions (refreshing: run_app)
    app.subscriptions = install_subscriptions(app, data_dir)


def install_excepthook(window: MainWindow) -> None:
    """A bug (an exception nobody caught) is logged whole and shown as a short message."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)  # type: ignore[arg-type]
            return
        log.error("unexpected error", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
        if isinstance(exc, sqlite3.DatabaseError):  # a read hit a page that cannot be read
            exc = _environment_error(exc, window.store.path) or exc
        if isinstance(exc, StoreDamaged):  # the next start checks it (store.mark_for_check)
            text = (f"{exc}. Quit Aurora Time and start it again: it will offer to set the "
                    "damaged file aside, kept for a rescue, and start fresh.")
        elif isinstance(exc, StoreError | ValidationError):
            text = str(exc)
        else:
            text = (f"Something went wrong ({kind.__name__}: {exc}). Your calendar is safe; "
                    "the details were written to the log.")
        try:
            window.report_error(text)
        except RuntimeError:  # the window is gone
            previous(kind, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = hook


def run_app(data_dir: Path, argv: list[str]) -> int:
    """Run the desktop app on the store in ``data_dir``; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # Imported here, not at the top: build() (tests, benches) needs none of it, and
    # APScheduler's import alone is ~0.1 s of start-up.
    from aurora_desktop.qt import QtWidgets
    from aurora_desktop.shell import (
        claim_single_instance,
        connect_single_instance,
        install_reminders,
        start_hidden,
    )
    from aurora_desktop.ui import theme
    from aurora_desktop.ui.first_paint import after_first_paint

    make_qapp(argv)
    instance = claim_single_instance(Path(data_dir), argv)
    if instance is None:
        return 0  # Aurora Time already runs on this data: it was brought forward
    try:
        app = build(Path(data_dir), argv, services=False)
    except StoreError as exc:
        # Damaged: move it aside and start fresh, or open its folder; read-only: say so.
        from aurora_desktop.ui.open_failure import handle_open_failure

        apply_startup_theme(make_qapp(argv), Path(data_dir))  # no window yet to theme it
        kept = handle_open_failure(exc, open_desktop(data_dir).database)
        if kept is None:
            return 1
        try:
            app = build(Path(data_dir), argv, services=False)
        except StoreError as again:
            QtWidgets.QMessageBox.critical(None, "Aurora Time", f"Cannot open the calendar: {again}")
            return 1
        app.window.show_message(f"Started an empty calendar; the damaged one is kept as "
                                f"{kept.name}", 60_000)
    install_excepthook(app.window)
    # Reminders, tray and single instance: here, not in build(), so tests
    # and benches that build the window get no timers, tray or socket.
    app.services.append(instance)
    connect_single_instance(instance, app.window)

    def start_services() -> None:
        install_services(app)
        reminders = install_reminders(app, Path(data_dir))
        if app.sync is not None:
            # Right before a reminder is due, a stale pull is refreshed (dismissed elsewhere?).
            def next_reminder() -> datetime | None:
                upcoming = reminders.engine.upcoming(1)
                return upcoming[0].due if upcoming else None

            app.sync.controller.next_reminder = next_reminder
            app.sync.start()
        if app.subscriptions is not None:
            app.subscriptions.start()  # at start-up, then hourly (a setting), off the GUI thread

    if start_hidden(argv):  # in the tray only: nothing to paint first
        theme.install_dialog_polish(app.qapp)
        start_services()
    else:
        # The window first (the user sees the calendar sooner), then the account, sync,
        # subscriptions, reminders and tray; at the latest after 2 s.
        app.window.show()
        after_first_paint(app.window, start_services, at_latest_ms=2000)
    try:
        return app.qapp.exec()
    finally:
        app.shutdown()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd(), sys.argv))
