"""Subscriptions: calendars whose events are a copy of a URL's iCalendar content.

A subscription is a read-only calendar of this computer (``account`` NULL) marked
by ``calendars.source_url``. Its events are written through the remote path (no
pending change: they are never sent to an account) and replaced as a whole, in
one transaction, by each successful refresh; ids are derived from the content
(calendar, UID, recurrence id), so an unchanged event keeps its row, its
occurrences and its reminder states across refreshes. A failed refresh changes
no event: it records the reason (``subscription_fetch.error``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aurora_core.model import Calendar, Event, Reminder, ValidationError, new_id
from aurora_core.source_url import subscription_url

from .base import ChangeNotice, StoreBase
from .rows import _event_values, _reminders_parse, _reminders_text

__all__ = ["Subscription", "SubscriptionsMixin"]


@dataclass(frozen=True)
class Subscription:
    """A subscribed calendar and what its last fetch learned."""

    calendar: Calendar
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    checked: datetime | None = None  # last attempt
    refreshed: datetime | None = None  # last success
    error: str | None = None  # why the last attempt failed (None: it did not)


def _compared(ev: Event) -> tuple[object, ...]:
    """An event's stored columns but its id and stamps (created, updated)."""
    values = _event_values(ev)
    return (*values[1:16], *values[18:])


def _when(v: int | None) -> datetime | None:
    return None if v is None else datetime.fromtimestamp(v, UTC)


class SubscriptionsMixin(StoreBase):
    def subscriptions(self) -> list[Subscription]:
        """Every live subscription, in sidebar order."""
        rows = self._db.execute(
            "SELECT c.id, c.name, c.color, c.visible, c.read_only, c.source_url, f.etag, "
            "f.last_modified, f.body_hash, f.checked, f.refreshed, f.error "
            "FROM calendars c LEFT JOIN subscription_fetch f ON f.calendar_id = c.id "
            "WHERE c.deleted = 0 AND c.source_url IS NOT NULL ORDER BY c.position, c.name"
        ).fetchall()
        return [Subscription(Calendar(r[0], r[1], r[2], bool(r[3]), bool(r[4])), r[5], r[6],
                             r[7], r[8], _when(r[9]), _when(r[10]), r[11]) for r in rows]

    def subscription(self, calendar_id: str) -> Subscription | None:
        """The subscription of this calendar; None for an ordinary calendar."""
        return next((s for s in self.subscriptions() if s.calendar.id == calendar_id), None)

    def subscription_errors(self) -> dict[str, str]:
        """calendar id → why its last refresh failed, for the failing subscriptions."""
        return dict(self._db.execute(
            "SELECT f.calendar_id, f.error FROM subscription_fetch f JOIN calendars c ON "
            "c.id = f.calendar_id WHERE c.deleted = 0 AND f.error IS NOT NULL"))

    def add_subscription(self, url: str, name: str, color: str = "#64748b") -> Calendar:
        """Create the (empty, read-only) calendar of a subscription to ``url``."""
        cal = Calendar(new_id(), name.strip(), color, True, True)
        cal.validate()
        with self._tx():
            if self._db.execute("SELECT 1 FROM calendars WHERE deleted = 0 AND source_url = ?",
                                (url,)).fetchone():
                raise ValidationError(f"you are already subscribed to {url}")
            self._check_name_free(cal)  # type: ignore[attr-defined]  # names are unique
            pos = self._db.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM calendars").fetchone()[0]
            # This computer's (account NULL) whether or not it is signed in: never adopted.
            self._db.execute(
                "INSERT INTO calendars (id, name, color, visible, read_only, position, deleted, "
                "updated, account, source_url) VALUES (?, ?, ?, 1, 1, ?, 0, ?, NULL, ?)",
                (cal.id, cal.name, cal.color, pos, self._stamp(), url))
            self._db.execute("INSERT INTO subscription_fetch (calendar_id) VALUES (?)", (cal.id,))
        self._notify(ChangeNotice(calendar_ids=frozenset({cal.id})))
        return cal

    def remove_subscription(self, calendar_id: str) -> None:
        """Unsubscribe: the calendar and its events go from this computer. One of an
        account leaves a deletion to send (the other desktops unsubscribe too); its
        events were never the server's, so there is nothing else to tell it."""
        with self._tx():
            ids = self._drop_subscription_content(calendar_id)
            row = self._db.execute("SELECT account FROM calendars WHERE id = ? AND "
                                   "source_url IS NOT NULL", (calendar_id,)).fetchone()
            if row is not None and row[0] is not None:
                self._db.execute("UPDATE calendars SET deleted = 1, updated = ? WHERE id = ?",
                                 (self._stamp(), calendar_id))
                self._mark_changed("calendar", [calendar_id])
            else:
                self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                 (calendar_id,))
                self._db.execute("DELETE FROM calendars WHERE id = ? AND source_url IS NOT NULL",
                                 (calendar_id,))
        self._notify(ChangeNotice(event_ids=ids, calendar_ids=frozenset({calendar_id})))

    def _drop_subscription_content(self, calendar_id: str) -> frozenset[str]:
        """Remove a subscription's events, own reminders and fetch record (in a
        transaction); the calendar row is the caller's. Returns the events' ids."""
        ids = frozenset(r[0] for r in self._db.execute(
            "SELECT id FROM events WHERE calendar_id = ?", (calendar_id,)))
        self._db.execute("DELETE FROM subscription_reminders WHERE event_id IN (SELECT id "
                         "FROM events WHERE calendar_id = ?)", (calendar_id,))
        self._db.execute("DELETE FROM events WHERE calendar_id = ?", (calendar_id,))
        self._db.execute("DELETE FROM subscription_fetch WHERE calendar_id = ?", (calendar_id,))
        self._event_cache.clear()
        return ids

    def share_subscription(self, calendar_id: str) -> None:
        """A subscription whose first fetch worked goes to the signed-in account, if
        any (its address, name and colour sync; its events never do)."""
        account = self.current_account()
        if account is None:
            return
        with self._tx():
            done = self._db.execute(
                "UPDATE calendars SET account = ? WHERE id = ? AND account IS NULL AND "
                "source_url IS NOT NULL AND deleted = 0", (account, calendar_id)).rowcount
            if done:
                self._mark_changed("calendar", [calendar_id])
        if done:
            self._notify(ChangeNotice(calendar_ids=frozenset({calendar_id})))

    def unfetched_subscriptions(self) -> list[str]:
        """Calendar ids of the subscriptions never fetched on this computer (a sync
        brought them from another desktop, or their address changed there)."""
        return [r[0] for r in self._db.execute(
            "SELECT c.id FROM calendars c LEFT JOIN subscription_fetch f ON "
            "f.calendar_id = c.id WHERE c.deleted = 0 AND c.source_url IS NOT NULL AND "
            "f.checked IS NULL ORDER BY c.position, c.name")]

    def _write_remote_subscription(self, calendar_id: str, url: str, account: str) -> None:
        """The remote path wrote calendar ``calendar_id`` from the server with a
        ``source_url`` (inside its transaction): make it a subscription here, to be
        fetched (its content never comes from the server). Two subscriptions of the
        account to one address (two desktops subscribed before they synced) become
        one: the smaller id stays, on every desktop alike, the other is deleted."""
        with contextlib.suppress(ValueError):  # the wire validated it: else kept as it came
            url = subscription_url(url)
        row = self._db.execute("SELECT source_url FROM calendars WHERE id = ?",
                               (calendar_id,)).fetchone()
        self._db.execute("UPDATE calendars SET source_url = ?, read_only = 1 WHERE id = ?",
                         (url, calendar_id))
        self._db.execute("INSERT OR IGNORE INTO subscription_fetch (calendar_id) VALUES (?)",
                         (calendar_id,))
        if row is not None and row[0] is not None and row[0] != url:
            # Moved elsewhere (a permanent redirect another desktop followed): what this
            # computer learned from the old address says nothing about the new one.
            self._db.execute(
                "UPDATE subscription_fetch SET etag = NULL, last_modified = NULL, "
                "body_hash = NULL, checked = NULL WHERE calendar_id = ?", (calendar_id,))
        twin = self._db.execute(
            "SELECT id FROM calendars WHERE deleted = 0 AND source_url = ? AND id != ? AND "
            "account = ? ORDER BY id LIMIT 1", (url, calendar_id, account)).fetchone()
        if twin is not None:
            loser = max(twin[0], calendar_id)
            self._drop_subscription_content(loser)
            self._db.execute("UPDATE calendars SET deleted = 1, updated = ? WHERE id = ?",
                             (self._stamp(), loser))
            self._mark_changed("calendar", [loser])

    def _delete_remote_subscription(self, calendar_id: str) -> frozenset[str]:
        """The server deleted subscription ``calendar_id`` (unsubscribed on another
        desktop), inside the remote path's transaction: all of it goes here."""
        ids = self._drop_subscription_content(calendar_id)
        self._db.execute("UPDATE calendars SET deleted = 1, updated = ? WHERE id = ?",
                         (self._stamp(), calendar_id))
        return ids

    def move_subscription(self, calendar_id: str, url: str) -> None:
        """The subscription's address moved for good (a permanent redirect); kept as it is
        when another subscription already has the new address. One of an account sends
        the new address to the other desktops (a change of the calendar)."""
        try:
            url = subscription_url(url)
        except ValueError:
            return  # not an address a subscription may have: keep asking the old one
        with self._tx():
            moved = self._db.execute(
                "UPDATE calendars SET source_url = ? WHERE id = ? AND source_url IS NOT NULL "
                "AND source_url != ? AND NOT EXISTS (SELECT 1 FROM calendars WHERE "
                "source_url = ? AND deleted = 0)", (url, calendar_id, url, url)).rowcount
            if moved and self._db.execute("SELECT account FROM calendars WHERE id = ?",
                                          (calendar_id,)).fetchone()[0] is not None:
                self._mark_changed("calendar", [calendar_id])
        if moved:
            self._notify(ChangeNotice(calendar_ids=frozenset({calendar_id})))

    def record_subscription_check(self, calendar_id: str, *, etag: str | None,
                                  last_modified: str | None) -> None:
        """The content did not change (304, or the same body): only the bookkeeping."""
        now = self._stamp()
        with self._tx():
            self._db.execute(
                "UPDATE subscription_fetch SET etag = COALESCE(?, etag), "
                "last_modified = COALESCE(?, last_modified), checked = ?, refreshed = ?, "
                "error = NULL WHERE calendar_id = ?",
                (etag, last_modified, now, now, calendar_id))
        self._notify(ChangeNotice(calendar_ids=frozenset({calendar_id}), remote=True))

    def record_subscription_failure(self, calendar_id: str, reason: str) -> None:
        """A refresh failed: keep every event, remember why."""
        with self._tx():
            self._db.execute(
                "UPDATE subscription_fetch SET checked = ?, error = ? WHERE calendar_id = ?",
                (self._stamp(), reason, calendar_id))
        self._notify(ChangeNotice(calendar_ids=frozenset({calendar_id}), remote=True))

    def replace_subscription_events(
        self, calendar_id: str, events: Sequence[Event], *, etag: str | None,
        last_modified: str | None, body_hash: str | None,
    ) -> frozenset[str]:
        """Make ``events`` the subscription's content, in one transaction.

        Only what differs is written: an event whose stored columns are the same
        (stamps aside) is left alone, so its occurrences are not rebuilt. Returns the ids
        of the events written or removed.
        """
        touched: set[str] = set()
        with self._tx():
            if self._db.execute("SELECT 1 FROM calendars WHERE id = ? AND deleted = 0 AND "
                                "source_url IS NOT NULL", (calendar_id,)).fetchone() is None:
                raise KeyError(calendar_id)
            current = {r[0]: r[1:] for r in self._db.execute(
                "SELECT id, uid, calendar_id, rid, title, location, notes, status, kind, tz, "
                "start_key, end_key, rrule, exdates, rdates, reminders, extra FROM events "
                "WHERE calendar_id = ? AND deleted = 0", (calendar_id,))}
            own = dict(self._db.execute(
                "SELECT r.event_id, r.reminders FROM subscription_reminders r JOIN events e ON "
                "e.id = r.event_id WHERE e.calendar_id = ?", (calendar_id,)).fetchall())
            events = [ev.replace(reminders=_reminders_parse(own[ev.id])) if ev.id in own
                      else ev for ev in events]
            wanted = {ev.id for ev in events}
            changed = [ev for ev in events if _compared(ev) != current.get(ev.id)]
            # Overrides go after their master's removal is done: remove first, then write.
            for gone in sorted(set(current) - wanted):
                if self._tombstone(gone, local=False):  # type: ignore[attr-defined]
                    touched.add(gone)
            self._db.execute("DELETE FROM events WHERE calendar_id = ? AND deleted = 1",
                             (calendar_id,))
            if changed:
                self._put_many(changed, touched, None, False, local=False)  # type: ignore[attr-defined]
            now = self._stamp()
            self._db.execute(
                "UPDATE subscription_fetch SET etag = ?, last_modified = ?, body_hash = ?, "
                "checked = ?, refreshed = ?, error = NULL WHERE calendar_id = ?",
                (etag, last_modified, body_hash, now, now, calendar_id))
        self._notify(ChangeNotice(event_ids=frozenset(touched),
                                  calendar_ids=frozenset({calendar_id}), remote=True))
        return frozenset(touched)

    def set_subscription_reminders(self, event_id: str, reminders: Sequence[Reminder]) -> None:
        """The user's own reminders for an event of a subscription (the only change such an
        event takes): kept across refreshes, on this computer only. Notifications only: an
        email reminder is sent by the account's server, which never has these events."""
        for r in reminders:
            r.validate()
            if r.channel != "notification":
                raise ValidationError("a subscribed calendar's events stay on this computer: "
                                      "they can have notifications, not email reminders")
        text = _reminders_text(reminders)
        with self._tx():
            row = self._db.execute(
                "SELECT e.rowid FROM events e JOIN calendars c ON c.id = e.calendar_id WHERE "
                "e.id = ? AND e.deleted = 0 AND c.source_url IS NOT NULL", (event_id,)).fetchone()
            if row is None:
                raise ValidationError("that event is not one of a subscribed calendar")
            self._db.execute("INSERT OR REPLACE INTO subscription_reminders VALUES (?, ?)",
                             (event_id, text))
            self._db.execute("UPDATE events SET reminders = ?, updated = ? WHERE rowid = ?",
                             (text, self._stamp(), row[0]))
            self._event_cache.pop(row[0], None)
        self._notify(ChangeNotice(event_ids=frozenset({event_id})))
