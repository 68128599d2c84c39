"""The editor's repeat row: a stored rule opens as its preset (or as a custom rule with
its text) and saves back unchanged; each preset writes its rule."""


import pytest

from aurora_core.model import Calendar, Event
from aurora_core.times import DisplayZone
from aurora_desktop.ui.editor import EventEditor
from tests.helpers.times import zoned

CAL = Calendar("c1", "Work")
# Thursday 31 December 2026: the fifth and last Thursday of its month.
START = zoned(2026, 12, 31, 9, 0)
END = zoned(2026, 12, 31, 10, 0)


def _editor(qtbot, rrule: str | None) -> EventEditor:  # type: ignore[no-untyped-def]
    ev = Event(id="e1", uid="e1", calendar_id=CAL.id, title="Review", start=START, end=END,
               rrule=rrule)
    ed = EventEditor([CAL], zone=DisplayZone.named("Europe/Berlin"), event=ev)
    qtbot.addWidget(ed)
    return ed


@pytest.mark.parametrize(("rule", "index"), [
    (None, 0),
    ("FREQ=DAILY;INTERVAL=3", 1),
    ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6", 2),
    ("FREQ=WEEKLY", 2),
    ("FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20270630", 3),
    ("FREQ=MONTHLY;BYDAY=-1TH", 4),
    ("FREQ=YEARLY;INTERVAL=2", 5),
    ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", 6),
])
def test_a_rule_opens_as_its_preset_and_saves_back(qtbot, rule: str | None,  # type: ignore[no-untyped-def]
                                                   index: int) -> None:
    ed = _editor(qtbot, rule)
    assert ed.repeat.currentIndex() == index
    assert ed.rrule() == rule


def test_each_preset_writes_its_rule(qtbot) -> None:  # type: ignore[no-untyped-def]
    ed = _editor(qtbot, None)
    ed.interval.setValue(2)
    written = []
    for i in range(1, 6):
        ed.repeat.setCurrentIndex(i)
        written.append(ed.rrule())
    assert written == ["FREQ=DAILY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2",
                       "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31",
                       "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1TH", "FREQ=YEARLY;INTERVAL=2"]
    assert ed.repeat.itemText(4).startswith("Monthly on the last ")
    assert ed.interval_unit.text() == "year(s)"
    ed.ends.setCurrentIndex(2)
    ed.count.setValue(4)
    assert ed.rrule() == "FREQ=YEARLY;INTERVAL=2;COUNT=4"
    ed.repeat.setCurrentIndex(6)
    ed.custom.setText("  ")
    assert ed.rrule() is None
