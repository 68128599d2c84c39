"""The journal of unconfirmed sends: a write the server took before we heard back is
recognised as our own however many times later changes were tried and cut off.

Found by test_sync_kill: an edit the server had taken, then a newer edit whose
sends were killed eight times, pushed the first out of the journal; the server's
copy then looked like someone else's edit and the newer title lost a conflict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aurora_core import wire
from aurora_core.model import Event
from aurora_desktop.store import ApplyReport, Store
from tests.helpers.stores import make_store
from tests.helpers.times import zoned

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ACCOUNT = "https://aurora.example|me"


def _server_copy(store: Store, event_id: str, version: int) -> wire.EventWire:
    ev = store.get_event(event_id)
    assert ev is not None
    return wire.EventWire.model_validate({**wire.event_to_wire(ev).content(),
                                          "version": version})


def test_a_taken_write_stays_ours_after_many_cut_off_sends_of_a_newer_edit(
        tmp_path: Path) -> None:
    with make_store(tmp_path / "a.sqlite3", NOW) as store:
        store.set_current_account(ACCOUNT)
        cal = store.default_calendar()
        store.adopt_local_calendars(ACCOUNT)
        start = zoned(2026, 12, 3, 9, tz="UTC")
        end = zoned(2026, 12, 3, 10, tz="UTC")
        ev = store.put_event(Event.new(cal.id, "e1", start, end))
        # The server confirms the first version.
        first = [o for o in store.outgoing(ACCOUNT) if o.id == ev.id]
        store.confirm_written([(first[0], 1)])
        assert ("event", ev.id) not in store.pending()
        # Edit 1 is sent and taken by the server (version 2), but the answer never arrives.
        store.put_event(store.get_event(ev.id).replace(title="e1+r1"))  # type: ignore[union-attr]
        taken = _server_copy(store, ev.id, 2)
        store.mark_sending([o for o in store.outgoing(ACCOUNT) if o.id == ev.id])
        # Edit 2, then many sends of it, each cut off before an answer.
        store.put_event(store.get_event(ev.id).replace(title="e1+r1+r2"))  # type: ignore[union-attr]
        for _ in range(12):
            store.mark_sending([o for o in store.outgoing(ACCOUNT) if o.id == ev.id])
        # A send finally gets its answer: 412 with the server's copy, which is edit 1.
        report = ApplyReport()
        store.apply_remote_page(ACCOUNT, None, cursor=None, report=report,
                                items=[("event", taken)], force=True)
        assert store.conflicts(ACCOUNT) == []
        assert store.get_event(ev.id).title == "e1+r1+r2"  # type: ignore[union-attr]
        (o,) = [o for o in store.outgoing(ACCOUNT) if o.id == ev.id]
        assert o.base_version == 2 and o.content is not None
        assert o.content["title"] == "e1+r1+r2"
