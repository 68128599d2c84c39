"""The local SQLite store (no Qt): calendars, events, imports, occurrences, reminder state,
sync state.

One module per concern, composed into :class:`Store` (see ``base`` for the
contract every part keeps).
"""

from .base import DEFAULT_CALENDAR_NAME, ChangeNotice, ReminderState, StoreBase, StoreError
from .calendars import CalendarsMixin
from .events import EventsMixin
from .imports import ImportsMixin
from .instances import InstancesMixin
from .reminder_state import ReminderStateMixin
from .subscriptions import Subscription, SubscriptionsMixin
from .sync_conflicts import Conflict
from .sync_outbox import Outgoing
from .sync_remote import ApplyReport
from .sync_state import SyncMixin
from .zones import ZonesMixin


class Store(SubscriptionsMixin, SyncMixin, ReminderStateMixin, InstancesMixin, ImportsMixin,
            EventsMixin, CalendarsMixin, ZonesMixin, StoreBase):
    """The local calendar database. Not thread-safe: use it from one thread (a worker opens
    its own Store on the same file). ``clock`` gives "now" (aware UTC); tests pass a fake one.
    """


__all__ = ["DEFAULT_CALENDAR_NAME", "ApplyReport", "ChangeNotice", "Conflict", "Outgoing",
           "ReminderState", "Store", "StoreError", "Subscription"]
