"""aurora_core.reminders: which reminders of an occurrence fall due, per channel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aurora_core.model import (
    AllDayDate,
    Event,
    EventStatus,
    FloatingTime,
    Occurrence,
    Reminder,
    ZonedTime,
    get_zone,
)
from aurora_core.recurrence import expand
from aurora_core.reminders import DueAt, channel_minutes, due_reminders

START = ZonedTime(datetime(2026, 3, 10, 14, tzinfo=UTC), "America/New_York")
REMINDERS = (Reminder(15), Reminder(60, "email"), Reminder(15), Reminder(-5),
             Reminder(1440, "email"))


def occurrence(**kw: object) -> Occurrence:
    ev = Event.new("cal", "Review", START, ZonedTime(START.at + timedelta(hours=1), START.tz),
                   reminders=REMINDERS).replace(**kw)
    return Occurrence(ev, ev.start, ev.end, None)


def test_each_channel_gets_its_own_reminders_once_in_the_events_order() -> None:
    occ = occurrence()
    assert due_reminders(occ, "notification", UTC) == [
        DueAt(Reminder(15), START.at - timedelta(minutes=15)),
        DueAt(Reminder(-5), START.at + timedelta(minutes=5)),  # after the start
    ]
    assert due_reminders(occ, "email", UTC) == [
        DueAt(Reminder(60, "email"), START.at - timedelta(hours=1)),
        DueAt(Reminder(1440, "email"), START.at - timedelta(days=1)),
    ]


def test_a_cancelled_event_reminds_nobody() -> None:
    occ = occurrence(status=EventStatus.CANCELLED)
    assert due_reminders(occ, "notification", UTC) == []
    assert due_reminders(occ, "email", UTC) == []


def test_after_keeps_only_those_due_strictly_later() -> None:
    occ = occurrence()
    hour_before = START.at - timedelta(hours=1)
    assert [d.reminder for d in due_reminders(occ, "email", UTC, after=hour_before)] == []
    assert [d.reminder for d in due_reminders(occ, "email", UTC,
                                              after=hour_before - timedelta(seconds=1))] == [
        Reminder(60, "email")]


def test_all_day_and_floating_starts_are_read_in_the_users_zone() -> None:
    berlin = get_zone("Europe/Berlin")
    day = Event.new("cal", "Birthday", AllDayDate(date(2026, 7, 1)), AllDayDate(date(2026, 7, 2)),
                    reminders=(Reminder(60),))
    (due,) = due_reminders(Occurrence(day, day.start, day.end, None), "notification", berlin)
    assert due.at == datetime(2026, 6, 30, 23, tzinfo=berlin)
    wall = Event.new("cal", "Pills", FloatingTime(datetime(2026, 7, 1, 8)),
                     FloatingTime(datetime(2026, 7, 1, 8, 5)), reminders=(Reminder(0),))
    (due,) = due_reminders(Occurrence(wall, wall.start, wall.end, None), "notification", berlin)
    assert due.at == datetime(2026, 7, 1, 8, tzinfo=berlin)


def test_a_series_reminds_on_its_wall_clock_across_dst() -> None:
    """A daily 09:00 New York meeting reminds at 08:45 New York time on both sides of the
    switch to summer time (13:45 UTC, then 12:45 UTC)."""
    ny = get_zone("America/New_York")
    start = ZonedTime.from_local(datetime(2026, 3, 7, 9), "America/New_York")
    master = Event.new("cal", "Daily", start, ZonedTime(start.at + timedelta(minutes=30),
                                                        start.tz),
                       rrule="FREQ=DAILY;COUNT=3", reminders=(Reminder(15),))
    occs = expand(master, (), datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC),
                  UTC)
    dues = [d.at for o in occs for d in due_reminders(o, "notification", UTC)]
    assert [d.astimezone(ny).strftime("%d %H:%M") for d in dues] == [
        "07 08:45", "08 08:45", "09 08:45"]
    assert [d.astimezone(UTC).hour for d in dues] == [13, 12, 12]


def test_channel_minutes() -> None:
    ev = occurrence().event
    assert channel_minutes([ev, ev.replace(reminders=(Reminder(30, "email"),))], "email") == [
        60, 1440, 30]
    assert channel_minutes([ev], "notification") == [15, 15, -5]
