"""Qt models over the store: occurrences of the visible range, calendars, agenda, search."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta, tzinfo
from typing import Any, TypeAlias

from aurora_core.defaults import DEFAULT_COLOR, NO_TITLE
from aurora_core.model import Calendar, Event
from aurora_core.times import window_bounds
from aurora_desktop.qt import Qt, QtCore
from aurora_desktop.store import Store, StoreError
from aurora_desktop.ui import icons
from aurora_desktop.ui.layout import Item, to_items

ItemRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2
DateRole = Qt.ItemDataRole.UserRole + 3
IdRole = Qt.ItemDataRole.UserRole + 4
ColorRole = Qt.ItemDataRole.UserRole + 5  # a search result's calendar colour (str)

# What Qt passes to the model and delegate virtuals (data, flags, paint, ...).
ModelIndex: TypeAlias = "QtCore.QModelIndex | QtCore.QPersistentModelIndex"
_ROOT = QtCore.QModelIndex()  # the invalid index: the parent of a list's rows


class OccurrenceModel(QtCore.QAbstractListModel):
    """The occurrences of one date range (the visible window), as display :class:`Item`s.

    ``load(first, end, neighbours)`` shows a range, querying the store unless
    the range was prefetched; the ``neighbours`` (previous/next page) are then
    prefetched when the event loop is idle, so paging needs no query. Any
    store change drops the prefetched ranges (the window calls
    :meth:`reload`). The views paint from :meth:`items`.
    """

    loaded = QtCore.Signal()
    failed = QtCore.Signal(str)  # the store could not be read; the message is for the user
    CACHE_RANGES = 6

    def __init__(self, store: Store, zone: tzinfo, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._zone = zone
        self._items: list[Item] = []
        self._range: tuple[date, date] | None = None
        self._calendars: dict[str, Calendar] = {}
        self._cache: dict[tuple[date, date], list[Item]] = {}
        self._wanted: list[tuple[date, date]] = []
        self._prefetch_held = False
        self._prefetch_timer = QtCore.QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(40)  # after the first paint, not before
        self._prefetch_timer.timeout.connect(self._prefetch_one)

    def set_zone(self, zone: tzinfo) -> None:
        self._zone = zone
        self.reload()

    @property
    def zone(self) -> tzinfo:
        return self._zone

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._items)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        it = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return it.title
        if role == ItemRole:
            return it
        return None

    def items(self) -> list[Item]:
        return self._items

    def range(self) -> tuple[date, date] | None:
        return self._range

    def load(self, first: date, end_exclusive: date,
             neighbours: tuple[tuple[date, date], ...] = ()) -> None:
        rng = (first, end_exclusive)
        self._range = rng
        items = self._cache.get(rng)
        if items is None:
            items = self._query(rng)
        self._show(items)
        self._wanted = [r for r in neighbours if r not in self._cache]
        if self._wanted and not self._prefetch_held:
            self._prefetch_timer.start()

    def hold_prefetch(self, held: bool) -> None:
        """Held: neighbours are noted but not read (start-up: the window is painted first)."""
        self._prefetch_held = held
        if held:
            self._prefetch_timer.stop()
        elif self._wanted:
            self._prefetch_timer.start()

    def reload(self) -> None:
        """Query the shown range again (after a store change); drops prefetched ranges."""
        self._cache.clear()
        self._calendars = {c.id: c for c in self._store.calendars()}
        if self._range is None:
            return
        self._show(self._query(self._range))

    def _query(self, rng: tuple[date, date]) -> list[Item]:
        try:
            if not self._calendars:
                self._calendars = {c.id: c for c in self._store.calendars()}
            s, e = window_bounds(*rng, self._zone)
            occs = self._store.occurrences(s, e, self._zone)
        except StoreError as exc:
            self.failed.emit(f"The calendar database cannot be read: {exc}")
            return []
        items = to_items(occs, self._zone, self._calendars)
        self._cache[rng] = items
        while len(self._cache) > self.CACHE_RANGES:
            self._cache.pop(next(iter(self._cache)))
        return items

    def _show(self, items: list[Item]) -> None:
        self.beginResetModel()
        self._items = items
        self.endResetModel()
        self.loaded.emit()

    def _prefetch_one(self) -> None:
        while self._wanted:
            rng = self._wanted.pop(0)
            if rng not in self._cache:
                self._query(rng)
                break
        if self._wanted:
            self._prefetch_timer.start()

    def is_cached(self, first: date, end_exclusive: date) -> bool:
        return (first, end_exclusive) in self._cache

    def find(self, key: str) -> Item | None:
        return next((it for it in self._items if it.key == key), None)


class CalendarListModel(QtCore.QAbstractListModel):
    """The calendars, checkable for visibility, with a colour swatch."""

    def __init__(self, store: Store, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._cals: list[Calendar] = store.calendars()
        self._load_subscriptions()

    def _load_subscriptions(self) -> None:
        # Subscribed calendars: their address and why their last refresh failed.
        subs = self._store.subscriptions()
        self._sources = {s.calendar.id: s.url for s in subs}
        self._never_fetched = {s.calendar.id for s in subs if s.refreshed is None}
        self._problems = self._store.subscription_errors()

    def refresh(self) -> None:
        self.beginResetModel()
        self._cals = self._store.calendars()
        self._load_subscriptions()
        self.endResetModel()

    def calendar_at(self, row: int) -> Calendar | None:
        return self._cals[row] if 0 <= row < len(self._cals) else None

    def source(self, calendar_id: str) -> str | None:
        """The URL of a subscribed calendar; None for an ordinary one."""
        return self._sources.get(calendar_id)

    def problem(self, calendar_id: str) -> str | None:
        """Why a subscription's last refresh failed (None: it did not)."""
        return self._problems.get(calendar_id)

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._cals)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cal = self.calendar_at(index.row()) if index.isValid() else None
        if cal is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cal.name + (" (read-only)" if cal.read_only else "")
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.swatch(cal.color)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if cal.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            problem = self.problem(cal.id)
            return (f"{cal.name}, {'shown' if cal.visible else 'hidden'}"
                    + (f", refresh failed: {problem}" if problem else ""))
        if role == Qt.ItemDataRole.ToolTipRole and self.source(cal.id):
            tip = f"Subscribed to {self.source(cal.id)}\nRead-only, refreshed automatically"
            problem = self.problem(cal.id)
            if cal.id in self._never_fetched:  # from another desktop, not fetched here yet
                return tip + (f"\n\nIt could not be fetched yet: {problem}.\nIt is tried "
                              "again automatically." if problem else "\n\nNot fetched yet.")
            return tip + (f"\n\nThe last refresh failed: {problem}.\nShowing the last good "
                          "copy." if problem else "")
        if role == IdRole:
            return cal.id
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def setData(self, index: ModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        cal = self.calendar_at(index.row())
        if cal is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if isinstance(value, bool):
            checked = value
        elif isinstance(value, Qt.CheckState):
            checked = value == Qt.CheckState.Checked
        else:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
        self._store.put_calendar(dataclasses.replace(cal, visible=checked))
        return True


class AgendaModel(QtCore.QAbstractListModel):
    """Upcoming occurrences grouped by day: header rows and item rows, growing on demand.

    ``canFetchMore``/``fetchMore`` load the next chunk of days when the view
    scrolls to the bottom.
    """

    CHUNK_DAYS = 30
    MAX_DAYS = 3 * 366

    def __init__(self, store: Store, zone: tzinfo, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._zone = zone
        self._start = date.today()
        self._loaded_to = self._start
        self._rows: list[tuple[str, Any]] = []
        self._calendars: dict[str, Calendar] = {}
        self._active = False

    def set_zone(self, zone: tzinfo) -> None:
        self._zone = zone
        if self._active:
            self.reset_to(self._start)

    def deactivate(self) -> None:
        """Stop fetching (the agenda is not shown, or the store is closing)."""
        self._active = False

    @property
    def start(self) -> date:
        return self._start

    @property
    def loaded_to(self) -> date:
        return self._loaded_to

    def reset_to(self, start: date) -> None:
        self.beginResetModel()
        self._active = True
        self._start = start
        self._loaded_to = start
        self._rows = []
        self._calendars = {c.id: c for c in self._store.calendars()}
        self._append_days(self.CHUNK_DAYS)
        self.endResetModel()

    def _fetch_rows(self, days: int) -> list[tuple[str, Any]]:
        first = self._loaded_to
        end = first + timedelta(days=days)
        s, e = window_bounds(first, end, self._zone)
        items = to_items(self._store.occurrences(s, e, self._zone), self._zone, self._calendars)
        by_day: dict[date, list[Item]] = {}
        last = end - timedelta(days=1)
        for it in items:  # an event of several days is listed on each of them
            d = max(it.first_day, first)
            while d <= min(it.last_day, last):
                by_day.setdefault(d, []).append(it)
                d += timedelta(days=1)
        rows: list[tuple[str, Any]] = []
        for d in sorted(by_day):
            rows.append(("day", d))
            # Whole days first (all-day, and the middle of a long event), then by start.
            for it in sorted(by_day[d], key=lambda i: (not _whole_day(i, d), i.start, i.title)):
                rows.append(("item", (it, d)))
        self._loaded_to = end
        return rows

    def _append_days(self, days: int) -> None:
        self._rows.extend(self._fetch_rows(days))

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._rows)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return self._active and not parent.isValid() and \
            (self._loaded_to - self._start).days < self.MAX_DAYS

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid():
            return
        rows = self._fetch_rows(self.CHUNK_DAYS)
        if not rows:
            return
        self.beginInsertRows(QtCore.QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind, value = self._rows[index.row()]
        if role == KindRole:
            return kind
        if role == ItemRole:
            return value[0] if kind == "item" else None
        if role == DateRole:  # an item's row: the day it is listed on
            return value if kind == "day" else value[1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if kind == "day":
                return value.isoformat()
            it, d = value
            if it.first_day == it.last_day:
                return it.title
            n = (it.last_day - it.first_day).days + 1
            return f"{it.title}, day {(d - it.first_day).days + 1} of {n}"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if index.isValid() and self._rows[index.row()][0] == "item":
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsEnabled

    def row_of_key(self, key: str) -> int:
        """The first row listing the occurrence ``key`` (an event of several days has more)."""
        for i, (kind, v) in enumerate(self._rows):
            if kind == "item" and v[0].key == key:
                return i
        return -1

    def item_rows(self) -> list[int]:
        return [i for i, (k, _) in enumerate(self._rows) if k == "item"]

    def listed_count(self) -> int:
        """How many occurrences the agenda lists (one of several days counts once)."""
        return len({v[0].key for k, v in self._rows if k == "item"})


def _whole_day(it: Item, d: date) -> bool:
    """Is ``it`` on the whole of day ``d`` (all-day, or a long event's middle day)?"""
    return it.all_day or it.first_day < d < it.last_day


class SearchModel(QtCore.QAbstractListModel):
    """Search results: events whose title, location or notes match."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []
        self._labels: list[str] = []
        self._colors: dict[str, str] = {}

    def set_results(self, events: list[Event], labels: list[str],
                    colors: dict[str, str]) -> None:
        self.beginResetModel()
        self._events, self._labels, self._colors = events, labels, colors
        self.endResetModel()

    def event_at(self, row: int) -> Event | None:
        return self._events[row] if 0 <= row < len(self._events) else None

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self._events)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ev = self.event_at(index.row()) if index.isValid() else None
        if ev is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{ev.title or NO_TITLE}\n{self._labels[index.row()]}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{ev.title}, {self._labels[index.row()]}"
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.dot(self._colors.get(ev.calendar_id, DEFAULT_COLOR))
        if role == ColorRole:
            return self._colors.get(ev.calendar_id, DEFAULT_COLOR)
        if role == IdRole:
            return ev.id
        return None
