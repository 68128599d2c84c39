"""`aurora subscribe URL [--name NAME]`, `aurora refresh`, `aurora unsubscribe NAME`, and
`aurora list` showing a subscription's events, used as a person at a terminal uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aurora_desktop.cli import main
from tests.helpers.feed_server import FeedServer, Route, ics

HOLIDAYS = ics(("new-year", "New Year", "20270101"), ("may-day", "May Day", "20270501"),
               name="Holidays")



def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    code, out, err = run(capsys, "list", "--from", "2027-01-01", "--to", "2027-12-31", "--json")
    assert code == 0, err
    return [(r["title"], r["calendar"]) for r in json.loads(out)]


def test_subscribe_list_refresh_unsubscribe(server: FeedServer, data_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS, etag='"1"')
    url = server.url("/h.ics")
    code, out, err = run(capsys, "subscribe", url)
    assert code == 0, err
    assert out == f"Subscribed to 'Holidays': 2 events from {url}.\n"
    assert listed(capsys) == [("New Year", "Holidays"), ("May Day", "Holidays")]
    # The human listing shows them like any calendar's.
    code, out, _ = run(capsys, "list", "--from", "2027-01-01", "--to", "2027-01-01")
    assert "New Year  [Holidays]" in out

    code, out, err = run(capsys, "refresh")
    assert (code, out, err) == (0, "'Holidays': unchanged.\n", "")
    server.routes["/h.ics"] = Route(ics(("new-year", "New Year", "20270101")), etag='"2"')
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out == "'Holidays': refreshed, 1 event changed.\n"
    assert listed(capsys) == [("New Year", "Holidays")]

    code, out, err = run(capsys, "unsubscribe", "holidays")
    assert (code, out) == (0, "Unsubscribed from 'Holidays' (1 event removed).\n"), err
    assert listed(capsys) == []


def test_subscribe_with_a_name_and_webcal(server: FeedServer, data_dir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    code, out, err = run(capsys, "subscribe", server.url("/h.ics"), "--name", "Days off")
    assert code == 0, err
    assert out.startswith("Subscribed to 'Days off': 2 events")
    assert ("New Year", "Days off") in listed(capsys)
    # webcal:// means https://: this server speaks http only, so it cannot be reached.
    code, out, err = run(capsys, "subscribe", server.url("/h.ics").replace("http", "webcal"))
    assert code == 2 and out == ""
    assert err.startswith("aurora: error: ") and err.count("\n") == 1


def test_refresh_reports_one_line_per_failure_and_exits_2(
        server: FeedServer, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in ("/a.ics", "/b.ics", "/c.ics"):
        server.routes[path] = Route(HOLIDAYS)
    for name, path in (("A", "/a.ics"), ("B", "/b.ics"), ("C", "/c.ics")):
        assert run(capsys, "subscribe", server.url(path), "--name", name)[0] == 0
    server.routes["/b.ics"] = Route(status=500)
    server.routes["/c.ics"] = Route(status=404)
    code, out, err = run(capsys, "refresh")
    assert code == 2
    assert out == "'A': unchanged.\n"
    assert err.splitlines() == [
        "aurora: error: 'B': 127.0.0.1 answered HTTP 500 Internal Server Error",
        "aurora: error: 'C': 127.0.0.1 says there is no calendar at this address (HTTP 404)"]
    # The last good content stays.
    assert [t for t, c in listed(capsys) if c == "B"] == ["New Year", "May Day"]


def test_bad_input_is_one_line_and_keeps_nothing(server: FeedServer, data_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("subscribe", "ftp://x/y.ics"), ("subscribe", server.url("/none.ics")),
                 ("unsubscribe", "Nope")):
        code, out, err = run(capsys, *args)
        assert code == 2 and out == "" and err.startswith("aurora: error: ")
        assert err.count("\n") == 1, err
    assert run(capsys, "refresh")[1] == "No subscriptions.\n"
    server.routes["/h.ics"] = Route(HOLIDAYS)
    run(capsys, "subscribe", server.url("/h.ics"))
    code, _, err = run(capsys, "subscribe", server.url("/h.ics"))
    assert code == 2 and "already subscribed" in err


def test_a_server_that_is_down_in_a_real_process(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/h.ics"] = Route(HOLIDAYS)
    env = {**os.environ, "AURORA_DATA_DIR": str(tmp_path / "d")}

    def aurora(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aurora_desktop", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    assert aurora("subscribe", server.url("/h.ics")).returncode == 0
    server.stop()
    done = aurora("refresh")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("aurora: error: 'Holidays': cannot reach 127.0.0.1")
    assert len(done.stderr.splitlines()) == 1
