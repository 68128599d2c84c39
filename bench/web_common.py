"""What bench/web_bench.py and bench/web_screenshots.py share: the local stack (it serves
web/dist at /app/), a confirmed account, an API client of our own, and Debian's Chromium
through Playwright for Python (the same launch as tests/web/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # aurora_* and tests.helpers

from tests.helpers.cloud_process import PASSWORD, CloudProcess  # noqa: E402
from tests.helpers.web import ApiUser, sign_in, wait_loaded  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
DIST = ROOT / "web" / "dist"

__all__ = ["DIST", "PASSWORD", "ROOT", "ApiUser", "Stack", "add_calendar", "add_event", "calendar_id",
           "sign_in", "stack", "wait_loaded"]


class Stack:
    """A running local stack, a browser, and helpers to make accounts and events."""

    def __init__(self, cloud: CloudProcess, browser: Any, tmp: Path) -> None:
        self.cloud = cloud
        self.browser = browser
        self.tmp = tmp
        self.app_url = cloud.url + "/app/"

    def account(self, email: str = "") -> tuple[str, ApiUser]:
        """A confirmed account (a fresh stack: any address is free), and our API client."""
        from aurora_desktop.auth import AccountService, MemorySecrets
        from tests.helpers.cloud_process import new_email

        email = email or new_email()
        svc = AccountService(self.tmp / f"signup-{uuid.uuid4().hex[:8]}", MemorySecrets())
        server = svc.connect(self.cloud.url)
        svc.sign_up(server, email, PASSWORD)
        svc.confirm(server, email, self.cloud.code_for(email))
        svc.close()
        return email, ApiUser(self.cloud, self.tmp, email)

    def page(self, **kw: Any) -> Any:
        opts: dict[str, Any] = {"timezone_id": "Europe/Berlin", "locale": "en-GB",
                                "viewport": {"width": 1280, "height": 800},
                                "service_workers": "block"}
        opts.update(kw)
        ctx = self.browser.new_context(**opts)
        ctx.set_default_timeout(15_000)
        return ctx.new_page()


def calendar_id(api: ApiUser, name: str = "Personal", color: str = "#3b82f6") -> str:
    """The account's first calendar, made when it has none."""
    cals = api.call("GET", "/calendars").json()["calendars"]
    live = [c for c in cals if not c.get("deleted")]
    if live:
        return str(live[0]["id"])
    return add_calendar(api, name, color)


def add_calendar(api: ApiUser, name: str, color: str) -> str:
    cid = str(uuid.uuid4())
    resp = api.call("PUT", f"/calendars/{cid}", json_body={"id": cid, "name": name, "color": color},
                    headers={"If-None-Match": "*"})
    assert resp.status_code in (200, 201), resp.text
    return cid


def add_event(api: ApiUser, cal: str, title: str, start: str, end: str, **more: Any) -> dict[str, Any]:
    """PUT a new event (If-None-Match: *). Times: ISO with offset, or dates for all day."""
    eid = str(uuid.uuid4())
    body: dict[str, Any] = {"id": eid, "calendar_id": cal, "title": title, "start": start, "end": end}
    if len(start) > 10:
        body.setdefault("timezone", "Europe/Berlin")
    else:
        body["all_day"] = True
    body.update(more)
    resp = api.call("PUT", f"/events/{eid}", json_body=body, headers={"If-None-Match": "*"})
    assert resp.status_code in (200, 201), resp.text
    data: dict[str, Any] = resp.json()
    return data


@contextlib.contextmanager
def stack() -> Iterator[Stack]:
    if not (DIST / "index.html").is_file():
        raise SystemExit("web/dist is missing: run bash scripts/build_web.sh first")
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with tempfile.TemporaryDirectory(prefix="aurora-web-bench-") as tmp:
        cloud = CloudProcess(Path(tmp) / "cloud", extra_args=["--no-limits"]).start()
        try:
            with sync_playwright() as pw:
                # --lang: the browser's own controls (datetime-local) in British English too.
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--lang=en-GB"],
                                             env={**os.environ, "LANG": "en_GB.UTF-8", "LANGUAGE": "en_GB"})
                try:
                    yield Stack(cloud, browser, Path(tmp))
                finally:
                    browser.close()
        finally:
            cloud.stop()
