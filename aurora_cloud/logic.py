"""The rules of the API, between the thin handlers and the storage module.

Every method takes the caller's Cognito ``sub`` (from the verified JWT,
never from a body) and wire models, and returns wire models or raises an
:class:`aurora_cloud.errors.AuroraError`. Writes follow HTTP preconditions:
``If-None-Match: *`` creates, ``If-Match: <version>`` updates; retrying the
same write returns the stored item instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TypeVar, cast

from pydantic import ValidationError as PydanticValidationError

from aurora_cloud.accounts import Accounts
from aurora_cloud.cursor import Cursors
from aurora_cloud.errors import (
    AuroraError,
    Conflict,
    Contention,
    Gone,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
)
from aurora_cloud.reminders.schedule import next_email_due
from aurora_cloud.storage import Due, Storage, Stored, Write
from aurora_cloud.storage.dynamo import series_key
from aurora_core import custom_zones, recurrence, wire
from aurora_core.model import Event, EventTime, Occurrence, ValidationError, get_zone

RETRIES = 6
MARGIN = timedelta(hours=15)  # every UTC offset is within this: bounds floating/all-day times
FOREVER = 10**11  # an epoch second after any event
MAX_WINDOW = timedelta(days=370)
MAX_OCCURRENCES = 5_000
SYNC_SLACK = timedelta(minutes=1)  # a write lands within this of its stamp (Lambda: 10 s)
CHUNK = 50
DELETE_BUDGET = 2_000  # items one DELETE /me call deletes at most (the Lambda never times out)
REVOKED_KEEP = timedelta(days=2)  # the revoked mark outlives any token (Cognito: ≤ 1 day)
SIGNED_OUT = "the session was signed out; sign in again"
REMINDER_STATE_KEEP = timedelta(days=60)  # a reminder state expires (TTL) this long after due


_M = TypeVar("_M", bound=Callable[..., Any])


def _with_zones(method: _M) -> _M:
    """Run a method taking ``sub`` with the user's stored zone definitions as the zone
    registry's resolver: an event in a zone a file defined (X-AURORA/<hash>) decodes
    wherever its definition was sent before (docs/import.md)."""
    @functools.wraps(method)
    def run(self: Service, sub: str, *args: Any, **kw: Any) -> Any:
        token = custom_zones.resolver.set(functools.partial(self.storage.get_zone, sub))
        try:
            return method(self, sub, *args, **kw)
        finally:
            custom_zones.resolver.reset(token)
    return cast(_M, run)


def zone_definitions(events: Sequence[wire.EventWire]) -> dict[str, str]:
    """The definitions of the zones files defined that ``events`` use (those that can be
    found: the page still goes out without one that cannot)."""
    out: dict[str, str] = {}
    for name in {e.timezone for e in events if e.timezone and custom_zones.is_custom(e.timezone)}:
        try:
            out[name] = custom_zones.definition(name)
        except ValidationError:
            continue
    return out


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Precondition:
    """What the request's If-Match / If-None-Match demand."""

    create_only: bool = False
    version: int | None = None

    @classmethod
    def from_headers(cls, if_match: str | None, if_none_match: str | None) -> Precondition:
        if if_none_match is not None:
            if if_none_match.strip() != "*":
                raise InvalidInput("If-None-Match supports only '*' (create)")
            return cls(create_only=True)
        if if_match is not None:
            return cls(version=parse_version(if_match))
        return cls()


def parse_version(text: str) -> int:
    t = text.strip().removeprefix("W/").strip('"')
    if not t.isdigit() or len(t) > 15:
        raise InvalidInput(f"If-Match must be an item version (a number), got {text[:40]!r}")
    return int(t)


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def envelope(event: Event) -> tuple[int, int]:
    """Epoch seconds [first, last] that any instance of ``event`` may touch, in any zone.

    An override's envelope also covers the instance it replaces, so a window
    that shows the original slot finds the override that moved it.
    """
    times: list[EventTime] = [event.start, event.end, *event.rdates]
    if event.recurrence_id is not None:
        times.append(event.recurrence_id)
    instants = [t.instant(UTC) for t in times]
    lo = min(instants) - MARGIN
    hi = max(instants) + MARGIN
    if event.is_recurring:
        last = recurrence.last_instance(event)
        if last is None:
            return _epoch(lo), FOREVER
        try:
            hi = max(hi, last.instant(UTC) + event.duration + MARGIN)
        except OverflowError:  # it ends at the end of the calendar
            return _epoch(lo), FOREVER
    return _epoch(lo), _epoch(hi)


def stored_event(s: Stored) -> wire.EventWire:
    return wire.EventWire.model_validate({
        **s.doc, "version": s.version, "created_at": s.created_at,
        "updated_at": s.updated_at, "deleted": s.deleted})


def stored_calendar(s: Stored) -> wire.CalendarWire:
    return wire.CalendarWire.model_validate({
        **s.doc, "version": s.version, "created_at": s.created_at,
        "updated_at": s.updated_at, "deleted": s.deleted})


def stored_reminder_state(s: Stored) -> wire.ReminderStateWire:
    return wire.ReminderStateWire.model_validate({
        **s.doc, "version": s.version, "updated_at": s.updated_at, "deleted": s.deleted})


def to_core(w: wire.EventWire) -> Event:
    """The core event of a wire event, fully validated (raises InvalidInput)."""
    try:
        event = wire.event_from_wire(w)
        event.validate()
    except ValidationError as exc:
        raise InvalidInput(str(exc)) from None
    return event


def _event_sk(event_id: str) -> str:
    return f"EVT#{event_id.lower()}"


def _cal_sk(cal_id: str) -> str:
    return f"CAL#{cal_id}"


def _state_sk(state_id: str) -> str:
    return f"RST#{state_id.lower()}"


def _check_state_id(body: wire.ReminderStateWire) -> None:
    expected = wire.reminder_state_id(body.occurrence_key, body.reminder, body.due)
    if body.id.lower() != expected:
        raise InvalidInput(f"the id must be reminder_state_id(occurrence_key, reminder, due): "
                           f"{expected}")


def decide(cur: Stored | None, pre: Precondition,
           content: dict[str, Any] | None) -> tuple[Stored, int] | None:
    """The rules of one versioned write (``content`` None: a delete) over ``cur``, the
    item as stored: None when it is to be written; (``cur``, status) when the answer
    needs no write (200 the same content is there already, an idempotent retry; 204
    already deleted). Raises :class:`NotFound`, :class:`PreconditionFailed` (with the
    current item) or :class:`PreconditionRequired`. The single-item routes and the
    batch both decide here."""
    live = cur is not None and not cur.deleted
    if content is None:  # delete
        if cur is None:
            raise NotFound("no such item")
        if pre.version is not None and pre.version != cur.version and not (
                cur.deleted and pre.version + 1 == cur.version):
            raise PreconditionFailed("the item changed since that version", current=cur)
        if cur.deleted:
            return cur, 204
    elif pre.create_only:
        if live:
            assert cur is not None
            if cur.doc == content:
                return cur, 200
            raise PreconditionFailed("an item with this id exists", current=cur)
    elif pre.version is not None:
        if cur is None:
            raise NotFound("no such item; create it with If-None-Match: *")
        if cur.version != pre.version:
            if cur.version == pre.version + 1 and cur.doc == content and not cur.deleted:
                return cur, 200
            raise PreconditionFailed("the item changed since that version", current=cur)
        if cur.deleted:
            raise PreconditionFailed("the item was deleted", current=cur)
    else:
        raise PreconditionRequired(
            "send If-Match: <version> to update or If-None-Match: * to create")
    return None


def written_status(cur: Stored | None, content: dict[str, Any] | None) -> int:
    """The status of a write :func:`decide` let through: 204 deleted, 201 created (nothing
    or a tombstone was there), 200 updated."""
    if content is None:
        return 204
    return 201 if cur is None or cur.deleted else 200


def tombstone_write(cur: Stored | None) -> Write:
    """The write that deletes ``cur`` (its content stays, as a tombstone)."""
    assert cur is not None
    return Write(sk=cur.sk, doc=cur.doc, prev_version=cur.version, deleted=True,
                 created_at=cur.created_at)


@dataclass(frozen=True)
class _BatchItem:
    """One write of ``POST /events/batch``: ``index`` in the results (events, then
    deletes), ``event`` None for a delete."""

    index: int
    id: str
    pre: Precondition
    event: Event | None = None
    content: dict[str, Any] | None = None


class Service:
    """The API's behaviour over one :class:`Storage`; ``clock`` gives aware UTC now."""

    def __init__(self, storage: Storage, *, clock: Callable[[], datetime] = utcnow,
                 sync_settle: timedelta = timedelta(seconds=2),
                 accounts: Accounts | None = None, cursors: Cursors | None = None) -> None:
        self.storage = storage
        self.clock = clock
        self.sync_settle = sync_settle
        self.accounts = accounts
        self.cursors = cursors or Cursors.ephemeral()  # AWS and the local stack pass theirs

    # -- the account ------------------------------------------------------

    def check_session(self, sub: str, issued_at: float | None) -> None:
        """Raise :class:`Unauthorized` if the token (issued at ``issued_at``, epoch
        seconds) predates the user's last sign-out-everywhere, or the account was
        deleted (every token of a deleted user predates its deletion).

        Compares whole seconds (token ``iat`` has no fraction): a token issued in
        the same second as a sign-out still passes, so signing in again at once
        works. One consistent GetItem.
        """
        mark = self.storage.revoked_at(sub)
        if mark is None:
            return
        revoked_at, deleted = mark
        if deleted or issued_at is None or issued_at < math.floor(revoked_at):
            raise Unauthorized(SIGNED_OUT, headers={
                "WWW-Authenticate": 'Bearer error="invalid_token"'})

    def _accounts(self) -> Accounts:
        if self.accounts is None:
            raise AuroraError("this server cannot change accounts (no user directory)")
        return self.accounts

    def sign_out_everywhere(self, sub: str, username: str) -> None:
        """Revoke the user's refresh tokens (Cognito), then refuse every token issued
        until now. In that order, so a failure half way can be retried with the
        same token."""
        self._accounts().sign_out_everywhere(username)
        self.storage.mark_revoked(sub, self.clock(), REVOKED_KEEP)

    def delete_account(self, sub: str, username: str) -> bool:
        """Delete the user's items (at most :data:`DELETE_BUDGET` per call); when none
        remain, delete the Cognito user and refuse every token issued until now.

        Returns True when the account is gone, False when the caller must call
        again. Retrying after a failure is safe: every step is idempotent, and
        the Cognito user goes before the mark, so a retry still has a valid token.
        """
        _, more = self.storage.delete_user_items(sub, DELETE_BUDGET)
        if more:
            return False
        self._accounts().delete_user(username)
        self.storage.mark_revoked(sub, self.clock(), REVOKED_KEEP, account_deleted=True)
        # A write that passed its token check before the mark may have landed meanwhile.
        self.storage.delete_user_items(sub, DELETE_BUDGET)
        return True

    # -- settings ---------------------------------------------------------

    def get_settings(self, sub: str) -> wire.SettingsWire:
        data = self.storage.get_settings(sub)
        return wire.SettingsWire.model_validate(data) if data else wire.SettingsWire()

    def put_settings(self, sub: str, body: wire.SettingsWire) -> wire.SettingsWire:
        current = self.get_settings(sub)
        new = body.model_copy(update={"version": current.version + 1,
                                      "updated_at": self.clock().replace(microsecond=0)})
        self.storage.put_settings(sub, new.model_dump(mode="json"))
        return new

    def user_zone(self, sub: str) -> tzinfo:
        return get_zone(self.get_settings(sub).timezone)

    # -- versioned writes -------------------------------------------------

    def _write_loop(self, sub: str, sk: str, pre: Precondition,
                    content: dict[str, Any] | None,
                    make: Callable[[Stored | None], Write]) -> tuple[Stored, int]:
        """Read, check ``pre`` (:func:`decide`), commit; retry lost races. ``content``
        None means delete.

        Returns the stored item and the HTTP status (201 created, 200 updated
        or an idempotent retry, 204 deleted).
        """
        for _ in range(RETRIES):
            cur = self.storage.get(sub, sk)
            answer = decide(cur, pre, content)
            if answer is not None:
                return answer
            try:
                [stored] = self.storage.commit(sub, [make(cur)], self.clock())
            except Contention:
                continue
            return stored, written_status(cur, content)
        raise Conflict("too many concurrent writes to this item; retry")

    # -- calendars --------------------------------------------------------

    def list_calendars(self, sub: str) -> wire.CalendarList:
        return wire.CalendarList(calendars=[
            stored_calendar(s) for s in self.storage.query_prefix(sub, "CAL#")])

    def put_calendar(self, sub: str, cal_id: str, body: wire.CalendarWire,
                     pre: Precondition) -> tuple[wire.CalendarWire, int]:
        if body.id != cal_id:
            raise InvalidInput("the id in the body differs from the id in the path")
        try:
            wire.calendar_from_wire(body).validate()
        except ValidationError as exc:
            raise InvalidInput(str(exc)) from None
        content = body.content()

        def make(cur: Stored | None) -> Write:
            if cur is not None and not cur.deleted and \
                    (cur.doc.get("source_url") is None) != (body.source_url is None):
                # A subscription's events never come here: an ordinary calendar turned
                # into one would keep events no desktop shows, and the reverse would
                # show none of the feed's (docs/subscriptions.md).
                raise InvalidInput("a calendar cannot become a subscription or stop being "
                                   "one (source_url): delete it and make a new one")
            return Write(sk=_cal_sk(cal_id), doc=content,
                         prev_version=cur.version if cur else None,
                         created_at=cur.created_at if cur and not cur.deleted else None)

        stored, status = self._write_loop(sub, _cal_sk(cal_id), pre, content, make)
        return stored_calendar(stored), status

    def delete_calendar(self, sub: str, cal_id: str, pre: Precondition) -> None:
        """Delete a calendar and (as tombstones) every event in it."""
        cur = self.storage.get(sub, _cal_sk(cal_id))
        if cur is None or (cur.deleted and pre.version is None):
            if cur is None:
                raise NotFound("no such calendar")
            return
        events = [s for s in self.storage.query_prefix(sub, "EVT#")
                  if s.doc.get("calendar_id") == cal_id]
        for ev in events:
            with contextlib.suppress(NotFound, PreconditionFailed):
                self.delete_event(sub, ev.sk.removeprefix("EVT#"), Precondition())

        self._write_loop(sub, _cal_sk(cal_id), pre, None, tombstone_write)

    # -- events -----------------------------------------------------------

    @_with_zones
    def get_event(self, sub: str, event_id: str) -> wire.EventWire:
        cur = self.storage.get(sub, _event_sk(event_id))
        if cur is None or cur.deleted:
            raise NotFound("no such event")
        return stored_event(cur)

    def _plan_due(self, sub: str, event: Event, zone: tzinfo) -> Due | None:
        if event.recurrence_id is not None or (not any(
                r.channel == "email" for r in event.reminders) and not event.is_recurring):
            return None
        overrides: list[Event] = []
        if event.is_recurring:
            for m in self.storage.series_members(sub, event.uid):
                if m.deleted or not m.doc.get("recurrence_id") or m.sk == _event_sk(event.id):
                    continue
                if (o := to_core_quiet(m)) is not None:
                    overrides.append(o)
        return next_email_due(event, overrides, self.clock(), zone)

    def _write_for(self, sub: str, event: Event, content: dict[str, Any],
                   zone: tzinfo) -> Callable[[Stored | None], Write]:
        due = self._plan_due(sub, event, zone)
        series = series_key(sub, event.uid) if (
            event.is_recurring or event.recurrence_id is not None) else None
        env = envelope(event)

        def make(cur: Stored | None) -> Write:
            return Write(sk=_event_sk(event.id), doc=content,
                         prev_version=cur.version if cur else None,
                         created_at=cur.created_at if cur and not cur.deleted else None,
                         due=due, series=series, envelope=env)
        return make

    def _zone_known(self, sub: str, name: str | None, given: dict[str, str]) -> None:
        """Raises InvalidInput for a zone a file defined whose definition is neither in
        the request nor stored for ``sub`` (another user's copy in this process's cache
        does not count: the user's events must decode wherever they are read)."""
        if name is None or not custom_zones.is_custom(name) or name in given:
            return
        if self.storage.get_zone(sub, name) is None:
            raise InvalidInput(
                f"time zone {name!r} came without its definition: send it in the batch's "
                "zones (the VTIMEZONE the event was imported with)")

    @_with_zones
    def put_event(self, sub: str, event_id: str, body: wire.EventWire,
                  pre: Precondition) -> tuple[wire.EventWire, int]:
        if body.id.lower() != event_id.lower():
            raise InvalidInput("the id in the body differs from the id in the path")
        if pre.version is None and not pre.create_only:
            raise PreconditionRequired(
                "send If-Match: <version> to update or If-None-Match: * to create")
        self._zone_known(sub, body.timezone, {})
        event = to_core(body)
        content = body.content()
        zone = self.user_zone(sub)
        make = self._write_for(sub, event, content, zone)
        stored, status = self._write_loop(sub, _event_sk(event_id), pre, content, make)
        if event.recurrence_id is not None:
            self.refresh_series_due(sub, event.uid, zone, known=[stored])
        return stored_event(stored), status

    @_with_zones
    def delete_event(self, sub: str, event_id: str, pre: Precondition) -> None:
        stored, _ = self._write_loop(sub, _event_sk(event_id), pre, None, tombstone_write)
        if stored.doc.get("recurrence_id"):
            self.refresh_series_due(sub, stored.doc.get("uid") or event_id, self.user_zone(sub),
                                    known=[stored])

    @_with_zones
    def refresh_series_due(self, sub: str, uid: str, zone: tzinfo,
                           known: Sequence[Stored] = ()) -> None:
        """Recompute the master's next email reminder after one of its overrides changed.

        ``known`` are items just written: they replace what the (eventually
        consistent) series index returns for the same keys.
        """
        for _ in range(RETRIES):
            by_sk = {m.sk: m for m in self.storage.series_members(sub, uid)}
            by_sk.update({k.sk: k for k in known})
            members = [m for m in by_sk.values() if not m.deleted]
            masters = [m for m in members if not m.doc.get("recurrence_id")]
            if not masters:
                return
            fresh = self.storage.get(sub, masters[0].sk)
            if fresh is None or fresh.deleted:
                return
            master = to_core_quiet(fresh)
            if master is None:
                return
            overrides = [o for o in (to_core_quiet(m) for m in members if m is not masters[0])
                         if o is not None and o.recurrence_id is not None]
            due = next_email_due(master, overrides, self.clock(), zone)
            if self.storage.set_due(sub, fresh.sk, fresh.version, due):
                return

    # -- batch ------------------------------------------------------------

    @_with_zones
    def batch_events(self, sub: str, body: wire.BatchRequest) -> wire.BatchResponse:
        """Many event writes (``POST /events/batch``), in the order given: ``events`` in
        their order, then ``deletes`` in theirs, in transactions of :data:`CHUNK` items
        (so the change feed has them in that order too). An event named in ``if_match``
        is an update based on that version, any other a create (If-None-Match: *); a
        delete is ``DELETE /events/{id}`` with its ``if_match``. Each item is decided as
        its single-item route decides (:func:`decide`) and answered in request order:
        201 created, 200 updated or the same content already there, 204 deleted (or
        already), 404, 412 with ``current``, or 400 (invalid, or an id already used
        earlier in the batch). Reminder dues are planned per event as
        ``PUT /events/{id}`` plans them; then every series the batch touched
        (a recurring event, an override, a deleted override) is refreshed."""
        zone = self.user_zone(sub)
        used = {w.timezone for w in body.events}
        self.storage.put_zones(sub, {n: d for n, d in body.zones.items() if n in used})
        n_events = len(body.events)
        results: list[wire.BatchItemResult | None] = [None] * (n_events + len(body.deletes))
        versions = {k.lower(): v for k, v in body.if_match.items()}
        accepted: set[str] = set()
        items: list[_BatchItem] = []
        for i, w in enumerate(body.events):
            key = w.id.lower()
            if key in accepted:
                results[i] = wire.BatchItemResult(id=w.id, status=400,
                                                  detail="the same id twice in one batch")
                continue
            version = versions.get(key)
            pre = Precondition(create_only=True) if version is None else \
                Precondition(version=version)
            try:
                self._zone_known(sub, w.timezone, body.zones)
                items.append(_BatchItem(i, w.id, pre, to_core(w), w.content()))
            except InvalidInput as exc:
                results[i] = wire.BatchItemResult(id=w.id, status=400, detail=exc.detail)
                continue
            accepted.add(key)
        for j, d in enumerate(body.deletes):
            key = d.id.lower()
            if key in accepted:
                results[n_events + j] = wire.BatchItemResult(
                    id=d.id, status=400, detail="the same id twice in one batch")
                continue
            items.append(_BatchItem(n_events + j, d.id, Precondition(version=d.if_match)))
            accepted.add(key)
        written: list[Stored] = []
        deleted_overrides: set[str] = set()
        for start in range(0, len(items), CHUNK):
            self._batch_chunk(sub, items[start:start + CHUNK], zone, results, written,
                              deleted_overrides)
        uids = {it.event.uid for it in items if it.event is not None and (
            it.event.is_recurring or it.event.recurrence_id is not None)} | deleted_overrides
        for uid in sorted(uids):
            self.refresh_series_due(sub, uid, zone, known=[
                s for s in written if (s.doc.get("uid") or s.doc.get("id")) == uid])
        return wire.BatchResponse(results=[r for r in results if r is not None])

    def _batch_chunk(self, sub: str, chunk: Sequence[_BatchItem], zone: tzinfo,
                     results: list[wire.BatchItemResult | None], written: list[Stored],
                     deleted_overrides: set[str]) -> None:
        """One transaction of a batch: read what is stored, decide each item, commit the
        writes together; a lost race reads again and decides the undecided again."""
        makers = {it.index: tombstone_write if it.event is None or it.content is None
                  else self._write_for(sub, it.event, it.content, zone) for it in chunk}
        for _ in range(RETRIES):
            writes: list[Write] = []
            index: list[tuple[_BatchItem, int]] = []
            current = self.storage.get_many(sub, [_event_sk(it.id) for it in chunk
                                                  if results[it.index] is None])
            for it in chunk:
                if results[it.index] is not None:
                    continue
                cur = current.get(_event_sk(it.id))
                try:
                    answer = decide(cur, it.pre, it.content)
                except NotFound:
                    results[it.index] = wire.BatchItemResult(
                        id=it.id, status=404, detail="no such event" if it.content is None
                        else "no such event; send it without if_match to create it")
                    continue
                except PreconditionFailed as exc:
                    assert cur is not None
                    results[it.index] = wire.BatchItemResult(
                        id=it.id, status=412, version=cur.version,
                        detail="an event with this id exists" if it.pre.create_only
                        else exc.detail, current=stored_event(cur))
                    continue
                if answer is not None:
                    stored, status = answer
                    results[it.index] = wire.BatchItemResult(id=it.id, status=status,
                                                             version=stored.version)
                    if it.content is None and stored.doc.get("recurrence_id"):
                        deleted_overrides.add(stored.doc.get("uid") or it.id)
                    continue
                writes.append(makers[it.index](cur))
                index.append((it, written_status(cur, it.content)))
            if not writes:
                return
            try:
                stored_items = self.storage.commit(sub, writes, self.clock())
            except Contention:
                continue
            for (it, status), s in zip(index, stored_items, strict=True):
                results[it.index] = wire.BatchItemResult(id=it.id, status=status,
                                                         version=s.version)
                written.append(s)
                if it.content is None and s.doc.get("recurrence_id"):
                    deleted_overrides.add(s.doc.get("uid") or it.id)
            return
        raise Conflict("too many concurrent writes; retry the batch")

    # -- reminder states --------------------------------------------------

    def _plan_state(self, cur: Stored | None, body: wire.ReminderStateWire
                    ) -> tuple[Write | None, wire.ReminderStateWire | None]:
        """What to write for ``body`` over ``cur``: (write, None), or (None, the stored
        state) when the join is what is stored already."""
        incoming = body.model_copy(update={"id": body.id.lower()})
        if cur is None or cur.deleted:
            joined = incoming
        else:
            stored = stored_reminder_state(cur)
            joined = wire.join_reminder_states(stored, incoming.model_copy(update={
                "version": stored.version, "updated_at": stored.updated_at,
                "deleted": stored.deleted}))
            if joined.content() == stored.content():
                return None, stored
        expires = int((joined.due + REMINDER_STATE_KEEP).timestamp())
        return Write(sk=_state_sk(joined.id), doc=joined.content(),
                     prev_version=cur.version if cur else None,
                     created_at=cur.created_at if cur and not cur.deleted else None,
                     expires_at=expires), None

    def put_reminder_state(self, sub: str, state_id: str, body: wire.ReminderStateWire
                           ) -> tuple[wire.ReminderStateWire, int]:
        """Join ``body`` with the stored state. Returns the state as stored and 201 (new),
        200 (changed) or 200 (the join changed nothing: nothing is written, no new
        version, nothing in the change feed)."""
        if body.id.lower() != state_id.lower():
            raise InvalidInput("the id in the body differs from the id in the path")
        _check_state_id(body)
        for _ in range(RETRIES):
            cur = self.storage.get(sub, _state_sk(state_id))
            write, same = self._plan_state(cur, body)
            if write is None:
                assert same is not None
                return same, 200
            try:
                [stored] = self.storage.commit(sub, [write], self.clock())
            except Contention:
                continue
            return stored_reminder_state(stored), 201 if cur is None else 200
        raise Conflict("too many concurrent writes to this reminder state; retry")

    def put_reminder_states(self, sub: str, body: wire.ReminderStateBatchRequest
                            ) -> wire.ReminderStateBatchResponse:
        """:meth:`put_reminder_state` for many; a result per item, in request order
        (400 for a wrong id or an id twice in the batch)."""
        results: list[wire.ReminderStateResult | None] = [None] * len(body.items)
        pending: dict[str, tuple[int, wire.ReminderStateWire]] = {}
        for i, st in enumerate(body.items):
            key = st.id.lower()
            try:
                _check_state_id(st)
            except InvalidInput as exc:
                results[i] = wire.ReminderStateResult(id=st.id, status=400, detail=exc.detail)
                continue
            if key in pending:
                results[i] = wire.ReminderStateResult(id=st.id, status=400,
                                                      detail="the same id twice in one batch")
                continue
            pending[key] = (i, st)
        items = list(pending.values())
        for start in range(0, len(items), CHUNK):
            self._states_chunk(sub, items[start:start + CHUNK], results)
        return wire.ReminderStateBatchResponse(results=[r for r in results if r is not None])

    def _states_chunk(self, sub: str, chunk: Sequence[tuple[int, wire.ReminderStateWire]],
                      results: list[wire.ReminderStateResult | None]) -> None:
        for _ in range(RETRIES):
            writes: list[Write] = []
            index: list[tuple[int, int, str]] = []
            current = self.storage.get_many(sub, [_state_sk(st.id) for i, st in chunk
                                                  if results[i] is None])
            for i, st in chunk:
                if results[i] is not None:
                    continue
                cur = current.get(_state_sk(st.id))
                write, same = self._plan_state(cur, st)
                if write is None:
                    assert same is not None
                    results[i] = wire.ReminderStateResult(id=st.id, status=200,
                                                          version=same.version, item=same)
                    continue
                writes.append(write)
                index.append((i, 201 if cur is None else 200, st.id))
            if not writes:
                return
            try:
                stored = self.storage.commit(sub, writes, self.clock())
            except Contention:
                continue
            for (i, status, state_id), s in zip(index, stored, strict=True):
                item = stored_reminder_state(s)
                results[i] = wire.ReminderStateResult(id=state_id, status=status,
                                                      version=item.version, item=item)
            return
        raise Conflict("too many concurrent writes; retry the batch")

    # -- reads ------------------------------------------------------------

    @_with_zones
    def occurrences(self, sub: str, start: datetime, end: datetime, calendar: str | None,
                    zone_name: str | None) -> wire.OccurrenceList:
        """Occurrences overlapping [start, end), expanded; floating and all-day read in
        ``zone_name`` or else the user's zone."""
        if end <= start:
            raise InvalidInput("'to' must be after 'from'")
        if end - start > MAX_WINDOW:
            raise InvalidInput(f"the window is longer than {MAX_WINDOW.days} days")
        zone = get_zone(zone_name) if zone_name else self.user_zone(sub)
        masters: dict[str, Event] = {}
        overrides: dict[str, list[Event]] = defaultdict(list)
        versions: dict[str, Stored] = {}
        for s in self.storage.query_prefix(sub, "EVT#", window=(_epoch(start), _epoch(end))):
            ev = to_core_quiet(s)
            if ev is None:
                continue
            if calendar is not None and ev.calendar_id != calendar:
                continue
            versions[ev.id] = s
            if ev.recurrence_id is None:
                masters[ev.uid] = ev
            else:
                overrides[ev.uid].append(ev)
        occs: list[Occurrence] = []
        truncated = False  # a series had more occurrences than expand() lets through
        for uid, master in masters.items():
            series = recurrence.expand(master, overrides.get(uid, ()), start, end, zone)
            truncated |= series.truncated
            occs.extend(series)
        for uid, ovs in overrides.items():
            if uid not in masters:  # an orphan override stands alone
                for ov in ovs:
                    occs.extend(recurrence.expand(ov.replace(recurrence_id=None), (), start,
                                                  end, zone))
        occs.sort(key=lambda o: (o.start.instant(zone), o.event.title, o.event.id))
        truncated |= len(occs) > MAX_OCCURRENCES
        out = []
        wires: dict[str, wire.EventWire] = {}  # an event once, however many occurrences
        for o in occs[:MAX_OCCURRENCES]:
            ev_wire = wires.get(o.event.id)
            if ev_wire is None:
                stored = versions.get(o.event.id)
                ev_wire = wires[o.event.id] = stored_event(stored) if stored \
                    else wire.event_to_wire(o.event)
            out.append(wire.OccurrenceWire(
                event=ev_wire, start=wire.format_time(o.start), end=wire.format_time(o.end),
                recurrence_id=None if o.recurrence_id is None
                else wire.format_time(o.recurrence_id)))
        return wire.OccurrenceList(occurrences=out, truncated=truncated,
                                   zones=zone_definitions([o.event for o in out]))

    @_with_zones
    def sync(self, sub: str, cursor: str | None, limit: int) -> wire.SyncPage:
        """Changes after ``cursor`` in change order, tombstones included.

        The cursor is signed and bound to ``sub`` (:mod:`aurora_cloud.cursor`):
        anything else is :class:`InvalidInput` (400). Raises :class:`Gone` (problem
        member ``reason``) when the client last had every change longer ago than the
        tombstone horizon (``horizon``: deletions since then may be forgotten), or
        the cursor is of another table epoch or newer than anything this server
        has (``server_restored``: it was restored from an older backup); either
        way, resync from scratch. Changes younger than ``sync_settle`` are sent but
        the returned cursor stays before them, so a change that an eventually
        consistent index showed late is still sent next time.

        The cursor's ``as_of`` moves only on the last page of a pull (to when every
        older change was in the feed: now less the settle time and
        :data:`SYNC_SLACK`); a partial page keeps the one it was asked with (a
        first page: the pull's start), so stopping mid-way never makes a cursor
        look younger than what its holder has.
        """
        now = self.clock()
        complete_as_of = int((now - self.sync_settle - SYNC_SLACK).timestamp())
        after, as_of = 0, complete_as_of
        if cursor:
            position = self.cursors.read(sub, cursor)
            after, as_of = position.seq, position.as_of
            if now.timestamp() - as_of >= self.storage.tombstone_horizon.total_seconds():
                raise Gone("the cursor is older than the deletion horizon; "
                           "do a full sync (no cursor)", extra={"reason": "horizon"})
        items, more = self.storage.changes(sub, after, limit)
        if not items and after and after > self.storage.counter(sub):
            # The cursor has seen changes this server does not have: it was restored
            # from an older backup. (Checked only when nothing is new: then it is cheap.)
            raise Gone("the server was restored from a backup older than this cursor; "
                       "do a full sync (no cursor) and send your changes again",
                       extra={"reason": "server_restored"})
        items.sort(key=lambda s: s.seq)
        next_seq = after
        settle_from = now - self.sync_settle
        for s in items:
            if datetime.fromisoformat(s.updated_at.replace("Z", "+00:00")) > settle_from:
                break
            next_seq = s.seq
        if next_seq < (items[-1].seq if items else after):
            more = False  # the client should come back later, not loop
        events = [stored_event(s) for s in items if s.kind == "event"]
        return wire.SyncPage(
            calendars=[stored_calendar(s) for s in items if s.kind == "calendar"],
            events=events,
            zones=zone_definitions(events),
            reminder_states=[stored_reminder_state(s) for s in items
                             if s.kind == "reminder_state"],
            cursor=self.cursors.issue(sub, next_seq, as_of if more else complete_as_of),
            has_more=more,
            server_time=now,
        )


def to_core_quiet(s: Stored) -> Event | None:
    """The core event of a stored item, or None if it no longer validates."""
    try:
        return wire.event_from_wire(stored_event(s))
    except (ValidationError, PydanticValidationError, ValueError):
        return None


def parse_bound(text: str, name: str, zone: tzinfo) -> datetime:
    """A window bound: an offset date-time, or a date (midnight in ``zone``)."""
    t = text.strip()
    try:
        if len(t) == 10:
            at = datetime.combine(date.fromisoformat(t), time(), zone)
        else:
            at = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"'{name}' is not an ISO 8601 date or date-time") from None
    if not wire.MIN_YEAR <= at.year <= wire.MAX_YEAR:
        raise InvalidInput(f"'{name}' is out of range")
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    try:
        return at.astimezone(UTC)
    except OverflowError:  # 0001-01-01 in Tokyo is still year 0 in UTC
        raise InvalidInput(f"'{name}' is out of range") from None

