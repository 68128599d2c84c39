"""An email change takes effect only once the new address is verified, as the pool's
UserAttributeUpdateSettings (template.yaml) makes Cognito do; moto changed it at once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP

from tests.helpers.cloud import User, confirmation_code

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-42"


def _sign_in(stack: Any, idp: Any, email: str) -> str:
    result = AWSSRP(username=email, password=PASSWORD, pool_id=stack.ids["user_pool_id"],
                    client_id=stack.ids["client_id"], client=idp).authenticate_user()
    return str(result["AuthenticationResult"]["AccessToken"])


def _email(idp: Any, token: str) -> dict[str, str]:
    attrs = idp.get_user(AccessToken=token)["UserAttributes"]
    return {a["Name"]: a["Value"] for a in attrs if a["Name"].startswith("email")}


def test_a_new_email_waits_for_its_code(stack: Any, idp_client: Any, make_user: Any) -> None:
    user: User = make_user()
    new = f"moved-{uuid.uuid4().hex[:8]}@example.com"
    sent = idp_client.update_user_attributes(AccessToken=user.token, UserAttributes=[
        {"Name": "email", "Value": new}])
    [delivery] = sent["CodeDeliveryDetailsList"]
    assert delivery["Destination"] == "m***@e***" and delivery["AttributeName"] == "email"
    # nothing changed yet: the old address still signs in, the new one does not
    assert _email(idp_client, user.token) == {"email": user.email, "email_verified": "true"}
    assert _sign_in(stack, idp_client, user.email)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _sign_in(stack, idp_client, new)
    code = confirmation_code(stack.outbox, new)  # mailed to the new address
    with pytest.raises(idp_client.exceptions.CodeMismatchException):
        idp_client.verify_user_attribute(AccessToken=user.token, AttributeName="email",
                                         Code="000000" if code != "000000" else "111111")
    idp_client.verify_user_attribute(AccessToken=user.token, AttributeName="email", Code=code)
    assert _email(idp_client, user.token) == {"email": new, "email_verified": "true"}
    assert _sign_in(stack, idp_client, new)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _sign_in(stack, idp_client, user.email)


def test_an_email_someone_else_has_is_refused(stack: Any, idp_client: Any,
                                               make_user: Any) -> None:
    user: User = make_user()
    other: User = make_user()
    with pytest.raises(idp_client.exceptions.AliasExistsException):
        idp_client.update_user_attributes(AccessToken=user.token, UserAttributes=[
            {"Name": "email", "Value": other.email}])
    assert _email(idp_client, user.token)["email"] == user.email
