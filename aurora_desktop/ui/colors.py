"""Colour arithmetic (mix, WCAG contrast) and the colours of an event chip in a theme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aurora_desktop.qt import QtGui

if TYPE_CHECKING:
    from aurora_desktop.ui.theme import Theme


def mix(a: QtGui.QColor, b: QtGui.QColor, t: float) -> QtGui.QColor:
    """``a`` blended towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return QtGui.QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def luminance(c: QtGui.QColor) -> float:
    def ch(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())


def contrast(a: QtGui.QColor, b: QtGui.QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class ChipColors:
    fill: QtGui.QColor
    stripe: QtGui.QColor
    text: QtGui.QColor
    subtext: QtGui.QColor
    solid: QtGui.QColor       # all-day bars: solid calendar colour
    solid_text: QtGui.QColor


_chip_cache: dict[tuple[str, bool, bool], ChipColors] = {}


def chip_colors(color: str, theme: Theme, past: bool = False) -> ChipColors:
    key = (color, theme.dark, past)
    cached = _chip_cache.get(key)
    if cached is not None:
        return cached
    base = QtGui.QColor(color)
    surface = QtGui.QColor(theme.surface)
    if theme.dark:
        fill = mix(surface, base, 0.30)
        text = mix(QtGui.QColor("#ffffff"), base, 0.12)
    else:
        fill = mix(surface, base, 0.16)
        text = mix(base, QtGui.QColor("#000000"), 0.55)
    if contrast(text, fill) < 4.5:
        text = QtGui.QColor(theme.text)
    sub = mix(text, fill, 0.28)
    solid = QtGui.QColor(base)
    solid_text = QtGui.QColor("#ffffff") if contrast(QtGui.QColor("#ffffff"), solid) >= 3.0 \
        else QtGui.QColor("#111111")
    if past:
        fill = mix(fill, surface, 0.45)
        text = mix(text, surface, 0.35)
        sub = mix(sub, surface, 0.35)
        solid = mix(solid, surface, 0.4)
        base = mix(base, surface, 0.4)
    cc = ChipColors(fill, base, text, sub, solid, solid_text)
    _chip_cache[key] = cc
    return cc
