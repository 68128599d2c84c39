"""The reminder planner: which desktop reminders are due, pending or coming up.

Pure Python, no Qt. Two parts:

- :func:`decide` is the state machine, a pure function of the reminders in
  the planning window, their persisted states, "now" and the watermark (the
  instant up to which the app has been watching).
- :class:`Planner` builds and keeps the reminders of the planning window from
  the store (recurring occurrences included) and updates them incrementally
  when events change, so a re-plan after an edit stays cheap.

A reminder is identified by ``(occurrence key, "<minutes>:<channel>")`` and
its ``due`` instant. A persisted state counts only while its ``due`` equals
the reminder's current due: when an edit moves the event, the old state no
longer applies and the reminder is armed again for the new time.

The state machine (per reminder, docs/reminders.md has the long version)::

    no state --due reached--> deliver --> fired (listed, never notified again)
    fired/new --snooze--> snoozed(until) --until reached--> deliver --> fired
    any --dismiss--> dismissed (never listed or notified again)

A reminder whose due had already passed when its event was last written
(created or edited: the reminder set, the event moved) is never delivered: the
user set it late while looking at the event, so it is neither due nor missed
(Google Calendar, Thunderbird). Another reminder without a state whose due
has passed is delivered when it fell due after the watermark (missed while
the app was closed, asleep, paused or the clock jumped) or when its event has
not started yet (written in time, synced in late); otherwise it is not shown.
Missed ones older than the look-back are not delivered (on-time ones always
are); a shown reminder stays listed for the look-back or a week, whichever
is longer; a snooze (at most a week) always comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from aurora_core.model import Event, Occurrence
from aurora_core.reminders import channel_minutes, due_reminders
from aurora_core.series import overrides_stand_alone, series_occurrences
from aurora_desktop.store import ReminderState, Store

__all__ = [
    "DEFAULT_HORIZON",
    "DEFAULT_LOOKBACK",
    "KEEP_LISTED",
    "MAX_SNOOZE",
    "MISSED_GRACE",
    "Decision",
    "Delivery",
    "DueReminder",
    "Planner",
    "WindowPlan",
    "decide",
    "plan_window",
    "reminders_of",
]

DEFAULT_LOOKBACK = timedelta(days=7)
DEFAULT_HORIZON = timedelta(days=2)
# A shown, undismissed reminder stays listed at least this long (whatever the
# look-back), and a snooze is at most this long; the planning window reaches
# back far enough for both.
KEEP_LISTED = timedelta(days=7)
MAX_SNOOZE = timedelta(days=7)
# A reminder delivered more than this after its time is marked "missed".
MISSED_GRACE = timedelta(minutes=2)

ReminderKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One desktop reminder of one occurrence, with what the window shows of it."""

    occurrence_key: str
    reminder: str  # "<minutes_before>:notification"
    due: datetime  # aware UTC
    event_id: str
    uid: str
    title: str
    location: str
    start: datetime  # the occurrence's start instant, aware UTC
    end: datetime
    all_day: bool
    minutes_before: int
    # When the event (its reminders with it) was last written: a reminder whose due had
    # passed by then was set by someone looking at it, late, and is never delivered.
    set_at: datetime | None = None

    @property
    def key(self) -> ReminderKey:
        return (self.occurrence_key, self.reminder)

    @property
    def set_late(self) -> bool:
        """Its time had already passed when the event or the reminder was made or edited."""
        return self.set_at is not None and self.due < self.set_at


@dataclass(frozen=True, slots=True)
class Delivery:
    """A reminder to show now. ``missed``: it is late (closed, asleep, paused, clock jump)."""

    reminder: DueReminder
    missed: bool
    snoozed: bool = False  # a snooze ran out (rather than the first showing)


@dataclass(slots=True)
class Decision:
    """What :func:`decide` found at ``now``.

    ``deliver``: show now and record as fired. ``listed``: already shown and
    neither dismissed nor snoozed (the reminder window lists them without a
    new notification). ``next_due``: when the next upcoming reminder or
    snooze falls due (None: nothing within the window).
    """

    deliver: list[Delivery] = field(default_factory=list)
    listed: list[DueReminder] = field(default_factory=list)
    snoozed: list[tuple[DueReminder, datetime]] = field(default_factory=list)
    next_due: datetime | None = None


def _valid_state(states: Mapping[ReminderKey, ReminderState], r: DueReminder
                 ) -> ReminderState | None:
    st = states.get(r.key)
    if st is None and not r.occurrence_key.endswith("/"):
        # An instance's or override's reminder whose state was written under the series'
        # bare "<uid>/" key: an override that stood alone before overrides kept their own
        # key, or an event that has been made repeating since. For the same due it is
        # the same reminder: what was done with it stands (docs/reminders.md).
        st = states.get((_series_key(r.occurrence_key), r.reminder))
    if st is None or st.due != r.due:
        return None  # none, or one recorded for an earlier time of a moved event
    return st


def _series_key(occurrence_key: str) -> str:
    """``"<uid>/"``: the occurrence key with its recurrence part left empty (a
    recurrence key never holds a "/", a uid may)."""
    return occurrence_key[:occurrence_key.rfind("/") + 1]


def decide(
    reminders: Iterable[DueReminder],
    states: Mapping[ReminderKey, ReminderState],
    now: datetime,
    watermark: datetime | None,
    lookback: timedelta = DEFAULT_LOOKBACK,
) -> Decision:
    """Apply the state machine to every reminder (see the module docstring).

    ``watermark``: the instant up to which reminders have been delivered in
    an earlier run (None on the very first run: treated as ``now``).
    ``lookback`` bounds how late a reminder may still be delivered; one
    delivered on time (within :data:`MISSED_GRACE`) is never too late, and
    a shown reminder stays listed for at least :data:`KEEP_LISTED`.
    Results are sorted by due time, then title.
    """
    missed_from = now - max(lookback, MISSED_GRACE)
    listed_from = now - max(lookback, KEEP_LISTED)
    mark = now if watermark is None else watermark
    out = Decision()
    nxt: datetime | None = None
    for r in reminders:
        st = _valid_state(states, r)
        if st is None:
            if r.due > now:
                nxt = r.due if nxt is None or r.due < nxt else nxt
            elif r.set_late:
                pass  # set after its time (e.g. 09:00 today for tomorrow's all-day event)
            elif r.start > now or (mark < r.due and r.due >= missed_from):
                out.deliver.append(Delivery(r, missed=now - r.due > MISSED_GRACE))
        elif st.state == "fired":
            if r.due >= listed_from:
                out.listed.append(r)
        elif st.state == "snoozed":
            until = st.snoozed_until or r.due
            if until > now:
                out.snoozed.append((r, until))
                nxt = until if nxt is None or until < nxt else nxt
            elif until >= missed_from:
                out.deliver.append(Delivery(r, missed=now - until > MISSED_GRACE, snoozed=True))
        # dismissed: nothing, ever (for this due).
    out.deliver.sort(key=lambda d: (d.reminder.due, d.reminder.title))
    out.listed.sort(key=lambda r: (r.due, r.title))
    out.next_due = nxt
    return out


def reminders_of(occurrences: Iterable[Occurrence], local_tz: tzinfo) -> list[DueReminder]:
    """The desktop (notification-channel) reminders of ``occurrences``, as the core says
    they fall due (:func:`aurora_core.reminders.due_reminders`: none for a cancelled
    event, each of an event's minutes once); email reminders belong to the server.
    """
    out: list[DueReminder] = []
    for occ in occurrences:
        dues = due_reminders(occ, "notification", local_tz)
        if not dues:
            continue
        ev = occ.event
        start = occ.start.instant(local_tz)
        end = occ.end.instant(local_tz)
        key = occ.key
        for rem, due in dues:
            out.append(DueReminder(
                occurrence_key=key, reminder=f"{rem.minutes_before}:notification",
                due=due, event_id=ev.id, uid=ev.uid,
                title=ev.title, location=ev.location, start=start, end=end,
                all_day=ev.all_day, minutes_before=rem.minutes_before, set_at=ev.updated))
    return out


def _leads(events: Iterable[Event]) -> tuple[int, int]:
    """(largest minutes before, largest minutes after) over the notification reminders."""
    minutes = channel_minutes(events, "notification")
    return max([0, *minutes]), max([0, *(-m for m in minutes)])


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """Every reminder due in [lo, hi] as read at ``built_at``: a planner's full re-read,
    made by :func:`plan_window` (on any thread, with its own store connection) and
    installed by :meth:`Planner.apply` (on the planner's)."""

    lo: datetime
    hi: datetime
    lead: int  # the longest notification reminder offsets (minutes before / after)
    lag: int
    reminders: tuple[DueReminder, ...]
    built_at: datetime


def plan_window(store: Store, local_tz: tzinfo, now: datetime, back: timedelta,
                horizon: timedelta, leads: tuple[int, int] | None = None) -> WindowPlan:
    """Read every reminder due in [now - back, now + horizon] from ``store``.

    ``leads``: the longest reminder offsets already known (None: read them from every
    event). Reminders fire for every calendar, shown or hidden in the views.
    """
    lo, hi = now - back, now + horizon
    lead, lag = _leads(store.events()) if leads is None else leads
    occs = store.occurrences(lo - timedelta(minutes=lag), hi + timedelta(minutes=lead),
                             local_tz, calendar_ids=[c.id for c in store.calendars()])
    reminders = tuple(r for r in reminders_of(occs, local_tz) if lo <= r.due <= hi)
    return WindowPlan(lo, hi, lead, lag, reminders, now)


class Planner:
    """The reminders whose due lies in [now - back, now + horizon], from the store.

    ``back`` is the look-back or :data:`KEEP_LISTED` (the longer), plus
    :data:`MAX_SNOOZE`: far enough for every reminder that can still be
    delivered, listed or snoozed.

    :meth:`rebuild` reads the whole window (or, split, :meth:`plan_job` reads it on
    a worker's connection and :meth:`apply` installs it); :meth:`update` re-reads
    only the series of the changed events. Not thread-safe (like the store).
    """

    def __init__(self, store: Store, local_tz: tzinfo, *, lookback: timedelta = DEFAULT_LOOKBACK,
                 horizon: timedelta = DEFAULT_HORIZON) -> None:
        self.store = store
        self.local_tz = local_tz
        self.lookback = lookback
        self.horizon = horizon
        self._by_uid: dict[str, list[DueReminder]] = {}
        self._uid_of: dict[str, str] = {}  # event id -> uid, to drop deleted events
        self._lo = self._hi = datetime.min.replace(tzinfo=UTC)
        self._lead = self._lag = 0
        self.built_at: datetime | None = None

    # --------------------------------------------------------------- queries

    @property
    def back(self) -> timedelta:
        return max(self.lookback, KEEP_LISTED) + MAX_SNOOZE

    @property
    def window(self) -> tuple[datetime, datetime]:
        """[lo, hi] of due instants covered by the last rebuild."""
        return self._lo, self._hi

    def reminders(self) -> list[DueReminder]:
        return [r for rs in self._by_uid.values() for r in rs]

    def __len__(self) -> int:
        return sum(len(rs) for rs in self._by_uid.values())

    def needs_rebuild(self, now: datetime) -> bool:
        """True when ``now`` has moved far enough that the window must move with it."""
        if self.built_at is None:
            return True
        return now < self._lo + self.back - timedelta(minutes=1) or \
            now >= self._hi - self.horizon / 2

    # --------------------------------------------------------------- building

    def rebuild(self, now: datetime) -> None:
        """Re-read every reminder due in [now - back, now + horizon]."""
        self.apply(self.plan_job(now)(self.store))

    def plan_job(self, now: datetime) -> Callable[[Store], WindowPlan]:
        """The reading part of :meth:`rebuild` at ``now``, as a job for any connection
        to this store's file: a worker thread runs it on a Store of its own (this
        planner's settings are taken now), and :meth:`apply` installs its result."""
        tz, back, horizon = self.local_tz, self.back, self.horizon
        # The longest reminder offsets, read once; edits only widen them (update()).
        leads = None if self.built_at is None else (self._lead, self._lag)
        return lambda store: plan_window(store, tz, now, back, horizon, leads)

    def apply(self, plan: WindowPlan) -> None:
        """Install a full re-read of the window (:meth:`plan_job`'s result)."""
        self._lo, self._hi = plan.lo, plan.hi
        # An update() meanwhile may have widened them: keep the wider.
        self._lead, self._lag = max(self._lead, plan.lead), max(self._lag, plan.lag)
        self._by_uid.clear()
        self._uid_of.clear()
        for r in plan.reminders:
            self._by_uid.setdefault(r.uid, []).append(r)
            self._uid_of[r.event_id] = r.uid
        self.built_at = plan.built_at

    def update(self, event_ids: Iterable[str]) -> None:
        """Re-read the series of the changed (created, edited, deleted) events."""
        uids: set[str] = set()
        for eid in event_ids:
            old = self._uid_of.pop(eid, None)
            if old is not None:
                uids.add(old)
            try:
                ev = self.store.get_event(eid)
            except KeyError:
                continue
            uids.add(ev.uid)
        for uid in uids:
            self._by_uid.pop(uid, None)
            master, overrides = self.store.series(uid)
            rs = self._series_reminders(master, overrides)
            if rs:
                self._by_uid[uid] = rs
                for r in rs:
                    self._uid_of[r.event_id] = uid

    def _series_reminders(self, master: Event | None, overrides: Sequence[Event]
                          ) -> list[DueReminder]:
        evs = [e for e in (master, *overrides) if e is not None]
        lead, lag = _leads(evs)
        if lead > self._lead or lag > self._lag:
            self._lead, self._lag = max(lead, self._lead), max(lag, self._lag)
        if not any(r.channel == "notification" for e in evs for r in e.reminders):
            return []
        live = {c.id for c in self.store.calendars()}
        ws = self._lo - timedelta(minutes=lag)
        we = self._hi + timedelta(minutes=lead) + timedelta(seconds=1)
        if master is not None and master.calendar_id not in live:
            master = None  # its calendar is gone: its overrides stand alone
        if overrides_stand_alone(master):
            overrides = [ov for ov in overrides if ov.calendar_id in live]
        occs = series_occurrences(master, overrides, ws, we, self.local_tz)
        return [r for r in reminders_of(occs, self.local_tz) if self._lo <= r.due <= self._hi]
