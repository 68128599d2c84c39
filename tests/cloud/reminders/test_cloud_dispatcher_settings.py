"""One configuration for both Lambdas and the local stack (aurora_cloud/settings.py).

The API once ignored ``DUE_SHARDS`` and wrote 10 shards while the dispatcher
read 3 of them: reminders on the other 7 were never sent. These tests go
through the Lambda entry points with the environment template.yaml gives
each function.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aurora_cloud.local.template import Template
from aurora_cloud.settings import Settings, function_environment
from aurora_cloud.storage.keys import shard_of


class _Ctx:
    function_name = "aurora"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:aurora"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _function_env(t: Template, function: str) -> dict[str, str]:
    return function_environment(t, function)


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Both functions "deployed" with DueShards=3, on moto in process."""
    from aurora_cloud.api import app
    from aurora_cloud.reminders import handler

    mock = mock_aws()
    mock.start(reset=False)
    try:
        t = Template(stack_name=f"shards{uuid.uuid4().hex[:10]}")
        t.data["Parameters"]["DueShards"]["Default"] = 3
        boto3.client("dynamodb", region_name="us-east-1").create_table(**t.create_table_args())
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool = idp.create_user_pool(PoolName=t.stack_name)["UserPool"]["Id"]
        idp.admin_create_user(UserPoolId=pool, Username="u1", UserAttributes=[
            {"Name": "email", "Value": "u1@example.com"},
            {"Name": "email_verified", "Value": "true"}])
        t.refs.update({"Table": t.table_name(), "UserPool": pool, "UserPoolClient": "client"})
        secrets = boto3.client("secretsmanager", region_name="us-east-1")
        for name, res in t.data["Resources"].items():  # e.g. the /sync cursor key
            if res["Type"] == "AWS::SecretsManager::Secret":
                t.refs[name] = secrets.create_secret(Name=f"{t.stack_name}-{name}",
                                                     SecretString="k" * 64)["ARN"]
        sender = str(t.parameter("SenderEmail"))
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=sender)
        api_env = _function_env(t, "ApiFunction")
        dispatcher_env = _function_env(t, "DispatcherFunction")
        app._from_environment.cache_clear()
        handler._from_environment.cache_clear()
        yield {"template": t, "api_env": api_env, "dispatcher_env": dispatcher_env,
               "monkeypatch": monkeypatch}
        app._from_environment.cache_clear()
        handler._from_environment.cache_clear()
    finally:
        mock.stop(remove_data=False)


def _use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)


def _put_event(eid: str, start: datetime) -> dict[str, Any]:
    body = {"id": eid, "calendar_id": "work", "title": f"meeting {eid[:8]}",
            "start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat(),
            "timezone": "UTC", "reminders": [{"minutes_before": 10, "channel": "email"}]}
    ctx = {"http": {"method": "PUT", "path": f"/events/{eid}", "sourceIp": "1.2.3.4"},
           "requestId": "r", "stage": "$default",
           "authorizer": {"jwt": {"claims": {"sub": "u1"}, "scopes": None}}}
    return {"version": "2.0", "routeKey": "PUT /events/{event_id}", "rawPath": f"/events/{eid}",
            "rawQueryString": "", "headers": {"if-none-match": "*"}, "requestContext": ctx,
            "body": json.dumps(body), "isBase64Encoded": False}


def test_the_template_gives_both_functions_the_same_shards() -> None:
    t = Template()
    t.refs.update({"Table": "t", "UserPool": "p", "UserPoolClient": "c"})
    api = Settings.from_env(function_environment(t, "ApiFunction"))
    dispatcher = Settings.from_env(function_environment(t, "DispatcherFunction"))
    assert api.due_shards == dispatcher.due_shards == int(t.parameter("DueShards"))
    assert api.tombstone_days == dispatcher.tombstone_days == int(t.parameter("TombstoneDays"))


def test_every_reminder_is_sent_when_deployed_with_fewer_shards(
        deployed: dict[str, Any]) -> None:
    from aurora_cloud.api import app
    from aurora_cloud.reminders import handler

    mp: pytest.MonkeyPatch = deployed["monkeypatch"]
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=30)
    ids = []
    while len({shard_of("u1", i, 10) for i in ids} - {0, 1, 2}) < 3:  # some beyond shard 2
        ids.append(str(uuid.uuid4()))
    _use_env(mp, deployed["api_env"])
    for eid in ids:
        assert app.handler(_put_event(eid, start), _Ctx())["statusCode"] == 201
    _use_env(mp, deployed["dispatcher_env"])
    dispatcher = handler._from_environment()
    dispatcher.clock = lambda: start - timedelta(minutes=10) + timedelta(seconds=30)
    result = handler.handler({"source": "aws.events"}, _Ctx())
    assert result["sent"] == len(ids)
    assert app._from_environment().service.storage.due_shards == 3
    assert dispatcher.storage.due_shards == 3


def test_the_local_stack_reads_the_same_settings(tmp_path: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from aurora_cloud.local import stack as stack_module
    from aurora_cloud.local.stack import LocalStack

    # moto's backends live in this process, where the session's stack already made the
    # table in us-east-1: this one works in a region of its own.
    monkeypatch.setattr(stack_module, "REGION", "eu-north-1")
    stack = LocalStack(tmp_path, schedule=False, rate=0)
    stack.template.data["Parameters"]["DueShards"]["Default"] = 4
    with stack:
        assert stack.storage is not None and stack.dispatcher is not None
        assert stack.storage.due_shards == 4
        assert stack.dispatcher.storage.due_shards == 4
        assert stack.settings.due_shards == 4


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Settings.from_env({"TABLE_NAME": "t", "DUE_SHARDS": "0"})
    with pytest.raises(ValueError):
        Settings.from_env({"TABLE_NAME": "t", "DISPATCHER_LEASE_SECONDS": "30"})


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def test_the_dispatcher_has_concurrency_of_its_own() -> None:
    """The API cannot starve the dispatcher: its Lambda keeps reserved concurrency
    (a parameter; 0 reserves nothing, for a new account's quota of 10)."""
    from samtranslator.translator.transform import transform

    from aurora_cloud.local.template import load_template

    template = load_template()
    template["Globals"]["Function"]["CodeUri"] = "s3://aurora-artifacts/lambda.zip"
    out = transform(template, {}, _NoManagedPolicies())
    fn = out["Resources"]["DispatcherFunction"]["Properties"]
    param = out["Parameters"]["DispatcherReservedConcurrency"]
    assert param["Default"] >= 1
    reserved = fn["ReservedConcurrentExecutions"]
    t = Template(out)
    assert t.resolve(reserved) == param["Default"]
    t.data["Parameters"]["DispatcherReservedConcurrency"]["Default"] = 0
    assert t.resolve({"x": reserved}) == {}


def test_every_dispatcher_metric_an_alarm_watches_is_emitted_every_run() -> None:
    from aurora_cloud.reminders.dispatcher import RunReport
    from aurora_cloud.reminders.handler import emit

    emitted: dict[str, float] = {}
    emit(RunReport(parked=2, lag_seconds=75.0),
         lambda name, unit, value: emitted.__setitem__(name, value))
    assert emitted["RemindersParked"] == 2 and emitted["ReminderLagSeconds"] == 75.0
    watched = {r["Properties"]["MetricName"] for r in Template().data["Resources"].values()
               if r["Type"] == "AWS::CloudWatch::Alarm"
               and r["Properties"].get("Namespace") == "AuroraTime"
               and {"Name": "service", "Value": "dispatcher"} in
               r["Properties"].get("Dimensions", [])}
    assert watched and watched <= set(emitted)
