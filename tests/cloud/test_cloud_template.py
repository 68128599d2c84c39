"""The SAM template (linted offline, as written and translated) and the contract files."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aurora_cloud.api import openapi
from aurora_cloud.local.template import Template, load_template, template_text
from tests.helpers.cloud import InProcess


class _NoManagedPolicies:
    """samtranslator asks IAM for managed policy ARNs only if a template names one."""

    def load(self) -> dict[str, str]:
        return {}


def _lint(text: str) -> list[str]:
    from cfnlint.api import lint

    return [str(m) for m in lint(text, regions=["us-east-1", "eu-central-1"])]


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = load_template()
    # What `sam package` does before the transform: local code becomes an S3 object.
    template["Globals"]["Function"]["CodeUri"] = "s3://aurora-artifacts/lambda.zip"
    result: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return result


def test_the_template_lints_clean_as_written() -> None:
    assert _lint(template_text()) == []


def test_the_template_lints_clean_after_sam_translation(translated: dict[str, Any]) -> None:
    assert "Transform" not in translated
    assert _lint(json.dumps(translated)) == []


def test_translation_has_the_pieces_the_issue_asks_for(translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    kinds = {r["Type"] for r in res.values()}
    assert {"AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage", "AWS::Lambda::Function",
            "AWS::Events::Rule", "AWS::DynamoDB::Table", "AWS::Cognito::UserPool",
            "AWS::Cognito::UserPoolClient", "AWS::Budgets::Budget",
            "AWS::CloudWatch::Alarm"} <= kinds
    api = next(r for r in res.values() if r["Type"] == "AWS::ApiGatewayV2::Api")
    body = api["Properties"]["Body"]
    authorizer = body["components"]["securitySchemes"]["CognitoJwt"]
    assert authorizer["x-amazon-apigateway-authorizer"]["type"] == "jwt"
    public = {p for p, ops in body["paths"].items() for op in ops.values()
              if isinstance(op, dict) and op.get("security") == [{"NONE": []}]}
    assert public <= {"/config", "/openapi.json"}
    rule = next(r for r in res.values() if r["Type"] == "AWS::Events::Rule")
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    client = res["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    table = res["Table"]["Properties"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["TimeToLiveSpecification"]["Enabled"] is True


def test_functions_have_least_privilege(translated: dict[str, Any]) -> None:
    roles = {k: v for k, v in translated["Resources"].items() if v["Type"] == "AWS::IAM::Role"}
    actions = set()
    for role in roles.values():
        for pol in role["Properties"].get("Policies", []):
            for st in pol["PolicyDocument"]["Statement"]:
                acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                actions.update(acts)
                assert st["Resource"] != "*"
    assert not any(a.endswith("*") for a in actions)
    assert "dynamodb:DeleteTable" not in actions and "dynamodb:Scan" not in actions


def test_every_route_is_in_the_openapi_document_and_the_handler(inproc: InProcess) -> None:
    routes = {(r.method, r.path) for r in Template().routes()}
    doc = openapi.build()
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops
                  if m in ("get", "put", "post", "delete")}
    assert routes == documented
    handler_paths = {p for _, p in inproc.api.routes()}  # every router's, as included
    assert {p for _, p in routes} <= handler_paths


def test_the_shipped_openapi_json_is_current() -> None:
    assert openapi.shipped_path().read_text("utf-8") == openapi.render(), \
        "run: aurora-cloud openapi --write"


def test_the_openapi_document_is_valid_3_1() -> None:
    from jsonschema import Draft202012Validator

    doc = json.loads(openapi.render())
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_config_env_repeats_the_pools_password_policy() -> None:
    data = load_template()
    policy = data["Resources"]["UserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    env = data["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert policy["MinimumLength"] == env["PASSWORD_MIN_LENGTH"] == {"Ref": "PasswordMinLength"}
    for name in ("Lowercase", "Uppercase", "Numbers", "Symbols"):
        assert env[f"PASSWORD_REQUIRE_{name.upper()}"] == str(policy[f"Require{name}"]).lower()
    assert env["COGNITO_ENDPOINT"] == {
        "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com"}
    from aurora_cloud.api.app import password_policy_from_env

    t = Template()
    resolved = {k: str(t.resolve(v)) for k, v in env.items()}
    assert password_policy_from_env(resolved) == t.password_policy()


def test_account_changes_have_their_own_narrow_permissions(translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    role = res["ApiFunctionRole"]
    statements = [st for pol in role["Properties"]["Policies"]
                  for st in pol["PolicyDocument"]["Statement"]]

    def where(action: str) -> list[Any]:
        return [st["Resource"] for st in statements if action in st["Action"]]

    assert where("dynamodb:BatchWriteItem") == [{"Fn::GetAtt": ["Table", "Arn"]}]
    assert where("dynamodb:DeleteItem") == [{"Fn::GetAtt": ["Table", "Arn"]}]
    assert where("cognito-idp:AdminDeleteUser") == [{"Fn::GetAtt": ["UserPool", "Arn"]}]
    assert where("cognito-idp:AdminUserGlobalSignOut") == [{"Fn::GetAtt": ["UserPool", "Arn"]}]
    dispatcher = json.dumps(res["DispatcherFunctionRole"])
    assert "BatchWriteItem" not in dispatcher and "AdminDeleteUser" not in dispatcher
