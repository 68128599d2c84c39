"""Sync benchmarks (issue 9). Prints figures side by side; never fails on timing.

    .venv/bin/python bench/sync_bench.py [--idle 20] [--rounds 7] [--import-rounds 3]
                                         [--profile upload|pull|idle|changes]

One run, on this machine, against the local stack started here as a child
process (``python -m aurora_cloud local`` on a free 127.0.0.1 port, its own
data folder, stopped at the end):

1. ``aurora import`` of bench/gen_ics.py's 10,000 events (the CLI in process,
   into a fresh data folder): the yardstick every figure is also given against;
2. first upload: the imported calendar is desktop A's own; A signs in to a new
   account and runs the first sync that adds this computer's calendars
   (``adopt_local=True``);
3. full pull: a fresh desktop B signs in to the same account and syncs;
4. a sync with nothing new (A), repeated;
5. 10 changes: 10 events edited on A, A syncs, then B syncs; repeated.

Desktops are in process, like tests/helpers/desktops.py: each has its own
data folder, Store, AccountService (``MemorySecrets``) and one engine from
``make_engine``; the timed part is ``engine.run()``. Requests are the engine's
own count. Bytes are counted at the socket (TCP payload on connections to the
stack's port): request line, headers and body as sent, status line, headers
and body as received (gzip bodies compressed), so the JWT in every request is
included. Sign-in (Cognito SRP) is not part of any timed figure.

Phases and rounds are 3 s apart (:data:`QUIET`): the server's cursor stays
before changes younger than 2 s (``sync_settle``: an eventually consistent
index may show them late), so a sync re-reads them once, and the local stack
saves its state 2 s after the last write. Each figure measures one thing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from gen_ics import generate

from aurora_desktop import cli
from aurora_desktop.auth import AccountService, MemorySecrets
from aurora_desktop.store import Store
from aurora_desktop.sync import SyncEngine, SyncReport, make_engine
from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email

# Seconds between phases and rounds: the server's cursor stays 2 s behind the newest
# change (sync_settle), and the local stack saves its state to disk 2 s after the last
# write (~0.2 s during which every request waits). Waiting this long keeps both out of
# the figures, which then measure the sync itself.
QUIET = 3.0


# ------------------------------------------------------------------ measuring


class WireMeter:
    """Bytes on TCP connections to one port, counted at the socket while ``active``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sent = 0
        self.received = 0
        self.active = False

    @contextlib.contextmanager
    def installed(self) -> Iterator[WireMeter]:
        meter = self
        sendall, recv_into, recv = socket.socket.sendall, socket.socket.recv_into, \
            socket.socket.recv

        def ours(sock: socket.socket) -> bool:
            try:
                return meter.active and sock.getpeername()[1] == meter.port
            except (OSError, IndexError):
                return False

        def counting_sendall(sock: socket.socket, data: Any, *a: Any) -> Any:
            if ours(sock):
                meter.sent += memoryview(data).nbytes
            return sendall(sock, data, *a)

        def counting_recv_into(sock: socket.socket, buf: Any, *a: Any) -> int:
            n = recv_into(sock, buf, *a)
            if ours(sock):
                meter.received += n
            return n

        def counting_recv(sock: socket.socket, *a: Any) -> bytes:
            data = recv(sock, *a)
            if ours(sock):
                meter.received += len(data)
            return data

        patched = {"sendall": counting_sendall, "recv_into": counting_recv_into,
                   "recv": counting_recv}
        saved = {name: getattr(socket.socket, name) for name in patched}
        for name, fn in patched.items():
            setattr(socket.socket, name, fn)
        try:
            yield self
        finally:
            for name, fn in saved.items():
                setattr(socket.socket, name, fn)


@dataclass
class Sample:
    seconds: float
    requests: int
    sent: int
    received: int
    report: SyncReport
    waited: float = 0.0  # in HTTP requests; the rest is the desktop's own work
    paths: Counter[str] = field(default_factory=Counter)
    path_seconds: dict[str, float] = field(default_factory=dict)

    def requests_text(self) -> str:
        return ", ".join(f"{n} {p} ({fmt_t(self.path_seconds[p])})"
                         for p, n in self.paths.most_common())


class Desktop:
    """One desktop in this process: data folder, store, account, one engine."""

    def __init__(self, data_dir: Path, meter: WireMeter) -> None:
        self.data_dir = data_dir
        self.meter = meter
        data_dir.mkdir(parents=True, exist_ok=True)
        self.accounts = AccountService(data_dir, MemorySecrets())
        self.store = Store(data_dir / "aurora.sqlite3")
        self.engine: SyncEngine | None = None
        self.paths: Counter[str] = Counter()
        self.waited = 0.0  # seconds inside HTTP requests (the server, the wire)
        self.path_seconds: dict[str, float] = defaultdict(float)

    def sign_in(self, url: str, email: str) -> None:
        server = self.accounts.connect(url)
        self.accounts.sign_in(server, email, PASSWORD)
        engine = make_engine(self.data_dir, self.store, self.accounts)
        inner = engine.client._request

        def request(method: str, path: str, **kw: Any) -> Any:
            parts = path.split("?")[0].split("/")
            if len(parts) > 2 and parts[-1] != "batch":
                parts[-1] = "{id}"
            what = f"{method} {'/'.join(parts)}"
            self.paths[what] += 1
            t0 = time.perf_counter()
            try:
                return inner(method, path, **kw)
            finally:
                spent = time.perf_counter() - t0
                self.waited += spent
                self.path_seconds[what] += spent

        engine.client._request = request
        self.engine = engine

    def sync(self, **kw: Any) -> Sample:
        assert self.engine is not None
        self.paths.clear()
        self.path_seconds.clear()
        self.waited = 0.0
        m = self.meter
        sent, received = m.sent, m.received
        m.active = True
        t0 = time.perf_counter()
        report = self.engine.run(**kw)
        seconds = time.perf_counter() - t0
        m.active = False
        return Sample(seconds, report.requests, m.sent - sent, m.received - received, report,
                      self.waited, Counter(self.paths), dict(self.path_seconds))

    def close(self) -> None:
        self.store.close()
        self.accounts.close()


def sign_up(cloud: CloudProcess, tmp: Path) -> str:
    svc = AccountService(tmp / "signup", MemorySecrets())
    server = svc.connect(cloud.url)
    email = str(new_email())
    svc.sign_up(server, email, PASSWORD)
    svc.confirm(server, email, cloud.code_for(email))
    svc.close()
    return email


def cli_import(ics: Path, data_dir: Path) -> float:
    """``aurora import FILE --calendar Bench`` in this process; seconds."""
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli.main(["import", str(ics), "--calendar", "Bench", "--data-dir", str(data_dir)])
    seconds = time.perf_counter() - t0
    if code != 0 or not out.getvalue().startswith("Imported "):
        raise SystemExit(f"import failed: {out.getvalue()!r}")
    return seconds


# ------------------------------------------------------------------ printing


def fmt_t(s: float) -> str:
    return f"{s:.2f} s" if s >= 1 else f"{s * 1000:.1f} ms"


def fmt_b(n: float) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 10 * 1024 else f"{n:.0f} B"


class Table:
    """One line per figure: median and best, each also as a multiple of the import."""

    HEAD = ("what", "target", "median", "best", "x import", "in requests", "requests", "sent",
            "received")

    def __init__(self, base: float) -> None:
        self.base = base
        self.rows: list[tuple[str, ...]] = []

    def add(self, what: str, target: str, samples: list[Sample]) -> None:
        times = [x.seconds for x in samples]
        med, best = statistics.median(times), min(times)
        ratio = f"{med / self.base:.3f}x" + (f" / {best / self.base:.3f}x" if len(times) > 1
                                               else "")
        waited = statistics.median(x.waited for x in samples)
        self.rows.append((
            what, target, fmt_t(med), fmt_t(best) if len(times) > 1 else "-", ratio,
            fmt_t(waited), "/".join(str(n) for n in sorted({x.requests for x in samples})),
            fmt_b(statistics.median(x.sent for x in samples)),
            fmt_b(statistics.median(x.received for x in samples))))

    def add_base(self, what: str, times: list[float]) -> None:
        self.rows.append((what, "-", fmt_t(statistics.median(times)), fmt_t(min(times)),
                          "1x", "-", "-", "-", "-"))

    def print(self) -> None:
        rows = [self.HEAD, *self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEAD))]
        for n, r in enumerate(rows):
            print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
            if n == 0:
                print("  " + "  ".join("-" * w for w in widths))


# ------------------------------------------------------------------ the run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--idle", type=int, default=20, help="syncs with nothing new")
    ap.add_argument("--rounds", type=int, default=7, help="rounds of 10 changes")
    ap.add_argument("--import-rounds", type=int, default=3)
    ap.add_argument("--profile", choices=["upload", "pull", "idle", "changes"],
                    help="cProfile one phase of this process (the desktops) and print its top; "
                         "for the stack, attach py-spy to its pid")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="aurora-sync-bench-") as d:
        tmp = Path(d)
        ics = tmp / "bench.ics"
        ics.write_text(generate(9500, 500, 1), encoding="utf-8")
        print(f"file: bench/gen_ics.py, 10,000 events (9,500 single, 500 series), "
              f"{ics.stat().st_size // 1024} KiB; {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}")
        cloud = CloudProcess(tmp / "cloud").start()
        try:
            run(args, tmp, ics, cloud)
        finally:
            cloud.stop()


@contextlib.contextmanager
def maybe_profile(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)


def run(args: argparse.Namespace, tmp: Path, ics: Path, cloud: CloudProcess) -> None:
    meter = WireMeter(cloud.port)
    email = sign_up(cloud, tmp)
    # 1. aurora import (the last round's folder becomes desktop A)
    imports = []
    for i in range(args.import_rounds):
        imports.append(cli_import(ics, tmp / f"import-{i}"))
    base = statistics.median(imports)
    print(f"aurora import: {' / '.join(fmt_t(t) for t in imports)} (median {fmt_t(base)})")
    with meter.installed():
        a = Desktop(tmp / f"import-{args.import_rounds - 1}", meter)
        b = Desktop(tmp / "desktop-b", meter)
        a.sign_in(cloud.url, email)
        # 2. first upload
        with maybe_profile(args.profile == "upload"):
            upload = a.sync(adopt_local=True)
        print(f"first upload: {fmt_t(upload.seconds)}, {upload.requests} requests "
              f"({upload.requests_text()}); "
              f"pushed {upload.report.pushed}, pending {upload.report.pending}, "
              f"set aside {upload.report.set_aside}")
        # 3. full pull on a fresh desktop
        b.sign_in(cloud.url, email)
        time.sleep(QUIET)
        with maybe_profile(args.profile == "pull"):
            pull = b.sync(adopt_local=True)
        n_b = len(b.store.events())
        if n_b != len(a.store.events()) or upload.report.pending or upload.report.set_aside:
            print(f"  warning: A has {len(a.store.events())} events, B {n_b}")
        print(f"full pull: {fmt_t(pull.seconds)}, {pull.requests} requests "
              f"({pull.requests_text()}); "
              f"pulled {pull.report.pulled}; B has {n_b} events")
        # one sync each moves both cursors past the settle window
        time.sleep(QUIET)
        a.sync()
        b.sync()
        # 4. nothing new
        idle = []
        with maybe_profile(args.profile == "idle"):
            for _ in range(args.idle):
                idle.append(a.sync())
        # 5. 10 changes
        rnd = random.Random(9)
        singles = [e for e in a.store.events() if not e.is_recurring and e.recurrence_id is None]
        push, pull10 = [], []
        with maybe_profile(args.profile == "changes"):
            for r in range(args.rounds):
                time.sleep(QUIET)
                picked = rnd.sample(singles, 10)
                for ev in picked:
                    a.store.put_event(ev.replace(title=f"{ev.title} (edit {r})"))
                push.append(a.sync())
                pull10.append(b.sync())
                missed = [ev.id for ev in picked
                          if b.store.get_event(ev.id).title != f"{ev.title} (edit {r})"]
                if missed or push[-1].report.pushed != 10 or pull10[-1].report.pulled != 10:
                    print(f"  warning: round {r}: A sent {push[-1].report.pushed}, B received "
                          f"{pull10[-1].report.pulled}, B lacks {len(missed)} edits")
        token_bytes = len(a.accounts.access_token())
        a.close()
        b.close()

    t = Table(base)
    t.add_base(f"aurora import (CLI, same file, n={len(imports)})", imports)
    t.add("first upload (A's first sync, adopting)", "<= 15 s (CalDAV 1,545 s)", [upload])
    t.add("full pull (fresh desktop B)", "<= 2 s (CalDAV 12.6 s)", [pull])
    t.add(f"nothing new (A, n={len(idle)})", "<= 50 ms, 1 request < 1 KB", idle)
    t.add(f"10 changes: A sends (n={len(push)})", "<= 80 ms", push)
    t.add(f"10 changes: B receives (n={len(pull10)})", "<= 80 ms", pull10)
    print()
    t.print()
    one = idle[0]
    print(f"\nnothing new: {one.requests} request ({', '.join(one.paths)}): {one.sent} B sent "
          f"(its bearer token alone is {token_bytes} B), {one.received} B received")
    print("in requests: time inside HTTP requests (the server and the wire); the rest is the "
          "desktop's own work.\nbytes: TCP payload to and from the stack's port (request "
          "lines, headers, bodies; gzip bodies compressed).")


if __name__ == "__main__":
    main()
