"""Fixtures for the backend: moto in process, and the local stack on 127.0.0.1.

Nothing here can reach AWS: credentials are dummies, no profile or config
file is read, and every endpoint is 127.0.0.1 (or moto's in-process mock).
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
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
from moto import mock_aws  # noqa: E402

from aurora_cloud.api.app import ApiApp  # noqa: E402
from aurora_cloud.local.template import Template  # noqa: E402
from aurora_cloud.logic import Service  # noqa: E402
from aurora_cloud.reminders.dispatcher import Dispatcher  # noqa: E402
from aurora_cloud.storage import Storage  # noqa: E402
from aurora_core import wire  # noqa: E402


class Clock:
    """Real time plus an offset that tests move forward (never back)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self.pinned: datetime | None = None
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            if self.pinned is not None:
                return self.pinned
            return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        assert delta >= timedelta(0)
        with self._lock:
            if self.pinned is not None:
                self.pinned += delta
            self.offset += delta

    def pin(self, at: datetime) -> None:
        with self._lock:
            self.pinned = at


@dataclass
class Mailbox:
    """A Mailer that keeps messages in memory; ``fail`` makes the next sends raise."""

    sent: list[EmailMessage] = field(default_factory=list)
    fail: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, email: Any) -> None:
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise RuntimeError("SES is down")
            parsed = BytesParser(policy=policy.default).parsebytes(email.to_bytes())
            assert isinstance(parsed, EmailMessage)
            self.sent.append(parsed)


@dataclass
class Directory:
    emails: dict[str, str] = field(default_factory=dict)

    def email_of(self, sub: str) -> str | None:
        return self.emails.get(sub, f"{sub}@example.com")


@dataclass
class InProcess:
    """The API and dispatcher over moto's in-process DynamoDB."""

    api: ApiApp
    storage: Storage
    clock: Clock
    mailbox: Mailbox
    dispatcher: Dispatcher

    def call(self, method: str, path: str, body: Any = None, *, sub: str | None = "alice",
             headers: dict[str, str] | None = None, query: dict[str, str] | None = None,
             raw: str | None = None) -> tuple[int, dict[str, str], Any]:
        """Call the handler with an HTTP API payload 2.0 event; returns (status, headers, json)."""
        ctx: dict[str, Any] = {"http": {"method": method, "path": path,
                                        "sourceIp": "127.0.0.1"},
                               "requestId": str(uuid.uuid4()), "stage": "$default"}
        if sub is not None:
            ctx["authorizer"] = {"jwt": {"claims": {"sub": sub, "token_use": "access"}}}
        event = {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
                 "rawQueryString": "", "headers": {k.lower(): v for k, v in
                                                   (headers or {}).items()},
                 "queryStringParameters": query, "requestContext": ctx,
                 "body": raw if raw is not None else (
                     None if body is None else json.dumps(body)),
                 "isBase64Encoded": False}
        result = self.api.handle(event, None)
        text = result.get("body") or ""
        data = json.loads(text) if text else None
        return result["statusCode"], result.get("headers") or {}, data


def event_body(event_id: str | None = None, **over: Any) -> dict[str, Any]:
    eid = event_id or str(uuid.uuid4())
    body: dict[str, Any] = {
        "id": eid, "calendar_id": "work", "title": "Planning",
        "start": "2026-11-25T09:00:00+01:00", "end": "2026-11-25T10:00:00+01:00",
        "timezone": "Europe/Berlin",
    }
    body.update(over)
    return body


class Atomic:
    """A boto3 client whose calls run one at a time.

    DynamoDB applies each request atomically; moto's in-process mock does
    not (two threads can both pass one condition). The local stack's moto
    server serialises requests the same way.
    """

    _lock = threading.Lock()

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)
        return call


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inproc(clock: Clock) -> Iterator[InProcess]:
    # No reset and another region: the session's local stack (moto's server in this
    # process shares moto's backends) keeps its data while in-process tests run.
    mock = mock_aws()
    mock.start(reset=False)
    try:
        t = Template(region="eu-west-1", stack_name=f"t{uuid.uuid4().hex[:12]}")
        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        ddb.create_table(**t.create_table_args())
        storage = Storage(Atomic(ddb), t.table_name())
        config = wire.ServerConfig(region="us-east-1", user_pool_id="us-east-1_test",
                                   client_id="client")
        api = ApiApp(Service(storage, clock=clock, sync_settle=timedelta(0)), config,
                     metrics=False)
        mailbox = Mailbox()
        dispatcher = Dispatcher(storage, mailbox, Directory(), sender="reminders@aurora.example",
                                clock=clock, workers=4)
        yield InProcess(api, storage, clock, mailbox, dispatcher)
        ddb.delete_table(TableName=t.table_name())
    finally:
        mock.stop(remove_data=False)


# --------------------------------------------------------------------------
# The local stack (one per test session; tests use their own users)


@pytest.fixture(scope="session")
def stack_clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_clock: Clock) -> Iterator[Any]:
    from aurora_cloud.local.stack import LocalStack

    s = LocalStack(tmp_path_factory.mktemp("aurora-local"), clock=stack_clock, schedule=False,
                   rate=0, sync_settle_seconds=0)
    s.start()
    yield s
    s.stop()


def read_outbox(folder: Path) -> list[EmailMessage]:
    out = []
    for path in sorted(folder.glob("*.eml")):
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


@dataclass
class User:
    email: str
    password: str
    token: str
    sub: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


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
        return User(email, password, access, sub)

    return make


def confirmation_code(outbox: Path, email: str) -> str:
    codes = [m for m in read_outbox(outbox) if m["To"] == email and "code" in m["Subject"]]
    assert codes, f"no confirmation email for {email}"
    body = codes[-1].get_body(("plain",))
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body.get_content())
    assert match
    return match.group(1)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never a proxy, never ~/.netrc
        yield session
