"""Calendars: list, create or update, and delete with their events."""

from __future__ import annotations

import contextlib

from aurora_cloud.errors import InvalidInput, NotFound, PreconditionFailed
from aurora_cloud.logic.base import ServiceBase
from aurora_cloud.logic.convert import stored_calendar
from aurora_cloud.logic.versions import Precondition, tombstone_write
from aurora_cloud.storage import Kind, Stored, Write
from aurora_core import wire
from aurora_core.model import ValidationError


class CalendarsPart(ServiceBase):
    def list_calendars(self, sub: str) -> wire.CalendarList:
        return wire.CalendarList(calendars=[
            stored_calendar(s) for s in self.storage.calendars(sub)])

    def put_calendar(self, sub: str, cal_id: str, body: wire.CalendarWire,
                     pre: Precondition) -> tuple[wire.CalendarWire, int]:
        if body.id != cal_id:
            raise InvalidInput("the id in the body differs from the id in the path")
        try:
            wire.calendar_from_wire(body).validate()
        except ValidationError as exc:
            raise InvalidInput(str(exc)) from None
        content = body.content()

        def make(cur: Stored | None) -> Write:
            if cur is not None and not cur.deleted and \
                    (cur.doc.get("source_url") is None) != (body.source_url is None):
                # A subscription's events never come here: an ordinary calendar turned
                # into one would keep events no desktop shows, and the reverse would
                # show none of the feed's (docs/subscriptions.md).
                raise InvalidInput("a calendar cannot become a subscription or stop being "
                                   "one (source_url): delete it and make a new one")
            return Write(kind=Kind.CALENDAR, id=cal_id, doc=content,
                         prev_version=cur.version if cur else None,
                         created_at=cur.created_at if cur and not cur.deleted else None)

        stored, status = self._write_loop(sub, Kind.CALENDAR, cal_id, pre, content, make)
        return stored_calendar(stored), status

    def delete_calendar(self, sub: str, cal_id: str, pre: Precondition) -> None:
        """Delete a calendar and (as tombstones) every event in it."""
        cur = self.storage.get(sub, Kind.CALENDAR, cal_id)
        if cur is None or (cur.deleted and pre.version is None):
            if cur is None:
                raise NotFound("no such calendar")
            return
        events = [s for s in self.storage.events(sub) if s.doc.get("calendar_id") == cal_id]
        for ev in events:
            with contextlib.suppress(NotFound, PreconditionFailed):
                self.delete_event(sub, ev.id, Precondition())

        self._write_loop(sub, Kind.CALENDAR, cal_id, pre, None, tombstone_write)
