"""Helpers shared by the backend tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aurora_cloud.api.app import ApiApp
from aurora_cloud.reminders.dispatcher import Dispatcher
from aurora_cloud.storage import Storage
from tests.helpers.clocks import OffsetClock


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
class FakeAccounts:
    """The user directory (Cognito admin calls), recorded."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def sign_out_everywhere(self, username: str) -> None:
        self.calls.append(("sign_out_everywhere", username))

    def delete_user(self, username: str) -> None:
        self.calls.append(("delete_user", username))


@dataclass
class InProcess:
    """The API and dispatcher over moto's in-process DynamoDB."""

    api: ApiApp
    storage: Storage
    clock: OffsetClock
    mailbox: Mailbox
    dispatcher: Dispatcher
    accounts: FakeAccounts

    def call(self, method: str, path: str, body: Any = None, *, sub: str | None = "alice",
             headers: dict[str, str] | None = None, query: dict[str, str] | None = None,
             raw: str | None = None, iat: float | None = None
             ) -> tuple[int, dict[str, str], Any]:
        """Call the handler with an HTTP API payload 2.0 event; returns (status, headers, json).

        The token's ``iat`` is the clock's now unless given (as API Gateway hands
        claims over: strings)."""
        ctx: dict[str, Any] = {"http": {"method": method, "path": path,
                                        "sourceIp": "127.0.0.1"},
                               "requestId": str(uuid.uuid4()), "stage": "$default"}
        if sub is not None:
            issued = int(self.clock().timestamp()) if iat is None else int(iat)
            ctx["authorizer"] = {"jwt": {"claims": {
                "sub": sub, "token_use": "access", "username": sub, "iat": str(issued)}}}
        event = {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path,
                 "rawQueryString": "", "headers": {k.lower(): v for k, v in
                                                   (headers or {}).items()},
                 "queryStringParameters": query, "requestContext": ctx,
                 "body": raw if raw is not None else (
                     None if body is None else json.dumps(body)),
                 "isBase64Encoded": False}
        result = self.api.handle(event, None)
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            raw = base64.b64decode(text)
            if (result.get("headers") or {}).get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            text = raw.decode("utf-8")
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
    refresh: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def confirmation_code(outbox: Path, email: str) -> str:
    codes = [m for m in read_outbox(outbox) if m["To"] == email and "code" in m["Subject"]]
    assert codes, f"no confirmation email for {email}"
    body = codes[-1].get_body(("plain",))
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body.get_content())
    assert match
    return match.group(1)


@contextlib.contextmanager
def moto_table(region: str, prefix: str = "t", *, drop: bool = True) -> Iterator[tuple[Any, Any]]:
    """A table shaped like ours (the template's) in moto, in this process: the DynamoDB
    client and the Template; the table is dropped after (``drop``). Moto starts without a
    reset and keeps its data when it stops: the session's local stack (moto's server in
    this process) shares moto's backends. Tests use a region of their own."""
    import boto3
    from moto import mock_aws

    from aurora_cloud.local.template import Template

    mock = mock_aws()
    mock.start(reset=False)
    try:
        t = Template(region=region, stack_name=f"{prefix}{uuid.uuid4().hex[:12]}")
        ddb = boto3.client("dynamodb", region_name=region)
        ddb.create_table(**t.create_table_args())
        yield ddb, t
        if drop:
            ddb.delete_table(TableName=t.table_name())
    finally:
        mock.stop(remove_data=False)
