"""The window's actions (menu entries and their shortcuts), its menus and the Help entries.

Each action is added to the window too, so its shortcut works with the menu
bar hidden. Other parts add theirs through the window's ``add_file_action``
and ``add_view_action``; the shortcuts list (Help → Keyboard shortcuts) reads
every action the window has, so theirs are listed with ours.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from aurora_desktop.qt import QtGui, QtWidgets
from aurora_desktop.ui.views.kinds import ViewKind

if TYPE_CHECKING:
    from aurora_desktop.ui.main_window import MainWindow

Shortcut = str | QtGui.QKeySequence | QtGui.QKeySequence.StandardKey | list[QtGui.QKeySequence]

# Shown in the shortcuts list after the actions: keys the views handle themselves.
VIEW_KEYS = [("Move the day cursor", "Arrow keys"), ("Next / previous event", "Tab / Shift+Tab"),
             ("Open the selected event", "Enter"),
             ("Drag to create, move; drag the lower edge to resize", "Mouse")]


class WindowActions:
    """The actions (``new``, ``undo``, ``views["month"]``…) and the menus they are in."""

    def __init__(self, window: MainWindow) -> None:
        self.window = w = window
        K = QtGui.QKeySequence
        edits, nav = w.event_actions, w.navigation
        self.new = self._action("&New event…", edits.new_event, K.StandardKey.New)
        self.import_ics = self._action("&Import .ics…", w.import_export.import_ics, "Ctrl+I")
        self.export_ics = self._action("&Export .ics…", w.import_export.export_ics, "Ctrl+E")
        self.quit = self._action("&Quit", w.quit, K.StandardKey.Quit)
        self.undo = w.undo_stack.createUndoAction(w, "&Undo")
        self.undo.setShortcuts([K("Ctrl+Z")])
        self.redo = w.undo_stack.createRedoAction(w, "&Redo")
        self.redo.setShortcuts([K("Ctrl+Shift+Z"), K("Ctrl+Y")])
        w.addAction(self.undo)
        w.addAction(self.redo)
        self.edit = self._action("&Open event…", edits.edit_selected)
        self.delete = self._action("&Delete event", edits.delete_selected, K.StandardKey.Delete)
        self.find = self._action("&Find…", w.search.focus, K.StandardKey.Find)
        self.settings = self._action("&Settings…", w.settings_ui.open, "Ctrl+,")
        self.today = self._action("&Today", nav.go_today, "T")
        self.prev = self._action("&Previous", lambda: nav.step(-1), [K("PgUp"), K("Alt+Left")])
        self.next = self._action("&Next", lambda: nav.step(1), [K("PgDown"), K("Alt+Right")])
        self.views: dict[ViewKind, QtGui.QAction] = {}
        for kind in ViewKind:
            a = self._action(kind.label, partial(w.view_switcher.set_view, kind), kind.shortcut)
            a.setCheckable(True)
            self.views[kind] = a
        self.week_numbers: QtGui.QAction = self._action(
            "Show &week numbers",
            lambda: w.settings.set("ui/week_numbers", self.week_numbers.isChecked()))
        self.week_numbers.setCheckable(True)
        self.week_numbers.setChecked(bool(w.settings.get("ui/week_numbers")))
        self.sidebar = self._action("Show &sidebar", self.toggle_sidebar, "F9")
        self.sidebar.setCheckable(True)
        self.sidebar.setChecked(True)
        self.shortcuts = self._action("&Keyboard shortcuts", self.show_shortcuts,
                                      [K("F1"), K("Ctrl+?")])
        self.about = self._action("&About Aurora Time", self.show_about)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Shortcut | None = None,
                tip: str = "") -> QtGui.QAction:
        a = QtGui.QAction(text, self.window)
        a.triggered.connect(lambda _=False: slot())
        if isinstance(shortcut, list):
            a.setShortcuts(shortcut)
        elif shortcut is not None:
            a.setShortcut(QtGui.QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
        self.window.addAction(a)
        return a

    def build_menus(self) -> tuple[QtWidgets.QMenu, QtWidgets.QMenu]:
        """File, Edit, View and Help in the window's menu bar; returns File and View."""
        mb = self.window.menuBar()
        f = mb.addMenu("&File")
        f.addAction(self.new)
        f.addSeparator()
        f.addAction(self.import_ics)
        f.addAction(self.export_ics)
        f.addSeparator()
        f.addAction(self.quit)
        e = mb.addMenu("&Edit")
        for a in (self.undo, self.redo):
            e.addAction(a)
        e.addSeparator()
        e.addAction(self.edit)
        e.addAction(self.delete)
        e.addSeparator()
        e.addAction(self.find)
        e.addSeparator()
        e.addAction(self.settings)
        v = mb.addMenu("&View")
        for kind in ViewKind:
            v.addAction(self.views[kind])
        v.addSeparator()
        v.addAction(self.today)
        v.addAction(self.prev)
        v.addAction(self.next)
        v.addSeparator()
        v.addAction(self.week_numbers)
        v.addAction(self.sidebar)
        h = mb.addMenu("&Help")
        h.addAction(self.shortcuts)
        h.addAction(self.about)
        return f, v

    def toggle_sidebar(self) -> None:
        sidebar = self.window.sidebar
        sidebar.setVisible(not sidebar.isVisible())
        self.sidebar.setChecked(sidebar.isVisible())

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for every action of the window that has a shortcut, then the views' keys."""
        rows = []
        for a in self.window.actions():
            keys = ", ".join(k.toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                             for k in a.shortcuts())
            if keys:
                # Undo/redo name the last edit ("Undo Create “x”"): the list says "Undo".
                text = {id(self.undo): "Undo", id(self.redo): "Redo"}.get(id(a), a.text())
                rows.append((text.replace("&", "").rstrip("…"), keys))
        return rows + VIEW_KEYS

    def show_shortcuts(self) -> None:
        from aurora_desktop.ui import dialogs

        dialogs.shortcuts_dialog(self.window, self.shortcut_rows()).exec()

    def show_about(self) -> None:
        from aurora_desktop.ui.about import AboutDialog

        AboutDialog(self.window).exec()
