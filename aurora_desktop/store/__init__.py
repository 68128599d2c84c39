"""The local SQLite store (no Qt): calendars, events, occurrences, outbox."""

from .store import DEFAULT_CALENDAR_NAME, ChangeNotice, ReminderState, Store, StoreError

__all__ = ["DEFAULT_CALENDAR_NAME", "ChangeNotice", "ReminderState", "Store", "StoreError"]
