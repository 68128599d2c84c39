"""Query parameters validated from their types (aurora_cloud/api/queries.py): the
one-line 400 details, and who asks is answered first (401 before 400)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers.cloud import InProcess


@pytest.mark.parametrize(("path", "query", "detail"), [
    ("/events", {}, "'from' and 'to' are required"),
    ("/events", {"from": "", "to": "2026-11-30"}, "'from' is required"),
    ("/events", {"from": "2026-11-01"}, "'to' is required"),
    ("/events", {"from": "yesterday", "to": "2026-11-30"},
     "'from' is not an ISO 8601 date or date-time"),
    ("/events", {"from": "2026-11-01", "to": "1800-01-01"}, "'to' is out of range"),
    ("/events", {"from": "2026-11-30", "to": "2026-11-01"}, "'to' must be after 'from'"),
    ("/sync", {"limit": "0"}, "'limit' must be a number from 1 to 1000"),
    ("/sync", {"limit": "1001"}, "'limit' must be a number from 1 to 1000"),
    ("/sync", {"limit": "1e9"}, "'limit' must be a number from 1 to 1000"),
    ("/sync", {"limit": "x" * 5000}, "'limit' must be a number from 1 to 1000"),
])
def test_a_refused_query_is_a_400_problem_with_one_line(
        inproc: InProcess, path: str, query: dict[str, str], detail: str) -> None:
    status, headers, problem = inproc.call("GET", path, query=query)
    assert (status, problem["title"], problem["detail"]) == (400, "Invalid input", detail)
    assert headers["Content-Type"] == "application/problem+json"


def test_blank_parameters_are_absent_ones(inproc: InProcess) -> None:
    assert inproc.call("GET", "/sync", query={"limit": "", "cursor": ""})[0] == 200
    status, _, page = inproc.call("GET", "/events", query={
        "from": "2026-11-01", "to": "2026-11-30", "tz": ""})
    assert status == 200 and page["occurrences"] == []


def test_who_asks_is_answered_before_what_is_asked(inproc: InProcess) -> None:
    bad = {"from": "yesterday"}
    assert inproc.call("GET", "/events", query=bad, sub=None)[0] == 401
    old = int(inproc.clock().timestamp())
    inproc.clock.advance(timedelta(seconds=2))
    assert inproc.call("POST", "/me/signout", iat=old)[0] == 204
    status, _, problem = inproc.call("GET", "/sync", query={"limit": "0"}, iat=old)
    assert (status, problem["detail"]) == (401, "the session was signed out; sign in again")
