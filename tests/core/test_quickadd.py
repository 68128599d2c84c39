"""Quick add: phrases -> events (aurora_core.quickadd), at a fixed `now`."""

from __future__ import annotations

import runpy
import socket
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aurora_core.model import AllDayDate, Event, ZonedTime
from aurora_core.quickadd import MAX_TEXT, LocaleInfo, QuickAdd, locale_from_name, parse

_DATA = runpy.run_path(str(Path(__file__).parents[2] / "bench" / "quickadd_phrases.py"))
PHRASES: list[tuple[str, dict[str, str] | None]] = _DATA["PHRASES"]
NOW: datetime = _DATA["NOW"]
ZONE = "Europe/Paris"
UK = LocaleInfo(date_order="DMY", first_weekday=1, h24=True)
US = LocaleInfo(date_order="MDY", first_weekday=7, h24=False)


def qa(text: str, loc: LocaleInfo = UK, now: datetime = NOW, zone: str = ZONE) -> QuickAdd:
    return parse(text, now=now, zone=zone, locale=loc)


def wall(t: Any) -> str:
    if isinstance(t, AllDayDate):
        return t.day.isoformat()
    assert isinstance(t, ZonedTime)
    return t.local.strftime("%Y-%m-%dT%H:%M")


def test_the_phrase_list_has_fifty_phrases() -> None:
    assert len(PHRASES) == 50
    assert len({p for p, _ in PHRASES}) == 50


@pytest.mark.parametrize(("text", "expect"), PHRASES, ids=[p or "(empty)" for p, _ in PHRASES])
def test_phrase(text: str, expect: dict[str, str] | None) -> None:
    r = qa(text)
    if expect is None:
        assert not r.ok and r.error
        return
    assert r.ok, r.error
    assert r.title == expect["title"]
    assert wall(r.start) == expect["start"]
    if "end" in expect:
        assert wall(r.end) == expect["end"]
    elif len(expect["start"]) > 10:  # no end said: one hour, and the preview says so
        assert r.end is not None and r.start is not None
        assert r.end.at - r.start.at == __import__("datetime").timedelta(hours=1)  # type: ignore[union-attr]
        assert any("1 hour" in u for u in r.understood)
    assert r.zone == expect.get("zone", ZONE)
    assert r.rrule == expect.get("rrule")
    # Whatever is understood makes an event the store accepts (the rule included).
    ev = Event.new("cal", r.title, r.start, r.end, rrule=r.rrule)  # type: ignore[arg-type]
    ev.validate()


# ------------------------------------------------------------ locale


def test_day_month_order_follows_the_locale() -> None:
    assert wall(qa("Review 3/4 at 10am", UK).start) == "2027-04-03T10:00"
    assert wall(qa("Review 3/4 at 10am", US).start) == "2027-03-04T10:00"
    assert wall(qa("Party 12/11", US).start) == "2026-12-11"
    assert wall(qa("Party 12/11", UK).start) == "2027-11-12"


def test_first_day_of_the_week_decides_next_week() -> None:
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo(ZONE))
    # Monday-first: this week is Mon 30 Nov - Sun 6 Dec; Sunday-first: Sun 29 Nov - Sat 5 Dec.
    assert wall(qa("Planning next week", UK, saturday).start) == "2026-12-07"
    assert wall(qa("Planning next week", US, saturday).start) == "2026-12-06"
    assert wall(qa("Brunch Sunday next week at 11am", UK, saturday).start) == "2026-12-13T11:00"
    assert wall(qa("Brunch Sunday next week at 11am", US, saturday).start) == "2026-12-06T11:00"


def test_first_day_of_the_week_is_the_fortnightly_rules_wkst() -> None:
    assert qa("Cleaning every other sunday at 10am", UK).rrule == \
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=MO"
    assert qa("Cleaning every other sunday at 10am", US).rrule == \
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=SU"


def test_twelve_hour_locale_shows_am_pm_in_the_preview() -> None:
    r = qa("Lunch tomorrow at 13:00", US)
    assert "1pm" in r.when(h24=False)
    assert any("1pm" in u for u in r.understood)


def test_month_first_locale_says_dates_month_first() -> None:
    r = qa("Review 3/4 at 10am", US)
    assert r.when(h24=False) == "Thu Mar 4, 2027, 10am–11am"
    assert "“3/4” → Thu Mar 4, 2027" in r.understood
    assert qa("Review 3/4 at 10am", UK).when() == "Sat 3 Apr 2027, 10:00–11:00"


def test_locale_from_name() -> None:
    assert locale_from_name("en_US.UTF-8") == LocaleInfo("MDY", 7, False, "en")
    assert locale_from_name("de_DE.UTF-8") == LocaleInfo("DMY", 1, True, "de")
    assert locale_from_name("ja_JP").date_order == "YMD"
    assert locale_from_name("C") == LocaleInfo("DMY", 1, True, "en")


# ------------------------------------------------------------ repeats


@pytest.mark.parametrize(("text", "rule"), [
    ("Standup daily at 9am", "FREQ=DAILY"),
    ("Report weekly on Friday at 4pm", "FREQ=WEEKLY;BYDAY=FR"),
    ("Retro every 3 weeks on Thursday at 2pm", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH;WKST=MO"),
    ("Invoices monthly on the 28th", "FREQ=MONTHLY;BYMONTHDAY=28"),
    ("Review last friday of every month at 3pm", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("Tennis weekends at 9am", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("Swim mondays and fridays at 7am", "FREQ=WEEKLY;BYDAY=MO,FR"),
    ("Check-in every weekday at 9:30 for 2 weeks",
     "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261216"),
    ("Lessons every wednesday at 6pm 5 times", "FREQ=WEEKLY;BYDAY=WE;COUNT=5"),
    ("Fees every year on 1 April", "FREQ=YEARLY"),
    ("Sprint every other friday at 11 until 31 March",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;WKST=MO;UNTIL=20270331"),
])
def test_repeat_phrases_map_to_rrules(text: str, rule: str) -> None:
    r = qa(text)
    assert r.ok, r.error
    assert r.rrule == rule
    Event.new("c", r.title, r.start, r.end, rrule=r.rrule).validate()  # type: ignore[arg-type]


def test_a_series_starts_on_its_first_instance() -> None:
    # Wednesday 17:00: the last Friday of December is the 25th; weekdays start tomorrow.
    assert wall(qa("Review last friday of every month at 3pm").start) == "2026-12-25T15:00"
    assert wall(qa("Standup daily at 9am").start) == "2026-12-03T09:00"
    assert wall(qa("Standup daily at 6pm").start) == "2026-12-02T18:00"


# ------------------------------------------------------------ zones


def test_zone_phrase_gives_the_iana_zone_and_the_local_time() -> None:
    r = qa("Call Bob at 16:00 in New York time")
    assert r.zone == "America/New_York"
    assert isinstance(r.start, ZonedTime) and r.start.tz == "America/New_York"
    assert r.start.local.hour == 16
    assert r.start.at.astimezone(ZoneInfo(ZONE)).hour == 22
    assert any("22:00" in u and "Europe/Paris" in u for u in r.understood)


@pytest.mark.parametrize(("text", "zone"), [
    ("Call at 9am ET tomorrow", "America/New_York"),
    ("Demo 10am in Tokyo time", "Asia/Tokyo"),
    ("Sync 3pm America/Chicago", "America/Chicago"),
    ("Call at 8am in Los Angeles time", "America/Los_Angeles"),
    ("Standup 9:00 UTC", "UTC"),
])
def test_zone_names(text: str, zone: str) -> None:
    assert qa(text).zone == zone


def test_unknown_zone_is_said_not_guessed() -> None:
    r = qa("Meet at 5pm in Narnia time")
    assert r.zone == ZONE
    assert any("Narnia" in n and "no time zone" in n for n in r.not_understood)


def test_lunch_time_is_not_a_zone() -> None:
    r = qa("Lunch time with Ann tomorrow at 1pm")
    assert r.zone == ZONE and r.title == "Lunch time with Ann"
    assert r.not_understood == []


# ------------------------------------------------------------ saying what was not understood


def test_what_is_not_understood_is_listed() -> None:
    r = qa("Lunch 25:00 tomorrow")
    assert any("25:00" in n for n in r.not_understood)
    r = qa("Review March notes tomorrow")
    assert any("March" in n for n in r.not_understood)


def test_assumptions_are_listed() -> None:
    r = qa("Call mum at 3")
    assert wall(r.start) == "2026-12-03T15:00"
    assert any("afternoon assumed" in u for u in r.understood)
    assert any("has passed today" in u for u in r.understood)
    r = qa("Party 19 December")
    assert r.all_day and any("all day" in u for u in r.understood)


def test_numbers_in_titles_are_not_times() -> None:
    r = qa("Buy 2 apples tomorrow")
    assert r.title == "Buy 2 apples" and r.all_day
    r = qa("Room 101 meeting at 10am tomorrow")
    assert r.title == "Room 101 meeting" and wall(r.start) == "2026-12-03T10:00"


def test_bare_weekday_is_today_while_the_time_is_ahead() -> None:
    assert wall(qa("Drinks Wednesday at 8pm").start) == "2026-12-02T20:00"
    assert wall(qa("Drinks Wednesday at 9am").start) == "2026-12-09T09:00"


def test_time_range_across_midnight_and_shared_pm() -> None:
    r = qa("Party tomorrow 10pm-1am")
    assert (wall(r.start), wall(r.end)) == ("2026-12-03T22:00", "2026-12-04T01:00")
    r = qa("Lunch tomorrow 11-1pm")
    assert (wall(r.start), wall(r.end)) == ("2026-12-03T11:00", "2026-12-03T13:00")


def test_dst_gap_time_does_not_crash() -> None:
    r = qa("Early call 28 March 2027 at 2:30am")
    assert r.ok and isinstance(r.start, ZonedTime)


# ------------------------------------------------------------ refusals


@pytest.mark.parametrize("text", ["", "   ", "!!!", "…", "asdf qwerty", "hello world"])
def test_empty_or_meaningless_text_is_refused(text: str) -> None:
    r = qa(text)
    assert not r.ok and r.error and "\n" not in r.error


def test_when_without_what_is_refused() -> None:
    r = qa("tomorrow at 3pm")
    assert not r.ok and r.error is not None and "what the event is" in r.error


def test_overlong_text_is_refused() -> None:
    r = qa("Lunch tomorrow " + "x" * MAX_TEXT)
    assert not r.ok and r.error is not None and str(MAX_TEXT) in r.error


# ------------------------------------------------------------ offline


def test_parsing_uses_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("quick add tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for text, _ in PHRASES:
        qa(text)
    r = parse("Réunion demain à 10:00", now=NOW, zone=ZONE, locale=LocaleInfo(language="fr"))
    assert r.title == "Réunion" and wall(r.start) == "2026-12-03T10:00"


# ------------------------------------------------------------ titles and other forms


@pytest.mark.parametrize(("text", "title", "start", "end"), [
    ("Meeting with John at 3:30pm on Thursday in room 4", "Meeting with John in room 4",
     "2026-12-03T15:30", "2026-12-03T16:30"),
    ("Dinner at Luigi's 7:30pm Saturday", "Dinner at Luigi's", "2026-12-05T19:30", None),
    ("Lunch 1pm-2.30pm tomorrow", "Lunch", "2026-12-03T13:00", "2026-12-03T14:30"),
    ("Meeting 9.30am friday", "Meeting", "2026-12-04T09:30", None),
    ("Party 12.03.", "Party", "2027-03-12", "2027-03-13"),
    ("Party 12.03.2027 at 8pm", "Party", "2027-03-12T20:00", None),
    ("Flight LH123 departs 06:15 on 12/01", "Flight LH123 departs", "2027-01-12T06:15", None),
    ("Trip to Paris 5-9 June", "Trip to Paris", "2027-06-05", "2027-06-10"),
    ("Talk for 1.5 hours tomorrow at 10am", "Talk", "2026-12-03T10:00", "2026-12-03T11:30"),
    ("Talk for 2 hours 30 minutes tomorrow at 10am", "Talk", "2026-12-03T10:00",
     "2026-12-03T12:30"),
    ("Offsite tomorrow all day", "Offsite", "2026-12-03", "2026-12-04"),
    ("Release at midnight on Friday", "Release", "2026-12-04T00:00", None),
    ("Meet 2nd floor at 3pm", "Meet 2nd floor", "2026-12-03T15:00", None),
    ("Read chapter 12 tomorrow", "Read chapter 12", "2026-12-03", "2026-12-04"),
    ("Trip in 2 months", "Trip", "2027-02-02", "2027-02-03"),
    ("Pay 2 invoices by the 15th", "Pay 2 invoices", "2026-12-15", "2026-12-16"),
    ("Pick up May from school at 3pm", "Pick up May from school", "2026-12-03T15:00", None),
])
def test_more_phrases(text: str, title: str, start: str, end: str | None) -> None:
    r = qa(text)
    assert r.ok, r.error
    assert (r.title, wall(r.start)) == (title, start)
    if end is not None:
        assert wall(r.end) == end
    assert r.not_understood == []


def test_a_month_or_year_without_a_day_is_no_date_and_is_said() -> None:
    r = qa("Board meeting Q1 2027")
    assert not r.ok and any("no day in it" in n for n in r.not_understood)
    r = qa("Review March 2027 tomorrow")
    assert wall(r.start) == "2026-12-03"
    assert any("March" in n for n in r.not_understood)


def test_a_leading_repeat_word_stays_in_the_title() -> None:
    r = qa("Weekly team meeting mondays 10-11am")
    assert (r.title, r.rrule) == ("Weekly team meeting", "FREQ=WEEKLY;BYDAY=MO")
    assert r.not_understood == []
    r = qa("Daily standup at 9:30")
    assert (r.title, r.rrule) == ("Daily standup", "FREQ=DAILY")


def test_a_number_after_a_date_is_never_taken_as_a_far_year() -> None:
    # dateparser read "15. Dezember um 10" as 15 Dec 2110 (the 10 as a year, then
    # the future): that was saved silently as an all-day event in 2110.
    de = locale_from_name("de_DE.UTF-8")
    r = qa("Zahnarzt 15. Dezember um 10 Uhr", loc=de)
    assert isinstance(r.start, AllDayDate)
    assert (r.start.day.month, r.start.day.day) == (12, 15)
    assert 0 <= r.start.day.year - NOW.year <= 1
    assert any("um 10 Uhr" in n for n in r.not_understood)
    # A year that is written stays.
    far = qa("Zahnarzt 15. Dezember 2030", loc=de)
    assert far.start == AllDayDate(datetime(2030, 12, 15).date())


def test_next_weekday_is_that_day_of_next_week() -> None:
    # Issue 12 review (H2): "next Friday" typed on Wed 2 Dec read as Fri 4 Dec.
    # Like "Friday next week" (and GNOME/Google): the Friday of next week.
    wednesday = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo(ZONE))
    r = qa("Dentist next Friday 3pm", UK, wednesday)
    assert r.title == "Dentist"
    assert wall(r.start) == "2026-12-11T15:00"
    assert any("Fri 11 Dec 2026" in u for u in r.understood)
    assert wall(qa("Dentist next Friday 3pm", UK, wednesday).start) == \
        wall(qa("Dentist Friday next week 3pm", UK, wednesday).start)
    assert wall(qa("Call next fri", UK, wednesday).start) == "2026-12-11"
    # "next Monday" on a Wednesday: Monday of next week (7 Dec), as before.
    assert wall(qa("Standup next Monday at 9", UK, wednesday).start) == "2026-12-07T09:00"
    # Follows the first day of the week, like "next week": on a US Saturday the next
    # week starts tomorrow, Sunday 6 Dec; in the UK it starts Monday 7 Dec.
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo(ZONE))
    assert wall(qa("Brunch next Sunday at 11am", US, saturday).start) == "2026-12-06T11:00"
    assert wall(qa("Brunch next Sunday at 11am", UK, saturday).start) == "2026-12-13T11:00"
    # The same "next Friday" ends a repeat, and "next weekend" is the one after this one.
    assert qa("Yoga daily until next Friday", UK, wednesday).rrule == "FREQ=DAILY;UNTIL=20261211"
    r = qa("Cabin next weekend", UK, wednesday)
    assert (r.title, wall(r.start), wall(r.end)) == ("Cabin", "2026-12-12", "2026-12-14")
    assert wall(qa("Cabin this weekend", UK, wednesday).start) == "2026-12-05"
    # "this Friday" / "on Friday" stay the coming one.
    assert wall(qa("Dentist this Friday 3pm", UK, wednesday).start) == "2026-12-04T15:00"
    assert wall(qa("Dentist on Friday 3pm", UK, wednesday).start) == "2026-12-04T15:00"
