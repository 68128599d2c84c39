"""Limits per caller (per user, per source IP on the public routes), not per route: one
busy caller gets 429 with Retry-After, everybody else goes on."""

from __future__ import annotations

import json
import queue
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from aurora_cloud.limits import Limit, Limits, MemoryGate
from aurora_cloud.local.front import Front, JwtVerifier, RateLimiter
from aurora_cloud.local.template import Template
from aurora_cloud.storage import Storage
from tests.helpers.cloud import InProcess, moto_table

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _limited(inproc: InProcess, user: Limit, public: Limit) -> Limits:
    inproc.clock.pin(T0)
    limits = Limits(inproc.storage, user, public, salt=b"test",
                    clock_ms=lambda: int(inproc.clock().timestamp() * 1000))
    inproc.api.limits = limits
    return limits


def _public(inproc: InProcess, path: str, ip: str) -> dict[str, Any]:
    event = {"version": "2.0", "routeKey": f"GET {path}", "rawPath": path,
             "rawQueryString": "", "headers": {},
             "requestContext": {"http": {"method": "GET", "path": path, "sourceIp": ip},
                                "requestId": str(uuid.uuid4()), "stage": "$default"},
             "isBase64Encoded": False}
    return inproc.api.handle(event, None)


def test_one_user_over_the_limit_gets_429_and_nobody_else_does(inproc: InProcess) -> None:
    _limited(inproc, Limit(rate=1, burst=3), Limit(rate=1, burst=3))
    codes = [inproc.call("GET", "/calendars", sub="alice")[0] for _ in range(3)]
    assert codes == [200, 200, 200]
    status, headers, problem = inproc.call("GET", "/sync", sub="alice")
    assert status == 429 and problem["status"] == 429 and headers["Retry-After"] == "1"
    assert headers["Content-Type"] == "application/problem+json"
    assert inproc.call("GET", "/calendars", sub="bob")[0] == 200  # another user: unaffected
    assert _public(inproc, "/config", "198.51.100.7")["statusCode"] == 200
    inproc.clock.advance(timedelta(seconds=1))  # one request's worth comes back a second
    assert inproc.call("GET", "/calendars", sub="alice")[0] == 200
    assert inproc.call("GET", "/calendars", sub="alice")[0] == 429


def test_retry_after_says_how_long_to_wait(inproc: InProcess) -> None:
    _limited(inproc, Limit(rate=0.1, burst=1), Limit(rate=1, burst=1))  # one per 10 s
    assert inproc.call("GET", "/calendars")[0] == 200
    inproc.clock.advance(timedelta(seconds=3))
    status, headers, _ = inproc.call("GET", "/calendars")
    assert status == 429 and headers["Retry-After"] == "7"
    inproc.clock.advance(timedelta(seconds=7))
    assert inproc.call("GET", "/calendars")[0] == 200


def test_public_routes_are_limited_per_source_ip(inproc: InProcess) -> None:
    _limited(inproc, Limit(rate=1, burst=100), Limit(rate=1, burst=2))
    flood = [_public(inproc, "/config", "203.0.113.9")["statusCode"] for _ in range(3)]
    assert flood == [200, 200, 429]
    assert _public(inproc, "/openapi.json", "203.0.113.9")["statusCode"] == 429  # same IP
    assert _public(inproc, "/config", "192.0.2.44")["statusCode"] == 200  # another: fine
    assert inproc.call("GET", "/calendars")[0] == 200  # signed-in users: their own limit
    stored = inproc.storage.client.scan(TableName=inproc.storage.table)["Items"]
    assert not any("203.0.113.9" in json.dumps(item) for item in stored)  # only a keyed hash


def test_the_table_gate_decides_as_the_algorithm_does(inproc: InProcess) -> None:
    """Seeded random arrivals of three callers: the two-update GCRA in DynamoDB answers
    each request exactly as the algorithm in memory does."""
    rng = random.Random(10)
    memory = MemoryGate()
    limit = Limit(rate=4, burst=3)
    now = 1_900_000_000_000
    decided = []
    for _ in range(400):
        now += rng.choice([0, 0, 0, 0, 5, 10, 40, 250, 1500])
        key = rng.choice(["a", "b", "c"])
        args = (now, limit.interval_ms, limit.tolerance_ms, 60)
        expected = memory.take_turn(key, *args)
        assert inproc.storage.take_turn(f"model-{key}", *args) == expected
        decided.append(expected == 0)
    assert 50 < sum(decided) < 390  # both answers were exercised


def test_stage_throttling_in_the_local_front_is_per_route() -> None:
    """The stage's own throttle counts a route's callers together (a backstop); it no
    longer stands in for the per-caller limits, which are the API's."""
    apis: queue.Queue[Any] = queue.Queue()

    class Echo:
        def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
            return {"statusCode": 200, "body": "{}"}

    apis.put(Echo())
    front = Front(Template().routes(), apis, JwtVerifier(lambda: {"keys": []}, "i", "c"),
                  cognito=None, jwks=lambda: {"keys": []},  # type: ignore[arg-type]
                  pool_id="pool", limiter=RateLimiter(0.001, 2))
    client = Client(front)
    assert [client.get("/config").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/openapi.json").status_code == 200  # another route: its own


def test_the_local_stack_takes_its_limits_from_the_template(tmp_path: Path) -> None:
    from aurora_cloud.local.stack import LocalStack

    t = Template()
    user, public = LocalStack(tmp_path).limit_numbers() or (None, None)
    assert user == Limit(float(t.parameter("UserRateLimit")), int(t.parameter("UserBurstLimit")))
    assert public == Limit(float(t.parameter("PublicRateLimit")),
                           int(t.parameter("PublicBurstLimit")))
    assert LocalStack(tmp_path, rate=0).limit_numbers() is None
    stage = t.resource("HttpApi")["Properties"]["DefaultRouteSettings"]
    limiter = LocalStack(tmp_path)._stage_limiter()
    assert (limiter.rate, limiter.burst) == (float(stage["ThrottlingRateLimit"]),
                                             int(stage["ThrottlingBurstLimit"]))


def _cli(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``aurora-cloud local`` in a subprocess (its own moto: a second stack in this
    process would share moto's backends with the session's)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "aurora_cloud", "local", "--port", str(port),
                             "--data-dir", str(data_dir), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            requests.get(f"{url}/openapi.json", timeout=5)
            return proc, url
        except requests.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.1)


@pytest.mark.slow
def test_the_cli_limits_config_per_address_with_the_templates_numbers(tmp_path: Path) -> None:
    burst = int(Template().parameter("PublicBurstLimit"))
    proc, url = _cli(tmp_path / "data")
    try:
        with requests.Session() as http:
            http.trust_env = False
            codes = []
            for _ in range(burst * 10):  # the bucket starts full: at least `burst` pass
                r = http.get(f"{url}/config")
                codes.append(r.status_code)
                if r.status_code == 429:
                    break
            assert codes[-1] == 429 and codes.count(200) >= burst - 1  # (-1: the probe)
            # the template's burst, not the front's own old 400 (refill: 5/s meanwhile)
            assert codes.count(200) < 4 * burst
            assert int(r.headers["Retry-After"]) >= 1
            assert r.headers["Content-Type"] == "application/problem+json"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    proc, url = _cli(tmp_path / "free", "--no-limits")
    try:
        with requests.Session() as http:
            http.trust_env = False
            assert {http.get(f"{url}/config").status_code for _ in range(burst + 20)} == {200}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


@pytest.mark.parametrize("rate", [0])
def test_rate_zero_turns_the_local_limits_off(tmp_path: Path, rate: float) -> None:
    with moto_table("eu-north-1", "l") as (ddb, t):
        limits = Limits(Storage(ddb, t.table_name()), Limit(rate, 1), Limit(rate, 1))
        for _ in range(5):
            limits.check_user("u")
            limits.check_ip("1.2.3.4")
