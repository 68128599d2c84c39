"""The JSON wire format shared by the server and the desktop sync client.

One definition: the API validates request bodies with these models, renders
responses with them, and publishes their JSON Schema in its OpenAPI
document. The desktop client uses the same models to talk to the API.

Times on the wire, per event kind:

- zoned: ``start``/``end`` are ISO 8601 datetimes *with* an offset and
  ``timezone`` names the IANA zone (``"2026-11-25T09:00:00+01:00"``,
  ``"Europe/Berlin"``);
- all-day: ``all_day`` is true, ``start``/``end`` are dates
  (``"2026-11-25"``; the end is exclusive) and ``timezone`` is null;
- floating: ``all_day`` is false, ``timezone`` is null and the datetimes have
  no offset (``"2026-11-25T09:00:00"``).

``exdates``, ``rdates`` and ``recurrence_id`` use the same form as ``start``.

Server-owned fields (``version``, ``updated_at``, ``deleted``) are ignored
when a client sends them. Every string and list has a limit, so a request
can never make the server do unbounded work.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from aurora_core import custom_zones
from aurora_core import model as m
from aurora_core.defaults import DEFAULT_COLOR
from aurora_core.source_url import MAX_SOURCE_URL, subscription_url

__all__ = [
    "REMINDER_STATE_NAMESPACE",
    "AccountDeletion",
    "BatchDelete",
    "BatchItemResult",
    "BatchRequest",
    "BatchResponse",
    "CalendarList",
    "CalendarWire",
    "EventWire",
    "OccurrenceList",
    "OccurrenceWire",
    "PasswordPolicy",
    "Problem",
    "ReminderStateBatchRequest",
    "ReminderStateBatchResponse",
    "ReminderStateResult",
    "ReminderStateWire",
    "ReminderWire",
    "ServerConfig",
    "SettingsWire",
    "SyncPage",
    "calendar_from_wire",
    "calendar_to_wire",
    "event_from_wire",
    "event_to_wire",
    "format_time",
    "join_reminder_states",
    "parse_time",
    "reminder_state_id",
]

MIN_YEAR = 1900
MAX_YEAR = 2200
MAX_ID = 64
MAX_UID = 1_000
MAX_RRULE = 1_000
MAX_TIME_TEXT = 40
MAX_ZONE = 64
MAX_BATCH = 100
MAX_SYNC_LIMIT = 1_000

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

EventId = Annotated[str, StringConstraints(pattern=UUID_PATTERN, max_length=36)]
CalendarId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID)]
TimeText = Annotated[str, StringConstraints(min_length=10, max_length=MAX_TIME_TEXT)]
ZoneName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ZONE)]
Status = Literal["confirmed", "tentative", "cancelled"]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --------------------------------------------------------------------------
# Times


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise m.ValidationError(f"year {year} is outside {MIN_YEAR}..{MAX_YEAR}")


def parse_time(text: str, *, all_day: bool, timezone: str | None) -> m.EventTime:
    """Read one wire time as the kind the event says it is.

    Raises :class:`aurora_core.model.ValidationError` when the text does not
    match the kind (a date for all-day, an offset datetime for zoned, a naive
    datetime for floating) or is out of range.
    """
    if all_day:
        if not _DATE_RE.match(text):
            raise m.ValidationError(f"{text!r} is not a date (YYYY-MM-DD) for an all-day event")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise m.ValidationError(f"{text!r} is not a valid date") from None
        _check_year(day.year)
        return m.AllDayDate(day)
    if not _DATETIME_RE.match(text):
        raise m.ValidationError(f"{text!r} is not an ISO 8601 date-time")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise m.ValidationError(f"{text!r} is not a valid ISO 8601 date-time") from None
    _check_year(when.year)
    if timezone is None:
        if when.tzinfo is not None:
            raise m.ValidationError(
                f"{text!r} has an offset but the event has no time zone (floating)"
            )
        return m.FloatingTime(when)
    if when.tzinfo is None:
        raise m.ValidationError(f"{text!r} needs an offset: the event is in {timezone}")
    return m.ZonedTime(when.astimezone(UTC), timezone)


def format_time(t: m.EventTime) -> str:
    """One event time as wire text (see the module docstring)."""
    if isinstance(t, m.ZonedTime):
        return t.local.isoformat()
    if isinstance(t, m.AllDayDate):
        return t.day.isoformat()
    return t.wall.isoformat()


def _kind(t: m.EventTime) -> tuple[bool, str | None]:
    if isinstance(t, m.ZonedTime):
        return False, t.tz
    return isinstance(t, m.AllDayDate), None


# --------------------------------------------------------------------------
# Models


# Zones an imported file defined (docs/import.md): X-AURORA/<hash> -> the VTIMEZONE.
MAX_ZONES = 100
ZoneKey = Annotated[str, StringConstraints(pattern=r"^X-AURORA/[0-9a-f]{32}$", max_length=MAX_ZONE)]
ZoneDefinition = Annotated[str, StringConstraints(min_length=1,
                                                  max_length=custom_zones.MAX_DEFINITION)]


def _zones_field(what: str) -> Any:
    return Field(default_factory=dict, max_length=MAX_ZONES, description=(
        f"the definitions of the zones {what} that a file defined (timezone X-AURORA/<hash>, "
        "the hash of the definition): the VTIMEZONE's content lines, unfolded, joined by "
        f"\\n, at most {custom_zones.MAX_DEFINITION} characters. Absent when there are "
        "none"))


def _check_zones(zones: dict[str, str]) -> None:
    """Registers each definition (raises ValueError unless each is its name's)."""
    for name, text in zones.items():
        try:
            custom_zones.register_named(name, text)
        except m.ValidationError as exc:
            raise ValueError(str(exc)) from None


def _without_empty_zones(data: dict[str, Any]) -> dict[str, Any]:
    # No zones, no key: what clients and servers older than the zones map read and
    # accept (their models forbid unknown keys) is what they always did.
    if not data.get("zones", True):
        del data["zones"]
    return data


class ReminderWire(_Wire):
    minutes_before: int = Field(ge=-m.MAX_REMINDER_MINUTES, le=m.MAX_REMINDER_MINUTES)
    channel: Literal["notification", "email"] = "notification"


class EventWire(_Wire):
    """An event, a recurring master or an override (``recurrence_id`` set)."""

    id: EventId
    uid: Annotated[str, StringConstraints(min_length=1, max_length=MAX_UID)] | None = Field(
        default=None, description="iCalendar UID; defaults to the id"
    )
    calendar_id: CalendarId
    title: Annotated[str, StringConstraints(max_length=m.MAX_TITLE)] = ""
    location: Annotated[str, StringConstraints(max_length=m.MAX_LOCATION)] = ""
    notes: Annotated[str, StringConstraints(max_length=m.MAX_NOTES)] = ""
    status: Status = "confirmed"
    start: TimeText
    end: TimeText
    timezone: ZoneName | None = None
    all_day: bool = False
    rrule: Annotated[str, StringConstraints(min_length=1, max_length=MAX_RRULE)] | None = None
    exdates: list[TimeText] = Field(default_factory=list, max_length=m.MAX_DATES)
    rdates: list[TimeText] = Field(default_factory=list, max_length=m.MAX_DATES)
    recurrence_id: TimeText | None = None
    reminders: list[ReminderWire] = Field(default_factory=list, max_length=m.MAX_REMINDERS)
    ical_extra: list[Annotated[str, StringConstraints(min_length=1, max_length=m.MAX_EXTRA)]] = (
        Field(default_factory=list, max_length=m.MAX_EXTRA, description=(
            "what the event's iCalendar source had that the app does not model (ATTENDEE, "
            "URL, X- properties, alarms…): RFC 5545 content lines, unfolded, in order; "
            f"{m.MAX_EXTRA} characters in all (a line counts one more). Opaque to the "
            "server; the desktop writes it back on export")))
    version: int = Field(default=0, ge=0, description="server-assigned; ignored on input")
    created_at: datetime | None = Field(default=None, description="server-assigned")
    updated_at: datetime | None = Field(default=None, description="server-assigned")
    deleted: bool = Field(default=False, description="server-assigned; true for a tombstone")

    @model_validator(mode="after")
    def _times_match_kind(self) -> EventWire:
        if self.ical_extra:
            try:
                m.check_extra(tuple(self.ical_extra))
            except m.ValidationError as exc:
                raise ValueError(str(exc)) from None
        if self.deleted:
            return self
        if self.all_day and self.timezone is not None:
            raise ValueError("an all-day event has no time zone (timezone must be null)")
        zone = self.timezone
        if zone is not None and custom_zones.is_custom(zone):
            # A zone an imported file defined: its definition comes in the enclosing
            # page's or batch's ``zones`` (or is stored), so only its form is checked here;
            # the times' form is checked in UTC. event_from_wire needs the definition.
            if not custom_zones.NAME_RE.match(zone):
                raise ValueError(f"unknown time zone {zone[:60]!r} (a zone from a file is "
                                 "named X-AURORA/ and 32 hex digits)")
            zone = "UTC"
        elif zone is not None:
            try:
                m.get_zone(zone)
            except m.ValidationError as exc:
                raise ValueError(str(exc)) from None
        for text in (self.start, self.end, *self.exdates, *self.rdates,
                     *([self.recurrence_id] if self.recurrence_id else [])):
            try:
                parse_time(text, all_day=self.all_day, timezone=zone)
            except m.ValidationError as exc:
                raise ValueError(str(exc)) from None
        return self

    def content(self) -> dict[str, Any]:
        """The client-owned fields, for comparing two writes of the same event."""
        data = self.model_dump(mode="json", exclude={"version", "created_at", "updated_at",
                                                     "deleted"})
        if data["uid"] is None:
            data["uid"] = self.id
        return data


class CalendarWire(_Wire):
    id: CalendarId
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = DEFAULT_COLOR
    visible: bool = True
    read_only: bool = False
    source_url: Annotated[str, StringConstraints(min_length=8, max_length=MAX_SOURCE_URL)] | \
        None = Field(default=None, description=(
            "a subscribed calendar's address (https, http or webcal): each desktop fetches "
            "its content itself, and its events never come to the server. Absent for an "
            "ordinary calendar; a calendar cannot become a subscription or stop being one"))
    version: int = Field(default=0, ge=0, description="server-assigned; ignored on input")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False

    @field_validator("source_url")
    @classmethod
    def _web_address(cls, v: str | None) -> str | None:
        if v is not None:
            subscription_url(v)  # raises ValueError: a 400 naming the field
        return v

    @model_serializer(mode="wrap")
    def _without_absent_url(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # An ordinary calendar is written without the key: what desktops older than
        # source_url read (their models forbid unknown keys) is what they always read.
        data: dict[str, Any] = handler(self)
        if data.get("source_url", "") is None:
            del data["source_url"]
        return data

    def content(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"version", "created_at", "updated_at",
                                                     "deleted"})


class CalendarList(_Wire):
    calendars: list[CalendarWire]


class SettingsWire(_Wire):
    """The user's server-side preferences."""

    reminder_email: bool = Field(default=True, description="send email reminders")
    timezone: ZoneName = Field(default="UTC", description="zone for emails and all-day events")
    version: int = Field(default=0, ge=0, description="server-assigned; ignored on input")
    updated_at: datetime | None = None

    @model_validator(mode="after")
    def _zone_exists(self) -> SettingsWire:
        try:
            if custom_zones.is_custom(self.timezone):  # the user's zone is an IANA one
                raise m.ValidationError(f"unknown time zone {self.timezone[:60]!r}")
            m.get_zone(self.timezone)
        except m.ValidationError as exc:
            raise ValueError(str(exc)) from None
        return self


class OccurrenceWire(_Wire):
    """One instance of an event in a window: the event (master or override) and its times."""

    event: EventWire
    start: str
    end: str
    recurrence_id: str | None = None


class OccurrenceList(_Wire):
    occurrences: list[OccurrenceWire]
    truncated: bool = Field(default=False, description="true when the window held more")
    zones: dict[ZoneKey, ZoneDefinition] = _zones_field("these occurrences' events use")

    @model_validator(mode="after")
    def _zones_known(self) -> OccurrenceList:
        _check_zones(self.zones)
        return self

    @model_serializer(mode="wrap")
    def _no_empty_zones(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_empty_zones(handler(self))


# --------------------------------------------------------------------------
# Reminder state: fired / snoozed / dismissed, per occurrence and reminder

REMINDER_STATE_NAMESPACE = uuid.UUID("6f1c2b8e-3d4a-5e6f-9a7b-8c9d0e1f2a3b")
MAX_OCCURRENCE_KEY = 1_100
REMINDER_PATTERN = r"^-?\d{1,7}:(notification|email)$"
STATE_RANK = {"fired": 0, "snoozed": 1, "dismissed": 2}


def reminder_state_id(occurrence_key: str, reminder: str, due: datetime) -> str:
    """The id of the state of ``reminder`` (``"<minutes>:<channel>"``) of one occurrence
    (``"<event uid>/<recurrence key or empty>"``) due at ``due``: the same on every
    desktop. The due is part of the identity: when the event moves, its reminder is a
    new one (re-armed), and what was done with the old one stays what it was."""
    at = due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(uuid.uuid5(REMINDER_STATE_NAMESPACE, f"{occurrence_key}#{reminder}#{at}"))


class ReminderStateWire(_Wire):
    """What a desktop did with one reminder of one occurrence (never part of the event).

    Times are normalised to UTC. ``version``, ``updated_at`` and ``deleted`` are
    the server's. Two states of the same id merge with :func:`join_reminder_states`.
    """

    id: EventId = Field(description="reminder_state_id(occurrence_key, reminder, due); the "
                                    "server recomputes it and answers 400 if it differs")
    occurrence_key: Annotated[str, StringConstraints(min_length=1,
                                                     max_length=MAX_OCCURRENCE_KEY)] = Field(
        description='"<event uid>/<recurrence key or empty>"')
    reminder: Annotated[str, StringConstraints(pattern=REMINDER_PATTERN, max_length=30)] = Field(
        description='"<minutes before>:<channel>", e.g. "15:notification"')
    state: Literal["fired", "snoozed", "dismissed"]
    due: AwareDatetime = Field(description="the reminder's due instant")
    snoozed_until: AwareDatetime | None = None
    changed_at: AwareDatetime = Field(description="when the desktop set this state "
                                                  "(its clock)")
    version: int = Field(default=0, ge=0, description="server-assigned; ignored on input")
    updated_at: datetime | None = Field(default=None, description="server-assigned")
    deleted: bool = Field(default=False, description="server-assigned")

    @field_validator("due", "snoozed_until", "changed_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        _check_year(value.year)
        return value.astimezone(UTC)

    def content(self) -> dict[str, Any]:
        """The client-owned fields (what a join decides and what the server compares)."""
        return self.model_dump(mode="json", exclude={"version", "updated_at", "deleted"})


def _join_key(s: ReminderStateWire) -> tuple[Any, ...]:
    never = datetime.min.replace(tzinfo=UTC)
    return (STATE_RANK[s.state], s.changed_at, s.snoozed_until or never, s.due,
            s.occurrence_key, s.reminder, s.id.lower(), s.deleted, s.version,
            s.updated_at.astimezone(UTC) if s.updated_at is not None else never)


def join_reminder_states(a: ReminderStateWire, b: ReminderStateWire) -> ReminderStateWire:
    """The merge of two states of one reminder (one id: one occurrence, one reminder, one
    due): commutative, associative, idempotent (the larger of a total order).

    Dismissed beats snoozed beats fired; between two states of the same kind the
    later ``changed_at`` wins (the later snooze); remaining ties are broken by a
    fixed order of the other fields, so every replica picks the same. A desktop
    that slept through a reminder and records it as fired after another one
    dismissed it therefore ends with it dismissed, like every other desktop.

    Moving the event gives its reminder a new due and so a new id
    (:func:`reminder_state_id`): a dismissal is never undone by a state of
    another due, and never keeps a moved event from reminding.
    """
    return a if _join_key(a) >= _join_key(b) else b


class ReminderStateBatchRequest(_Wire):
    """Many reminder states at once; the server joins each with what it has."""

    items: list[ReminderStateWire] = Field(min_length=1, max_length=MAX_BATCH)


class ReminderStateResult(_Wire):
    id: str
    status: int = Field(description="201 new, 200 stored (changed by the join or already "
                                    "the same), 400 invalid")
    version: int | None = None
    item: ReminderStateWire | None = Field(default=None,
                                           description="the state as stored after the join")
    detail: str | None = None


class ReminderStateBatchResponse(_Wire):
    results: list[ReminderStateResult]


class SyncPage(_Wire):
    """Changes since a cursor, in change order (one cursor covers every kind),
    tombstones included."""

    calendars: list[CalendarWire]
    events: list[EventWire]
    reminder_states: list[ReminderStateWire] = Field(default_factory=list)
    cursor: str = Field(description="pass back as ?cursor= to continue")
    has_more: bool
    server_time: AwareDatetime = Field(description="the server's clock when it answered")
    zones: dict[ZoneKey, ZoneDefinition] = _zones_field("this page's events use")

    @model_validator(mode="after")
    def _zones_known(self) -> SyncPage:
        _check_zones(self.zones)
        return self

    @model_serializer(mode="wrap")
    def _no_empty_zones(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_empty_zones(handler(self))


class BatchDelete(_Wire):
    """One deletion in a batch: ``DELETE /events/{id}`` with ``If-Match: <if_match>``."""

    id: EventId
    if_match: int | None = Field(default=None, ge=0, description=(
        "the version being deleted (as If-Match); absent: delete whatever is stored"))


class BatchRequest(_Wire):
    """Many event writes at once (≤ 100 items in all), processed in the order given:
    ``events`` in their order, then ``deletes`` in theirs.

    An event whose id is in ``if_match`` is an update based on that version (as
    ``PUT /events/{id}`` with ``If-Match``); any other event is created if absent (as
    ``If-None-Match: *``). Retries of the same write succeed (200, 204)."""

    events: list[EventWire] = Field(default_factory=list, max_length=MAX_BATCH)
    if_match: dict[EventId, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, max_length=MAX_BATCH,
        description="event id -> the version the update is based on; each id must be in "
                    "events")
    deletes: list[BatchDelete] = Field(default_factory=list, max_length=MAX_BATCH)
    zones: dict[ZoneKey, ZoneDefinition] = _zones_field(
        "these events use (a zone already sent before may be left out)")

    @model_serializer(mode="wrap")
    def _no_empty_zones(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_empty_zones(handler(self))

    @model_validator(mode="after")
    def _items(self) -> BatchRequest:
        _check_zones(self.zones)
        count = len(self.events) + len(self.deletes)
        if not 1 <= count <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} events and deletes in all, "
                             f"not {count}")
        ids = {e.id.lower() for e in self.events}
        stray = sorted(k for k in self.if_match if k.lower() not in ids)
        if stray:
            raise ValueError(f"if_match names an event that is not in events: {stray[0]}")
        return self


class BatchItemResult(_Wire):
    id: str
    status: int = Field(description="201 created, 200 updated or already there with this "
                                    "content, 204 deleted (or already), 404 no such event "
                                    "(an update or a delete), 412 exists with other content "
                                    "or changed since the version given (current holds it), "
                                    "400 invalid")
    version: int | None = None
    detail: str | None = None
    current: EventWire | None = None


class BatchResponse(_Wire):
    results: list[BatchItemResult]


class PasswordPolicy(_Wire):
    """The user pool's password rules (what Cognito enforces at sign-up and reset)."""

    min_length: int = Field(ge=6, le=99)
    require_lowercase: bool
    require_uppercase: bool
    require_numbers: bool
    require_symbols: bool


class ServerConfig(_Wire):
    """What a client needs to sign in (GET /config, no authentication)."""

    region: str
    user_pool_id: str
    client_id: str
    cognito_endpoint: str = Field(
        description="where to send Cognito API calls: https://cognito-idp.<region>.amazonaws.com "
                    "in AWS, the stack's own URL in the local stack")
    password_policy: PasswordPolicy
    api_version: str = "1"


class AccountDeletion(_Wire):
    """DELETE /me answers 202 with this while items remain: call it again."""

    done: bool = False


class Problem(BaseModel):
    """An RFC 9457 problem document (application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


# --------------------------------------------------------------------------
# Conversions against the core model


def event_to_wire(
    event: m.Event,
    *,
    version: int = 0,
    updated_at: datetime | None = None,
    created_at: datetime | None = None,
    deleted: bool = False,
) -> EventWire:
    """The wire form of a core event."""
    all_day, tz = _kind(event.start)
    return EventWire(
        id=event.id,
        uid=event.uid,
        calendar_id=event.calendar_id,
        title=event.title,
        location=event.location,
        notes=event.notes,
        status=event.status.value,
        start=format_time(event.start),
        end=format_time(event.end),
        timezone=tz,
        all_day=all_day,
        rrule=event.rrule,
        exdates=[format_time(t) for t in event.exdates],
        rdates=[format_time(t) for t in event.rdates],
        recurrence_id=None if event.recurrence_id is None else format_time(event.recurrence_id),
        reminders=[ReminderWire(minutes_before=r.minutes_before, channel=r.channel)
                   for r in event.reminders],
        ical_extra=list(event.extra),
        version=version,
        created_at=created_at if created_at is not None else event.created,
        updated_at=updated_at if updated_at is not None else event.updated,
        deleted=deleted,
    )


def event_from_wire(w: EventWire) -> m.Event:
    """The core event a wire event describes.

    Raises :class:`aurora_core.model.ValidationError` when the times do not
    fit the event's kind. It does not run ``Event.validate()``: call it.
    """
    def t(text: str) -> m.EventTime:
        return parse_time(text, all_day=w.all_day, timezone=w.timezone)

    now = datetime.now(UTC).replace(microsecond=0)
    return m.Event(
        id=w.id,
        uid=w.uid or w.id,
        calendar_id=w.calendar_id,
        title=w.title,
        start=t(w.start),
        end=t(w.end),
        location=w.location,
        notes=w.notes,
        status=m.EventStatus(w.status),
        rrule=w.rrule,
        exdates=tuple(t(x) for x in w.exdates),
        rdates=tuple(t(x) for x in w.rdates),
        recurrence_id=None if w.recurrence_id is None else t(w.recurrence_id),
        reminders=tuple(m.Reminder(r.minutes_before, r.channel) for r in w.reminders),
        created=w.created_at or now,
        updated=w.updated_at or now,
        extra=tuple(w.ical_extra),
    )


def calendar_to_wire(
    cal: m.Calendar,
    *,
    version: int = 0,
    updated_at: datetime | None = None,
    created_at: datetime | None = None,
    deleted: bool = False,
    source_url: str | None = None,
) -> CalendarWire:
    return CalendarWire(id=cal.id, name=cal.name, color=cal.color, visible=cal.visible,
                        read_only=cal.read_only, version=version, updated_at=updated_at,
                        created_at=created_at, deleted=deleted, source_url=source_url)


def calendar_from_wire(w: CalendarWire) -> m.Calendar:
    return m.Calendar(id=w.id, name=w.name, color=w.color, visible=w.visible,
                      read_only=w.read_only)
