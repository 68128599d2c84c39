"""The public routes (no token; limited per source IP): ``/config`` and ``/openapi.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from aurora_cloud.api.responses import JSON, json_response
from aurora_cloud.api.routes import new_router

if TYPE_CHECKING:
    from aurora_cloud.api.app import ApiApp

PATHS = frozenset({"/config", "/openapi.json"})


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document shipped in the package (aurora_cloud/openapi.json)."""
    text = resources.files("aurora_cloud").joinpath("openapi.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def router(api: ApiApp) -> APIGatewayHttpRouter:
    r = new_router()

    @r.get("/config")
    def get_config() -> Response[str]:
        api.public()
        return json_response(api.config)

    @r.get("/openapi.json")
    def get_openapi() -> Response[str]:
        api.public()
        return Response(200, JSON, json.dumps(openapi_document()))

    return r
