"""Colours, fonts and the application palette (light and dark)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aurora_desktop.qt import QtCore, QtGui, QtSvg, QtWidgets
from aurora_desktop.resources import resource

ICON_DIR = resource("icons")
FONT_DIR = resource("fonts")
# The app's typeface, bundled (resources/fonts, SIL OFL 1.1): the window, the dialogs and
# the README screenshots look the same on every desktop (docs/dialogs.md says why).
FONT_FAMILY = "Inter"
MIN_POINT_SIZE = 10.0  # bare X, offscreen and Windows say 9 pt; Inter reads small there
_font_state: dict[str, object] = {}


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    surface: str        # view background
    surface_alt: str    # weekends, out-of-month days, headers
    sidebar: str
    grid: str           # grid lines
    grid_strong: str
    text: str
    muted: str
    accent: str
    accent_text: str
    now_line: str
    selection: str

    def c(self, name: str) -> QtGui.QColor:
        return QtGui.QColor(getattr(self, name))


LIGHT = Theme(
    dark=False, window="#f6f7f9", surface="#ffffff", surface_alt="#f8f9fb", sidebar="#f3f4f7",
    grid="#e9ebef", grid_strong="#d7dae0", text="#1d2330", muted="#6b7382",
    accent="#2f6fed", accent_text="#ffffff", now_line="#e5484d", selection="#2f6fed",
)
DARK = Theme(
    dark=True, window="#1b1d21", surface="#202227", surface_alt="#1c1e22", sidebar="#191b1f",
    grid="#2d3037", grid_strong="#3a3e46", text="#e8eaed", muted="#9aa1ad",
    accent="#5b8def", accent_text="#ffffff", now_line="#ff6369", selection="#8ab4ff",
)


def system_prefers_dark() -> bool:
    hints = QtGui.QGuiApplication.styleHints()
    try:
        return hints.colorScheme() == QtCore.Qt.ColorScheme.Dark
    except AttributeError:  # pragma: no cover - older Qt
        return False


def resolve(mode: str) -> Theme:
    if mode == "dark":
        return DARK
    if mode == "light":
        return LIGHT
    return DARK if system_prefers_dark() else LIGHT


def install_font(app: QtWidgets.QApplication) -> str:
    """Use the bundled Inter at the desktop's point size (at least 10 pt); the family used.

    Registered from resources/fonts once (skipped where the system has Inter);
    a missing or broken file leaves the desktop's font.
    """
    family = str(_font_state.get("family", ""))
    if not family:
        family = FONT_FAMILY if FONT_FAMILY in QtGui.QFontDatabase.families() else ""
        if not family:
            for path in sorted(FONT_DIR.glob("Inter-*.otf")):
                if QtGui.QFontDatabase.addApplicationFont(str(path)) >= 0:
                    family = FONT_FAMILY
        _font_state["family"] = family or "-"
        base = app.font()
        _font_state["size"] = max(base.pointSizeF(), MIN_POINT_SIZE)
    if family in ("", "-"):
        return app.font().family()
    f = app.font()
    if f.family() != family:
        f.setFamily(family)
        f.setPointSizeF(float(str(_font_state["size"])))
        app.setFont(f)
    return family


def apply(app: QtWidgets.QApplication, theme: Theme, *, polish_dialogs: bool = True) -> None:
    """Fusion style with our palette, font and style sheet.

    ``polish_dialogs=False`` leaves :func:`install_dialog_polish` to the caller (the
    main window installs it once it has been painted: see there).
    """
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    install_font(app)
    if polish_dialogs:
        install_dialog_polish(app)
    p = QtGui.QPalette()
    C = QtGui.QColor
    role = QtGui.QPalette.ColorRole
    p.setColor(role.Window, C(theme.window))
    p.setColor(role.WindowText, C(theme.text))
    p.setColor(role.Base, C(theme.surface))
    p.setColor(role.AlternateBase, C(theme.surface_alt))
    p.setColor(role.Text, C(theme.text))
    p.setColor(role.Button, C(theme.surface))
    p.setColor(role.ButtonText, C(theme.text))
    p.setColor(role.Highlight, C(theme.accent))
    p.setColor(role.HighlightedText, C(theme.accent_text))
    p.setColor(role.ToolTipBase, C(theme.surface))
    p.setColor(role.ToolTipText, C(theme.text))
    p.setColor(role.PlaceholderText, C(theme.muted))
    p.setColor(role.Mid, C(theme.grid_strong))
    p.setColor(role.Midlight, C(theme.grid))
    p.setColor(role.Light, C(theme.surface))
    p.setColor(role.Dark, C(theme.grid_strong))
    p.setColor(role.Link, C(theme.accent))
    disabled = QtGui.QPalette.ColorGroup.Disabled
    for r in (role.Text, role.ButtonText, role.WindowText):
        p.setColor(disabled, r, C(theme.muted))
    app.setPalette(p)
    app.setStyleSheet(style_sheet(theme))


def style_sheet(t: Theme) -> str:
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

    The same language as the account dialog (ui/account_pages.py): 6 px rounded
    fields on the surface colour, an accent outline with focus, outlined
    buttons and one filled (the default) button, muted secondary text.
    """
    down = _tinted_icon_url("chevron-down", t.muted)
    up = _tinted_icon_url("chevron-up", t.muted)
    check = _tinted_icon_url("check", t.accent_text)
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


_icon_files: dict[tuple[str, str], str] = {}


def _tinted_icon_url(name: str, color: str) -> str:
    """A copy of resources/icons/<name>.svg in ``color``, as a path a style sheet can load."""
    key = (name, color)
    if key not in _icon_files:
        import tempfile

        folder = Path(tempfile.gettempdir()) / f"aurora-time-icons-{_user_tag()}"
        target = folder / f"{name}-{color.lstrip('#')}.svg"
        try:
            data = _svg_path(name).read_text(encoding="utf-8").replace("currentColor", color)
            folder.mkdir(parents=True, exist_ok=True)
            if not target.exists() or target.read_text(encoding="utf-8") != data:
                target.write_text(data, encoding="utf-8")
        except OSError:  # no arrow then; the field still works
            return ""
        _icon_files[key] = target.as_posix()
    return _icon_files[key]


def _user_tag() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "user"


class _DialogPolish(QtCore.QObject):
    """Gives dialogs built with Qt's defaults (message boxes, input dialogs) our margins and
    plain buttons."""

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Show and isinstance(obj, QtWidgets.QDialog):
            self.polish(obj)
        return False

    @staticmethod
    def polish(obj: QtWidgets.QDialog) -> None:
        if not obj.property("auroraPolished"):
            obj.setProperty("auroraPolished", True)
            # No stock icons (a green tick, a red cross) on OK/Cancel: plain labelled buttons.
            for box in obj.findChildren(QtWidgets.QDialogButtonBox):
                for b in box.buttons():
                    b.setIcon(QtGui.QIcon())
            lay = obj.layout()
            if lay is not None:
                m = lay.contentsMargins()
                if 0 < max(m.left(), m.top(), m.right(), m.bottom()) <= 12:
                    lay.setContentsMargins(22, 18, 22, 16)
                    lay.setSpacing(max(lay.spacing(), 10))


def install_dialog_polish(app: QtWidgets.QApplication) -> None:
    """The application-wide filter of :class:`_DialogPolish` (once).

    It sees every event of the application: the first object of a Qt-private
    class it is handed makes PySide build ~140 of its lazily made classes
    (~15 ms), so the window installs it after its first paint, not before.
    """
    if "polish" not in _font_state:
        polish = _DialogPolish(app)
        app.installEventFilter(polish)
        _font_state["polish"] = polish
        for w in app.topLevelWidgets():  # shown before it was installed
            if isinstance(w, QtWidgets.QDialog) and w.isVisible():
                polish.polish(w)


def _svg_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


def icon(name: str, color: str, size: int = 18) -> QtGui.QIcon:
    """An SVG icon from resources/icons drawn in ``color`` (the file uses currentColor)."""
    path = _svg_path(name)
    try:
        data = path.read_text(encoding="utf-8").replace("currentColor", color)
    except OSError:
        return QtGui.QIcon()
    renderer = QtSvg.QSvgRenderer(QtCore.QByteArray(data.encode()))
    ic = QtGui.QIcon()
    for scale in (1, 2):
        pm = QtGui.QPixmap(size * scale, size * scale)
        pm.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(pm)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        pm.setDevicePixelRatio(scale)
        ic.addPixmap(pm)
    return ic


def _painted_icon(color: str, size: int,
                  draw: Callable[[QtGui.QPainter, int], None]) -> QtGui.QIcon:
    """A crisp (2x) icon of one filled shape in ``color``."""
    pm = QtGui.QPixmap(size * 2, size * 2)
    pm.fill(QtCore.Qt.GlobalColor.transparent)
    p = QtGui.QPainter(pm)
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    p.setPen(QtCore.Qt.PenStyle.NoPen)
    p.setBrush(QtGui.QColor(color))
    draw(p, size * 2)
    p.end()
    pm.setDevicePixelRatio(2)
    return QtGui.QIcon(pm)


def swatch(color: str, size: int = 12) -> QtGui.QIcon:
    """A rounded square of ``color`` (calendar lists)."""
    return _painted_icon(color, size, lambda p, px: p.drawRoundedRect(
        QtCore.QRectF(2, 2, px - 4, px - 4), 6, 6))


def dot(color: str, size: int = 10) -> QtGui.QIcon:
    """A round dot of ``color``."""
    return _painted_icon(color, size, lambda p, px: p.drawEllipse(
        QtCore.QRectF(4, 4, px - 8, px - 8)))


# ------------------------------------------------------------- event colours


def mix(a: QtGui.QColor, b: QtGui.QColor, t: float) -> QtGui.QColor:
    """``a`` blended towards ``b`` by ``t`` (0 = a, 1 = b)."""
    return QtGui.QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def luminance(c: QtGui.QColor) -> float:
    def ch(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())


def contrast(a: QtGui.QColor, b: QtGui.QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class ChipColors:
    fill: QtGui.QColor
    stripe: QtGui.QColor
    text: QtGui.QColor
    subtext: QtGui.QColor
    solid: QtGui.QColor       # all-day bars: solid calendar colour
    solid_text: QtGui.QColor


_chip_cache: dict[tuple[str, bool, bool], ChipColors] = {}


def chip_colors(color: str, theme: Theme, past: bool = False) -> ChipColors:
    key = (color, theme.dark, past)
    cached = _chip_cache.get(key)
    if cached is not None:
        return cached
    base = QtGui.QColor(color)
    surface = QtGui.QColor(theme.surface)
    if theme.dark:
        fill = mix(surface, base, 0.30)
        text = mix(QtGui.QColor("#ffffff"), base, 0.12)
    else:
        fill = mix(surface, base, 0.16)
        text = mix(base, QtGui.QColor("#000000"), 0.55)
    if contrast(text, fill) < 4.5:
        text = QtGui.QColor(theme.text)
    sub = mix(text, fill, 0.28)
    solid = QtGui.QColor(base)
    solid_text = QtGui.QColor("#ffffff") if contrast(QtGui.QColor("#ffffff"), solid) >= 3.0 \
        else QtGui.QColor("#111111")
    if past:
        fill = mix(fill, surface, 0.45)
        text = mix(text, surface, 0.35)
        sub = mix(sub, surface, 0.35)
        solid = mix(solid, surface, 0.4)
        base = mix(base, surface, 0.4)
    cc = ChipColors(fill, base, text, sub, solid, solid_text)
    _chip_cache[key] = cc
    return cc
