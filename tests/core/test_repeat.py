"""The editor's repeat presets: the rule each writes, and that a stored rule reads
back as the same preset (or as a custom rule with its text kept)."""

from datetime import date

import pytest

from aurora_core.model import AllDayDate
from aurora_core.repeat import RepeatChoice, RepeatPreset, nth_weekday
from tests.helpers.times import zoned

P = RepeatPreset
THU = date(2026, 12, 3)  # the first Thursday of December 2026
START = zoned(2026, 12, 3, 9, 0, tz="Europe/Paris")


@pytest.mark.parametrize(("preset", "kw", "rule"), [
    (P.NONE, {}, None),
    (P.DAILY, {}, "FREQ=DAILY"),
    (P.DAILY, {"interval": 3, "count": 5}, "FREQ=DAILY;INTERVAL=3;COUNT=5"),
    (P.WEEKLY, {"weekdays": ["TH"]}, "FREQ=WEEKLY"),  # the start's own day: no BYDAY
    (P.WEEKLY, {}, "FREQ=WEEKLY"),
    (P.WEEKLY, {"weekdays": ["MO", "TH"], "interval": 2},
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"),
    (P.MONTHLY_DATE, {"until": date(2027, 6, 30)}, "FREQ=MONTHLY;BYMONTHDAY=3;UNTIL=20270630"),
    (P.MONTHLY_WEEKDAY, {}, "FREQ=MONTHLY;BYDAY=1TH"),
    (P.YEARLY, {}, "FREQ=YEARLY"),
    (P.CUSTOM, {"custom": "  FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1 "},
     "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1"),
    (P.CUSTOM, {"custom": "  "}, None),
])
def test_to_rule(preset: RepeatPreset, kw: dict[str, object], rule: str | None) -> None:
    assert preset.to_rule(THU, **kw) == rule  # type: ignore[arg-type]


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 3), (1, 4)), (date(2026, 12, 24), (4, 4)),
    (date(2026, 12, 31), (-1, 4)),  # the fifth and last Thursday
    (date(2026, 12, 28), (-1, 1)),  # the fourth Monday is also the last
    (date(2026, 12, 22), (4, 2)),   # the fourth Tuesday, a fifth follows
])
def test_nth_weekday(day: date, expected: tuple[int, int]) -> None:
    assert nth_weekday(day) == expected


@pytest.mark.parametrize(("text", "choice"), [
    (None, RepeatChoice(P.NONE)),
    ("", RepeatChoice(P.NONE)),
    ("FREQ=DAILY;INTERVAL=2", RepeatChoice(P.DAILY, interval=2)),
    ("RRULE:FREQ=WEEKLY;WKST=SU", RepeatChoice(P.WEEKLY)),
    ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=8", RepeatChoice(P.WEEKLY, weekdays=("MO", "TH"), count=8)),
    ("FREQ=MONTHLY;BYMONTHDAY=3;UNTIL=20270630T225959Z",
     RepeatChoice(P.MONTHLY_DATE, until=date(2027, 6, 30))),
    ("FREQ=MONTHLY;BYDAY=-1TH", RepeatChoice(P.MONTHLY_WEEKDAY)),
    ("FREQ=YEARLY;INTERVAL=4", RepeatChoice(P.YEARLY, interval=4)),
    # No preset writes these: custom, with the rule's text.
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", RepeatChoice(P.CUSTOM, custom="FREQ=MONTHLY;BYMONTHDAY=1,15")),
    ("freq=monthly;byday=MO,TU;bysetpos=-1",
     RepeatChoice(P.CUSTOM, custom="FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1")),
    ("FREQ=WEEKLY;BYDAY=1MO", RepeatChoice(P.CUSTOM, custom="FREQ=WEEKLY;BYDAY=1MO")),
    # A rule that does not parse stays as written.
    ("FREQ=FORTNIGHTLY;X", RepeatChoice(P.CUSTOM, custom="FREQ=FORTNIGHTLY;X")),
])
def test_from_rule(text: str | None, choice: RepeatChoice) -> None:
    assert RepeatPreset.from_rule(text, START) == choice


@pytest.mark.parametrize("preset", [P.DAILY, P.WEEKLY, P.MONTHLY_DATE, P.MONTHLY_WEEKDAY,
                                    P.YEARLY])
def test_each_preset_reads_back_as_itself(preset: RepeatPreset) -> None:
    rule = preset.to_rule(THU, interval=2, weekdays=["TU", "TH"], count=4)
    assert rule is not None
    choice = RepeatPreset.from_rule(rule, AllDayDate(THU))
    assert (choice.preset, choice.interval, choice.count) == (preset, 2, 4)
    assert preset.to_rule(THU, interval=choice.interval, weekdays=choice.weekdays,
                          count=choice.count) == rule


def test_labels_and_units_in_the_editor_order() -> None:
    assert [p.value for p in RepeatPreset] == list(range(7))
    assert [p.label for p in RepeatPreset][:2] == ["Does not repeat", "Daily"]
    assert (P.NONE.unit, P.WEEKLY.unit, P.CUSTOM.unit) == ("", "week(s)", "")
