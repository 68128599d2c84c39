"""Two (or three) desktops of one person, syncing through the local stack over real HTTP.

Each story is what a person does: edit on the laptop on a train, on the office
desktop, sync, and expect one calendar everywhere with nothing lost.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from aurora_core.model import Event, ZonedTime
from aurora_core.recurrence import edit_all, edit_occurrence
from aurora_desktop.sync import engine as engine_module
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, dump, make_account
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.times import zoned

pytestmark = pytest.mark.e2e


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


def converge(*desktops: Desktop) -> None:
    """Sync every desktop until nothing moves (at most three rounds)."""
    for _ in range(3):
        for d in desktops:
            d.sync()
    first = desktops[0].snapshot()
    for d in desktops[1:]:
        assert dump(d.snapshot()) == dump(first), f"{d.name} differs from {desktops[0].name}"


def test_offline_edits_on_both_desktops_end_up_on_both(pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    shared = a.add("Team lunch", day=8)
    converge(a, b)
    # Both offline: each adds and edits.
    a.add("Dentist", day=9)
    b.add("Gym", day=10)
    a.edit(shared.id, location="Canteen")
    converge(a, b)
    titles = sorted(e["title"] for e in b.snapshot())
    assert titles == ["Dentist", "Gym", "Team lunch"]
    assert b.get(shared.id).location == "Canteen"  # type: ignore[union-attr]


def test_different_fields_changed_on_each_desktop_are_both_kept(
        pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    ev = a.add("Review", day=11)
    converge(a, b)
    a.edit(ev.id, title="Design review")
    later = zoned(2026, 12, 11, 14)
    b.edit(ev.id, start=later, end=zoned(2026, 12, 11, 15))
    a.sync()
    b.sync()  # B's push gets 412 and merges: the title from A, the time from B
    converge(a, b)
    merged = a.get(ev.id)
    assert merged is not None and merged.title == "Design review"
    assert merged.start == later
    assert a.store.conflicts() == [] and b.store.conflicts() == []


def test_the_same_field_changed_on_both_gives_one_value_everywhere_and_keeps_the_other(
        pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    ev = a.add("Call", day=12)
    converge(a, b)
    a.edit(ev.id, title="Call with Anna")
    b.edit(ev.id, title="Call with Bob")
    a.sync()  # A is first: its title is the server's
    b.sync()
    converge(a, b)
    assert a.get(ev.id).title == b.get(ev.id).title == "Call with Anna"  # type: ignore[union-attr]
    [conflict] = b.store.conflicts()
    assert (conflict.id, conflict.unit, conflict.kept, conflict.lost) == (
        ev.id, "title", "Call with Anna", "Call with Bob")
    # "Use this one": B's title becomes a new edit and wins everywhere.
    b.store.use_lost_value(conflict.seq)
    converge(a, b)
    assert a.get(ev.id).title == "Call with Bob"  # type: ignore[union-attr]
    assert b.store.conflicts() == []


def test_an_edit_beats_a_delete_in_both_directions(pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    one = a.add("Edited here, deleted there", day=14)
    two = a.add("Deleted here, edited there", day=15)
    converge(a, b)
    a.edit(one.id, location="Room 1")
    b.delete(one.id)
    a.delete(two.id)
    b.edit(two.id, location="Room 2")
    b.sync()
    report = a.sync()
    converge(a, b)
    for d in (a, b):
        assert d.get(one.id) is not None and d.get(one.id).location == "Room 1"  # type: ignore[union-attr]
        assert d.get(two.id) is not None and d.get(two.id).location == "Room 2"  # type: ignore[union-attr]
    assert report.restored, "the user is told that a deleted event came back"


def test_a_series_edited_on_one_desktop_and_an_occurrence_on_the_other(
        pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    start = zoned(2026, 12, 7, 9)
    end = zoned(2026, 12, 7, 9, 30)
    master = a.store.put_event(Event.new(a.calendar_id(), "Stand-up", start, end,
                                         rrule="FREQ=DAILY;COUNT=10"))
    converge(a, b)
    # A renames the whole series; B moves Wednesday's occurrence.
    a.store.apply(edit_all(master, [], title="Daily stand-up"))
    rid = zoned(2026, 12, 9, 9)
    b.store.apply(edit_occurrence(b.get(master.id), [], rid,  # type: ignore[arg-type]
                                  start=zoned(2026, 12, 9, 11),
                                  end=zoned(2026, 12, 9, 11, 30)))
    converge(a, b)
    for d in (a, b):
        m, overrides = d.store.series(master.uid)
        assert m is not None and m.title == "Daily stand-up"
        assert len(overrides) == 1
        assert overrides[0].start == zoned(2026, 12, 9, 11)


def test_first_sign_in_with_a_thousand_local_events_done_twice_makes_no_duplicates(
        cloud: CloudProcess, tmp_path: Path) -> None:
    email, password = make_account(cloud, tmp_path)
    a = Desktop("laptop", tmp_path / "laptop", cloud)
    base = zoned(2026, 12, 1, 8)
    cal = a.calendar_id()
    events = [Event.new(cal, f"Local {i}", ZonedTime(base.at + timedelta(hours=i), base.tz),
                        ZonedTime(base.at + timedelta(hours=i, minutes=30), base.tz))
              for i in range(1000)]
    a.store.put_events(events)
    a.sign_in(email, password)
    report = a.sync()
    assert report.pushed >= 1000 and report.pending == 0
    assert report.requests < 40, "1,000 creates go through batches, not one request each"
    # Sign out keeping a copy, sign in again: nothing is uploaded twice.
    a.store.release_account(a.account, keep=True)
    a.sign_in(email, password)
    a.sync()
    # A second computer with the same calendar imported (same ids) signs in too.
    b = Desktop("office", tmp_path / "office", cloud)
    b.store.put_events([e.replace(calendar_id=b.calendar_id()) for e in events])
    b.sign_in(email, password)
    b.sync()
    converge(a, b)
    assert len(a.snapshot()) == 1000
    assert [n for _, n in b.calendars()] == ["Personal"], "no second 'Personal'"
    a.close()
    b.close()


def test_a_cursor_past_the_tombstone_horizon_keeps_pending_changes(
        pair: tuple[Desktop, Desktop]) -> None:
    a, b = pair
    kept = a.add("Kept", day=16)
    gone = a.add("Deleted elsewhere", day=17)
    converge(a, b)
    b.delete(gone.id)
    b.sync()
    a.edit(kept.id, title="Kept and edited offline")
    # A has been away for longer than the server keeps deletions.
    cursor = a.store.sync_value(a.account, "cursor")
    assert cursor is not None
    # Cursors are signed (an edited one is refused); an unsigned cursor of the old
    # format, 40 days old, is what the server answers 410 horizon.
    seq = cursor.split(".")[1]
    old = int(time.time()) - 40 * 86400
    a.store.set_sync_value(a.account, "cursor", f"c1.{seq}.{old}")
    report = a.sync()
    assert report.resync == "horizon"
    converge(a, b)
    assert b.get(kept.id).title == "Kept and edited offline"  # type: ignore[union-attr]
    assert a.get(gone.id) is None


def test_a_cursor_the_server_refuses_leads_to_a_full_resync(
        pair: tuple[Desktop, Desktop]) -> None:
    """An edited (or damaged, or foreign-key) cursor is a 400; the desktop does a full
    resync instead of failing every sync from then on."""
    a, b = pair
    first = a.add("Before", day=18)
    converge(a, b)
    b.edit(first.id, title="Changed on B")
    b.sync()
    cursor = a.store.sync_value(a.account, "cursor")
    assert cursor is not None and cursor.startswith("c2.")
    edited = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    a.store.set_sync_value(a.account, "cursor", edited)
    report = a.sync()
    assert report.resync == "horizon"
    assert a.get(first.id).title == "Changed on B"  # type: ignore[union-attr]
    assert a.sync().resync is None  # the new cursor is good


def test_429_500_and_an_expired_token_in_the_middle_of_a_sync_lose_nothing(
        cloud: CloudProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches of 4: the 16 changes below go in four requests, room for trouble between them.
    monkeypatch.setattr(engine_module, "BATCH", 4)
    email, password = make_account(cloud, tmp_path)
    proxy = FaultyProxy(cloud.url)
    try:
        a = Desktop("laptop", tmp_path / "laptop", cloud)
        a.cloud = CloudProcess(cloud.data_dir, url=proxy.url)  # the desktop sees the proxy
        a.sign_in(email, password)
        a.sync()
        first = [a.add(f"Offline {i}", day=1 + i % 28) for i in range(30)]
        a.sync()
        for ev in first[:6]:
            a.edit(ev.id, location="Moved")
        for i in range(30, 40):
            a.add(f"Offline {i}", day=1 + i % 28)
        faults = {1: 429, 3: 500, 5: 401, 7: 503}
        start = proxy.count
        proxy.rule = lambda method, path, n: faults.get(n - start)
        a.sync()
        assert {f for _, _, f in proxy.log} >= {429, 500, 401}
        assert a.store.pending_count(a.account) == 0
        b = Desktop("office", tmp_path / "office", cloud)
        b.sign_in(email, password)
        b.sync()
        assert len(b.snapshot()) == 40
        assert sum(1 for e in b.snapshot() if e["location"] == "Moved") == 6
        # A server that stays down: the sync stops, the change waits, nothing is lost.
        a.add("Waits")
        proxy.rule = lambda method, path, n: 500
        from aurora_desktop.sync import SyncError

        with pytest.raises(SyncError):
            a.sync()
        assert a.store.pending_count(a.account) == 1
        proxy.rule = None
        a.sync()
        b.sync()
        assert "Waits" in [e["title"] for e in b.snapshot()]
        a.close()
        b.close()
    finally:
        proxy.stop()


def test_a_server_restored_from_an_older_copy_loses_no_event(cloud: CloudProcess,
                                                            tmp_path: Path) -> None:
    own = CloudProcess(tmp_path / "stack").start()
    try:
        email, password = make_account(own, tmp_path)
        a = Desktop("laptop", tmp_path / "laptop", own)
        b = Desktop("office", tmp_path / "office", own)
        a.sign_in(email, password)
        b.sign_in(email, password)
        early = a.add("Before the backup")
        converge(a, b)
        own.stop()
        shutil.copytree(own.data_dir, tmp_path / "backup")
        own.start()
        late_a = a.add("After the backup, from A")
        late_b = b.add("After the backup, from B")
        a.edit(early.id, location="Edited after the backup")
        converge(a, b)
        # The server is restored from the older copy.
        own.stop()
        shutil.rmtree(own.data_dir)
        shutil.copytree(tmp_path / "backup", own.data_dir)
        own.start()
        converge(a, b)
        for d in (a, b):
            titles = {e["title"] for e in d.snapshot()}
            assert {"Before the backup", "After the backup, from A",
                    "After the backup, from B"} <= titles
            assert d.get(early.id).location == "Edited after the backup"  # type: ignore[union-attr]
        assert late_a.id and late_b.id
        a.close()
        b.close()
    finally:
        own.stop()


def test_sync_json_names_pushed_pulled_pending_and_conflicts(pair: tuple[Desktop, Desktop]
                                                             ) -> None:
    a, b = pair
    ev = a.add("Standup notes", day=18)
    converge(a, b)
    a.edit(ev.id, title="A")
    b.edit(ev.id, title="B")
    a.sync()
    report = b.sync()
    data = report.to_json([c.to_json() for c in b.store.conflicts(b.account)])
    json.dumps(data)
    assert {"pushed", "pulled", "pending", "conflicts"} <= set(data)
    [c] = data["conflicts"]
    assert (c["id"], c["field"], c["kept"], c["lost"]) == (ev.id, "title", "A", "B")
