"""Zones an imported file defined (``X-AURORA/<hash>``), kept with the events that use
them (docs/import.md).

Every event write saves the definition of its zone in the ``zones`` table in the same
transaction (:func:`save_zones`), so whatever reads an event later, in any process or
thread, finds its zone: each store adds its file as a source the zone registry asks
(:mod:`aurora_core.custom_zones`) for a name it has not seen yet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aurora_core import custom_zones

from .base import StoreBase

__all__ = ["ZonesMixin", "save_zones"]


def save_zones(db: sqlite3.Connection, names: Iterable[str | None]) -> None:
    """Keep the definitions of the registry zones among ``names`` (others are ignored).

    Raises :class:`~aurora_core.model.ValidationError` for a zone whose definition is
    not known here (an event cannot have been made in one)."""
    rows = list(custom_zones.definitions_for(names).items())
    if rows:
        db.executemany("INSERT OR IGNORE INTO zones (name, definition) VALUES (?, ?)", rows)


class ZonesMixin(StoreBase):
    def __init__(self, path: Path | str, **kw: Any) -> None:
        super().__init__(path, **kw)
        custom_zones.add_source(str(self.path), _FileSource(self.path))

    def zone_definitions(self) -> dict[str, str]:
        """Every zone kept (name -> definition), used by an event or not."""
        return {str(n): str(d) for n, d in
                self._db.execute("SELECT name, definition FROM zones ORDER BY name")}


class _FileSource:
    """Reads a definition from a store's file on its own short connection, so any
    thread may ask (a store's connection belongs to its thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, name: str) -> str | None:
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
            try:
                row = db.execute("SELECT definition FROM zones WHERE name = ?",
                                 (name,)).fetchone()
            finally:
                db.close()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])
