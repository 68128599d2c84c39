"""Defects found in the window's views, told as the user met them."""

from __future__ import annotations

from datetime import date, timedelta

from aurora_core.model import Event
from aurora_desktop.qt import Qt, QtCore, QtGui, QtTest, QtWidgets
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.grid_metrics import GUTTER, HOUR_H
from aurora_desktop.ui.views.month import MonthView
from aurora_desktop.ui.views.timegrid import TimeGridView
from tests.helpers.events import put_all_day
from tests.helpers.ui import TODAY, at, drag, drain_events, put

QTest = QtTest.QTest
FRI = TODAY + timedelta(days=2)


def pixel(widget, x: float, y: float) -> QtGui.QColor:  # type: ignore[no-untyped-def]
    img = widget.grab().toImage()
    dpr = img.devicePixelRatio()
    return img.pixelColor(int(x * dpr), int(y * dpr))


def close(a: QtGui.QColor, b: QtGui.QColor, tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in ((a.red(), b.red()), (a.green(), b.green()),
                                              (a.blue(), b.blue())))


# ---------------------------------------------------------------- defect 1


def test_after_a_month_drag_the_calendars_bars_keep_their_solid_colour(make_window,
                                                                       store) -> None:
    w = make_window("month")
    colour = QtGui.QColor(store.default_calendar().color)
    put_all_day(store, "Team offsite", FRI)
    chip = put(store, "Haircut", at(TODAY, 15))
    w.refresh()
    v = w.view
    assert isinstance(v, MonthView)
    v.repaint()
    bar_key = next(it.key for it in w.model.items() if it.title == "Team offsite")
    r = v.item_rect(bar_key)
    assert r is not None
    assert close(pixel(v, r.left() + 3, r.center().y()), colour)
    cr = v.item_rect(f"{chip.uid}/")
    assert cr is not None
    drag(v, cr.center().toPoint(), v.point_for_day(TODAY + timedelta(days=1)), paint=True)
    assert store.get_event(chip.id).start != chip.start  # it moved
    v.repaint()
    r = v.item_rect(bar_key)
    assert r is not None
    got = pixel(v, r.left() + 3, r.center().y())
    assert close(got, colour), (got.name(), colour.name())


# ---------------------------------------------------------------- defect 3


def test_saving_a_new_all_day_event_keeps_the_week_grid_where_it_was(window: MainWindow,
                                                                     qtbot) -> None:
    v = window.view
    assert isinstance(v, TimeGridView)
    qtbot.waitUntil(lambda: v.scroll_area.verticalScrollBar().value() > 0)
    sb = v.scroll_area.verticalScrollBar()
    sb.setValue(13 * HOUR_H)
    before = sb.value()

    def fill(editor: EventEditor) -> str:
        QTest.keyClicks(editor.title, "Holiday")
        editor.all_day.setChecked(True)
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    sel = window.view.selected_item()
    assert sel is not None and sel.title == "Holiday" and sel.all_day
    drain_events()
    assert sb.value() == before
    # and paging on keeps the hours the user was looking at
    window.navigation.step(1)
    drain_events()
    assert sb.value() == before


# ------------------------------------------------------------ 11: search


def _search(window: MainWindow, text: str) -> None:
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.search_field, text)
    QTest.keyClick(window.search_field, Qt.Key.Key_Return)


def test_esc_closes_the_search_panel_after_enter_jumped_to_a_result(make_window,
                                                                    store) -> None:
    window = make_window("agenda")  # Enter switches to the week view to show the event
    put(store, "Dentist", at(TODAY + timedelta(days=9), 11))
    _search(window, "dentist")
    assert window.search_panel.isVisible()
    assert window.view.selected_item() is not None
    focus = window.focusWidget()
    assert focus is window.view  # Enter showed the event in the week view
    QTest.keyClick(focus, Qt.Key.Key_Escape)
    assert not window.search_panel.isVisible()
    # the jump stays: the event is still shown and selected
    sel = window.view.selected_item()
    assert sel is not None and sel.title == "Dentist"


def test_esc_in_the_results_list_closes_the_panel(window: MainWindow, store) -> None:
    put(store, "Dentist", at(TODAY, 11))
    _search(window, "dentist")
    window.search_panel.list.setFocus()
    QTest.keyClick(window.search_panel.list, Qt.Key.Key_Escape)
    assert not window.search_panel.isVisible()


def test_the_calendar_dot_shows_in_the_selected_search_row(window: MainWindow, store) -> None:
    # The default calendar is blue, like the selection: the dot must still stand out.
    put(store, "Dentist", at(TODAY, 11))
    _search(window, "dentist")
    lst = window.search_panel.list
    idx = window.search_model.index(0)
    assert lst.selectionModel().isSelected(idx)
    rect = lst.visualRect(idx)
    img = lst.viewport().grab().toImage()
    dpr = img.devicePixelRatio()
    background = QtGui.QColor(window.ctx.theme.accent)
    # left of the text: only the dot is drawn there
    differing = sum(1 for x in range(rect.left(), rect.left() + 26)
                    for y in range(rect.top() + 2, rect.bottom() - 2)
                    if not close(img.pixelColor(int(x * dpr), int(y * dpr)), background, 60))
    assert differing >= 12, "the dot is not visible on the selected row"


# ------------------------------------------------- 11: the time grid header


def _accent_runs(img: QtGui.QImage, x: int, y0: int, y1: int, accent: QtGui.QColor
                 ) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    dpr = img.devicePixelRatio()
    for y in range(y0, y1):
        if close(img.pixelColor(int(x * dpr), int(y * dpr)), accent, 40):
            if runs and runs[-1][1] == y - 1:
                runs[-1] = (runs[-1][0], y)
            else:
                runs.append((y, y))
    return runs


def test_the_today_circle_and_the_cursor_underline_do_not_touch(window: MainWindow,
                                                                qtbot) -> None:
    v = window.view
    assert isinstance(v, TimeGridView) and v.anchor == TODAY
    window.activateWindow()
    v.setFocus()
    qtbot.waitUntil(v.hasFocus)
    i = v.days().index(TODAY)
    h = v.header
    w = h._colw()
    x = int(GUTTER + i * w + w / 2)
    img = h.grab().toImage()
    # below the digits: the bottom of today's circle, then the underline
    runs = _accent_runs(img, x, 46, h.height(), QtGui.QColor(window.ctx.theme.accent))
    assert len(runs) == 2, f"circle and underline should be apart: {runs}"
    assert runs[1][0] - runs[0][1] >= 3, runs


def test_show_week_numbers_also_numbers_the_week_and_day_views(window: MainWindow,
                                                              settings) -> None:
    v = window.view
    assert isinstance(v, TimeGridView)
    settings.set("ui/week_numbers", False)
    corner = QtCore.QRect(0, 0, 56, 56)
    off = v.header.grab(corner).toImage()
    settings.set("ui/week_numbers", True)
    assert v.header.grab(corner).toImage() != off  # something is painted in the corner
    assert v.header.week_label() == "W48"  # it is the week of 23-29 November 2026
    fmt = QtWidgets.QCalendarWidget.VerticalHeaderFormat
    assert window.sidebar.mini.verticalHeaderFormat() == fmt.ISOWeekNumbers
    window.view_switcher.set_view("day")
    window.navigation.set_date(date(2027, 1, 3))  # a Sunday: ISO week 53 of 2026
    day = window.view
    assert isinstance(day, TimeGridView)
    assert day.header.week_label() == "W53"
    settings.set("ui/week_numbers", False)
    assert day.header.week_label() == ""
    assert window.sidebar.mini.verticalHeaderFormat() == fmt.NoVerticalHeader


# ------------------------------------------------------------ 11: toolbar


def _x_in_window(w: MainWindow, widget: QtWidgets.QWidget) -> int:
    return widget.mapTo(w, QtCore.QPoint(0, 0)).x()


def test_the_view_switcher_stays_put_while_the_title_changes_width(window: MainWindow,
                                                                  qtbot) -> None:
    window.resize(1280, 820)
    switcher = window.findChild(QtWidgets.QFrame, "viewSwitcher")
    assert switcher is not None
    xs = set()
    for d in (date(2026, 5, 13), date(2026, 12, 30), date(2026, 9, 16)):
        window.navigation.set_date(d)  # "11 – 17 May 2026", "28 Dec 2026 – 3 Jan 2027", ...
        drain_events()
        xs.add(_x_in_window(window, switcher))
    window.view_switcher.set_view("day")
    drain_events()
    xs.add(_x_in_window(window, switcher))
    assert len(xs) == 1, xs


def test_the_search_field_stays_at_narrow_widths(window: MainWindow) -> None:
    for width in (1000, 950, 900):
        window.resize(width, 820)
        drain_events()
        f = window.search_field
        assert f.isVisible(), width
        x = _x_in_window(window, f)
        assert x > 0 and x + f.width() <= window.width(), (width, x, f.width())
        assert f.width() >= 140
        for b in window.view_buttons.values():
            assert b.isVisible()
    # the title gives way: it is cut with "…" and whole on hover
    window.resize(900, 820)
    window.navigation.set_date(date(2026, 12, 30))
    drain_events()
    window.view_switcher.set_view("day")
    drain_events()
    title = window.title_label
    assert title.text() == "Wednesday, 30 December 2026"
    shown = title.shown_text()  # type: ignore[attr-defined]
    assert title.fontMetrics().horizontalAdvance(shown) <= title.contentsRect().width()
    if shown != title.text():  # short names first ("Wed, 30 Dec 2026"), then "…"
        assert shown.startswith("Wed") and title.toolTip() == title.text()


# ------------------------------------------------------ 4: narrow month chips


def _darkest(img: QtGui.QImage, x0: float, x1: float, y0: float, y1: float) -> QtGui.QColor:
    dpr = img.devicePixelRatio()
    best = QtGui.QColor("white")
    for x in range(int(x0 * dpr), int(x1 * dpr)):
        for y in range(int(y0 * dpr), int(y1 * dpr)):
            c = img.pixelColor(x, y)
            if c.lightness() < best.lightness():
                best = c
    return best


def test_narrow_month_chips_show_the_title_before_the_time(make_window, store) -> None:
    w = make_window("month")
    ev = put(store, "Team stand-up", at(TODAY + timedelta(days=1), 9, 30))
    w.resize(950, 820)
    w.refresh()
    drain_events()
    v = w.view
    assert isinstance(v, MonthView)
    v.grab()
    r = v.item_rect(f"{ev.uid}/")
    assert r is not None and r.width() < 110  # a narrow cell
    img = v.grab().toImage()
    # right of the dot: the title's dark bold letters, not the muted time "09:30"
    got = _darkest(img, r.left() + 15, r.left() + 45, r.top() + 2, r.bottom() - 2)
    text = QtGui.QColor(w.ctx.theme.text)
    assert close(got, text, 40), (got.name(), text.name(), w.ctx.theme.muted)
    # with room, the time stays
    w.resize(1600, 900)
    drain_events()
    r = v.item_rect(f"{ev.uid}/")
    assert r is not None and r.width() > 150
    img = v.grab().toImage()
    got = _darkest(img, r.left() + 15, r.left() + 40, r.top() + 2, r.bottom() - 2)
    assert not close(got, text, 25), got.name()


# ------------------------------------------------- 4: overlaps in the time grid

THU = TODAY + timedelta(days=1)


def _blocks(window: MainWindow, titles: list[str]) -> list[tuple[QtCore.QRectF, object]]:
    v = window.view
    assert isinstance(v, TimeGridView)
    v.relayout()
    out = [(r, p) for r, p in v.piece_rects() if p.item.title in titles]
    assert len(out) == len(titles)
    return out


def _title_zone(r: QtCore.QRectF) -> QtCore.QRectF:
    return QtCore.QRectF(r.left() + 7, r.top(), 60, 18)  # where the title's first letters go


def test_three_overlapping_meetings_keep_readable_titles_at_the_default_size(
        window: MainWindow) -> None:
    assert (window.width(), window.height()) == (1280, 820)
    put(window.store, "Architecture sync", at(THU, 10), 60)
    put(window.store, "Hiring panel", at(THU, 10, 30), 90)
    put(window.store, "Customer call — Northwind", at(THU, 11), 45)
    window.refresh()
    blocks = _blocks(window, ["Architecture sync", "Hiring panel", "Customer call — Northwind"])
    for i, (r, p) in enumerate(blocks):
        assert r.width() >= 90, (p.item.title, r.width())  # was ~40: "Ar…", "Hi…", "Cu…"
        for later, _q in blocks[i + 1:]:  # painted after it, so on top
            assert not later.intersects(_title_zone(r)), p.item.title


def test_meetings_starting_together_keep_a_minimum_width_and_show_whole_on_hover(
        window: MainWindow) -> None:
    titles = ["Budget review", "1:1 with Dana", "Quarterly taxes call"]
    put(window.store, titles[0], at(THU, 15), 60)
    put(window.store, titles[1], at(THU, 15), 30)
    put(window.store, titles[2], at(THU, 15, 15), 45)
    window.refresh()
    v = window.view
    assert isinstance(v, TimeGridView)
    blocks = _blocks(window, titles)
    for r, p in blocks:
        assert r.width() >= 64, (p.item.title, r.width())
    # each one can be pointed at, and hovering shows it whole
    for r, p in blocks:
        later = [q for q, _ in blocks if q.left() > r.left()]
        right = min([q.left() for q in later], default=r.right())
        pos = QtCore.QPoint(int((r.left() + right) / 2), int(r.top() + 6))
        assert v.piece_at(QtCore.QPointF(pos)) is p
        QtWidgets.QApplication.sendEvent(
            v.grid, QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, pos, v.grid.mapToGlobal(pos)))
        assert p.item.title in QtWidgets.QToolTip.text()
    QtWidgets.QToolTip.hideText()


def test_a_long_event_and_one_starting_later_cascade_instead_of_splitting() -> None:
    from aurora_core.model import Occurrence
    from aurora_desktop.ui.layout import layout_day_columns, to_items
    from tests.helpers.ui import ZONE

    evs = [Event.new("c", t, at(THU, h, m), at(THU, h2, m2)) for t, h, m, h2, m2 in (
        ("Focus", 13, 0, 16, 0), ("Call", 14, 0, 14, 30), ("Sync", 14, 10, 15, 0))]
    items = to_items([Occurrence(e, e.start, e.end) for e in evs], ZONE, {})
    ps = {p.item.title: p for p in layout_day_columns(items, [THU])}
    assert (ps["Focus"].col, ps["Focus"].indent) == (0, 0)
    assert (ps["Call"].col, ps["Call"].indent) == (0, 1)  # an hour later: over Focus
    assert ps["Focus"].covered_from is not None and ps["Focus"].covered_from.hour == 14
    assert ps["Sync"].col == 1  # 10 minutes after Call: beside it
    assert ps["Focus"].ncols == ps["Call"].ncols == 2 and ps["Call"].crowded


def test_a_cut_wrapped_title_ends_in_an_ellipsis(qapp) -> None:  # type: ignore[no-untyped-def]
    from aurora_desktop.ui import painters

    font = painters.ui_font(8.5, QtGui.QFont.Weight.DemiBold)
    fm = painters.metrics(font)
    title = "Architecture review of the synchronisation protocol"
    lines = painters.wrap_title(font, title, 70, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("\u2026")
    assert all(fm.horizontalAdvance(s) <= 70 for s in lines)
    # a word longer than the line is cut with "…" too, not clipped mid-letter
    lines = painters.wrap_title(font, "Architecture sync", 50, 2)
    assert lines[0].endswith("\u2026") and fm.horizontalAdvance(lines[0]) <= 50
    assert painters.wrap_title(font, "Team lunch", 200, 2) == ["Team lunch"]
