"""Calendar arithmetic on plain dates that the standard library does not have."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import TypeVar

__all__ = ["add_months"]

D = TypeVar("D", bound=date)


def add_months(d: D, months: int) -> D:
    """``d`` moved by ``months`` whole months (negative: back), the day clamped to the
    target month's length (31 January + 1 month is 28 or 29 February). A datetime keeps
    its time and tzinfo. Raises ValueError past the years 1 to 9999."""
    m = d.year * 12 + d.month - 1 + months
    year, month = divmod(m, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return d.replace(year=year, month=month, day=min(d.day, monthrange(year, month)[1]))
