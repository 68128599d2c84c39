"""The style sheets of the themes: the application's (main window and secondary windows).

Every function takes a :class:`~aurora_desktop.ui.theme.Theme` and returns Qt
style-sheet text; :func:`aurora_desktop.ui.theme.apply` installs the
application's. The account dialog's own sheet is in
:mod:`aurora_desktop.ui.account_style`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aurora_desktop.qt import QtGui
from aurora_desktop.ui.colors import mix
from aurora_desktop.ui.icons import tinted_icon_file

if TYPE_CHECKING:
    from aurora_desktop.ui.theme import Theme


def app_style_sheet(t: Theme) -> str:
    """The application's style sheet: the main window, then every secondary window."""
    return f"""
QMainWindow {{ background: {t.window}; }}
QToolBar#mainToolbar {{ background: {t.window}; border: none;
    border-bottom: 1px solid {t.grid}; padding: 6px 10px; spacing: 6px; }}
QToolBar#mainToolbar QToolButton {{ border: 1px solid transparent; border-radius: 6px;
    padding: 4px 8px; color: {t.text}; }}
QToolBar#mainToolbar QToolButton:hover {{ background: {t.grid}; }}
QToolButton#todayButton {{ border: 1px solid {t.grid_strong}; border-radius: 6px;
    padding: 4px 12px; font-weight: 600; }}
QToolButton#todayButton:hover {{ background: {t.grid}; }}
QLabel#rangeTitle {{ font-size: 17px; font-weight: 600; color: {t.text}; padding-left: 8px; }}
QFrame#viewSwitcher {{ border: 1px solid {t.grid_strong}; border-radius: 7px;
    background: {t.surface}; }}
QFrame#viewSwitcher QToolButton {{ border: none; border-radius: 5px; padding: 4px 11px;
    margin: 2px; color: {t.muted}; }}
QFrame#viewSwitcher QToolButton:checked {{ background: {t.accent}; color: {t.accent_text};
    font-weight: 600; }}
QFrame#viewSwitcher QToolButton:hover:!checked {{ background: {t.grid}; color: {t.text}; }}
QLineEdit#searchField {{ border: 1px solid {t.grid_strong}; border-radius: 7px;
    padding: 5px 8px; background: {t.surface}; min-width: 200px; }}
QLineEdit#searchField:focus {{ border: 1px solid {t.accent}; }}
QWidget#sidebar {{ background: {t.sidebar}; border-right: 1px solid {t.grid}; }}
QLabel#sidebarHeading {{ color: {t.muted}; font-size: 11px; font-weight: 700;
    letter-spacing: 1px; padding: 10px 4px 2px 4px; }}
QListView#calendarList, QListView#searchResults {{ background: transparent; border: none;
    outline: 0; }}
QListView#calendarList::item {{ padding: 4px 2px; border-radius: 5px; }}
QListView#calendarList::item:selected {{ background: {t.grid}; color: {t.text}; }}
QListView#searchResults::item {{ padding: 6px 4px; border-bottom: 1px solid {t.grid}; }}
QListView#searchResults::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QWidget#searchPanel {{ background: {t.sidebar}; border-left: 1px solid {t.grid}; }}
QToolButton#sidebarButton {{ border: none; border-radius: 5px; padding: 3px; }}
QToolButton#sidebarButton:hover {{ background: {t.grid}; }}
QCalendarWidget QWidget#qt_calendar_navigationbar {{ background: {t.sidebar}; }}
QCalendarWidget QToolButton {{ color: {t.text}; font-weight: 600; border: none;
    padding: 2px 4px; border-radius: 4px; }}
QCalendarWidget QToolButton:hover {{ background: {t.grid}; }}
QCalendarWidget QToolButton#qt_calendar_monthbutton {{ padding-right: 16px; }}
QCalendarWidget QToolButton#qt_calendar_monthbutton::menu-indicator {{
    subcontrol-origin: padding; subcontrol-position: right center; right: 4px; }}
QCalendarWidget QAbstractItemView {{ background: {t.sidebar}; selection-background-color:
    {t.accent}; selection-color: {t.accent_text}; outline: 0; }}
QStatusBar {{ background: {t.window}; color: {t.muted}; border-top: 1px solid {t.grid}; }}
QStatusBar::item {{ border: none; }}
QLabel#statusRange {{ padding: 0 8px; }}
QScrollArea {{ border: none; background: {t.surface}; }}
QListView#agenda {{ border: none; background: {t.surface}; outline: 0; }}
QLabel#errorLabel {{ color: #d93036; }}
QScrollBar:vertical {{ background: transparent; width: 11px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {t.grid_strong}; border-radius: 4px; min-height: 30px;
    margin: 2px 2px 2px 3px; }}
QScrollBar::handle:vertical:hover {{ background: {t.muted}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: transparent; }}
QDialog#eventEditor QLineEdit#titleField {{ border: none; border-bottom: 2px solid {t.grid_strong};
    border-radius: 0; padding: 4px 2px; background: transparent; font-size: 18px;
    font-weight: 600; }}
QDialog#eventEditor QLineEdit#titleField:focus {{ border-bottom: 2px solid {t.accent}; }}
QToolButton#weekdayButton {{ border: 1px solid {t.grid_strong}; border-radius: 14px;
    min-width: 28px; max-width: 28px; min-height: 28px; max-height: 28px; padding: 0; }}
QToolButton#weekdayButton:checked {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
QPushButton#deleteButton {{ color: #d93036; }}
QToolButton#closeSearch {{ border: none; border-radius: 5px; padding: 2px; }}
QToolButton#closeSearch:hover {{ background: {t.grid}; }}
QDialog QLabel#dialogHeading {{ font-size: 15px; font-weight: 600; }}
QToolTip {{ background: {t.surface}; color: {t.text}; border: 1px solid {t.grid_strong};
    border-radius: 4px; padding: 4px 6px; }}
QMenu {{ background: {t.surface}; color: {t.text}; border: 1px solid {t.grid_strong};
    border-radius: 6px; padding: 4px; }}
QMenu::item {{ padding: 5px 22px 5px 14px; border-radius: 4px; }}
QMenu::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QMenu::item:disabled {{ color: {t.muted}; }}
QMenu::separator {{ height: 1px; background: {t.grid}; margin: 4px 8px; }}
QFrame#undoNotice {{ background: {t.text}; border-radius: 8px; }}
QFrame#undoNotice QLabel {{ color: {t.window}; }}
QFrame#undoNotice QPushButton {{ background: transparent; border: none; padding: 4px 8px;
    color: {_notice_link(t)}; font-weight: 700; }}
QFrame#undoNotice QPushButton:hover {{ text-decoration: underline; }}
QFrame#undoNotice QToolButton {{ background: transparent; border: none; color: {t.grid_strong};
    padding: 2px 4px; }}
QFrame#undoNotice QToolButton:hover {{ color: {t.window}; }}
""" + dialog_style_sheet(t)


# Windows that are not the main window get one look: the same palette, type and spacing.
DIALOG_SCOPES = ("QDialog", "QWidget#reminderWindow")


def _notice_link(t: Theme) -> str:
    return "#2f6fed" if t.dark else "#8ab4ff"


def _error(t: Theme) -> str:
    return "#ff6b6b" if t.dark else "#d93036"


def dialog_style_sheet(t: Theme) -> str:
    """The secondary windows (every QDialog, the reminder window), light or dark.

    The same language as the account dialog (ui/account_style.py): 6 px rounded
    fields on the surface colour, an accent outline with focus, outlined
    buttons and one filled (the default) button, muted secondary text.
    """
    down = tinted_icon_file("chevron-down", t.muted)
    up = tinted_icon_file("chevron-up", t.muted)
    check = tinted_icon_file("check", t.accent_text)
    hover = mix(QtGui.QColor(t.accent), QtGui.QColor(t.text), 0.12).name()
    rules = f"""
@ {{ background: {t.window}; color: {t.text}; }}
@ QLabel#dialogTitle {{ font-size: 17px; font-weight: 600; color: {t.text}; }}
@ QLabel#dialogSubtle, @ QLabel#zoneHint {{ color: {t.muted}; }}
@ QLabel#errorLabel {{ color: {_error(t)}; }}
@ QLabel#lockedNote, @ QLabel#emailNotice {{ color: {t.text}; background: {t.surface_alt};
    border: 1px solid {t.grid}; border-radius: 6px; padding: 6px 8px; }}
@ QLineEdit, @ QPlainTextEdit, @ QTextEdit, @ QComboBox, @ QAbstractSpinBox {{
    border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 4px 8px;
    background: {t.surface}; color: {t.text}; selection-background-color: {t.accent};
    selection-color: {t.accent_text}; min-height: 20px; }}
@ QLineEdit:focus, @ QPlainTextEdit:focus, @ QTextEdit:focus, @ QComboBox:focus,
@ QAbstractSpinBox:focus {{ border: 1px solid {t.accent}; }}
@ QLineEdit:disabled, @ QComboBox:disabled, @ QAbstractSpinBox:disabled,
@ QPlainTextEdit:disabled {{ color: {t.muted}; background: {t.surface_alt}; }}
@ QLineEdit#titleField {{ border: none; border-bottom: 2px solid {t.grid_strong};
    border-radius: 0; padding: 4px 2px; background: transparent; font-size: 18px;
    font-weight: 600; }}
@ QLineEdit#titleField:focus {{ border-bottom: 2px solid {t.accent}; }}
@ QComboBox {{ padding-right: 24px; }}
@ QComboBox::drop-down, @ QDateTimeEdit::drop-down {{ border: none; width: 22px;
    subcontrol-origin: padding; subcontrol-position: center right; }}
@ QComboBox::down-arrow, @ QDateTimeEdit::down-arrow {{ image: url({down}); width: 12px;
    height: 12px; }}
@ QComboBox QAbstractItemView {{ background: {t.surface}; color: {t.text};
    border: 1px solid {t.grid_strong}; selection-background-color: {t.accent};
    selection-color: {t.accent_text}; outline: 0; }}
@ QAbstractSpinBox {{ padding-right: 20px; }}
@ QAbstractSpinBox::up-button, @ QAbstractSpinBox::down-button {{ border: none; width: 18px;
    subcontrol-origin: border; background: transparent; }}
@ QAbstractSpinBox::up-button {{ subcontrol-position: top right; margin: 2px 2px 0 0; }}
@ QAbstractSpinBox::down-button {{ subcontrol-position: bottom right; margin: 0 2px 2px 0; }}
@ QAbstractSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 10px; }}
@ QAbstractSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 10px; }}
@ QAbstractSpinBox::up-button:hover, @ QAbstractSpinBox::down-button:hover {{
    background: {t.grid}; border-radius: 3px; }}
@ QPushButton {{ border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 6px 16px;
    background: {t.surface}; color: {t.text}; min-width: 64px; }}
@ QPushButton:hover {{ background: {t.grid}; }}
@ QPushButton:focus {{ border: 1px solid {t.accent}; }}
@ QPushButton:disabled {{ color: {t.muted}; background: {t.surface_alt}; }}
@ QPushButton:default {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
@ QPushButton:default:hover {{ background: {hover}; }}
@ QPushButton:default:disabled {{ background: {t.grid}; border: 1px solid {t.grid_strong};
    color: {t.muted}; }}
@ QPushButton#deleteButton {{ color: {_error(t)}; }}
@ QPushButton#choiceButton {{ text-align: left; padding: 10px 14px; font-weight: 600; }}
@ QPushButton#choiceButton:default {{ background: {t.surface}; color: {t.text};
    border: 1px solid {t.accent}; }}
@ QPushButton#choiceButton:hover {{ background: {t.grid}; }}
@ QToolButton {{ border: 1px solid transparent; border-radius: 6px; padding: 4px 8px;
    color: {t.text}; }}
@ QToolButton:hover {{ background: {t.grid}; }}
@ QToolButton#snoozeButton {{ border: 1px solid {t.grid_strong}; background: {t.surface};
    padding: 6px 22px 6px 14px; }}
@ QToolButton::menu-indicator {{ image: url({down}); width: 10px; height: 10px;
    subcontrol-origin: padding; subcontrol-position: center right; right: 8px; }}
@ QToolButton#weekdayButton {{ border: 1px solid {t.grid_strong}; border-radius: 14px;
    min-width: 28px; max-width: 28px; min-height: 28px; max-height: 28px; padding: 0; }}
@ QToolButton#weekdayButton:checked {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
@ QListWidget#settingsNav {{ background: {t.sidebar}; border: none;
    border-right: 1px solid {t.grid}; padding: 10px 8px; outline: 0; }}
@ QListWidget#settingsNav::item {{ padding: 7px 10px; border-radius: 6px; color: {t.text}; }}
@ QListWidget#settingsNav::item:selected {{ background: {t.grid}; color: {t.text};
    font-weight: 600; }}
@ QListWidget#settingsNav::item:hover:!selected {{ background: {t.surface_alt}; }}
@ QTreeView, @ QTableView, @ QListView {{ background: {t.surface};
    alternate-background-color: {t.surface_alt}; border: 1px solid {t.grid};
    border-radius: 6px; outline: 0; selection-background-color: {t.accent};
    selection-color: {t.accent_text}; gridline-color: {t.grid}; }}
@ QTreeView::item, @ QTableView::item {{ padding: 3px 4px; }}
@ QHeaderView::section {{ background: {t.surface_alt}; color: {t.muted}; border: none;
    border-bottom: 1px solid {t.grid}; padding: 5px 8px; font-weight: 600; }}
@ QCheckBox {{ spacing: 8px; }}
@ QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
@ QCheckBox::indicator {{ width: 16px; height: 16px; border: 1px solid {t.grid_strong};
    border-radius: 4px; background: {t.surface}; }}
@ QCheckBox::indicator:hover {{ border: 1px solid {t.accent}; }}
@ QCheckBox::indicator:checked {{ background: {t.accent}; border: 1px solid {t.accent};
    image: url({check}); }}
@ QCheckBox::indicator:disabled {{ background: {t.surface_alt}; }}
@ QCheckBox::indicator:checked:disabled {{ background: {t.grid_strong};
    border: 1px solid {t.grid_strong}; }}
@ QScrollBar:vertical {{ background: transparent; width: 11px; margin: 0; }}
@ QScrollBar::handle:vertical {{ background: {t.grid_strong}; border-radius: 4px;
    min-height: 30px; margin: 2px 2px 2px 3px; }}
@ QScrollBar::add-line:vertical, @ QScrollBar::sub-line:vertical {{ height: 0; }}
@ QScrollBar:horizontal {{ background: transparent; height: 11px; margin: 0; }}
@ QScrollBar::handle:horizontal {{ background: {t.grid_strong}; border-radius: 4px;
    min-width: 30px; margin: 3px 2px 2px 2px; }}
@ QScrollBar::add-line:horizontal, @ QScrollBar::sub-line:horizontal {{ width: 0; }}
@ QLabel#reminderSummary {{ font-size: 17px; font-weight: 600; }}
"""
    out = []
    for line in rules.strip("\n").splitlines():
        if "@" in line:
            head, brace, rest = line.partition("{{")
            if not brace:
                head, brace, rest = line.partition("{")
            parts = [p.strip() for p in head.split(",") if p.strip()]
            sel = ", ".join(p.replace("@", scope) for p in parts for scope in DIALOG_SCOPES)
            line = f"{sel}{',' if head.rstrip().endswith(',') else ''} {brace}{rest}" \
                if brace else sel + ("," if head.rstrip().endswith(",") else "")
        out.append(line)
    return "\n".join(out) + "\n"
