"""Reminder states: the join (laws, with hypothesis), the endpoints in process and over
HTTP, and what /sync tells a client (server_time, 410 reasons, small when idle, gzip)."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from aurora_core import wire
from aurora_core.wire import ReminderStateWire, join_reminder_states, reminder_state_id
from tests.helpers.cloud import InProcess, User, event_body

T0 = datetime(2026, 11, 25, 8, 45, tzinfo=UTC)
KEY, REMINDER = "meeting-uid/", "15:notification"
SID = reminder_state_id(KEY, REMINDER, T0)


def state(kind: str = "fired", *, due: datetime = T0, changed: float = 0,
          until: datetime | None = None, key: str = KEY, reminder: str = REMINDER,
          **server: Any) -> ReminderStateWire:
    return ReminderStateWire(id=reminder_state_id(key, reminder, due), occurrence_key=key,
                             reminder=reminder, state=kind, due=due, snoozed_until=until,
                             changed_at=T0 + timedelta(seconds=changed), **server)


def body(s: ReminderStateWire) -> dict[str, Any]:
    return s.content()


# --------------------------------------------------------------------------
# The join


_instants = st.sampled_from([T0 + timedelta(minutes=m) for m in (0, 1, 5, 60)])
states = st.builds(
    lambda kind, due, changed, until, version, updated: state(
        kind, due=due, changed=changed, until=until if kind == "snoozed" else None,
        version=version, updated_at=updated),
    st.sampled_from(["fired", "snoozed", "dismissed"]), _instants,
    st.sampled_from([0, 1, 30, 90]), st.one_of(st.none(), _instants),
    st.sampled_from([0, 1, 2]), st.one_of(st.none(), _instants))


@settings(max_examples=400)
@given(states, states)
def test_the_join_is_commutative(a: ReminderStateWire, b: ReminderStateWire) -> None:
    assert join_reminder_states(a, b) == join_reminder_states(b, a)


@settings(max_examples=400)
@given(states, states, states)
def test_the_join_is_associative(a: ReminderStateWire, b: ReminderStateWire,
                                 c: ReminderStateWire) -> None:
    assert join_reminder_states(join_reminder_states(a, b), c) == \
        join_reminder_states(a, join_reminder_states(b, c))


@given(states)
def test_the_join_is_idempotent(a: ReminderStateWire) -> None:
    assert join_reminder_states(a, a) == a


@given(states, states)
def test_the_join_is_one_of_its_inputs(a: ReminderStateWire, b: ReminderStateWire) -> None:
    assert join_reminder_states(a, b) in (a, b)


def test_a_moved_event_gives_its_reminder_a_new_identity() -> None:
    old = state("dismissed", due=T0, changed=10)
    moved = state("fired", due=T0 + timedelta(hours=2), changed=20)
    assert old.id != moved.id  # two items: the dismissal stays, the moved one re-arms


def test_dismissed_beats_snoozed_beats_fired_whenever_they_were_set() -> None:
    fired, snoozed = state("fired", changed=5), state("snoozed", changed=5, until=T0)
    dismissed = state("dismissed", changed=5)
    assert join_reminder_states(fired, snoozed) == snoozed
    assert join_reminder_states(snoozed, dismissed) == dismissed
    assert join_reminder_states(fired, dismissed) == dismissed
    # A desktop that slept through it records "fired" after the dismissal elsewhere.
    late_fire = state("fired", changed=50)
    assert join_reminder_states(dismissed, late_fire) == dismissed
    late_snooze = state("snoozed", changed=50, until=T0 + timedelta(hours=1))
    assert join_reminder_states(dismissed, late_snooze) == dismissed


def test_a_dismissal_after_a_fire_or_snooze_wins() -> None:
    assert join_reminder_states(state("fired", changed=1),
                                state("dismissed", changed=2)).state == "dismissed"
    assert join_reminder_states(state("snoozed", changed=1, until=T0),
                                state("dismissed", changed=2)).state == "dismissed"


def test_two_snoozes_the_later_one_wins_ties_the_later_until() -> None:
    a = state("snoozed", changed=1, until=T0 + timedelta(minutes=60))
    b = state("snoozed", changed=2, until=T0 + timedelta(minutes=5))
    assert join_reminder_states(a, b) == b
    c = state("snoozed", changed=2, until=T0 + timedelta(minutes=15))
    assert join_reminder_states(b, c) == c


def test_ids_are_uuid5_of_occurrence_and_reminder() -> None:
    assert str(uuid.uuid5(wire.REMINDER_STATE_NAMESPACE,
                          f"{KEY}#{REMINDER}#2026-11-25T08:45:00Z")) == SID
    assert reminder_state_id(KEY, "15:email", T0) != SID
    assert uuid.UUID(SID).version == 5


@pytest.mark.parametrize("over", [
    {"reminder": "15"}, {"reminder": "15:sms"}, {"reminder": "12345678:email"},
    {"occurrence_key": ""}, {"occurrence_key": "k" * 1101}, {"state": "shown"},
    {"due": "2026-11-25T08:45:00"},  # no offset
    {"changed_at": "2026-11-25T08:45:00"},
    {"due": "1850-01-01T00:00:00Z"},
])
def test_the_wire_refuses_malformed_states(over: dict[str, Any]) -> None:
    data = {**body(state()), **over}
    with pytest.raises(ValidationError):
        ReminderStateWire.model_validate(data)


def test_times_are_normalised_to_utc() -> None:
    s = ReminderStateWire.model_validate({**body(state()), "due": "2026-11-25T09:45:00+01:00"})
    assert s.due == T0 and s.content()["due"] == "2026-11-25T08:45:00Z"
    long_key = "u" * 1000 + "/20261125T090000Z"
    assert state(key=long_key).occurrence_key == long_key


# --------------------------------------------------------------------------
# The endpoints, in process


def _put(inproc: InProcess, s: ReminderStateWire, **kw: Any) -> tuple[int, dict[str, str], Any]:
    return inproc.call("PUT", f"/reminder-states/{s.id}", body(s), **kw)


def _feed(inproc: InProcess, cursor: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = inproc.call("GET", "/sync",
                                       query={"cursor": cursor} if cursor else None)[2]
    return page


def _raw(inproc: InProcess, state_id: str) -> dict[str, Any]:
    item: dict[str, Any] = inproc.storage.client.get_item(
        TableName=inproc.storage.table, ConsistentRead=True,
        Key={"PK": {"S": "USER#alice"}, "SK": {"S": f"RST#{state_id}"}})["Item"]
    return item


def test_put_creates_joins_and_writes_nothing_when_the_join_is_stored(
        inproc: InProcess) -> None:
    fired = state("fired", changed=1)
    status, headers, created = _put(inproc, fired)
    assert status == 201 and created["version"] == 1 and headers["ETag"] == '"1"'
    assert created["state"] == "fired" and created["updated_at"] is not None
    cursor = _feed(inproc)["cursor"]
    # the same again, and an older "fired": 200 with the stored item, nothing written
    for again in (fired, state("fired", changed=0)):
        status, _, same = _put(inproc, again)
        assert (status, same) == (200, created)
    page = _feed(inproc, cursor)
    assert page["reminder_states"] == [] and page["events"] == []
    assert int(_raw(inproc, SID)["seq"]["N"]) == 1
    dismissed = state("dismissed", changed=2)
    status, _, changed = _put(inproc, dismissed)
    assert status == 200 and changed["version"] == 2 and changed["state"] == "dismissed"
    page = _feed(inproc, cursor)
    assert [(s["id"], s["state"], s["version"]) for s in page["reminder_states"]] == [
        (SID, "dismissed", 2)]


def test_a_state_expires_sixty_days_after_its_due(inproc: InProcess) -> None:
    _put(inproc, state())
    assert int(_raw(inproc, SID)["expires_at"]["N"]) == int(
        (T0 + timedelta(days=60)).timestamp())


def test_wrong_ids_are_400(inproc: InProcess) -> None:
    s = state()
    wrong = str(uuid.uuid4())
    status, _, problem = inproc.call("PUT", f"/reminder-states/{wrong}",
                                     {**body(s), "id": wrong})
    assert status == 400 and SID in problem["detail"]
    status, _, problem = inproc.call("PUT", f"/reminder-states/{wrong}", body(s))
    assert status == 400 and "path" in problem["detail"]
    assert inproc.call("PUT", "/reminder-states/nope", body(s))[0] == 400
    status, _, _ = inproc.call("PUT", f"/reminder-states/{SID.upper()}",
                               {**body(s), "id": SID.upper()})
    assert status == 201 and _raw(inproc, SID)  # stored under the canonical id


def test_batch_answers_per_item(inproc: InProcess) -> None:
    _put(inproc, state("dismissed", changed=5))
    other = state(key="other-uid/20261125T090000Z")
    wrong = {**body(state(key="third/")), "id": str(uuid.uuid4())}
    items = [body(state("fired", changed=1)),          # older than what is stored
             body(other),                               # new
             wrong,                                     # an id that is not uuid5
             body(state("snoozed", key="fourth/", until=T0)),
             body(state("dismissed", key="fourth/", changed=9))]  # the same id twice
    status, _, answer = inproc.call("POST", "/reminder-states/batch", {"items": items})
    assert status == 200
    results = answer["results"]
    assert [r["status"] for r in results] == [200, 201, 400, 201, 400]
    assert results[0]["item"]["state"] == "dismissed" and results[0]["version"] == 1
    assert results[1]["item"]["id"] == other.id and results[1]["version"] == 1
    assert "reminder_state_id" in results[2]["detail"]
    assert results[4]["detail"] == "the same id twice in one batch"
    too_many = [body(state(key=f"k{i}/")) for i in range(101)]
    assert inproc.call("POST", "/reminder-states/batch", {"items": too_many})[0] == 400


def test_a_batch_of_a_hundred_commits_in_two_transactions(inproc: InProcess) -> None:
    items = [body(state(key=f"series/2026112{i % 10}T{i:04d}")) for i in range(100)]
    status, _, answer = inproc.call("POST", "/reminder-states/batch", {"items": items})
    assert status == 200 and {r["status"] for r in answer["results"]} == {201}
    page = _feed(inproc)
    assert len(page["reminder_states"]) == 100
    assert _raw(inproc, items[0]["id"])["seq"]["N"] == "1"


def test_concurrent_writers_end_with_the_join_of_everything(inproc: InProcess) -> None:
    candidates = [state("fired", changed=1), state("snoozed", changed=3, until=T0),
                  state("dismissed", changed=2), state("snoozed", changed=3,
                                                       until=T0 + timedelta(minutes=5)),
                  state("fired", changed=9)] * 2
    barrier = threading.Barrier(len(candidates))
    statuses: list[int] = []

    def write(s: ReminderStateWire) -> None:  # the service: an ApiApp serves one at a time
        barrier.wait()
        statuses.append(inproc.api.service.put_reminder_state("alice", s.id, s)[1])

    threads = [threading.Thread(target=write, args=(s,)) for s in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) <= {200, 201} and statuses.count(201) == 1
    expected = candidates[0]
    for s in candidates[1:]:
        expected = join_reminder_states(expected, s)
    stored = inproc.call("GET", "/sync")[2]["reminder_states"]
    assert [wire.ReminderStateWire.model_validate(s).content() for s in stored] == [
        expected.content()]


def test_one_cursor_covers_every_kind_in_change_order(inproc: InProcess) -> None:
    ev = event_body(title="Standup")
    inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work"},
                headers={"If-None-Match": "*"})
    _put(inproc, state("fired", changed=1))
    inproc.call("PUT", f"/events/{ev['id']}", ev, headers={"If-None-Match": "*"})
    _put(inproc, state("dismissed", key="b/", changed=2))
    first = inproc.call("GET", "/sync", query={"limit": "2"})[2]
    assert [c["id"] for c in first["calendars"]] == ["work"]
    assert [s["occurrence_key"] for s in first["reminder_states"]] == [KEY]
    assert first["events"] == [] and first["has_more"] is True
    rest = _feed(inproc, first["cursor"])
    assert [e["id"] for e in rest["events"]] == [ev["id"]]
    assert [s["occurrence_key"] for s in rest["reminder_states"]] == ["b/"]
    _put(inproc, state("dismissed", changed=3))  # a change moves the item to the end
    again = _feed(inproc, rest["cursor"])
    assert [(s["occurrence_key"], s["version"]) for s in again["reminder_states"]] == [
        (KEY, 2)]


# --------------------------------------------------------------------------
# /sync: server_time, 410 reasons, small when nothing is new


def test_sync_tells_the_server_time(inproc: InProcess) -> None:
    inproc.clock.pin(datetime(2026, 11, 25, 9, 0, 7, tzinfo=UTC))
    page = _feed(inproc)
    at = datetime.fromisoformat(page["server_time"].replace("Z", "+00:00"))
    assert at == inproc.clock() and at.tzinfo is not None


def test_nothing_new_is_one_small_response(inproc: InProcess) -> None:
    _put(inproc, state())
    cursor = _feed(inproc)["cursor"]
    result = inproc.api.handle(_sync_event(cursor, accept="gzip"), None)
    assert result["statusCode"] == 200 and not result.get("isBase64Encoded")
    assert len(result["body"].encode()) < 1024
    page = json.loads(result["body"])
    assert page["calendars"] == page["events"] == page["reminder_states"] == []
    assert page["has_more"] is False


def test_a_cursor_past_the_horizon_is_410_horizon(inproc: InProcess) -> None:
    cursor = _feed(inproc)["cursor"]
    inproc.clock.advance(timedelta(days=31))
    status, headers, problem = inproc.call("GET", "/sync", query={"cursor": cursor})
    assert status == 410 and problem["reason"] == "horizon"
    assert headers["Content-Type"] == "application/problem+json"


def test_a_cursor_ahead_of_the_server_is_410_server_restored(inproc: InProcess) -> None:
    for i in range(3):
        _put(inproc, state(key=f"k{i}/"))
    cursor = _feed(inproc)["cursor"]
    assert _feed(inproc, cursor)["reminder_states"] == []  # caught up: fine
    # the table is restored from a backup taken after the first write
    client, table = inproc.storage.client, inproc.storage.table
    for i in (1, 2):
        client.delete_item(TableName=table, Key={
            "PK": {"S": "USER#alice"}, "SK": {"S": f"RST#{reminder_state_id(f'k{i}/', REMINDER, T0)}"}})
    client.update_item(TableName=table, Key={"PK": {"S": "USER#alice"}, "SK": {"S": "META"}},
                       UpdateExpression="SET #c = :one", ExpressionAttributeNames={"#c": "counter"},
                       ExpressionAttributeValues={":one": {"N": "1"}})
    status, _, problem = inproc.call("GET", "/sync", query={"cursor": cursor})
    assert status == 410 and problem["reason"] == "server_restored"
    issued = int(inproc.clock().timestamp())
    cursors = inproc.api.service.cursors  # a cursor the server signed for bob, beyond his feed
    status, _, problem = inproc.call("GET", "/sync", query={
        "cursor": cursors.issue("bob", 999, issued)}, sub="bob")
    assert status == 410 and problem["reason"] == "server_restored"
    assert inproc.call("GET", "/sync", query={"cursor": cursors.issue("bob", 0, issued)},
                       sub="bob")[0] == 200


# --------------------------------------------------------------------------
# gzip


def _sync_event(cursor: str | None = None, *, accept: str | None = None,
                limit: int = 1000) -> dict[str, Any]:
    headers = {"accept-encoding": accept} if accept else {}
    query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
    return {"version": "2.0", "routeKey": "GET /sync", "rawPath": "/sync",
            "rawQueryString": "", "headers": headers, "queryStringParameters": query,
            "requestContext": {"http": {"method": "GET", "path": "/sync",
                                        "sourceIp": "127.0.0.1"},
                               "requestId": "r", "stage": "$default",
                               "authorizer": {"jwt": {"claims": {"sub": "alice",
                                                                 "iat": str(2 * 10**9)}}}},
            "isBase64Encoded": False}


def _fill_events(inproc: InProcess, n: int) -> None:
    for start in range(0, n, 100):
        batch = [event_body(title=f"Event {i}", notes="n" * 40)
                 for i in range(start, min(n, start + 100))]
        assert inproc.call("POST", "/events/batch", {"events": batch})[0] == 200


@pytest.mark.parametrize(("accept", "packed"), [
    ("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), (None, False), ("deflate", False)])
def test_big_answers_are_gzipped_when_the_client_accepts_it(inproc: InProcess,
                                                            accept: str | None,
                                                            packed: bool) -> None:
    _fill_events(inproc, 20)
    inproc.clock.pin(inproc.clock())  # the same server_time and cursor in both answers
    plain = inproc.api.handle(_sync_event(), None)
    result = inproc.api.handle(_sync_event(accept=accept), None)
    assert bool(result.get("isBase64Encoded")) is packed
    if packed:
        assert result["headers"]["Content-Encoding"] == "gzip"
        assert result["headers"]["Vary"] == "Accept-Encoding"
        text = gzip.decompress(base64.b64decode(result["body"])).decode()
        assert json.loads(text) == json.loads(plain["body"])
    else:
        assert "Content-Encoding" not in result["headers"]


# --------------------------------------------------------------------------
# Over HTTP against the local stack


@pytest.mark.e2e
def test_reminder_states_over_http(stack: Any, make_user: Any, http: requests.Session) -> None:
    user: User = make_user()
    h = user.headers
    fired = state("fired", changed=1)
    r = http.put(f"{stack.url}/reminder-states/{fired.id}", json=body(fired), headers=h)
    assert r.status_code == 201 and r.json()["version"] == 1
    cursor = http.get(f"{stack.url}/sync", headers=h).json()["cursor"]
    other = state("dismissed", key="b/", changed=4)
    r = http.post(f"{stack.url}/reminder-states/batch", headers=h, json={"items": [
        body(state("dismissed", changed=2)), body(fired), body(other)]})
    assert r.status_code == 200
    assert [(x["status"], (x["item"] or {}).get("state")) for x in r.json()["results"]] == [
        (200, "dismissed"), (400, None), (201, "dismissed")]  # the same id twice: 400
    page = http.get(f"{stack.url}/sync", headers=h, params={"cursor": cursor}).json()
    assert [(s["occurrence_key"], s["state"], s["version"]) for s in page["reminder_states"]] \
        == [(KEY, "dismissed", 2), ("b/", "dismissed", 1)]
    assert datetime.fromisoformat(page["server_time"].replace("Z", "+00:00")).tzinfo


@pytest.mark.e2e
@pytest.mark.slow
def test_a_sync_of_a_thousand_events_comes_gzipped_over_http(
        stack: Any, make_user: Any, http: requests.Session) -> None:
    user: User = make_user()
    h = user.headers
    for start in range(0, 1000, 100):
        batch = [event_body(title=f"Event {i}") for i in range(start, start + 100)]
        assert http.post(f"{stack.url}/events/batch", json={"events": batch},
                         headers=h).status_code == 200
    packed = http.get(f"{stack.url}/sync", params={"limit": "1000"},
                      headers={**h, "Accept-Encoding": "gzip"})
    plain = http.get(f"{stack.url}/sync", params={"limit": "1000"},
                     headers={**h, "Accept-Encoding": "identity"})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert int(packed.headers["Content-Length"]) < len(plain.content) / 5
    data = packed.json()  # requests decodes gzip itself
    assert len(data["events"]) == 1000
    def same(page: dict[str, Any]) -> dict[str, Any]:  # both carry the clock: leave it out
        # c2.<seq>.<as_of>.<epoch>.<tag>: as_of and the tag move with the clock
        return {**{k: v for k, v in page.items() if k != "server_time"},
                "cursor": page["cursor"].split(".")[1]}

    assert same(data) == same(plain.json())
    raw = http.get(f"{stack.url}/sync", params={"limit": "1000"}, stream=True,
                   headers={**h, "Accept-Encoding": "gzip"})
    body_bytes = raw.raw.read(decode_content=False)
    assert body_bytes[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(body_bytes))["events"] == data["events"]
