"""Dialogs and notices of the window: the undo notice after every edit, undo
and redo; "Undo" in the shortcut list; About; a calendar without a name; no "This and
following" on a series' first occurrence."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from aurora_desktop.qt import Qt, QtCore, QtTest, QtWidgets
from aurora_desktop.ui import dialogs
from aurora_desktop.ui.about import AboutDialog
from aurora_desktop.ui.editor import EventEditor
from aurora_desktop.ui.main_window import MainWindow
from aurora_desktop.ui.views.timegrid import TimeGridView
from tests.helpers.ui import TODAY, at, drag, put, wall

QTest = QtTest.QTest


def _notice(w: MainWindow) -> tuple[str, str] | None:
    n = w.undo_notice
    return (n.label.text(), n.button.text()) if n.isVisible() else None


def test_delete_says_so_and_its_undo_button_brings_the_event_back(window: MainWindow,
                                                                  store) -> None:
    ev = put(store, "Lunch", at(TODAY, 12))
    window.refresh()
    window.view.select_key(f"{ev.uid}/")
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert store.search("Lunch") == []
    assert _notice(window) == ("Deleted “Lunch”", "Undo")
    # over the calendar, inside the window
    geo = window.undo_notice.geometry()
    assert window.centralWidget().geometry().contains(geo)
    window.undo_notice.button.click()
    assert store.get_event(ev.id).title == "Lunch"
    assert _notice(window) == ("Undone: delete “Lunch”", "Redo")
    window.undo_notice.button.click()
    assert store.search("Lunch") == []
    assert _notice(window) == ("Redone: delete “Lunch”", "Undo")
    # Ctrl+Z says it too
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.get_event(ev.id).title == "Lunch"
    assert _notice(window) == ("Undone: delete “Lunch”", "Redo")


def test_a_move_and_a_new_event_say_so_with_undo(window: MainWindow, store) -> None:
    ev = put(store, "Review", at(TODAY, 10))
    window.refresh()
    v = window.view
    assert isinstance(v, TimeGridView)
    a, b = v.point_for(TODAY, time(10, 20)), v.point_for(TODAY, time(15, 20))
    drag(v.grid, a, b)  # same day: the midpoint is on a's column
    assert wall(store.get_event(ev.id).start) == datetime(2026, 11, 25, 15)
    assert _notice(window) == ("Moved “Review”", "Undo")

    def fill(editor: EventEditor) -> str:
        editor.title.setText("Conference")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    assert _notice(window) == ("Created “Conference”", "Undo")


def test_the_shortcut_list_says_undo_not_the_last_edit(window: MainWindow) -> None:
    def fill(editor: EventEditor) -> str:
        editor.title.setText("Conference")
        editor.save_button.click()
        return editor.result_action

    window.event_actions.run_editor = fill  # type: ignore[method-assign]
    window.new_event()
    assert window.menu_actions.undo.text() == "&Undo Create “Conference”"  # the Edit menu names it
    rows = dict(window.menu_actions.shortcut_rows())
    assert rows["Undo"] == "Ctrl+Z"
    assert "Redo" in rows
    assert not [a for a in rows if a.startswith(("Undo ", "Redo "))]


def test_about_has_version_licence_and_a_link(window: MainWindow, qtbot) -> None:
    seen: list[QtWidgets.QWidget] = []

    def close_it() -> None:
        w = QtWidgets.QApplication.activeModalWidget()
        if w is None:
            QtCore.QTimer.singleShot(20, close_it)
            return
        seen.append(w)
        w.close()

    QtCore.QTimer.singleShot(20, close_it)
    window.menu_actions.show_about()
    [dlg] = seen
    assert isinstance(dlg, AboutDialog)
    assert dlg.version_label.text() == "Version 0.1.0"
    assert "MIT licence" in dlg.licence_label.text()
    assert dlg.link.isVisibleTo(dlg) and "href=" in dlg.link.text()
    assert not dlg.licence_text.isVisibleTo(dlg)
    dlg._toggle_licence()
    assert dlg.licence_text.isVisibleTo(dlg)
    assert "Permission is hereby granted" in dlg.licence_text.toPlainText()


def test_a_calendar_without_a_name_says_why_ok_does_nothing(qtbot) -> None:
    dlg = dialogs.CalendarDialog(None)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.ok_button.click()
    assert dlg.isVisible() and dlg.result() == 0
    assert dlg.error.isVisible() and dlg.error.text() == "Give the calendar a name."
    QTest.keyClicks(dlg.name, "Football")
    assert not dlg.error.isVisible()
    dlg.ok_button.click()
    assert dlg.result() == QtWidgets.QDialog.DialogCode.Accepted


def test_this_and_following_is_not_offered_on_the_first_occurrence(window: MainWindow,
                                                                   store) -> None:
    put(store, "Standup", at(TODAY, 9), 15, rrule="FREQ=DAILY;COUNT=5")
    window.refresh()
    asked: list[tuple[str, bool]] = []

    def ask(verb: str, following: bool) -> None:
        asked.append((verb, following))
        return None  # cancel

    window.controller.ask_scope = ask  # type: ignore[assignment]
    items = sorted((it for it in window.model.items() if it.title == "Standup"),
                   key=lambda it: it.start)
    window.controller.delete(items[0].occ)
    window.controller.delete(items[1].occ)
    assert asked == [("delete", False), ("delete", True)]
    # the question itself: three choices, or two on the first occurrence
    first = dialogs.ScopeDialog(window, "delete", following=False)
    later = dialogs.ScopeDialog(window, "delete", following=True)
    assert list(first.buttons) == ["this", "all"]
    assert list(later.buttons) == ["this", "following", "all"]
    later.buttons["following"].click()
    assert later.choice == "following"
    assert items[1].start - items[0].start == timedelta(days=1)
