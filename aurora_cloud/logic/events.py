"""Events one at a time: read, create or update, delete; and the next email reminder
of a series, planned again when one of its overrides changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from aurora_cloud.errors import InvalidInput, NotFound, PreconditionRequired
from aurora_cloud.logic.base import RETRIES, ServiceBase, with_zones
from aurora_cloud.logic.convert import stored_event, to_core, to_core_quiet
from aurora_cloud.logic.versions import Precondition, tombstone_write
from aurora_cloud.reminders.schedule import next_email_due, series_email_dues, standing_changes
from aurora_cloud.storage import Due, Kind, Stored, Write
from aurora_cloud.storage.keys import iso
from aurora_core import custom_zones, recurrence, wire
from aurora_core.model import Event, EventTime

MARGIN = timedelta(hours=15)  # every UTC offset is within this: bounds floating/all-day times
FOREVER = 10**11  # an epoch second after any event


def epoch(at: datetime) -> int:
    return int(at.timestamp())


def envelope(event: Event) -> tuple[int, int]:
    """Epoch seconds [first, last] that any instance of ``event`` may touch, in any zone.

    An override's envelope also covers the instance it replaces, so a window
    that shows the original slot finds the override that moved it.
    """
    times: list[EventTime] = [event.start, event.end, *event.rdates]
    if event.recurrence_id is not None:
        times.append(event.recurrence_id)
    instants = [t.instant(UTC) for t in times]
    lo = min(instants) - MARGIN
    hi = max(instants) + MARGIN
    if event.is_recurring:
        last = recurrence.last_instance(event)
        if last is None:
            return epoch(lo), FOREVER
        try:
            hi = max(hi, last.instant(UTC) + event.duration + MARGIN)
        except OverflowError:  # it ends at the end of the calendar
            return epoch(lo), FOREVER
    return epoch(lo), epoch(hi)


class EventsPart(ServiceBase):
    @with_zones
    def get_event(self, sub: str, event_id: str) -> wire.EventWire:
        cur = self.storage.get(sub, Kind.EVENT, event_id)
        if cur is None or cur.deleted:
            raise NotFound("no such event")
        return stored_event(cur)

    def _plan_due(self, sub: str, event: Event, zone: tzinfo) -> Due | None:
        if event.recurrence_id is not None or (not any(
                r.channel == "email" for r in event.reminders) and not event.is_recurring):
            return None
        overrides: list[Event] = []
        if event.is_recurring:
            for m in self.storage.series_members(sub, event.uid):
                if m.deleted or not m.doc.get("recurrence_id") or \
                        m.id.lower() == event.id.lower():
                    continue
                if (o := to_core_quiet(m)) is not None:
                    overrides.append(o)
        return next_email_due(event, overrides, self.clock(), zone)

    def _write_for(self, sub: str, event: Event, content: dict[str, Any],
                   zone: tzinfo) -> Callable[[Stored | None], Write]:
        due = self._plan_due(sub, event, zone)
        series_uid = event.uid if (
            event.is_recurring or event.recurrence_id is not None) else None
        env = envelope(event)

        def make(cur: Stored | None) -> Write:
            return Write(kind=Kind.EVENT, id=event.id, doc=content,
                         prev_version=cur.version if cur else None,
                         created_at=cur.created_at if cur and not cur.deleted else None,
                         due=due, series_uid=series_uid, envelope=env)
        return make

    def _zone_known(self, sub: str, name: str | None, given: dict[str, str]) -> None:
        """Raises InvalidInput for a zone a file defined whose definition is neither in
        the request nor stored for ``sub`` (another user's copy in this process's cache
        does not count: the user's events must decode wherever they are read)."""
        if name is None or not custom_zones.is_custom(name) or name in given:
            return
        if self.storage.get_zone(sub, name) is None:
            raise InvalidInput(
                f"time zone {name!r} came without its definition: send it in the batch's "
                "zones (the VTIMEZONE the event was imported with)")

    @with_zones
    def put_event(self, sub: str, event_id: str, body: wire.EventWire,
                  pre: Precondition) -> tuple[wire.EventWire, int]:
        if body.id.lower() != event_id.lower():
            raise InvalidInput("the id in the body differs from the id in the path")
        if pre.version is None and not pre.create_only:
            raise PreconditionRequired(
                "send If-Match: <version> to update or If-None-Match: * to create")
        self._zone_known(sub, body.timezone, {})
        event = to_core(body)
        content = body.content()
        zone = self.user_zone(sub)
        make = self._write_for(sub, event, content, zone)
        before: list[Stored | None] = [None]

        def make_after(cur: Stored | None) -> Write:
            before[0] = cur
            return make(cur)

        stored, status = self._write_loop(sub, Kind.EVENT, event_id, pre, content, make_after)
        if event.recurrence_id is not None or standing_changes(
                _live(before[0]), event):  # its overrides now stand alone, or no longer
            self.refresh_series_due(sub, event.uid, zone, known=[stored])
        return stored_event(stored), status

    @with_zones
    def delete_event(self, sub: str, event_id: str, pre: Precondition) -> None:
        stored, _ = self._write_loop(sub, Kind.EVENT, event_id, pre, None, tombstone_write)
        if stored.doc.get("recurrence_id") or standing_changes(to_core_quiet(stored), None):
            self.refresh_series_due(sub, stored.doc.get("uid") or event_id, self.user_zone(sub),
                                    known=[stored])

    @with_zones
    def refresh_series_due(self, sub: str, uid: str, zone: tzinfo,
                           known: Sequence[Stored] = ()) -> None:
        """Recompute the next email reminder of every event of the series after one of
        them changed: the repeating master's (its overrides' times and reminders
        included), or, when the overrides stand alone (no master, or one that no longer
        repeats), each override's own (:func:`series_email_dues`).

        ``known`` are items just written: they replace what the (eventually
        consistent) series index returns for the same items; each is then read again
        consistently for its version.
        """
        for _ in range(RETRIES):
            by_id = {m.id: m for m in self.storage.series_members(sub, uid)}
            by_id.update({k.id: k for k in known})
            fresh = self.storage.get_many(sub, Kind.EVENT, list(by_id))
            live = [(s, e) for s in fresh.values() if not s.deleted
                    and (e := to_core_quiet(s)) is not None and e.uid == uid]
            stored_of = {e.id: s for s, e in live}
            masters = [e for _, e in live if e.recurrence_id is None]
            overrides = [e for _, e in live if e.recurrence_id is not None]
            dues = series_email_dues(masters[0] if masters else None, overrides,
                                     self.clock(), zone)
            if all(_same_due(stored_of[i], due) or self.storage.set_event_due(
                    sub, stored_of[i].id, stored_of[i].version, due)
                    for i, due in dues.items()):
                return


def _live(stored: Stored | None) -> Event | None:
    """The event ``stored`` holds, or None when absent, deleted or unreadable."""
    return None if stored is None or stored.deleted else to_core_quiet(stored)


def _same_due(stored: Stored, due: Due | None) -> bool:
    """``stored`` already points at ``due``: no write needed."""
    if due is None:
        return stored.due_sk is None
    return stored.due_info == due.info and stored.due_sk is not None and \
        stored.due_sk.startswith(f"{iso(due.at)}#")
