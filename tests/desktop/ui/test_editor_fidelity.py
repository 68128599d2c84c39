"""An edit in the editor keeps what an imported event had that the editor does not show."""

from __future__ import annotations

from pathlib import Path

from aurora_core.ical import parse_ics, to_ics
from aurora_core.model import Calendar
from aurora_core.times import DisplayZone
from aurora_desktop.ui.editor import EventEditor

FIXTURE = Path(__file__).parents[2] / "core" / "ics" / "fidelity_unknown_properties.ics"


def test_an_edit_keeps_the_imported_lines(qtbot) -> None:  # type: ignore[no-untyped-def]
    cal = Calendar("c1", "Work", "#3b82f6")
    (master,) = [e for e in parse_ics(FIXTURE.read_bytes(), calendar_id=cal.id).events
                 if e.uid == "fid-1@example.org" and e.recurrence_id is None]
    ed = EventEditor([cal], zone=DisplayZone.named("Europe/Berlin"), event=master)
    qtbot.addWidget(ed)
    ed.title.setText("Weekly planning, new room")
    edited = ed.edited_event()
    assert edited.title == "Weekly planning, new room"
    assert edited.extra == master.extra
    assert b"TRANSP:TRANSPARENT" in to_ics([edited])
