"""The local stack plays SES's part in the suppression list (moto has none): a hard
bounce from SES's simulator address lands on the list as SuppressionFunction would
put it there, and mail to a listed address is dropped as SES drops it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from aurora_cloud.suppression import SuppressionList
from tests.helpers.cloud import read_outbox

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-42"


def _suppressions(stack: Any) -> SuppressionList:
    return SuppressionList(stack.client("dynamodb", in_process=True), stack.ids["table"])


def _mails_to(stack: Any, address: str) -> int:
    return sum(1 for m in read_outbox(stack.outbox) if m["To"] == address)


def test_a_hard_bounce_puts_the_address_on_the_list(stack: Any, idp_client: Any) -> None:
    bounce = "bounce@simulator.amazonses.com"
    suppressions = _suppressions(stack)
    if not suppressions.contains(bounce):  # the session's stack may have seen it before
        idp_client.sign_up(ClientId=stack.ids["client_id"], Username=bounce,
                           Password=PASSWORD, UserAttributes=[{"Name": "email",
                                                               "Value": bounce}])
        assert _mails_to(stack, bounce) == 1  # sent (and bounced)
    assert suppressions.contains(bounce)
    before = _mails_to(stack, bounce)
    idp_client.resend_confirmation_code(ClientId=stack.ids["client_id"], Username=bounce)
    assert _mails_to(stack, bounce) == before  # dropped: never sent again


def test_mail_to_a_suppressed_address_is_dropped(stack: Any, idp_client: Any) -> None:
    address = f"gone-{uuid.uuid4().hex[:8]}@example.com"
    _suppressions(stack).add(address, "bounce")
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=address, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": address}])
    assert _mails_to(stack, address) == 0
    other = f"fine-{uuid.uuid4().hex[:8]}@example.com"
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=other, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": other}])
    assert _mails_to(stack, other) == 1
