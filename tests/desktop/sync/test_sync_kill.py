"""kill -9 of a syncing process at 55 random points: after a restart and a sync, nothing
is lost and nothing is doubled.

Desktop A keeps editing (creates, edits, deletes); after each round a child
process syncs A's data folder and is killed with SIGKILL at a random moment of
its sync. At the end one sync runs to completion, a second desktop pulls
everything, and both hold exactly what A's user made.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers.cloud_process import CloudProcess, quiet_env
from tests.helpers.desktops import Desktop, dump, make_account

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KILLS = int(os.environ.get("AURORA_SYNC_KILLS", "55"))

CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from aurora_desktop.auth import AccountService, MemorySecrets
    from aurora_desktop.store import Store
    from aurora_desktop.sync import make_engine

    data = Path(sys.argv[1])
    secrets = MemorySecrets()
    accounts = AccountService(data, secrets)
    secrets.save(os.environ["T_SERVER"], accounts.keyring_user(os.environ["T_SUB"]),
                 os.environ["T_REFRESH"])
    store = Store(data / "aurora.sqlite3")
    engine = make_engine(data, store, accounts)
    accounts.access_token()  # the refresh happens before the interesting part
    print("ready", flush=True)
    engine.run()
    print("done", flush=True)
""")


def test_a_sync_killed_at_random_points_loses_and_doubles_nothing(cloud: CloudProcess,
                                                                  tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("AURORA_SYNC_SEED", "9")))
    email, password = make_account(cloud, tmp_path)
    a = Desktop("a", tmp_path / "a", cloud)
    a.sign_in(email, password)
    a.sync()
    ident = a.accounts.identity
    assert ident is not None
    refresh = a.accounts.secrets.load(ident[0], a.accounts.keyring_user(ident[1]))
    assert refresh
    env = quiet_env(T_SERVER=ident[0], T_SUB=ident[1], T_REFRESH=refresh)
    live: dict[str, str] = {}  # id -> title, what A's user has
    n = 0
    killed_mid_sync = 0
    # Rounds go on until KILLS kills hit a running sync (a sync that finished before its
    # kill still counts as a round: it is a restart point too); at most twice as many.
    for round_no in range(2 * KILLS):
        if killed_mid_sync >= KILLS:
            break
        for _ in range(rng.randint(5, 25)):
            n += 1
            ev = a.add(f"e{n}", day=1 + n % 27, hour=8 + n % 10)
            live[ev.id] = ev.title
        for eid in rng.sample(sorted(live), k=min(len(live), rng.randint(0, 6))):
            title = f"{live[eid]}+r{round_no}"
            a.edit(eid, title=title)
            live[eid] = title
        for eid in rng.sample(sorted(live), k=min(len(live), rng.randint(0, 3))):
            a.delete(eid)
            del live[eid]
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(a.data_dir)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.35))
        if child.poll() is None:
            killed_mid_sync += 1
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
    assert killed_mid_sync >= min(50, KILLS), f"only {killed_mid_sync} kills hit a running sync"
    # Restart: one sync to the end.
    report = a.sync()
    assert report.pending == 0
    conflicts = [(c.id, c.unit, c.kept, c.lost) for c in a.store.conflicts()]
    assert {e["id"]: e["title"] for e in a.snapshot()} == live, conflicts
    assert conflicts == [], "a crash must not make our own write look like someone else's"
    b = Desktop("b", tmp_path / "b", cloud)
    b.sign_in(email, password)
    b.sync()
    assert dump(b.snapshot()) == dump(a.snapshot())
    titles = [e["title"] for e in b.snapshot()]
    assert len(titles) == len(set(titles)) == len(live), "nothing doubled"
    a.close()
    b.close()
