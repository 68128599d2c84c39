"""The main window: toolbar, sidebar, views, search, menus, status bar.

Public hooks for other parts of the app (reminders, tray, sync):
``show_event(event_id, occurrence_start)``, ``new_event()``, ``go_today()``,
``set_agenda_today()``, ``show_message()`` / ``add_status_widget()``,
``add_settings_page(factory)``, ``add_file_action(action)``, ``add_view_action(action)``, ``hide_on_close``
(a callable: True hides the window on close instead of quitting) and
``account_signed_in`` (a callable the account UI sets; the editor asks it).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from aurora_core.model import (
    AllDayDate,
    Calendar,
    EventTime,
    FloatingTime,
    ValidationError,
    ZonedTime,
    get_zone,
    new_id,
)
from aurora_core.recurrence import first_instance_on_or_after
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, is_alive
from aurora_desktop.settings import Settings
from aurora_desktop.store import ChangeNotice, Store, StoreError
from aurora_desktop.ui import colors, icons, theme
from aurora_desktop.ui.controller import Controller, Scope
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.fmt import Formatter
from aurora_desktop.ui.layout import Item
from aurora_desktop.ui.models import AgendaModel, CalendarListModel, OccurrenceModel, SearchModel
from aurora_desktop.ui.search_panel import SearchPanel
from aurora_desktop.ui.sidebar import Sidebar
from aurora_desktop.ui.toolbar import build_toolbar
from aurora_desktop.ui.views.base import CalendarView, ViewContext
from aurora_desktop.ui.views.month import MonthView

if TYPE_CHECKING:  # imported when first used: they are not needed to show the window
    from aurora_desktop.ui import dialogs
    from aurora_desktop.ui.editor import EventEditor
    from aurora_desktop.ui.importexport import ImportJob, ImportSummary

log = logging.getLogger("aurora.ui")


VIEWS = [("day", "Day", "D"), ("week", "Week", "W"), ("workweek", "Work week", "X"),
         ("month", "Month", "M"), ("agenda", "Agenda", "A")]
VIEW_NAMES = tuple(name for name, _label, _key in VIEWS)


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, store: Store, settings: Settings, *, zone: tzinfo, zone_name: str,
                 now: Callable[[], datetime] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.zone = zone
        self.zone_name = zone_name
        self.setWindowTitle("Aurora Time")
        self.setAccessibleName("Aurora Time")
        self.hide_on_close: Callable[[], bool] = lambda: False
        self.account_signed_in: Callable[[], bool] | None = None  # set by ui/account.py
        self._closed = False
        self._shown_once = False
        self._search_icon: QtGui.QAction | None = None
        self._settings_pages: list[Callable[[], dialogs.SettingsPage]] = []
        self._jobs: list[ImportJob] = []

        self.ctx = ViewContext(zone=zone)
        if now is not None:
            self.ctx.now = now
        self._read_display_settings()

        self.undo_stack = QtGui.QUndoStack(self)
        self.controller = Controller(store, self.undo_stack, zone, zone_name, self)
        self.controller.ask_scope = self._ask_scope
        self.controller.report_error = self.report_error

        self.model = OccurrenceModel(store, zone, self)
        self.model.failed.connect(self._read_failed)
        # The neighbouring pages are read once the window has been painted (start-up time).
        self.model.hold_prefetch(True)
        after_first_paint(self, self._after_first_paint)
        self.agenda_model = AgendaModel(store, zone, self)
        self.calendar_model = CalendarListModel(store, self)
        self.search_model = SearchModel(self)

        # Views are built the first time they are shown (see view_widget).
        self.views: dict[str, CalendarView] = {}
        self.stack = QtWidgets.QStackedWidget()
        self.stack.setAccessibleName("Calendar views")
        self.current_view = "week"
        self.date = self.ctx.today()

        self._build_toolbar()
        self._build_sidebar_and_search()
        self._build_actions()
        self._build_menus()
        from aurora_desktop.ui.quick_add import install_quick_add

        self.quick_add = install_quick_add(self)  # the field under "New event"; Ctrl+Shift+N
        self.status_label = QtWidgets.QLabel()
        self.status_label.setObjectName("statusRange")
        self.status_label.setAccessibleName("Shown range")
        # A permanent widget (right-hand side): transient messages (show_message,
        # status tips) are drawn left of it and never over it.
        self.statusBar().addPermanentWidget(self.status_label)

        self._show_week_numbers()
        store.subscribe(self._on_store_change)
        self.settings.changed.connect(self._on_setting)
        self.apply_theme()
        self._restore_state()
        from aurora_desktop.ui.undo_notice import install_undo_notice

        self.undo_notice = install_undo_notice(self, self.undo_stack)  # "Deleted “x”  Undo"

    # ================================================================ building
    def _build_toolbar(self) -> None:
        bar = self.nav_bar = build_toolbar(self, VIEWS, self.go_today, self.step)
        self.today_button, self.prev_button = bar.today_button, bar.prev_button
        self.next_button, self.title_label = bar.next_button, bar.title_label
        self.title_label.today = self.ctx.today  # short of room, this year's titles drop it
        self.view_buttons = bar.view_buttons
        bar.viewChosen.connect(self.set_view)
        self.search_field = bar.search_field
        self.search_field.returnPressed.connect(self._search_enter)
        self._search_timer = QtCore.QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.installEventFilter(self)

    def _build_sidebar_and_search(self) -> None:
        self.sidebar = Sidebar(self.calendar_model)
        self.sidebar.newEventRequested.connect(self.new_event)
        self.sidebar.mini.dayChosen.connect(self.set_date)
        self.sidebar.addCalendarRequested.connect(self.add_calendar)
        self.sidebar.editCalendarRequested.connect(self.edit_calendar)
        self.sidebar.deleteCalendarRequested.connect(self.delete_calendar)
        self.search_panel = SearchPanel(self.search_model, self)
        self.search_panel.chosen.connect(self._search_chosen)
        self.search_panel.closeRequested.connect(self.close_search)
        self.search_heading = self.search_panel.heading
        self.search_list = self.search_panel.list
        self.close_search_button = self.search_panel.close_button
        central = QtWidgets.QWidget()
        lay = QtWidgets.QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.sidebar)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.search_panel)
        self.setCentralWidget(central)

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: str | QtGui.QKeySequence | QtGui.QKeySequence.StandardKey |
                list[QtGui.QKeySequence] | None = None, tip: str = "") -> QtGui.QAction:
        a = QtGui.QAction(text, self)
        a.triggered.connect(lambda _=False: slot())
        if isinstance(shortcut, list):
            a.setShortcuts(shortcut)
        elif shortcut is not None:
            a.setShortcut(QtGui.QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        K = QtGui.QKeySequence
        self.act_new = self._action("&New event…", self.new_event, K.StandardKey.New)
        self.act_import = self._action("&Import .ics…", self.import_ics, "Ctrl+I")
        self.act_export = self._action("&Export .ics…", self.export_ics, "Ctrl+E")
        self.act_quit = self._action("&Quit", self.quit, K.StandardKey.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([K("Ctrl+Z")])
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([K("Ctrl+Shift+Z"), K("Ctrl+Y")])
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_edit = self._action("&Open event…", self.edit_selected)
        self.act_delete = self._action("&Delete event", self.delete_selected, K.StandardKey.Delete)
        self.act_find = self._action("&Find…", self.focus_search, K.StandardKey.Find)
        self.act_settings = self._action("&Settings…", self.open_settings, "Ctrl+,")
        self.act_today = self._action("&Today", self.go_today, "T")
        self.act_prev = self._action("&Previous", lambda: self.step(-1),
                                     [K("PgUp"), K("Alt+Left")])
        self.act_next = self._action("&Next", lambda: self.step(1), [K("PgDown"), K("Alt+Right")])
        self.view_actions: dict[str, QtGui.QAction] = {}
        for name, label, key in VIEWS:
            a = self._action(label, partial(self.set_view, name), key)
            a.setCheckable(True)
            self.view_actions[name] = a
        self.act_weeknumbers = self._action(
            "Show &week numbers",
            lambda: self.settings.set("ui/week_numbers", self.act_weeknumbers.isChecked()))
        self.act_weeknumbers.setCheckable(True)
        self.act_weeknumbers.setChecked(bool(self.settings.get("ui/week_numbers")))
        self.act_sidebar = self._action("Show &sidebar", self._toggle_sidebar, "F9")
        self.act_sidebar.setCheckable(True)
        self.act_sidebar.setChecked(True)
        self.act_shortcuts = self._action("&Keyboard shortcuts", self.show_shortcuts,
                                          [K("F1"), K("Ctrl+?")])
        self.act_about = self._action("&About Aurora Time", self.about)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = self.file_menu = mb.addMenu("&File")
        f.addAction(self.act_new)
        f.addSeparator()
        f.addAction(self.act_import)
        f.addAction(self.act_export)
        f.addSeparator()
        f.addAction(self.act_quit)
        e = mb.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo):
            e.addAction(a)
        e.addSeparator()
        e.addAction(self.act_edit)
        e.addAction(self.act_delete)
        e.addSeparator()
        e.addAction(self.act_find)
        e.addSeparator()
        e.addAction(self.act_settings)
        v = self.view_menu = mb.addMenu("&View")
        for name, _l, _k in VIEWS:
            v.addAction(self.view_actions[name])
        v.addSeparator()
        v.addAction(self.act_today)
        v.addAction(self.act_prev)
        v.addAction(self.act_next)
        v.addSeparator()
        v.addAction(self.act_weeknumbers)
        v.addAction(self.act_sidebar)
        h = mb.addMenu("&Help")
        h.addAction(self.act_shortcuts)
        h.addAction(self.act_about)
        self.help_menu = h

    # ================================================================= theme
    def apply_theme(self) -> None:
        t = theme.resolve(self.settings.get("ui/theme"))
        self.ctx.theme = t
        app = QtWidgets.QApplication.instance()
        if isinstance(app, QtWidgets.QApplication):
            theme.apply(app, t, polish_dialogs=False)  # installed after the first paint
        self.prev_button.setIcon(icons.icon("chevron-left", t.text))
        self.next_button.setIcon(icons.icon("chevron-right", t.text))
        if self._search_icon is None:
            self._search_icon = self.search_field.addAction(
                icons.icon("search", t.muted), QtWidgets.QLineEdit.ActionPosition.LeadingPosition)
        else:
            self._search_icon.setIcon(icons.icon("search", t.muted))
        self.sidebar.set_icons(lambda n: icons.icon(n, t.muted, 16))
        self.close_search_button.setIcon(icons.icon("close", t.muted, 14))
        self.sidebar.new_button.setIcon(icons.icon("plus", t.accent_text))
        self.sidebar.new_button.setStyleSheet(
            f"QPushButton {{ background: {t.accent}; color: {t.accent_text}; border: none; "
            f"border-radius: 8px; padding: 8px 14px; font-weight: 600; text-align: left; }}"
            f"QPushButton:hover {{ background: {colors.mix(t.c('accent'), t.c('text'), 0.12).name()};"
            f" }}")
        self.sidebar.mini.style_for(t.text, t.muted, t.accent)
        self.sidebar.mini.set_arrow_icons(icons.icon("chevron-left", t.muted, 16),
                                          icons.icon("chevron-right", t.muted, 16))
        for v in self.views.values():
            v.update_view()

    def _read_display_settings(self) -> None:
        s = self.settings
        ws = s.get("ui/week_start") or QtCore.QLocale().firstDayOfWeek().value
        self.ctx.week_start = int(ws)
        self.ctx.fmt = Formatter(s.get("ui/clock_24h"))
        self.ctx.work_start = int(s.get("ui/work_start_hour"))
        self.ctx.work_end = max(int(s.get("ui/work_end_hour")), self.ctx.work_start + 1)
        self.ctx.week_numbers = bool(s.get("ui/week_numbers"))
        try:
            days = tuple(int(x) for x in str(s.get("ui/work_days")).split(",") if x.strip())
        except ValueError:
            days = (1, 2, 3, 4, 5)
        self.ctx.work_days = days or (1, 2, 3, 4, 5)

    def _show_week_numbers(self) -> None:
        """View → Show week numbers: the month view, the time grids' corner and the mini month."""
        fmt = QtWidgets.QCalendarWidget.VerticalHeaderFormat
        want = fmt.ISOWeekNumbers if self.ctx.week_numbers else fmt.NoVerticalHeader
        if self.sidebar.mini.verticalHeaderFormat() != want:
            self.sidebar.mini.setVerticalHeaderFormat(want)

    def set_zone(self, zone_name: str) -> None:
        """Show times in ``zone_name`` (an IANA name; '' = the system zone)."""
        from aurora_desktop.systemzone import system_zone_name

        name = zone_name or system_zone_name()
        try:
            zone = get_zone(name)
        except ValidationError:
            name, zone = "UTC", get_zone("UTC")
        self.zone, self.zone_name = zone, name
        self.ctx.zone = zone
        self.controller.zone, self.controller.zone_name = zone, name
        self.agenda_model.set_zone(zone)
        self.model.set_zone(zone)
        self.refresh()

    def _on_setting(self, key: str) -> None:
        if key == "ui/theme":
            self.apply_theme()
        elif key == "ui/time_zone":
            self.set_zone(self.settings.get("ui/time_zone"))
        elif key.startswith("ui/"):
            self._read_display_settings()
            self._show_week_numbers()
            for v in self.views.values():
                relayout = getattr(v, "relayout", None)
                if callable(relayout):
                    relayout()
            self.refresh()

    # ============================================================ navigation
    @property
    def view(self) -> CalendarView:
        return self.view_widget(self.current_view)

    def view_widget(self, name: str) -> CalendarView:
        """The view called ``name``, built and wired on first use."""
        v = self.views.get(name)
        if v is not None:
            return v
        if name == "month":
            v = MonthView(self.model, self.ctx)
        elif name == "agenda":
            from aurora_desktop.ui.views.agenda import AgendaView

            v = AgendaView(self.model, self.agenda_model, self.ctx)
            v.listed.connect(self._update_status)
        else:
            from aurora_desktop.ui.views.timegrid import TimeGridView

            v = TimeGridView(self.model, self.ctx, name)
        self.views[name] = v
        self.stack.addWidget(v)
        v.itemActivated.connect(self.edit_item)
        v.createRequested.connect(self._create_from_view)
        v.changeRequested.connect(self._change_from_view)
        v.dayActivated.connect(self._open_day)
        v.cursorMoved.connect(self.set_date)
        v.selectionChanged.connect(self._update_actions)
        return v

    def set_view(self, name: str) -> None:
        if name not in VIEW_NAMES:
            return
        self.view_widget(name)
        self.current_view = name
        for n, v in self.views.items():
            v.active = n == name
        self.stack.setCurrentWidget(self.views[name])
        for n, b in self.view_buttons.items():
            b.setChecked(n == name)
        for n, a in self.view_actions.items():
            a.setChecked(n == name)
        self.refresh()
        if self.isVisible():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_date(self, d: date) -> None:
        self.date = d
        self.refresh()

    def step(self, n: int) -> None:
        self.set_date(self.view.step(self.date, n))

    def go_today(self) -> None:
        self.set_date(self.ctx.today())
        self.view.scroll_to_time(self.ctx.now_wall())

    def set_agenda_today(self) -> None:
        """Show the agenda from today (the tray's "Show agenda")."""
        self.set_view("agenda")
        self.go_today()

    def _open_day(self, d: date) -> None:
        self.date = d
        self.set_view("day")

    def refresh(self) -> None:
        """Load the current view's range and repaint."""
        v = self.view
        v.set_anchor(self.date)
        first, end = v.visible_range(self.date)
        neighbours = tuple(v.visible_range(v.step(self.date, n)) for n in (1, -1))
        self.model.load(first, end, neighbours)
        days = v.days()
        self.title_label.setText(self.ctx.fmt.range_title(days[0], days[-1], self.current_view))
        self.sidebar.mini.show_date(self.date, self.ctx.week_start)
        self._update_status()
        self._update_actions()

    def _update_status(self) -> None:
        if self.current_view == "agenda":  # what it lists, which grows as it scrolls
            self.status_label.setText(self.views["agenda"].status_text())  # type: ignore[attr-defined]
            return
        days = self.view.days()
        n = len(self.model.items())
        if self.current_view == "agenda":
            span = f"From {self.ctx.fmt.short_date(days[0])}"
        elif len(days) == 1:
            span = self.ctx.fmt.long_date(days[0])
        else:
            span = f"{self.ctx.fmt.short_date(days[0])} – {self.ctx.fmt.short_date(days[-1])}"
        self.status_label.setText(f"{span}  ·  {n} event{'s' if n != 1 else ''}")

    def _update_actions(self, *_: object) -> None:
        has = self.view.selected_item() is not None
        self.act_edit.setEnabled(has)
        self.act_delete.setEnabled(has)

    # ========================================================== status hooks
    def show_message(self, text: str, timeout_ms: int = 4000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def add_view_action(self, action: QtGui.QAction) -> None:
        """Add an action at the end of the View menu (after a separator) and its shortcut."""
        self.view_menu.addSeparator()
        self.view_menu.addAction(action)
        self.addAction(action)

    def add_file_action(self, action: QtGui.QAction) -> None:
        """Add an entry to the File menu, in its own group above Quit."""
        self.file_menu.insertAction(self.act_quit, action)
        self.file_menu.insertSeparator(self.act_quit)

    def add_status_widget(self, widget: QtWidgets.QWidget, permanent: bool = True) -> None:
        if permanent:
            self.statusBar().addPermanentWidget(widget)
        else:
            self.statusBar().addWidget(widget)

    def _read_failed(self, message: str) -> None:
        # Shown in the status bar (a dialog per page would be a storm of them).
        log.warning("%s", message)
        self.show_message(message, 15_000)

    def report_error(self, message: str) -> None:
        from aurora_desktop.ui import dialogs

        log.warning("%s", message)
        dialogs.error_box(self, "Aurora Time", message)

    def _ask_scope(self, verb: str, following: bool) -> Scope | None:
        from aurora_desktop.ui import dialogs

        return dialogs.ask_scope(self, verb, following)

    # ========================================================= store changes
    def _on_store_change(self, notice: ChangeNotice) -> None:
        # A closed window stays subscribed to the store (which outlives it): ignore notices.
        if self._closed or not is_alive(self):
            return
        if notice.calendar_ids:
            self.calendar_model.refresh()
        if notice.event_ids or notice.calendar_ids:
            self.model.reload()
            if self.current_view == "agenda":
                self.views["agenda"].reload()  # type: ignore[attr-defined]
            self._update_status()
            if self.search_panel.isVisible():
                self.run_search()

    def reload_all(self) -> None:
        self.calendar_model.refresh()
        self.model.reload()
        if self.current_view == "agenda":
            self.views["agenda"].reload()  # type: ignore[attr-defined]
        self._update_status()

    # ================================================================ editing
    def _calendars(self) -> list[Calendar]:
        return self.store.calendars()

    def _default_calendar_id(self) -> str | None:
        cid = self.settings.get("ui/default_calendar")
        cals = {c.id: c for c in self._calendars() if not c.read_only}
        if cid in cals:
            return cals[cid].id
        candidates = [c for c in cals.values() if c.visible] or list(cals.values())
        return candidates[0].id if candidates else None

    def make_editor(self, **kw: object) -> EventEditor:
        """Build the editor (tests patch this to drive it)."""
        from aurora_desktop.ui.editor import EventEditor

        return EventEditor(self._calendars(), zone_name=self.zone_name, h24=self.ctx.fmt.h24,
                           default_reminder=int(self.settings.get("ui/default_reminder")),
                           default_all_day_reminder=int(
                               self.settings.get("ui/default_all_day_reminder")),
                           signed_in=self.account_signed_in, parent=self, **kw)  # type: ignore[arg-type]

    def run_editor(self, editor: EventEditor) -> str:
        """Show the editor modally; returns its action ("save", "delete" or "")."""
        editor.exec()
        return editor.result_action

    def new_event(self, start: datetime | None = None, end: datetime | None = None,
                  all_day: bool = False) -> None:
        if start is None:
            now = self.ctx.now_wall()
            base = self.date if self.current_view != "agenda" else now.date()
            hour = now.hour + 1 if base == now.date() else max(self.ctx.work_start, 9)
            start = datetime.combine(base, time(min(hour, 23)))
            end = start + timedelta(hours=1)
        editor = self.make_editor(start=start, end=end, all_day=all_day,
                                  calendar_id=self._default_calendar_id())
        if self.run_editor(editor) == "save":
            try:
                ev = editor.edited_event()
            except ValidationError as exc:
                self.report_error(str(exc))
                return
            if self.controller.create(ev):
                self.show_event(ev.id, None, switch=False)

    def _create_from_view(self, start: datetime, end: datetime, all_day: bool) -> None:
        self.new_event(start, end, all_day)

    def edit_item(self, item: Item) -> None:
        occ = item.occ
        series_rule = None
        if occ.event.recurrence_id is not None:  # an override: show the series' rule
            master, _ = self.store.series(occ.event.uid)
            series_rule = master.rrule if master is not None else None
        editor = self.make_editor(event=occ.event, occurrence=occ, series_rule=series_rule)
        editor.ask_scope = lambda ev: self.controller.scope_for_edit(occ, ev)
        action = self.run_editor(editor)
        if action == "delete":
            self.controller.delete(occ)
        elif action == "save":
            try:
                ev = editor.edited_event()
                if editor.locked is not None:  # a subscription's event: only its reminders
                    self.store.set_subscription_reminders(occ.event.id, ev.reminders)
                    return
            except (ValidationError, StoreError) as exc:
                self.report_error(str(exc))
                return
            self.controller.update(occ, ev, editor.scope)

    def edit_selected(self) -> None:
        it = self.view.selected_item()
        if it is not None:
            self.edit_item(it)

    def delete_selected(self) -> None:
        it = self.view.selected_item()
        if it is not None:
            self.controller.delete(it.occ)

    def _change_from_view(self, item: Item, start: datetime, end: datetime) -> None:
        self.controller.move(item.occ, start, end)  # the undo notice says it (undo_notice.py)

    # ============================================================= show_event
    def show_event(self, event_id: str, occurrence_start: datetime | EventTime | None,
                   switch: bool = True) -> bool:
        """Jump to an event's occurrence (or its next one) and select it.

        ``occurrence_start``: the occurrence's start (aware datetime, naive wall
        time in the user's zone, or a model time); None means the event's start
        or, for a series, its next occurrence from today.
        """
        try:
            ev = self.store.get_event(event_id)
        except (KeyError, StoreError):
            self.show_message("That event no longer exists.")
            return False
        when = self._wall_of(occurrence_start) if occurrence_start is not None else None
        if when is None:
            t: EventTime = ev.start
            if ev.is_recurring:
                nxt = first_instance_on_or_after(ev, self.ctx.today())
                t = nxt or ev.start
            when = self._wall_of(t)
        if switch and self.isHidden():
            self.show()
        if switch:
            self.raise_()
            self.activateWindow()
        self.date = when.date()
        self.refresh()
        if not ev.all_day:  # an all-day event is in the all-day row: the hours stay put
            self.view.scroll_to_time(when)
        match = [it for it in self.model.items() if it.occ.event.id == event_id or
                 (it.occ.event.uid == ev.uid and ev.recurrence_id is None)]
        match.sort(key=lambda it: abs((it.start - when).total_seconds()))
        if match:
            self.view.select_key(match[0].key)
            self._update_actions()
            return True
        return False

    def _wall_of(self, t: datetime | EventTime) -> datetime:
        if isinstance(t, ZonedTime):
            return t.at.astimezone(self.zone).replace(tzinfo=None)
        if isinstance(t, AllDayDate):
            return datetime.combine(t.day, time())
        if isinstance(t, FloatingTime):
            return t.wall
        if t.tzinfo is not None:
            return t.astimezone(self.zone).replace(tzinfo=None)
        return t

    # ================================================================ search
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def run_search(self) -> None:
        text = self.search_field.text().strip()
        if not text:
            self.search_panel.hide()
            self.search_model.set_results([], [], {})
            return
        try:
            events = self.store.search(text)
        except StoreError as exc:
            self.report_error(str(exc))
            return
        cals = {c.id: c for c in self._calendars()}
        labels = []
        for ev in events:
            w = self._wall_of(ev.start)
            lab = self.ctx.fmt.short_date(w.date()) + f" {w.year}"
            if not ev.all_day:
                lab += f", {self.ctx.fmt.time(w)}"
            if ev.is_recurring:
                lab += " · repeats"
            if ev.location:
                lab += f" · {ev.location}"
            labels.append(lab)
        self.search_model.set_results(events, labels, {k: c.color for k, c in cals.items()})
        n = len(events)
        self.search_heading.setText(f"{n} RESULT{'S' if n != 1 else ''}" if n else "NO RESULTS")
        self.search_panel.show()

    def close_search(self) -> None:
        self.search_field.clear()
        self.search_panel.hide()
        self.view.setFocus()

    def _search_enter(self) -> None:
        self._search_timer.stop()
        self.run_search()
        if self.search_model.rowCount() > 0:
            idx = self.search_model.index(0)
            self.search_list.setCurrentIndex(idx)
            self._search_chosen(idx)

    def _search_chosen(self, idx: QtCore.QModelIndex) -> None:
        ev = self.search_model.event_at(idx.row())
        if ev is not None:
            if self.current_view == "agenda":
                self.set_view("week")
            self.show_event(ev.id, None)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self.search_field and event.type() == QtCore.QEvent.Type.KeyPress and \
                isinstance(event, QtGui.QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Down and self.search_model.rowCount():
                self.search_list.setFocus()
                self.search_list.setCurrentIndex(self.search_model.index(0))
                return True
            if key == Qt.Key.Key_Escape:
                self.close_search()
                return True
        return super().eventFilter(obj, event)

    # ============================================================= calendars
    def add_calendar(self) -> None:
        from aurora_desktop.ui import dialogs

        dlg = dialogs.CalendarDialog(None, self, new_color=self.store.new_calendar_color(),
                                     taken=[c.name for c in self.store.calendars()])
        if dlg.exec():
            self._put_calendar(Calendar(new_id(), dlg.name.text().strip(), dlg.color))

    def edit_calendar(self, cal_id: str) -> None:
        try:
            cal = self.store.calendar(cal_id)
        except KeyError:
            return
        from aurora_desktop.ui import dialogs

        dlg = dialogs.CalendarDialog(cal, self, taken=[c.name for c in self.store.calendars()
                                                        if c.id != cal.id])
        if dlg.exec():
            self._put_calendar(dataclasses.replace(cal, name=dlg.name.text().strip(),
                                                   color=dlg.color))

    def _put_calendar(self, cal: Calendar) -> None:
        try:
            self.store.put_calendar(cal)
        except (ValidationError, StoreError) as exc:
            self.report_error(f"Cannot save the calendar: {exc}")

    def delete_calendar(self, cal_id: str, confirm: bool = True) -> bool:
        try:
            cal = self.store.calendar(cal_id)
        except KeyError:
            return False
        n = self.store.count_events(cal_id)
        if confirm and n:
            answer = QtWidgets.QMessageBox.question(
                self, "Delete calendar",
                f"Delete the calendar “{cal.name}” and its {n} event{'s' if n != 1 else ''}? "
                "This cannot be undone.")
            if answer != QtWidgets.QMessageBox.StandardButton.Yes:
                return False
        try:
            self.store.delete_calendar(cal_id)
        except StoreError as exc:
            self.report_error(f"Cannot delete the calendar: {exc}")
            return False
        self.undo_stack.clear()  # edits of its events can no longer be undone
        return True

    # ========================================================= import/export
    def import_ics(self, path: Path | None = None, calendar_id: str | None = None) -> None:
        create = None
        if path is None:
            name, _ = QtWidgets.QFileDialog.getOpenFileName(
                self, "Import calendar", str(Path.home()), "iCalendar files (*.ics *.ical);;"
                "All files (*)")
            if not name:
                return
            path = Path(name)
        if calendar_id is None:
            from aurora_desktop.ui.importexport import import_targets

            # Preselected: the calendar already holding its events (docs/import.md)
            t = import_targets(self.store, path)
            choice, ok = QtWidgets.QInputDialog.getItem(self, "Import into", "Import the events "
                                                        "into:", t.labels, t.default, False)
            if not ok:
                return
            cal = t.calendars[t.labels.index(choice)]
            calendar_id = cal.id
            create = cal if cal is t.fresh else None  # made only if anything goes into it
        self.start_import(path, calendar_id, create)

    def start_import(self, path: Path, calendar_id: str,
                     create: Calendar | None = None) -> QtCore.QThread:
        """Import off the GUI thread with a progress dialog; a summary when done."""
        from aurora_desktop.ui.importexport import ImportJob

        job = ImportJob(self.store.path, path, calendar_id, self, create)
        job.done.connect(self._import_done)
        self._jobs.append(job)
        job.start()
        return job.worker_thread

    def _import_done(self, job: object, summary: ImportSummary) -> None:
        self._jobs = [j for j in self._jobs if j is not job]
        # The import wrote through its own connection; the store notices that
        # (PRAGMA data_version) and drops what it had read before.
        self.reload_all()
        self.import_finished(summary)

    def import_finished(self, s: ImportSummary) -> None:
        """Tell the user what was imported and what was skipped (tests override)."""
        if s.error:
            self.report_error(s.error)
            return
        from aurora_desktop.ui.importexport import finished_text, headline

        self.show_message(headline(s))
        text, details = finished_text(s)
        if not details:
            QtWidgets.QMessageBox.information(self, "Import finished", text)
            return
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Information, "Import finished",
                                    text, QtWidgets.QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(details)
        box.exec()

    def export_ics(self, path: Path | None = None, calendar_id: str | None = None) -> int:
        cals = self._calendars()
        if path is None:
            choices = ["All calendars"] + [c.name for c in cals]
            choice, ok = QtWidgets.QInputDialog.getItem(self, "Export", "Export:", choices, 0,
                                                        False)
            if not ok:
                return 0
            i = choices.index(choice)
            calendar_id = None if i == 0 else cals[i - 1].id
            default = "aurora.ics" if calendar_id is None else f"{cals[i - 1].name}.ics"
            name, _ = QtWidgets.QFileDialog.getSaveFileName(
                self, "Export calendar", str(Path.home() / default), "iCalendar files (*.ics)")
            if not name:
                return 0
            path = Path(name)
        from aurora_desktop.ui.importexport import export_ics, exported_text

        try:
            events = self.store.events(calendar_id)
            cal_map = {c.id: c for c in cals}
            n = export_ics(path, events, cal_map,
                           cal_map[calendar_id].name if calendar_id else None)
        except (OSError, StoreError) as exc:
            self.report_error(f"Cannot export to {path}: {exc}")
            return 0
        self.show_message(exported_text(path, events))
        return n

    # ============================================================== settings
    def add_settings_page(self, factory: Callable[[], dialogs.SettingsPage]) -> None:
        """Add a page to the settings dialog (built each time the dialog opens)."""
        self._settings_pages.append(factory)

    def make_settings_dialog(self) -> dialogs.SettingsDialog:
        from aurora_desktop.ui import dialogs

        dlg = dialogs.SettingsDialog(self)
        from aurora_desktop.systemzone import system_zone_name

        dlg.add_page(dialogs.GeneralPage(self.settings, self._calendars(), system_zone_name()))
        for f in self._settings_pages:
            dlg.add_page(f())
        return dlg

    def open_settings(self) -> None:
        self.make_settings_dialog().exec()

    # ================================================================== misc
    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for a in self.actions():
            keys = ", ".join(k.toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                             for k in a.shortcuts())
            if keys:
                # Undo/redo name the last edit ("Undo Create “x”"): the list says "Undo".
                text = {id(self.act_undo): "Undo", id(self.act_redo): "Redo"}.get(id(a), a.text())
                rows.append((text.replace("&", "").rstrip("…"), keys))
        rows += [("Move the day cursor", "Arrow keys"), ("Next / previous event", "Tab / "
                 "Shift+Tab"), ("Open the selected event", "Enter"),
                 ("Drag to create, move; drag the lower edge to resize", "Mouse")]
        return rows

    def show_shortcuts(self) -> None:
        from aurora_desktop.ui import dialogs

        dialogs.shortcuts_dialog(self, self.shortcut_rows()).exec()

    def about(self) -> None:
        from aurora_desktop.ui.about import AboutDialog

        AboutDialog(self).exec()

    def _toggle_sidebar(self) -> None:
        self.sidebar.setVisible(not self.sidebar.isVisible())
        self.act_sidebar.setChecked(self.sidebar.isVisible())

    def quit(self) -> None:
        self._save_state()
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.quit()

    # ================================================================= state
    def _restore_state(self) -> None:
        s = self.settings
        geo = s.get("window/geometry")
        if geo:
            self.restoreGeometry(QtCore.QByteArray(geo))
        else:
            self.resize(1280, 820)
        view = s.get("window/view")
        d = s.get("window/date")
        try:
            self.date = date.fromisoformat(d) if d else self.ctx.today()
        except ValueError:
            self.date = self.ctx.today()
        self.set_view(view if view in VIEW_NAMES else "week")

    def _save_state(self) -> None:
        s = self.settings
        s.set("window/geometry", bytes(self.saveGeometry().data()))
        s.set("window/view", self.current_view)
        s.set("window/date", self.date.isoformat())
        s.sync()

    def _after_first_paint(self) -> None:
        """What start-up leaves until the window has been painted (docs/performance.md)."""
        self.model.hold_prefetch(False)
        app = QtWidgets.QApplication.instance()
        if isinstance(app, QtWidgets.QApplication):
            theme.install_dialog_polish(app)

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:  # keys go to the calendar from the start
            self._shown_once = True
            self.view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self._save_state()
        if self.hide_on_close():
            event.ignore()
            self.hide()
            return
        for job in self._jobs:
            job.stop()
        self._closed = True
        event.accept()
