"""Two computers, each its own HOME, its own keyring (GNOME Keyring on its own D-Bus) and
its own data folder, used only through the `aurora` command line (the contract):
offline edits on both, then `aurora sync` on both, and `aurora list --json` agrees.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli_desktop import CliDesktop
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import make_account

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))
    and os.environ.get("AURORA_CI") != "1",  # CI installs them: there, missing is a failure
    reason="needs the Debian packages dbus and gnome-keyring (scripts/bootstrap.sh installs "
           "them)")]


class Computer(CliDesktop):
    def listing(self) -> list[dict[str, object]]:
        out = self.aurora("list", "--from", "2026-12-01", "--to", "2027-01-31", "--json",
                          "--timezone", "Europe/Berlin").stdout
        data: list[dict[str, object]] = json.loads(out)
        return data

    def add(self, title: str, start: str, end: str) -> str:
        out = self.aurora("add", "--title", title, "--start", start, "--end", end,
                          "--timezone", "Europe/Berlin").stdout
        return out.strip().splitlines()[-1]

    def sync(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.aurora("sync", "--json").stdout)
        return data


def test_two_computers_edit_offline_then_sync_and_list_the_same(cloud: CloudProcess,
                                                                tmp_path: Path) -> None:
    email, password = make_account(cloud, tmp_path)
    laptop, office = Computer(tmp_path / "laptop"), Computer(tmp_path / "office")
    # The laptop already has a calendar of its own: signing in adds it to the account.
    shared = laptop.add("Team lunch", "2026-12-08T12:00", "2026-12-08T13:00")
    for c in (laptop, office):
        c.aurora("account", "login", "--server", cloud.url, "--email", email,
                 "--password-stdin", stdin=password + "\n")
    office.sync()
    assert [e["title"] for e in office.listing()] == ["Team lunch"]
    # Offline on both: new events, and the same event changed in different fields.
    dentist = laptop.add("Dentist", "2026-12-09T09:00", "2026-12-09T09:30")
    office.add("Gym", "2026-12-10T18:00", "2026-12-10T19:00")
    laptop.aurora("edit", shared, "--location", "Canteen")
    office.aurora("edit", shared, "--title", "Team lunch (Friday)")
    laptop.aurora("delete", dentist)
    first = laptop.sync()
    assert {"pushed", "pulled", "pending", "conflicts"} <= set(first)
    office.sync()
    laptop.sync()
    a, b = laptop.listing(), office.listing()
    assert a == b
    assert sorted(e["title"] for e in a) == ["Gym", "Team lunch (Friday)"]
    assert next(e for e in a if e["id"] == shared)["location"] == "Canteen"
    # The same field on both: one value everywhere, the other listed on the one that lost.
    laptop.aurora("edit", shared, "--title", "Lunch (laptop)")
    office.aurora("edit", shared, "--title", "Lunch (office)")
    laptop.sync()
    report = office.sync()
    laptop.sync()
    assert laptop.listing() == office.listing()
    assert next(e for e in office.listing() if e["id"] == shared)["title"] == "Lunch (laptop)"
    [conflict] = report["conflicts"]  # type: ignore[misc]
    assert (conflict["id"], conflict["field"], conflict["kept"], conflict["lost"]) == (
        shared, "title", "Lunch (laptop)", "Lunch (office)")


def test_sync_signed_out_or_offline_is_one_line_and_exit_2(cloud: CloudProcess,
                                                           tmp_path: Path) -> None:
    c = Computer(tmp_path / "c")
    proc = c.aurora("sync", ok=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Not signed in" in proc.stderr
    own = CloudProcess(tmp_path / "stack").start()
    try:
        email, password = make_account(own, tmp_path)
        c.aurora("account", "login", "--server", own.url, "--email", email,
                 "--password-stdin", stdin=password + "\n")
        c.add("Waits", "2026-12-11T10:00", "2026-12-11T11:00")
    finally:
        own.stop()  # the server goes away
    proc = c.aurora("sync", ok=False)
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "Cannot reach the Aurora server" in proc.stderr
    status = json.loads(c.aurora("account", "status", "--json").stdout)
    assert status["signed_in"], "being offline is not being signed out"
    assert [e["title"] for e in c.listing()] == ["Waits"]
