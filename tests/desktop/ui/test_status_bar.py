"""The status bar: a transient message never covers the shown range and event count."""

from __future__ import annotations

from aurora_desktop.qt import QtWidgets
from aurora_desktop.ui.main_window import MainWindow


def test_a_message_leaves_the_range_label_shown_on_the_right(window: MainWindow) -> None:
    bar = window.statusBar()
    label = window.status_label
    assert label.text().endswith("events")
    window.show_message("Reminder: Dentist — Torstraße 91 " * 3, 10_000)
    QtWidgets.QApplication.processEvents()
    assert bar.currentMessage().startswith("Reminder: Dentist")
    # A permanent widget: still shown, and the message is drawn left of it.
    assert label.isVisible()
    assert label.geometry().left() > bar.width() // 2
    # Widgets other parts add (reminders) go right of it.
    more = QtWidgets.QLabel("3 reminders")
    window.add_status_widget(more)
    QtWidgets.QApplication.processEvents()
    assert label.isVisible() and more.isVisible()
    assert label.geometry().right() <= more.geometry().left()
