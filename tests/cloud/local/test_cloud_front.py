"""The local front's own duties (API Gateway's part), with stand-in pieces."""

from __future__ import annotations

import json
import queue
from typing import Any

from werkzeug.test import Client

from aurora_cloud.local.front import Front, JwtVerifier, RateLimiter
from aurora_cloud.local.template import Template


class EchoApi:
    """Stands in for ApiApp: returns the event it was given."""

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps(event)}


def _front(rate: float = 0, burst: int = 1) -> Client:
    apis: queue.Queue[Any] = queue.Queue()
    apis.put(EchoApi())
    verifier = JwtVerifier(lambda: {"keys": []}, "https://issuer", "client")
    front = Front(Template().routes(), apis, verifier, cognito=None,  # type: ignore[arg-type]
                  jwks=lambda: {"keys": []}, pool_id="pool",
                  limiter=RateLimiter(rate, burst))
    return Client(front)


def test_routes_from_the_template_become_payload_2_events() -> None:
    client = _front()
    r = client.get("/config?a=1&a=2&b=x", headers={"X-Thing": "v"})
    assert r.status_code == 200
    event = r.get_json()
    assert event["version"] == "2.0" and event["routeKey"] == "GET /config"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x"}
    assert event["headers"]["x-thing"] == "v"
    assert "authorizer" not in event["requestContext"]


def test_protected_routes_need_a_token_and_unknown_routes_are_404() -> None:
    client = _front()
    r = client.get("/sync")
    assert r.status_code == 401 and r.headers["Content-Type"] == "application/problem+json"
    assert client.get("/events/1234/extra").status_code == 404
    assert client.post("/config").status_code == 404


def test_throttling_answers_429_problem() -> None:
    client = _front(rate=0.001, burst=2)
    codes = [client.get("/config").status_code for _ in range(4)]
    assert codes[:2] == [200, 200] and codes[2:] == [429, 429]
    r = client.get("/config")
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.headers["Retry-After"] == "1"
