"""Stored items and wire models, one into the other."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError as PydanticValidationError

from aurora_cloud.errors import InvalidInput
from aurora_cloud.storage import Stored
from aurora_core import custom_zones, wire
from aurora_core.model import Event, ValidationError


def stored_event(s: Stored) -> wire.EventWire:
    return wire.EventWire.model_validate({
        **s.doc, "version": s.version, "created_at": s.created_at,
        "updated_at": s.updated_at, "deleted": s.deleted})


def stored_calendar(s: Stored) -> wire.CalendarWire:
    return wire.CalendarWire.model_validate({
        **s.doc, "version": s.version, "created_at": s.created_at,
        "updated_at": s.updated_at, "deleted": s.deleted})


def stored_reminder_state(s: Stored) -> wire.ReminderStateWire:
    return wire.ReminderStateWire.model_validate({
        **s.doc, "version": s.version, "updated_at": s.updated_at, "deleted": s.deleted})


def to_core(w: wire.EventWire) -> Event:
    """The core event of a wire event, fully validated (raises InvalidInput)."""
    try:
        event = wire.event_from_wire(w)
        event.validate()
    except ValidationError as exc:
        raise InvalidInput(str(exc)) from None
    return event


def to_core_quiet(s: Stored) -> Event | None:
    """The core event of a stored item, or None if it no longer validates."""
    try:
        return wire.event_from_wire(stored_event(s))
    except (ValidationError, PydanticValidationError, ValueError):
        return None


def zone_definitions(events: Sequence[wire.EventWire]) -> dict[str, str]:
    """The definitions of the zones files defined that ``events`` use (those that can be
    found: the page still goes out without one that cannot)."""
    out: dict[str, str] = {}
    for name in {e.timezone for e in events if e.timezone and custom_zones.is_custom(e.timezone)}:
        try:
            out[name] = custom_zones.definition(name)
        except ValidationError:
            continue
    return out
