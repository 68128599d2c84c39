"""Signing out of a synced account in the window: keep a copy here (the default) or remove
it; changes not sent yet are said before anything happens. Against the local stack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.ui.main_window import MainWindow
from tests.helpers.accounts import click, error_of, notice_of, open_dialog, submit, type_into
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, make_account
from tests.helpers.synced_window import DialogWatch, SyncedWindow, install_synced
from tests.helpers.ui import TODAY, at, put

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
]

THU = TODAY + timedelta(days=1)


@pytest.fixture
def user(cloud: CloudProcess, tmp_path: Path) -> tuple[str, str]:
    return make_account(cloud, tmp_path / "signup")


@pytest.fixture
def synced(qtbot, window: MainWindow, store: Store, settings: Settings,  # type: ignore[no-untyped-def]
           tmp_path: Path, cloud: CloudProcess, user: tuple[str, str]) -> Iterator[SyncedWindow]:
    """Signed in with two events added to the account, everything sent."""
    put(store, "Standup", at(TODAY, 9, 30), 15)
    put(store, "Retro", at(THU, 16))
    sw = install_synced(qtbot, window, store, settings, tmp_path)
    sw.sign_in(qtbot, cloud.url, *user)
    qtbot.waitUntil(lambda: sw.controller.last_ok is not None and sw.controller.pending == 0,
                    timeout=20_000)
    yield sw
    sw.stop()


@pytest.fixture
def other(cloud: CloudProcess, tmp_path: Path, user: tuple[str, str]) -> Iterator[Desktop]:
    d = Desktop("office", tmp_path / "office", cloud)
    d.sign_in(*user)
    d.sync()
    yield d
    d.close()


def titles_shown(window: MainWindow) -> list[str]:
    return sorted(it.title for it in window.model.items())


def test_signing_out_keeps_a_copy_by_default_and_says_what_was_not_sent(
        qtbot, synced: SyncedWindow, store: Store, window: MainWindow,  # type: ignore[no-untyped-def]
        user: tuple[str, str], other: Desktop) -> None:
    c = synced.controller
    c.edit_delay_ms = 600_000  # the edit below is still waiting when the user signs out
    [retro] = store.search("Retro")
    store.put_event(retro.replace(location="Room 2"))
    qtbot.waitUntil(lambda: c.pending == 1, timeout=3000)
    with DialogWatch() as watch:
        dlg = open_dialog(qtbot, synced.account)
        assert dlg.page.key == "account"
        click(qtbot, dlg.account_page.sign_out)
        page = dlg.page
        assert page.key == "sign_out"
        assert dlg.sign_out_page.keep.isChecked() and not dlg.sign_out_page.remove.isChecked()
        assert notice_of(page).startswith("1 change made here has not been sent yet."), \
            notice_of(page)
        page = submit(qtbot, dlg)
        assert page.key == "sign_in", error_of(page)
        assert notice_of(page) == "Signed out. Your calendars stay on this computer."
        qtbot.waitUntil(lambda: c.state == "off", timeout=3000)
        assert synced.indicator_text == ""  # no account: no sync indicator
        assert not synced.sync.action.isEnabled()
        assert titles_shown(window) == ["Retro", "Standup"]
        assert store.get_event(retro.id).location == "Room 2"
        # Signing in again resumes: no question (answered before), the waiting change goes.
        type_into(qtbot, dlg.sign_in_page.password, user[1])
        page = submit(qtbot, dlg)
        assert page.key == "account", error_of(page)
        qtbot.waitUntil(lambda: c.last_ok is not None and c.pending == 0 and not c.running,
                        timeout=20_000)
        dlg.close()
    assert watch.shown == ["AccountDialog 'Aurora account'"]
    other.sync()
    assert other.get(retro.id).location == "Room 2"  # type: ignore[union-attr]


def test_signing_out_and_removing_the_copy_leaves_the_account_untouched(
        qtbot, synced: SyncedWindow, store: Store, window: MainWindow,  # type: ignore[no-untyped-def]
        user: tuple[str, str], other: Desktop) -> None:
    c = synced.controller
    assert sorted(e["title"] for e in other.snapshot()) == ["Retro", "Standup"]
    dlg = open_dialog(qtbot, synced.account)
    click(qtbot, dlg.account_page.sign_out)
    assert dlg.page.key == "sign_out"
    assert notice_of(dlg.page) == ""  # nothing waiting: no warning
    click(qtbot, dlg.sign_out_page.remove)
    page = submit(qtbot, dlg)
    assert page.key == "sign_in", error_of(page)
    assert notice_of(page) == ("Signed out. The account's calendars (2 events) were removed "
                               "from this computer; they stay in your account.")
    qtbot.waitUntil(lambda: titles_shown(window) == [], timeout=3000)  # the view reloaded
    assert store.events() == []
    assert c.state == "off" and synced.indicator_text == ""
    other.sync()
    assert sorted(e["title"] for e in other.snapshot()) == ["Retro", "Standup"]
    # Signing in again brings them back (nothing here worth asking about).
    type_into(qtbot, dlg.sign_in_page.password, user[1])
    assert submit(qtbot, dlg).key == "account"
    qtbot.waitUntil(lambda: titles_shown(window) == ["Retro", "Standup"], timeout=20_000)
    dlg.close()
