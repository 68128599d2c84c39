"""A calendar feed server for tests: http.server on 127.0.0.1, an ephemeral port.

Each path answers what the test set in ``routes``: a body (with optional ETag and
Last-Modified, answered 304 when the request's validators match), a status, a
redirect, a gzip body, a stalled answer (until ``release`` is set) or a huge
streamed body. Every request is counted per path.
"""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None  # Location (status 301/302…)
    gzip: bool = False
    stall: bool = False  # wait for FeedServer.release before answering
    stream_bytes: int = 0  # send this many bytes of filler (no Content-Length)
    headers: dict[str, str] = field(default_factory=dict)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up (a cut body, a kept-alive connection closed) is not news;
        # socketserver would print a traceback into the test's captured stderr.
        pass


class FeedServer:
    """``port``: listen there (0: any free one); a server stopped and started again on
    its port is a feed host that went down and came back."""

    def __init__(self, port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        self.sent: Counter[str] = Counter()  # bytes written per path
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                server.hits[path] += 1
                server.requests.append((path, dict(self.headers)))
                route = server.routes.get(path)
                if route is None:
                    self._send(404, b"not found")
                    return
                if route.stall:
                    server.release.wait(30)
                    return
                if route.redirect is not None:
                    self.send_response(route.status)
                    self.send_header("Location", route.redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.status != 200:
                    self._send(route.status, b"nope")
                    return
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (route.etag and inm == route.etag) or (
                        route.last_modified and not route.etag and ims == route.last_modified):
                    self.send_response(304)
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.stream_bytes:
                    self._stream(path, route)
                    return
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, path: str, route: Route) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Connection", "close")
                self.end_headers()
                line = b"X-FILLER:" + b"x" * 1014 + b"\r\n"  # 1 KiB a line
                chunk = b"BEGIN:VCALENDAR\r\n" + line * 63
                try:
                    while server.sent[path] < route.stream_bytes:
                        self.wfile.write(chunk)
                        server.sent[path] += len(chunk)
                except OSError:  # the client hung up (it cut the body): expected
                    pass
                self.close_connection = True

        self.httpd = _QuietServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def ics(*events: tuple[str, str, str], name: str | None = None) -> bytes:
    """A VCALENDAR of (uid, summary, yyyymmdd) all-day events."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//aurora tests//EN"]
    if name:
        lines.append(f"X-WR-CALNAME:{name}")
    for uid, summary, day in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z",
                  f"SUMMARY:{summary}", f"DTSTART;VALUE=DATE:{day}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
