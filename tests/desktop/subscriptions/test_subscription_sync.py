"""A subscription syncs across the desktops of an account; its events never do (issue 11).

Two (or three) desktops, each its own data folder, store and account, against the
local stack over real HTTP on 127.0.0.1, and the feed server of this folder: what a
person does on the laptop shows on the office desktop after a sync, and each
desktop fetches the feed itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurora_core.model import Calendar
from aurora_desktop.store import ReminderState
from aurora_desktop.subscriptions import fetch_new, refresh, subscribe
from aurora_desktop.sync import make_engine
from aurora_desktop.sync_cli import run_sync
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, make_account
from tests.helpers.feed_server import FeedServer, Route, ics

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOLIDAYS = ics(("ny", "New Year", "20270101"), ("may", "May Day", "20270501"),
               name="Public holidays")


@pytest.fixture
def pair(cloud: CloudProcess, tmp_path: Path) -> Iterator[tuple[Desktop, Desktop]]:
    email, password = make_account(cloud, tmp_path)
    a = Desktop("laptop", tmp_path / "laptop", cloud)
    b = Desktop("office", tmp_path / "office", cloud)
    a.sign_in(email, password)
    a.sync()
    b.sign_in(email, password)
    b.sync()
    yield a, b
    a.close()
    b.close()


def titles(d: Desktop, calendar_id: str) -> list[str]:
    return sorted(e.title for e in d.store.events(calendar_id) if e.recurrence_id is None)


def server_items(d: Desktop) -> tuple[list[dict[str, object]], int]:
    """The account's live calendars and how many live events the server has."""
    client = make_engine(d.data_dir, d.store, d.accounts).client
    cals: list[dict[str, object]] = []
    events = 0
    cursor = None
    while True:
        page = client.changes(cursor)
        cals += [c.model_dump(mode="json") for c in page.calendars if not c.deleted]
        events += sum(1 for e in page.events if not e.deleted)
        cursor = page.cursor
        if not page.has_more:
            return cals, events


def subs(d: Desktop) -> dict[str, tuple[str, str, str]]:
    """calendar id -> (name, colour, address) of the desktop's live subscriptions."""
    return {s.calendar.id: (s.calendar.name, s.calendar.color, s.url)
            for s in d.store.subscriptions()}


def test_a_subscription_made_on_one_desktop_is_fetched_by_the_other(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    a, b = pair
    server.routes["/h.ics"] = Route(HOLIDAYS, etag='"v1"')
    cal = subscribe(a.store, server.url("/h.ics")).calendar
    assert a.store.calendar_account(cal.id) == a.account
    assert not a.store.pending("event"), "a subscription's events are never pending"
    a.sync()
    b.sync()
    assert subs(b) == {cal.id: ("Public holidays", cal.color, server.url("/h.ics"))}
    assert b.store.calendar(cal.id).read_only
    assert titles(b, cal.id) == [], "the content is never the server's"
    assert b.store.unfetched_subscriptions() == [cal.id]
    hits = server.hits["/h.ics"]
    [done] = fetch_new(b.store)
    assert done.error is None and server.hits["/h.ics"] == hits + 1, "B fetched it itself"
    assert titles(b, cal.id) == ["May Day", "New Year"]
    # Same content, same derived ids on both desktops (the calendar id is shared).
    assert sorted(e.id for e in a.store.events(cal.id)) == \
        sorted(e.id for e in b.store.events(cal.id))
    assert b.store.unfetched_subscriptions() == []
    # Nothing of the content ever reached the server, from either desktop.
    a.sync()
    b.sync()
    cals, events = server_items(a)
    assert events == 0
    assert [(c["id"], c.get("source_url")) for c in cals if c.get("source_url")] == \
        [(cal.id, server.url("/h.ics"))]
    assert not a.store.pending() and not b.store.pending()


def test_rename_recolour_and_unsubscribe_follow_on_the_other_desktop(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    a, b = pair
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(a.store, server.url("/h.ics")).calendar
    a.sync()
    b.sync()
    fetch_new(b.store)
    # Renamed and recoloured on A (the sidebar's dialog does put_calendar).
    a.store.put_calendar(Calendar(cal.id, "Holidays (DE)", "#ef4444", True, True))
    a.sync()
    b.sync()
    assert subs(b)[cal.id] == ("Holidays (DE)", "#ef4444", server.url("/h.ics"))
    assert b.store.calendar(cal.id).read_only
    # Hidden on B stays B's own.
    b.store.put_calendar(Calendar(cal.id, "Holidays (DE)", "#ef4444", False, True))
    b.sync()
    a.sync()
    assert a.store.calendar(cal.id).visible
    # Unsubscribed on B (deleting it in the sidebar): gone on A too, events and all.
    b.store.delete_calendar(cal.id)
    assert subs(b) == {} and titles(b, cal.id) == []
    b.sync()
    a.sync()
    assert subs(a) == {}
    assert a.store.events(cal.id) == []
    assert cal.id not in {c.id for c in a.store.calendars()}
    assert not a.store.pending() and not b.store.pending()
    cals, events = server_items(a)
    assert cal.id not in [c["id"] for c in cals] and events == 0


def test_a_permanent_redirect_moves_the_subscription_everywhere(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    a, b = pair
    server.routes["/old.ics"] = Route(HOLIDAYS, etag='"v1"')
    cal = subscribe(a.store, server.url("/old.ics")).calendar
    a.sync()
    b.sync()
    fetch_new(b.store)
    # The publisher moves the feed for good; A's next refresh follows the 301.
    server.routes["/new.ics"] = Route(HOLIDAYS + b"", etag='"v2"')
    server.routes["/old.ics"] = Route(status=301, redirect=server.url("/new.ics"))
    assert refresh(a.store, cal.id).error is None
    assert subs(a)[cal.id][2] == server.url("/new.ics")
    assert ("calendar", cal.id) in a.store.pending("calendar")
    a.sync()
    b.sync()
    assert subs(b)[cal.id][2] == server.url("/new.ics")
    # B asks the new address, afresh (the old address's ETag says nothing about it).
    assert b.store.unfetched_subscriptions() == [cal.id]
    old_hits = server.hits["/old.ics"]
    [done] = fetch_new(b.store)
    assert done.error is None and server.hits["/old.ics"] == old_hits
    path, headers = server.requests[-1]
    assert path == "/new.ics" and "If-None-Match" not in headers
    assert titles(b, cal.id) == ["May Day", "New Year"]


def test_two_desktops_subscribing_to_one_address_before_syncing_end_with_one(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    a, b = pair
    server.routes["/h.ics"] = Route(HOLIDAYS)
    on_a = subscribe(a.store, server.url("/h.ics")).calendar
    on_b = subscribe(b.store, server.url("/h.ics"), name="Holidays").calendar
    for _ in range(3):
        a.sync()
        b.sync()
    keep = min(on_a.id, on_b.id)
    assert list(subs(a)) == [keep] and list(subs(b)) == [keep]
    cals, events = server_items(a)
    assert [c["id"] for c in cals if c.get("source_url")] == [keep] and events == 0
    for d in (a, b):
        fetch_new(d.store)
        assert titles(d, keep) == ["May Day", "New Year"]
        assert not d.store.pending()


def test_signing_in_brings_an_older_subscription_into_the_account(
        cloud: CloudProcess, tmp_path: Path, server: FeedServer) -> None:
    """A subscription made before signing in goes to the account like the other
    calendars; one the account already has (same address) is that one, not a second."""
    server.routes["/h.ics"] = Route(HOLIDAYS)
    server.routes["/f.ics"] = Route(ics(("m1", "Match", "20270110"), name="Football"))
    email, password = make_account(cloud, tmp_path)
    a = Desktop("laptop", tmp_path / "laptop", cloud)
    b = Desktop("office", tmp_path / "office", cloud)
    try:
        hol_a = subscribe(a.store, server.url("/h.ics")).calendar
        hol_b = subscribe(b.store, server.url("/h.ics")).calendar
        foot = subscribe(b.store, server.url("/f.ics")).calendar
        a.sign_in(email, password)
        report = a.sync()
        assert "Public holidays" in " ".join(report.notices)
        b.sign_in(email, password)
        b.sync()
        a.sync()
        assert set(subs(b)) == {hol_a.id, foot.id}, "B's own copy of the holidays went"
        assert hol_b.id not in {c.id for c in b.store.calendars()}
        assert set(subs(a)) == {hol_a.id, foot.id}
        assert titles(b, hol_a.id) == [] and b.store.unfetched_subscriptions() == [hol_a.id]
        fetch_new(b.store)
        fetch_new(a.store)
        assert titles(b, hol_a.id) == ["May Day", "New Year"]
        assert titles(a, foot.id) == ["Match"]
        assert server_items(a)[1] == 0
        assert not a.store.pending() and not b.store.pending()
    finally:
        a.close()
        b.close()


def test_a_full_resync_keeps_a_subscriptions_events(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    a, _ = pair
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(a.store, server.url("/h.ics")).calendar
    a.sync()
    # Away for longer than the server keeps deletions (see test_sync_two_desktops).
    cursor = a.store.sync_value(a.account, "cursor")
    assert cursor is not None
    a.store.set_sync_value(a.account, "cursor",
                           f"c1.{cursor.split('.')[1]}.{int(time.time()) - 40 * 86400}")
    report = a.sync()
    assert report.resync == "horizon" and report.resent == 0
    assert titles(a, cal.id) == ["May Day", "New Year"]
    assert subs(a)[cal.id][2] == server.url("/h.ics")
    assert server_items(a)[1] == 0


def test_aurora_sync_fetches_a_subscription_from_another_desktop(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    """The command line decides: `aurora sync` fetches what arrived, after the sync, so
    `aurora list` shows it; a feed it cannot reach is said, the sync still succeeded."""
    a, b = pair
    server.routes["/h.ics"] = Route(HOLIDAYS)
    server.routes["/down.ics"] = Route(HOLIDAYS)
    hol = subscribe(a.store, server.url("/h.ics")).calendar
    down = subscribe(a.store, server.url("/down.ics"), name="Flaky").calendar
    server.routes["/down.ics"] = Route(status=503)
    a.sync()
    report, _ = run_sync(b.data_dir, b.accounts)
    text = "\n".join(report.notices)
    assert "Subscribed here to 'Public holidays' (from another desktop): 2 events." in text
    assert "'Flaky' (a subscription from another desktop) could not be fetched yet" in text
    assert "HTTP 503" in text
    assert titles(b, hol.id) == ["May Day", "New Year"]
    assert b.store.subscription(down.id) is not None
    assert b.store.subscription_errors()[down.id].endswith("503 Service Unavailable")
    # Not fetched again by the next sync (it failed: the refresh retries it).
    report, _ = run_sync(b.data_dir, b.accounts)
    assert not [n for n in report.notices if "Flaky" in n]


def test_a_reminder_dismissed_on_one_desktop_is_dismissed_on_the_other(
        pair: tuple[Desktop, Desktop], server: FeedServer) -> None:
    """A subscription's events have the same derived ids on every desktop of the account
    (the calendar id is shared), so what happened to their reminders syncs like any
    event's; the events themselves still never go to the server."""
    a, b = pair
    server.routes["/h.ics"] = Route(HOLIDAYS)
    cal = subscribe(a.store, server.url("/h.ics")).calendar
    a.sync()
    b.sync()
    fetch_new(b.store)
    ev = next(e for e in a.store.events(cal.id) if e.title == "New Year")
    key = f"{ev.uid}/"
    due = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    a.store.set_reminder_states([ReminderState(key, "60:notification", "dismissed", due)])
    a.sync()
    b.sync()
    st = b.store.reminder_states().get((key, "60:notification"))
    assert st is not None and st.state == "dismissed"
    assert server_items(a)[1] == 0
