"""Sync in the window, against the local stack (`aurora-cloud local`) over real HTTP.

Each story is what a person sees: sign in and add this computer's calendars,
edit and find the change on the office desktop, work offline, meet a
conflict or a refused change in the sync details, keep the window usable
while a slow sync runs, and a reminder dismissed on the laptop leaving the
office desktop's reminder window. The "other desktop" is an in-process
desktop (tests/helpers/desktops.py) on the same account.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aurora_core.model import Calendar, Event, Reminder, ZonedTime, new_id
from aurora_desktop.app import build
from aurora_desktop.auth import AccountService, SecretStore
from aurora_desktop.qt import Qt, QtCore
from aurora_desktop.reminders.engine import MemoryWatermark
from aurora_desktop.reminders.notifier import RecordingNotifier
from aurora_desktop.settings import Settings
from aurora_desktop.store import ReminderState, Store
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.reminder_service import ReminderService
from tests.helpers.accounts import (
    MemoryKeyring,
    click,
    error_of,
    keyring_backend,
    open_dialog,
    submit,
    type_into,
)
from tests.helpers.clocks import FakeClock
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, make_account
from tests.helpers.synced_window import DialogWatch, SwitchProxy, SyncedWindow, install_synced
from tests.helpers.ui import TODAY, ZONE, at, put

pytestmark = [
    pytest.mark.e2e,
    # cloud_process.CloudProcess leaves its stack.log and stdout pipe to the garbage
    # collector (not this module's files); without this they fail the first/last test.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
]

THU = TODAY + timedelta(days=1)
FRI = TODAY + timedelta(days=2)


@pytest.fixture
def user(cloud: CloudProcess, tmp_path: Path) -> tuple[str, str]:
    """A confirmed account made on another computer: (email, password)."""
    return make_account(cloud, tmp_path / "signup")


@pytest.fixture
def synced(qtbot, window: MainWindow, store: Store, settings: Settings,  # type: ignore[no-untyped-def]
           tmp_path: Path) -> Iterator[SyncedWindow]:
    sw = install_synced(qtbot, window, store, settings, tmp_path)
    yield sw
    sw.stop()


@pytest.fixture
def other(cloud: CloudProcess, tmp_path: Path) -> Iterator[Desktop]:
    """The office desktop (in this process, its own data folder and store)."""
    d = Desktop("office", tmp_path / "office", cloud)
    yield d
    d.close()


@pytest.fixture
def proxy(cloud: CloudProcess) -> Iterator[SwitchProxy]:
    p = SwitchProxy(cloud.url)
    yield p
    p.stop()


def titles_shown(window: MainWindow) -> list[str]:
    return sorted(it.title for it in window.model.items())


def synced_text(sw: SyncedWindow) -> str:
    assert sw.controller.last_ok is not None
    return f"Synced {sw.controller.last_ok.astimezone(ZONE):%H:%M}"


def signed_in_and_synced(qtbot, sw: SyncedWindow, url: str, user: tuple[str, str],  # type: ignore[no-untyped-def]
                         other: Desktop | None = None) -> None:
    sw.sign_in(qtbot, url, *user)
    qtbot.waitUntil(lambda: sw.controller.last_ok is not None, timeout=20_000)
    if other is not None:
        other.sign_in(*user)
        other.sync()


# ------------------------------------------------------------- first sign-in


def test_signing_in_asks_to_add_this_computers_calendars_and_the_office_desktop_gets_them(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        cloud: CloudProcess, other: Desktop) -> None:
    work = Calendar(new_id(), "Work", "#0f766e")
    store.put_calendar(work)
    review = store.put_event(Event.new(work.id, "Design review", at(THU, 14), at(THU, 15)))
    store.put_event(Event.new(work.id, "Team lunch", at(FRI, 12), at(FRI, 13)))
    store.put_event(review.replace(location="Room 4"))
    assert synced.indicator_text == ""  # nobody signed in: no sync indicator
    with DialogWatch() as watch:
        dlg = open_dialog(qtbot, synced.account)
        type_into(qtbot, dlg.server_page.url, cloud.url)
        assert submit(qtbot, dlg).key == "sign_in"
        type_into(qtbot, dlg.sign_in_page.email, user[0])
        type_into(qtbot, dlg.sign_in_page.password, user[1])
        page = submit(qtbot, dlg)
        assert page.key == "adopt", error_of(page)
        listing = dlg.adopt_page.listing.text()
        assert listing == "•  Work (2 events)"  # the empty "Personal" nobody used is not asked about
        # While the user reads, the first sync runs (it brings the account's side here).
        qtbot.waitUntil(lambda: synced.controller.last_ok is not None, timeout=20_000)
        # Closing the dialog leaves the question open: it is asked again next time.
        dlg.close()
        dlg = open_dialog(qtbot, synced.account)
        assert dlg.page.key == "adopt"
        assert dlg.adopt_page.listing.text() == "•  Work (2 events)"
        click(qtbot, dlg.adopt_page.primary)  # "Add to my account"
        assert dlg.page.key == "account"
        qtbot.waitUntil(lambda: not synced.controller.running and synced.controller.state ==
                        "idle" and store.local_calendars() == [], timeout=20_000)
        assert synced.controller.pending == 0
        assert re.fullmatch(r"Synced \d\d:\d\d", synced.indicator_text)
        assert synced.indicator_text == synced_text(synced)
        dlg.close()
    assert watch.shown == ["AccountDialog 'Aurora account'"] * 2  # the user opened it, twice
    # The window shows the account's calendars: Work (Personal was not needed).
    assert [c.name for c in store.calendars()] == ["Work"]
    # On the office desktop, after its first sync:
    other.sign_in(*user)
    other.sync()
    assert [name for _id, name in other.calendars()] == ["Work"]
    events = {e["title"]: e for e in other.snapshot()}
    assert sorted(events) == ["Design review", "Team lunch"]
    assert events["Design review"]["location"] == "Room 4"


def test_keeping_the_calendars_here_uploads_nothing(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        cloud: CloudProcess, other: Desktop) -> None:
    put(store, "Private dentist", at(THU, 9))
    dlg = open_dialog(qtbot, synced.account)
    type_into(qtbot, dlg.server_page.url, cloud.url)
    submit(qtbot, dlg)
    type_into(qtbot, dlg.sign_in_page.email, user[0])
    type_into(qtbot, dlg.sign_in_page.password, user[1])
    assert submit(qtbot, dlg).key == "adopt"
    assert dlg.adopt_page.listing.text() == "•  Personal (1 event)"  # used: it is asked about
    click(qtbot, dlg.adopt_page.back_button)  # "Keep them here only"
    assert dlg.page.key == "account"
    assert "stay on this computer only" in dlg.account_page.notice.text()
    qtbot.waitUntil(lambda: synced.controller.last_ok is not None, timeout=20_000)
    other.sign_in(*user)
    other.sync()
    assert other.snapshot() == []
    assert [c.name for c in store.calendars()] == ["Personal"]
    assert store.search("Private dentist")
    dlg.close()


def test_the_app_syncs_at_start_up_with_the_account_it_remembers(
        qtbot, tmp_path: Path, cloud: CloudProcess, user: tuple[str, str],  # type: ignore[no-untyped-def]
        other: Desktop) -> None:
    other.sign_in(*user)
    other.add("Made on the office desktop", day=26)
    other.sync()
    data = tmp_path / "laptop"
    with keyring_backend(MemoryKeyring()):
        # Signed in on an earlier run (the refresh token in the keyring).
        svc = AccountService(data, SecretStore())
        svc.sign_in(svc.connect(cloud.url), *user)
        svc.close()
        with DialogWatch() as watch:
            app = build(data, ["aurora"])
            try:
                app.window.show()
                assert app.sync is not None
                app.sync.controller.start_delay_ms = 100
                app.sync.start()  # as run_app does
                c = app.sync.controller
                assert c.status is None  # the keyring is read once the window is up
                qtbot.waitUntil(lambda: c.last_ok is not None and not c.running,
                                timeout=20_000)
                assert app.sync.indicator.text().startswith("Synced ")
                assert app.store.search("Made on the office desktop")
            finally:
                app.shutdown()
        assert watch.shown == []


# ---------------------------------------------------------- edits both ways


def test_an_edit_in_the_window_syncs_by_itself_and_a_pulled_change_shows_in_the_view(
        qtbot, synced: SyncedWindow, window: MainWindow, store: Store,  # type: ignore[no-untyped-def]
        user: tuple[str, str], cloud: CloudProcess, other: Desktop) -> None:
    signed_in_and_synced(qtbot, synced, cloud.url, user, other)
    # An edit in the window (through its controller, as a drag or the editor does it).
    with DialogWatch() as watch:
        # It syncs by itself "a few seconds after an edit" (300 ms in this test).
        with qtbot.waitSignal(synced.controller.synced, timeout=5_000):
            put(store, "Planning poker", at(THU, 15))
        assert synced.controller.pending == 0
        other.sync()
        [ev] = [e for e in other.snapshot() if e["title"] == "Planning poker"]
        # The office desktop renames it; the window shows it after its next sync, with no
        # action of the user's (the pull is announced to the window's store).
        other.edit(ev["id"], title="Planning poker (moved to Friday)")
        other.sync()
        assert "Planning poker" in titles_shown(window)
        synced.sync.action.trigger()  # View → Sync now (F5)
        qtbot.waitUntil(lambda: "Planning poker (moved to Friday)" in titles_shown(window),
                        timeout=10_000)
        assert "Planning poker" not in titles_shown(window)
        # A new event from the office desktop appears too.
        other.store.put_event(Event.new(other.store.default_calendar().id, "Budget call",
                                        at(FRI, 9), at(FRI, 10)))
        other.sync()
        synced.wait_synced(qtbot)
        assert "Budget call" in titles_shown(window)
        assert synced.indicator_text == synced_text(synced)
    assert watch.shown == []


def test_the_sync_now_action_is_in_the_view_menu_with_f5(synced: SyncedWindow,
                                                          window: MainWindow) -> None:
    action = synced.sync.action
    assert action in window.view_menu.actions()
    assert action.shortcut().toString() == "F5"
    assert not action.isEnabled()  # not signed in


# ------------------------------------------------------------------ offline


def test_offline_the_indicator_counts_waiting_changes_backs_off_and_syncs_when_back(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        proxy: SwitchProxy, other: Desktop) -> None:
    signed_in_and_synced(qtbot, synced, proxy.url, user)
    with DialogWatch() as watch:
        proxy.down = True
        put(store, "On the train", at(THU, 8))
        put(store, "Still on the train", at(THU, 9))
        qtbot.waitUntil(lambda: synced.controller.state == "offline", timeout=10_000)
        c = synced.controller
        assert c.pending == 2
        assert synced.indicator_text == "Offline · 2 changes waiting"
        tip = synced.sync.indicator.plain_tip
        assert "The Aurora server cannot be reached" in tip, tip
        assert "Trying again at" in tip
        wait = c.next_sync_in_ms()
        assert wait is not None and wait > 10_000, wait  # backed off (15 s ± jitter first)
        # A second failure waits longer.
        c.sync_now()
        qtbot.waitUntil(lambda: c.state == "offline" and not c.running, timeout=10_000)
        wait2 = c.next_sync_in_ms()
        assert wait2 is not None and wait2 > 20_000, wait2
        # The network is back: the sync runs at once, and everything is sent.
        proxy.down = False
        with qtbot.waitSignal(c.synced, timeout=10_000):
            c.network_online()
        assert c.state == "idle" and c.pending == 0 and c.retry_at is None
        assert synced.indicator_text == synced_text(synced)
    assert watch.shown == []
    other.sign_in(*user)
    other.sync()
    assert sorted(e["title"] for e in other.snapshot()) == ["On the train", "Still on the train"]


# ----------------------------------------------------------------- conflicts


def test_a_conflict_is_listed_with_both_values_and_use_mine_wins_everywhere(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        cloud: CloudProcess, other: Desktop) -> None:
    signed_in_and_synced(qtbot, synced, cloud.url, user, other)
    call = put(store, "Call", at(THU, 11))
    qtbot.waitUntil(lambda: synced.controller.pending == 0 and not synced.controller.running
                    and synced.controller.last_ok is not None, timeout=10_000)
    synced.wait_synced(qtbot)
    other.sync()
    # Both rename it while apart; the office desktop syncs first.
    other.edit(call.id, title="Call with Anna")
    other.sync()
    with DialogWatch() as watch:
        with qtbot.waitSignal(synced.controller.synced, timeout=10_000):
            store.put_event(store.get_event(call.id).replace(title="Call with Bob"))
        c = synced.controller
        assert len(c.conflicts) == 1
        assert synced.indicator_text == "1 sync conflict"
        assert store.get_event(call.id).title == "Call with Anna"  # one value everywhere
    assert watch.shown == []  # a conflict never pops anything up
    # The user clicks the indicator: the details list both values.
    qtbot.mouseClick(synced.sync.indicator, Qt.MouseButton.LeftButton)
    details = synced.sync.details
    assert details is not None
    qtbot.waitExposed(details)
    assert details.conflicts.topLevelItemCount() == 1
    row = details.conflicts.topLevelItem(0)
    assert row is not None
    assert [row.text(i) for i in range(4)] == ["Call with Anna", "Title", "Call with Anna",
                                              "Call with Bob"]
    assert row.isSelected() and details.use_mine.isEnabled()  # the first one is chosen
    with qtbot.waitSignal(c.synced, timeout=10_000):
        click(qtbot, details.use_mine)  # "Use mine": a new edit, which syncs
    assert c.conflicts == [] and details.conflicts.topLevelItemCount() == 0
    assert synced.indicator_text == synced_text(synced)
    other.sync()
    assert other.get(call.id).title == "Call with Bob"  # type: ignore[union-attr]
    # Another conflict; this time "Keep this" accepts what every computer has.
    other.edit(call.id, title="Call with Carla")
    other.sync()
    with qtbot.waitSignal(c.synced, timeout=10_000):
        store.put_event(store.get_event(call.id).replace(title="Call with Dan"))
    assert details.conflicts.topLevelItemCount() == 1
    details.conflicts.setCurrentItem(details.conflicts.topLevelItem(0))
    click(qtbot, details.keep)
    assert c.conflicts == [] and store.conflicts() == []
    assert synced.indicator_text == synced_text(synced)
    assert c.pending == 0 and c.next_sync_in_ms() is None  # "Keep this" sends nothing
    assert store.get_event(call.id).title == "Call with Carla"
    details.close()


# ----------------------------------------------------------- refused changes


REFUSAL = "notes: this server keeps at most 2,000 characters"


def refuse_event_updates(method: str, path: str, body: bytes) -> tuple[int, dict[str, object]] | None:
    """A server that refuses every event write: 422 to a PUT, and a 400 for each item of
    a batch (how it answers one item it will not take)."""
    if method == "PUT" and path.startswith("/events/"):
        return 422, {"title": "Unprocessable", "status": 422, "detail": REFUSAL}
    if method == "POST" and path.split("?")[0] == "/events/batch":
        sent = json.loads(body)
        ids = [e["id"] for e in sent.get("events", [])] + \
            [d["id"] for d in sent.get("deletes", [])]
        return 200, {"results": [{"id": i, "status": 400, "detail": REFUSAL} for i in ids]}
    return None


def test_a_refused_change_is_listed_with_the_reason_and_can_be_retried_or_dropped(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        proxy: SwitchProxy, other: Desktop) -> None:
    signed_in_and_synced(qtbot, synced, proxy.url, user, other)
    c = synced.controller
    with qtbot.waitSignal(c.synced, timeout=10_000):
        ev = put(store, "Offsite", at(FRI, 9))
    other.sync()
    proxy.refuse = refuse_event_updates
    with DialogWatch() as watch, qtbot.waitSignal(c.synced, timeout=10_000):
        store.put_event(store.get_event(ev.id).replace(notes="Agenda: " + "x" * 3000))
    assert watch.shown == []
    assert c.state == "problem"
    assert synced.indicator_text == "Sync problem"
    assert "refused 1 change" in synced.sync.indicator.plain_tip
    assert c.pending == 0  # set aside: not counted as waiting, the rest syncs normally
    details = synced.sync.open_details()
    qtbot.waitExposed(details)
    assert details.problems.isVisible()
    row = details.problems.topLevelItem(0)
    assert row is not None and row.text(0) == "Offsite"
    assert "this server keeps at most 2,000 characters" in row.text(1)
    # The server is updated (no more refusal): "Try again" sends it.
    proxy.refuse = None
    details.problems.setCurrentItem(row)
    with qtbot.waitSignal(c.synced, timeout=10_000):
        click(qtbot, details.retry)
    assert c.problems == [] and c.state == "idle"
    assert details.problems.topLevelItemCount() == 0 and not details.problems.isVisible()
    other.sync()
    assert other.get(ev.id).notes.startswith("Agenda: ")  # type: ignore[union-attr]
    # Refused again: "Stop sending it" keeps it here only.
    proxy.refuse = refuse_event_updates
    with qtbot.waitSignal(c.synced, timeout=10_000):
        store.put_event(store.get_event(ev.id).replace(notes="short"))
    assert len(c.problems) == 1
    details.problems.setCurrentItem(details.problems.topLevelItem(0))
    click(qtbot, details.discard)
    assert c.problems == [] and c.pending == 0
    assert store.get_event(ev.id).notes == "short"
    synced.wait_synced(qtbot)
    assert c.state == "idle"
    other.sync()
    assert other.get(ev.id).notes.startswith("Agenda: ")  # type: ignore[union-attr]
    details.close()


# ------------------------------------------------------ the window stays live


def test_the_gui_thread_keeps_running_while_a_slow_sync_runs(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        proxy: SwitchProxy) -> None:
    signed_in_and_synced(qtbot, synced, proxy.url, user)
    synced.controller.edit_delay_ms = 60_000  # only the sync this test starts
    for i in range(4):
        put(store, f"Slow {i}", at(THU, 8 + i))
    proxy.hold = threading.Event()  # the network answers when the test says so
    ticks: list[int] = []
    timer = QtCore.QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    try:
        synced.controller.sync_now()
        assert synced.indicator_text == "Syncing…"
        # The sync's request hangs at the proxy, and the GUI loop keeps turning: a request
        # made on the GUI thread would stop the timer until the answer came.
        qtbot.waitUntil(lambda: proxy.waiting >= 1, timeout=10_000)
        start = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) - start >= 10, timeout=10_000)
        assert synced.controller.running and proxy.waiting >= 1  # the sync really is slow
        # The user keeps editing meanwhile: the window's store is never locked out.
        put(store, "Typed during the sync", at(FRI, 16))
        with qtbot.waitSignal(synced.controller.synced, timeout=30_000):
            proxy.hold.set()
    finally:
        proxy.hold.set()
        timer.stop()
    assert "Typed during the sync" in titles_shown(synced.window)
    # The edit made during the sync goes right after it.
    qtbot.waitUntil(lambda: synced.controller.pending == 0 and not synced.controller.running,
                    timeout=30_000)


# ----------------------------------------------------------------- reminders


def test_a_reminder_dismissed_on_the_laptop_leaves_this_desktops_reminder_window(
        qtbot, synced: SyncedWindow, store: Store, user: tuple[str, str],  # type: ignore[no-untyped-def]
        cloud: CloudProcess, other: Desktop) -> None:
    signed_in_and_synced(qtbot, synced, cloud.url, user, other)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    clock = FakeClock(now)
    recorder = RecordingNotifier()
    reminders = ReminderService(store, notifier=recorder, watermark=MemoryWatermark(),
                                clock=clock, zone_name=lambda: "Europe/Berlin")
    qtbot.addWidget(reminders.window)
    try:
        with qtbot.waitSignal(synced.controller.synced, timeout=10_000):
            # Written an hour before its reminder time (one set late never fires).
            ev = store.put_events([Event.new(
                store.default_calendar().id, "Board meeting",
                ZonedTime(now + timedelta(minutes=10), "Europe/Berlin"),
                ZonedTime(now + timedelta(minutes=70), "Europe/Berlin"),
                reminders=(Reminder(15),), created=now - timedelta(hours=1),
                updated=now - timedelta(hours=1))], touch=False)[0]
        reminders.start()
        qtbot.waitUntil(lambda: reminders.window.row_count() == 1, timeout=5000)
        assert recorder.titles() == ["Board meeting"]
        [pending] = reminders.engine.pending()
        due = pending.reminder
        # The laptop (the other desktop) has the event and dismisses its reminder there.
        other.sync()
        assert other.get(ev.id) is not None
        other.store.set_reminder_states([ReminderState(due.occurrence_key, due.reminder,
                                                       "dismissed", due.due, None)])
        other.sync()
        # Here: the next sync brings the dismissal; the reminder window drops it.
        synced.wait_synced(qtbot)
        qtbot.waitUntil(lambda: reminders.window.row_count() == 0, timeout=5000)
        assert store.reminder_states()[due.key].state == "dismissed"
        # And it does not fire again, now or later.
        clock.set(now + timedelta(minutes=5))
        reminders.scheduler.run_check()
        assert recorder.titles() == ["Board meeting"]
        assert reminders.engine.pending() == []
    finally:
        reminders.stop()
