"""Account endpoints in process: DELETE /me, POST /me/signout and the revoked mark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aurora_cloud.logic import account
from aurora_cloud.storage import Storage
from tests.helpers.cloud import InProcess, event_body

CREATE = {"If-None-Match": "*"}


def _partition(inproc: InProcess, pk: str) -> list[dict[str, Any]]:
    resp = inproc.storage.client.query(
        TableName=inproc.storage.table, KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)
    items: list[dict[str, Any]] = resp["Items"]
    return items


def _fill(inproc: InProcess, sub: str, events: int) -> None:
    inproc.call("PUT", "/me/settings", {"timezone": "Europe/Berlin"}, sub=sub)
    inproc.call("PUT", "/calendars/work", {"id": "work", "name": "Work"}, sub=sub,
                headers=CREATE)
    for start in range(0, events, 100):
        batch = [event_body() for _ in range(min(100, events - start))]
        status, _, _ = inproc.call("POST", "/events/batch", {"events": batch}, sub=sub)
        assert status == 200
    eid = event_body()["id"]
    inproc.call("PUT", f"/events/{eid}", event_body(eid), sub=sub, headers=CREATE)
    inproc.call("DELETE", f"/events/{eid}", sub=sub, headers={"If-Match": "1"})  # a tombstone


def test_deleting_the_account_removes_every_item_and_then_the_cognito_user(
        inproc: InProcess) -> None:
    _fill(inproc, "alice", 5)
    _fill(inproc, "bob", 2)
    assert len(_partition(inproc, "USER#alice")) == 1 + 1 + 5 + 1  # META, calendar, events
    status, _, body = inproc.call("DELETE", "/me", sub="alice")
    assert (status, body) == (204, None)
    assert _partition(inproc, "USER#alice") == []
    [mark] = _partition(inproc, "REVOKED#alice")
    assert mark["account_deleted"] == {"BOOL": True}
    now = inproc.clock().timestamp()
    assert abs(float(mark["revoked_at"]["N"]) - now) < 5
    assert int(mark["expires_at"]["N"]) > now + 86400  # outlives any token
    assert inproc.accounts.calls == [("delete_user", "alice")]
    assert len(_partition(inproc, "USER#bob")) == 1 + 1 + 2 + 1  # another user untouched
    assert inproc.call("GET", "/sync", sub="bob")[0] == 200


def test_deletion_is_bounded_per_call_202_until_done(inproc: InProcess,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(account, "DELETE_BUDGET", 7)
    _fill(inproc, "alice", 15)  # 18 items: META, calendar, 15 events, 1 tombstone
    answers = []
    for _ in range(10):
        status, _, body = inproc.call("DELETE", "/me", sub="alice")
        answers.append((status, body))
        if status == 204:
            break
    assert answers == [(202, {"done": False})] * 2 + [(204, None)]
    assert inproc.accounts.calls == [("delete_user", "alice")]  # only once, at the end
    assert _partition(inproc, "USER#alice") == []


def test_tokens_issued_before_the_deletion_are_refused(inproc: InProcess) -> None:
    _fill(inproc, "alice", 1)
    issued = inproc.clock().timestamp()
    inproc.clock.advance(timedelta(seconds=1))
    assert inproc.call("DELETE", "/me", sub="alice", iat=issued)[0] == 204
    for method, path in [("GET", "/sync"), ("GET", "/me/settings"), ("DELETE", "/me"),
                         ("POST", "/me/signout"), ("GET", "/calendars")]:
        status, headers, problem = inproc.call(method, path, sub="alice", iat=issued)
        assert status == 401, (method, path)
        assert headers["Content-Type"] == "application/problem+json"
        assert problem["detail"] == "the session was signed out; sign in again"
    assert _partition(inproc, "USER#alice") == []  # nothing was written back


def test_after_deletion_even_a_token_of_the_same_second_is_refused(inproc: InProcess) -> None:
    issued = inproc.clock().timestamp() + 0.5  # as if issued a moment after the call began
    assert inproc.call("DELETE", "/me", sub="alice", iat=issued)[0] == 204
    for iat in (issued, issued + 5):  # a deleted user has no newer tokens; refuse them all
        assert inproc.call("GET", "/sync", sub="alice", iat=iat)[0] == 401


def test_sign_out_everywhere_refuses_older_tokens_not_newer_ones(inproc: InProcess) -> None:
    # pinned mid-second: on the real clock a second could tick between the sign-out and
    # reading "now", and the mark's own second would then pass as "now - 1"
    inproc.clock.pin(inproc.clock().replace(microsecond=200_000))
    old = int(inproc.clock().timestamp())
    inproc.clock.advance(timedelta(seconds=1.5))
    assert inproc.call("POST", "/me/signout", sub="alice", iat=old)[0] == 204
    assert inproc.accounts.calls == [("sign_out_everywhere", "alice")]
    assert inproc.call("GET", "/sync", sub="alice", iat=old)[0] == 401
    now = inproc.clock().timestamp()
    # whole seconds: a token of the mark's own second passes, as does any later one
    assert inproc.call("GET", "/sync", sub="alice", iat=int(now))[0] == 200
    assert inproc.call("GET", "/sync", sub="alice", iat=int(now) - 1)[0] == 401
    assert inproc.call("GET", "/sync", sub="bob", iat=old)[0] == 200  # only alice


def test_the_mark_never_moves_back(inproc: InProcess) -> None:
    later = inproc.clock() + timedelta(hours=1)
    inproc.storage.mark_revoked("alice", later, timedelta(days=2))
    inproc.storage.mark_revoked("alice", inproc.clock(), timedelta(days=2))
    mark = inproc.storage.revoked_at("alice")
    assert mark is not None and mark[1] is False
    assert mark[0] == pytest.approx(later.timestamp(), abs=0.01)


def test_a_request_without_iat_is_refused_once_a_mark_exists(inproc: InProcess) -> None:
    inproc.storage.mark_revoked("alice", inproc.clock(), timedelta(days=2))
    assert inproc.api.service.check_session("bob", None) is None
    with pytest.raises(Exception, match="signed out"):
        inproc.api.service.check_session("alice", None)


class _Unreliable:
    """A DynamoDB client whose BatchWriteItem leaves work unprocessed the first times."""

    def __init__(self, client: Any, failures: int) -> None:
        self._client = client
        self.failures = failures
        self.batches: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        [(table, requests)] = RequestItems.items()
        self.batches.append(len(requests))
        if self.failures:
            self.failures -= 1
            done, left = requests[: len(requests) // 2], requests[len(requests) // 2:]
            self._client.batch_write_item(RequestItems={table: done})
            return {"UnprocessedItems": {table: left}}
        result: dict[str, Any] = self._client.batch_write_item(RequestItems=RequestItems)
        return result


def test_batches_are_at_most_25_and_unprocessed_items_are_retried_with_back_off(
        inproc: InProcess) -> None:
    _fill(inproc, "alice", 60)
    client = _Unreliable(inproc.storage.client, failures=3)
    sleeps: list[float] = []
    storage = Storage(client, inproc.storage.table, sleep=sleeps.append)
    deleted, more = storage.delete_user_items("alice", 2_000)
    assert (deleted, more) == (63, False)
    assert max(client.batches) == 25
    assert sleeps == [0.05, 0.1, 0.2]
    assert _partition(inproc, "USER#alice") == []


def test_a_user_directory_is_required_for_account_changes(inproc: InProcess) -> None:
    inproc.api.service.accounts = None
    status, _, problem = inproc.call("POST", "/me/signout")
    assert status == 500 and problem["title"] == "Internal error"
