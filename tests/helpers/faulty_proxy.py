"""A small HTTP proxy on 127.0.0.1 that can make the server misbehave on purpose.

Tests point a desktop at the proxy's URL; it forwards to the local stack and,
when told, answers a chosen request with 429, 500 or 401 instead (or drops
the connection), so a sync meets trouble in the middle of its work.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Rule = Callable[[str, str, int], int | None]  # (method, path, n-th request) -> status or None


class FaultyProxy:
    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.count = 0
        self.log: list[tuple[str, str, int]] = []
        self.rule: Rule | None = None
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.count += 1
                    n = proxy.count
                fault = proxy.rule(self.command, self.path, n) if proxy.rule else None
                if fault is not None:
                    proxy.log.append((self.command, self.path, fault))
                    data = (b'{"type":"about:blank","title":"injected","status":%d}' % fault)
                    self.send_response(fault)
                    self.send_header("Content-Type", "application/problem+json")
                    if fault == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                conn = http.client.HTTPConnection(proxy.target.hostname or "127.0.0.1",
                                                  proxy.target.port, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                proxy.log.append((self.command, self.path, resp.status))
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
