"""What the local stack's write journal costs per write (aurora_cloud.local.moto_state).

Three runs of the same requests against the local stack on 127.0.0.1, each in a
fresh data folder:

- ``no journal``: DynamoDB writes are only in memory until the next snapshot
  (what the stack did before: a kill -9 lost them);
- ``journal, write``: each answered write is appended before the answer leaves
  (survives kill -9 of the stack; a power cut may lose the last few);
- ``journal, fsync``: ... and fsync'd before the answer (the default).

For each: PUT /events (one create, If-None-Match: *) one by one, and POST
/events/batch of 50 (one request, one TransactWriteItems per 25 items or so), p50
and mean, and the journal's bytes per write.

    .venv/bin/python bench/local_journal_bench.py [--creates 300] [--batches 20]

Figures measure this machine's disk and moto, not AWS.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "CRITICAL")

import requests
from cloud_api import event, sign_up

from aurora_cloud.local import moto_state
from aurora_cloud.local.stack import LocalStack


def run(mode: str, creates: int, batches: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, requests.Session() as http:
        http.trust_env = False
        stack = LocalStack(Path(tmp), schedule=False, rate=0, fsync=(mode == "fsync"))
        stack.start()
        try:
            if mode == "off":
                with stack.moto.lock:
                    assert stack.moto.journal is not None
                    stack.moto.journal.close()
                    stack.moto.journal = None  # kept() then keeps nothing
            token = sign_up(stack, f"{mode}@example.com", "Bench-Password-1")
            h = {"Authorization": f"Bearer {token}"}
            journal_before = sum(p.stat().st_size for p in Path(tmp).glob("moto-journal.*"))
            one: list[float] = []
            for i in range(creates):
                body = event(i)
                t0 = time.perf_counter()
                r = http.put(f"{stack.url}/events/{body['id']}", json=body,
                             headers={**h, "If-None-Match": "*"})
                one.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 201, r.text
            journal_bytes = sum(p.stat().st_size for p in Path(tmp).glob("moto-journal.*")) \
                - journal_before
            fifty: list[float] = []
            for b in range(batches):
                t0 = time.perf_counter()
                r = http.post(f"{stack.url}/events/batch", headers=h,
                              json={"events": [event(1000 + 50 * b + i) for i in range(50)]})
                fifty.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.text
        finally:
            stack.stop()
    return {"put_p50": statistics.median(one), "put_mean": statistics.fmean(one),
            "batch_p50": statistics.median(fifty), "batch_mean": statistics.fmean(fifty),
            "bytes_per_put": journal_bytes / creates}


def journal_alone(n: int = 2000, size: int = 1700) -> dict[str, float]:
    """Microseconds per record of Journal.append + sync alone (no moto, no HTTP)."""
    out = {}
    body = b"x" * size
    headers = {"x-amz-target": "DynamoDB_20120810.TransactWriteItems"}
    for fsync in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            journal = moto_state.Journal(Path(tmp), 1, fsync=fsync)
            t0 = time.perf_counter()
            for _ in range(n):
                journal.append(headers, body)
                journal.sync()
            out["fsync" if fsync else "write"] = (time.perf_counter() - t0) / n * 1e6
            journal.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--creates", type=int, default=300)
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--mode", choices=("off", "write", "fsync"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:  # one run (moto's backends are per process: one stack per process)
        print(json.dumps(run(args.mode, args.creates, args.batches)))
        return
    names = {"off": "no journal", "write": "journal, write", "fsync": "journal, fsync"}
    results = {}
    for mode in names:
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--creates",
                              str(args.creates), "--batches", str(args.batches)],
                             check=True, capture_output=True, text=True).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
    base = results["off"]
    print(f"Local stack write journal ({moto_state.__name__}; moto on 127.0.0.1, "
          f"this machine's disk; {args.creates} PUTs, {args.batches} batches of 50)")
    alone = journal_alone()
    print(f"  the journal alone (1.7 KB records): write {alone['write']:.0f} us, "
          f"write + fsync {alone['fsync']:.0f} us per record")
    for mode, r in results.items():
        print(f"  {names[mode]:<15} PUT /events p50 {r['put_p50']:5.1f} ms "
              f"(mean {r['put_mean']:5.1f}, +{r['put_mean'] - base['put_mean']:4.1f}) | "
              f"batch of 50 p50 {r['batch_p50']:6.1f} ms "
              f"(mean {r['batch_mean']:6.1f}, +{r['batch_mean'] - base['batch_mean']:5.1f}) | "
              f"journal {r['bytes_per_put']:5.0f} B per PUT")


if __name__ == "__main__":
    main()
