"""The main window: toolbar, sidebar, views, search, menus, status bar.

The window is the shell: it holds the shared state (the store, the shown
``date`` and ``current_view``, the views' context and models), lays out the
widgets and hands each job to its controller:

- ``navigation`` (ui/navigation.py): the shown date, previous/next, today, refresh;
- ``view_switcher`` (ui/view_switcher.py): the views, built on first use, and switching;
- ``search`` (ui/search_controller.py): the search field and results panel;
- ``event_actions`` (ui/event_actions.py): new/open/delete event, the editor, show_event;
- ``calendar_actions`` (ui/calendar_actions.py): add, edit and delete calendars;
- ``import_export`` (ui/importexport.py): File → Import / Export .ics, off the GUI thread;
- ``menu_actions`` (ui/window_actions.py): the actions, menus, shortcuts list, About;
- ``settings_ui`` (ui/window_settings.py): the Settings dialog, applying a changed setting;
- ui/window_state.py: the geometry, view and date kept between runs.

Public hooks for other parts of the app (reminders, tray, sync):
``show_event(event_id, occurrence_start)``, ``new_event()``, ``set_agenda_today()``,
``refresh()``, ``show_message()`` / ``add_status_widget()``,
``add_settings_page(factory)``, ``add_file_action(action)``, ``add_view_action(action)``, ``hide_on_close``
(a callable: True hides the window on close instead of quitting) and
``account_signed_in`` (a callable the account UI sets; the editor asks it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from aurora_core.model import EventTime
from aurora_core.times import DisplayZone
from aurora_desktop.qt import Qt, QtGui, QtWidgets, is_alive
from aurora_desktop.settings import Settings
from aurora_desktop.store import ChangeNotice, Store
from aurora_desktop.ui import colors, icons, theme
from aurora_desktop.ui.calendar_actions import CalendarActions
from aurora_desktop.ui.controller import Controller, Scope
from aurora_desktop.ui.event_actions import EventActions
from aurora_desktop.ui.first_paint import after_first_paint
from aurora_desktop.ui.importexport import ImportExport
from aurora_desktop.ui.models import AgendaModel, CalendarListModel, OccurrenceModel, SearchModel
from aurora_desktop.ui.navigation import Navigator
from aurora_desktop.ui.search_controller import SearchController
from aurora_desktop.ui.search_panel import SearchPanel
from aurora_desktop.ui.sidebar import Sidebar
from aurora_desktop.ui.toolbar import build_toolbar
from aurora_desktop.ui.view_switcher import VIEWS, ViewSwitcher
from aurora_desktop.ui.views.base import CalendarView, ViewContext
from aurora_desktop.ui.views.kinds import ViewKind
from aurora_desktop.ui.window_actions import WindowActions
from aurora_desktop.ui.window_settings import WindowSettings
from aurora_desktop.ui.window_state import restore_state, save_state

if TYPE_CHECKING:  # imported when first used: they are not needed to show the window
    from aurora_desktop.ui import dialogs

log = logging.getLogger("aurora.ui")


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, store: Store, settings: Settings, *, zone: DisplayZone,
                 now: Callable[[], datetime] | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.zone = zone  # the zone times are shown in (settings: ui/time_zone)
        self.setWindowTitle("Aurora Time")
        self.setAccessibleName("Aurora Time")
        self.hide_on_close: Callable[[], bool] = lambda: False
        self.account_signed_in: Callable[[], bool] | None = None  # set by ui/account.py
        self._closed = False
        self._shown_once = False
        self._search_icon: QtGui.QAction | None = None

        self.ctx = ViewContext(zone=zone)
        if now is not None:
            self.ctx.now = now
        self.settings_ui = WindowSettings(self)  # reads the display settings into ctx

        self.undo_stack = QtGui.QUndoStack(self)
        self.controller = Controller(store, self.undo_stack, zone, self)
        self.controller.ask_scope = self._ask_scope
        self.controller.report_error = self.report_error

        self.model = OccurrenceModel(store, zone.tz, self)
        self.model.failed.connect(self._read_failed)
        # The neighbouring pages are read once the window has been painted (start-up time).
        self.model.hold_prefetch(True)
        after_first_paint(self, self._after_first_paint)
        self.agenda_model = AgendaModel(store, zone.tz, self)
        self.calendar_model = CalendarListModel(store, self)
        self.search_model = SearchModel(self)

        # Views are built the first time they are shown (ui/view_switcher.py).
        self.views: dict[ViewKind, CalendarView] = {}
        self.stack = QtWidgets.QStackedWidget()
        self.stack.setAccessibleName("Calendar views")
        self.current_view = ViewKind.WEEK
        self.date = self.ctx.today()
        self.navigation = Navigator(self)
        self.view_switcher = ViewSwitcher(self)
        self.event_actions = EventActions(self)
        self.calendar_actions = CalendarActions(self)  # add, edit, delete calendars
        self.import_export = ImportExport(self)  # File → Import / Export .ics

        self._build_toolbar()
        self._build_sidebar_and_search()
        self.search = SearchController(self, self.search_field)
        self.menu_actions = WindowActions(self)
        self.file_menu, self.view_menu = self.menu_actions.build_menus()
        from aurora_desktop.ui.quick_add import install_quick_add

        self.quick_add = install_quick_add(self)  # the field under "New event"; Ctrl+Shift+N
        self.status_label = QtWidgets.QLabel()
        self.status_label.setObjectName("statusRange")
        self.status_label.setAccessibleName("Shown range")
        # A permanent widget (right-hand side): transient messages (show_message,
        # status tips) are drawn left of it and never over it.
        self.statusBar().addPermanentWidget(self.status_label)

        self.settings_ui.show_week_numbers()
        store.subscribe(self._on_store_change)
        self.settings.changed.connect(self.settings_ui.on_setting)
        self.apply_theme()
        restore_state(self)
        from aurora_desktop.ui.undo_notice import install_undo_notice

        self.undo_notice = install_undo_notice(self, self.undo_stack)  # "Deleted “x”  Undo"

    # ================================================================ building
    def _build_toolbar(self) -> None:
        nav = self.navigation
        bar = self.nav_bar = build_toolbar(self, VIEWS, nav.go_today, nav.step)
        self.today_button, self.prev_button = bar.today_button, bar.prev_button
        self.next_button, self.title_label = bar.next_button, bar.title_label
        self.title_label.today = self.ctx.today  # short of room, this year's titles drop it
        self.view_buttons = bar.view_buttons
        bar.viewChosen.connect(self.view_switcher.set_view)
        self.search_field = bar.search_field

    def _build_sidebar_and_search(self) -> None:
        self.sidebar = Sidebar(self.calendar_model)
        self.sidebar.newEventRequested.connect(self.event_actions.new_event)
        self.sidebar.mini.dayChosen.connect(self.navigation.set_date)
        self.sidebar.addCalendarRequested.connect(self.calendar_actions.add_calendar)
        self.sidebar.editCalendarRequested.connect(self.calendar_actions.edit_calendar)
        self.sidebar.deleteCalendarRequested.connect(self.calendar_actions.delete_calendar)
        self.search_panel = SearchPanel(self.search_model, self)
        central = QtWidgets.QWidget()
        lay = QtWidgets.QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.sidebar)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.search_panel)
        self.setCentralWidget(central)

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
        self.search_panel.close_button.setIcon(icons.icon("close", t.muted, 14))
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

    # ============================================================ navigation
    @property
    def view(self) -> CalendarView:
        """The view shown now."""
        return self.view_switcher.widget(self.current_view)

    def refresh(self) -> None:
        """Load the current view's range and repaint."""
        self.navigation.refresh()

    def set_agenda_today(self) -> None:
        """Show the agenda from today (the tray's "Show agenda")."""
        self.navigation.agenda_today()

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
        self.file_menu.insertAction(self.menu_actions.quit, action)
        self.file_menu.insertSeparator(self.menu_actions.quit)

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
            if self.current_view is ViewKind.AGENDA:
                self.views[ViewKind.AGENDA].reload()  # type: ignore[attr-defined]
            self.navigation.update_status()
            if self.search_panel.isVisible():
                self.search.run()

    # ================================================================ events
    def new_event(self, start: datetime | None = None, end: datetime | None = None,
                  all_day: bool = False) -> None:
        """The editor for a new event (the tray's and the sidebar's "New event")."""
        self.event_actions.new_event(start, end, all_day)

    def show_event(self, event_id: str, occurrence_start: datetime | EventTime | None,
                   switch: bool = True) -> bool:
        """Jump to an event's occurrence (or its next one) and select it (see EventActions)."""
        return self.event_actions.show_event(event_id, occurrence_start, switch)

    # ============================================================== settings
    def add_settings_page(self, factory: Callable[[], dialogs.SettingsPage]) -> None:
        """Add a page to the settings dialog (built each time the dialog opens)."""
        self.settings_ui.add_page(factory)

    # =========================================================== the window
    def quit(self) -> None:
        save_state(self)
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.quit()

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
        save_state(self)
        if self.hide_on_close():
            event.ignore()
            self.hide()
            return
        self.import_export.stop()  # an import, export or calendar delete under way ends first
        self.calendar_actions.stop()
        self._closed = True
        event.accept()
