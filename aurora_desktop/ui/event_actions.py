"""Editing events from the window: new, open, delete, move, and showing one.

The editor dialog (ui/editor.py) edits a value and never writes; the undoable
writes are the window's ``Controller`` (ui/controller.py). This controller is
the flow between them: which editor to open with what, what its answer does,
and jumping to an event (reminders, search, quick add). Tests replace
``make_editor`` / ``run_editor`` here to drive the editor.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from aurora_core.model import EventTime, ValidationError
from aurora_core.recurrence import first_instance_on_or_after
from aurora_desktop.store import StoreError
from aurora_desktop.ui.layout import Item
from aurora_desktop.ui.views.kinds import ViewKind

if TYPE_CHECKING:
    from aurora_desktop.ui.editor import EventEditor
    from aurora_desktop.ui.main_window import MainWindow


class EventActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    # ---------------------------------------------------------- the editor
    def default_calendar_id(self) -> str | None:
        """Settings' default calendar if it can be written to, else the first visible one."""
        cid = self.window.settings.get("ui/default_calendar")
        cals = {c.id: c for c in self.window.store.calendars() if not c.read_only}
        if cid in cals:
            return cals[cid].id
        candidates = [c for c in cals.values() if c.visible] or list(cals.values())
        return candidates[0].id if candidates else None

    def make_editor(self, **kw: object) -> EventEditor:
        """Build the editor (tests patch this to drive it)."""
        from aurora_desktop.ui.editor import EventEditor

        w = self.window
        return EventEditor(w.store.calendars(), zone=w.zone, h24=w.ctx.fmt.h24,
                           default_reminder=int(w.settings.get("ui/default_reminder")),
                           default_all_day_reminder=int(
                               w.settings.get("ui/default_all_day_reminder")),
                           signed_in=w.account_signed_in, parent=w, **kw)  # type: ignore[arg-type]

    def run_editor(self, editor: EventEditor) -> str:
        """Show the editor modally; returns its action ("save", "delete" or "")."""
        editor.exec()
        return editor.result_action

    # --------------------------------------------------------------- flows
    def new_event(self, start: datetime | None = None, end: datetime | None = None,
                  all_day: bool = False) -> None:
        """The editor for a new event (by default the next hour of the shown day); saved on Save."""
        w = self.window
        if start is None:
            now = w.ctx.now_wall()
            base = w.date if w.current_view is not ViewKind.AGENDA else now.date()
            hour = now.hour + 1 if base == now.date() else max(w.ctx.work_start, 9)
            start = datetime.combine(base, time(min(hour, 23)))
            end = start + timedelta(hours=1)
        editor = self.make_editor(start=start, end=end, all_day=all_day,
                                  calendar_id=self.default_calendar_id())
        if self.run_editor(editor) == "save":
            try:
                ev = editor.edited_event()
            except ValidationError as exc:
                w.report_error(str(exc))
                return
            if w.controller.create(ev):
                self.show_event(ev.id, None, switch=False)

    def edit_item(self, item: Item) -> None:
        """Open an occurrence in the editor; its answer saves, deletes or does nothing."""
        w = self.window
        occ = item.occ
        series_rule = None
        if occ.event.recurrence_id is not None:  # an override: show the series' rule
            master, _ = w.store.series(occ.event.uid)
            series_rule = master.rrule if master is not None else None
        editor = self.make_editor(event=occ.event, occurrence=occ, series_rule=series_rule)
        editor.ask_scope = lambda ev: w.controller.scope_for_edit(occ, ev)
        action = self.run_editor(editor)
        if action == "delete":
            w.controller.delete(occ)
        elif action == "save":
            try:
                ev = editor.edited_event()
                if editor.locked is not None:  # a subscription's event: only its reminders
                    w.store.set_subscription_reminders(occ.event.id, ev.reminders)
                    return
            except (ValidationError, StoreError) as exc:
                w.report_error(str(exc))
                return
            w.controller.update(occ, ev, editor.scope)

    def edit_selected(self) -> None:
        it = self.window.view.selected_item()
        if it is not None:
            self.edit_item(it)

    def delete_selected(self) -> None:
        it = self.window.view.selected_item()
        if it is not None:
            self.window.controller.delete(it.occ)

    def change_from_view(self, item: Item, start: datetime, end: datetime) -> None:
        self.window.controller.move(item.occ, start, end)  # the undo notice says it (undo_notice.py)

    def update_actions(self, *_: object) -> None:
        """Edit → Open / Delete event only while an event is selected."""
        w = self.window
        has = w.view.selected_item() is not None
        w.menu_actions.edit.setEnabled(has)
        w.menu_actions.delete.setEnabled(has)

    # ----------------------------------------------------------- show one
    def show_event(self, event_id: str, occurrence_start: datetime | EventTime | None,
                   switch: bool = True) -> bool:
        """Jump to an event's occurrence (or its next one) and select it.

        ``occurrence_start``: the occurrence's start (aware datetime, naive wall
        time in the user's zone, or a model time); None means the event's start
        or, for a series, its next occurrence from today.
        """
        w = self.window
        try:
            ev = w.store.get_event(event_id)
        except (KeyError, StoreError):
            w.show_message("That event no longer exists.")
            return False
        here = w.zone
        when = here.wall(occurrence_start) if occurrence_start is not None else None
        if when is None:
            t: EventTime = ev.start
            if ev.is_recurring:
                nxt = first_instance_on_or_after(ev, w.ctx.today())
                t = nxt or ev.start
            when = here.wall(t)
        if switch and w.isHidden():
            w.show()
        if switch:
            w.raise_()
            w.activateWindow()
        w.date = when.date()
        w.refresh()
        if not ev.all_day:  # an all-day event is in the all-day row: the hours stay put
            w.view.scroll_to_time(when)
        match = [it for it in w.model.items() if it.occ.event.id == event_id or
                 (it.occ.event.uid == ev.uid and ev.recurrence_id is None)]
        match.sort(key=lambda it: abs((it.start - when).total_seconds()))
        if match:
            w.view.select_key(match[0].key)
            self.update_actions()
            return True
        return False
