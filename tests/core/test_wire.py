"""The wire format (aurora_core.wire): what the desktop client and the server both speak."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from aurora_core import wire
from aurora_core.model import (
    AllDayDate,
    Event,
    FloatingTime,
    Reminder,
    ValidationError,
    ZonedTime,
)
from tests.helpers.times import zoned

BERLIN = "Europe/Berlin"


def test_a_zoned_series_with_overrides_fields_round_trips() -> None:
    master = Event.new("work", "Standup", zoned(2026, 3, 27, 9), zoned(2026, 3, 27, 9, 15),
                       rrule="FREQ=DAILY;COUNT=5", exdates=(zoned(2026, 3, 28, 9),),
                       rdates=(zoned(2026, 4, 5, 10),),
                       reminders=(Reminder(10, "email"), Reminder(0)))
    w = wire.event_to_wire(master, version=3)
    assert w.start == "2026-03-27T09:00:00+01:00" and w.timezone == BERLIN
    assert w.rdates == ["2026-04-05T10:00:00+02:00"]  # summer time after the change
    back = wire.event_from_wire(wire.EventWire.model_validate_json(w.model_dump_json()))
    assert back.start == master.start and back.exdates == master.exdates
    assert back.rdates == master.rdates and back.reminders == master.reminders
    assert back.rrule == master.rrule and back.uid == master.uid


def test_all_day_and_floating_events_round_trip() -> None:
    allday = Event.new("home", "Holiday", AllDayDate(date(2026, 12, 24)),
                       AllDayDate(date(2026, 12, 27)))
    w = wire.event_to_wire(allday)
    assert (w.all_day, w.timezone, w.start, w.end) == (True, None, "2026-12-24", "2026-12-27")
    assert wire.event_from_wire(w).start == allday.start
    floating = Event.new("home", "Pills", FloatingTime(datetime(2026, 1, 1, 8)),
                         FloatingTime(datetime(2026, 1, 1, 8, 5)))
    w = wire.event_to_wire(floating)
    assert (w.all_day, w.timezone, w.start) == (False, None, "2026-01-01T08:00:00")
    assert wire.event_from_wire(w).start == floating.start


def test_an_override_carries_its_recurrence_id() -> None:
    master = Event.new("work", "Standup", zoned(2026, 5, 4, 9), zoned(2026, 5, 4, 10),
                       rrule="FREQ=WEEKLY")
    ov = Event.new("work", "Standup (moved)", zoned(2026, 5, 11, 11), zoned(2026, 5, 11, 12),
                   recurrence_id=zoned(2026, 5, 11, 9)).replace(uid=master.uid)
    w = wire.event_to_wire(ov)
    assert w.recurrence_id == "2026-05-11T09:00:00+02:00" and w.uid == master.uid
    assert wire.event_from_wire(w).recurrence_id == ov.recurrence_id


@pytest.mark.parametrize(("fields", "message"), [
    ({"start": "2026-11-25T09:00:00", "end": "2026-11-25T10:00:00"}, "needs an offset"),
    ({"timezone": None}, "has an offset"),
    ({"all_day": True}, "time zone"),
    ({"all_day": True, "timezone": None}, "not a date"),
    ({"timezone": "Mars/Base"}, "unknown time zone"),
    ({"start": "1800-01-01T00:00:00+00:00"}, "outside"),
    ({"exdates": ["2026-11-25"]}, "ISO 8601"),
])
def test_times_that_do_not_fit_the_kind_are_refused(fields: dict[str, object],
                                                     message: str) -> None:
    base = {"id": "6f1c2c2e-8f7e-4a59-9f53-0c1b2a3d4e5f", "calendar_id": "work",
            "start": "2026-11-25T09:00:00+01:00", "end": "2026-11-25T10:00:00+01:00",
            "timezone": BERLIN}
    with pytest.raises(PydanticValidationError, match=message):
        wire.EventWire.model_validate({**base, **fields})


def test_server_fields_do_not_count_as_content() -> None:
    w = wire.event_to_wire(Event.new("c", "t", zoned(2026, 1, 1, 9), zoned(2026, 1, 1, 10)))
    later = w.model_copy(update={"version": 9, "updated_at": datetime.now(UTC)})
    assert w.content() == later.content()


def test_core_validation_still_applies_after_parsing() -> None:
    w = wire.EventWire(id="6f1c2c2e-8f7e-4a59-9f53-0c1b2a3d4e5f", calendar_id="c",
                       start="2026-11-25T10:00:00+01:00", end="2026-11-25T09:00:00+01:00",
                       timezone=BERLIN)
    with pytest.raises(ValidationError, match="ends before"):
        wire.event_from_wire(w).validate()


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2150, 1, 1)),
       st.sampled_from([BERLIN, "America/New_York", "Pacific/Apia", "Australia/Sydney",
                        "Asia/Kathmandu", "UTC"]),
       st.integers(min_value=0, max_value=60 * 24 * 3))
def test_zoned_instants_survive_the_wire(wall: datetime, tz: str, minutes: int) -> None:
    start = ZonedTime.from_local(wall.replace(microsecond=0), tz)
    end = ZonedTime(start.at + timedelta(minutes=minutes), tz)
    w = wire.event_to_wire(Event.new("c", "t", start, end))
    back = wire.event_from_wire(wire.EventWire.model_validate_json(w.model_dump_json()))
    assert back.start == start and back.end == end
