"""Painting of event chips, bars and the "now" line, shared by the views."""

from __future__ import annotations

from collections.abc import Callable

from aurora_desktop.qt import Qt, QtCore, QtGui
from aurora_desktop.ui.colors import ChipColors
from aurora_desktop.ui.theme import Theme

RectF = QtCore.QRectF


def elide(fm: QtGui.QFontMetrics, text: str, width: float) -> str:
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, max(int(width), 0))


_fm_cache: dict[int, tuple[QtGui.QFont, QtGui.QFontMetricsF]] = {}


def metrics(font: QtGui.QFont) -> QtGui.QFontMetricsF:
    """Metrics of ``font``, cached per font object (ui_font returns the same objects)."""
    hit = _fm_cache.get(id(font))
    if hit is not None and hit[0] is font:
        return hit[1]
    fm = QtGui.QFontMetricsF(font)
    if len(_fm_cache) > 64:
        _fm_cache.clear()
        _forget_measures()  # they are keyed by metrics' and fonts' ids, which may be reused
    _fm_cache[id(font)] = (font, fm)
    return fm


_advances: dict[tuple[int, str], float] = {}


def _forget_measures() -> None:
    _advances.clear()
    _elided.clear()
    _wrap_cache.clear()
    _static.clear()


_static: dict[tuple[int, str], QtGui.QStaticText] = {}


def draw_line(p: QtGui.QPainter, font: QtGui.QFont, x: float, y: float, text: str) -> None:
    """One line of ``text`` with its top left at (x, y), in ``font`` (set on ``p``).

    Laid out once and kept (QStaticText): the views draw the same titles and
    times page after page, and drawText lays each out anew (several times
    slower). A struck-through font goes through drawText.
    """
    if font.strikeOut():
        p.drawText(QtCore.QPointF(x, y + metrics(font).ascent()), text)
        return
    key = (id(font), text)
    st = _static.get(key)
    if st is None:
        st = QtGui.QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.prepare(QtGui.QTransform(), font)
        if len(_static) > 5000:
            _static.clear()
        _static[key] = st
    p.drawStaticText(QtCore.QPointF(x, y), st)


def advance(fm: QtGui.QFontMetricsF, text: str) -> float:
    """``fm.horizontalAdvance(text)``, cached: a repaint measures the same words again."""
    key = (id(fm), text)
    w = _advances.get(key)
    if w is None:
        if len(_advances) > 20_000:
            _advances.clear()
        w = _advances[key] = fm.horizontalAdvance(text)
    return w


_elided: dict[tuple[int, str, int], str] = {}


def elide_f(fm: QtGui.QFontMetricsF, text: str, width: float) -> str:
    """``text`` cut with "…" to ``width``; cached (the views paint the same titles again)."""
    key = (id(fm), text, int(width))
    hit = _elided.get(key)
    if hit is not None:
        return hit
    if advance(fm, text) <= int(width):
        out = text
    else:
        out = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(int(width), 0))
    if len(_elided) > 20_000:
        _elided.clear()
    _elided[key] = out
    return out


_struck: dict[int, tuple[QtGui.QFont, QtGui.QFont]] = {}


def struck(font: QtGui.QFont) -> QtGui.QFont:
    """``font`` struck through, for the title of a cancelled event (the same object each time)."""
    hit = _struck.get(id(font))
    if hit is not None and hit[0] is font:
        return hit[1]
    f = QtGui.QFont(font)
    f.setStrikeOut(True)
    if len(_struck) > 64:
        _struck.clear()
        _forget_measures()
    _struck[id(font)] = (font, f)
    return f


_wrap_cache: dict[tuple[str, int, int, int], list[str]] = {}


def wrap_title(font: QtGui.QFont, text: str, width: float, max_lines: int) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``max_lines`` lines ``width`` wide.

    A title that does not fit ends in "…" (so does a word longer than a line):
    a cut title never looks whole. Cached: the grid asks for the same titles
    on every paint.
    """
    key = (text, int(width), max_lines, id(font))
    hit = _wrap_cache.get(key)
    if hit is not None:
        return hit
    fm = metrics(font)
    layout = QtGui.QTextLayout(text, font)
    opt = QtGui.QTextOption()
    opt.setWrapMode(QtGui.QTextOption.WrapMode.WordWrap)
    layout.setTextOption(opt)
    spans: list[tuple[int, int]] = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    out = []
    for i, (start, length) in enumerate(spans[:max_lines]):
        if i == max_lines - 1 and len(spans) > max_lines:  # the rest does not fit
            rest = text[start:].strip()
            seg = fm.elidedText(rest + "\u2026" if fm.horizontalAdvance(rest) <= width else rest,
                                Qt.TextElideMode.ElideRight, width)
        else:
            seg = text[start:start + length].strip()
            if fm.horizontalAdvance(seg) > width:  # one word longer than the line
                seg = fm.elidedText(seg, Qt.TextElideMode.ElideRight, width)
        out.append(seg)
    if len(_wrap_cache) > 4000:
        _wrap_cache.clear()
    _wrap_cache[key] = out
    return out


def timed_block(p: QtGui.QPainter, r: RectF, cc: ChipColors, title: str,
                when: str | Callable[[], str], location: str, selected: bool, font: QtGui.QFont,
                small: QtGui.QFont, theme: Theme, ghost: bool = False,
                fms: tuple[QtGui.QFontMetricsF, QtGui.QFontMetricsF] | None = None,
                text_w: float | None = None, text_h: float | None = None,
                outline: bool = False) -> None:
    """An event in the time grid: tinted block, coloured left stripe, title then time.

    ``when`` may be a callable (only called when there is room for it); ``fms``
    are the metrics of ``font`` and ``small`` when the caller has them.
    ``text_w`` / ``text_h`` bound the text to the part of the block that is not
    covered by another one drawn over it; ``outline``: a line in the surface
    colour around the block, so that stacked blocks stay apart.
    """
    fill = cc.solid if selected else cc.fill
    if ghost:
        fill = QtGui.QColor(fill)
        fill.setAlpha(150)
    p.setPen(Qt.PenStyle.NoPen)
    if outline:  # the surface colour just outside: a plain rectangle costs a third of a ring
        p.fillRect(r.adjusted(-1.5, -1.5, 1.5, 1.5), _color(theme.surface))
    p.setBrush(fill)
    p.drawRoundedRect(r, 4, 4)
    # plain floats from here: each QRectF call costs more than the arithmetic
    rx, ry, rw, rh = r.x(), r.y(), r.width(), r.height()
    stripe_h = rh - 4 if rh > 8 else rh
    p.fillRect(RectF(rx + 1, ry + (rh - stripe_h) / 2, 3, stripe_h),
               cc.solid if not selected else _color(theme.surface))
    if rw < 32 or rh < 9 or (text_w is not None and text_w < 24):
        return  # too narrow for readable text (or covered but for a sliver)
    fm, sfm = fms if fms is not None else (metrics(font), metrics(small))
    fh, sh = _height(fm), _height(sfm)
    room_h = rh if text_h is None else min(rh, max(text_h, fh + 2))
    short = room_h < fh * 1.9
    top_pad = 1 if room_h < fh + 4 else 3
    x, y0 = rx + 7, ry + top_pad
    iw = rw - 10 if text_w is None else max(min(rw - 10, text_w - 10), 0)
    ih = min(rh - top_pad - 1, room_h - top_pad - 1)
    if ih < fh:  # a sliver: the text would spill out
        ih = fh
        if rh < fh * 0.8:
            return
    p.setFont(font)
    p.setPen(cc.solid_text if selected else cc.text)
    sub_c = cc.solid_text if selected else cc.subtext
    if short:
        # One line: "Title  09:00"
        t = elide_f(fm, title, iw)
        draw_line(p, font, x, y0, t)
        used = advance(fm, t) + 6
        if used < iw - 20:
            w_text = when() if callable(when) else when
            if advance(sfm, w_text) <= iw - used:  # whole, or not at all
                p.setFont(small)
                p.setPen(sub_c)
                draw_line(p, small, x + used, y0 + 1, w_text)
        return
    bottom = y0 + ih
    lines = max(int((ih - sh) // fh), 1)
    if lines >= 2 and iw > 30 and advance(fm, title) > iw:
        y = y0
        for line in wrap_title(font, title, iw, min(lines, 3)):
            draw_line(p, font, x, y, line)
            y += fh
    else:
        draw_line(p, font, x, y0, elide_f(fm, title, iw))
        y = y0 + fh
    if y + sh > bottom + 2:
        return
    p.setFont(small)
    p.setPen(sub_c)
    if iw > 24:
        draw_line(p, small, x, y, elide_f(sfm, when() if callable(when) else when, iw))
        y += sh
    if location and y + sh <= bottom + 2:
        draw_line(p, small, x, y, elide_f(sfm, location, iw))


_heights: dict[int, tuple[QtGui.QFontMetricsF, float]] = {}


def _height(fm: QtGui.QFontMetricsF) -> float:
    hit = _heights.get(id(fm))
    if hit is None or hit[0] is not fm:
        if len(_heights) > 64:
            _heights.clear()
        hit = _heights[id(fm)] = (fm, fm.height())
    return hit[1]


def bar(p: QtGui.QPainter, r: RectF, cc: ChipColors, text: str, selected: bool,
        font: QtGui.QFont, theme: Theme, cont_before: bool = False,
        cont_after: bool = False) -> None:
    """An all-day or multi-day bar: solid calendar colour, white or black text."""
    p.save()
    path = QtGui.QPainterPath()
    path.addRoundedRect(r, 4, 4)
    if cont_before:
        path.addRect(RectF(r.left(), r.top(), 6, r.height()))
    if cont_after:
        path.addRect(RectF(r.right() - 6, r.top(), 6, r.height()))
    path.setFillRule(Qt.FillRule.WindingFill)
    p.fillPath(path.simplified(), cc.solid)
    if selected:
        p.setPen(QtGui.QPen(QtGui.QColor(theme.text), 1.5))
        p.drawRoundedRect(r.adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
    p.setFont(font)
    p.setPen(cc.solid_text)
    inner = r.adjusted(7, 0, -5, 0)
    p.drawText(inner, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
               elide_f(metrics(font), text, inner.width()))
    p.restore()


CHIP_TITLE_MIN = "Wwwwwww"  # a chip keeps its time only if this much of the title fits too


def time_fits(fm: QtGui.QFontMetricsF, bfm: QtGui.QFontMetricsF, time_text: str, title: str,
              width: float) -> bool:
    """Whether a month chip ``width`` wide shows its time before the title.

    The time goes first when it leaves less than about seven letters of the
    title (or the whole title, if shorter): "Team st…" beats "09:30 Te…".
    """
    room = width - advance(fm, time_text) - 5
    return room >= min(advance(bfm, title), advance(bfm, CHIP_TITLE_MIN))


def dot_chip(p: QtGui.QPainter, r: RectF, cc: ChipColors, time_text: str, title: str,
             selected: bool, font: QtGui.QFont, bold: QtGui.QFont, theme: Theme) -> None:
    """A timed event in the month grid: coloured dot, time, title.

    The painter must have antialiasing on; pen, brush and font are left changed.
    """
    if selected:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(cc.solid)
        p.drawRoundedRect(r, 4, 4)
        text_c = sub_c = dot_c = cc.solid_text
    else:
        text_c = _color(theme.text)
        sub_c = _color(theme.muted)
        dot_c = cc.stripe
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(dot_c)
    cy = r.center().y()
    p.drawEllipse(QtCore.QPointF(r.left() + 7, cy), 3.5, 3.5)
    x = r.left() + 15
    bfm = metrics(bold)
    if time_text and not time_fits(metrics(font), bfm, time_text, title, r.right() - x - 2):
        time_text = ""  # a narrow cell: the title matters more than the time
    if time_text:
        fm = metrics(font)
        p.setFont(font)
        p.setPen(sub_c)
        w = advance(fm, time_text)
        draw_line(p, font, x, cy - fm.height() / 2, time_text)
        x += w + 5
    if r.right() - x < 8:
        return
    p.setFont(bold)
    p.setPen(text_c)
    draw_line(p, bold, x, cy - bfm.height() / 2, elide_f(bfm, title, r.right() - x - 2))


_colors: dict[str, QtGui.QColor] = {}


def _color(name: str) -> QtGui.QColor:
    c = _colors.get(name)
    if c is None:
        c = _colors[name] = QtGui.QColor(name)
    return c


def now_line(p: QtGui.QPainter, x0: float, x1: float, y: float, theme: Theme,
             dot: bool = True) -> None:
    p.save()
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    c = QtGui.QColor(theme.now_line)
    p.setPen(QtGui.QPen(c, 2))
    p.drawLine(QtCore.QPointF(x0, y), QtCore.QPointF(x1, y))
    if dot:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c)
        p.drawEllipse(QtCore.QPointF(x0, y), 5, 5)
    p.restore()


_fonts: dict[tuple[str, float, int], QtGui.QFont] = {}


def ui_font(size_pt: float, weight: QtGui.QFont.Weight = QtGui.QFont.Weight.Normal
            ) -> QtGui.QFont:
    """The application font at ``size_pt`` and ``weight`` (the same object each time)."""
    base = QtGui.QGuiApplication.font()
    key = (base.family(), size_pt, int(weight.value))
    f = _fonts.get(key)
    if f is None:
        f = QtGui.QFont(base)
        f.setPointSizeF(size_pt)
        f.setWeight(weight)
        _fonts[key] = f
    return f
