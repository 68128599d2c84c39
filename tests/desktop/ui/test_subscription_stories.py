"""Subscriptions in the window, as a person uses them: File → Subscribe to calendar…,
a refresh that fails (the sidebar says why, no dialog), View → Refresh subscriptions,
the refresh at start-up and every interval, and the editor refusing an edit."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from aurora_desktop.qt import Qt, QtWidgets
from aurora_desktop.settings import Settings
from aurora_desktop.store import Store
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.subscriptions import SubscriptionsUi, install_subscriptions
from tests.helpers.feed_server import FeedServer, Route, ics

FEED = ics(("match-1", "Cup final", "20261126"), ("match-2", "Replay", "20261127"),
           name="Football")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer().start()
    yield s
    s.stop()


@pytest.fixture
def ui(window: MainWindow, store: Store, settings: Settings) -> Iterator[SubscriptionsUi]:
    app = SimpleNamespace(window=window, store=store, settings=settings, services=[])
    u = install_subscriptions(app, store.path.parent)
    yield u
    u.stop()
    for op in (u.op, u.subscribe_op):
        if op is not None:
            op.wait(10)


def menu_action(menu: QtWidgets.QMenu, text: str) -> QtWidgets.QAction:
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def row_of(window: MainWindow, name: str) -> int:
    m = window.calendar_model
    return next(i for i in range(m.rowCount()) if m.calendar_at(i).name == name)  # type: ignore[union-attr]


def titles(window: MainWindow) -> list[str]:
    return sorted(it.occ.event.title for it in window.model.items())


def no_dialogs() -> bool:
    return not [w for w in QtWidgets.QApplication.topLevelWidgets()
                if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()]


def test_subscribe_from_the_file_menu(qtbot, window: MainWindow, ui: SubscriptionsUi,  # type: ignore[no-untyped-def]
                                      server: FeedServer) -> None:
    server.routes["/football.ics"] = Route(FEED)
    menu_action(window.file_menu, "Subscribe to calendar…").trigger()
    dlg = ui.dialog
    assert dlg is not None and dlg.isVisible()
    assert not dlg.subscribe_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dlg.url, server.url("/football.ics"))
    qtbot.mouseClick(dlg.subscribe_button, Qt.MouseButton.LeftButton)
    assert dlg.status.text() == "Fetching the calendar…"
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=10_000)
    row = row_of(window, "Football")
    idx = window.calendar_model.index(row)
    tip = idx.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Subscribed to {server.url('/football.ics')}")
    assert titles(window) == ["Cup final", "Replay"]


def test_a_bad_address_is_said_in_the_dialog_and_adds_nothing(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                             ui: SubscriptionsUi,
                                                             server: FeedServer) -> None:
    before = window.calendar_model.rowCount()
    dlg = ui.open_dialog()
    qtbot.keyClicks(dlg.url, "ftp://example.com/x.ics")
    qtbot.mouseClick(dlg.subscribe_button, Qt.MouseButton.LeftButton)
    assert dlg.error.isVisible() and "must start with https://" in dlg.error.text()
    dlg.url.clear()
    qtbot.keyClicks(dlg.url, server.url("/missing.ics"))
    qtbot.mouseClick(dlg.subscribe_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=10_000)
    assert dlg.error.text().startswith("Not subscribed: 127.0.0.1 says there is no calendar")
    assert dlg.isVisible() and dlg.url.isEnabled() and dlg.subscribe_button.isEnabled()
    assert window.calendar_model.rowCount() == before


def test_a_failing_refresh_shows_on_the_calendar_never_in_a_dialog(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, ui: SubscriptionsUi, server: FeedServer) -> None:
    server.routes["/football.ics"] = Route(FEED)
    op = ui.subscribe(server.url("/football.ics"), None)
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    server.routes["/football.ics"] = Route(status=500)
    menu_action(window.view_menu, "Refresh subscriptions").trigger()
    with qtbot.waitSignal(ui.refreshed, timeout=10_000):
        pass
    idx = window.calendar_model.index(row_of(window, "Football"))
    assert "The last refresh failed: 127.0.0.1 answered HTTP 500" in idx.data(
        Qt.ItemDataRole.ToolTipRole)
    assert "refresh failed" in idx.data(Qt.ItemDataRole.AccessibleTextRole)
    assert titles(window) == ["Cup final", "Replay"]  # the last good content
    assert no_dialogs()
    assert "could not be" in window.statusBar().currentMessage()
    # It works again: the marker goes.
    server.routes["/football.ics"] = Route(ics(("match-1", "Cup final", "20261126")))
    with qtbot.waitSignal(ui.refreshed, timeout=10_000):
        ui.refresh_now()
    idx = window.calendar_model.index(row_of(window, "Football"))
    assert "failed" not in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert titles(window) == ["Cup final"]


def test_refreshes_at_start_up_and_every_interval(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                 ui: SubscriptionsUi, store: Store,
                                                 settings: Settings, server: FeedServer) -> None:
    from aurora_desktop.subscriptions import subscribe

    server.routes["/football.ics"] = Route(FEED, etag='"1"')
    subscribe(store, server.url("/football.ics"))
    hits = server.hits["/football.ics"]
    now = [1_000_000.0]
    ui.clock = lambda: now[0]
    with qtbot.waitSignal(ui.refreshed, timeout=10_000):
        ui.start()  # at start-up
    assert server.hits["/football.ics"] == hits + 1 and ui.timer.isActive()
    assert ui.due == now[0] + 3600
    now[0] += 3599  # the minute's check, an hour not yet gone: nothing
    ui.timer.timeout.emit()
    assert ui.op is not None and not ui.op.running
    assert server.hits["/football.ics"] == hits + 1
    now[0] += 1
    with qtbot.waitSignal(ui.refreshed, timeout=10_000):
        ui.timer.timeout.emit()
    assert server.hits["/football.ics"] == hits + 2
    assert server.requests[-1][1].get("If-None-Match") == '"1"'
    # A setting of 15 minutes; then the computer sleeps 8 hours: at the next check, at once.
    settings.set("subscriptions/refresh_minutes", 15)
    assert ui.due == now[0] + 15 * 60
    now[0] += 8 * 3600
    with qtbot.waitSignal(ui.refreshed, timeout=10_000):
        ui.timer.timeout.emit()
    assert server.hits["/football.ics"] == hits + 3


def test_the_editor_refuses_an_edit_says_why_and_takes_own_reminders(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, store: Store, server: FeedServer) -> None:
    from aurora_core.model import Reminder
    from aurora_desktop.subscriptions import subscribe
    from aurora_desktop.ui.editor import EventEditor

    server.routes["/football.ics"] = Route(FEED)
    cal = subscribe(store, server.url("/football.ics")).calendar
    ev = next(e for e in store.events(cal.id) if e.title == "Cup final")
    ed = window.event_actions.make_editor(event=ev)
    qtbot.addWidget(ed)
    ed.show()
    assert ed.locked_note.isVisible()
    assert ed.locked_note.text().startswith(
        "This event comes from \u201cFootball\u201d, a read-only calendar")
    assert ed.delete_button is not None and not ed.delete_button.isVisible()
    qtbot.keyClicks(ed.title, "x")
    assert ed.title.text() == "Cup final"
    assert not ed.location.isEnabled() and not ed.start_date.isEnabled()
    ed._add_reminder(Reminder(60, "email"))
    assert "not email reminders" in ed.error.text() and not ed.save_button.isEnabled()
    ed.close()

    window.refresh()
    item = next(it for it in window.model.items() if it.occ.event.id == ev.id)

    def fill(editor: EventEditor) -> str:
        editor._add_reminder(Reminder(30))
        assert editor.save_button.isEnabled()
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.event_actions.edit_item(item)
    assert store.get_event(ev.id).reminders == (Reminder(30),)
    assert store.get_event(ev.id).title == "Cup final"
