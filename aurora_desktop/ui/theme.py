"""The themes (light and dark): their colours, the application palette, font and polish.

Style sheets are in :mod:`aurora_desktop.ui.style_sheets`, colour arithmetic and
event-chip colours in :mod:`aurora_desktop.ui.colors`, icons in
:mod:`aurora_desktop.ui.icons`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aurora_desktop.qt import QtCore, QtGui, QtWidgets
from aurora_desktop.resources import resource
from aurora_desktop.ui.style_sheets import app_style_sheet

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
    app.setStyleSheet(app_style_sheet(theme))


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
