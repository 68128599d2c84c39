"""Slowness shows up locally as it would in AWS: the API function is stopped after its
Timeout from template.yaml (API Gateway answers 500), API Gateway waits for its
integration at most 29 s (504), and a container busy with a stopped call serves
nobody else until it is done. The handlers here block until the test lets them go,
so no assertion depends on how fast the machine is."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

from werkzeug.test import Client

from aurora_cloud.local.front import INTEGRATION_TIMEOUT, Front, JwtVerifier, RateLimiter
from aurora_cloud.local.template import Template


class BlockingApi:
    """Stands in for ApiApp: answers only once ``release`` is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.remaining_ms: list[int] = []

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.remaining_ms.append(context.get_remaining_time_in_millis())
        self.release.wait(30)
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"ok": True})}


def _front(api: BlockingApi, **timeouts: float) -> tuple[Client, Front]:
    apis: queue.Queue[Any] = queue.Queue()
    apis.put(api)
    verifier = JwtVerifier(lambda: {"keys": []}, "https://issuer", "client")
    front = Front(Template().routes(), apis, verifier, cognito=None,  # type: ignore[arg-type]
                  jwks=lambda: {"keys": []}, pool_id="pool", limiter=RateLimiter(0, 1),
                  **timeouts)
    return Client(front), front


def test_a_call_past_the_functions_timeout_is_a_500_and_keeps_its_container_busy() -> None:
    api = BlockingApi()
    client, _ = _front(api, lambda_timeout=0.2)
    try:
        r = client.get("/config")
        assert r.status_code == 500 and r.get_json() == {"message": "Internal Server Error"}
        # the only container is still busy with the stopped call: the next one waits too
        assert client.get("/config").status_code == 500
    finally:
        api.release.set()
    done = threading.Event()
    api.release = done
    done.set()
    r = client.get("/config")
    assert r.status_code == 200 and r.get_json() == {"ok": True}


def test_an_integration_past_29_seconds_is_a_504() -> None:
    api = BlockingApi()
    client, _ = _front(api, lambda_timeout=60, integration_timeout=0.2)
    try:
        r = client.get("/config")
        assert r.status_code == 504
        assert r.get_json() == {"message": "Endpoint request timed out"}
    finally:
        api.release.set()


def test_the_context_counts_down_the_functions_timeout() -> None:
    api = BlockingApi()
    api.release.set()
    client, _ = _front(api, lambda_timeout=7)
    assert client.get("/config").status_code == 200
    assert 0 < api.remaining_ms[0] <= 7000


def test_the_timeouts_are_awss_and_the_templates() -> None:
    t = Template()
    assert INTEGRATION_TIMEOUT == 29
    assert t.function_timeout("ApiFunction") == float(
        t.data["Globals"]["Function"]["Timeout"])
    assert t.function_timeout("DispatcherFunction") == float(
        t.resource("DispatcherFunction")["Properties"]["Timeout"])
    _, front = _front(BlockingApi())
    assert front.integration_timeout == 29 and front.lambda_timeout == 10


def test_the_local_stack_gives_its_front_the_templates_timeout(stack: Any) -> None:
    assert stack._server is not None
    front = stack._server.app.__closure__  # the holder of the front
    holder = next(c.cell_contents for c in front if isinstance(c.cell_contents, dict))
    assert holder["front"].lambda_timeout == Template().function_timeout("ApiFunction")
