"""Operations in template.yaml (issue 10): logs with retention, API access logs, the
alarms, concurrency caps, Cognito mailing through SES and its protections, the SES
configuration set and the suppression list it feeds (aurora_cloud.suppression)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from aurora_cloud import suppression
from aurora_cloud.local.template import Template, load_template
from tests.helpers.cloud import moto_table


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = load_template()
    template["Globals"]["Function"]["CodeUri"] = "s3://aurora-artifacts/lambda.zip"
    result: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return result


def _of_type(res: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in res.items() if v["Type"] == kind}


def test_every_function_has_a_log_group_with_retention(translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    groups = _of_type(res, "AWS::Logs::LogGroup")
    named = {json.dumps(g["Properties"]["LogGroupName"]) for g in groups.values()}
    for fn in _of_type(res, "AWS::Lambda::Function"):
        assert json.dumps({"Fn::Sub": f"/aws/lambda/${{{fn}}}"}) in named, fn
    for g in groups.values():
        assert g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_the_api_stage_writes_access_logs(translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    [stage] = _of_type(res, "AWS::ApiGatewayV2::Stage").values()
    logs = stage["Properties"]["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(logs["Format"])
    assert {"requestId", "status", "route", "latencyMs", "integrationError"} <= set(fields)
    assert not any("authorization" in v.lower() or "body" in v.lower()
                   for v in fields.values())  # no tokens, no bodies


def _alarms(res: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]
             + "|" + json.dumps(a["Properties"].get("Dimensions", []))): a["Properties"]
            for a in _of_type(res, "AWS::CloudWatch::Alarm").values()}


def test_the_alarms_the_issue_asks_for(translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    alarms = _alarms(res)
    service = json.dumps([{"Name": "service", "Value": "dispatcher"}])
    parked = alarms[("AuroraTime", f"RemindersParked|{service}")]
    assert parked["Threshold"] == 1 and parked["Statistic"] == "Sum"
    lag = alarms[("AuroraTime", f"ReminderLagSeconds|{service}")]
    assert lag["Threshold"] == 300 and lag["Statistic"] == "Maximum"
    assert lag["ComparisonOperator"] == "GreaterThanThreshold"
    assert lag["TreatMissingData"] == "breaching"  # a dispatcher that stopped is late too
    assert ("AuroraTime", f"RemindersFailed|{service}") in alarms  # SES send failures
    assert ("AWS/SES", "Reputation.BounceRate|[]") in alarms
    assert ("AWS/SES", "Reputation.ComplaintRate|[]") in alarms
    dispatcher = json.dumps([{"Name": "FunctionName", "Value": {"Ref": "DispatcherFunction"}}])
    assert ("AWS/Lambda", f"Errors|{dispatcher}") in alarms
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_api_is_capped_and_the_cap_can_be_lifted(translated: dict[str, Any]) -> None:
    api = translated["Resources"]["ApiFunction"]["Properties"]
    assert api["ReservedConcurrentExecutions"] == {
        "Fn::If": ["CapApi", {"Ref": "ApiConcurrencyCap"}, {"Ref": "AWS::NoValue"}]}
    t = Template()
    assert t.condition("CapApi") is True
    t.data["Parameters"]["ApiConcurrencyCap"]["Default"] = 0
    assert t.condition("CapApi") is False
    api_stage = next(iter(_of_type(translated["Resources"],
                                   "AWS::ApiGatewayV2::Stage").values()))["Properties"]
    assert api_stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0  # and a rate cap


def test_cognito_mails_through_ses_and_is_protected(translated: dict[str, Any]) -> None:
    pool = translated["Resources"]["UserPool"]["Properties"]
    mail = pool["EmailConfiguration"]
    assert mail["EmailSendingAccount"] == "DEVELOPER"  # not Cognito's 50 mails a day
    assert mail["SourceArn"] == {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:"
                                           "${AWS::AccountId}:identity/${SenderEmail}"}
    assert mail["ConfigurationSet"] == {"Ref": "SesConfigurationSet"}
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["MfaConfiguration"] == {"Ref": "MfaMode"}
    assert pool["EnabledMfas"]["Fn::If"][1] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["UserPoolAddOns"]["Fn::If"][:2] == [
        "ThreatProtectionOn", {"AdvancedSecurityMode": {"Ref": "ThreatProtection"}}]
    assert pool["UserPoolTier"] == {"Fn::If": ["ThreatProtectionOn", "PLUS", "LITE"]}
    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert translated["Resources"]["UserPool"]["DeletionPolicy"] == "Retain"


def test_the_local_pool_is_made_from_the_same_properties() -> None:
    t = Template()
    args = t.create_user_pool_args()
    assert args["MfaConfiguration"] == "OFF"  # until the desktop answers MFA challenges
    assert "EnabledMfas" not in args  # set through SetUserPoolMfaConfig, not CreateUserPool
    assert args["DeletionProtection"] == "ACTIVE"
    assert args["EmailConfiguration"]["ConfigurationSet"] == "aurora-local-mail"
    assert args["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert args["UserPoolTier"] == "PLUS"  # threat protection is on by default
    assert args["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    t.data["Parameters"]["MfaMode"]["Default"] = "OPTIONAL"
    assert t.create_user_pool_args()["MfaConfiguration"] == "OPTIONAL"
    t.data["Parameters"]["MfaMode"]["Default"] = "OFF"
    t.data["Parameters"]["ThreatProtection"]["Default"] = "OFF"
    off = t.create_user_pool_args()
    assert off["UserPoolTier"] == "LITE" and "UserPoolAddOns" not in off


def test_bounces_and_complaints_reach_the_suppression_function(
        translated: dict[str, Any]) -> None:
    res = translated["Resources"]
    config = res["SesConfigurationSet"]["Properties"]
    assert set(config["SuppressionOptions"]["SuppressedReasons"]) == {"BOUNCE", "COMPLAINT"}
    dest = res["SesBounceEvents"]["Properties"]
    assert dest["ConfigurationSetName"] == {"Ref": "SesConfigurationSet"}
    assert set(dest["EventDestination"]["MatchingEventTypes"]) == {"bounce", "complaint"}
    assert dest["EventDestination"]["SnsDestination"]["TopicARN"] == {"Ref": "BounceTopic"}
    subs = [s["Properties"] for s in _of_type(res, "AWS::SNS::Subscription").values()]
    assert any(s["TopicArn"] == {"Ref": "BounceTopic"} and s["Protocol"] == "lambda"
               for s in subs)
    fn = res["SuppressionFunction"]["Properties"]
    assert fn["Handler"] == "aurora_cloud.suppression.handler"
    dispatcher = res["DispatcherFunction"]["Properties"]
    assert dispatcher["Environment"]["Variables"]["SES_CONFIGURATION_SET"] == {
        "Ref": "SesConfigurationSet"}
    role = json.dumps(res["DispatcherFunctionRole"])
    assert "configuration-set/${SesConfigurationSet}" in role  # may send with it


# --------------------------------------------------------------------------
# the suppression list itself


@pytest.fixture
def suppressions() -> Iterator[suppression.SuppressionList]:
    with moto_table("eu-west-1", "s", drop=False) as (ddb, t):
        yield suppression.SuppressionList(ddb, t.table_name())


def _sns(message: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(message)}}]}


def test_hard_bounces_and_complaints_are_suppressed_soft_bounces_not(
        suppressions: suppression.SuppressionList) -> None:
    hard = {"eventType": "Bounce", "bounce": {"bounceType": "Permanent", "bouncedRecipients": [
        {"emailAddress": "Gone@Example.com"}, {"emailAddress": "Ann <ann@example.com>"}]}}
    soft = {"eventType": "Bounce", "bounce": {"bounceType": "Transient",
                                              "bouncedRecipients": [
                                                  {"emailAddress": "full@example.com"}]}}
    complaint = {"notificationType": "Complaint", "complaint": {
        "complainedRecipients": [{"emailAddress": "angry@example.com"}]}}
    delivery = {"eventType": "Delivery", "mail": {"destination": ["ok@example.com"]}}
    assert suppression.record(_sns(hard), suppressions) == 2
    assert suppression.record(_sns(soft), suppressions) == 0
    assert suppression.record(_sns(complaint), suppressions) == 1
    assert suppression.record(_sns(delivery), suppressions) == 0
    assert suppressions.contains("gone@example.com")  # addresses compare case-blind
    assert suppressions.contains("GONE@example.COM")
    assert suppressions.contains("ann@example.com")
    assert suppressions.contains("angry@example.com")
    assert not suppressions.contains("full@example.com")
    assert not suppressions.contains("ok@example.com")
