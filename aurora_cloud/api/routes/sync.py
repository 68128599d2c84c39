"""``/sync``: the caller's changes after a cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from aurora_cloud.api.queries import SyncQuery
from aurora_cloud.api.responses import json_response
from aurora_cloud.api.routes import new_router

if TYPE_CHECKING:
    from aurora_cloud.api.app import ApiApp


def router(api: ApiApp) -> APIGatewayHttpRouter:
    r = new_router()
    svc = api.service

    @r.get("/sync")
    def sync(query: Annotated[SyncQuery, Query()]) -> Response[str]:
        return json_response(svc.sync(api.sub(), query.cursor, query.limit))

    return r
