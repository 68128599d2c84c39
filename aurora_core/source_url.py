"""A subscribed calendar's address: what counts as one, and its one written form.

Shared by the wire (``CalendarWire.source_url`` is validated with it) and the
desktop (which fetches the normalised form and compares subscriptions by it).
Pure and light: the command line imports it without pydantic.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["MAX_SOURCE_URL", "SOURCE_SCHEMES", "subscription_url"]

MAX_SOURCE_URL = 2_000
SOURCE_SCHEMES = ("https", "http", "webcal", "webcals")


def subscription_url(text: str) -> str:
    """The address to fetch for a subscription's ``text``: ``webcal://`` and
    ``webcals://`` mean https, http stays http (only when someone wrote it), the
    scheme and host are lower case, the fragment goes. Raises ValueError (a one-line
    reason) for anything that is not an http(s)/webcal address of a server."""
    raw = text.strip()
    if len(raw) > MAX_SOURCE_URL:
        raise ValueError(f"the address is longer than {MAX_SOURCE_URL} characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in raw):
        raise ValueError(f"{raw[:100]!r} is not a web address (it has spaces or control "
                         "characters)")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise ValueError(f"{raw[:100]!r} is not a web address") from None
    scheme = parts.scheme.lower()
    if scheme not in SOURCE_SCHEMES:
        raise ValueError(f"{raw[:100]!r} is not a calendar address: it must start with "
                         "https://, http:// or webcal://")
    if not parts.hostname:
        raise ValueError(f"{raw[:100]!r} has no server name")
    if scheme.startswith("webcal"):
        scheme = "https"
    host = parts.netloc.rpartition("@")
    netloc = host[0] + host[1] + host[2].lower()
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
