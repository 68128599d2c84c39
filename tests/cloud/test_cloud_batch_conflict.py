"""A batch item whose id exists with other content gets 412 and the current item."""

from __future__ import annotations

from tests.helpers.cloud import InProcess, event_body


def test_batch_item_conflicting_with_stored_event_is_412(inproc: InProcess) -> None:
    existing = event_body(title="server copy")
    inproc.call("PUT", f"/events/{existing['id']}", existing, headers={"If-None-Match": "*"})
    _, _, data = inproc.call("POST", "/events/batch",
                             {"events": [{**existing, "title": "local copy"}]})
    [result] = data["results"]
    assert result["status"] == 412 and result["current"]["title"] == "server copy"
