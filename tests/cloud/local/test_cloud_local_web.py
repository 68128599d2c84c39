"""The local stack serves the built web app at /app/ (issue 13): files, types, caching,
the security headers of the CloudFront policy, no way out of the folder, and a clear
page when the app is not built."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from aurora_cloud.local.front import Front, JwtVerifier, RateLimiter
from aurora_cloud.local.template import Template
from aurora_cloud.local.web import CSP, WebFiles, default_dist
from aurora_cloud.web_hosting import repo_dist

INDEX = b'<!doctype html><html><head><script type="module" src="./assets/index-abc123.js">' \
        b'</script></head><body><div id="app"></div></body></html>'
SCRIPT = b"console.log('aurora');\n"


class EchoApi:
    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": "{}"}


class StubCognito:
    """Stands in for CognitoProxy: the Cognito API is POST / with X-Amz-Target."""

    def handle(self, target: str, body: bytes, headers: dict[str, str]
               ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, b'{"UserSub": "s"}'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_bytes(INDEX)
    (d / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (d / "assets" / "index-def456.css").write_text("body{color:#222}\n")
    (d / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (d / "manifest.webmanifest").write_text("{}")
    (d / "config.json").write_text('{"api_url": "https://abc.execute-api.example"}')
    (d / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("outside the dist folder")
    (d / "assets" / "link.js").symlink_to(tmp_path / "secret.txt")
    return d


def _client(web: WebFiles | None) -> Client:
    apis: queue.Queue[Any] = queue.Queue()
    apis.put(EchoApi())
    front = Front(Template().routes(), apis,
                  JwtVerifier(lambda: {"keys": []}, "https://issuer", "client"),
                  cognito=StubCognito(),  # type: ignore[arg-type]
                  jwks=lambda: {"keys": []}, pool_id="pool", limiter=RateLimiter(0, 1), web=web)
    return Client(front)


def _assert_security_headers(headers: Any) -> None:
    csp = headers["Content-Security-Policy"]
    assert csp == CSP
    assert "default-src 'none'" in csp and "connect-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe" not in csp and "*" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain http on 127.0.0.1


def test_index_assets_and_their_types_and_caching(dist: Path) -> None:
    client = _client(WebFiles(dist))
    r = client.get("/app/")
    assert r.status_code == 200 and r.data == INDEX
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-cache"
    _assert_security_headers(r.headers)
    assert client.get("/app/index.html").data == INDEX
    js = client.get("/app/assets/index-abc123.js")
    assert js.status_code == 200 and js.data == SCRIPT
    assert js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    _assert_security_headers(js.headers)
    css = client.get("/app/assets/index-def456.css")
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    svg = client.get("/app/favicon.svg")
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.headers["Cache-Control"] == "no-cache"  # not hashed: revalidated
    assert client.get("/app/manifest.webmanifest").headers["Content-Type"] == \
        "application/manifest+json"


def test_app_without_slash_redirects_and_head_and_revalidation_work(dist: Path) -> None:
    client = _client(WebFiles(dist))
    r = client.get("/app")
    assert r.status_code == 301 and r.headers["Location"] == "/app/"
    assert client.get("/app?x=1").headers["Location"] == "/app/?x=1"
    root = client.get("/")  # the stack's base URL, opened in a browser: the app
    assert root.status_code == 302 and root.headers["Location"] == "/app/"
    assert client.post("/").status_code == 404  # POST / is the Cognito API's (X-Amz-Target)
    signup = client.post("/", headers={"X-Amz-Target": "AWSCognitoIdentityProviderService."
                                                       "SignUp"}, data=b"{}")
    assert signup.status_code == 200 and signup.data == b'{"UserSub": "s"}'
    head = client.head("/app/assets/index-abc123.js")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(SCRIPT))
    etag = client.get("/app/").headers["ETag"]
    again = client.get("/app/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    part = client.get("/app/assets/index-abc123.js", headers={"Range": "bytes=0-6"})
    assert part.status_code == 206 and part.data == SCRIPT[:7]
    assert "Date" not in client.get("/app/").headers  # the HTTP server adds its own
    post = client.post("/app/", data=b"x")
    assert post.status_code == 405 and post.headers["Allow"] == "GET, HEAD"
    _assert_security_headers(post.headers)


def test_config_json_is_404_locally_even_if_a_deploy_left_one(dist: Path) -> None:
    """The app then uses its own origin as the API: never a deployed one."""
    client = _client(WebFiles(dist))
    r = client.get("/app/config.json")
    assert r.status_code == 404 and b"execute-api" not in r.data
    _assert_security_headers(r.headers)


@pytest.mark.parametrize("path", [
    "/app/../secret.txt", "/app/%2e%2e/secret.txt", "/app/assets/../../secret.txt",
    "/app/assets/%2e%2e/%2e%2e/secret.txt", "/app/..%2fsecret.txt", "/app/.env",
    "/app/assets/link.js", "/app/assets/", "/app/assets", "/app//etc/passwd",
    "/app/%00index.html", "/app/..\\secret.txt", "/app/missing.js",
])
def test_nothing_outside_the_folder_nor_hidden_nor_directories(dist: Path, path: str) -> None:
    r = _client(WebFiles(dist)).get(path)
    assert r.status_code == 404, path
    assert b"outside the dist folder" not in r.data and b"SECRET" not in r.data


def test_not_built_answers_503_with_the_command_to_build(tmp_path: Path) -> None:
    client = _client(WebFiles(tmp_path / "nothing-here"))
    r = client.get("/app/")
    assert r.status_code == 503
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "The web app is not built: run <code>bash scripts/build_web.sh</code>" in r.text
    assert r.headers["Cache-Control"] == "no-store"
    _assert_security_headers(r.headers)
    assert client.get("/app/assets/index-abc123.js").status_code == 503


def test_the_api_routes_are_untouched(dist: Path) -> None:
    client = _client(WebFiles(dist))
    assert client.get("/config").status_code == 200
    assert client.get("/application").status_code == 404  # only /app and /app/…
    assert "Content-Security-Policy" not in client.get("/config").headers
    assert _client(None).get("/app/").status_code == 404  # no web files: no route


def test_where_the_files_come_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AURORA_WEB_DIST", str(tmp_path))
    assert default_dist() == tmp_path and WebFiles().dist == tmp_path
    monkeypatch.delenv("AURORA_WEB_DIST")
    assert default_dist() == repo_dist()
    assert repo_dist() == Path(__file__).resolve().parents[3] / "web" / "dist"
    assert WebFiles(tmp_path / "x").dist == tmp_path / "x"


def test_a_build_made_while_the_stack_runs_is_served(tmp_path: Path) -> None:
    client = _client(WebFiles(tmp_path / "dist"))
    assert client.get("/app/").status_code == 503
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_bytes(INDEX)
    assert client.get("/app/").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.e2e
def test_aurora_cloud_local_prints_the_app_url_and_serves_it(tmp_path: Path, dist: Path
                                                             ) -> None:
    port = _free_port()
    env = {**os.environ, "AURORA_WEB_DIST": str(dist)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aurora_cloud", "local", "--port", str(port), "--data-dir",
         str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"Aurora cloud (local) listening on http://127.0.0.1:{port}"
        second = proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/app/"
        assert second.strip() == f"Web app: {url}"
        deadline = time.monotonic() + 30
        while True:
            try:
                r = requests.get(url, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert r.status_code == 200 and r.content == INDEX
        assert r.headers["Content-Security-Policy"] == CSP
        js = requests.get(url + "assets/index-abc123.js", timeout=5)
        assert js.content == SCRIPT
        assert requests.get(url + "config.json", timeout=5).status_code == 404
        cfg = requests.get(f"http://127.0.0.1:{port}/config", timeout=5).json()
        assert cfg["cognito_endpoint"] == f"http://127.0.0.1:{port}"  # same origin
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.slow
@pytest.mark.e2e
def test_the_cli_says_when_the_app_is_not_built(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "AURORA_WEB_DIST": str(tmp_path / "none")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aurora_cloud", "local", "--port", str(port), "--data-dir",
         str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        line = proc.stdout.readline()
        assert line.strip().startswith(f"Web app: http://127.0.0.1:{port}/app/")
        assert "not built yet: run bash scripts/build_web.sh" in line
        r = requests.get(f"http://127.0.0.1:{port}/app/", timeout=5)
        assert r.status_code == 503 and "bash scripts/build_web.sh" in r.text
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
