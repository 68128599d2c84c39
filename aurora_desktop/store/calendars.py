"""Calendars: create, rename, recolour, delete (with their events), and who owns them.

A calendar belongs to this computer (``account`` NULL) or to an account
(``"<server URL>|<sub>"``); its events follow it. New calendars go to the
account this store is signed in to (:meth:`current_account`), if any.
"""

from __future__ import annotations

from collections.abc import Iterable

from aurora_core.defaults import DEFAULT_COLOR
from aurora_core.model import Calendar, ValidationError, new_id

from .base import DEFAULT_CALENDAR_NAME, ChangeNotice, StoreBase, StoreError

__all__ = ["PALETTE", "CalendarsMixin", "pick_color"]

# The colours a new calendar gets, in order (the calendar dialog offers the same ones).
PALETTE = (DEFAULT_COLOR, "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6",
           "#f97316", "#64748b", "#84cc16")


def pick_color(used: Iterable[str]) -> str:
    """The colour for a new calendar: the first of :data:`PALETTE` no calendar has, else
    the one fewest calendars have (the earliest of those), so neighbours stay distinct."""
    counts = dict.fromkeys(PALETTE, 0)
    for c in used:
        if c.lower() in counts:
            counts[c.lower()] += 1
    return min(PALETTE, key=lambda c: counts[c])


class CalendarsMixin(StoreBase):
    def calendars(self, *, include_hidden: bool = True) -> list[Calendar]:
        sql = "SELECT id, name, color, visible, read_only FROM calendars WHERE deleted = 0"
        if not include_hidden:
            sql += " AND visible = 1"
        rows = self._db.execute(sql + " ORDER BY position, name").fetchall()
        return [Calendar(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]

    def calendar(self, calendar_id: str) -> Calendar:
        for c in self.calendars():
            if c.id == calendar_id:
                return c
        raise KeyError(calendar_id)

    def calendar_by_name(self, name: str) -> Calendar | None:
        """The first calendar of this name (see :meth:`calendars_named`)."""
        return next(iter(self.calendars_named(name)), None)

    def calendars_named(self, name: str) -> list[Calendar]:
        """Calendars of this name, compared case-insensitively and trimmed. Names are
        unique (the store refuses a duplicate), but calendars of older versions or of sync
        may share one: callers must not pick one of several."""
        folded = name.strip().casefold()
        return [c for c in self.calendars() if c.name.strip().casefold() == folded]

    def free_name(self, name: str) -> str:
        """``name``, or "name (2)", "name (3)"… when a calendar has it (names are unique)."""
        base, candidate, n = name.strip(), name.strip(), 1
        while self.calendars_named(candidate):
            n += 1
            candidate = f"{base[:190]} ({n})"
        return candidate

    def _check_name_free(self, cal: Calendar) -> None:
        """ValidationError when another calendar has this name (case-insensitive, trimmed):
        "A calendar named 'Family' already exists". A calendar keeping its name (shown,
        hidden, recoloured) is never refused, so old duplicates stay usable."""
        row = self._db.execute("SELECT name FROM calendars WHERE id = ? AND deleted = 0",
                               (cal.id,)).fetchone()
        if row is not None and str(row[0]).strip().casefold() == cal.name.strip().casefold():
            return
        for other in self.calendars_named(cal.name):
            if other.id != cal.id:
                raise ValidationError(f"A calendar named '{other.name}' already exists")

    def calendar_account(self, calendar_id: str) -> str | None:
        """The account a calendar belongs to (None: this computer's own)."""
        row = self._db.execute("SELECT account FROM calendars WHERE id = ?",
                               (calendar_id,)).fetchone()
        return None if row is None else row[0]

    def calendar_accounts(self) -> dict[str, str | None]:
        """Every live calendar's owner (None: this computer's own)."""
        return dict(self._db.execute("SELECT id, account FROM calendars WHERE deleted = 0"))

    def new_calendar_color(self) -> str:
        """The colour a calendar made now should get (window, command line, subscriptions)."""
        return pick_color(c.color for c in self.calendars())

    def default_calendar(self) -> Calendar:
        """The first writable calendar: where an event goes when no calendar is named.

        Only reads: when every calendar is read-only (subscriptions) there is none
        (StoreError); :meth:`default_calendar_or_new` makes one then.
        """
        for cal in self.calendars():
            if not cal.read_only:
                return cal
        raise StoreError("there is no calendar to add events to: every calendar is a "
                         "subscription")

    def default_calendar_or_new(self) -> Calendar:
        """:meth:`default_calendar`, or (none is writable) a new one, stored now."""
        try:
            return self.default_calendar()
        except StoreError:
            # (a subscription may be called "Personal": names are unique)
            cal = Calendar(new_id(), self.free_name(DEFAULT_CALENDAR_NAME))
            self.put_calendar(cal)
            return cal

    def _write_calendar(self, cal: Calendar, touched: set[str], *, local: bool = True) -> None:
        """Write a calendar; a local one with another calendar's name is refused (a
        server's is written as it is: both sides then keep it, and the names show it)."""
        cal.validate()
        if local:
            self._check_name_free(cal)
        pos = self._db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM calendars").fetchone()[0]
        self._db.execute(
            "INSERT INTO calendars (id, name, color, visible, read_only, position, deleted, "
            "updated, account) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "name = excluded.name, color = excluded.color, visible = excluded.visible, "
            "read_only = excluded.read_only, deleted = 0, updated = excluded.updated",
            (cal.id, cal.name, cal.color, int(cal.visible), int(cal.read_only), pos, self._stamp(),
             self.current_account()),
        )
        if local:
            self._mark_changed("calendar", [cal.id])
        touched.add("calendar:" + cal.id)

    def put_calendar(self, cal: Calendar) -> None:
        """Create or update a calendar. Raises ValidationError for a bad name or colour, or
        a name another calendar has."""
        with self._tx() as touched:
            self._write_calendar(cal, touched)
        self._notify(ChangeNotice(calendar_ids=frozenset({cal.id})))

    def delete_calendar(self, calendar_id: str) -> int:
        """Delete a calendar and all its events (tombstones). Returns how many events went."""
        if self._db.execute("SELECT 1 FROM calendars WHERE id = ? AND deleted = 0 AND "
                            "source_url IS NOT NULL", (calendar_id,)).fetchone():
            # A subscription: its events were never this computer's to sync; all of it goes.
            n = self.count_events(calendar_id)
            self.remove_subscription(calendar_id)  # type: ignore[attr-defined]
            return n
        with self._tx():
            ids = self._delete_calendar_rows(calendar_id, local=True)
        self._notify(ChangeNotice(event_ids=ids, calendar_ids=frozenset({calendar_id})))
        return len(ids)

    def _delete_calendar_rows(self, calendar_id: str, *, local: bool) -> frozenset[str]:
        """Tombstone a calendar and its events (inside a transaction).

        Set-based, so a calendar of thousands of events goes at once; a series that
        keeps rows in another calendar (an occurrence moved there) is rebuilt.
        ``local``: a change of this desktop (pending for sync), not the server's.
        """
        live = self._db.execute(
            "SELECT 1 FROM calendars WHERE id = ? AND deleted = 0", (calendar_id,)).fetchone()
        if live is None:
            raise KeyError(calendar_id)
        rows = self._db.execute(
            "SELECT rowid, id, uid FROM events WHERE calendar_id = ? AND deleted = 0",
            (calendar_id,)).fetchall()
        stamp = self._stamp()
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (rowid INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM doomed")
        self._db.executemany("INSERT INTO doomed VALUES (?)", [(r[0],) for r in rows])
        self._db.execute("DELETE FROM instances WHERE series_rowid IN (SELECT rowid FROM doomed)"
                         " OR event_rowid IN (SELECT rowid FROM doomed)")
        self._db.execute("UPDATE events SET deleted = 1, updated = ? "
                         "WHERE rowid IN (SELECT rowid FROM doomed)", (stamp,))
        for rowid in (r[0] for r in rows):
            self._event_cache.pop(rowid, None)
        if local:
            self._mark_changed("event", [r[1] for r in rows])
        for uid in {r[2] for r in rows}:
            if self._db.execute("SELECT 1 FROM events WHERE uid = ? AND deleted = 0 LIMIT 1",
                                (uid,)).fetchone():
                self._rematerialise_uid(uid)
        self._db.execute("DELETE FROM doomed")
        self._db.execute(
            "UPDATE calendars SET deleted = 1, updated = ? WHERE id = ?", (stamp, calendar_id))
        if local:
            self._mark_changed("calendar", [calendar_id])
        return frozenset(r[1] for r in rows)

    def count_events(self, calendar_id: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM events WHERE deleted = 0 AND rid IS NULL"
        args: tuple[str, ...] = ()
        if calendar_id is not None:
            sql += " AND calendar_id = ?"
            args = (calendar_id,)
        return int(self._db.execute(sql, args).fetchone()[0])
