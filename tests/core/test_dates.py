from datetime import UTC, date, datetime

import pytest

from aurora_core.dates import add_months


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),     # clamped to February's length
    (date(2028, 1, 31), 1, date(2028, 2, 29)),     # a leap year's February
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),    # December + 1: next year's January
    (date(2026, 11, 30), 14, date(2028, 1, 30)),
    (date(2026, 1, 15), -1, date(2025, 12, 15)),   # back over a year boundary
    (date(2026, 3, 31), -1, date(2026, 2, 28)),    # back, clamped
    (date(2026, 5, 31), -25, date(2024, 4, 30)),
    (date(2026, 5, 31), 0, date(2026, 5, 31)),
])
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_a_datetime_keeps_its_time_and_zone() -> None:
    t = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert add_months(t, 1) == datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    assert type(add_months(t, 1)) is datetime


@pytest.mark.parametrize(("start", "months"), [(date(9999, 12, 1), 1), (date(1, 1, 1), -1)])
def test_past_the_calendar_is_a_value_error(start: date, months: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        add_months(start, months)
