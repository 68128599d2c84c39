"""Which account owns what: signing in adopts this computer's calendars, signing out
keeps or removes the account's, a deleted account leaves them here.

Calendars belong to this computer (``account`` NULL) or to one account; events
follow their calendar and reminder states their event.
"""

from __future__ import annotations

from aurora_core.model import Calendar

from .base import ChangeNotice
from .sync_items import SyncItemsMixin, _chunks

__all__ = ["SyncAccountsMixin"]


class SyncAccountsMixin(SyncItemsMixin):
    # ------------------------------------------------------------ accounts

    def set_current_account(self, account: str | None) -> None:
        """The account this store syncs with from now on (None: signed out)."""
        with self._tx():
            self._set_meta("account", account)

    def local_calendars(self) -> list[Calendar]:
        """This computer's own calendars (in no account)."""
        ids = {cid for cid, acc in self.calendar_accounts().items() if acc is None}
        return [c for c in self.calendars() if c.id in ids]  # type: ignore[attr-defined]

    def is_unused_default(self, calendar_id: str) -> bool:
        """The empty calendar every new store starts with, never used or renamed."""
        if self._meta("default_calendar") != calendar_id:
            return False
        row = self._db.execute("SELECT name FROM calendars WHERE id = ?", (calendar_id,)).fetchone()
        used = self._db.execute("SELECT 1 FROM events WHERE calendar_id = ? LIMIT 1",
                                (calendar_id,)).fetchone()
        from .base import DEFAULT_CALENDAR_NAME

        return row is not None and row[0] == DEFAULT_CALENDAR_NAME and used is None

    def adopt_local_calendars(self, account: str) -> list[str]:
        """Add this computer's calendars to ``account`` (after its first pull).

        A local calendar whose name the account already uses is merged into it
        (its events move there): signing in twice, or on two computers with the
        same calendars, never makes a second "Work". The empty calendar every new
        store starts with is dropped when the account already has a calendar or
        another calendar of this computer goes to it (so the result never depends
        on the order of the rows). Returns the names of the calendars added.
        """
        added: list[str] = []
        touched_events: set[str] = set()
        with self._tx():
            # Subscriptions go to the account too (their address, name and colour; each
            # desktop fetches the content), never merged by name, only by address: one the
            # account already has is that one (docs/subscriptions.md).
            subs = self._db.execute("SELECT id, name, source_url, account FROM calendars "
                                    "WHERE deleted = 0 AND source_url IS NOT NULL").fetchall()
            taken = {r[2] for r in subs if r[3] == account}
            for cid, name, url, owner in subs:
                if owner is not None:
                    continue
                if url in taken:
                    self._drop_subscription_content(cid)  # type: ignore[attr-defined]
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM calendars WHERE id = ?", (cid,))
                    continue
                self._db.execute("UPDATE calendars SET account = ? WHERE id = ?", (account, cid))
                self._mark_changed("calendar", [cid])
                taken.add(url)
                added.append(name)
            rows = self._db.execute("SELECT id, name, account FROM calendars WHERE deleted = 0 "
                                    "AND source_url IS NULL").fetchall()
            mine = {r[1].casefold(): r[0] for r in rows if r[2] == account}
            # Other calendars going to the account: the unused default is not needed either.
            others = any(r[2] is None and not self.is_unused_default(r[0]) for r in rows)
            for cid, name, owner in rows:
                if owner is not None:
                    continue
                if self.is_unused_default(cid) and (mine or others):
                    self._db.execute("UPDATE calendars SET deleted = 1 WHERE id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    continue
                target = mine.get(name.casefold())
                ids = [r[0] for r in self._db.execute(
                    "SELECT id FROM events WHERE calendar_id = ?", (cid,))]
                if target is not None:
                    self._db.execute("UPDATE events SET calendar_id = ? WHERE calendar_id = ?",
                                     (target, cid))
                    self._db.execute("UPDATE calendars SET deleted = 1 WHERE id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._event_cache.clear()
                else:
                    self._db.execute("UPDATE calendars SET account = ? WHERE id = ?",
                                     (account, cid))
                    self._mark_changed("calendar", [cid])
                    mine[name.casefold()] = cid
                    added.append(name)
                self._mark_changed("event", ids)
                touched_events.update(ids)
            item_ids = [r[0] + "#" + r[1] for r in self._db.execute(
                "SELECT occurrence_key, reminder FROM reminder_state")]
            self._mark_changed("reminder_state", item_ids)
        self._notify(ChangeNotice(event_ids=frozenset(touched_events),
                                  calendar_ids=frozenset(r[0] for r in [*rows, *subs])))
        return added

    def release_account(self, account: str, *, keep: bool) -> int:
        """Signing out of ``account``: keep its calendars here (they stay the account's,
        so signing in again resumes them) or remove them from this computer.

        Returns how many events were removed. Removing touches nothing on the server.
        """
        removed = 0
        with self._tx():
            if self._meta("account") == account:
                self._set_meta("account", None)
            if not keep:
                cals = [r[0] for r in self._db.execute(
                    "SELECT id FROM calendars WHERE account = ?", (account,))]
                for cid in cals:
                    ev = self._db.execute(
                        "SELECT rowid, id FROM events WHERE calendar_id = ?", (cid,)).fetchall()
                    removed += sum(1 for _ in ev)
                    ids = [r[1] for r in ev]
                    for chunk in _chunks(ids):
                        marks = ",".join("?" * len(chunk))
                        self._db.execute(f"DELETE FROM pending WHERE entity = 'event' AND id IN "
                                         f"({marks})", chunk)
                        self._db.execute(f"DELETE FROM sync_base WHERE entity = 'event' AND id IN"
                                         f" ({marks})", chunk)
                    self._db.execute("DELETE FROM instances WHERE event_rowid IN (SELECT rowid "
                                     "FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM instances WHERE series_rowid IN (SELECT rowid "
                                     "FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM subscription_reminders WHERE event_id IN "
                                     "(SELECT id FROM events WHERE calendar_id = ?)", (cid,))
                    self._db.execute("DELETE FROM subscription_fetch WHERE calendar_id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM events WHERE calendar_id = ?", (cid,))
                    self._db.execute("DELETE FROM pending WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM sync_base WHERE entity = 'calendar' AND id = ?",
                                     (cid,))
                    self._db.execute("DELETE FROM calendars WHERE id = ?", (cid,))
                self._forget_account(account)
                self._event_cache.clear()
                self._span = None
        self._notify(ChangeNotice(calendar_ids=frozenset({"*"})))
        return removed

    def detach_account(self, account: str) -> None:
        """The account was deleted: its calendars here become this computer's own."""
        with self._tx():
            cals = [r[0] for r in self._db.execute(
                "SELECT id FROM calendars WHERE account = ?", (account,))]
            for cid in cals:
                self._db.execute("DELETE FROM sync_base WHERE entity = 'event' AND id IN "
                                 "(SELECT id FROM events WHERE calendar_id = ?)", (cid,))
                self._db.execute("DELETE FROM sync_base WHERE entity = 'calendar' AND id = ?",
                                 (cid,))
            self._db.execute("UPDATE calendars SET account = NULL WHERE account = ?", (account,))
            self._forget_account(account)
            if self._meta("account") == account:
                self._set_meta("account", None)
        self._notify(ChangeNotice(calendar_ids=frozenset(cals)))

    def _forget_account(self, account: str) -> None:
        """The account's conflicts and sync values (its cursor, …) go; its calendars are
        the caller's."""
        self._db.execute("DELETE FROM sync_conflicts WHERE account = ?", (account,))
        self._drop_sync_values(account)
