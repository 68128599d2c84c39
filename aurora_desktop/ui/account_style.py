"""The account dialog's look: its style sheet and the colours of its inline notices.

It sits on top of the application style (:mod:`aurora_desktop.ui.style_sheets`);
:class:`~aurora_desktop.ui.account_form.Notice` restyles itself with
:func:`notice_css`.
"""

from __future__ import annotations

from aurora_desktop.qt import QtGui
from aurora_desktop.ui.colors import mix
from aurora_desktop.ui.theme import Theme


def tones(t: Theme) -> dict[str, tuple[str, str, str]]:
    """kind -> (background, border, text) of a notice, readable in light and dark."""
    surface = QtGui.QColor(t.surface)

    def tint(color: str, amount: float) -> str:
        return mix(surface, QtGui.QColor(color), amount).name()

    return {
        "error": (tint("#e5484d", 0.16 if t.dark else 0.08), tint("#e5484d", 0.5),
                  "#ffb3b3" if t.dark else "#b42318"),
        "warning": (tint("#f5a524", 0.14 if t.dark else 0.12), tint("#f5a524", 0.5),
                    "#f8d58f" if t.dark else "#7a4a00"),
        "info": (tint(t.accent, 0.14 if t.dark else 0.07), tint(t.accent, 0.4), t.text),
        "success": (tint("#30a46c", 0.16 if t.dark else 0.1), tint("#30a46c", 0.5),
                    "#9be4b4" if t.dark else "#17633a"),
    }


def notice_css(t: Theme) -> dict[str, str]:
    return {kind: f"QLabel {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; "
                  f"padding: 8px 10px; color: {fg}; }}"
            for kind, (bg, border, fg) in tones(t).items()}


def account_style_sheet(t: Theme) -> str:
    """The dialog's own look on top of the application style (light or dark)."""
    C = QtGui.QColor
    red = tones(t)["error"][2]
    link = t.selection if t.dark else t.accent
    d = "QDialog#accountDialog"
    return f"""
{d} {{ background: {t.window}; }}
{d} QLabel#accountHeading {{ font-size: 17px; font-weight: 600; color: {t.text}; }}
{d} QLabel#accountIntro, {d} QLabel#serverLine, {d} QLabel#actionHelp,
{d} QLabel#accountBusy, {d} QLabel#policyRules, {d} QLabel#deleteExplain {{ color: {t.muted}; }}
{d} QLabel#accountWho {{ font-size: 14px; font-weight: 600; color: {t.text}; }}
{d} QLabel#doneText {{ color: {t.text}; }}
{d} QLabel#fieldLabel {{ color: {t.text}; font-weight: 600; }}
{d} QLineEdit {{ border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 6px 8px;
    background: {t.surface}; color: {t.text}; }}
{d} QLineEdit:focus {{ border: 1px solid {t.accent}; }}
{d} QLineEdit:disabled {{ color: {t.muted}; background: {t.surface_alt}; }}
{d} QPushButton {{ border: 1px solid {t.grid_strong}; border-radius: 6px; padding: 6px 14px;
    background: {t.surface}; color: {t.text}; }}
{d} QPushButton:hover {{ background: {t.grid}; }}
{d} QPushButton:disabled {{ color: {t.muted}; }}
{d} QPushButton#primaryButton {{ background: {t.accent}; color: {t.accent_text};
    border: 1px solid {t.accent}; font-weight: 600; }}
{d} QPushButton#primaryButton:hover {{
    background: {mix(C(t.accent), C(t.text), 0.12).name()}; }}
{d} QPushButton#dangerButton {{ background: #d93036; color: #ffffff; border: 1px solid #d93036;
    font-weight: 600; }}
{d} QPushButton#dangerButton:hover {{ background: #b8262b; }}
{d} QPushButton#primaryButton:disabled, {d} QPushButton#dangerButton:disabled {{
    background: {t.grid}; border: 1px solid {t.grid_strong}; color: {t.muted}; }}
{d} QPushButton#dangerLink {{ color: {red}; }}
{d} QPushButton[link="true"] {{ border: none; background: transparent; padding: 2px 0;
    color: {link}; text-align: left; }}
{d} QPushButton[link="true"]:hover {{ text-decoration: underline; }}
{d} QPushButton[link="true"]:disabled {{ color: {t.muted}; }}
{d} QProgressBar#accountBusyBar {{ border: none; border-radius: 3px; background: {t.grid}; }}
{d} QProgressBar#accountBusyBar::chunk {{ background: {t.accent}; border-radius: 3px; }}
"""
