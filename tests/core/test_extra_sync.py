"""The iCalendar lines kept from an import (Event.extra) between desktops and the server:
carried by the wire model within a bound, merged as one unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurora_core.ical import parse_ics
from aurora_core.merge import merge_event
from aurora_core.model import Event
from aurora_core.wire import EventWire, event_from_wire, event_to_wire

FIXTURE = Path(__file__).parent / "ics" / "fidelity_unknown_properties.ics"


def _fixture_master() -> Event:
    (master,) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id="cal").events
                 if e.uid == "fid-1@example.org" and e.recurrence_id is None]
    return master


def test_wire_carries_the_lines_and_bounds_them() -> None:
    master = _fixture_master()
    wire = event_to_wire(master)
    back = EventWire.model_validate_json(wire.model_dump_json())
    assert event_from_wire(back).extra == master.extra
    data = wire.model_dump(mode="json")
    data["ical_extra"] = ["X-A:" + "y" * 9000, "X-B:" + "y" * 9000]
    with pytest.raises(ValueError, match="longer than"):
        EventWire.model_validate(data)
    data["ical_extra"] = ["X-A:b\r\nX-C:d"]
    with pytest.raises(ValueError):
        EventWire.model_validate(data)
    del data["ical_extra"]  # a client that does not know the field: none kept
    assert event_from_wire(EventWire.model_validate(data)).extra == ()


def test_merge_treats_the_lines_as_one_unit() -> None:
    master = _fixture_master()
    base = event_to_wire(master).content()
    local = event_to_wire(master.replace(extra=master.extra[:1])).content()
    remote = event_to_wire(master.replace(title="Renamed")).content()
    result = merge_event(base, local, remote)
    assert result.merged is not None
    assert result.merged["ical_extra"] == list(master.extra[:1])
    assert result.merged["title"] == "Renamed"
    assert result.conflicts == ()
    # both changed it differently: the server's wins, as a whole, and the loss is told
    remote2 = event_to_wire(master.replace(extra=("TRANSP:OPAQUE",))).content()
    result2 = merge_event(base, local, remote2)
    assert result2.merged is not None and result2.merged["ical_extra"] == ["TRANSP:OPAQUE"]
    assert [c.unit for c in result2.conflicts] == ["ical_extra"]
