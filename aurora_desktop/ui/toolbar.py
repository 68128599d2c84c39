"""The window's toolbar: Today, previous/next, the shown range, the view switcher, search.

Everything sits in one bar widget laid out by a box layout, not as separate
toolbar items: a QToolBar gives every item its size hint and moves what does
not fit into an overflow menu, so at 900-1000 px the search field vanished,
and the spare room was shared between a spacer and the search field, so the
view switcher moved sideways whenever the title's width changed. Here only
the title stretches (and elides), the switcher and the search field have
widths that depend on the window's width alone: the switcher stays put while
paging, and the search field is always there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal

SEARCH_W = 240  # the search field's width when there is room
SEARCH_MIN_W = 150  # at narrow windows (it never goes away)
NARROW = 1100  # below this window width the search field is SEARCH_MIN_W wide


class ElidedTitle(QtWidgets.QLabel):
    """The shown range ("23 – 29 November 2026"): takes the room left.

    Short of room it uses short month and day names ("30 Nov – 6 Dec 2026"),
    names a range over the new year by its last year ("27 Dec – 2 Jan 2028"),
    leaves this year out ("30 Nov – 6 Dec"), then tries those a size smaller,
    and only then cuts with "…"; the whole title is then its tooltip. Its size
    hint does not depend on its text, so a longer title never moves the rest
    of the bar. ``today`` says what this year is
    (the window hands it its clock).
    """

    SMALLER = 0.85  # the smaller size, relative to the style sheet's

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("rangeTitle")
        self.setAccessibleName("Shown dates")
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                           QtWidgets.QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)
        self.today: Callable[[], date] = date.today

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(60, super().sizeHint().height())

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(60, super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        """True when the bar shows less than the whole title (short names or cut)."""
        return self.shown_text() != self.text()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tip()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def _update_tip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")

    def shown_text(self) -> str:
        """What is drawn (see the class): the title or a shorter form of it."""
        return self.shown()[0]

    def shown(self) -> tuple[str, QtGui.QFont]:
        """What is drawn and in which font."""
        width = self.contentsRect().width()
        text = self.text()
        font = self.font()
        fm = QtGui.QFontMetrics(font)
        if fm.horizontalAdvance(text) <= width:
            return text, font
        short = compact(text, self.locale())
        forms = [short]
        for shorter in (last_year_only(short), without_year(short, self.today().year)):
            if shorter not in forms:
                forms.append(shorter)
        for form in forms:
            if fm.horizontalAdvance(form) <= width:
                return form, font
        small = QtGui.QFont(font)
        if font.pixelSize() > 0:  # the style sheet gives pixels
            small.setPixelSize(max(round(font.pixelSize() * self.SMALLER), 12))
        else:
            small.setPointSizeF(max(font.pointSizeF() * self.SMALLER, 9.0))
        sfm = QtGui.QFontMetrics(small)
        for form in forms:
            if sfm.horizontalAdvance(form) <= width:
                return form, small
        return sfm.elidedText(forms[-1], Qt.TextElideMode.ElideRight, width), small

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        p = QtGui.QPainter(self)
        r = self.contentsRect()
        p.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        text, font = self.shown()
        p.setFont(font)
        p.drawText(r, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        p.end()


def last_year_only(text: str) -> str:
    """A range over the new year named by its last year only: "27 Dec – 2 Jan 2028"."""
    years = list(re.finditer(r"[ ,]*\b\d{4}\b", text))
    if len(years) < 2:
        return text
    for m in reversed(years[:-1]):
        text = text[:m.start()] + text[m.end():]
    return text


def without_year(text: str, year: int) -> str:
    """``text`` without its years when one of them is ``year`` (this year): "30 Nov – 6 Dec",
    and "27 Dec – 2 Jan" at either end of this year; else unchanged."""
    years = re.findall(r"\b\d{4}\b", text)
    if str(year) not in years:
        return text
    return re.sub(r"[ ,]*\b\d{4}\b", "", text).strip()


def compact(text: str, locale: QtCore.QLocale) -> str:
    """``text`` with the locale's long month and day names replaced by the short ones."""
    long_f, short_f = QtCore.QLocale.FormatType.LongFormat, QtCore.QLocale.FormatType.ShortFormat
    for m in range(1, 13):
        for name in (locale.standaloneMonthName(m, long_f), locale.monthName(m, long_f)):
            if name and name in text:
                text = text.replace(name, locale.standaloneMonthName(m, short_f))
    for d in range(1, 8):
        name = locale.dayName(d, long_f)
        if name and name in text:
            text = text.replace(name, locale.dayName(d, short_f))
    return text


class NavBar(QtWidgets.QWidget):
    """The bar's one widget (see the module's docstring)."""

    viewChosen = Signal(str)

    def __init__(self, views: Sequence[tuple[str, str, str]], on_today: Callable[[], None],
                 on_step: Callable[[int], None]) -> None:
        super().__init__()
        self.setObjectName("navBar")
        self.today_button = QtWidgets.QToolButton()
        self.today_button.setObjectName("todayButton")
        self.today_button.setText("Today")
        self.today_button.setAccessibleName("Today")
        self.today_button.setToolTip("Go to today (T)")
        self.today_button.clicked.connect(lambda _=False: on_today())
        self.prev_button = QtWidgets.QToolButton()
        self.prev_button.setAccessibleName("Previous")
        self.prev_button.setToolTip("Previous (Page Up)")
        self.prev_button.clicked.connect(lambda _=False: on_step(-1))
        self.next_button = QtWidgets.QToolButton()
        self.next_button.setAccessibleName("Next")
        self.next_button.setToolTip("Next (Page Down)")
        self.next_button.clicked.connect(lambda _=False: on_step(1))
        self.title_label = ElidedTitle()
        self.switcher = QtWidgets.QFrame()
        self.switcher.setObjectName("viewSwitcher")
        self.switcher.setAccessibleName("View")
        self.switcher.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                                    QtWidgets.QSizePolicy.Policy.Fixed)
        sl = QtWidgets.QHBoxLayout(self.switcher)
        sl.setContentsMargins(1, 1, 1, 1)
        sl.setSpacing(0)
        self.view_buttons: dict[str, QtWidgets.QToolButton] = {}
        group = QtWidgets.QButtonGroup(self)
        for name, label, key in views:
            b = QtWidgets.QToolButton()
            b.setText(label)
            b.setCheckable(True)
            b.setAccessibleName(f"{label} view")
            b.setToolTip(f"{label} ({key})")
            b.clicked.connect(lambda _=False, n=name: self.viewChosen.emit(n))
            group.addButton(b)
            sl.addWidget(b)
            self.view_buttons[name] = b
        self.search_field = QtWidgets.QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search events")
        self.search_field.setAccessibleName("Search events")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                                        QtWidgets.QSizePolicy.Policy.Fixed)
        self.search_field.setFixedWidth(SEARCH_W)
        lay = QtWidgets.QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.today_button)
        lay.addWidget(self.prev_button)
        lay.addWidget(self.next_button)
        lay.addWidget(self.title_label, 1)
        lay.addSpacing(8)
        lay.addWidget(self.switcher)
        lay.addSpacing(10)
        lay.addWidget(self.search_field)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Preferred)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        w = SEARCH_W if self.window().width() >= NARROW else SEARCH_MIN_W
        if self.search_field.width() != w:
            self.search_field.setFixedWidth(w)


def build_toolbar(window: QtWidgets.QMainWindow, views: Sequence[tuple[str, str, str]],
                  on_today: Callable[[], None], on_step: Callable[[int], None]) -> NavBar:
    """Add the toolbar to ``window`` and return its bar."""
    tb = QtWidgets.QToolBar("Navigation")
    tb.setObjectName("mainToolbar")
    tb.setMovable(False)
    tb.setFloatable(False)
    tb.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
    tb.setIconSize(QtCore.QSize(18, 18))
    window.addToolBar(tb)
    bar = NavBar(views, on_today, on_step)
    tb.addWidget(bar)
    return bar
