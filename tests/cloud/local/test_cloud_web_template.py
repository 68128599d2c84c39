"""template.yaml's web app (issue 13): a private bucket behind CloudFront with origin
access control, a strict Content-Security-Policy, and an API whose CORS allows exactly
the web app's origin. (cfn-lint runs over all of it in test_cloud_template.py.)"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from aurora_cloud.local import web
from aurora_cloud.local.template import Template, load_template

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS's managed cache policy


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _translate(params: dict[str, str]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = load_template()
    template["Globals"]["Function"]["CodeUri"] = "s3://aurora-artifacts/lambda.zip"
    result: dict[str, Any] = transform(template, params, _NoManagedPolicies())
    return result


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    return _translate({})


@pytest.fixture(scope="module")
def res(translated: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = translated["Resources"]
    return resources


def _csp(res: dict[str, Any]) -> dict[str, list[str]]:
    policy = res["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    text = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert set(text) == {"Fn::Sub"}
    return _directives(text["Fn::Sub"])


def _directives(text: str) -> dict[str, list[str]]:
    out = {}
    for part in text.split(";"):
        name, *values = part.split()
        assert name not in out, f"{name} twice"
        out[name] = values
    return out


def test_the_csp_is_strict(res: dict[str, Any]) -> None:
    csp = _csp(res)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"] and csp["font-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'", "https://*.execute-api.${AWS::Region}.amazonaws.com",
                                  "https://cognito-idp.${AWS::Region}.amazonaws.com"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["manifest-src"] == ["'self'"]
    for name, values in csp.items():
        assert not any("unsafe" in v for v in values), name  # no unsafe-inline / -eval
        assert "*" not in values and "https:" not in values and "http:" not in values, name
        if name != "connect-src":
            assert not any("*" in v for v in values), name
    policy = res["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["Override"] is True


def test_the_local_stack_sends_the_same_policy_but_connects_to_itself(
        res: dict[str, Any]) -> None:
    aws = _csp(res)
    local = _directives(web.CSP)
    assert local["connect-src"] == ["'self'"]
    assert {k: v for k, v in aws.items() if k != "connect-src"} == \
        {k: v for k, v in local.items() if k != "connect-src"}


def test_the_other_security_headers(res: dict[str, Any]) -> None:
    headers = res["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"]
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["Override"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == web.SECURITY_HEADERS["Referrer-Policy"]


def test_the_bucket_is_private_encrypted_and_read_only_by_the_distribution(
        res: dict[str, Any]) -> None:
    bucket = res["WebBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    [enc] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert enc["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert "WebsiteConfiguration" not in bucket  # never a public website endpoint
    policy = res["WebBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "WebBucket"}
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allows == [{
        "Sid": "OnlyTheWebDistribution", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
        "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
            "${WebDistribution}")}}}}]
    [deny] = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_distribution(res: dict[str, Any]) -> None:
    oac = res["WebOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert oac["SigningBehavior"] == "always" and oac["SigningProtocol"] == "sigv4"
    dist = res["WebDistribution"]["Properties"]["DistributionConfig"]
    [origin] = dist["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # OAC, not the old OAI
    behaviour = dist["DefaultCacheBehavior"]
    assert behaviour["TargetOriginId"] == origin["Id"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["CachePolicyId"] == CACHING_OPTIMIZED
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "WebHeadersPolicy"}
    assert behaviour["AllowedMethods"] == ["GET", "HEAD"] and behaviour["Compress"] is True
    assert dist["DefaultRootObject"] == "index.html"
    assert dist["HttpVersion"] == "http2and3"
    own, default = dist["ViewerCertificate"]["Fn::If"][1:]
    assert own["MinimumProtocolVersion"] == "TLSv1.2_2021" and own["SslSupportMethod"] == "sni-only"
    assert default == {"CloudFrontDefaultCertificate": True}  # TLS 1.0+ is fixed there


def _cors(translated: dict[str, Any]) -> dict[str, Any]:
    [api] = [r for r in translated["Resources"].values()
             if r["Type"] == "AWS::ApiGatewayV2::Api"]
    cors: dict[str, Any] = api["Properties"]["Body"]["x-amazon-apigateway-cors"]
    return cors


def test_the_api_allows_exactly_the_web_apps_origin(translated: dict[str, Any]) -> None:
    cors = _cors(translated)
    [origin] = cors["allowOrigins"]
    condition, own, default = origin["Fn::If"]
    assert condition == "WebOwnDomain"
    assert default == {"Fn::Sub": "https://${WebDistribution.DomainName}"}
    assert own == {"Fn::Join": ["", ["https://", ""]]}  # the parameter, put in by SAM
    assert "*" not in json.dumps(cors["allowOrigins"])
    assert not cors.get("allowCredentials")  # bearer tokens, never cookies
    routes = Template().routes()
    assert set(cors["allowMethods"]) == {r.method for r in routes}
    assert {h.lower() for h in cors["allowHeaders"]} == {
        "authorization", "content-type", "if-match", "if-none-match"}
    assert "ETag" in cors["exposeHeaders"] and "Retry-After" in cors["exposeHeaders"]
    assert 0 < cors["maxAge"] <= 86400


def test_with_its_own_domain_that_name_is_the_origin() -> None:
    cors = _cors(_translate({"WebDomainName": "calendar.example.com",
                             "WebCertificateArn": "arn:aws:acm:us-east-1:123456789012:"
                                                  "certificate/abc-123"}))
    [origin] = cors["allowOrigins"]
    assert origin["Fn::If"][1] == {"Fn::Join": ["", ["https://", "calendar.example.com"]]}


def _refs(value: Any) -> set[str]:
    """Logical names a value depends on (Ref, GetAtt, ${} in Sub)."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= _refs(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                found.add(v)
            elif k == "Fn::GetAtt":
                found.add(v[0] if isinstance(v, list) else str(v).split(".")[0])
            elif k == "Fn::Sub":
                text = v if isinstance(v, str) else v[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                if isinstance(v, list):
                    found |= _refs(v[1])
            else:
                found |= _refs(v)
            if k == "DependsOn":
                found |= set([v] if isinstance(v, str) else v)
    return found


def test_no_circular_dependency(res: dict[str, Any]) -> None:
    graph = {name: _refs(r) & set(res) for name, r in res.items()}
    assert "WebDistribution" in graph["HttpApi"]  # the CORS origin
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, " -> ".join((*path, node))
        if node in done:
            return
        for dep in graph[node]:
            visit(dep, (*path, node))
        done.add(node)

    for name in graph:
        visit(name, ())
    assert not ({"HttpApi", "ApiFunction"} & _refs(res["WebHeadersPolicy"]))


def test_the_outputs(translated: dict[str, Any]) -> None:
    out = translated["Outputs"]
    assert out["WebBucketName"]["Value"] == {"Ref": "WebBucket"}
    assert out["WebDistributionId"]["Value"] == {"Ref": "WebDistribution"}
    assert out["WebUrl"]["Value"]["Fn::If"][2] == {
        "Fn::Sub": "https://${WebDistribution.DomainName}/"}
