"""Realistic calendar data for screenshots and UI benchmarks (not a test)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from aurora_core.model import AllDayDate, Calendar, Event, Reminder, ZonedTime, new_id
from aurora_desktop.store import Store


def _zt(d: date, h: int, m: int, tz: str) -> ZonedTime:
    return ZonedTime.from_local(datetime.combine(d, time(h, m)), tz)


def fill_demo(store: Store, today: date, tz: str) -> dict[str, str]:
    """Two calendars of a plausible working life around ``today``. Returns calendar ids."""
    work = store.default_calendar()
    store.put_calendar(Calendar(work.id, "Work", "#3b82f6"))
    home = Calendar(new_id(), "Family", "#10b981")
    store.put_calendar(home)
    sport = Calendar(new_id(), "Sport", "#f97316")
    store.put_calendar(sport)
    monday = today - timedelta(days=today.weekday())
    evs: list[Event] = []

    def ev(cal: str, title: str, d: date, h: int, m: int, dur_min: int, **kw: object) -> None:
        s = _zt(d, h, m, tz)
        evs.append(Event.new(cal, title, s, ZonedTime(s.at + timedelta(minutes=dur_min), tz),
                             **kw))

    # recurring
    evs.append(Event.new(work.id, "Team stand-up", _zt(monday - timedelta(weeks=8), 9, 30, tz),
                         _zt(monday - timedelta(weeks=8), 9, 45, tz),
                         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", location="Room Aurora",
                         reminders=(Reminder(5),)))
    evs.append(Event.new(work.id, "1:1 with Dana", _zt(monday - timedelta(weeks=6) +
                                                         timedelta(days=1), 14, 0, tz),
                         _zt(monday - timedelta(weeks=6) + timedelta(days=1), 14, 30, tz),
                         rrule="FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"))
    evs.append(Event.new(sport.id, "Running club", _zt(monday - timedelta(weeks=10) +
                                                         timedelta(days=3), 18, 30, tz),
                         _zt(monday - timedelta(weeks=10) + timedelta(days=3), 19, 45, tz),
                         rrule="FREQ=WEEKLY;BYDAY=TH", location="Riverside park"))
    evs.append(Event.new(home.id, "Piano lesson (Mia)", _zt(monday - timedelta(weeks=4) +
                                                              timedelta(days=2), 16, 30, tz),
                         _zt(monday - timedelta(weeks=4) + timedelta(days=2), 17, 15, tz),
                         rrule="FREQ=WEEKLY;BYDAY=WE"))
    evs.append(Event.new(work.id, "Sprint review", _zt(monday - timedelta(weeks=4) +
                                                         timedelta(days=4), 15, 0, tz),
                         _zt(monday - timedelta(weeks=4) + timedelta(days=4), 16, 0, tz),
                         rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"))
    # this week: overlaps
    ev(work.id, "Design review: reminders", monday + timedelta(days=0), 11, 0, 90,
       location="Zoom")
    ev(work.id, "Lunch with Sam", monday + timedelta(days=0), 12, 30, 60, location="Café Nord")
    ev(home.id, "Dentist", monday + timedelta(days=0), 11, 30, 45, location="Dr. Okafor")
    ev(work.id, "Architecture sync", monday + timedelta(days=1), 10, 0, 60)
    ev(work.id, "Hiring panel", monday + timedelta(days=1), 10, 30, 90)
    ev(work.id, "Customer call — Northwind", monday + timedelta(days=1), 11, 0, 45)
    ev(work.id, "Focus time", monday + timedelta(days=2), 13, 0, 180)
    ev(home.id, "Parents' evening", monday + timedelta(days=2), 19, 0, 90,
       location="Oakfield School")
    ev(work.id, "Quarterly planning", monday + timedelta(days=3), 13, 30, 150,
       location="Board room")
    ev(sport.id, "Swim", monday + timedelta(days=5), 8, 0, 60)
    ev(home.id, "Dinner with the Garcias", monday + timedelta(days=5), 19, 30, 150)
    ev(home.id, "Farmers market", monday + timedelta(days=6), 10, 0, 90)
    ev(work.id, "Release train", monday + timedelta(days=4), 10, 0, 60)
    ev(work.id, "Call with Tokyo office", monday + timedelta(days=3), 8, 0, 45,
       location="Teams")
    # all-day and multi-day
    evs.append(Event.new(home.id, "Grandma's birthday", AllDayDate(monday + timedelta(days=3)),
                         AllDayDate(monday + timedelta(days=4)), rrule="FREQ=YEARLY"))
    evs.append(Event.new(work.id, "Conference: QtCon", AllDayDate(monday + timedelta(days=8)),
                         AllDayDate(monday + timedelta(days=11)), location="Berlin"))
    evs.append(Event.new(home.id, "Ski trip", AllDayDate(monday + timedelta(days=17)),
                         AllDayDate(monday + timedelta(days=23))))
    evs.append(Event.new(work.id, "On call", AllDayDate(monday + timedelta(days=4)),
                         AllDayDate(monday + timedelta(days=7))))
    # the rest of the month(s)
    rnd = random.Random(7)
    titles = [(work.id, "Roadmap workshop"), (work.id, "Interview"), (home.id, "Vet"),
              (work.id, "Budget review"), (home.id, "School play"), (sport.id, "Yoga"),
              (work.id, "Vendor demo"), (home.id, "Haircut"), (work.id, "Offsite prep"),
              (home.id, "Book club"), (sport.id, "Climbing")]
    for i in range(-35, 42):
        d = today + timedelta(days=i)
        if -2 <= (d - monday).days <= 8:
            continue
        for _ in range(rnd.choice([0, 1, 1, 2])):
            cal, title = rnd.choice(titles)
            ev(cal, title, d, rnd.choice([9, 10, 11, 14, 15, 16, 19]), rnd.choice([0, 30]),
               rnd.choice([30, 60, 60, 90]))
    store.put_events(evs)
    return {"work": work.id, "family": home.id, "sport": sport.id}


def fill_bulk(store: Store, n: int = 10_000, series: int = 500, center: date | None = None,
              tz: str = "Europe/Berlin", seed: int = 1) -> None:
    """``n`` events (``series`` of them recurring) spread over two years around ``center``."""
    center = center or date.today()
    rnd = random.Random(seed)
    cal_ids = [store.default_calendar().id]
    for name, color in (("Team", "#8b5cf6"), ("Home", "#10b981")):
        c = Calendar(new_id(), name, color)
        store.put_calendar(c)
        cal_ids.append(c.id)
    rules = ["FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=MONTHLY", "FREQ=DAILY;COUNT=30",
             "FREQ=WEEKLY;INTERVAL=2", "FREQ=YEARLY", "FREQ=DAILY;INTERVAL=3;COUNT=50"]
    evs = []
    for i in range(n):
        d = center + timedelta(days=rnd.randint(-365, 365))
        cal = rnd.choice(cal_ids)
        if i % 20 == 0:
            evs.append(Event.new(cal, f"All-day {i}", AllDayDate(d),
                                 AllDayDate(d + timedelta(days=rnd.choice([1, 1, 2, 3])))))
            continue
        s = _zt(d, rnd.randint(7, 19), rnd.choice([0, 15, 30, 45]), tz)
        e = ZonedTime(s.at + timedelta(minutes=rnd.choice([30, 45, 60, 90, 120])), tz)
        kw: dict[str, object] = {}
        if i < series:
            kw["rrule"] = rnd.choice(rules)
        evs.append(Event.new(cal, f"Event {i} {rnd.choice(['sync', 'review', 'call', 'lunch'])}",
                             s, e, location=rnd.choice(["", "", "Room 4", "Zoom"]), **kw))
    store.put_events(evs)
