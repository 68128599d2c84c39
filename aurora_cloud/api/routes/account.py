"""The caller's account: ``/me`` (delete), ``/me/signout``, ``/me/settings``."""

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

    @r.get("/me/settings")
    def get_settings() -> Response[str]:
        s = svc.get_settings(api.sub())
        return json_response(s, etag=s.version)

    @r.put("/me/settings")
    def put_settings() -> Response[str]:
        sub = api.sub()
        s = svc.put_settings(sub, api.body(wire.SettingsWire))
        return json_response(s, etag=s.version)

    @r.delete("/me")
    def delete_me() -> Response[str]:
        sub = api.sub()
        if not svc.delete_account(sub, api.username(sub)):
            return json_response(wire.AccountDeletion(done=False), 202)
        return no_content()

    @r.post("/me/signout")
    def sign_out_everywhere() -> Response[str]:
        sub = api.sub()
        svc.sign_out_everywhere(sub, api.username(sub))
        return no_content()

    return r
