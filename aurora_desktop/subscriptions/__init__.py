"""Calendar subscriptions (no Qt): subscribe to a URL, refresh, unsubscribe.

A refresh fetches with the last validators (a 304 costs one request and no
parsing), skips parsing when the body is byte-for-byte the last one, and
otherwise replaces the calendar's events in one store transaction with ids
derived from (calendar, UID, recurrence id), so hidden/colour (calendar-level)
and reminder states survive. A failure keeps every event and records why.
See docs/subscriptions.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from aurora_core.model import Calendar, Event

from ..store import Store, StoreError
from .fetch import MAX_BYTES, TIMEOUT, Fetched, FetchError, fetch, normalise_url

__all__ = ["REFRESH_MINUTES", "FetchError", "Refreshed", "derive_event", "fetch", "fetch_new",
           "normalise_url", "refresh", "refresh_all", "subscribe"]

REFRESH_MINUTES = 60  # the default of the "refresh subscriptions every" setting
_NS = uuid.UUID("0b6f3e0c-6d1e-4f57-9f3c-5a3b9b1d2c71")

Fetcher = Callable[..., Fetched]


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did. ``error`` None: it worked."""

    calendar: Calendar
    changed: bool = False  # the content was parsed and written
    events: int = 0  # events written or removed
    skipped: int = 0  # parts of the content that could not be read
    error: str | None = None
    event_ids: frozenset[str] = frozenset()  # written or removed (for the views' notice)
    name_hint: str | None = None  # the content's own name (X-WR-CALNAME)
    network: bool = False  # the error: the server could not be reached (try when it can)


def derive_event(ev: Event, calendar_id: str) -> Event:
    """The subscription's copy of a parsed event: id and UID of this calendar.

    Stable across refreshes (same content, same ids), and never the UID of an event
    in another calendar (the same feed subscribed twice, or also imported, stays apart).
    """
    return ev.replace(
        id=str(uuid.uuid5(_NS, f"{calendar_id}\x1f{ev.id}")),
        uid=str(uuid.uuid5(_NS, f"{calendar_id}\x1f{ev.uid}")),
        calendar_id=calendar_id)


def refresh(store: Store, calendar_id: str, *, fetcher: Fetcher = fetch,
            timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Refreshed:
    """Refresh one subscription. Never raises for the network or the content; a
    StoreError (disk full…) propagates after nothing was changed."""
    sub = store.subscription(calendar_id)
    if sub is None:
        raise KeyError(calendar_id)
    cal = sub.calendar
    try:
        got = fetcher(sub.url, etag=sub.etag, last_modified=sub.last_modified,
                      timeout=timeout, max_bytes=max_bytes)
    except FetchError as exc:
        store.record_subscription_failure(cal.id, str(exc))
        return Refreshed(cal, error=str(exc), network=exc.network)
    if got.moved_to is not None:  # moved for good (301/308): ask the new address from now on
        store.move_subscription(cal.id, got.moved_to)
    if got.body is None:
        store.record_subscription_check(cal.id, etag=got.etag, last_modified=got.last_modified)
        return Refreshed(cal)
    digest = hashlib.sha256(got.body).hexdigest()
    if digest == sub.body_hash:
        store.record_subscription_check(cal.id, etag=got.etag, last_modified=got.last_modified)
        return Refreshed(cal)
    from aurora_core.ical import parse_ics  # here: the command line starts without it

    result = parse_ics(got.body, calendar_id=cal.id)
    if not result.events and result.skipped:
        reason = f"the address gave no calendar data: {result.skipped[0].reason}"
        store.record_subscription_failure(cal.id, reason)
        return Refreshed(cal, skipped=len(result.skipped), error=reason)
    events = [derive_event(ev, cal.id) for ev in result.events]
    ids = store.replace_subscription_events(cal.id, events, etag=got.etag,
                                          last_modified=got.last_modified, body_hash=digest)
    return Refreshed(cal, changed=True, events=len(ids), skipped=len(result.skipped),
                     event_ids=ids, name_hint=result.calendar_name)


def refresh_all(store: Store, *, fetcher: Fetcher = fetch, timeout: float = TIMEOUT,
                max_bytes: int = MAX_BYTES,
                only: Collection[str] | None = None) -> list[Refreshed]:
    """Refresh every subscription (``only``: those of these calendar ids), one after the
    other; a failure does not stop the rest."""
    out = []
    for sub in store.subscriptions():
        if only is not None and sub.calendar.id not in only:
            continue
        try:
            out.append(refresh(store, sub.calendar.id, fetcher=fetcher, timeout=timeout,
                               max_bytes=max_bytes))
        except StoreError as exc:
            out.append(Refreshed(sub.calendar, error=str(exc)))
        except KeyError:  # unsubscribed meanwhile (another window, the command line)
            continue
    return out


def subscribe(store: Store, url: str, name: str | None = None, *, color: str = "#64748b",
              fetcher: Fetcher = fetch, timeout: float = TIMEOUT,
              max_bytes: int = MAX_BYTES) -> Refreshed:
    """Subscribe to ``url`` and fetch it once. Raises FetchError (nothing kept) when the
    address is no web address or its first fetch fails: a mistyped address does not
    leave a dead calendar behind. Without ``name``, the content's own name, else the
    address's host, names it."""
    target = normalise_url(url)
    given = (name or "").strip()
    cal = store.add_subscription(target, given or store.free_name(_name_from(target)), color)
    try:
        done = refresh(store, cal.id, fetcher=fetcher, timeout=timeout, max_bytes=max_bytes)
    except BaseException:
        store.remove_subscription(cal.id)
        raise
    if done.error is not None:
        store.remove_subscription(cal.id)
        raise FetchError(done.error)
    hint = (done.name_hint or "").strip()[:200]
    if not given and hint:
        if any(c.id != cal.id for c in store.calendars_named(hint)):
            hint = store.free_name(hint)  # names are unique: "Holidays (2)"
        renamed = Calendar(cal.id, hint, cal.color, cal.visible, True)
        store.put_calendar(renamed)
        done = dataclasses.replace(done, calendar=renamed)
    # Only now, with content that worked, does it go to the account (signed in): the
    # other desktops subscribe too. A failed first fetch never reached any of them.
    store.share_subscription(cal.id)
    return done


def fetch_new(store: Store, *, fetcher: Fetcher = fetch, timeout: float = TIMEOUT,
              max_bytes: int = MAX_BYTES) -> list[Refreshed]:
    """Fetch the subscriptions never fetched here: those a sync brought from another
    desktop of the account."""
    ids = store.unfetched_subscriptions()
    if not ids:
        return []
    return refresh_all(store, fetcher=fetcher, timeout=timeout, max_bytes=max_bytes, only=ids)


def _name_from(url: str) -> str:
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if tail.lower().endswith(".ics"):
        tail = tail[:-4]
    return f"{parts.hostname} {tail}".strip()[:200] if tail else str(parts.hostname)
