"""A subscription that could not be reached is fetched again when it can be (issue 11).

The feed host is down (its port refuses), comes back on the same port, and the
window fetches without waiting for the hourly refresh: after 1, 2, 5, then every
10 minutes on the wall clock (a fake clock here), at once when the network comes
back, and only for a failure of the network (a 500 waits for the hourly refresh).
A subscription a sync brought from another desktop is fetched when it arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from aurora_core import wire
from aurora_desktop.qt import Qt
from aurora_desktop.settings import Settings
from aurora_desktop.store import ApplyReport, ChangeNotice, Store
from aurora_desktop.subscriptions import subscribe
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.subscriptions import SubscriptionsUi, install_subscriptions
from tests.helpers.feed_server import FeedServer, Route, ics

FEED = ics(("match-1", "Cup final", "20261126"), ("match-2", "Replay", "20261127"),
           name="Football")
T0 = 1_000_000.0


class Host:
    """A feed host that can go down and come back on its port."""

    def __init__(self) -> None:
        self.server = FeedServer().start()
        self.port = self.server.httpd.server_address[1]
        self.routes = {"/football.ics": Route(FEED)}
        self.server.routes = self.routes

    @property
    def hits(self) -> int:
        return self.server.hits["/football.ics"]

    def url(self) -> str:
        return self.server.url("/football.ics")

    def down(self) -> None:
        self.server.stop()

    def up(self) -> None:
        self.server = FeedServer(self.port).start()
        self.server.routes = self.routes


@pytest.fixture
def host() -> Iterator[Host]:
    h = Host()
    yield h
    h.server.stop()


@pytest.fixture
def ui(window: MainWindow, store: Store, settings: Settings) -> Iterator[SubscriptionsUi]:
    app = SimpleNamespace(window=window, store=store, settings=settings, services=[])
    u = install_subscriptions(app, store.path.parent)
    yield u
    u.stop()
    for op in (u.op, u.subscribe_op):
        if op is not None:
            op.wait(10)


def tooltip(window: MainWindow, name: str) -> str:
    m = window.calendar_model
    row = next(i for i in range(m.rowCount()) if m.calendar_at(i).name == name)  # type: ignore[union-attr]
    return str(m.index(row).data(Qt.ItemDataRole.ToolTipRole))


def titles(window: MainWindow) -> list[str]:
    return sorted(it.occ.event.title for it in window.model.items())


def test_a_refresh_that_could_not_reach_the_feed_is_retried_when_it_is_back(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    cal = subscribe(store, host.url()).calendar
    host.routes["/football.ics"] = Route(ics(("match-1", "Cup final", "20261126")))
    now = [T0]
    ui.clock = lambda: now[0]
    host.down()
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.start()
    assert ui.unreachable == {cal.id}
    assert ui.retry_at == T0 + 60, "the first retry a minute later"
    assert "cannot reach 127.0.0.1" in tooltip(window, "Football")
    assert titles(window) == ["Cup final", "Replay"]  # the last good content stays
    now[0] += 30  # the minute's check before the retry is due: nothing
    ui.timer.timeout.emit()
    assert not ui.op.running  # type: ignore[union-attr]
    host.up()  # the server is back
    now[0] += 30
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.timer.timeout.emit()
    assert host.hits == 1, "fetched by the retry, not the hourly refresh"
    assert ui.due == T0 + 3600 and now[0] < ui.due
    assert ui.unreachable == set() and ui.retry_at is None
    assert "failed" not in tooltip(window, "Football")
    assert titles(window) == ["Cup final"]


def test_retries_back_off_to_every_ten_minutes_while_the_feed_stays_away(  # type: ignore[no-untyped-def]
        qtbot, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    subscribe(store, host.url())
    now = [T0]
    ui.clock = lambda: now[0]
    host.down()
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.start()
    gaps = []
    for _ in range(5):
        assert ui.retry_at is not None
        gaps.append(round((ui.retry_at - now[0]) / 60))
        now[0] = ui.retry_at
        with qtbot.waitSignal(ui.refreshed, timeout=15_000):
            ui.timer.timeout.emit()
    assert gaps == [1, 2, 5, 10, 10]
    assert ui.retry_at is not None and round((ui.retry_at - now[0]) / 60) == 10
    # Asleep for the night: the first check after waking retries (the wall clock).
    host.up()
    now[0] += 8 * 3600
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.timer.timeout.emit()
    assert host.hits == 1 and ui.unreachable == set()


def test_the_network_coming_back_retries_at_once(  # type: ignore[no-untyped-def]
        qtbot, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    cal = subscribe(store, host.url()).calendar
    now = [T0]
    ui.clock = lambda: now[0]
    host.down()
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.start()
    host.up()
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.network_online()  # what QNetworkInformation's "online" calls
    assert host.hits == 1 and ui.unreachable == set()
    assert store.subscription(cal.id).error is None  # type: ignore[union-attr]
    # Online again with nothing unreachable: no request.
    ui.network_online()
    assert not ui.op.running and host.hits == 1  # type: ignore[union-attr]


def test_an_answer_that_was_an_error_waits_for_the_hourly_refresh(  # type: ignore[no-untyped-def]
        qtbot, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    subscribe(store, host.url())
    host.routes["/football.ics"] = Route(status=500)
    now = [T0]
    ui.clock = lambda: now[0]
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.start()
    assert ui.unreachable == set() and ui.retry_at is None
    ui.network_online()
    assert not ui.op.running  # type: ignore[union-attr]


def test_a_subscription_a_sync_brought_is_fetched_when_it_arrives(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    account = "https://aurora.example|me"
    store.set_current_account(account)
    pulled = wire.CalendarWire(id="c0ffee00-0000-4000-8000-000000000001", name="Football",
                               color="#10b981", read_only=True, source_url=host.url(),
                               version=3)
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        # What the sync does on its own connection, then announces to the window's store.
        store.apply_remote_page(account, None, cursor=None, report=ApplyReport(),
                                items=[("calendar", pulled)])
    assert host.hits == 1
    assert titles(window) == ["Cup final", "Replay"]
    assert store.calendar(pulled.id).read_only
    assert ("calendar", pulled.id) not in store.pending() and not store.pending("event")


def test_a_pulled_subscription_that_cannot_be_reached_says_so_and_is_retried(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    account = "https://aurora.example|me"
    store.set_current_account(account)
    now = [T0]
    ui.clock = lambda: now[0]
    host.down()
    pulled = wire.CalendarWire(id="c0ffee00-0000-4000-8000-000000000002", name="Football",
                               read_only=True, source_url=host.url(), version=1)
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        store.apply_remote_page(account, None, cursor=None, report=ApplyReport(),
                                items=[("calendar", pulled)])
    tip = tooltip(window, "Football")
    assert "It could not be fetched yet: cannot reach 127.0.0.1" in tip
    assert "tried again automatically" in tip and "last good copy" not in tip
    assert ui.unreachable == {pulled.id} and ui.retry_at == T0 + 60
    host.up()
    now[0] += 60
    with qtbot.waitSignal(ui.refreshed, timeout=15_000):
        ui.timer.timeout.emit()
    assert titles(window) == ["Cup final", "Replay"]
    assert "fetched yet" not in tooltip(window, "Football")


def test_subscribing_in_the_window_is_a_change_the_sync_sends_soon(  # type: ignore[no-untyped-def]
        qtbot, ui: SubscriptionsUi, store: Store, host: Host) -> None:
    """The sync controller sends local changes a few seconds after they are announced
    and leaves remote ones alone: a subscription made in the window is the former."""
    store.set_current_account("https://aurora.example|me")
    notices: list[ChangeNotice] = []
    store.subscribe(notices.append)
    op = ui.subscribe(host.url(), None)
    qtbot.waitUntil(lambda: not op.running, timeout=15_000)
    cal = store.subscriptions()[0].calendar
    assert ("calendar", cal.id) in store.pending("calendar")
    assert [n for n in notices if cal.id in n.calendar_ids and not n.remote]
