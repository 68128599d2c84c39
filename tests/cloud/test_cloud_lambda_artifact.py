"""The Lambda artifact is real: what ``aurora-cloud build-lambda`` stages, with its
requirements.txt installed (what ``sam build`` does) and nothing else but what the
Lambda Python runtime provides (boto3 and its dependencies), imports and serves
requests in a clean interpreter: ``python -I -S`` (no site-packages, no PYTHON*
variables, no user site), a ``sys.path`` of the standard library plus those three
folders, never the repository or the dev environment.

The requirements are "installed" offline by copying the installed distributions
they name (and what those require) from this environment: the same versions
``pip install -r requirements.txt`` would pick here, without a network. AWS is a
moto server on 127.0.0.1 (its own region), reached through ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from importlib import metadata
from pathlib import Path
from typing import Any

import boto3
import pytest
from packaging.requirements import Requirement

from aurora_cloud.__main__ import main as aurora_cloud_main
from aurora_cloud.local.template import Template
from tests.helpers.cloud import event_body

pytestmark = pytest.mark.slow
REGION = "eu-north-1"  # not the local stack's: moto's backends are per process
RUNTIME = ("boto3",)  # what the Lambda Python runtime ships (with its dependencies)


def _closure(names: list[str]) -> set[str]:
    """The distributions ``names`` need, themselves included (markers for no extra)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        dist = metadata.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def _install(names: set[str], target: Path) -> None:
    """Copy the installed files of ``names`` into ``target`` (a pip --target install)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(names):
        dist = metadata.distribution(name)
        root = Path(str(dist.locate_file(""))).resolve()
        for file in dist.files or []:
            src = Path(str(dist.locate_file(file))).resolve()
            try:
                rel = src.relative_to(root)
            except ValueError:
                continue  # scripts and data outside site-packages
            if rel.parts[0] == ".." or "__pycache__" in rel.parts or not src.is_file():
                continue
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)


CHILD = textwrap.dedent('''
    import importlib, importlib.util, json, pkgutil, sys
    sys.path[:0] = json.loads(sys.argv[1])
    for name in ("moto", "yaml", "pytest", "werkzeug", "aurora_desktop",
                 "aurora_cloud.local"):
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        assert not found, f"{name} is importable: the interpreter is not clean"
    import aurora_cloud, aurora_core
    for package in (aurora_cloud, aurora_core):
        assert package.__file__.startswith(sys.path[0]), package.__file__
    modules = []
    for info in pkgutil.walk_packages(aurora_cloud.__path__, "aurora_cloud."):
        if info.name != "aurora_cloud.__main__":  # the CLI: not Lambda code
            importlib.import_module(info.name)
            modules.append(info.name)

    class Context:
        function_name = "aurora-api"
        function_version = "$LATEST"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:eu-north-1:123456789012:function:aurora-api"
        aws_request_id = "req-1"

        def get_remaining_time_in_millis(self):
            return 10_000

    from aurora_cloud.api.app import handler as api
    from aurora_cloud.reminders.handler import handler as dispatcher
    from aurora_cloud.suppression import handler as suppression
    out = {"modules": modules, "answers": []}
    for event in json.loads(sys.argv[2]):
        result = api(event, Context())
        out["answers"].append({"status": result["statusCode"], "body": result.get("body"),
                               "base64": result.get("isBase64Encoded", False)})
    out["dispatcher"] = dispatcher({"source": "aws.events"}, Context())
    out["suppression"] = suppression(json.loads(sys.argv[3]), Context())
    print(json.dumps(out))
''')


def _http_event(method: str, path: str, sub: str | None, body: Any = None,
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
        "rawQueryString": "", "headers": {"content-type": "application/json",
                                          **(headers or {})},
        "requestContext": {"accountId": "123456789012", "apiId": "api",
                           "domainName": "api.example", "domainPrefix": "api",
                           "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": "192.0.2.1", "userAgent": "test"},
                           "requestId": str(uuid.uuid4()), "routeKey": f"{method} {path}",
                           "stage": "$default", "time": "02/Dec/2026:10:00:00 +0000",
                           "timeEpoch": 1796205600000},
        "isBase64Encoded": False}
    if body is not None:
        event["body"] = json.dumps(body)
    if sub is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": {
            "sub": sub, "username": sub, "token_use": "access", "iat": "1796205600",
            "client_id": "client", "scope": "aws.cognito.signin.user.admin"},
            "scopes": None}}
    return event


def _environment(table: str, pool: str, secrets: dict[str, str]) -> dict[str, str]:
    """The functions' variables as the template sets them (every function's)."""
    t = Template(region=REGION)
    t.refs.update({"Table": table, "UserPool": pool, "UserPoolClient": "client", **secrets})
    env: dict[str, str] = {}
    blocks = [t.data["Globals"]["Function"].get("Environment", {}).get("Variables", {})]
    blocks += [r["Properties"].get("Environment", {}).get("Variables", {})
               for r in t.data["Resources"].values()
               if r["Type"] == "AWS::Serverless::Function"]
    for block in blocks:
        for k, v in block.items():
            try:
                env[k] = str(t.resolve(v))
            except KeyError:  # a resource the local template cannot name (e.g. a secret)
                continue
    return env


def test_the_built_artifact_serves_requests_in_a_clean_interpreter(tmp_path: Path) -> None:
    from moto.server import ThreadedMotoServer

    artifact = tmp_path / "lambda"
    assert aurora_cloud_main(["build-lambda", "--out", str(artifact)]) == 0
    requirements = [Requirement(line).name for line in
                    (artifact / "requirements.txt").read_text("utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    runtime = _closure(list(RUNTIME))
    deps = tmp_path / "deps"  # sam build: pip install -r requirements.txt
    _install(_closure(requirements) - runtime, deps)
    provided = tmp_path / "runtime"  # the Lambda runtime's boto3
    _install(runtime, provided)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        port = server._server.server_port  # type: ignore[union-attr]  # no public getter
        url = f"http://127.0.0.1:{port}"
        creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        t = Template(region=REGION, stack_name=f"art{uuid.uuid4().hex[:8]}")
        boto3.client("dynamodb", endpoint_url=url, region_name=REGION,
                     **creds).create_table(**t.create_table_args())
        pool = boto3.client("cognito-idp", endpoint_url=url, region_name=REGION, **creds
                            ).create_user_pool(PoolName=t.stack_name)["UserPool"]["Id"]
        secrets = {}  # the template's secrets, as CloudFormation would generate them
        sm = boto3.client("secretsmanager", endpoint_url=url, region_name=REGION, **creds)
        for logical, res in t.data["Resources"].items():
            if res["Type"] == "AWS::SecretsManager::Secret":
                secrets[logical] = sm.create_secret(Name=f"{t.stack_name}-{logical}",
                                                    SecretString=uuid.uuid4().hex * 2)["ARN"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               **_environment(t.table_name(), pool, secrets),
               "AWS_ENDPOINT_URL": url, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
               "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1",
               "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_TRACE_DISABLED": "true",
               "POWERTOOLS_LOG_LEVEL": "ERROR", "AWS_LAMBDA_FUNCTION_NAME": "aurora-api"}
        body = event_body(title="From the artifact")
        event_id = body["id"]
        events = [_http_event("GET", "/config", None),
                  _http_event("PUT", f"/events/{event_id}", "alice", body,
                              {"if-none-match": "*"}),
                  _http_event("GET", f"/events/{event_id}", "alice")]
        bounce = {"Records": [{"Sns": {"Message": json.dumps({
            "eventType": "Bounce", "bounce": {"bounceType": "Permanent",
                                              "bouncedRecipients": [
                                                  {"emailAddress": "gone@example.com"}]}})}}]}
        paths = [str(artifact), str(deps), str(provided)]
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", CHILD, json.dumps(paths), json.dumps(events),
             json.dumps(bounce)], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=300)
        assert proc.returncode == 0, proc.stderr[-4000:]
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        server.stop()
    assert "aurora_cloud.api.app" in out["modules"] and "aurora_cloud.suppression" in \
        out["modules"]
    config, created, read = out["answers"]
    assert config["status"] == 200 and json.loads(config["body"])["user_pool_id"] == pool
    assert created["status"] == 201, created
    assert read["status"] == 200
    got = read["body"]
    if read["base64"]:
        import base64
        import gzip

        got = gzip.decompress(base64.b64decode(got)).decode()
    assert json.loads(got)["title"] == "From the artifact"
    assert out["dispatcher"] is not None
    assert out["suppression"] == {"suppressed": 1}
