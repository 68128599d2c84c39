"""A file's own zone (X-AURORA/<hash>) goes from one desktop to another through the
local stack: the event and its zone's definition (docs/import.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurora_core import custom_zones
from aurora_core.ical import parse_ics
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, make_account

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ICS = (Path(__file__).parents[2] / "core" / "zones" / "custom_zones.ics").read_text()


def test_the_zone_travels_with_its_events(cloud: CloudProcess, tmp_path: Path) -> None:
    email, password = make_account(cloud, tmp_path)
    a = Desktop("laptop", tmp_path / "laptop", cloud)
    b = Desktop("office", tmp_path / "office", cloud)
    try:
        a.sign_in(email, password)
        a.sync()
        r = parse_ics(ICS, calendar_id=a.calendar_id())
        a.store.import_events(r.events)
        report = a.sync()
        assert report.pushed >= 3
        # The office desktop is another process: it knows neither the zones nor the laptop.
        custom_zones._cache.clear()
        custom_zones._sources.clear()
        b.sign_in(email, password)
        b.sync()
        assert b.store.zone_definitions() == r.zones
        occ = b.store.occurrences(datetime(2026, 6, 1, tzinfo=UTC),
                                  datetime(2026, 6, 2, tzinfo=UTC), UTC)
        assert [(o.event.title, o.start.instant(UTC)) for o in occ] == [
            ("Odd meeting", datetime(2026, 6, 1, 5, 43, tzinfo=UTC))]
        early = b.store.occurrences(datetime(2026, 3, 29, tzinfo=UTC),
                                    datetime(2026, 3, 31, tzinfo=UTC), UTC)
        assert [o.start.instant(UTC) for o in early] == [
            datetime(2026, 3, 29, 3, 30, tzinfo=UTC), datetime(2026, 3, 30, 2, 30, tzinfo=UTC)]
    finally:
        a.close()
        b.close()
