"""``/events``: the occurrences in a window, one event (read, create or update,
delete) and the batch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from aurora_cloud.api.queries import OccurrencesQuery
from aurora_cloud.api.responses import json_response, no_content
from aurora_cloud.api.routes import new_router
from aurora_cloud.errors import NotFound
from aurora_core import wire

if TYPE_CHECKING:
    from aurora_cloud.api.app import ApiApp


def _event_id(text: str) -> str:
    if len(text) != 36:
        raise NotFound("no such event")
    return text.lower()


def router(api: ApiApp) -> APIGatewayHttpRouter:
    r = new_router()
    svc = api.service

    @r.get("/events")
    def list_events(query: Annotated[OccurrencesQuery, Query()]) -> Response[str]:
        return json_response(svc.occurrences(api.sub(), query.start, query.end,
                                             query.calendar, query.tz))

    @r.post("/events/batch")
    def batch() -> Response[str]:
        sub = api.sub()
        return json_response(svc.batch_events(sub, api.body(wire.BatchRequest)))

    @r.get("/events/<event_id>")
    def get_event(event_id: str) -> Response[str]:
        ev = svc.get_event(api.sub(), _event_id(event_id))
        return json_response(ev, etag=ev.version)

    @r.put("/events/<event_id>")
    def put_event(event_id: str) -> Response[str]:
        sub = api.sub()
        event_id = _event_id(event_id)
        pre = api.precondition()
        ev, status = svc.put_event(sub, event_id, api.body(wire.EventWire), pre)
        return json_response(ev, status, etag=ev.version)

    @r.delete("/events/<event_id>")
    def delete_event(event_id: str) -> Response[str]:
        svc.delete_event(api.sub(), _event_id(event_id), api.precondition())
        return no_content()

    return r
