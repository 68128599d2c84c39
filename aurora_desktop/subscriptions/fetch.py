"""Fetching a subscribed calendar's URL (no Qt): conditional, bounded, never a traceback.

``fetch`` asks with the validators of the last fetch (ETag, Last-Modified): a 304
costs one request and no body. Bodies may be gzip (decoded as they stream), are
read up to ``max_bytes`` (then cut: the fetch fails) and within ``timeout``
seconds in all; redirects are followed up to ``MAX_REDIRECTS``. Every failure is
a :class:`FetchError` whose message says why, for the user.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aurora_core import __version__
from aurora_core.source_url import subscription_url

if TYPE_CHECKING:
    import requests

__all__ = ["MAX_BYTES", "MAX_REDIRECTS", "TIMEOUT", "FetchError", "Fetched", "fetch",
           "normalise_url"]

MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 30.0
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The calendar could not be fetched; the message says why (one line).

    ``network``: the server could not be reached or did not answer (no route, refused,
    a name that does not resolve, a timeout): worth trying again when the network
    comes back, unlike an answer that was an error (404, 500, not a calendar)."""

    def __init__(self, message: str, *, network: bool = False) -> None:
        super().__init__(message)
        self.network = network


@dataclass(frozen=True)
class Fetched:
    """A fetch's answer: ``body`` None means "not modified" (304)."""

    body: bytes | None
    etag: str | None
    last_modified: str | None
    url: str  # where the content came from after redirects
    moved_to: str | None = None  # the new address when every redirect was permanent (301/308)


def normalise_url(text: str) -> str:
    """The https/http URL to fetch for what the user typed; raises FetchError if it is none.

    ``webcal://`` and ``webcals://`` mean https; http stays http (only when the user
    wrote it); scheme and host are lower case (aurora_core.source_url: the wire's rule).
    """
    try:
        return subscription_url(text)
    except ValueError as exc:
        raise FetchError(str(exc)) from None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
          session: requests.Session | None = None) -> Fetched:
    """GET ``url`` (see the module's docstring). Raises FetchError."""
    import requests  # here: the command line starts without it

    headers = {"User-Agent": f"AuroraTime/{__version__} (calendar subscription)",
               "Accept": "text/calendar, */*;q=0.5", "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = session is None
    s = session or requests.Session()
    s.max_redirects = MAX_REDIRECTS
    host = urlsplit(url).hostname or url
    deadline = time.monotonic() + timeout
    try:
        with s.get(url, headers=headers, timeout=timeout, stream=True) as resp:
            moved = (resp.url if resp.history and resp.url != url and all(
                h.status_code in (301, 308) for h in resp.history) else None)
            if resp.status_code == 304:
                return Fetched(None, resp.headers.get("ETag") or etag,
                               resp.headers.get("Last-Modified") or last_modified, resp.url, moved)
            if resp.status_code == 404 or resp.status_code == 410:
                raise FetchError(f"{host} says there is no calendar at this address "
                                 f"(HTTP {resp.status_code})")
            if resp.status_code in (401, 403):
                raise FetchError(f"{host} refuses to give this calendar "
                                 f"(HTTP {resp.status_code}: it may need a private link)")
            if resp.status_code >= 400 or resp.status_code < 200 or resp.status_code >= 300:
                reason = f" {resp.reason}" if resp.reason else ""
                raise FetchError(f"{host} answered HTTP {resp.status_code}{reason}")
            declared = resp.headers.get("Content-Length", "")
            if (declared.isdigit() and int(declared) > max_bytes
                    and "gzip" not in resp.headers.get("Content-Encoding", "")):
                raise FetchError(f"the calendar is {_size(int(declared))}, more than the "
                                 f"{_size(max_bytes)} a subscription may be")
            chunks: list[bytes] = []
            got = 0
            for chunk in resp.iter_content(_CHUNK):  # gzip/deflate decoded here
                got += len(chunk)
                if got > max_bytes:
                    raise FetchError(f"the calendar is larger than the {_size(max_bytes)} a "
                                     "subscription may be; it was cut off there")
                if time.monotonic() > deadline:
                    raise FetchError(f"{host} took more than {timeout:g} s to send the calendar",
                                     network=True)
                chunks.append(chunk)
            return Fetched(b"".join(chunks), resp.headers.get("ETag"),
                           resp.headers.get("Last-Modified"), resp.url, moved)
    except FetchError:
        raise
    except requests.TooManyRedirects:
        raise FetchError(f"{host} redirects more than {MAX_REDIRECTS} times") from None
    except requests.Timeout:
        raise FetchError(f"{host} did not answer within {timeout:g} s", network=True) from None
    except requests.exceptions.SSLError as exc:
        raise FetchError(f"the secure connection to {host} failed: {_first_line(exc)}") from None
    except requests.ConnectionError as exc:
        if "timed out" in str(exc).lower():  # a read timeout while streaming the body
            raise FetchError(f"{host} did not answer within {timeout:g} s",
                             network=True) from None
        raise FetchError(f"cannot reach {host}: {_os_reason(exc)}", network=True) from None
    except requests.exceptions.ContentDecodingError:
        raise FetchError(f"{host} sent a compressed body that cannot be decoded") from None
    except requests.exceptions.ChunkedEncodingError:  # the connection broke mid-body
        raise FetchError(f"the connection to {host} broke while it sent the calendar",
                         network=True) from None
    except requests.RequestException as exc:
        raise FetchError(f"fetching from {host} failed: {_first_line(exc)}") from None
    except OSError as exc:  # e.g. a socket error while streaming
        raise FetchError(f"fetching from {host} failed: {exc.strerror or exc}",
                         network=True) from None
    finally:
        if own:
            s.close()


def _os_reason(exc: BaseException) -> str:
    """The system's words inside requests' long wrapping ("Connection refused",
    "Name or service not known"), else its first line."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    return found.group(1).strip() if found else _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
