"""Small HTTP proxies on 127.0.0.1 in front of the local stack.

``ForwardingProxy`` forwards every request and relays the answer; a subclass may
answer a request itself first. ``FaultyProxy`` makes the server misbehave on
purpose: tests point a desktop at the proxy's URL and, when told, it answers a
chosen request with 429, 500 or 401 instead, so a sync meets trouble in the middle
of its work. (The sync stories' ``SwitchProxy``, in synced_window.py, goes down,
slows down, holds or refuses.)
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Rule = Callable[[str, str, int], int | None]  # (method, path, n-th request) -> status or None


class ForwardingProxy:
    """Forwards each request to ``target`` and relays the answer; ``log`` holds
    (method, path, status) of every answer. A subclass overrides :meth:`intercept`."""

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.log: list[tuple[str, str, int]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if not proxy.intercept(self, body):
                    proxy.forward(self, body)

            do_GET = do_PUT = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def intercept(self, request: BaseHTTPRequestHandler, body: bytes) -> bool:
        """Answer (or drop) ``request`` here instead of forwarding it: True if it did."""
        return False

    def answer(self, request: BaseHTTPRequestHandler, status: int, data: bytes,
               headers: dict[str, str] | None = None) -> None:
        """Answer ``request`` with a problem of our own."""
        self.log.append((request.command, request.path, status))
        request.send_response(status)
        request.send_header("Content-Type", "application/problem+json")
        for k, v in (headers or {}).items():
            request.send_header(k, v)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def forward(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        conn = http.client.HTTPConnection(self.target.hostname or "127.0.0.1",
                                          self.target.port, timeout=60)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "connection")}
        conn.request(request.command, request.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.log.append((request.command, request.path, resp.status))
        request.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                request.send_header(k, v)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
        conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class FaultyProxy(ForwardingProxy):

    def __init__(self, target: str) -> None:
        self.count = 0
        self.rule: Rule | None = None
        self._lock = threading.Lock()
        super().__init__(target)

    def intercept(self, request: BaseHTTPRequestHandler, body: bytes) -> bool:
        with self._lock:
            self.count += 1
            n = self.count
        fault = self.rule(request.command, request.path, n) if self.rule else None
        if fault is None:
            return False
        self.answer(request, fault, b'{"type":"about:blank","title":"injected","status":%d}' % fault,
                    {"Retry-After": "0"} if fault == 429 else None)
        return True
