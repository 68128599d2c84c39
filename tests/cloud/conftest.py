"""Fixtures for the backend: moto in process, and the local stack on 127.0.0.1.

Nothing here can reach AWS: credentials are dummies, no profile or config
file is read, and every endpoint is 127.0.0.1 (or moto's in-process mock).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "POWERTOOLS_TRACE_DISABLED": "true",
})
os.environ.pop("AWS_PROFILE", None)
for _name in ("NO_PROXY", "no_proxy"):
    os.environ[_name] = ",".join(
        [p for p in os.environ.get(_name, "").split(",") if p] + ["127.0.0.1", "localhost"])

import boto3  # noqa: E402
import requests  # noqa: E402

from aurora_cloud.api.app import ApiApp  # noqa: E402
from aurora_cloud.logic import Service  # noqa: E402
from aurora_cloud.reminders.dispatcher import Dispatcher  # noqa: E402
from aurora_cloud.storage import Storage  # noqa: E402
from aurora_core import wire  # noqa: E402
from tests.helpers.clocks import OffsetClock  # noqa: E402
from tests.helpers.cloud import (  # noqa: E402
    Atomic,
    Directory,
    FakeAccounts,
    InProcess,
    Mailbox,
    User,
    confirmation_code,
    moto_table,
)


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture
def inproc(clock: OffsetClock) -> Iterator[InProcess]:
    # Another region: the session's local stack keeps its data while in-process tests run.
    with moto_table("eu-west-1") as (ddb, t):
        storage = Storage(Atomic(ddb), t.table_name())
        config = wire.ServerConfig(
            region="us-east-1", user_pool_id="us-east-1_test", client_id="client",
            cognito_endpoint="https://cognito-idp.us-east-1.amazonaws.com",
            password_policy=t.password_policy())
        accounts = FakeAccounts()
        api = ApiApp(Service(storage, clock=clock, sync_settle=timedelta(0), accounts=accounts),
                     config, metrics=False)
        mailbox = Mailbox()
        dispatcher = Dispatcher(storage, mailbox, Directory(), sender="reminders@aurora.example",
                                clock=clock, workers=4)
        yield InProcess(api, storage, clock, mailbox, dispatcher, accounts)


# --------------------------------------------------------------------------
# The local stack (one per test session; tests use their own users)


@pytest.fixture(scope="session")
def stack_clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_clock: OffsetClock) -> Iterator[Any]:
    from aurora_cloud.local.stack import LocalStack

    s = LocalStack(tmp_path_factory.mktemp("aurora-local"), clock=stack_clock, schedule=False,
                   rate=0, sync_settle_seconds=0)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def idp_client(stack: Any) -> Any:
    return boto3.client("cognito-idp", endpoint_url=stack.url, region_name="us-east-1")


@pytest.fixture(scope="session")
def make_user(stack: Any, idp_client: Any) -> Callable[[], User]:
    """Sign a new user up, confirm with the code from the outbox, sign in with SRP."""
    from pycognito.aws_srp import AWSSRP

    def make() -> User:
        email = f"user-{uuid.uuid4().hex[:10]}@example.com"
        password = "Correct-Horse-42"
        idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email, Password=password,
                           UserAttributes=[{"Name": "email", "Value": email}])
        code = confirmation_code(stack.outbox, email)
        idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                   ConfirmationCode=code)
        tokens = AWSSRP(username=email, password=password, pool_id=stack.ids["user_pool_id"],
                        client_id=stack.ids["client_id"], client=idp_client).authenticate_user()
        access = tokens["AuthenticationResult"]["AccessToken"]
        sub = idp_client.get_user(AccessToken=access)["Username"]
        return User(email, password, access, sub, tokens["AuthenticationResult"]["RefreshToken"])

    return make


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never a proxy, never ~/.netrc
        yield session
