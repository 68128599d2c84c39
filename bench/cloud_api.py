"""Local API latency: create an event, and /sync of 1,000 changes (p50 / p99).

Runs the local stack on 127.0.0.1 (moto behind the same handlers and front
as production code paths), signs a user up, then times real HTTP requests.

    .venv/bin/python bench/cloud_api.py [--creates 500] [--syncs 30]

Figures measure this machine and moto, not AWS: they show the code path's
own cost and catch regressions; DynamoDB in AWS adds single-digit ms per call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "CRITICAL")

import boto3
import requests
from pycognito.aws_srp import AWSSRP

from aurora_cloud.local.stack import LocalStack


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def sign_up(stack: LocalStack, email: str, password: str) -> str:
    import re

    idp = boto3.client("cognito-idp", endpoint_url=stack.url, region_name="us-east-1")
    idp.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=password,
                UserAttributes=[{"Name": "email", "Value": email}])
    from email import message_from_bytes, policy

    raw = sorted(stack.outbox.glob("*.eml"))[-1].read_bytes()
    mail = message_from_bytes(raw, policy=policy.default)
    code = re.findall(r"\b(\d{6})\b", mail.get_body(("plain",)).get_content())[-1]
    idp.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email, ConfirmationCode=code)
    tokens = AWSSRP(username=email, password=password, pool_id=stack.ids["user_pool_id"],
                    client_id=stack.ids["client_id"], client=idp).authenticate_user()
    return str(tokens["AuthenticationResult"]["AccessToken"])


def event(i: int) -> dict[str, object]:
    day = 1 + i % 28
    return {"id": str(uuid.uuid4()), "calendar_id": "work", "title": f"Meeting {i}",
            "location": "Room 4", "notes": "Agenda: " + "x" * 200,
            "start": f"2026-12-{day:02d}T09:00:00+01:00",
            "end": f"2026-12-{day:02d}T10:00:00+01:00", "timezone": "Europe/Berlin",
            "reminders": [{"minutes_before": 10, "channel": "notification"}]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--creates", type=int, default=500)
    ap.add_argument("--syncs", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            LocalStack(Path(tmp), schedule=False, rate=0) as stack, requests.Session() as http:
        http.trust_env = False
        token = sign_up(stack, "bench@example.com", "Bench-Password-1")
        h = {"Authorization": f"Bearer {token}"}
        create: list[float] = []
        for i in range(args.creates):
            body = event(i)
            t0 = time.perf_counter()
            r = http.put(f"{stack.url}/events/{body['id']}", json=body,
                         headers={**h, "If-None-Match": "*"})
            create.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 201, r.text
        # Fill up to 1,000 changes with the batch endpoint (100 per request).
        remaining = 1000 - args.creates
        batch: list[float] = []
        while remaining > 0:
            n = min(100, remaining)
            t0 = time.perf_counter()
            r = http.post(f"{stack.url}/events/batch", headers=h,
                          json={"events": [event(i) for i in range(n)]})
            batch.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
            remaining -= n
        sync: list[float] = []
        for _ in range(args.syncs):
            t0 = time.perf_counter()
            r = http.get(f"{stack.url}/sync", headers=h, params={"limit": "1000"})
            sync.append((time.perf_counter() - t0) * 1000)
            page = r.json()
            assert len(page["events"]) == 1000, len(page["events"])
        print("Aurora cloud local API (moto on 127.0.0.1, this machine)")
        print(f"  create event (PUT, If-None-Match: *), n={len(create)}: "
              f"p50 {statistics.median(create):.1f} ms, p99 {pct(create, 99):.1f} ms")
        if batch:
            print(f"  batch create 100 events, n={len(batch)}: "
                  f"p50 {statistics.median(batch):.0f} ms")
        print(f"  /sync of 1,000 changes (one page), n={len(sync)}: "
              f"p50 {statistics.median(sync):.0f} ms, p99 {pct(sync, 99):.0f} ms, "
              f"{len(r.content) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
