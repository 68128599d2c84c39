"""``aurora-cloud deploy-web --stack NAME``: put the built web app where the stack serves it.

After ``sam deploy`` (the bucket, the distribution, the API) and ``bash
scripts/build_web.sh`` (web/dist), this reads the stack's outputs and

1. uploads ``config.json`` = ``{"api_url": <ApiUrl>}`` (made here, never written into
   web/dist: the local stack must not find it) and every file of web/dist, each with
   its content type and cache policy: content-hashed ``assets/*`` for a year
   (immutable), everything else ``no-cache`` (revalidated on every load). Assets go
   first and ``index.html`` last, so no page ever names a file not yet uploaded;
2. deletes what the bucket holds that this build does not (``aws s3 sync --delete``;
   the bucket keeps replaced versions for 7 days);
3. invalidates the distribution's cache (``/*``: one path, free below 1,000 a month),
   so the new index.html and config.json are served at once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aurora_cloud.web_hosting import CONTENT_TYPES, IMMUTABLE, REVALIDATE, repo_dist

NEEDED = ("ApiUrl", "WebBucketName", "WebDistributionId", "WebUrl")


class DeployError(Exception):
    """A one-line reason the deploy cannot go on."""


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


def stack_outputs(cfn: Any, stack: str) -> dict[str, str]:
    """The stack's outputs by key; :class:`DeployError` when it lacks the web app's."""
    from botocore.exceptions import ClientError

    try:
        [found] = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        raise DeployError(f"stack {stack!r}: {exc.response['Error'].get('Message', exc)}"
                          ) from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs") or []}
    missing = [k for k in NEEDED if k not in outputs]
    if missing:
        raise DeployError(f"stack {stack!r} has no output {', '.join(missing)}: deploy "
                          "the current template.yaml first (sam build && sam deploy)")
    return outputs


def plan(dist: Path, api_url: str) -> list[Upload]:
    """What to upload, in order: assets, the other files, config.json, index.html."""
    if not (dist / "index.html").is_file():
        raise DeployError(f"{dist} holds no built app: run bash scripts/build_web.sh first")
    files = sorted(p for p in dist.rglob("*") if p.is_file())
    uploads = []
    for path in files:
        key = path.relative_to(dist).as_posix()
        if key == "config.json" or any(part.startswith(".") for part in key.split("/")):
            continue  # ours is made below; hidden files are never published
        uploads.append(Upload(
            key, path.read_bytes(),
            CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"),
            IMMUTABLE if key.startswith("assets/") else REVALIDATE))
    config = json.dumps({"api_url": api_url.rstrip("/")}).encode()
    uploads.append(Upload("config.json", config, CONTENT_TYPES[".json"], REVALIDATE))
    last = {"config.json": 2, "index.html": 3}
    return sorted(uploads, key=lambda u: last.get(u.key, 0 if u.key.startswith("assets/")
                                                  else 1))


def _keys(s3: Any, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(o["Key"] for o in page.get("Contents") or [])
    return keys


def deploy(dist: Path, outputs: dict[str, str], s3: Any, cloudfront: Any,
           echo: Callable[[str], None] = print, reference: str = "") -> dict[str, Any]:
    """Upload, prune and invalidate (module docstring); returns what it did."""
    uploads = plan(dist, outputs["ApiUrl"])
    bucket = outputs["WebBucketName"]
    before = _keys(s3, bucket)
    for u in uploads:
        s3.put_object(Bucket=bucket, Key=u.key, Body=u.body, ContentType=u.content_type,
                      CacheControl=u.cache_control)
    stale = sorted(before - {u.key for u in uploads})
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={
            "Objects": [{"Key": k} for k in stale[start:start + 1000]], "Quiet": True})
    invalidation = cloudfront.create_invalidation(
        DistributionId=outputs["WebDistributionId"], InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": reference or uuid.uuid4().hex})["Invalidation"]["Id"]
    size = sum(len(u.body) for u in uploads)
    echo(f"uploaded {len(uploads)} files ({size / 1024:.0f} KB) to s3://{bucket}, "
         f"removed {len(stale)} old ones; invalidation {invalidation} started")
    echo(f"Web app: {outputs['WebUrl']}   (API {outputs['ApiUrl']})")
    return {"uploaded": [u.key for u in uploads], "deleted": stale,
            "invalidation": invalidation}


def main(stack: str, region: str | None, dist: Path | None) -> int:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        session = boto3.Session(region_name=region)
        outputs = stack_outputs(session.client("cloudformation"), stack)
        deploy(dist or repo_dist(), outputs, session.client("s3"),
               session.client("cloudfront"))
    except DeployError as exc:
        print(f"deploy-web: {exc}")
        return 1
    except (BotoCoreError, ClientError) as exc:
        print(f"deploy-web: AWS refused: {exc}")
        return 1
    return 0
