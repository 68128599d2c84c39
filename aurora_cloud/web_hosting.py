"""What the local stack and ``deploy-web`` agree on about the web app's files: where the
build is, their content types and their cache policies (no AWS, no werkzeug: plain
constants both sides import)."""

from __future__ import annotations

from pathlib import Path

IMMUTABLE = "public, max-age=31536000, immutable"  # content-hashed names never change
REVALIDATE = "no-cache"

# Explicit, not the host's mimetypes table (which varies with /etc/mime.types).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain; charset=utf-8",
}


def repo_dist() -> Path:
    """``<repo>/web/dist`` next to this package (a source checkout or editable install)."""
    return Path(__file__).resolve().parents[1] / "web" / "dist"
