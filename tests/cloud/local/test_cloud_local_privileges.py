"""The local stack hands out no privileges AWS would not: Cognito's admin and
pool-management calls need IAM credentials in AWS, so the stack's one URL refuses
them, and moto's own port (which would answer anything) serves only the stack."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.helpers.cloud import User

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-42"


def _sign_in(stack: Any, idp: Any, email: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = AWSSRP(
        username=email, password=password, pool_id=stack.ids["user_pool_id"],
        client_id=stack.ids["client_id"], client=idp).authenticate_user()
    return result["AuthenticationResult"]


def _refused(call: Any) -> str:
    with pytest.raises(ClientError) as info:
        call()
    return str(info.value.response["Error"]["Code"])


def test_admin_and_pool_management_calls_are_refused_on_the_stacks_url(
        stack: Any, idp_client: Any, make_user: Any) -> None:
    victim: User = make_user()
    pool = stack.ids["user_pool_id"]
    calls = {
        "ListUsers": lambda: idp_client.list_users(UserPoolId=pool),
        "AdminGetUser": lambda: idp_client.admin_get_user(UserPoolId=pool,
                                                          Username=victim.email),
        "AdminSetUserPassword": lambda: idp_client.admin_set_user_password(
            UserPoolId=pool, Username=victim.email, Password="Taken-Over-99", Permanent=True),
        "AdminDeleteUser": lambda: idp_client.admin_delete_user(UserPoolId=pool,
                                                                Username=victim.email),
        "AdminUserGlobalSignOut": lambda: idp_client.admin_user_global_sign_out(
            UserPoolId=pool, Username=victim.email),
        "CreateUserPool": lambda: idp_client.create_user_pool(PoolName="mine"),
        "DescribeUserPoolClient": lambda: idp_client.describe_user_pool_client(
            UserPoolId=pool, ClientId=stack.ids["client_id"]),
        "UpdateUserPoolClient": lambda: idp_client.update_user_pool_client(
            UserPoolId=pool, ClientId=stack.ids["client_id"],
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]),
    }
    for name, call in calls.items():
        assert _refused(call) == "UnrecognizedClientException", name
    assert _sign_in(stack, idp_client, victim.email, PASSWORD)["AccessToken"]  # untouched
    admin = stack.client("cognito-idp")  # the stack itself still may
    assert admin.admin_get_user(UserPoolId=pool, Username=victim.sub)["Enabled"]


def test_motos_port_serves_only_the_stack(stack: Any, make_user: Any) -> None:
    make_user()
    outsider = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x",
                             region_name="us-east-1")
    config = Config(retries={"max_attempts": 1})
    idp = outsider.client("cognito-idp", endpoint_url=stack.moto.url, config=config)
    ddb = outsider.client("dynamodb", endpoint_url=stack.moto.url, config=config)
    assert _refused(lambda: idp.list_users(UserPoolId=stack.ids["user_pool_id"])) == \
        "UnrecognizedClientException"
    assert _refused(lambda: ddb.scan(TableName=stack.ids["table"])) == \
        "UnrecognizedClientException"
    assert _refused(lambda: ddb.put_item(TableName=stack.ids["table"], Item={
        "PK": {"S": "USER#x"}, "SK": {"S": "x"}})) == "UnrecognizedClientException"
    # the stack's own clients carry the secret
    assert stack.client("dynamodb").describe_table(TableName=stack.ids["table"])["Table"]


def test_delete_user_with_an_access_token_works(stack: Any, idp_client: Any) -> None:
    """Cognito's own DeleteUser (not DELETE /me): the user and its tokens are gone."""
    email = f"self-delete-{uuid.uuid4().hex[:8]}@example.com"
    from tests.helpers.cloud import confirmation_code

    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": email}])
    idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                               ConfirmationCode=confirmation_code(stack.outbox, email))
    auth = _sign_in(stack, idp_client, email, PASSWORD)
    idp_client.delete_user(AccessToken=auth["AccessToken"])
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        idp_client.get_user(AccessToken=auth["AccessToken"])
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        idp_client.initiate_auth(ClientId=stack.ids["client_id"],
                                 AuthFlow="REFRESH_TOKEN_AUTH",
                                 AuthParameters={"REFRESH_TOKEN": auth["RefreshToken"]})
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        _sign_in(stack, idp_client, email, PASSWORD)


def test_revoke_token_answers_and_revokes(stack: Any, idp_client: Any,
                                          make_user: Any) -> None:
    user: User = make_user()
    idp_client.revoke_token(ClientId=stack.ids["client_id"], Token=user.refresh)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        idp_client.initiate_auth(ClientId=stack.ids["client_id"],
                                 AuthFlow="REFRESH_TOKEN_AUTH",
                                 AuthParameters={"REFRESH_TOKEN": user.refresh})
