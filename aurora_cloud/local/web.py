"""The web app's files at ``/app/`` on the local stack: what S3 + CloudFront do in AWS.

The built app (``web/dist``, from ``bash scripts/build_web.sh``) is served as it is;
the API and Cognito are on the same origin, so the app finds them without a
``config.json`` (which therefore always answers 404 here, even if a deploy step
left one in ``web/dist``: the local app must never talk to a deployed API).

Headers are those of the CloudFront response-headers policy in template.yaml
(a strict Content-Security-Policy, nosniff, no referrer, no framing), except
that ``connect-src`` is ``'self'`` (the API and Cognito are this origin) and
there is no HSTS (plain http on 127.0.0.1). Hashed files under ``assets/`` are
cached for a year; everything else is revalidated every time (``no-cache``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.wrappers import Request, Response

from aurora_cloud.web_hosting import CONTENT_TYPES, IMMUTABLE, REVALIDATE, repo_dist

PREFIX = "/app"
BUILD_HINT = "bash scripts/build_web.sh"

# The same policy as WebHeadersPolicy in template.yaml, with connect-src 'self'.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

NOT_BUILT = (
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Aurora Time: web app not built</title></head>\n<body><h1>The web app is not "
    f"built</h1>\n<p>The web app is not built: run <code>{BUILD_HINT}</code> in the "
    "repository, then reload this page.</p></body></html>\n")


def default_dist() -> Path:
    """Where the built app is: ``$AURORA_WEB_DIST``, else ``<repo>/web/dist``."""
    configured = os.environ.get("AURORA_WEB_DIST", "").strip()
    return Path(configured).expanduser() if configured else repo_dist()


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    resp = Response(text, status=status, content_type="text/plain; charset=utf-8")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


class WebFiles:
    """Serves the files of ``dist`` under ``/app/`` (GET and HEAD)."""

    def __init__(self, dist: Path | None = None) -> None:
        self.dist = Path(dist) if dist is not None else default_dist()

    @staticmethod
    def owns(method: str, path: str) -> bool:
        """/app and below; and GET / (no API route: the Cognito API is POST /), which
        sends a browser to the app."""
        if path == "/":
            return method in ("GET", "HEAD")
        return path == PREFIX or path.startswith(PREFIX + "/")

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def handle(self, request: Request) -> Response:
        response = self._answer(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers[k] = v
        return response

    def _answer(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _plain(405, "Method not allowed\n", {"Allow": "GET, HEAD"})
        if request.path == "/":  # the URL `aurora-cloud local` prints first, opened
            return Response("", status=302, headers={"Location": PREFIX + "/",
                                                     "Cache-Control": REVALIDATE})
        if request.path == PREFIX:  # relative URLs in index.html need the slash
            query = request.query_string.decode("latin-1")
            return Response("", status=301, headers={
                "Location": PREFIX + "/" + (f"?{query}" if query else ""),
                "Cache-Control": REVALIDATE})
        if not self.built:
            return Response(NOT_BUILT, status=503, content_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-store", "Retry-After": "5"})
        relative = request.path[len(PREFIX) + 1:] or "index.html"
        if relative == "config.json":  # locally the API is this origin (module docstring)
            return _plain(404, "Not found\n", {"Cache-Control": REVALIDATE})
        file = self._file(relative)
        if file is None:
            return _plain(404, "Not found\n", {"Cache-Control": REVALIDATE})
        try:  # small files (the whole app is a few hundred KB): read, never leave open
            data = file.read_bytes()
            modified = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        except OSError:
            return _plain(404, "Not found\n", {"Cache-Control": REVALIDATE})
        response = Response(data, status=200)
        response.headers["Content-Type"] = CONTENT_TYPES.get(file.suffix.lower(),
                                                             "application/octet-stream")
        response.headers["Cache-Control"] = (IMMUTABLE if relative.startswith("assets/")
                                             else REVALIDATE)
        response.set_etag(hashlib.sha256(data).hexdigest()[:32])
        response.last_modified = modified.replace(microsecond=0)
        # If-None-Match / If-Modified-Since: 304; Range: 206 (as S3 and CloudFront do)
        response = response.make_conditional(request, accept_ranges=True,
                                             complete_length=len(data))
        response.headers.pop("Date", None)  # the HTTP server sends its own: not twice
        return response

    def _file(self, relative: str) -> Path | None:
        """The file ``relative`` names inside ``dist``, or None: no ``..``, no hidden
        names, no directories, nothing that resolves (a symlink) outside ``dist``."""
        parts = relative.split("/")
        for part in parts:
            if (not part or part.startswith(".") or "\\" in part or "\0" in part
                    or ":" in part):
                return None
        root = self.dist.resolve()
        try:
            file = root.joinpath(*parts).resolve()
            file.relative_to(root)
        except (ValueError, OSError):
            return None
        return file if file.is_file() else None
