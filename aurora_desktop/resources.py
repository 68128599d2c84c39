"""Where the files of resources/ (icons, .desktop entry, AppStream data) are found.

One place for it: a checkout or editable install has them at the repository's
top level; the PyInstaller bundle carries them beside its modules, which is
the same relative place.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def resource(*parts: str) -> Path:
    """The path of a file under resources/ (it may be missing from a broken install)."""
    return RESOURCES.joinpath(*parts)
