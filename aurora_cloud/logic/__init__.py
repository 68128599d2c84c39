"""The rules of the API, between the thin handlers and the storage module.

Every method takes the caller's Cognito ``sub`` (from the verified JWT,
never from a body) and wire models, and returns wire models or raises an
:class:`aurora_cloud.errors.AuroraError`. Writes follow HTTP preconditions
(:mod:`aurora_cloud.logic.versions`).

One module per concern, each a part of :class:`Service` over
:class:`~aurora_cloud.logic.base.ServiceBase`: ``account`` (sessions, sign-out,
deletion, settings), ``calendars``, ``events``, ``batch``, ``reminder_states``,
``occurrences`` (GET /events), ``sync``; ``convert`` turns stored items into wire
models. None knows how the table keys its items (that is :mod:`aurora_cloud.storage`).
"""

from __future__ import annotations

from aurora_cloud.logic.account import AccountPart
from aurora_cloud.logic.batch import BatchPart
from aurora_cloud.logic.calendars import CalendarsPart
from aurora_cloud.logic.events import EventsPart
from aurora_cloud.logic.occurrences import OccurrencesPart
from aurora_cloud.logic.reminder_states import ReminderStatesPart
from aurora_cloud.logic.sync import SyncPart
from aurora_cloud.logic.versions import Precondition

__all__ = ["Precondition", "Service"]


class Service(AccountPart, CalendarsPart, EventsPart, BatchPart, ReminderStatesPart,
              OccurrencesPart, SyncPart):
    """The API's behaviour over one :class:`~aurora_cloud.storage.Storage`
    (``Service(storage, clock=..., sync_settle=..., accounts=..., cursors=...)``)."""
