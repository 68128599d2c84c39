"""The dispatcher Lambda: EventBridge rate(1 minute) -> :class:`Dispatcher.run`."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from aurora_cloud.reminders.dispatcher import CognitoDirectory, Dispatcher, SesMailer
from aurora_cloud.storage import Storage

logger = Logger(service="aurora-dispatcher")
metrics = Metrics(namespace="AuroraTime", service="dispatcher")


@cache
def _from_environment() -> Dispatcher:
    import boto3

    region = os.environ.get("AWS_REGION", "us-east-1")
    storage = Storage(boto3.client("dynamodb", region_name=region), os.environ["TABLE_NAME"],
                      due_shards=int(os.environ.get("DUE_SHARDS", "10")))
    return Dispatcher(storage, SesMailer(boto3.client("ses", region_name=region)),
                      CognitoDirectory(boto3.client("cognito-idp", region_name=region),
                                       os.environ["USER_POOL_ID"]),
                      sender=os.environ["SENDER_EMAIL"])


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = _from_environment().run()
    metrics.add_metric(name="RemindersSent", unit=MetricUnit.Count, value=report.sent)
    metrics.add_metric(name="RemindersFailed", unit=MetricUnit.Count, value=report.failed)
    return {"sent": report.sent, "failed": report.failed, "skipped": report.skipped,
            "lost_race": report.lost_race, "minutes": report.minutes}
