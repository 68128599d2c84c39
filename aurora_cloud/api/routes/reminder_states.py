"""``/reminder-states``: one state, or many (``POST /reminder-states/batch``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from aurora_cloud.api.responses import json_response
from aurora_cloud.api.routes import new_router
from aurora_cloud.errors import InvalidInput
from aurora_core import wire

if TYPE_CHECKING:
    from aurora_cloud.api.app import ApiApp


def router(api: ApiApp) -> APIGatewayHttpRouter:
    r = new_router()
    svc = api.service

    @r.post("/reminder-states/batch")
    def put_reminder_states() -> Response[str]:
        sub = api.sub()
        return json_response(svc.put_reminder_states(
            sub, api.body(wire.ReminderStateBatchRequest)))

    @r.put("/reminder-states/<state_id>")
    def put_reminder_state(state_id: str) -> Response[str]:
        sub = api.sub()
        if len(state_id) != 36:
            raise InvalidInput("the path does not name a reminder state id (a UUID)")
        st, status = svc.put_reminder_state(sub, state_id.lower(),
                                            api.body(wire.ReminderStateWire))
        return json_response(st, status, etag=st.version)

    return r
