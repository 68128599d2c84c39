"""Fifty quick-add phrases and what each must give (docs/quickadd.md).

Read at NOW (Wednesday 2 December 2026, 17:00 in Europe/Paris) with a
day-month-year locale whose week starts on Monday. ``start``/``end`` are wall
times in ``zone`` ("YYYY-MM-DDTHH:MM"), or dates for an all-day event (the end
date exclusive, as in iCalendar); ``rrule`` is the rule expected; ``None`` as
the whole expectation means the text must be refused.

Used by bench/quickadd_compare.py (the library comparison) and by
tests/core/test_quickadd.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

ZONE = "Europe/Paris"
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=ZoneInfo(ZONE))


class Expect(TypedDict, total=False):
    title: str
    start: str
    end: str
    zone: str
    rrule: str


PHRASES: list[tuple[str, Expect | None]] = [
    # --- the examples
    ("Lunch with Anna tomorrow at 1pm",
     {"title": "Lunch with Anna", "start": "2026-12-03T13:00", "end": "2026-12-03T14:00"}),
    ("Dentist on Friday at 3pm for 45 minutes",
     {"title": "Dentist", "start": "2026-12-04T15:00", "end": "2026-12-04T15:45"}),
    ("Standup every weekday at 9:30",
     {"title": "Standup", "start": "2026-12-03T09:30", "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"}),
    ("Team offsite 12–14 March",
     {"title": "Team offsite", "start": "2027-03-12", "end": "2027-03-15"}),
    ("Call Bob at 16:00 in New York time",
     {"title": "Call Bob", "start": "2026-12-02T16:00", "zone": "America/New_York"}),
    # --- one time, one date
    ("Coffee with Sam at 10am", {"title": "Coffee with Sam", "start": "2026-12-03T10:00"}),
    ("Meeting at 18:30", {"title": "Meeting", "start": "2026-12-02T18:30"}),
    ("Haircut next Tuesday at 11:15", {"title": "Haircut", "start": "2026-12-08T11:15"}),
    ("Board meeting on 14 January at 9am", {"title": "Board meeting", "start": "2027-01-14T09:00"}),
    ("Birthday party 19 December",
     {"title": "Birthday party", "start": "2026-12-19", "end": "2026-12-20"}),
    ("Review 3/4 at 10am", {"title": "Review", "start": "2027-04-03T10:00"}),
    ("Project kickoff 2027-01-11 at 14:00", {"title": "Project kickoff", "start": "2027-01-11T14:00"}),
    ("Dinner tonight at 8pm", {"title": "Dinner", "start": "2026-12-02T20:00"}),
    ("Flight to Rome on Saturday at 6:45am", {"title": "Flight to Rome", "start": "2026-12-05T06:45"}),
    ("Call mum in 2 days at 5pm", {"title": "Call mum", "start": "2026-12-04T17:00"}),
    ("Planning Monday next week at 10am", {"title": "Planning", "start": "2026-12-07T10:00"}),
    ("Doctor appointment on December 15 at 4:30pm",
     {"title": "Doctor appointment", "start": "2026-12-15T16:30"}),
    ("Lunch at noon on Friday", {"title": "Lunch", "start": "2026-12-04T12:00"}),
    ("Release party on the 18th at 8pm", {"title": "Release party", "start": "2026-12-18T20:00"}),
    ("Submit report by Friday", {"title": "Submit report", "start": "2026-12-04", "end": "2026-12-05"}),
    ("New Year's party 31/12 at 9pm", {"title": "New Year's party", "start": "2026-12-31T21:00"}),
    ("Train at 07:05 on Thursday", {"title": "Train", "start": "2026-12-03T07:05"}),
    ("Movie night this Saturday 8pm", {"title": "Movie night", "start": "2026-12-05T20:00"}),
    ("Call the bank in 3 hours", {"title": "Call the bank", "start": "2026-12-02T20:00"}),
    # --- ranges and lengths
    ("Sync 2-3pm tomorrow", {"title": "Sync", "start": "2026-12-03T14:00", "end": "2026-12-03T15:00"}),
    ("Workshop tomorrow from 9am to 12pm",
     {"title": "Workshop", "start": "2026-12-03T09:00", "end": "2026-12-03T12:00"}),
    ("Parents evening 10 December 6:30pm-8pm",
     {"title": "Parents evening", "start": "2026-12-10T18:30", "end": "2026-12-10T20:00"}),
    ("Christmas dinner 25 Dec at 7pm for 3 hours",
     {"title": "Christmas dinner", "start": "2026-12-25T19:00", "end": "2026-12-25T22:00"}),
    ("Conference from 5 May to 8 May",
     {"title": "Conference", "start": "2027-05-05", "end": "2027-05-09"}),
    ("Holiday 23 Dec - 2 Jan", {"title": "Holiday", "start": "2026-12-23", "end": "2027-01-03"}),
    ("Ski trip Friday to Monday", {"title": "Ski trip", "start": "2026-12-04", "end": "2026-12-08"}),
    ("Vacation for 5 days from 21 December",
     {"title": "Vacation", "start": "2026-12-21", "end": "2026-12-26"}),
    # --- zones
    ("Standup at 9:15 in London time tomorrow",
     {"title": "Standup", "start": "2026-12-03T09:15", "zone": "Europe/London"}),
    ("Interview 11am PST on Monday",
     {"title": "Interview", "start": "2026-12-07T11:00", "zone": "America/Los_Angeles"}),
    ("Webinar 3pm Tokyo time on 10 December",
     {"title": "Webinar", "start": "2026-12-10T15:00", "zone": "Asia/Tokyo"}),
    # --- repeats
    ("Gym every monday and wednesday at 7am",
     {"title": "Gym", "start": "2026-12-07T07:00", "rrule": "FREQ=WEEKLY;BYDAY=MO,WE"}),
    ("Yoga every Thursday at 6pm",
     {"title": "Yoga", "start": "2026-12-03T18:00", "rrule": "FREQ=WEEKLY;BYDAY=TH"}),
    ("Pay rent on the 1st of every month",
     {"title": "Pay rent", "start": "2027-01-01", "end": "2027-01-02",
      "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}),
    ("Book club first thursday of every month at 7pm",
     {"title": "Book club", "start": "2026-12-03T19:00", "rrule": "FREQ=MONTHLY;BYDAY=1TH"}),
    ("Water the plants every day at 8am",
     {"title": "Water the plants", "start": "2026-12-03T08:00", "rrule": "FREQ=DAILY"}),
    ("Team sync every other friday at 11am",
     {"title": "Team sync", "start": "2026-12-04T11:00",
      "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;WKST=MO"}),
    ("Anniversary dinner every year on 20 June",
     {"title": "Anniversary dinner", "start": "2027-06-20", "end": "2027-06-21",
      "rrule": "FREQ=YEARLY"}),
    ("Run every Saturday at 7:30am until 27 February",
     {"title": "Run", "start": "2026-12-05T07:30", "rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270227"}),
    ("Piano lesson every Tuesday at 5pm for 10 times",
     {"title": "Piano lesson", "start": "2026-12-08T17:00", "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=10"}),
    ("Catch-up with Lee weekly on Wednesdays at 3pm",
     {"title": "Catch-up with Lee", "start": "2026-12-09T15:00", "rrule": "FREQ=WEEKLY;BYDAY=WE"}),
    ("Budget review every 2 weeks on Monday at 10am",
     {"title": "Budget review", "start": "2026-12-07T10:00",
      "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=MO"}),
    ("Quarterly review every 3 months on the 15th at 10am",
     {"title": "Quarterly review", "start": "2026-12-15T10:00", "rrule": "FREQ=MONTHLY;INTERVAL=3"}),
    # --- refused
    ("", None),
    ("asdf qwerty", None),
    ("!!! ???", None),
]
