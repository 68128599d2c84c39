"""``/calendars``: list, create or update (``PUT``), delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from aurora_cloud.api.responses import json_response, no_content
from aurora_cloud.api.routes import new_router
from aurora_core import wire

if TYPE_CHECKING:
    from aurora_cloud.api.app import ApiApp


def router(api: ApiApp) -> APIGatewayHttpRouter:
    r = new_router()
    svc = api.service

    @r.get("/calendars")
    def list_calendars() -> Response[str]:
        return json_response(svc.list_calendars(api.sub()))

    @r.put("/calendars/<cal_id>")
    def put_calendar(cal_id: str) -> Response[str]:
        sub = api.sub()
        pre = api.precondition()
        cal, status = svc.put_calendar(sub, cal_id, api.body(wire.CalendarWire), pre)
        return json_response(cal, status, etag=cal.version)

    @r.delete("/calendars/<cal_id>")
    def delete_calendar(cal_id: str) -> Response[str]:
        svc.delete_calendar(api.sub(), cal_id, api.precondition())
        return no_content()

    return r
