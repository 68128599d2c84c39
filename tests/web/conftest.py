"""Fixtures for the browser tests: one local stack (serving web/dist at /app/) and one
headless Debian Chromium (Playwright for Python, the system browser) per session; a new
browser context per test.

Missing pieces skip with the reason locally; under AURORA_CI=1 (CI installs them) they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
from tests.helpers.cloud_process import ROOT, CloudProcess, quiet_env  # noqa: E402
from tests.helpers.web import DESKTOP  # noqa: E402

CHROMIUM = os.environ.get("AURORA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
IN_CI = os.environ.get("AURORA_CI") == "1"
DIST = ROOT / "web" / "dist"
# Playwright's default is 30 s; the pages here answer in well under a second.
TIMEOUT_MS = 15_000


def missing(reason: str) -> None:
    """Skip locally; fail in CI, where everything is installed on purpose."""
    if IN_CI:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """The built web app (scripts/test.sh builds it before pytest; built here if missing)."""
    if not (DIST / "index.html").is_file():
        if IN_CI:
            pytest.fail("web/dist is missing: scripts/test.sh builds it (bash scripts/build_web.sh)",
                        pytrace=False)
        if shutil.which("npm") is None:
            pytest.skip("web/dist is missing and npm is not installed (bash scripts/build_web.sh)")
        proc = subprocess.run(["bash", "scripts/build_web.sh"], cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0 or not (DIST / "index.html").is_file():
            pytest.skip("web/dist is missing and bash scripts/build_web.sh failed: "
                        + (proc.stderr.strip().splitlines() or ["?"])[-1])
    return Path(DIST)


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory, web_dist: Path) -> Iterator[CloudProcess]:
    """The local stack (aurora-cloud local) on 127.0.0.1: the API at /, the app at /app/."""
    proc = CloudProcess(tmp_path_factory.mktemp("cloud"), extra_args=["--no-limits"]).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def app_url(cloud: CloudProcess) -> str:
    return f"{cloud.url}/app/"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        missing(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver "
                "(scripts/bootstrap.sh --test)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        missing("Playwright for Python is missing: .venv/bin/pip install -e '.[test]'")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                               env=quiet_env(TZ="UTC"))
        yield b
        b.close()


@pytest.fixture()
def new_context(browser: Any) -> Iterator[Any]:
    """A factory of fresh browser contexts (own storage), Berlin time, British English."""
    made: list[Any] = []

    def make(**kw: Any) -> Any:
        opts: dict[str, Any] = {"timezone_id": "Europe/Berlin", "locale": "en-GB",
                                "viewport": DESKTOP, "service_workers": "block"}
        opts.update(kw)
        ctx = browser.new_context(**opts)
        ctx.set_default_timeout(TIMEOUT_MS)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture()
def page(new_context: Any) -> Any:
    ctx = new_context()
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture()
def account(cloud: CloudProcess, tmp_path: Path) -> tuple[str, str]:
    """A confirmed account (made over the API, the way a desktop signs up)."""
    from tests.helpers.desktops import make_account

    email, password = make_account(cloud, tmp_path)
    return str(email), str(password)
