"""A dialog that shows one page of a flow at a time and runs one step at a time off the GUI thread.

The mechanism under the account dialog (:mod:`aurora_desktop.ui.account_dialog`),
which adds the flows: what each page's buttons do and where they lead.

- Pages (:class:`~aurora_desktop.ui.account_form.Page`) are added once and
  shown with :meth:`PageDialog.go`; the dialog keeps its width and takes the
  height of the page shown (wrapped text included).
- :meth:`PageDialog.run` runs a step (network, keyring) with its page busy;
  Escape while it runs stops waiting (its late answer is dropped) and gives
  the form back; otherwise Escape closes the dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.ui import theme as themes
from aurora_desktop.ui.account_form import Page
from aurora_desktop.ui.ops import BackgroundOp, run_in_background

__all__ = ["PageDialog"]

T = TypeVar("T")


class PageDialog(QtWidgets.QDialog):
    """A stack of pages and the step running now (``op``; None when idle).

    Subclasses set :attr:`BACK` (where a page's Back button leads; None closes
    the dialog), add their pages with :meth:`add_page` and say how a failed
    step reads in :meth:`show_failure` and how the dialog looks in :meth:`style_sheet`.
    """

    BACK: ClassVar[Mapping[str, str | None]] = {}
    STEP_NAME = "step"  # a running step's thread is "<STEP_NAME>-<page key>"
    WIDTH = 500  # the dialog's width; its height follows the page shown
    MARGINS = (26, 22, 26, 20)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._theme: themes.Theme | None = None
        self.op: BackgroundOp[Any] | None = None
        self.pages: dict[str, Page] = {}
        self.stack = QtWidgets.QStackedWidget()
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(*self.MARGINS)
        lay.addWidget(self.stack)

    # ============================================================ structure
    def add_page(self, page: T) -> T:
        assert isinstance(page, Page) and page.key and page.key not in self.pages
        self.pages[page.key] = page
        self.stack.addWidget(page)
        page.back.connect(lambda p=page: self._back(p.key))
        page.content_changed.connect(lambda p=page: self._fit() if p is self.page else None)
        page.installEventFilter(self)  # any other change of its layout re-fits too
        if self._theme is not None:
            page.set_theme(self._theme)
        return page

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.LayoutRequest and obj is self.stack.currentWidget():
            self._fit()
        return super().eventFilter(obj, event)

    @property
    def page(self) -> Page:
        w = self.stack.currentWidget()
        assert isinstance(w, Page)
        return w

    def go(self, key: str, notice: str = "", kind: str = "info") -> Page:
        """Show page ``key`` (its messages cleared; ``notice`` shown above its form)."""
        page = self.pages[key]
        page.clear()
        if notice:
            page.say(notice, kind)
        self.stack.setCurrentWidget(page)
        if page.primary is not None:
            page.primary.setDefault(True)
        self._fit()
        page.focus_first()
        return page

    def _fit(self) -> None:
        """Width fixed, height that of the page shown (wrapped text included)."""
        left, top, right, bottom = self.MARGINS
        lay = self.page.layout()
        assert lay is not None
        inner = self.WIDTH - left - right
        height = lay.totalHeightForWidth(inner) if lay.hasHeightForWidth() else \
            lay.totalSizeHint().height()
        if self.stack.size() != QtCore.QSize(inner, height):
            self.stack.setFixedSize(inner, height)
            self.setFixedSize(self.WIDTH, height + top + bottom)

    def _back(self, key: str) -> None:
        target = self.BACK.get(key)
        if target is None:
            self.reject()
        else:
            self.go(target)

    def style_sheet(self, t: themes.Theme) -> str:
        """The dialog's own look in theme ``t`` (on top of the application's)."""
        return ""

    def apply_theme(self, t: themes.Theme) -> None:
        self._theme = t
        self.setStyleSheet(self.style_sheet(t))
        for page in self.pages.values():
            page.set_theme(t)
        self._fit()

    # ====================================================== running steps
    def run(self, page: Page, busy: str, work: Callable[[], T], done: Callable[[T], None],
            failed: Callable[[BaseException], bool] | None = None) -> BackgroundOp[T]:
        """Run ``work`` off the GUI thread with ``page`` busy; ``done(result)`` on success.

        A failure is shown on ``page`` (:meth:`show_failure`) unless
        ``failed(error)`` returns True (it took the user elsewhere).
        """
        self.cancel(quiet=True)
        page.set_busy(busy)

        def ok(result: T) -> None:
            self.op = None
            page.set_busy(None)
            done(result)

        def bad(exc: BaseException) -> None:
            self.op = None
            page.set_busy(None)
            if failed is None or not failed(exc):
                self.show_failure(page, exc)

        op = run_in_background(self, work, ok, bad, name=f"{self.STEP_NAME}-{page.key}")
        self.op = op
        return op

    def show_failure(self, page: Page, exc: BaseException) -> None:
        """How a failed step reads on ``page`` (subclasses say it in the user's words)."""
        page.say(str(exc))

    def cancel(self, *, quiet: bool = False) -> bool:
        """Stop waiting for the running step (its answer is dropped). True if one ran."""
        op, self.op = self.op, None
        if op is None:
            return False
        op.cancel()
        page = self.page
        page.set_busy(None)
        if not quiet:
            page.error.say("Stopped waiting for the server.", "info")
        return True

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.op is not None:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        self.cancel(quiet=True)
        super().reject()

    def done(self, r: int) -> None:
        self.cancel(quiet=True)
        super().done(r)
