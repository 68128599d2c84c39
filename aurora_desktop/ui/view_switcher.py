"""Which calendar view the window shows: the views, built on first use, and switching.

The window keeps the state (``views``, ``current_view``, the ``stack`` they
live in); this controller builds a view the first time it is shown, wires its
signals to the window's controllers, and switches the stack, the toolbar's
buttons and the View menu's entries together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aurora_desktop.qt import Qt
from aurora_desktop.ui.views.base import CalendarView
from aurora_desktop.ui.views.kinds import ViewKind
from aurora_desktop.ui.views.month import MonthView

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

# (name, label, shortcut): the toolbar's buttons, in the order of ViewKind.
VIEWS = [(kind.value, kind.label, kind.shortcut) for kind in ViewKind]


class ViewSwitcher:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def widget(self, kind: ViewKind) -> CalendarView:
        """The view of that kind, built and wired on first use."""
        w = self.window
        v = w.views.get(kind)
        if v is not None:
            return v
        if kind is ViewKind.MONTH:
            v = MonthView(w.model, w.ctx)
        elif kind is ViewKind.AGENDA:
            from aurora_desktop.ui.views.agenda import AgendaView

            v = AgendaView(w.model, w.agenda_model, w.ctx)
            v.listed.connect(w.navigation.update_status)
        else:
            from aurora_desktop.ui.views.timegrid import TimeGridView

            v = TimeGridView(w.model, w.ctx, kind)
        w.views[kind] = v
        w.stack.addWidget(v)
        edits = w.event_actions
        v.itemActivated.connect(edits.edit_item)
        v.createRequested.connect(edits.new_event)
        v.changeRequested.connect(edits.change_from_view)
        v.dayActivated.connect(w.navigation.open_day)
        v.cursorMoved.connect(w.navigation.set_date)
        v.selectionChanged.connect(edits.update_actions)
        return v

    def set_view(self, name: str) -> None:
        """Show the view called ``name`` (a ViewKind is one; unknown names are ignored)."""
        kind = ViewKind.parse(name)
        if kind is None:
            return
        w = self.window
        self.widget(kind)
        w.current_view = kind
        for k, v in w.views.items():
            v.active = k is kind
        w.stack.setCurrentWidget(w.views[kind])
        for n, b in w.view_buttons.items():
            b.setChecked(n == kind)
        for k, a in w.menu_actions.views.items():
            a.setChecked(k is kind)
        w.refresh()
        if w.isVisible():
            w.view.setFocus(Qt.FocusReason.OtherFocusReason)
