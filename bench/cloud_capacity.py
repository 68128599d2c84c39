"""DynamoDB capacity per operation, and the monthly cost model of docs/cost.md.

moto does not report ConsumedCapacity faithfully (a consistent GetItem shows
0.5, transactions nothing), so the meter below wraps the client and applies
DynamoDB's published on-demand rules to the items each call really reads
and writes: reads 4 KB units (strong 1, eventual 0.5), writes 1 KB units,
transactions x2, plus one write per GSI an item is (or was) in. Query reads
are counted on returned items (filtered-out items also cost in AWS; our
envelope filter makes that small). The API and dispatcher code run
unchanged on moto in process.

    .venv/bin/python bench/cloud_capacity.py
"""

from __future__ import annotations

import math
import os
import sys
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_METRICS_DISABLED": "true"})

import boto3
from moto import mock_aws

from aurora_cloud.local.template import Template
from aurora_cloud.logic import Precondition, Service
from aurora_cloud.reminders.dispatcher import Dispatcher
from aurora_cloud.storage import Storage
from aurora_core import wire

GSI_KEYS = {"sync": "seq", "due": "due_pk", "series": "series"}


def item_size(item: dict[str, Any] | None) -> int:
    """DynamoDB item size: attribute names plus values (close to AWS's accounting)."""
    if not item:
        return 0
    total = 0
    for name, value in item.items():
        total += len(name.encode())
        (kind, v), = value.items()
        if kind == "S":
            total += len(v.encode())
        elif kind == "N":
            total += math.ceil(len(v.lstrip("-").replace(".", "")) / 2) + 1
        elif kind == "BOOL":
            total += 1
        else:
            total += len(str(v))
    return total + 100 if any(k in item for k in GSI_KEYS.values()) else total


def rcu(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return units * (1.0 if consistent else 0.5)


def wcu(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def gsi_count(item: dict[str, Any] | None) -> int:
    return sum(1 for attr in GSI_KEYS.values() if item and attr in item)


class Meter:
    """A DynamoDB client wrapper that adds up read and write units per call."""

    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table
        self.reads = 0.0
        self.writes = 0.0
        self.calls: dict[str, int] = defaultdict(int)

    def reset(self) -> None:
        self.reads = self.writes = 0.0
        self.calls.clear()

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.client.get_item(
            TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return item

    def _write_cost(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> float:
        size = max(item_size(before), item_size(after))
        cost = wcu(size)
        for attr in GSI_KEYS.values():
            was = before is not None and attr in before
            now = after is not None and attr in after
            if was or now:
                moved = was and now and before[attr] != after[attr]  # type: ignore[index]
                cost += wcu(size) * (2 if moved else 1)
        return cost

    def __getattr__(self, op: str) -> Any:
        fn = getattr(self.client, op)

        def call(**kw: Any) -> Any:
            self.calls[op] += 1
            if op in ("put_item", "update_item"):
                key = ({"PK": kw["Item"]["PK"], "SK": kw["Item"]["SK"]} if op == "put_item"
                       else kw["Key"])
                before = self._get(key)
                result = fn(**kw)
                self.writes += self._write_cost(before, self._get(key))
                return result
            if op == "transact_write_items":
                befores = []
                for action in kw["TransactItems"]:
                    body = action.get("Put") or action.get("Update")
                    key = ({"PK": body["Item"]["PK"], "SK": body["Item"]["SK"]}
                           if "Put" in action else body["Key"])
                    befores.append((key, self._get(key)))
                result = fn(**kw)
                for key, before in befores:
                    self.writes += 2 * self._write_cost(before, self._get(key))
                return result
            result = fn(**kw)
            if op == "get_item":
                self.reads += rcu(item_size(result.get("Item")), kw.get("ConsistentRead", False))
            elif op == "query":
                size = sum(item_size(i) for i in result.get("Items", []))
                self.reads += rcu(size, kw.get("ConsistentRead", False))
            return result
        return call


def ev(title: str, start: datetime, *, email: bool = False, rrule: str | None = None
       ) -> wire.EventWire:
    return wire.EventWire(
        id=str(uuid.uuid4()), calendar_id="work", title=title, location="Room 4",
        notes="Agenda: " + "x" * 300, start=start.isoformat(),
        end=(start + timedelta(hours=1)).isoformat(), timezone="UTC", rrule=rrule,
        reminders=[wire.ReminderWire(minutes_before=10, channel="email" if email
                                     else "notification")])


class Mailbox:
    def send(self, message: Any) -> None:
        pass


class Directory:
    def email_of(self, sub: str) -> str:
        return f"{sub}@example.com"


def measure() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    clock = [now]
    with mock_aws():
        t = Template()
        raw = boto3.client("dynamodb", region_name="us-east-1")
        raw.create_table(**t.create_table_args())
        meter = Meter(raw, t.table_name())
        storage = Storage(meter, t.table_name())
        svc = Service(storage, clock=lambda: clock[0], sync_settle=timedelta(0))
        disp = Dispatcher(storage, Mailbox(), Directory(), sender="r@aurora.example",
                          clock=lambda: clock[0], workers=1)
        create = Precondition(create_only=True)

        def record(name: str, n: int = 1) -> None:
            out[name] = (meter.reads / n, meter.writes / n)
            meter.reset()

        for i in range(200):  # a user with 200 events this month
            e = ev(f"bg {i}", now + timedelta(days=i % 30, hours=1))
            svc.put_event("bg", e.id, e, create)
        meter.reset()
        e = ev("plain", now + timedelta(days=1))
        svc.put_event("u", e.id, e, create)
        record("create event (notification reminder)")
        e2 = ev("mail", now + timedelta(days=1), email=True)
        svc.put_event("u", e2.id, e2, create)
        record("create event with an email reminder")
        e3 = ev("series", now + timedelta(days=1), email=True, rrule="FREQ=WEEKLY")
        svc.put_event("u", e3.id, e3, create)
        record("create weekly series with an email reminder")
        upd = e.model_copy(update={"title": "plain (edited)"})
        svc.put_event("u", e.id, upd, Precondition(version=1))
        record("update event (If-Match)")
        svc.get_event("u", e.id)
        record("get event")
        svc.delete_event("u", e.id, Precondition())
        record("delete event (tombstone)")
        storage.take_turn("user#u", 1_900_000_000_000, 100, 19_900, 60)  # aurora_cloud/limits
        record("per-caller limit (every request; caller within its rate)")
        page = svc.sync("u", None, 500)
        meter.reset()
        svc.sync("u", page.cursor, 500)
        record("/sync with nothing new (the idle poll)")
        svc.sync("bg", None, 100)
        record("/sync page of 100 changes (per change)", 100)
        svc.occurrences("bg", now, now + timedelta(days=31), None, "UTC")
        record("GET /events for a month of 200 events")
        batch = wire.BatchRequest(events=[ev(f"b{i}", now + timedelta(days=2))
                                          for i in range(100)])
        svc.batch_events("b", batch)
        record("batch create (per event)", 100)
        clock[0] = now + timedelta(days=3)
        disp.run()
        meter.reset()
        clock[0] += timedelta(minutes=1)
        disp.run()
        record("dispatcher run with nothing due")
        for i in range(100):
            m = ev(f"due {i}", clock[0] + timedelta(minutes=12), email=True)
            svc.put_event(f"d{i % 10}", m.id, m, create)
        meter.reset()
        clock[0] += timedelta(minutes=2, seconds=5)
        report = disp.run()
        assert report.sent == 100, report
        record("dispatcher, per reminder sent (100 due)", 100)
    return out


# ---------------------------------------------------------------------------
# The cost model (us-east-1 list prices; see docs/cost.md for sources and dates)

PRICE = {
    "wru": 0.625 / 1e6, "rru": 0.125 / 1e6, "storage_gb": 0.25, "pitr_gb": 0.20,
    "http_api": 1.00 / 1e6, "lambda_req": 0.20 / 1e6, "lambda_gbs_arm": 0.0000133334,
    "ses_email": 0.10 / 1000, "cognito_mau_lite": 0.0055, "cognito_free_mau": 10_000,
    "logs_gb": 0.50, "alarm": 0.10, "secret": 0.40, "secret_call": 0.05 / 10_000,
}
USAGE = {  # per user per month
    "sync_polls": 2 * 10 * 22 * 12,  # 2 desktops, 10 h/day, 22 days, every 5 minutes
    "writes": 100, "reads": 30, "range_queries": 30, "emails": 40,
    "events_stored": 500, "event_kb": 1.0,
}
LAMBDA_GB = 0.5
LAMBDA_S = {"sync": 0.040, "write": 0.060, "read": 0.030, "range": 0.120}
LOG_KB_PER_REQUEST = 0.3


def monthly_cost(users: int, cap: dict[str, tuple[float, float]]) -> dict[str, float]:
    u = USAGE
    sync_r, _ = cap["/sync with nothing new (the idle poll)"]
    wr_r, wr_w = cap["create event with an email reminder"]
    up_r, up_w = cap["update event (If-Match)"]
    get_r, _ = cap["get event"]
    rng_r, _ = cap["GET /events for a month of 200 events"]
    ch_r, _ = cap["/sync page of 100 changes (per change)"]
    _, limit_w = cap["per-caller limit (every request; caller within its rate)"]
    mail_r, mail_w = cap["dispatcher, per reminder sent (100 due)"]
    idle_r, _ = cap["dispatcher run with nothing due"]
    requests = u["sync_polls"] + u["writes"] + u["reads"] + u["range_queries"]
    # every write comes back to the user's other desktop as one change in /sync
    rru = (u["sync_polls"] * sync_r + u["writes"] * ((wr_r + up_r) / 2 + ch_r)
           + u["reads"] * get_r + u["range_queries"] * rng_r + u["emails"] * mail_r)
    wru = u["writes"] * (wr_w + up_w) / 2 + u["emails"] * mail_w + requests * limit_w
    gbs = LAMBDA_GB * (u["sync_polls"] * LAMBDA_S["sync"] + u["writes"] * LAMBDA_S["write"]
                       + u["reads"] * LAMBDA_S["read"] + u["range_queries"] * LAMBDA_S["range"])
    storage_gb = u["events_stored"] * u["event_kb"] * 2 / 1024 / 1024  # table + sync GSI copy
    per_user = {
        "API Gateway (HTTP API)": requests * PRICE["http_api"],
        "Lambda (API)": requests * PRICE["lambda_req"] + gbs * PRICE["lambda_gbs_arm"],
        "DynamoDB requests": rru * PRICE["rru"] + wru * PRICE["wru"],
        "DynamoDB storage + PITR": storage_gb * (PRICE["storage_gb"] + PRICE["pitr_gb"]),
        "SES": u["emails"] * PRICE["ses_email"],
        "CloudWatch Logs": requests * LOG_KB_PER_REQUEST / 1024 / 1024 * PRICE["logs_gb"],
    }
    total = {k: v * users for k, v in per_user.items()}
    total["Cognito (Lite, 10k MAU free)"] = max(0, users - PRICE["cognito_free_mau"]) \
        * PRICE["cognito_mau_lite"]
    runs = 30 * 24 * 60
    total["Dispatcher (fixed: 43,200 runs)"] = (
        runs * (PRICE["lambda_req"] + 0.2 * LAMBDA_GB * PRICE["lambda_gbs_arm"]
                + idle_r * PRICE["rru"]))
    total["CloudWatch alarms (7)"] = 7 * PRICE["alarm"]
    # the cursor key: one secret, read at each cold start (pessimistically 1 per 1,000 requests)
    total["Secrets Manager (cursor key)"] = (PRICE["secret"] + users * requests / 1000
                                             * PRICE["secret_call"])
    return total


def main() -> None:
    cap = measure()
    print("DynamoDB capacity per operation (on-demand units, modelled on real item sizes)")
    print(f"  {'operation':50s} {'read units':>10s} {'write units':>11s}")
    for name, (r, w) in cap.items():
        print(f"  {name:50s} {r:10.2f} {w:11.2f}")
    print()
    print("Monthly cost model (USD, us-east-1, no free tier except Cognito's 10k MAU)")
    print("  usage per user per month: " + ", ".join(f"{k}={v}" for k, v in USAGE.items()))
    for users in (100, 10_000, 1_000_000):
        total = monthly_cost(users, cap)
        print(f"  {users:>9,} users: ${sum(total.values()):>11,.2f}   "
              + "; ".join(f"{k} ${v:,.2f}" for k, v in total.items() if v >= 0.005))
    print("  seed estimate for the whole system: $16-50/month")


if __name__ == "__main__":
    main()
