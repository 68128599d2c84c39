"""Conflicts kept for the user: a unit both sides changed, what won and what was lost.

The remote path (``sync_remote``) records them; the user keeps what won
(:meth:`ConflictsMixin.dismiss_conflict`) or makes the lost value a new local
edit (:meth:`ConflictsMixin.use_lost_value`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aurora_core.model import Calendar
from aurora_desktop.lazy import LazyModule

from .base import ChangeNotice
from .sync_items import SyncItemsMixin

if TYPE_CHECKING:
    from aurora_core import merge as mg
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    mg = LazyModule("aurora_core.merge")
    wire = LazyModule("aurora_core.wire")


__all__ = ["Conflict", "ConflictsMixin"]


@dataclass(frozen=True)
class Conflict:
    """A unit both sides changed: ``kept`` is what every desktop has, ``lost`` ours."""

    seq: int
    entity: str
    id: str
    unit: str
    title: str
    kept: Any
    lost: Any
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "entity": self.entity, "field": self.unit, "title": self.title,
                "kept": self.kept, "lost": self.lost, "at": self.at.isoformat(),
                "conflict": self.seq}



class ConflictsMixin(SyncItemsMixin):
    # ------------------------------------------------------------ conflicts

    def _add_conflict(self, account: str | None, entity: str, item_id: str, unit: str,
                      title: str, kept: Any, lost: Any) -> None:
        self._db.execute(
            "INSERT INTO sync_conflicts (entity, id, account, unit, title, kept, lost, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entity, item_id, account, unit, title, json.dumps(kept), json.dumps(lost),
             self._stamp()))

    def add_conflicts(self, account: str | None, entity: str, item_id: str, title: str,
                      conflicts: Iterable[mg.UnitConflict]) -> int:
        n = 0
        with self._tx():
            for c in conflicts:
                self._add_conflict(account, entity, item_id, c.unit, title, c.kept, c.lost)
                n += 1
        return n

    def conflicts(self, account: str | None = None) -> list[Conflict]:
        """Conflicts kept for the user (of one account, or all), oldest first."""
        sql = "SELECT seq, entity, id, unit, title, kept, lost, at FROM sync_conflicts"
        args: tuple[Any, ...] = ()
        if account is not None:
            sql += " WHERE account = ?"
            args = (account,)
        return [Conflict(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]),
                         datetime.fromtimestamp(r[7], UTC))
                for r in self._db.execute(sql + " ORDER BY seq", args)]

    def dismiss_conflict(self, seq: int) -> None:
        """Keep what won: forget the conflict."""
        with self._tx():
            self._db.execute("DELETE FROM sync_conflicts WHERE seq = ?", (seq,))
        self._notify(ChangeNotice())

    def use_lost_value(self, seq: int) -> None:
        """"Use this one": this desktop's value becomes a new local edit (it syncs)."""
        row = self._db.execute("SELECT entity, id, unit, lost FROM sync_conflicts WHERE seq = ?",
                               (seq,)).fetchone()
        if row is None:
            raise KeyError(seq)
        entity, item_id, unit, lost_text = row
        lost = json.loads(lost_text)
        current = self._local_content(entity, item_id)
        if entity == "event":
            if unit == "deleted":
                if current is not None:
                    self.delete_event(item_id)  # type: ignore[attr-defined]
            elif current is not None and unit != "orphaned":
                data = dict(current)
                if unit == "time" and isinstance(lost, dict):
                    data.update(lost)
                else:
                    data[unit] = lost
                ev = wire.event_from_wire(wire.EventWire.model_validate(data))
                self.put_event(ev)  # type: ignore[attr-defined]
        elif entity == "calendar" and current is not None and unit in ("name", "color"):
            cal = self.calendar(item_id)  # type: ignore[attr-defined]
            cal = Calendar(cal.id, lost if unit == "name" else cal.name,
                           lost if unit == "color" else cal.color, cal.visible, cal.read_only)
            self.put_calendar(cal)  # type: ignore[attr-defined]
        self.dismiss_conflict(seq)
