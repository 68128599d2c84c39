"""What the browser tests share: signing in through the page, an API client for the test
itself (the way a desktop talks to the server), and a desktop run through the `aurora`
command line with its own HOME and keyring (as tests/desktop/test_sync_cli.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.helpers.cli_desktop import CliDesktop
from tests.helpers.cloud_process import PASSWORD, CloudProcess

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Any, app_url: str, email: str, password: str = PASSWORD, route: str = "") -> None:
    """Sign in through the page, then go to ``route`` (e.g. '#/week/2026-12-07')."""
    from playwright.sync_api import expect

    page.goto(app_url + "#/signin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The app's own move to this week comes right after the first signed-in render;
    # going elsewhere before it would be overridden by it.
    expect(page).to_have_url(re.compile(r"#/week/\d{4}-\d{2}-\d{2}$"))
    if route:
        page.goto(app_url + route)
    wait_loaded(page)


def wait_loaded(page: Any) -> None:
    """The shell has its data: no 'Loading…' status left."""
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator(".loading")).to_have_count(0)


def occurrence(page: Any, title: str) -> Any:
    """The occurrences named 'Title, …' (the contract's accessible name)."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(title)}, "))


class ApiUser:
    """The test's own signed-in API client (the desktop's AccountService over HTTP)."""

    def __init__(self, cloud: CloudProcess, tmp: Path, email: str, password: str = PASSWORD) -> None:
        from aurora_desktop.auth import AccountService, MemorySecrets

        self.svc = AccountService(tmp / f"api-{email.split('@')[0]}", MemorySecrets())
        self.svc.sign_in(self.svc.connect(cloud.url), email, password)

    def call(self, method: str, path: str, **kw: Any) -> Any:
        return self.svc.request(method, path, **kw)

    def occurrences(self, start: str, end: str, tz: str = "Europe/Berlin") -> list[dict[str, Any]]:
        resp = self.call("GET", "/events", params={"from": start, "to": end, "tz": tz})
        assert resp.status_code == 200, resp.text
        data: list[dict[str, Any]] = resp.json()["occurrences"]
        return data

    def event(self, event_id: str) -> dict[str, Any]:
        resp = self.call("GET", f"/events/{event_id}")
        assert resp.status_code == 200, resp.text
        data: dict[str, Any] = resp.json()
        return data

    def put(self, ev: dict[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in ev.items() if k not in ("version", "created_at", "updated_at")}
        resp = self.call("PUT", f"/events/{ev['id']}", json_body=body,
                         headers={"If-Match": str(ev["version"])})
        assert resp.status_code == 200, resp.text
        data: dict[str, Any] = resp.json()
        return data

    def close(self) -> None:
        self.svc.close()


class Computer(CliDesktop):
    """A desktop used through the `aurora` command line (tests/helpers/cli_desktop.py)."""

    def login(self, cloud: CloudProcess, email: str, password: str = PASSWORD) -> None:
        self.aurora("account", "login", "--server", cloud.url, "--email", email,
                    "--password-stdin", stdin=password + "\n")

    def sync(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.aurora("sync", "--json").stdout)
        return data

    def listing(self, start: str, end: str, tz: str) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(
            self.aurora("list", "--from", start, "--to", end, "--json", "--timezone", tz).stdout)
        return data
