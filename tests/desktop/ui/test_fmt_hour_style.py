"""Formatter's hour style: the setting's values (ui/clock_24h) and what they show."""

from __future__ import annotations

from datetime import time

import pytest

from aurora_desktop.qt import QtCore
from aurora_desktop.ui.fmt import Formatter, HourStyle


@pytest.mark.parametrize(("style", "shown"), [
    (HourStyle.H24, "14:30"), (HourStyle.H12, "2:30pm"), ("24", "14:30"), ("12", "2:30pm")])
def test_an_explicit_hour_style_wins_over_the_locale(style: str, shown: str) -> None:
    fmt = Formatter(style, QtCore.QLocale(QtCore.QLocale.Language.English,
                                          QtCore.QLocale.Country.UnitedStates))
    assert fmt.time(time(14, 30)) == shown
    assert fmt.hour_style == HourStyle(style)


def test_auto_follows_the_locale() -> None:
    us = Formatter(HourStyle.AUTO, QtCore.QLocale(QtCore.QLocale.Language.English,
                                                  QtCore.QLocale.Country.UnitedStates))
    de = Formatter("auto", QtCore.QLocale(QtCore.QLocale.Language.German,
                                          QtCore.QLocale.Country.Germany))
    assert (us.hour_label(15), de.hour_label(15)) == ("3 PM", "15:00")
