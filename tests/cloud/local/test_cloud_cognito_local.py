"""Accounts end to end over HTTP against the local stack: Cognito as the desktop meets it
(boto3 and pycognito on the stack's one URL), the stack's own token key, and the
account endpoints (DELETE /me, POST /me/signout)."""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
import requests
from pycognito.aws_srp import AWSSRP

from aurora_cloud.local.template import Template
from tests.helpers.clocks import OffsetClock
from tests.helpers.cloud import User, confirmation_code, event_body, read_outbox

pytestmark = pytest.mark.e2e
CREATE = {"If-None-Match": "*"}
PASSWORD = "Correct-Horse-42"


def _email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def _srp(stack: Any, idp: Any, email: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = AWSSRP(
        username=email, password=password, pool_id=stack.ids["user_pool_id"],
        client_id=stack.ids["client_id"], client=idp).authenticate_user()
    return result["AuthenticationResult"]


def _refresh(stack: Any, idp: Any, refresh_token: str) -> dict[str, Any]:
    result: dict[str, Any] = idp.initiate_auth(
        ClientId=stack.ids["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token})
    return result["AuthenticationResult"]


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


@pytest.fixture
def idp_once(stack: Any) -> Any:
    """A Cognito client that does not retry (botocore retries LimitExceededException)."""
    import boto3
    from botocore.config import Config

    return boto3.client("cognito-idp", endpoint_url=stack.url, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


@pytest.fixture
def short_tokens(stack: Any) -> Iterator[None]:
    stack.cognito.token_seconds = 3
    try:
        yield
    finally:
        stack.cognito.token_seconds = None


# --------------------------------------------------------------------------
# A1: /config and the password policy


def test_config_tells_the_cognito_endpoint_and_the_pools_password_policy(
        stack: Any, http: requests.Session) -> None:
    cfg = http.get(f"{stack.url}/config").json()
    assert cfg["cognito_endpoint"] == stack.url
    assert cfg["password_policy"] == {"min_length": 10, "require_lowercase": True,
                                      "require_uppercase": True, "require_numbers": True,
                                      "require_symbols": False}
    assert cfg["password_policy"] == Template().password_policy().model_dump()


@pytest.mark.parametrize(("password", "problem"), [
    ("Short-1a", "Password not long enough"),
    ("NO-LOWER-CASE-42", "Password must have lowercase characters"),
    ("no-upper-case-42", "Password must have uppercase characters"),
    ("No-Numbers-Here", "Password must have numeric characters"),
])
def test_sign_up_enforces_the_password_policy(stack: Any, idp_client: Any, password: str,
                                              problem: str) -> None:
    email = _email("weak")
    with pytest.raises(idp_client.exceptions.InvalidPasswordException) as err:
        idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=password,
                           UserAttributes=[{"Name": "email", "Value": email}])
    assert err.value.response["Error"]["Message"] == (
        f"Password did not conform with policy: {problem}")
    assert not [m for m in read_outbox(stack.outbox) if m["To"] == email]


def test_change_and_reset_enforce_the_policy_too(stack: Any, idp_client: Any,
                                                 make_user: Any) -> None:
    user: User = make_user()
    with pytest.raises(idp_client.exceptions.InvalidPasswordException, match="not long"):
        idp_client.change_password(AccessToken=user.token, PreviousPassword=PASSWORD,
                                   ProposedPassword="Ab1")
    idp_client.forgot_password(ClientId=stack.ids["client_id"], Username=user.email)
    code = confirmation_code(stack.outbox, user.email)
    with pytest.raises(idp_client.exceptions.InvalidPasswordException, match="uppercase"):
        idp_client.confirm_forgot_password(ClientId=stack.ids["client_id"], Username=user.email,
                                           ConfirmationCode=code, Password="all-lower-42x")
    idp_client.confirm_forgot_password(ClientId=stack.ids["client_id"], Username=user.email,
                                       ConfirmationCode=code, Password="Brand-New-Horse-7")
    assert _srp(stack, idp_client, user.email, "Brand-New-Horse-7")["AccessToken"]
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _srp(stack, idp_client, user.email, PASSWORD)


def test_change_password_checks_the_old_one_and_the_new_one_signs_in(
        stack: Any, idp_client: Any, make_user: Any) -> None:
    user: User = make_user()
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        idp_client.change_password(AccessToken=user.token, PreviousPassword="Wrong-Horse-42",
                                   ProposedPassword="Another-Horse-43")
    idp_client.change_password(AccessToken=user.token, PreviousPassword=PASSWORD,
                               ProposedPassword="Another-Horse-43")
    assert _srp(stack, idp_client, user.email, "Another-Horse-43")["AccessToken"]


# --------------------------------------------------------------------------
# A2: the stack's own signing key


def test_tokens_are_signed_with_the_stacks_own_key_on_its_clock(
        stack: Any, stack_clock: OffsetClock, idp_client: Any, make_user: Any,
        http: requests.Session) -> None:
    user: User = make_user()
    jwks = http.get(f"{stack.url}/{stack.ids['user_pool_id']}/.well-known/jwks.json").json()
    [key] = jwks["keys"]
    assert key["kid"] != "dummy" and "d" not in key  # public half only
    header = jwt.get_unverified_header(user.token)
    assert header["kid"] == key["kid"]
    public = jwt.PyJWK.from_dict(key).key
    claims = jwt.decode(user.token, public, algorithms=["RS256"],
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["token_use"] == "access" and claims["sub"] == user.sub
    assert claims["exp"] - claims["iat"] == Template().token_seconds("AccessToken") == 3600
    assert abs(claims["iat"] - stack_clock().timestamp()) < 30
    assert claims["auth_time"] == claims["iat"]
    key_file = stack.data_dir / "signing-key.pem"
    assert os.stat(key_file).st_mode & 0o777 == 0o600


def test_a_token_signed_with_motos_published_key_is_refused(stack: Any, make_user: Any,
                                                           http: requests.Session) -> None:
    from moto.utilities.utils import load_resource

    user: User = make_user()
    moto_key = jwt.PyJWK.from_dict(load_resource("cognitoidp/resources/jwks-private.json"))
    claims = _claims(user.token)
    ours = jwt.get_unverified_header(user.token)["kid"]
    for kid in ("dummy", ours):
        forged = jwt.encode(claims, moto_key.key, algorithm="RS256", headers={"kid": kid})
        r = http.get(f"{stack.url}/sync", headers={"Authorization": f"Bearer {forged}"})
        assert r.status_code == 401, kid
        assert r.headers["Content-Type"] == "application/problem+json"
    assert http.get(f"{stack.url}/sync", headers=user.headers).status_code == 200


def test_cognito_calls_refuse_tokens_the_stack_did_not_issue(stack: Any, idp_client: Any,
                                                             make_user: Any) -> None:
    from moto.backends import get_backend

    user: User = make_user()
    pool = get_backend("cognito-idp")["123456789012"]["us-east-1"].user_pools[
        stack.ids["user_pool_id"]]
    moto_original = next(t for t, (_, name) in pool.access_tokens.items() if name == user.sub)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException, match="Invalid"):
        idp_client.get_user(AccessToken=moto_original)
    assert idp_client.get_user(AccessToken=user.token)["Username"] == user.sub


def test_short_lived_tokens_expire_on_the_stacks_clock(
        stack: Any, stack_clock: OffsetClock, idp_client: Any, make_user: Any,
        http: requests.Session, short_tokens: None) -> None:
    user: User = make_user()
    auth = _srp(stack, idp_client, user.email, PASSWORD)
    assert auth["ExpiresIn"] == 3
    for name in ("AccessToken", "IdToken"):
        claims = _claims(auth[name])
        assert claims["exp"] - claims["iat"] == 3
    headers = {"Authorization": f"Bearer {auth['AccessToken']}"}
    assert http.get(f"{stack.url}/sync", headers=headers).status_code == 200
    stack_clock.advance(timedelta(seconds=4))
    r = http.get(f"{stack.url}/sync", headers=headers)
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    with pytest.raises(idp_client.exceptions.NotAuthorizedException, match="expired"):
        idp_client.get_user(AccessToken=auth["AccessToken"])
    fresh = _refresh(stack, idp_client, auth["RefreshToken"])
    assert fresh["ExpiresIn"] == 3 and "RefreshToken" not in fresh
    assert _claims(fresh["AccessToken"])["iat"] >= _claims(auth["AccessToken"])["exp"]
    assert http.get(f"{stack.url}/sync", headers={
        "Authorization": f"Bearer {fresh['AccessToken']}"}).status_code == 200
    assert idp_client.get_user(AccessToken=fresh["AccessToken"])["Username"] == user.sub


# --------------------------------------------------------------------------
# A3: the Cognito gaps


def test_revoke_token_ends_the_refresh_token_and_its_access_tokens(
        stack: Any, idp_client: Any, make_user: Any) -> None:
    user: User = make_user()
    other = _srp(stack, idp_client, user.email, PASSWORD)  # a second desktop
    idp_client.revoke_token(ClientId=stack.ids["client_id"], Token=user.refresh)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException,
                       match="Refresh Token has been revoked"):
        _refresh(stack, idp_client, user.refresh)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        idp_client.get_user(AccessToken=user.token)
    assert _refresh(stack, idp_client, other["RefreshToken"])["AccessToken"]
    idp_client.revoke_token(ClientId=stack.ids["client_id"], Token="not-a-token")  # RFC 7009


def test_global_sign_out_revokes_every_refresh_token(stack: Any, idp_client: Any,
                                                     make_user: Any) -> None:
    user: User = make_user()
    other = _srp(stack, idp_client, user.email, PASSWORD)
    idp_client.global_sign_out(AccessToken=user.token)
    for refresh_token in (user.refresh, other["RefreshToken"]):
        with pytest.raises(idp_client.exceptions.NotAuthorizedException):
            _refresh(stack, idp_client, refresh_token)
    assert _srp(stack, idp_client, user.email, PASSWORD)["AccessToken"]  # signs in again


def test_forgot_password_for_an_unknown_user_looks_like_success_and_mails_nothing(
        stack: Any, idp_client: Any, make_user: Any) -> None:
    nobody = _email("nobody")
    result = idp_client.forgot_password(ClientId=stack.ids["client_id"], Username=nobody)
    details = result["CodeDeliveryDetails"]
    assert details == {"Destination": "n***@e***", "DeliveryMedium": "EMAIL",
                       "AttributeName": "email"}
    user: User = make_user()
    real = idp_client.forgot_password(ClientId=stack.ids["client_id"], Username=user.email)
    assert real["CodeDeliveryDetails"]["Destination"] == "u***@e***"  # the same shape
    assert not [m for m in read_outbox(stack.outbox) if m["To"] == nobody]
    with pytest.raises(idp_client.exceptions.CodeMismatchException):
        idp_client.confirm_forgot_password(ClientId=stack.ids["client_id"], Username=nobody,
                                           ConfirmationCode="123456", Password=PASSWORD)


def test_an_unconfirmed_user_cannot_sign_in(stack: Any, idp_client: Any) -> None:
    email = _email("unconfirmed")
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": email}])
    with pytest.raises(idp_client.exceptions.UserNotConfirmedException):
        _srp(stack, idp_client, email, PASSWORD)


def test_an_unknown_user_gets_incorrect_username_or_password(stack: Any,
                                                             idp_client: Any) -> None:
    nobody = _email("nobody")
    with pytest.raises(idp_client.exceptions.NotAuthorizedException) as err:
        _srp(stack, idp_client, nobody, PASSWORD)
    assert err.value.response["Error"]["Message"] == "Incorrect username or password."

    def challenge() -> dict[str, str]:
        params: dict[str, str] = idp_client.initiate_auth(
            ClientId=stack.ids["client_id"], AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": nobody, "SRP_A": "abcdef0123"})["ChallengeParameters"]
        return params

    first, second = challenge(), challenge()  # simulated like Cognito: stable per username
    assert first["SALT"] == second["SALT"] and first["USER_ID_FOR_SRP"] == second[
        "USER_ID_FOR_SRP"]
    assert first["SRP_B"] != second["SRP_B"]


def test_signing_up_an_existing_email_is_username_exists(stack: Any, idp_client: Any,
                                                         make_user: Any) -> None:
    user: User = make_user()
    with pytest.raises(idp_client.exceptions.UsernameExistsException):
        idp_client.sign_up(ClientId=stack.ids["client_id"], Username=user.email,
                           Password=PASSWORD, UserAttributes=[{"Name": "email",
                                                               "Value": user.email}])


def test_confirmation_codes_mismatch_and_expire(stack: Any, stack_clock: OffsetClock,
                                                idp_client: Any) -> None:
    email = _email("expiry")
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": email}])
    code = confirmation_code(stack.outbox, email)
    with pytest.raises(idp_client.exceptions.CodeMismatchException):
        idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                   ConfirmationCode=f"{(int(code) + 1) % 1_000_000:06d}")
    rules = stack.cognito.rules
    assert rules.code_seconds == 24 * 3600
    stack.cognito.rules = dataclasses.replace(rules, code_seconds=2)  # 24 h, compressed
    try:
        stack_clock.advance(timedelta(seconds=3))
        with pytest.raises(idp_client.exceptions.ExpiredCodeException):
            idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                       ConfirmationCode=code)
    finally:
        stack.cognito.rules = rules
    idp_client.resend_confirmation_code(ClientId=stack.ids["client_id"], Username=email)
    fresh = confirmation_code(stack.outbox, email)
    idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                               ConfirmationCode=fresh)
    assert _srp(stack, idp_client, email, PASSWORD)["AccessToken"]


def test_five_wrong_passwords_lock_the_user_out_for_a_while(
        stack: Any, stack_clock: OffsetClock, idp_once: Any, make_user: Any) -> None:
    idp_client = idp_once
    user: User = make_user()
    for _ in range(5):
        with pytest.raises(idp_client.exceptions.NotAuthorizedException):
            _srp(stack, idp_client, user.email, "Wrong-Horse-42")
    with pytest.raises(idp_client.exceptions.LimitExceededException) as err:
        _srp(stack, idp_client, user.email, PASSWORD)  # even the right one, for now
    assert "try after some time" in err.value.response["Error"]["Message"]
    other: User = make_user()  # others are not affected
    assert _srp(stack, idp_client, other.email, PASSWORD)["AccessToken"]
    stack_clock.advance(timedelta(minutes=15, seconds=1))
    assert _srp(stack, idp_client, user.email, PASSWORD)["AccessToken"]


def test_five_wrong_codes_lock_confirmation_for_a_while(stack: Any, idp_once: Any) -> None:
    idp_client = idp_once
    email = _email("codes")
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": email}])
    code = confirmation_code(stack.outbox, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(idp_client.exceptions.CodeMismatchException):
            idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                       ConfirmationCode=wrong)
    with pytest.raises(idp_client.exceptions.LimitExceededException):
        idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                   ConfirmationCode=code)


# --------------------------------------------------------------------------
# A4–A6: the account endpoints


def _items(stack: Any, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = stack.client("dynamodb").query(
        TableName=stack.ids["table"], KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]
    return items


def test_delete_account_removes_the_data_the_user_and_every_token(
        stack: Any, stack_clock: OffsetClock, idp_client: Any, make_user: Any,
        http: requests.Session) -> None:
    user: User = make_user()
    h = user.headers
    assert http.put(f"{stack.url}/me/settings", json={"timezone": "Europe/Berlin"},
                    headers=h).status_code == 200
    assert http.put(f"{stack.url}/calendars/work", json={"id": "work", "name": "Work"},
                    headers={**h, **CREATE}).status_code == 201
    events = [event_body() for _ in range(30)]
    assert http.post(f"{stack.url}/events/batch", json={"events": events},
                     headers=h).status_code == 200
    assert len(_items(stack, f"USER#{user.sub}")) == 32
    r = http.delete(f"{stack.url}/me", headers=h)  # even a token of this very second dies
    assert r.status_code == 204 and r.content == b""
    assert _items(stack, f"USER#{user.sub}") == []  # the data is gone from the server
    assert len(_items(stack, f"REVOKED#{user.sub}")) == 1
    r = http.get(f"{stack.url}/sync", headers=h)
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["detail"] == "the session was signed out; sign in again"
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _refresh(stack, idp_client, user.refresh)  # never a 500
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _srp(stack, idp_client, user.email, PASSWORD)
    admin = stack.client("cognito-idp")
    with pytest.raises(admin.exceptions.UserNotFoundException):
        admin.admin_get_user(UserPoolId=stack.ids["user_pool_id"], Username=user.sub)
    assert user.sub not in json.loads(
        (stack.data_dir / "cognito-local.json").read_text("utf-8"))["verifiers"]


def test_the_same_email_can_sign_up_again_after_deletion(
        stack: Any, stack_clock: OffsetClock, idp_client: Any, make_user: Any,
        http: requests.Session) -> None:
    user: User = make_user()
    assert http.delete(f"{stack.url}/me", headers=user.headers).status_code == 204
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=user.email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": user.email}])
    idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=user.email,
                               ConfirmationCode=confirmation_code(stack.outbox, user.email))
    token = _srp(stack, idp_client, user.email, PASSWORD)["AccessToken"]
    assert _claims(token)["sub"] != user.sub
    page = http.get(f"{stack.url}/sync", headers={"Authorization": f"Bearer {token}"}).json()
    assert page["events"] == [] and page["calendars"] == []


def test_sign_out_everywhere_refuses_old_tokens_and_refreshes_but_not_a_new_sign_in(
        stack: Any, stack_clock: OffsetClock, idp_client: Any, make_user: Any,
        http: requests.Session) -> None:
    user: User = make_user()
    second = _srp(stack, idp_client, user.email, PASSWORD)  # another desktop
    stack_clock.advance(timedelta(seconds=1))
    assert http.post(f"{stack.url}/me/signout", headers=user.headers).status_code == 204
    for token in (user.token, second["AccessToken"]):
        r = http.get(f"{stack.url}/calendars", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
        assert r.json()["detail"] == "the session was signed out; sign in again"
    for refresh_token in (user.refresh, second["RefreshToken"]):
        with pytest.raises(idp_client.exceptions.NotAuthorizedException):
            _refresh(stack, idp_client, refresh_token)
    fresh = _srp(stack, idp_client, user.email, PASSWORD)["AccessToken"]
    assert http.get(f"{stack.url}/calendars",
                    headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
