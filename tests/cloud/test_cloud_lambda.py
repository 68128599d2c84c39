"""The Lambda entry points themselves, as AWS calls them (moto in process)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aurora_cloud.local.template import Template


@dataclass
class Context:
    function_name: str = "aurora-api"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:aurora-api"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _ctx(**kw: Any) -> Any:
    return Context(**kw)


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    from aurora_cloud.api import app
    from aurora_cloud.reminders import handler

    mock = mock_aws()
    mock.start(reset=False)
    try:
        t = Template(stack_name=f"lambda{uuid.uuid4().hex[:10]}")
        boto3.client("dynamodb", region_name="us-east-1").create_table(**t.create_table_args())
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool = idp.create_user_pool(PoolName=t.stack_name)["UserPool"]["Id"]
        key = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name=f"{t.stack_name}-cursor-key", SecretString="k" * 64)["ARN"]
        env = {"TABLE_NAME": t.table_name(), "USER_POOL_ID": pool,
               "USER_POOL_CLIENT_ID": "client", "SENDER_EMAIL": "r@aurora.example",
               **_template_api_env({"CursorKey": key})}
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        app._from_environment.cache_clear()
        handler._from_environment.cache_clear()
        yield env
        app._from_environment.cache_clear()
        handler._from_environment.cache_clear()
    finally:
        mock.stop(remove_data=False)


def _template_api_env(refs: dict[str, str] | None = None) -> dict[str, str]:
    """The API function's environment variables as template.yaml sets them (``refs``:
    the resources it names, as created here)."""
    t = Template()
    t.refs.update(refs or {})
    variables = t.resource("ApiFunction")["Properties"]["Environment"]["Variables"]
    return {k: str(t.resolve(v)) for k, v in variables.items()}


def _event(method: str, path: str, body: Any = None, sub: str | None = "u1",
           headers: dict[str, str] | None = None) -> dict[str, Any]:
    ctx: dict[str, Any] = {"http": {"method": method, "path": path, "sourceIp": "1.2.3.4"},
                           "requestId": "abc-123", "stage": "$default"}
    if sub:
        ctx["authorizer"] = {"jwt": {"claims": {"sub": sub}, "scopes": None}}
    return {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
            "rawQueryString": "", "headers": headers or {}, "requestContext": ctx,
            "body": None if body is None else json.dumps(body), "isBase64Encoded": False}


def test_the_api_lambda_handler_serves_an_http_api_event(lambda_env: dict[str, str]) -> None:
    from aurora_cloud.api.app import handler

    cfg = handler(_event("GET", "/config", sub=None), _ctx())
    assert cfg["statusCode"] == 200
    config = json.loads(cfg["body"])
    assert config["user_pool_id"] == lambda_env["USER_POOL_ID"]
    assert config["cognito_endpoint"] == "https://cognito-idp.us-east-1.amazonaws.com"
    assert config["password_policy"] == Template().password_policy().model_dump()
    eid = str(uuid.uuid4())
    body = {"id": eid, "calendar_id": "c", "title": "t", "start": "2026-11-25",
            "end": "2026-11-26", "all_day": True}
    put = handler(_event("PUT", f"/events/{eid}", body, headers={"if-none-match": "*"}),
                  _ctx())
    assert put["statusCode"] == 201
    assert handler(_event("GET", "/sync"), _ctx())["statusCode"] == 200
    assert handler(_event("GET", "/sync", sub=None), _ctx())["statusCode"] == 401


def test_the_dispatcher_lambda_handler_runs(lambda_env: dict[str, str]) -> None:
    from aurora_cloud.reminders.handler import handler

    result = handler({"source": "aws.events", "detail-type": "Scheduled Event"},
                     _ctx(function_name="aurora-dispatcher"))
    assert result["sent"] == 0 and result["failed"] == 0
