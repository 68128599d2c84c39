"""POST /events/batch with updates (``if_match``) and ``deletes``: the same preconditions,
idempotent retries and reminder dues as PUT/DELETE /events/{id}, in the order given."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aurora_cloud.storage import Kind
from tests.helpers.cloud import InProcess, event_body

CREATE = {"If-None-Match": "*"}
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def match(v: int) -> dict[str, str]:
    return {"If-Match": f'"{v}"'}


def put(inproc: InProcess, body: dict[str, Any], *, sub: str = "alice") -> dict[str, Any]:
    status, _, stored = inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE,
                                    sub=sub)
    assert status == 201, stored
    return stored


def batch(inproc: InProcess, request: dict[str, Any], *, sub: str = "alice"
          ) -> list[dict[str, Any]]:
    status, _, data = inproc.call("POST", "/events/batch", request, sub=sub)
    assert status == 200, data
    results: list[dict[str, Any]] = data["results"]
    return results


def feed(inproc: InProcess, cursor: str | None, *, sub: str = "alice"
         ) -> tuple[list[tuple[str, int, bool]], str]:
    """(id, version, deleted) of the events changed after ``cursor``, in change order."""
    _, _, page = inproc.call("GET", "/sync", query={"cursor": cursor} if cursor else None,
                             sub=sub)
    return [(e["id"], e["version"], e["deleted"]) for e in page["events"]], page["cursor"]


def test_updates_follow_if_match_like_put(inproc: InProcess) -> None:
    a, b, c, gone = (put(inproc, event_body(title=t)) for t in "abcd")
    inproc.call("DELETE", f"/events/{gone['id']}", headers=match(1))
    missing = event_body(title="never created")
    request = {"events": [{**a, "title": "a2"}, {**b, "title": "b2"}, {**c, "title": "c2"},
                          {**gone, "title": "d2"}, missing],
               "if_match": {a["id"]: 1, b["id"]: 0, gone["id"]: 2, missing["id"]: 1}}
    for key in ("version", "created_at", "updated_at", "deleted"):
        for e in request["events"]:
            e.pop(key, None)
    r = batch(inproc, request)
    assert [x["status"] for x in r] == [200, 412, 412, 412, 404]
    assert [x["id"] for x in r] == [a["id"], b["id"], c["id"], gone["id"], missing["id"]]
    assert r[0]["version"] == 2
    # b: stale version; c: no if_match, so a create of an id that exists
    assert r[1]["current"]["title"] == "b" and r[1]["current"]["version"] == 1
    assert r[2]["current"]["title"] == "c" and r[2]["detail"] == "an event with this id exists"
    assert r[3]["current"]["deleted"] is True and r[3]["current"]["version"] == 2
    assert r[4]["detail"] and r[4].get("current") is None
    assert inproc.call("GET", f"/events/{a['id']}")[2]["title"] == "a2"
    # The same request again (a lost answer): a is already what was sent, at if_match + 1.
    again = batch(inproc, request)
    assert [x["status"] for x in again] == [200, 412, 412, 412, 404]
    assert again[0]["version"] == 2
    assert inproc.call("GET", f"/events/{a['id']}")[2]["version"] == 2


def test_deletes_follow_if_match_like_delete(inproc: InProcess) -> None:
    a, b, c = (put(inproc, event_body(title=t)) for t in "abc")
    inproc.call("PUT", f"/events/{b['id']}", {**event_body(b["id"]), "title": "b2"},
                headers=match(1))
    nobody = str(uuid.uuid4())
    request = {"deletes": [{"id": a["id"], "if_match": 1}, {"id": b["id"], "if_match": 1},
                           {"id": c["id"]}, {"id": nobody, "if_match": 3}]}
    r = batch(inproc, request)
    assert [x["status"] for x in r] == [204, 412, 204, 404]
    assert r[0]["version"] == 2 and r[2]["version"] == 2
    assert r[1]["current"]["title"] == "b2" and r[1]["current"]["version"] == 2
    assert inproc.call("GET", f"/events/{a['id']}")[0] == 404
    # Retried: deleted already (the tombstone is at if_match + 1) is 204, no new version.
    again = batch(inproc, request)
    assert [x["status"] for x in again] == [204, 412, 204, 404]
    assert again[0]["version"] == 2 and again[2]["version"] == 2
    events, _ = feed(inproc, None)
    assert (a["id"], 2, True) in events and (c["id"], 2, True) in events


def test_a_mixed_batch_is_processed_in_the_order_given(inproc: InProcess) -> None:
    """Creates, updates and deletes in one request: answers in request order, and the
    change feed has the writes in that order (events, then deletes), over chunks."""
    old = [put(inproc, event_body(title=f"old {i}")) for i in range(40)]
    _, cursor = feed(inproc, None)
    new = [event_body(title=f"new {i}") for i in range(30)]
    updates = [{**event_body(o["id"]), "title": f"edited {i}"} for i, o in enumerate(old[:30])]
    events = [x for pair in zip(new, updates, strict=True) for x in pair]  # interleaved
    deletes = [{"id": o["id"], "if_match": 1} for o in reversed(old[30:])]
    r = batch(inproc, {"events": events, "deletes": deletes,
                       "if_match": {u["id"]: 1 for u in updates}})
    assert [x["id"] for x in r] == [e["id"] for e in events] + [d["id"] for d in deletes]
    assert [x["status"] for x in r] == [201, 200] * 30 + [204] * 10
    changed, _ = feed(inproc, cursor)
    assert [eid for eid, _, _ in changed] == [x["id"] for x in r]
    assert [deleted for _, _, deleted in changed] == [False] * 60 + [True] * 10


def test_refused_items_never_block_the_rest(inproc: InProcess) -> None:
    a = put(inproc, event_body(title="a"))
    bad = {**event_body(a["id"]), "start": "2026-11-25T10:00:00+01:00",
           "end": "2026-11-25T09:00:00+01:00"}
    fresh = event_body(title="fresh")
    r = batch(inproc, {"events": [bad, fresh], "if_match": {a["id"]: 1},
                       "deletes": [{"id": fresh["id"], "if_match": 1}, {"id": a["id"]}]})
    assert [x["status"] for x in r] == [400, 201, 400, 204]
    assert "ends before" in r[0]["detail"] and "twice" in r[2]["detail"]


@pytest.mark.parametrize("request_body", [
    {},
    {"events": []},
    {"deletes": []},
    {"events": [event_body()], "if_match": {str(uuid.uuid4()): 1}},
    {"events": [event_body() for _ in range(60)],
     "deletes": [{"id": str(uuid.uuid4())} for _ in range(41)]},
    {"deletes": [{"id": "not-a-uuid"}]},
    {"deletes": [{"id": str(uuid.uuid4()), "if_match": -1}]},
])
def test_malformed_batches_are_400_problems(inproc: InProcess,
                                            request_body: dict[str, Any]) -> None:
    status, headers, problem = inproc.call("POST", "/events/batch", request_body)
    assert status == 400, problem
    assert headers["Content-Type"] == "application/problem+json"


def _stored(inproc: InProcess, sub: str, ids: list[str]) -> list[Any]:
    """What the table holds for ``ids``: content, version, deletion, reminder due."""
    out = []
    for eid in ids:
        s = inproc.storage.get(sub, Kind.EVENT, eid)
        assert s is not None
        due_at = s.due_sk.split("#")[0] if s.due_sk else None
        out.append((eid, s.doc, s.version, s.deleted, due_at, s.due_info))
    return out


def test_batch_writes_store_what_single_writes_store(inproc: InProcess) -> None:
    """The same edits of a series with email reminders, one user through PUT/DELETE, the
    other through batches: the same answers, items, versions and next reminder dues."""
    inproc.clock.pin(T0)
    master = event_body(title="Daily", rrule="FREQ=DAILY;COUNT=10",
                        reminders=[{"minutes_before": 30, "channel": "email"}])
    moved = event_body(title="Daily (earlier)", uid=master["id"],
                       start="2026-11-25T07:00:00+01:00", end="2026-11-25T08:00:00+01:00",
                       recurrence_id="2026-11-25T09:00:00+01:00",
                       reminders=[{"minutes_before": 120, "channel": "email"}])
    single = event_body(title="One-off", reminders=[{"minutes_before": 15, "channel": "email"}])
    ids = [master["id"], moved["id"], single["id"]]
    steps: list[tuple[list[tuple[dict[str, Any], int | None]], list[tuple[str, int | None]]]] = [
        ([(master, None), (moved, None), (single, None)], []),
        ([({**master, "rrule": "FREQ=DAILY;COUNT=3"}, 1),
          ({**moved, "start": "2026-11-25T06:00:00+01:00"}, 1),
          ({**single, "title": "One-off (moved)", "start": "2026-11-21T09:00:00+01:00",
            "end": "2026-11-21T10:00:00+01:00"}, 1)], []),
        ([({**master, "rrule": "FREQ=DAILY;COUNT=3"}, 1)], [(moved["id"], 2)]),  # a retry
        ([], [(moved["id"], 2), (single["id"], 1)]),  # a retry, a stale delete
        ([], [(single["id"], 2), (master["id"], 2)]),
    ]
    answers: dict[str, list[list[tuple[int, int | None]]]] = {"one": [], "many": []}
    for writes, deletes in steps:
        got = []
        for body, version in writes:
            status, _, item = inproc.call("PUT", f"/events/{body['id']}", body, sub="one",
                                          headers=CREATE if version is None else match(version))
            got.append((status, item.get("version") if status < 300 else
                        item.get("current", {}).get("version")))
        for eid, version in deletes:
            status, _, problem = inproc.call("DELETE", f"/events/{eid}", sub="one",
                                             headers={} if version is None else match(version))
            current = (problem or {}).get("current") or {}
            got.append((status, _stored(inproc, "one", [eid])[0][2] if status == 204
                        else current.get("version")))
        answers["one"].append(got)
        results = batch(inproc, {
            "events": [b for b, _ in writes],
            "if_match": {b["id"]: v for b, v in writes if v is not None},
            "deletes": [{"id": e, "if_match": v} for e, v in deletes]}, sub="many")
        answers["many"].append([(x["status"], x["version"]) for x in results])
        assert _stored(inproc, "many", ids) == _stored(inproc, "one", ids)
        inproc.clock.pin(inproc.clock() + timedelta(hours=20))
    assert answers["many"] == answers["one"]
    assert [s for step in answers["many"] for s, _ in step] == [
        201, 201, 201, 200, 200, 200, 200, 204, 204, 412, 204, 204]


def test_the_change_feed_and_sync_still_hold_batched_deletes(inproc: InProcess) -> None:
    master = event_body(title="Weekly", rrule="FREQ=WEEKLY;COUNT=4")
    override = event_body(title="Weekly (moved)", uid=master["id"],
                          start="2026-12-02T11:00:00+01:00", end="2026-12-02T12:00:00+01:00",
                          recurrence_id="2026-12-02T09:00:00+01:00")
    r = batch(inproc, {"events": [master, override]})
    assert [x["status"] for x in r] == [201, 201]
    _, cursor = feed(inproc, None)
    r = batch(inproc, {"deletes": [{"id": override["id"], "if_match": 1},
                                   {"id": master["id"], "if_match": 1}]})
    assert [x["status"] for x in r] == [204, 204]
    changed, _ = feed(inproc, cursor)
    assert changed == [(override["id"], 2, True), (master["id"], 2, True)]
