"""The editor on an event in a zone an imported file defined: shown by the file's name,
and an edit keeps the zone (docs/import.md)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from aurora_core.ical import parse_ics
from aurora_core.model import Calendar, ZonedTime
from aurora_core.times import DisplayZone
from aurora_desktop.ui.editor import EventEditor

FIXTURE = Path(__file__).parents[2] / "core" / "zones" / "custom_zones.ics"
SHOT = Path(__file__).parents[3] / "docs" / "screenshots" / "editor_custom_zone.png"


def test_the_editor_shows_the_files_zone_and_keeps_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    cal = Calendar("c1", "Work", "#3b82f6")
    evs = parse_ics(FIXTURE.read_bytes(), calendar_id=cal.id).events
    odd = next(e for e in evs if e.title == "Odd meeting")
    ed = EventEditor([cal], zone=DisplayZone.named("Europe/Berlin"), event=odd)
    qtbot.addWidget(ed)
    assert ed.zone.currentText() == "Odd (from the imported file)"
    assert ed.start_time.time().hour() == 9 and ed.start_time.time().minute() == 0
    ed.title.setText("Odd meeting, moved room")
    edited = ed.edited_event()
    assert isinstance(edited.start, ZonedTime) and edited.start.tz == odd.start.tz  # type: ignore[union-attr]
    assert edited.start.instant(UTC) == datetime(2026, 6, 1, 5, 43, tzinfo=UTC)
    if os.environ.get("AURORA_SCREENSHOTS"):  # bench/ and docs: AURORA_SCREENSHOTS=1
        ed.show()
        qtbot.waitExposed(ed)
        ed.grab().save(str(SHOT))
