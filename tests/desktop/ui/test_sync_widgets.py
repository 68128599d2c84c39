"""The sync indicator, the sync details window and the controller's triggers, without a server.

The engine is replaced by a scripted one (it answers or fails as told, on the
worker thread like the real one); everything else is the window's code.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aurora_core.merge import UnitConflict
from aurora_desktop.auth import AccountService, AccountStatus, MemorySecrets
from aurora_desktop.qt import QtWidgets
from aurora_desktop.store import ApplyReport, Store
from aurora_desktop.sync import SyncError, SyncReport
from aurora_desktop.ui import sync_controller as sc
from aurora_desktop.ui.sync_controller import SyncController
from aurora_desktop.ui.sync_widgets import SyncDetails, SyncIndicator, describe_value
from tests.helpers.accounts import click
from tests.helpers.synced_window import DialogWatch
from tests.helpers.ui import NOW, TODAY, ZONE, at, put

SERVER = "https://api.example"
ACCOUNT = f"{SERVER}|sub-1"
SIGNED_IN = AccountStatus(True, "ada@example.com", SERVER, "sub-1", remembered=True)
OFFLINE = SyncError("offline", f"Cannot reach the Aurora server at {SERVER}.")


def hhmm(t: datetime) -> str:
    return f"{t.astimezone(ZONE):%H:%M}"


class ScriptedEngine:
    """Stands in for SyncEngine: each run takes the next step (an exception or a report)."""

    account = ACCOUNT

    def __init__(self) -> None:
        self.steps: list[BaseException | SyncReport] = []
        self.runs = 0
        self.release = threading.Event()
        self.release.set()

    def run(self, *, adopt_local: bool | None = None) -> SyncReport:
        self.release.wait(10)
        self.runs += 1
        step = self.steps.pop(0) if self.steps else SyncReport()
        if isinstance(step, BaseException):
            raise step
        return step


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> ScriptedEngine:
    eng = ScriptedEngine()
    monkeypatch.setattr(sc, "make_engine", lambda *_a: eng)
    return eng


@pytest.fixture
def controller(qtbot, store: Store, tmp_path: Path, engine: ScriptedEngine  # type: ignore[no-untyped-def]
               ) -> Iterator[SyncController]:
    c = SyncController(tmp_path, AccountService(tmp_path, MemorySecrets()), store,
                       edit_delay_ms=200, start_delay_ms=50)
    yield c
    c.stop()


@pytest.fixture
def indicator(qtbot, controller: SyncController) -> SyncIndicator:  # type: ignore[no-untyped-def]
    opened: list[bool] = []
    ind = SyncIndicator(controller, lambda: opened.append(True), hhmm)
    ind.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(ind)
    ind.show()
    return ind


def shown(ind: SyncIndicator) -> tuple[str, str]:
    return (ind.text(), ind.plain_tip) if ind.isVisible() else ("", "")


# --------------------------------------------------------------- indicator


def test_the_indicator_says_where_sync_stands_and_hides_without_an_account(
        controller: SyncController, indicator: SyncIndicator) -> None:
    c = controller
    assert shown(indicator) == ("", "")  # off: nobody signed in
    t = NOW.astimezone(UTC)

    def state(name: str, **kw: Any) -> tuple[str, str]:
        c.state = name
        c.message = kw.pop("message", "")
        c.pending = kw.pop("pending", 0)
        c.last_ok = kw.pop("last_ok", t)
        c.retry_at = kw.pop("retry_at", None)
        c.conflicts = kw.pop("conflicts", [])
        c.problems = kw.pop("problems", [])
        c.changed.emit()
        return shown(indicator)

    text, tip = state("idle")
    assert text == "Synced 10:00" and "Everything is sent." in tip and "Click for details" in tip
    assert indicator.tone == ""  # plain: nothing to look at
    assert state("idle", pending=2)[0] == "Synced 10:00 · 2 changes waiting"
    assert state("idle", last_ok=None)[0] == "Not synced yet"
    assert state("syncing")[0] == "Syncing…"
    text, tip = state("offline", message=OFFLINE.message, pending=3,
                      retry_at=t + timedelta(minutes=1))
    assert text == "Offline · 3 changes waiting"
    assert tip.startswith("The Aurora server cannot be reached (no network, or the server is "
                          "down). 3 changes waiting: kept here and sent when it can be "
                          "reached again.")
    assert "Trying again at 10:01." in tip
    assert indicator.tone == "warning"
    assert state("offline", pending=1)[0] == "Offline · 1 change waiting"
    text, tip = state("problem", message="The server had a problem (500); your changes are "
                                         "kept and sent later.")
    assert text == "Sync problem" and "(500)" in tip
    assert indicator.tone == "error"
    text, tip = state("signed_out", message="Your sign-in has ended.", pending=1)
    assert text == "Not syncing · 1 change waiting" and "Click to sign in again." in tip
    fake = object()
    text, tip = state("idle", conflicts=[fake, fake])
    assert text == "2 sync conflicts" and "choose" in tip
    assert indicator.tone == "warning"
    text, tip = state("idle", problems=[("event", "e1", "Offsite", "too long")])
    assert text == "Synced 10:00" and "1 change refused by the server." in tip
    state("off")
    assert not indicator.isVisible()


def test_clicking_the_indicator_opens_the_details(qtbot, controller: SyncController,  # type: ignore[no-untyped-def]
                                                  indicator: SyncIndicator) -> None:
    controller.state = "idle"
    controller.changed.emit()
    click(qtbot, indicator)
    assert indicator.opened == [True]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ details


@pytest.fixture
def details(qtbot, controller: SyncController, store: Store) -> SyncDetails:  # type: ignore[no-untyped-def]
    d = SyncDetails(controller, store, hhmm)
    qtbot.addWidget(d)
    return d


def test_details_list_a_conflict_with_both_values_and_use_mine_makes_it_an_edit(
        qtbot, controller: SyncController, details: SyncDetails, store: Store) -> None:  # type: ignore[no-untyped-def]
    ev = put(store, "Call with Anna", at(TODAY, 11))
    store.add_conflicts(ACCOUNT, "event", ev.id, ev.title,
                        [UnitConflict("title", "Call with Anna", "Call with Bob")])
    with qtbot.waitSignal(controller.synced, timeout=3000):
        controller.start(SIGNED_IN)
    details.show()
    qtbot.waitExposed(details)
    assert details.conflicts.topLevelItemCount() == 1
    row = details.conflicts.topLevelItem(0)
    assert row is not None
    assert [row.text(i) for i in range(4)] == ["Call with Anna", "Title", "Call with Anna",
                                              "Call with Bob"]
    assert details.conflicts_label.text().startswith("<b>1 sync conflict</b>")
    assert not details.problems.isVisible() and not details.retry.isVisible()
    # The first conflict is chosen already: one click answers it.
    assert row.isSelected() and details.use_mine.isEnabled() and details.keep.isEnabled()
    details.conflicts.clearSelection()
    assert not details.use_mine.isEnabled() and not details.keep.isEnabled()
    details.conflicts.setCurrentItem(row)
    click(qtbot, details.use_mine)
    assert store.get_event(ev.id).title == "Call with Bob"
    assert store.conflicts() == [] and details.conflicts.topLevelItemCount() == 0
    assert ("event", ev.id) in store.pending("event")  # the chosen value is a change to send
    assert controller.next_sync_in_ms() is not None  # and it is sent a moment later


def test_keep_this_dismisses_the_conflict_and_sends_nothing(
        qtbot, controller: SyncController, details: SyncDetails, store: Store) -> None:  # type: ignore[no-untyped-def]
    ev = put(store, "Review", at(TODAY, 15))
    store.add_conflicts(ACCOUNT, "event", ev.id, ev.title, [UnitConflict("location", "Room 1",
                                                                         "Room 2")])
    with qtbot.waitSignal(controller.synced, timeout=3000):
        controller.start(SIGNED_IN)
    details.conflicts.setCurrentItem(details.conflicts.topLevelItem(0))
    details.show()
    click(qtbot, details.keep)
    assert store.conflicts() == []
    assert store.get_event(ev.id).location == ""
    assert controller.next_sync_in_ms() is None


def test_details_list_refused_changes_and_stop_sending_drops_them(
        qtbot, controller: SyncController, details: SyncDetails, store: Store) -> None:  # type: ignore[no-untyped-def]
    ev = put(store, "Offsite", at(TODAY, 9))
    store.set_current_account(ACCOUNT)
    store.adopt_local_calendars(ACCOUNT)  # the calendar is the account's: its changes sync
    store.set_aside("event", ev.id, "notes: this server keeps at most 2,000 characters")
    controller._on_status(SIGNED_IN)
    details.show()
    qtbot.waitExposed(details)
    assert details.problems.isVisible()
    assert details.problems_label.text().startswith("<b>1 change refused by the server</b>")
    row = details.problems.topLevelItem(0)
    assert row is not None
    assert (row.text(0), row.text(1)) == ("Offsite", "notes: this server keeps at most 2,000 "
                                                     "characters")
    details.problems.setCurrentItem(row)
    click(qtbot, details.discard)
    assert store.problems() == [] and store.pending("event") == []
    assert store.get_event(ev.id).title == "Offsite"  # kept here


def test_describe_value_reads_like_a_person_wrote_it() -> None:
    assert describe_value("title", "Lunch") == "Lunch"
    assert describe_value("location", None) == "(none)"
    assert describe_value("deleted", None) == "(deleted)"
    assert describe_value("calendar_id", "c1", {"c1": "Work"}) == "Work"
    assert describe_value("time", {"start": "2026-11-26T14:00:00", "end": "2026-11-26T15:00:00",
                                   "timezone": "Europe/Berlin"}) == \
        "2026-11-26 14:00 – 2026-11-26 15:00 (Europe/Berlin)"
    assert describe_value("notes", "x" * 200).endswith("…")


# --------------------------------------------------------------- the controller


def wait_done(qtbot, c: SyncController) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not c.running and c.state != "syncing", timeout=5000)


def test_signing_in_syncs_at_once_and_an_edit_syncs_a_moment_later(
        qtbot, controller: SyncController, engine: ScriptedEngine, store: Store) -> None:  # type: ignore[no-untyped-def]
    c = controller
    c.start(SIGNED_IN)
    with qtbot.waitSignal(c.synced, timeout=3000):
        pass
    assert engine.runs == 1 and c.state == "idle" and c.last_ok is not None
    with qtbot.waitSignal(c.synced, timeout=3000):
        put(store, "New", at(TODAY, 12))
        assert c.next_sync_in_ms() is not None  # 200 ms after the edit in this test
    assert engine.runs == 2
    # Signed out: no more syncs, the indicator goes.
    c._on_status(AccountStatus(False))
    assert c.state == "off" and c.next_sync_in_ms() is None
    put(store, "Offline edit", at(TODAY, 13))
    c.sync_now()
    assert not c.running and engine.runs == 2


def test_a_failed_sync_backs_off_says_why_and_opens_no_dialog(
        qtbot, controller: SyncController, engine: ScriptedEngine, store: Store) -> None:  # type: ignore[no-untyped-def]
    c = controller
    engine.steps = [OFFLINE, OFFLINE, SyncError("server", "The server had a problem (500); "
                                                          "your changes are kept and sent "
                                                          "later.")]
    with DialogWatch() as watch:
        c.start(SIGNED_IN)
        qtbot.waitUntil(lambda: c.state == "offline", timeout=3000)
        first = c.next_sync_in_ms()
        assert first is not None and 11_000 <= first <= 19_000  # 15 s ± 25 %
        assert c.retry_at is not None and c.message == OFFLINE.message
        c.sync_now()
        qtbot.waitUntil(lambda: engine.runs == 2 and not c.running, timeout=3000)
        second = c.next_sync_in_ms()
        assert second is not None and second >= 22_000  # 30 s ± 25 %
        c.network_online()  # the network is back: in a second, not in 30
        later = c.next_sync_in_ms()
        assert later is not None and later <= 1_100  # (coarse timers: ±5 %)
        c.sync_now()
        qtbot.waitUntil(lambda: engine.runs == 3 and c.state == "problem", timeout=3000)
        assert "(500)" in c.message
        c.sync_now()
        qtbot.waitUntil(lambda: c.state == "idle", timeout=3000)
        assert c.retry_at is None
        # A sign-in that ended: said, and no more attempts until the user signs in again.
        engine.steps = [SyncError("signed_out", "The server no longer accepts this sign-in.")]
        c.sync_now()
        qtbot.waitUntil(lambda: c.state == "signed_out", timeout=3000)
        assert c.next_sync_in_ms() is None
    assert watch.shown == []
    assert [w for w in QtWidgets.QApplication.topLevelWidgets()
            if isinstance(w, QtWidgets.QDialog) and w.isVisible()] == []


def test_waking_up_syncs_soon_and_an_edit_during_a_sync_syncs_right_after(
        qtbot, controller: SyncController, engine: ScriptedEngine, store: Store) -> None:  # type: ignore[no-untyped-def]
    c = controller
    c.start(SIGNED_IN)
    qtbot.waitSignal(c.synced, timeout=3000).wait()
    c.woke_up()
    wait = c.next_sync_in_ms()
    assert wait is not None and wait <= 2_200
    engine.release.clear()  # the next sync hangs until released
    c.sync_now()
    assert c.running and c.state == "syncing"
    put(store, "Typed meanwhile", at(TODAY, 16))
    c.sync_now()  # F5 while one runs: it runs again right after
    engine.release.set()
    qtbot.waitUntil(lambda: engine.runs >= 3 and not c.running, timeout=5000)


def test_a_pulled_change_is_announced_to_the_window_store(
        qtbot, controller: SyncController, engine: ScriptedEngine, store: Store) -> None:  # type: ignore[no-untyped-def]
    heard: list[Any] = []
    store.subscribe(heard.append)
    changed = ApplyReport(applied=1, event_ids={"ev-1"})
    engine.steps = [SyncReport(pulled=1, changed=changed)]
    controller.start(SIGNED_IN)
    qtbot.waitSignal(controller.synced, timeout=3000).wait()
    notices = [n for n in heard if n.remote]
    assert len(notices) == 1 and notices[0].event_ids == frozenset({"ev-1"})
    assert controller.next_sync_in_ms() is None  # a pulled change is not sent back


def test_a_bug_while_taking_a_sync_in_is_shown_in_the_indicator_never_in_a_box(
        qtbot, controller: SyncController, engine: ScriptedEngine, store: Store,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    def broken_view(notice: Any) -> None:
        if notice.remote:
            raise RuntimeError("a view could not reload")

    store.subscribe(broken_view)
    engine.steps = [SyncReport(pulled=1, changed=ApplyReport(applied=1, event_ids={"ev-1"}))]
    with DialogWatch() as watch:
        controller.start(SIGNED_IN)
        qtbot.waitUntil(lambda: controller.state == "problem", timeout=3000)
    assert watch.shown == []
    assert "RuntimeError" in controller.message and controller.next_sync_in_ms() is not None
    assert "sync: unexpected error" in caplog.text


def test_the_account_status_is_never_read_on_the_gui_thread(
        qtbot, store: Store, tmp_path: Path, engine: ScriptedEngine) -> None:  # type: ignore[no-untyped-def]
    gui = threading.get_ident()
    reads: list[int] = []

    class Watched(AccountService):
        def status(self) -> AccountStatus:
            reads.append(threading.get_ident())
            return SIGNED_IN

    c = SyncController(tmp_path, Watched(tmp_path, MemorySecrets()), store, start_delay_ms=0)
    try:
        c.start()
        qtbot.waitSignal(c.synced, timeout=3000).wait()
        put(store, "Edit", at(TODAY, 17))
        c.refresh()
        assert reads and gui not in reads
    finally:
        c.stop()

