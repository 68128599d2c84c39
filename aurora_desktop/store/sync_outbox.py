"""The outbox: local changes waiting for the server, and what was sent.

- Whether an item has **local changes** (``pending``): one row per item however
  many edits were made (coalesced). What to send is read from the item itself
  when pushing (:meth:`OutboxMixin.outgoing`). A change that puts an item back
  to its base is no change.
- The **sent journal** (``pending.sent``): the contents an unconfirmed attempt
  sent, so that a sync after a crash recognises its own write on the server.
- Confirmations move the base and drop the pending change; a change the server
  refused (400) is **set aside** with its problem, kept and shown, not sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rows import _EVENT_COLS
from .sync_items import SyncItemsMixin, _chunks, _content, _norm, event_content

__all__ = ["SENT_KEPT", "OutboxMixin", "Outgoing"]

SENT_KEPT = 32  # distinct unconfirmed contents remembered per item


@dataclass(frozen=True)
class Outgoing:
    """One pending change as it is to be sent."""

    entity: str                     # 'calendar' | 'event' | 'reminder_state'
    id: str                         # the item id (reminder state: "<occurrence key>#<reminder>")
    content: dict[str, Any] | None  # what the server should hold; None: delete it there
    base_version: int | None        # the version our change is based on (None: never synced)
    base_deleted: bool = False      # the base is a tombstone: send as a (re)create
    is_override: bool = False
    sent: bool = False              # an earlier attempt may have reached the server
    # The event's row as it was read (opaque): confirm_written() compares the row, not
    # the content, to tell whether the event changed while it was being sent.
    row: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)



class OutboxMixin(SyncItemsMixin):
    # ------------------------------------------------------------- pending

    def _mark_changed(self, entity: str, ids: Iterable[str]) -> None:
        """Record local changes (inside the writing transaction); an item back at its
        base is no change. A new local change clears a set-aside problem."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        now = self._stamp()
        self._db.executemany(
            "INSERT INTO pending (entity, id, since) VALUES (?, ?, ?) ON CONFLICT(entity, id) "
            "DO UPDATE SET problem = NULL, attempts = 0", [(entity, i, now) for i in ids])
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            based = self._db.execute(
                f"SELECT id, base FROM sync_base WHERE entity = ? AND id IN ({marks})",
                (entity, *chunk)).fetchall()
            for item_id, base_text in based:
                base = json.loads(base_text)
                if base.get("deleted"):
                    continue
                if _norm(entity, _content(base)) == self._local_content(entity, item_id):
                    self._db.execute("DELETE FROM pending WHERE entity = ? AND id = ?",
                                     (entity, item_id))

    def pending(self, entity: str | None = None) -> list[tuple[str, str]]:
        """Every item with a local change not yet confirmed by the server: (entity, id)."""
        sql = "SELECT entity, id FROM pending"
        args: tuple[str, ...] = ()
        if entity is not None:
            sql += " WHERE entity = ?"
            args = (entity,)
        return [(r[0], r[1]) for r in self._db.execute(sql + " ORDER BY entity, id", args)]

    def _owned_sql(self, *, problems: bool = False) -> str:
        """Pending rows of one account (parameter: the account), with their entity;
        ``problems``: the set-aside ones instead of the sendable ones."""
        refused = "IS NOT NULL" if problems else "IS NULL"
        return (
            f"SELECT p.entity, p.id FROM pending p WHERE p.problem {refused} AND ("
            " (p.entity = 'calendar' AND EXISTS (SELECT 1 FROM calendars c WHERE c.id = p.id"
            "   AND c.account = :acc))"
            " OR (p.entity = 'event' AND EXISTS (SELECT 1 FROM events e JOIN calendars c ON"
            "   c.id = e.calendar_id WHERE e.id = p.id AND c.account = :acc))"
            " OR (p.entity IN ('calendar', 'event') AND EXISTS (SELECT 1 FROM sync_base b"
            "   WHERE b.entity = p.entity AND b.id = p.id))"
            " OR (p.entity = 'reminder_state' AND EXISTS (SELECT 1 FROM events e JOIN calendars"
            "   c ON c.id = e.calendar_id WHERE c.account = :acc AND e.deleted = 0 AND"
            "   e.uid = substr(p.id, 1, instr(p.id, '/') - 1))))")

    def pending_count(self, account: str | None) -> int:
        """Changes of ``account`` waiting to be sent (set-aside ones not counted)."""
        if account is None:
            return 0
        return int(self._db.execute(f"SELECT COUNT(*) FROM ({self._owned_sql()})",
                                    {"acc": account}).fetchone()[0])

    def outgoing(self, account: str) -> list[Outgoing]:
        """The pending changes of ``account`` in the order to send them: calendars,
        then events (series before their overrides), deletions of events (overrides
        first), deletions of calendars, reminder states."""
        rows = self._db.execute(self._owned_sql(), {"acc": account}).fetchall()
        owners = dict(self._db.execute("SELECT id, account FROM calendars"))
        sent = {(r[0], r[1]) for r in self._db.execute(
            "SELECT entity, id FROM pending WHERE sent IS NOT NULL")}
        bases = {(r[0], r[1]): (int(r[2]), json.loads(r[3])) for r in self._db.execute(
            "SELECT b.entity, b.id, b.version, b.base FROM pending p JOIN sync_base b "
            "ON b.entity = p.entity AND b.id = p.id")}
        event_rows = self._event_rows([i for e, i in rows if e == "event"])
        out: list[Outgoing] = []
        for entity, item_id in rows:
            base = bases.get((entity, item_id))
            row = event_rows.get(item_id) if entity == "event" else None
            if entity == "event":
                content = None if row is None else event_content(self._row_to_event(row))
            else:
                content = self._local_content(entity, item_id)
            if entity == "event" and content is not None and \
                    owners.get(content["calendar_id"]) != account:
                content = None  # moved to a calendar that is not the account's: gone there
            if entity == "calendar" and content is not None and owners.get(item_id) != account:
                content = None
            out.append(Outgoing(
                entity, item_id, content,
                None if base is None else base[0],
                base is not None and bool(base[1].get("deleted")),
                entity == "event" and content is not None and bool(content.get("recurrence_id")),
                (entity, item_id) in sent, row))

        def order(o: Outgoing) -> tuple[int, int]:
            if o.entity == "calendar":
                return (0 if o.content is not None else 4, 0)
            if o.entity == "event":
                if o.content is not None:
                    return (1, 1 if o.is_override else 0)
                base = bases.get(("event", o.id))
                override = bool(base and base[1].get("recurrence_id"))
                return (2, 0 if override else 1)
            return (5, 0)

        out.sort(key=order)
        return out

    def _event_rows(self, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The rows of the live events among ``ids``, by id."""
        out: dict[str, tuple[Any, ...]] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(f"SELECT {_EVENT_COLS} FROM events "
                                      f"WHERE deleted = 0 AND id IN ({marks})", chunk):
                out[str(r[1])] = tuple(r)
        return out

    # -------------------------------------------------------- sent journal

    def mark_sending(self, items: Sequence[Outgoing]) -> None:
        """Journal what is about to be sent (one transaction, before the request): if the
        process dies after the server took it, the next sync recognises its own write.
        Every distinct unconfirmed content is kept (the item may change between attempts);
        sending the same content again only moves it to the end, so retries of a newer
        edit never push out an older one the server may already hold."""
        with self._tx():
            for o in items:
                row = self._db.execute("SELECT sent FROM pending WHERE entity = ? AND id = ?",
                                       (o.entity, o.id)).fetchone()
                if row is None:
                    continue
                journal = json.loads(row[0]) if row[0] else []
                journal = [*(c for c in journal if c != o.content), o.content][-SENT_KEPT:]
                self._db.execute("UPDATE pending SET sent = ? WHERE entity = ? AND id = ?",
                                 (json.dumps(journal, separators=(",", ":")), o.entity, o.id))

    def _sent(self, entity: str, item_id: str) -> list[dict[str, Any] | None]:
        """What unconfirmed attempts sent for a pending item (None: a delete)."""
        row = self._db.execute("SELECT sent FROM pending WHERE entity = ? AND id = ?",
                               (entity, item_id)).fetchone()
        if row is None or row[0] is None:
            return []
        journal: list[dict[str, Any] | None] = json.loads(row[0])
        return journal

    # ------------------------------------------------------- confirmations

    def confirm_sent(self, entity: str, item_id: str, sent: dict[str, Any] | None,
                     server_item: dict[str, Any] | None, version: int | None) -> None:
        """The server accepted ``sent`` (None: our delete) as ``version``.

        The base becomes what the server holds; the pending change goes unless the
        item changed again here while it was being sent.
        """
        with self._tx():
            if sent is None:
                self._confirm_deleted(entity, item_id)
                return
            assert version is not None
            item = dict(server_item) if server_item is not None else {**sent}
            item.update({"version": version, "deleted": False})
            self._set_base(entity, item_id, version, item)
            now = self._local_content(entity, item_id)
            if _norm(entity, now) == _norm(entity, sent):
                self._drop_pending(entity, item_id)
            else:
                self._db.execute("UPDATE pending SET sent = NULL WHERE entity = ? AND id = ?",
                                 (entity, item_id))

    def confirm_written(self, written: Sequence[tuple[Outgoing, int | None]]) -> None:
        """:meth:`confirm_sent` for events the server created or updated from
        ``outgoing()``'s contents (the batch endpoint answers with versions only), in one
        transaction. An event whose row is as ``outgoing()`` read it did not change
        meanwhile; otherwise its content decides, as in :meth:`confirm_sent`."""
        if not written:
            return
        with self._tx():
            rows = self._event_rows([o.id for o, _ in written])
            for o, version in written:
                assert o.entity == "event" and o.content is not None and version is not None
                self._set_base("event", o.id, version,
                               {**o.content, "version": version, "deleted": False})
                row = rows.get(o.id)
                if row is not None and (row == o.row or _norm("event", event_content(
                        self._row_to_event(row))) == _norm("event", o.content)):
                    self._drop_pending("event", o.id)
                else:
                    self._db.execute("UPDATE pending SET sent = NULL WHERE entity = 'event' "
                                     "AND id = ?", (o.id,))

    def confirm_deleted(self, deleted: Sequence[Outgoing]) -> None:
        """:meth:`confirm_sent` of our deletes (the server deleted them, or did not have
        them), in one transaction."""
        if not deleted:
            return
        with self._tx():
            for o in deleted:
                self._confirm_deleted(o.entity, o.id)

    def _confirm_deleted(self, entity: str, item_id: str) -> None:
        self._db.execute("DELETE FROM sync_base WHERE entity = ? AND id = ?", (entity, item_id))
        if entity == "event" or self._local_content(entity, item_id) is None:
            self._drop_pending(entity, item_id)
        self._purge_tombstone(entity, item_id)

    def _drop_pending(self, entity: str, item_id: str) -> None:
        self._db.execute("DELETE FROM pending WHERE entity = ? AND id = ?", (entity, item_id))

    def drop_pending(self, entity: str, item_id: str) -> None:
        with self._tx():
            self._drop_pending(entity, item_id)
            self._purge_tombstone(entity, item_id)

    def _purge_tombstone(self, entity: str, item_id: str) -> None:
        """A deletion the server has (or never needed): the row can go for good."""
        if entity == "event":
            row = self._db.execute("SELECT rowid FROM events WHERE id = ? AND deleted = 1",
                                   (item_id,)).fetchone()
            if row is not None:
                self._event_cache.pop(row[0], None)
                self._db.execute("DELETE FROM instances WHERE event_rowid = ?", (row[0],))
                self._db.execute("DELETE FROM events WHERE rowid = ?", (row[0],))
        elif entity == "calendar":
            left = self._db.execute("SELECT 1 FROM events WHERE calendar_id = ? LIMIT 1",
                                    (item_id,)).fetchone()
            if left is None:
                self._db.execute("DELETE FROM calendars WHERE id = ? AND deleted = 1", (item_id,))

    # ------------------------------------------------ set-aside changes

    def set_aside(self, entity: str, item_id: str, problem: str) -> None:
        """The server refused this change (400): keep it, show it, stop sending it."""
        with self._tx():
            self._db.execute("UPDATE pending SET problem = ?, attempts = attempts + 1 "
                             "WHERE entity = ? AND id = ?", (problem[:500], entity, item_id))

    def clear_problem(self, entity: str, item_id: str) -> None:
        """Try a set-aside change again at the next sync."""
        with self._tx():
            self._db.execute("UPDATE pending SET problem = NULL WHERE entity = ? AND id = ?",
                             (entity, item_id))

    def problems(self, account: str | None = None) -> list[tuple[str, str, str, str]]:
        """Set-aside changes (of one account, or all): (entity, id, title, problem)."""
        rows = self._db.execute(
            "SELECT entity, id, problem FROM pending WHERE problem IS NOT NULL").fetchall()
        if account is not None:
            owned = {(r[0], r[1]) for r in self._db.execute(
                self._owned_sql(problems=True), {"acc": account})}
            rows = [r for r in rows if (r[0], r[1]) in owned]
        return [(entity, item_id, self._title(entity, item_id), problem)
                for entity, item_id, problem in rows]

    def _title(self, entity: str, item_id: str) -> str:
        if entity == "event":
            row = self._db.execute("SELECT title FROM events WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                base = self.base("event", item_id)
                return str(base[1].get("title", "")) if base else ""
            return str(row[0])
        if entity == "calendar":
            row = self._db.execute("SELECT name FROM calendars WHERE id = ?",
                                   (item_id,)).fetchone()
            return "" if row is None else str(row[0])
        return item_id.rpartition("/")[0]
