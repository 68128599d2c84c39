"""The dispatcher Lambda: EventBridge rate(1 minute) -> :class:`Dispatcher.run`."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from aurora_cloud.reminders.dispatcher import CognitoDirectory, Dispatcher, RunReport, SesMailer
from aurora_cloud.settings import Settings
from aurora_cloud.suppression import SuppressionList

logger = Logger(service="aurora-dispatcher")
metrics = Metrics(namespace="AuroraTime", service="dispatcher")

# A hung call must not hold a run past the Lambda timeout (the reminders it
# leased would wait for their leases to run out): short timeouts, few retries.
CALLS = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})
MARGIN_SECONDS = 10.0  # of the Lambda's remaining time, kept for giving leases back


@cache
def _from_environment() -> Dispatcher:
    import boto3

    settings = Settings.from_env(os.environ)
    region = settings.region
    ddb = boto3.client("dynamodb", region_name=region, config=CALLS)
    mailer = SesMailer(boto3.client("ses", region_name=region, config=CALLS),
                       settings.ses_configuration_set or None)
    return Dispatcher(settings.storage(ddb), mailer,
                      CognitoDirectory(boto3.client("cognito-idp", region_name=region,
                                                    config=CALLS), settings.user_pool_id),
                      sender=settings.sender_email, settings=settings,
                      suppressed=SuppressionList(ddb, settings.table_name).contains)


def emit(report: RunReport, add: Any) -> None:
    """The run's figures as CloudWatch metrics (EMF): ``add(name, unit, value)``."""
    count = MetricUnit.Count
    add("RemindersSent", count, report.sent)
    add("RemindersFailed", count, report.failed)
    add("RemindersParked", count, report.parked)  # an alarm watches this
    add("RemindersSkipped", count, report.skipped)
    add("RemindersDeferred", count, report.deferred)
    add("RemindersLeaseExpired", count, report.lease_expired)
    add("DispatcherMinutesBehind", count, report.behind_minutes)
    add("ReminderLagSeconds", MetricUnit.Seconds, report.lag_seconds)  # every run: an alarm


@logger.inject_lambda_context
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    remaining = context.get_remaining_time_in_millis() / 1000 - MARGIN_SECONDS
    report = _from_environment().run(seconds=max(remaining, 1.0))
    emit(report, lambda name, unit, value: metrics.add_metric(name=name, unit=unit, value=value))
    if report.parked:
        logger.warning("reminders parked", extra={"reasons": report.parked_reasons[:20]})
    return {"sent": report.sent, "failed": report.failed, "skipped": report.skipped,
            "parked": report.parked, "deferred": report.deferred,
            "lost_race": report.lost_race, "minutes": report.minutes,
            "behind_minutes": report.behind_minutes}
