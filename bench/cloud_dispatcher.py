"""10,000 email reminders due in the same minute: does one dispatcher run send them in time?

On the local stack (moto's DynamoDB, SES and Cognito on 127.0.0.1; every
email also written as .eml): 20 users x 500 events whose 10-minute email
reminder falls in the same minute, then one dispatcher run at that minute
with a pinned clock.

    .venv/bin/python bench/cloud_dispatcher.py [--users 20] [--per-user 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "CRITICAL")

from cloud_api import sign_up

from aurora_cloud.local.stack import LocalStack
from aurora_cloud.logic import Service
from aurora_core import wire


class Pinned:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--per-user", type=int, default=500)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args()
    now = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    clock = Pinned(now)
    start = now + timedelta(minutes=11)
    with tempfile.TemporaryDirectory() as tmp, \
            LocalStack(Path(tmp), schedule=False, rate=0, clock=clock) as stack:
        assert stack.storage is not None and stack.dispatcher is not None
        stack.dispatcher.workers = args.workers
        service = Service(stack.storage, clock=clock)
        t0 = time.perf_counter()
        for u in range(args.users):
            token = sign_up(stack, f"user{u}@example.com", "Bench-Password-1")
            import jwt

            sub = jwt.decode(token, options={"verify_signature": False})["sub"]
            for off in range(0, args.per_user, 100):
                n = min(100, args.per_user - off)
                events = [wire.EventWire(
                    id=str(uuid.uuid4()), calendar_id="work", title=f"<Meeting> {u}/{off + i}",
                    start=start.isoformat(), end=(start + timedelta(minutes=30)).isoformat(),
                    timezone="UTC",
                    reminders=[wire.ReminderWire(minutes_before=10, channel="email")])
                    for i in range(n)]
                res = service.batch_events(sub, wire.BatchRequest(events=events))
                assert all(r.status == 201 for r in res.results)
            print(f"  ... user {u + 1}/{args.users} uploaded ({time.perf_counter() - t0:.0f} s)",
                  file=sys.stderr, flush=True)
        setup = time.perf_counter() - t0
        before = len(list(stack.outbox.glob("*.eml")))
        clock.at = now + timedelta(minutes=1, seconds=2)  # the due minute, just started
        t0 = time.perf_counter()
        report = stack.run_dispatcher()
        elapsed = time.perf_counter() - t0
        sent_files = len(list(stack.outbox.glob("*.eml"))) - before
        total = args.users * args.per_user
        print(f"Dispatcher, local stack: {total:,} email reminders due in one minute")
        print(f"  setup (sign-up + batch upload): {setup:.0f} s")
        print(f"  one run ({args.workers} workers): sent {report.sent:,} "
              f"(.eml files {sent_files:,}), failed {report.failed}, lost races "
              f"{report.lost_race} in {elapsed:.1f} s -> {report.sent / elapsed:,.0f} emails/s; "
              f"{'within' if elapsed < 58 else 'NOT within'} the minute")
        clock.at += timedelta(minutes=1)
        again = stack.run_dispatcher()
        print(f"  next run: sent {again.sent} (no duplicates expected)")


if __name__ == "__main__":
    main()
