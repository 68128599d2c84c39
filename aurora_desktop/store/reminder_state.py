"""Fired / snoozed / dismissed, per occurrence and reminder (docs/reminders.md).

Each state is its own small synced item (never part of the event): a local
change is pending for sync under the id ``"<occurrence key>#<reminder>"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .base import ChangeNotice, ReminderState, StoreBase

__all__ = ["STATES", "ReminderStateMixin"]

STATES = ("fired", "snoozed", "dismissed")


class ReminderStateMixin(StoreBase):
    def reminder_states(self) -> dict[tuple[str, str], ReminderState]:
        """Every stored reminder state, keyed by (occurrence key, reminder key)."""
        return {
            (r[0], r[1]): ReminderState(r[0], r[1], r[2], datetime.fromtimestamp(r[3], UTC),
                                        None if r[4] is None else datetime.fromtimestamp(r[4], UTC))
            for r in self._db.execute(
                "SELECT occurrence_key, reminder, state, due, snoozed_until FROM reminder_state")
        }

    def set_reminder_states(self, states: Iterable[ReminderState]) -> None:
        """Record fired/snoozed/dismissed states (one transaction, pending for sync)."""
        with self._tx():
            keys = []
            for st in states:
                self._write_reminder_state(st, self._stamp())
                keys.append(f"{st.occurrence_key}#{st.reminder}")
            self._mark_changed("reminder_state", keys)
        self._notify(ChangeNotice(reminder_state=True))

    def _write_reminder_state(self, st: ReminderState, changed: int) -> None:
        if st.state not in STATES:
            raise ValueError(f"unknown reminder state {st.state!r}")
        self._db.execute(
            "INSERT OR REPLACE INTO reminder_state VALUES (?,?,?,?,?,?)",
            (st.occurrence_key, st.reminder, st.state, int(st.due.timestamp()),
             None if st.snoozed_until is None else int(st.snoozed_until.timestamp()), changed))

    def forget_reminder_states(self, before: datetime) -> int:
        """Drop states of reminders due before ``before`` (housekeeping). Returns how many."""
        with self._tx():
            cur = self._db.execute("DELETE FROM reminder_state WHERE due < ? AND state != 'snoozed'",
                                   (int(before.timestamp()),))
        return cur.rowcount
