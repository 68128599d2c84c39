"""Quick add: an event typed in plain words, under "New event" (Ctrl+Shift+N).

The field sits in the sidebar right under the "New event" button. Each
keystroke reads the text with :mod:`aurora_core.quickadd` (a few ms; see
docs/performance.md) and a preview floats under the field: the event as it
would be saved, what was understood, and what was not. Enter saves through the
controller (one undoable "Create" like the editor's, with the default reminder)
and shows the new event selected; Shift+Enter opens it in the editor first (to
add a place or notes); Esc clears the field and gives the keys back to the
calendar.

The parser and dateparser are imported when the field is first focused (a
background warm-up), not at start-up.
"""

from __future__ import annotations

import html
import threading
import time
from typing import TYPE_CHECKING

from aurora_core.model import Event, Reminder, ValidationError
from aurora_desktop.lazy import LazyModule
from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets, is_alive
from aurora_desktop.settings import default_reminder_minutes

if TYPE_CHECKING:
    from aurora_core.quickadd import LocaleInfo, QuickAdd
    from aurora_desktop.ui.main_window import MainWindow
    from aurora_desktop.ui.theme import Theme

__all__ = ["SHORTCUT", "QuickAddField", "QuickAddPreview", "install_quick_add", "locale_info"]

quickadd = LazyModule("aurora_core.quickadd")
SHORTCUT = "Ctrl+Shift+N"
PLACEHOLDER = "Quick add: Lunch tomorrow at 1pm"
PREVIEW_WIDTH = 460


def locale_info(window: MainWindow) -> LocaleInfo:
    """Day/month order and language from Qt's locale; week start and clock as the window shows them."""
    loc = QtCore.QLocale()
    fmt = loc.dateFormat(QtCore.QLocale.FormatType.ShortFormat).lower()
    pos = {k: fmt.find(k) for k in "dmy"}
    order = "".join(sorted("dmy", key=lambda k: pos[k] if pos[k] >= 0 else 99)).upper()
    lang = loc.name().split("_", 1)[0].lower()
    result: LocaleInfo = quickadd.LocaleInfo(
        date_order=order if order in ("DMY", "MDY", "YMD") else "DMY",
        first_weekday=int(window.ctx.week_start) or 1, h24=window.ctx.fmt.h24,
        language=lang if lang and lang != "c" else "en")
    return result


class QuickAddPreview(QtWidgets.QFrame):
    """The understood event, floating over the window under the field (takes no focus)."""

    def __init__(self, parent: QtWidgets.QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("quickAddPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Quick add preview")
        self.label = QtWidgets.QLabel()
        self.label.setObjectName("quickAddPreviewText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.addWidget(self.label)
        # No drop shadow: a QGraphicsEffect re-renders the frame on every keystroke (+2 ms
        # median, bench/quickadd_bench.py); the border sets it off well enough.
        self._theme: Theme | None = None
        self.hide()

    def style_for(self, t: Theme) -> None:
        if t is self._theme:
            return
        self._theme = t
        self.setStyleSheet(
            f"QFrame#quickAddPreview {{ background: {t.surface}; border: 1px solid {t.grid_strong};"
            f" border-radius: 8px; }} QLabel {{ color: {t.text}; background: transparent; }}")

    def show_result(self, r: QuickAdd, t: Theme, h24: bool, calendar: str) -> None:
        self.style_for(t)
        warn = "#c0392b" if not t.dark else "#ff8a80"
        esc = html.escape
        rows: list[str] = []
        if r.error is not None:
            rows.append(f"<div style='color:{warn}; font-weight:600'>{esc(r.error)}</div>")
        else:
            rows.append(f"<div style='font-size:14px; font-weight:600'>{esc(r.title)}</div>")
            rows.append(f"<div>{esc(r.when(h24))}</div>")
            if r.rrule:
                rows.append(f"<div>Repeats {esc(quickadd.rule_in_words(r.rrule))}</div>")
            rows.append(f"<div style='color:{t.muted}'>in {esc(calendar)}</div>")
        if r.understood:
            items = "".join(f"<li>{esc(u)}</li>" for u in r.understood)
            rows.append(f"<div style='color:{t.muted}; margin-top:6px'>Understood:</div>"
                        f"<ul style='margin:0 0 0 -24px; color:{t.muted}'>{items}</ul>")
        if r.not_understood:
            items = "".join(f"<li>{esc(u)}</li>" for u in r.not_understood)
            rows.append(f"<div style='color:{warn}; margin-top:6px'>Not understood:</div>"
                        f"<ul style='margin:0 0 0 -24px; color:{warn}'>{items}</ul>")
        hint = "Enter adds it · Shift+Enter opens it in the editor · Esc cancels" if r.ok \
            else "Esc cancels"
        rows.append(f"<div style='color:{t.muted}; margin-top:6px; font-size:11px'>{hint}</div>")
        self.label.setText("".join(rows))
        self.adjustSize()
        self.show()
        self.raise_()

    def text(self) -> str:
        """The preview as plain text (for tests and accessibility)."""
        doc = QtGui.QTextDocument()
        doc.setHtml(self.label.text())
        return doc.toPlainText()


class QuickAddField(QtWidgets.QLineEdit):
    """The field. ``added(event_id)`` after Enter saved an event."""

    added = QtCore.Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName("quickAddField")
        self.setPlaceholderText(PLACEHOLDER)
        self.setAccessibleName("Quick add")
        self.setToolTip(f"Type an event in plain words ({SHORTCUT}), e.g. “Standup every weekday "
                        "at 9:30” or “Call Bob at 16:00 in New York time”; Enter adds it")
        self.setClearButtonEnabled(True)
        self.preview = QuickAddPreview(window)
        self.result: QuickAdd | None = None
        self.last_parse_ms = 0.0
        self._warm: threading.Thread | None = None
        self._wait = QtCore.QTimer(self)
        self._wait.setInterval(25)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(self.update_preview)
        self._theme: Theme | None = None
        self.textChanged.connect(self.update_preview)
        self.returnPressed.connect(self.save)
        window.installEventFilter(self)

    # ------------------------------------------------------------ preview
    def update_preview(self, _text: str = "") -> None:
        text = self.text()
        if not text.strip():
            self.result = None
            self.preview.hide()
            return
        if self._warm is not None and self._warm.is_alive():
            # dateparser is still loading (the first ~0.3 s after the first focus): keep
            # the keys quick and show the preview as soon as it is there.
            self._wait.start()
            return
        self.result = self.parse(text)
        w = self.window_
        cal = self._calendar_name()
        self.preview.show_result(self.result, w.ctx.theme, w.ctx.fmt.h24, cal)
        self._place()

    def parse(self, text: str) -> QuickAdd:
        w = self.window_
        t0 = time.perf_counter()
        r: QuickAdd = quickadd.parse(text, now=w.ctx.now(), zone=w.zone.name, locale=locale_info(w))
        self.last_parse_ms = (time.perf_counter() - t0) * 1000
        return r

    def _calendar_name(self) -> str:
        cid = self.window_.event_actions.default_calendar_id()
        for c in self.window_.store.calendars():
            if c.id == cid:
                return c.name
        return "no calendar you can write to"

    def _place(self) -> None:
        w = self.window_
        if not self.preview.isVisible():
            return
        below = self.mapTo(w, QtCore.QPoint(0, self.height() + 4))
        width = max(PREVIEW_WIDTH, self.width())
        x = max(4, min(below.x(), w.width() - width - 4))
        self.preview.setFixedWidth(width)
        self.preview.adjustSize()
        self.preview.move(x, below.y())
        self.preview.raise_()

    # ------------------------------------------------------------ actions
    def activate(self) -> None:
        """Ctrl+Shift+N: show the sidebar if hidden, focus the field."""
        w = self.window_
        if not w.sidebar.isVisible():
            w.menu_actions.sidebar.trigger()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def understood_event(self) -> Event | None:
        """The event the text makes now, or None (and the preview says why)."""
        w = self.window_
        text = self.text()
        if not text.strip():
            return None
        if self._warm is not None:
            self._warm.join()
        r = self.parse(text)  # now, not at the last keystroke
        self.result = r
        cal_id = w.event_actions.default_calendar_id()
        if r.ok and cal_id is None:
            r.error = "There is no calendar you can write to: add one first."
        ev: Event | None = None
        if r.ok:
            assert r.start is not None and r.end is not None and cal_id is not None
            minutes = default_reminder_minutes(w.settings, r.all_day)
            reminders = (Reminder(minutes),) if minutes is not None else ()
            try:
                ev = Event.new(cal_id, r.title, r.start, r.end, rrule=r.rrule, reminders=reminders)
                ev.validate()
            except ValidationError as exc:
                r.error, ev = str(exc), None
        if ev is None:
            self.preview.show_result(r, w.ctx.theme, w.ctx.fmt.h24, self._calendar_name())
            self._place()
            QtWidgets.QApplication.beep()
        return ev

    def save(self) -> str | None:
        """Enter: save the understood event; its id, or None (the preview says why)."""
        ev = self.understood_event()
        if ev is None or not self.window_.controller.create(ev):
            return None
        self._added(ev.id)
        return ev.id

    def open_in_editor(self) -> str | None:
        """Shift+Enter: the understood event in the editor, to add details before saving."""
        w = self.window_
        ev = self.understood_event()
        if ev is None:
            return None
        self.preview.hide()
        editor = w.event_actions.make_editor(event=ev)
        editor.setWindowTitle("New event")
        editor.setAccessibleName("New event")
        if editor.delete_button is not None:  # it is not saved yet: nothing to delete
            editor.delete_button.hide()
        if w.event_actions.run_editor(editor) != "save":
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            edited = editor.edited_event()
        except ValidationError as exc:
            w.report_error(str(exc))
            return None
        if not w.controller.create(edited):
            return None
        self._added(edited.id)
        return edited.id

    def _added(self, event_id: str) -> None:
        w = self.window_
        self.clear()
        self.preview.hide()
        w.show_event(event_id, None, switch=False)
        w.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.added.emit(event_id)

    def cancel(self) -> None:
        self.clear()
        self.preview.hide()
        self.window_.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ events
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            event.accept()
            self.open_in_editor()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusInEvent(event)
        self._style()
        if self._warm is None:  # import dateparser before the first keystroke needs it
            self._warm = threading.Thread(target=quickadd.warm_up, name="quickadd-warm-up",
                                          daemon=True)
            self._warm.start()
        if self.text().strip():
            self.update_preview()

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # the clear button's menu etc.
            self.preview.hide()

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if obj is self.window_ and event.type() == QtCore.QEvent.Type.Resize and is_alive(self):
            self._place()
        return False

    def _style(self) -> None:
        t = self.window_.ctx.theme
        if t is self._theme:
            return
        self._theme = t
        self.setStyleSheet(
            f"QLineEdit#quickAddField {{ border: 1px solid {t.grid_strong}; border-radius: 7px;"
            f" padding: 5px 8px; background: {t.surface}; color: {t.text}; }}"
            f"QLineEdit#quickAddField:focus {{ border: 1px solid {t.accent}; }}")


def install_quick_add(window: MainWindow) -> QuickAddField:
    """Put the field under the sidebar's "New event" button; Ctrl+Shift+N and File → Quick add."""
    field = QuickAddField(window)
    lay = window.sidebar.layout()
    if isinstance(lay, QtWidgets.QBoxLayout):
        lay.insertWidget(lay.indexOf(window.sidebar.new_button) + 1, field)
    field._style()
    # After the window's own handler has applied a new theme.
    def restyle(key: str) -> None:
        if key == "ui/theme":
            QtCore.QTimer.singleShot(0, lambda: field._style() if is_alive(field) else None)

    window.settings.changed.connect(restyle)
    act = QtGui.QAction("&Quick add…", window)
    act.setShortcut(QtGui.QKeySequence(SHORTCUT))
    act.setStatusTip("Type an event in plain words")
    act.triggered.connect(lambda _=False: field.activate())
    window.addAction(act)
    actions = window.file_menu.actions()
    new = window.menu_actions.new
    if new in actions and actions.index(new) + 1 < len(actions):
        window.file_menu.insertAction(actions[actions.index(new) + 1], act)
    else:
        window.file_menu.addAction(act)
    return field
