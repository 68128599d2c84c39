"""Hostile repeat rules against the API (issue 10): server-side time per request.

    .venv/bin/python bench/hostile_rules.py [--rounds 3]

Each rule below is PUT as an event starting 1900-01-01 09:00 Europe/Berlin with an
email reminder (the API validates it, plans its next email and its envelope), then
read back through ``GET /events`` for this month and for a 370-day window (the
longest the API serves). The API runs in this process over moto's in-process
DynamoDB, as tests/cloud does; the time is the handler's (``ApiApp.handle``), the
server-side time of one request. Target: ≤ 100 ms each. A refused rule is a 400
with "repeat rule too complex"; the column says which.

Also printed: what one period of dateutil costs by frequency on this machine, for a
rule that never matches (the weights of aurora_core/rule_cost.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_METRICS_DISABLED": "true",
                   "POWERTOOLS_LOG_LEVEL": "CRITICAL"})

import boto3
from dateutil.rrule import rrulestr
from moto import mock_aws

from aurora_cloud.api.app import ApiApp
from aurora_cloud.local.template import Template
from aurora_cloud.logic import Service
from aurora_cloud.storage import Storage
from aurora_core import rule_cost, wire

# The two, and every other kind of rule that made expansion walk far.
HOSTILE = [
    "FREQ=MINUTELY;UNTIL=22001231T000000Z",          # 160 million instances, from 1900
    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",           # never matches
    "FREQ=SECONDLY;UNTIL=22001231T000000Z",          # 9.5 billion instances
    "FREQ=SECONDLY;UNTIL=22001231T000000Z;BYMONTH=4;BYMONTHDAY=31",  # never, by the second
    "FREQ=MINUTELY;COUNT=100000",                    # a long COUNT (arithmetic end)
    "FREQ=MINUTELY;COUNT=100000;BYHOUR=9",           # a long COUNT that must be walked
    "FREQ=HOURLY;BYSETPOS=2",                        # one candidate a period: never a 2nd
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",                # every 7 days from a Monday: never
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # every 28 years or so: rare, valid
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",   # the same, day by day
    "FREQ=YEARLY;UNTIL=99991231T235959Z",            # to the end of the calendar
    "FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=-1",           # ordinary, for scale
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",                    # ordinary, for scale
]


class Api:
    def __init__(self) -> None:
        t = Template(region="us-east-1", stack_name=f"b{uuid.uuid4().hex[:10]}")
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(**t.create_table_args())
        config = wire.ServerConfig(
            region="us-east-1", user_pool_id="us-east-1_bench", client_id="bench",
            cognito_endpoint="https://cognito-idp.us-east-1.amazonaws.com",
            password_policy=t.password_policy())
        self.app = ApiApp(Service(Storage(ddb, t.table_name())), config, metrics=False)

    def call(self, method: str, path: str, body: Any = None,
             query: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, sub: str = "bench"
             ) -> tuple[int, Any, float]:
        event = {
            "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
            "rawQueryString": "", "headers": headers or {},
            "queryStringParameters": query,
            "requestContext": {
                "http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
                "requestId": str(uuid.uuid4()), "stage": "$default",
                "authorizer": {"jwt": {"claims": {
                    "sub": sub, "token_use": "access", "username": sub,
                    "iat": str(int(time.time()))}}}},
            "body": None if body is None else json.dumps(body), "isBase64Encoded": False}
        t0 = time.perf_counter()
        result = self.app.handle(event, None)
        took = time.perf_counter() - t0
        text = result.get("body") or ""
        return result["statusCode"], (json.loads(text) if text and not result.get(
            "isBase64Encoded") else None), took


def period_costs() -> None:
    print("dateutil, one period of a never-matching rule (BYMONTH=2;BYMONTHDAY=30):")
    for freq in ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"):
        r = rrulestr(f"RRULE:FREQ={freq};BYMONTH=2;BYMONTHDAY=30", dtstart=datetime(2026, 1, 5))
        n = 5_000 if freq == "YEARLY" else 20_000
        saved = dict(rule_cost._COST)
        rule_cost._COST.update(dict.fromkeys(saved, 1))
        t0 = time.perf_counter()
        try:
            with rule_cost.budget(n):
                for _ in r:
                    pass
            periods = None
        except rule_cost.BudgetExceeded:
            periods = n
        finally:
            rule_cost._COST.update(saved)
        took = time.perf_counter() - t0
        per = f"{took / periods * 1e6:5.1f} µs" if periods else "(reached 9999)"
        print(f"  {freq:9s} {per}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    period_costs()
    today = datetime.now(UTC).date()
    month = {"from": today.replace(day=1).isoformat(),
             "to": (today.replace(day=1) + timedelta(days=31)).isoformat(),
             "tz": "Europe/Berlin"}
    year = {"from": today.isoformat(), "to": (today + timedelta(days=370)).isoformat(),
            "tz": "Europe/Berlin"}
    print(f"\nserver-side time per request (median of {args.rounds}; target ≤ 100 ms):")
    print(f"  {'rule':58s} {'PUT':>8s} {'answer':>7s} {'GET month':>10s} {'GET 370 d':>10s} "
          f"{'occ.':>5s}")
    worst = 0.0
    with mock_aws():
        api = Api()
        for n, rule in enumerate(HOSTILE):
            puts, months, years = [], [], []
            status, occ = 0, 0
            for k in range(args.rounds):
                sub = f"user-{n}-{k}"  # a user per rule and round: a GET lists one series
                eid = str(uuid.uuid4())
                body = {"id": eid, "calendar_id": "work", "title": rule[:40],
                        "start": "1900-01-01T09:00:00+01:00", "end": "1900-01-01T09:30:00+01:00",
                        "timezone": "Europe/Berlin", "rrule": rule,
                        "reminders": [{"minutes_before": 10, "channel": "email"}]}
                status, answer, took = api.call("PUT", f"/events/{eid}", body,
                                                headers={"if-none-match": "*"}, sub=sub)
                puts.append(took)
                if status >= 300:
                    assert "repeat rule too complex" in answer["detail"], answer
                _, page, took = api.call("GET", "/events", query=month, sub=sub)
                months.append(took)
                _, page, took = api.call("GET", "/events", query=year, sub=sub)
                years.append(took)
                occ = sum(1 for o in (page or {}).get("occurrences", [])
                          if o["event"]["id"] == eid)
            row = [statistics.median(x) for x in (puts, months, years)]
            worst = max(worst, *row)
            print(f"  {rule:58s} {row[0] * 1e3:6.1f} ms {status:>7d} {row[1] * 1e3:7.1f} ms "
                  f"{row[2] * 1e3:7.1f} ms {occ:>5d}")
    print(f"\nworst: {worst * 1e3:.1f} ms (each rule and round is a user of its own, "
          "holding that one series)")


if __name__ == "__main__":
    main()
