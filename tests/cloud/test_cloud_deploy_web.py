"""``aurora-cloud deploy-web``: the built app goes to the stack's bucket with the right
types and cache policies, config.json names the API, stale files go, the cache is
invalidated (S3 and CloudFront are moto's, in process)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from aurora_cloud import deploy_web
from aurora_cloud.__main__ import main as cli
from aurora_cloud.deploy_web import DeployError, deploy, plan, stack_outputs

API = "https://abc123.execute-api.eu-west-1.amazonaws.com"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    d = tmp_path / "dist"
    (d / "assets").mkdir(parents=True)
    (d / "index.html").write_text("<!doctype html><script src='./assets/a-1.js'></script>")
    (d / "assets" / "a-1.js").write_text("console.log(1)")
    (d / "assets" / "a-1.css").write_text("body{}")
    (d / "favicon.svg").write_text("<svg/>")
    (d / "config.json").write_text('{"api_url": "http://127.0.0.1:8765"}')  # never shipped
    (d / ".DS_Store").write_text("x")
    return d


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any, dict[str, str]]]:
    # No reset: the session's local stack (moto's server in this process shares moto's
    # backends) keeps its pool and table; this test's bucket has a name of its own.
    mock = mock_aws()
    mock.start(reset=False)
    try:
        bucket = f"aurora-web-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket=bucket, Key="assets/old-0.js", Body=b"old")
        cf = boto3.client("cloudfront", region_name="us-east-1")
        d = cf.create_distribution(DistributionConfig={
            "CallerReference": bucket, "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "web-bucket", "DomainName": f"{bucket}.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "web-bucket",
                                     "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})
        outputs = {"ApiUrl": API + "/", "WebBucketName": bucket,
                   "WebDistributionId": d["Distribution"]["Id"],
                   "WebUrl": "https://d111.cloudfront.net/"}
        yield s3, cf, outputs
    finally:
        mock.stop(remove_data=False)


def test_upload_types_caching_config_and_pruning(dist: Path, aws: Any) -> None:
    s3, cf, outputs = aws
    lines: list[str] = []
    done = deploy(dist, outputs, s3, cf, echo=lines.append)
    assert done["uploaded"][-2:] == ["config.json", "index.html"]  # last: no dangling page
    assert done["uploaded"][:2] == ["assets/a-1.css", "assets/a-1.js"]  # first
    assert done["deleted"] == ["assets/old-0.js"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=outputs["WebBucketName"])["Contents"]}
    assert keys == {"index.html", "assets/a-1.js", "assets/a-1.css", "favicon.svg",
                    "config.json"}  # no hidden files, no stale ones

    def head(key: str) -> dict[str, Any]:
        result: dict[str, Any] = s3.head_object(Bucket=outputs["WebBucketName"], Key=key)
        return result

    assert head("index.html")["ContentType"] == "text/html; charset=utf-8"
    assert head("index.html")["CacheControl"] == "no-cache"
    assert head("assets/a-1.js")["ContentType"] == "text/javascript; charset=utf-8"
    assert head("assets/a-1.js")["CacheControl"] == "public, max-age=31536000, immutable"
    assert head("favicon.svg")["CacheControl"] == "no-cache"
    config = s3.get_object(Bucket=outputs["WebBucketName"], Key="config.json")
    assert json.loads(config["Body"].read()) == {"api_url": API}  # not the local one
    assert config["ContentType"] == "application/json" and config["CacheControl"] == "no-cache"
    listed = cf.list_invalidations(DistributionId=outputs["WebDistributionId"])
    assert listed["InvalidationList"]["Quantity"] == 1
    one = cf.get_invalidation(DistributionId=outputs["WebDistributionId"],
                              Id=done["invalidation"])["Invalidation"]
    assert one["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
    assert lines[-1] == "Web app: https://d111.cloudfront.net/   (API " + API + "/)"
    # the local dist keeps its own config.json untouched
    assert json.loads((dist / "config.json").read_text())["api_url"] == "http://127.0.0.1:8765"


def test_not_built_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=r"run bash scripts/build_web\.sh first"):
        plan(tmp_path, API)


class _Cfn:
    def __init__(self, outputs: dict[str, str] | None) -> None:
        self.outputs = outputs

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        if self.outputs is None:
            raise ClientError({"Error": {"Code": "ValidationError",
                                         "Message": f"Stack with id {StackName} does not exist"}},
                              "DescribeStacks")
        return {"Stacks": [{"Outputs": [{"OutputKey": k, "OutputValue": v}
                                        for k, v in self.outputs.items()]}]}


def test_stack_outputs_and_their_errors() -> None:
    full = {"ApiUrl": API, "WebBucketName": "b", "WebDistributionId": "E1", "WebUrl": "u",
            "TableName": "t"}
    assert stack_outputs(_Cfn(full), "prod") == full
    with pytest.raises(DeployError, match="stack 'prod': Stack with id prod does not exist"):
        stack_outputs(_Cfn(None), "prod")
    with pytest.raises(DeployError, match="no output WebBucketName, WebDistributionId, WebUrl"):
        stack_outputs(_Cfn({"ApiUrl": API}), "old")


def test_the_cli_says_what_is_wrong_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(deploy_web, "stack_outputs", lambda cfn, stack: (_ for _ in ()).throw(
        DeployError(f"stack {stack!r}: Stack with id {stack} does not exist")))
    assert cli(["deploy-web", "--stack", "nope", "--region", "eu-west-1"]) == 1
    out = capsys.readouterr().out
    assert out == "deploy-web: stack 'nope': Stack with id nope does not exist\n"
