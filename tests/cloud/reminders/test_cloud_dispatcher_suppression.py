"""The dispatcher honours the suppression list and sends with the configuration set.

SuppressionFunction records hard bounces and complaints in the table
(aurora_cloud/suppression.py); the dispatcher must never mail those
addresses again, and must send with the SES configuration set whose events
feed that function.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aurora_cloud.reminders.dispatcher import Dispatcher, SesMailer
from aurora_cloud.reminders.render import Email
from aurora_cloud.settings import Settings
from aurora_cloud.suppression import SuppressionList
from tests.helpers.cloud import InProcess, event_body

T0 = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)


def _create(inproc: InProcess, sub: str, title: str) -> str:
    start = T0 + timedelta(minutes=20)
    body = event_body(title=title, start=start.isoformat(),
                      end=(start + timedelta(minutes=30)).isoformat(), timezone="UTC",
                      reminders=[{"minutes_before": 10, "channel": "email"}])
    assert inproc.call("PUT", f"/events/{body['id']}", body, sub=sub,
                       headers={"If-None-Match": "*"})[0] == 201
    return str(body["id"])


def test_a_suppressed_address_gets_no_reminder_and_the_event_moves_on(
        inproc: InProcess) -> None:
    inproc.clock.pin(T0)
    suppressions = SuppressionList(inproc.storage.client, inproc.storage.table)
    suppressions.add("bounced@example.com", "Permanent bounce")
    inproc.dispatcher.users.emails["bob"] = "Bounced@Example.com"  # type: ignore[attr-defined]
    d = Dispatcher(inproc.storage, inproc.mailbox, inproc.dispatcher.users,
                   sender="r@aurora.example", clock=inproc.clock, workers=2,
                   suppressed=suppressions.contains)
    bob = _create(inproc, "bob", "for bob")
    _create(inproc, "alice", "for alice")
    inproc.clock.pin(T0 + timedelta(minutes=10, seconds=20))
    report = d.run()
    assert report.sent == 1 and report.skipped == 1
    [msg] = inproc.mailbox.sent
    assert msg["To"] == "alice@example.com"
    item = inproc.storage.get_raw("USER#bob", f"EVT#{bob}")
    assert item is not None and "due_sk" not in item  # done, not retried


class _Ses:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def send_email(self, **kw: Any) -> None:
        self.calls.append(kw)


def test_reminders_go_out_with_the_configuration_set() -> None:
    email = Email(sender="r@aurora.example", to="a@example.com", subject="s", text="t")
    ses = _Ses()
    SesMailer(ses, "aurora-mail").send(email)
    SesMailer(ses).send(email)
    assert ses.calls[0]["ConfigurationSetName"] == "aurora-mail"
    assert "ConfigurationSetName" not in ses.calls[1]
    settings = Settings.from_env({"TABLE_NAME": "t", "SES_CONFIGURATION_SET": "aurora-mail"})
    assert settings.ses_configuration_set == "aurora-mail"
