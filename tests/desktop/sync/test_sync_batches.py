"""Event updates and deletes go through POST /events/batch with their base versions, and
every answer in a batch is taken as the single-item requests' answers are: confirmed,
merged (412), sent again as new (404 on an update), done (404 on a delete), set aside."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from aurora_core.model import Event
from aurora_core.recurrence import edit_occurrence
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, dump, make_account
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.times import zoned

pytestmark = pytest.mark.e2e


def converge(*desktops: Desktop) -> None:
    for _ in range(3):
        for d in desktops:
            d.sync()
    first = desktops[0].snapshot()
    for d in desktops[1:]:
        assert dump(d.snapshot()) == dump(first), f"{d.name} differs from {desktops[0].name}"


def requests_of(proxy: FaultyProxy, since: int) -> Counter[str]:
    """'METHOD /path' of the requests the proxy forwarded or answered after ``since``
    (ids replaced by {id})."""
    out: Counter[str] = Counter()
    for method, path, _ in proxy.log[since:]:
        parts = path.split("?")[0].split("/")
        if len(parts) > 2 and parts[-1] != "batch":
            parts[-1] = "{id}"
        out[f"{method} {'/'.join(parts)}"] += 1
    return out


def behind(desktop: Desktop, proxy: FaultyProxy) -> Desktop:
    desktop.cloud = CloudProcess(desktop.cloud.data_dir, url=proxy.url)
    return desktop


def series(d: Desktop, title: str, day: int) -> Event:
    start = zoned(2026, 12, day, 9)
    end = zoned(2026, 12, day, 9, 30)
    return d.store.put_event(Event.new(d.calendar_id(), title, start, end,
                                       rrule="FREQ=DAILY;COUNT=6"))


def move_occurrence(d: Desktop, master: Event, day: int, hour: int) -> None:
    rid = zoned(2026, 12, day, 9)
    d.store.apply(edit_occurrence(d.get(master.id), [], rid,  # type: ignore[arg-type]
                                  start=zoned(2026, 12, day, hour),
                                  end=zoned(2026, 12, day, hour, 30)))


def test_edits_and_deletes_of_events_and_series_go_in_one_batch(cloud: CloudProcess,
                                                                tmp_path: Path) -> None:
    email, password = make_account(cloud, tmp_path)
    proxy = FaultyProxy(cloud.url)
    try:
        a = behind(Desktop("laptop", tmp_path / "laptop", cloud), proxy)
        b = Desktop("office", tmp_path / "office", cloud)
        a.sign_in(email, password)
        b.sign_in(email, password)
        plain = [a.add(f"Event {i}", day=1 + i) for i in range(10)]
        kept = series(a, "Kept series", 14)
        gone = series(a, "Gone series", 21)
        move_occurrence(a, gone, 22, 15)
        converge(a, b)
        start = len(proxy.log)
        for ev in plain[:8]:
            a.edit(ev.id, title=f"{ev.title} (edited)")
        for ev in plain[8:]:
            a.delete(ev.id)
        move_occurrence(a, kept, 15, 11)  # a new override of a series renamed with it
        a.edit(kept.id, title="Kept series (renamed)")
        a.delete(gone.id)  # and its override: the override's delete goes first
        report = a.sync()
        assert report.pending == 0 and report.set_aside == 0 and report.pushed == 14
        sent = requests_of(proxy, start)
        assert sent == Counter({"POST /events/batch": 1, "GET /sync": 1}), sent
        converge(a, b)
        master, overrides = b.store.series(kept.uid)
        assert master is not None and master.title == "Kept series (renamed)"
        assert [o.start for o in overrides] == [
            zoned(2026, 12, 15, 11)]
        assert b.store.series(gone.uid) == (None, [])
        assert sorted(e["title"] for e in b.snapshot() if e["title"].startswith("Event")) == \
            sorted(f"Event {i} (edited)" for i in range(8))
        a.close()
        b.close()
    finally:
        proxy.stop()


def test_every_answer_in_one_batch_is_taken_like_a_single_requests(cloud: CloudProcess,
                                                                   tmp_path: Path) -> None:
    """After the stack is restored from an older copy, one batch from A meets 200, 204,
    412 (B changed the event), 404 on an update (the server lost the event: sent again
    as new) and 404 on a delete (done)."""
    own = CloudProcess(tmp_path / "stack").start()
    proxy = FaultyProxy(own.url)
    try:
        email, password = make_account(own, tmp_path)
        a = behind(Desktop("laptop", tmp_path / "laptop", own), proxy)
        b = Desktop("office", tmp_path / "office", own)
        a.sign_in(email, password)
        b.sign_in(email, password)
        shared = a.add("Shared", day=3)
        edited = a.add("Edited", day=4)
        deleted = a.add("Deleted", day=5)
        converge(a, b)
        own.stop()
        shutil.copytree(own.data_dir, tmp_path / "backup")
        own.start()
        lost = a.add("Lost by the server", day=6)
        lost_deleted = a.add("Lost by the server, deleted here", day=7)
        a.sync()
        own.stop()
        shutil.rmtree(own.data_dir)
        shutil.copytree(tmp_path / "backup", own.data_dir)
        own.start()
        b.edit(shared.id, title="Shared (B)")
        b.sync()
        a.edit(shared.id, title="Shared (A)")
        a.edit(edited.id, location="Room 2")
        a.edit(lost.id, location="Room 3")
        a.delete(deleted.id)
        a.delete(lost_deleted.id)
        start = len(proxy.log)
        report = a.sync()
        sent = requests_of(proxy, start)
        assert sent["POST /events/batch"] == 2, sent  # the answers, then the lost one again
        assert sent["PUT /events/{id}"] == sent["DELETE /events/{id}"] == 0, sent
        assert report.set_aside == 0 and report.resent >= 1
        converge(a, b)
        for d in (a, b):
            got = {e["title"]: e for e in d.snapshot()}
            assert set(got) == {"Shared (B)", "Edited", "Lost by the server"}, d.name
            assert got["Edited"]["location"] == "Room 2"
            assert got["Lost by the server"]["location"] == "Room 3"
        [conflict] = a.store.conflicts(a.account)
        assert (conflict.unit, conflict.kept, conflict.lost) == ("title", "Shared (B)",
                                                                 "Shared (A)")
        a.close()
        b.close()
    finally:
        proxy.stop()
        own.stop()


def test_a_server_that_refuses_batches_gets_every_change_one_by_one(cloud: CloudProcess,
                                                                    tmp_path: Path) -> None:
    """A batch refused as a whole (an older server that only creates, a body it will not
    take): its items go one request each, and each answer counts as before."""
    email, password = make_account(cloud, tmp_path)
    proxy = FaultyProxy(cloud.url)
    try:
        a = behind(Desktop("laptop", tmp_path / "laptop", cloud), proxy)
        b = Desktop("office", tmp_path / "office", cloud)
        a.sign_in(email, password)
        b.sign_in(email, password)
        evs = [a.add(f"Event {i}", day=1 + i) for i in range(4)]
        converge(a, b)
        b.edit(evs[0].id, title="Event 0 (B)")
        b.sync()
        a.edit(evs[0].id, title="Event 0 (A)")
        a.edit(evs[1].id, title="Event 1 (A)")
        a.delete(evs[2].id)
        a.add("New on A", day=9)
        proxy.rule = lambda method, path, n: 400 if path.startswith("/events/batch") else None
        start = len(proxy.log)
        report = a.sync()
        sent = requests_of(proxy, start)
        assert sent["POST /events/batch"] >= 1
        assert sent["PUT /events/{id}"] >= 3 and sent["DELETE /events/{id}"] == 1, sent
        assert report.pending == 0 and report.set_aside == 0
        proxy.rule = None
        converge(a, b)
        titles = sorted(e["title"] for e in b.snapshot())
        assert titles == ["Event 0 (B)", "Event 1 (A)", "Event 3", "New on A"]
        assert [(c.unit, c.kept, c.lost) for c in a.store.conflicts(a.account)] == [
            ("title", "Event 0 (B)", "Event 0 (A)")]
        a.close()
        b.close()
    finally:
        proxy.stop()
