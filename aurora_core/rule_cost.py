"""A work budget for expanding repeat rules.

dateutil expands a rule period by period (a year, a month, a week, a day, an
hour...) and only yields when a period holds an instance; it checks UNTIL only
against instances. A rule whose filters rarely or never match
(``FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30``) therefore walks period after period
up to the year 9999 before it gives up, and a caller cannot stop it between
yields. This module counts dateutil's periods instead: every period asks
dateutil's ``_iterinfo`` for its set of days, so a subclass of ``_iterinfo``
installed in dateutil's module charges each call against the budget of the
current context (a :class:`contextvars.ContextVar`, so threads and requests
never share one) and raises :class:`BudgetExceeded` when it runs out. Outside a
``budget()`` block nothing is charged.

``_iterinfo`` is dateutil's private class; tests/core/test_rule_cost.py fails if
a dateutil release stops calling it per period (a never-matching rule would
then not stop quickly).

Units: a period costs about what dateutil spends on it, in microseconds on the
reference machine (2 cores, Python 3.11; bench/hostile_rules.py measures them):
a year's dayset ~24, a month's ~5, a week's ~4, a day's ~3 (sub-daily rules
take a day's dayset per period). :data:`EXPANSION` units (~50 ms) bound the work
between two instances of one expansion; the instances themselves are bounded by
the caller's limit (:func:`credit` gives units back per instance found).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from dateutil import rrule as _rrule

__all__ = ["EXPANSION", "BudgetExceeded", "budget", "charge", "credit", "remaining"]

EXPANSION = 50_000  # units without an instance before an expansion stops

_budget: ContextVar[list[int] | None] = ContextVar("aurora_rule_budget", default=None)

# Measured costs per period (bench/hostile_rules.py prints them): building and
# filtering a year's dayset is an order of magnitude dearer than a day's.
_COST = {"ydayset": 24, "mdayset": 5, "wdayset": 4, "ddayset": 3}


class BudgetExceeded(Exception):
    """The expansion used its whole budget (never reaches a caller outside
    aurora_core: the recurrence module turns it into a stop or a ValidationError)."""


def charge(units: int) -> None:
    """Charge ``units`` of the caller's own work to the current block's budget."""
    _charge(units)


def _charge(units: int) -> None:
    left = _budget.get()
    if left is None:
        return
    left[0] -= units
    if left[0] < 0:
        raise BudgetExceeded


class _CountedInfo(_rrule._iterinfo):
    # No __slots__ of its own: dateutil's __init__ sets every name in
    # ``self.__slots__``, which must stay the base class's list.

    def ydayset(self, year: int, month: int, day: int) -> Any:
        _charge(_COST["ydayset"])
        return super().ydayset(year, month, day)

    def mdayset(self, year: int, month: int, day: int) -> Any:
        _charge(_COST["mdayset"])
        return super().mdayset(year, month, day)

    def wdayset(self, year: int, month: int, day: int) -> Any:
        _charge(_COST["wdayset"])
        return super().wdayset(year, month, day)

    def ddayset(self, year: int, month: int, day: int) -> Any:
        _charge(_COST["ddayset"])
        return super().ddayset(year, month, day)


if not issubclass(_rrule._iterinfo, _CountedInfo):
    setattr(_rrule, "_iterinfo", _CountedInfo)  # noqa: B010  # a private name: no stub


@contextlib.contextmanager
def budget(units: int = EXPANSION) -> Iterator[None]:
    """Charge dateutil's periods in this block against ``units``; raises
    :class:`BudgetExceeded` from inside the expansion when they run out. An inner
    block has its own budget; the outer one's resumes after it."""
    token = _budget.set([units])
    try:
        yield
    finally:
        _budget.reset(token)


def credit(units: int = EXPANSION) -> None:
    """Top the current block's budget back up to ``units`` (an expansion calls it for
    each instance it keeps: the budget bounds the work *between* instances)."""
    left = _budget.get()
    if left is not None and left[0] < units:
        left[0] = units


def remaining() -> int | None:
    """Units left in the current block, None outside any."""
    left = _budget.get()
    return None if left is None else left[0]
