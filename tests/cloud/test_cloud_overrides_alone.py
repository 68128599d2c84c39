"""The occurrences API shows an override without its master (or with a master that no
longer repeats) standing alone, as the desktop's views do (aurora_core.series)."""

from __future__ import annotations

from tests.helpers.cloud import InProcess, event_body

CREATE = {"If-None-Match": "*"}
WEEK = {"from": "2026-11-25", "to": "2026-12-01", "tz": "Europe/Berlin"}


def _override(uid: str) -> dict[str, object]:
    return event_body(title="Daily (late)", uid=uid, start="2026-11-27T15:00:00+01:00",
                      end="2026-11-27T16:00:00+01:00", recurrence_id="2026-11-27T09:00:00+01:00")


def _listed(inproc: InProcess) -> list[tuple[str, str, object]]:
    status, _, data = inproc.call("GET", "/events", query=WEEK)
    assert status == 200
    return [(o["event"]["title"], o["start"], o["recurrence_id"]) for o in data["occurrences"]]


def test_an_override_whose_master_is_not_here_stands_alone(inproc: InProcess) -> None:
    override = _override("series-not-synced-yet")
    inproc.call("PUT", f"/events/{override['id']}", override, headers=CREATE)
    assert _listed(inproc) == [("Daily (late)", "2026-11-27T15:00:00+01:00", None)]


def test_the_overrides_of_a_master_that_no_longer_repeats_stand_alone_beside_it(
        inproc: InProcess) -> None:
    master = event_body(title="Daily")  # 25 November 09:00, its rule taken away elsewhere
    inproc.call("PUT", f"/events/{master['id']}", master, headers=CREATE)
    override = _override(master["id"])
    inproc.call("PUT", f"/events/{override['id']}", override, headers=CREATE)
    assert _listed(inproc) == [("Daily", "2026-11-25T09:00:00+01:00", None),
                               ("Daily (late)", "2026-11-27T15:00:00+01:00", None)]
