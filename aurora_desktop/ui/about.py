"""Help → About Aurora Time: version, licence, where to learn more, what it is built with."""

from __future__ import annotations

import platform
from importlib import metadata

from aurora_desktop.qt import Qt, QtCore, QtGui, QtWidgets
from aurora_desktop.resources import resource

PACKAGE = "aurora-time"
MIT = """MIT License

Copyright (c) the Aurora Time authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify,
merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following
conditions:

The above copyright notice and this permission notice shall be included in all copies
or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE
OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
# Shown as the link when the package declares no home page (a development checkout).
DOCS_FALLBACK = "README.md"


def version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "development build"


def licence_name() -> str:
    try:
        meta = metadata.metadata(PACKAGE)
    except metadata.PackageNotFoundError:
        return "MIT"
    return _field(meta, "License-Expression") or _field(meta, "License") or "MIT"


def home_page() -> str | None:
    """The project's home page from the package metadata (Project-URL or Home-page)."""
    try:
        meta = metadata.metadata(PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "documentation"):
            return url.strip()
    return _field(meta, "Home-page")


def _field(meta: object, name: str) -> str | None:
    """One metadata field, or None (a missing key raises in some importlib versions)."""
    values = getattr(meta, "get_all", lambda _n: None)(name)
    return str(values[0]) if values else None


def readme_url() -> QtCore.QUrl | None:
    path = resource().parent / DOCS_FALLBACK
    return QtCore.QUrl.fromLocalFile(str(path)) if path.exists() else None


class AboutDialog(QtWidgets.QDialog):
    """Name, version, one line of what it is, licence (full text on demand), a link."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Aurora Time")
        icon = QtWidgets.QLabel()
        icon_path = resource("aurora-time.svg")
        if icon_path.exists():
            icon.setPixmap(QtGui.QIcon(str(icon_path)).pixmap(72, 72))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        name = QtWidgets.QLabel("Aurora Time")
        name.setObjectName("dialogTitle")
        self.version_label = QtWidgets.QLabel(f"Version {version()}")
        self.version_label.setObjectName("dialogSubtle")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        blurb = QtWidgets.QLabel("A desktop calendar that works offline, syncs through your "
                                 "Aurora account and never misses a reminder.")
        blurb.setWordWrap(True)
        url = home_page()
        if url:
            link_html = f'<a href="{url}">{url}</a>'
        else:
            local = readme_url()
            link_html = (f'<a href="{local.toString()}">Read the guide (README)</a>'
                         if local is not None else "")
        self.link = QtWidgets.QLabel(link_html)
        self.link.setOpenExternalLinks(True)
        self.link.setAccessibleName("Project page")
        self.link.setVisible(bool(link_html))
        self.licence_label = QtWidgets.QLabel(
            f'Free software under the {licence_name()} licence. '
            '<a href="#licence">Show the licence</a>')
        self.licence_label.setWordWrap(True)
        self.licence_label.linkActivated.connect(self._toggle_licence)
        self.licence_text = QtWidgets.QPlainTextEdit(MIT)
        self.licence_text.setObjectName("licenceText")
        self.licence_text.setReadOnly(True)
        self.licence_text.setAccessibleName("Licence")
        self.licence_text.setMinimumHeight(180)
        self.licence_text.hide()
        qt = QtCore.qVersion()
        credits = QtWidgets.QLabel(f"Python {platform.python_version()} · Qt {qt} · "
                                   "Inter typeface (SIL Open Font License 1.1)")
        credits.setObjectName("dialogSubtle")
        credits.setWordWrap(True)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        bb.accepted.connect(self.accept)
        close = bb.button(QtWidgets.QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setIcon(QtGui.QIcon())
            close.setDefault(True)

        text = QtWidgets.QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(name)
        text.addWidget(self.version_label)
        text.addSpacing(6)
        text.addWidget(blurb)
        text.addWidget(self.link)
        text.addWidget(self.licence_label)
        text.addWidget(credits)
        top = QtWidgets.QHBoxLayout()
        top.setSpacing(18)
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(24, 22, 24, 16)
        lay.setSpacing(14)
        lay.addLayout(top)
        lay.addWidget(self.licence_text, 1)
        lay.addWidget(bb)
        self.setMinimumWidth(460)

    def _toggle_licence(self, _link: str = "") -> None:
        self.licence_text.setVisible(not self.licence_text.isVisible())
        self.adjustSize()
