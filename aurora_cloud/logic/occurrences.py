"""``GET /events``: the occurrences in a window, recurring series expanded."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from aurora_cloud.errors import InvalidInput
from aurora_cloud.logic.base import ServiceBase, with_zones
from aurora_cloud.logic.convert import stored_event, to_core_quiet, zone_definitions
from aurora_cloud.logic.events import epoch
from aurora_cloud.storage import Stored
from aurora_core import wire
from aurora_core.model import Event, Occurrence, ValidationError, get_zone
from aurora_core.series import series_occurrences

MAX_WINDOW = timedelta(days=370)
MAX_OCCURRENCES = 5_000


def window_bound(bound: date | datetime, name: str, zone: tzinfo) -> datetime:
    """A window bound in UTC: a date is its midnight in ``zone``, a date-time without an
    offset is a wall clock in ``zone``."""
    at = bound if isinstance(bound, datetime) else datetime.combine(bound, time(), zone)
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    try:
        return at.astimezone(UTC)
    except OverflowError:  # 0001-01-01 in Tokyo is still year 0 in UTC
        raise InvalidInput(f"'{name}' is out of range") from None


class OccurrencesPart(ServiceBase):
    @with_zones
    def occurrences(self, sub: str, start: date | datetime, end: date | datetime,
                    calendar: str | None, zone_name: str | None) -> wire.OccurrenceList:
        """Occurrences overlapping [start, end), expanded; floating and all-day times
        (and bounds without an offset) read in ``zone_name`` or else the user's zone."""
        try:
            zone = get_zone(zone_name) if zone_name else self.user_zone(sub)
        except ValidationError as exc:
            raise InvalidInput(str(exc)) from None
        start, end = window_bound(start, "from", zone), window_bound(end, "to", zone)
        if end <= start:
            raise InvalidInput("'to' must be after 'from'")
        if end - start > MAX_WINDOW:
            raise InvalidInput(f"the window is longer than {MAX_WINDOW.days} days")
        masters: dict[str, Event] = {}
        overrides: dict[str, list[Event]] = defaultdict(list)
        versions: dict[str, Stored] = {}
        for s in self.storage.events(sub, window=(epoch(start), epoch(end))):
            ev = to_core_quiet(s)
            if ev is None:
                continue
            if calendar is not None and ev.calendar_id != calendar:
                continue
            versions[ev.id] = s
            if ev.recurrence_id is None:
                masters[ev.uid] = ev
            else:
                overrides[ev.uid].append(ev)
        occs: list[Occurrence] = []
        truncated = False  # a series had more occurrences than expand() lets through
        for uid in masters.keys() | overrides.keys():  # overrides may stand alone
            series = series_occurrences(masters.get(uid), overrides.get(uid, ()), start, end,
                                        zone)
            truncated |= series.truncated
            occs.extend(series)
        occs.sort(key=lambda o: (o.start.instant(zone), o.event.title, o.event.id))
        truncated |= len(occs) > MAX_OCCURRENCES
        out = []
        wires: dict[str, wire.EventWire] = {}  # an event once, however many occurrences
        for o in occs[:MAX_OCCURRENCES]:
            ev_wire = wires.get(o.event.id)
            if ev_wire is None:
                stored = versions.get(o.event.id)
                ev_wire = wires[o.event.id] = stored_event(stored) if stored \
                    else wire.event_to_wire(o.event)
            out.append(wire.OccurrenceWire(
                event=ev_wire, start=wire.format_time(o.start), end=wire.format_time(o.end),
                recurrence_id=None if o.recurrence_id is None
                else wire.format_time(o.recurrence_id)))
        return wire.OccurrenceList(occurrences=out, truncated=truncated,
                                   zones=zone_definitions([o.event for o in out]))

