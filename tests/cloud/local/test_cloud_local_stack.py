"""End to end over HTTP against the local stack on 127.0.0.1 (an ephemeral port)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from pycognito.aws_srp import AWSSRP

from tests.helpers.clocks import OffsetClock
from tests.helpers.cloud import User, confirmation_code, event_body, read_outbox

pytestmark = pytest.mark.e2e
CREATE = {"If-None-Match": "*"}


def test_config_names_the_pool_client_and_local_cognito(stack: Any, http: requests.Session
                                                        ) -> None:
    cfg = http.get(f"{stack.url}/config").json()
    assert cfg["user_pool_id"] == stack.ids["user_pool_id"]
    assert cfg["client_id"] == stack.ids["client_id"]
    assert cfg["cognito_endpoint"] == stack.url
    assert http.get(f"{stack.url}/openapi.json").json()["openapi"] == "3.1.0"


def test_sign_up_confirm_with_the_mailed_code_and_sign_in_with_srp(
        stack: Any, idp_client: Any, make_user: Any, http: requests.Session) -> None:
    user: User = make_user()
    me = http.get(f"{stack.url}/me/settings", headers=user.headers)
    assert me.status_code == 200


def test_only_the_mailed_code_confirms(stack: Any, idp_client: Any) -> None:
    email = f"code-{uuid.uuid4().hex[:8]}@example.com"
    idp_client.sign_up(ClientId=stack.ids["client_id"], Username=email,
                       Password="Correct-Horse-42",
                       UserAttributes=[{"Name": "email", "Value": email}])
    code = confirmation_code(stack.outbox, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(idp_client.exceptions.CodeMismatchException):
        idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                                   ConfirmationCode=wrong)
    idp_client.confirm_sign_up(ClientId=stack.ids["client_id"], Username=email,
                               ConfirmationCode=code)


def test_a_wrong_password_is_rejected(stack: Any, idp_client: Any, make_user: Any) -> None:
    user: User = make_user()
    srp = AWSSRP(username=user.email, password="Wrong-Horse-42",
                 pool_id=stack.ids["user_pool_id"], client_id=stack.ids["client_id"],
                 client=idp_client)
    with pytest.raises(idp_client.exceptions.NotAuthorizedException):
        srp.authenticate_user()


def test_flows_the_client_does_not_allow_are_refused(stack: Any, idp_client: Any,
                                                     make_user: Any) -> None:
    user: User = make_user()
    with pytest.raises(idp_client.exceptions.InvalidParameterException):
        idp_client.initiate_auth(ClientId=stack.ids["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": user.email,
                                                 "PASSWORD": user.password})


def test_event_life_cycle_over_http(stack: Any, make_user: Any, http: requests.Session) -> None:
    user: User = make_user()
    h = user.headers
    body = event_body(title="Dentist")
    url = f"{stack.url}/events/{body['id']}"
    r = http.put(url, json=body, headers={**h, **CREATE})
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    assert http.get(url, headers=h).json()["title"] == "Dentist"
    listed = http.get(f"{stack.url}/events", headers=h,
                      params={"from": "2026-11-25", "to": "2026-11-26", "tz": "Europe/Berlin"})
    assert [o["event"]["id"] for o in listed.json()["occurrences"]] == [body["id"]]
    cursor = http.get(f"{stack.url}/sync", headers=h).json()["cursor"]
    assert http.put(url, json={**body, "title": "Dentist 10:00"},
                    headers={**h, "If-Match": '"1"'}).status_code == 200
    stale = http.put(url, json={**body, "title": "stale"}, headers={**h, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"
    assert stale.json()["current"]["title"] == "Dentist 10:00"
    assert http.delete(url, headers={**h, "If-Match": '"2"'}).status_code == 204
    page = http.get(f"{stack.url}/sync", headers=h, params={"cursor": cursor}).json()
    assert [(e["id"], e["deleted"]) for e in page["events"]] == [(body["id"], True)]


def test_user_b_can_neither_read_nor_overwrite_user_a(stack: Any, make_user: Any,
                                                      http: requests.Session) -> None:
    alice, bob = make_user(), make_user()
    body = event_body(title="Alice only")
    url = f"{stack.url}/events/{body['id']}"
    assert http.put(url, json=body, headers={**alice.headers, **CREATE}).status_code == 201
    assert http.get(url, headers=bob.headers).status_code == 404
    r = http.put(url, json={**body, "title": "Bob was here"},
                 headers={**bob.headers, "If-Match": "1"})
    assert r.status_code == 404 and "current" not in r.json()
    assert http.delete(url, headers=bob.headers).status_code == 404
    assert http.get(url, headers=alice.headers).json()["title"] == "Alice only"


def _stack_token(stack: Any, user: User, client_id: str, *, expires_in: int = 3600) -> str:
    """A token signed with the stack's own key (as if the stack had issued it)."""
    claims = jwt.decode(user.token, options={"verify_signature": False})
    now = int(stack.clock().timestamp())
    claims.update(client_id=client_id, iat=now, exp=now + expires_in)
    return str(stack.signer.sign(claims))


def test_expired_forged_and_wrong_client_tokens_are_401(stack: Any, make_user: Any,
                                                        http: requests.Session) -> None:
    user: User = make_user()
    url = f"{stack.url}/sync"
    assert http.get(url, headers=user.headers).status_code == 200
    expired = _stack_token(stack, user, stack.ids["client_id"], expires_in=-60)
    other_client = stack.client("cognito-idp").create_user_pool_client(
        UserPoolId=stack.ids["user_pool_id"], ClientName="someone-else")["UserPoolClient"]
    wrong_client = _stack_token(stack, user, other_client["ClientId"])
    claims = jwt.decode(user.token, options={"verify_signature": False})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})
    unsigned = jwt.encode(claims, "", algorithm="none")
    wrong_issuer = jwt.encode({**claims, "iss": "https://evil.example"}, key, algorithm="RS256",
                              headers={"kid": "dummy"})
    for token in (expired, wrong_client, forged, unsigned, wrong_issuer, "garbage", ""):
        r = http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
        assert r.headers["Content-Type"] == "application/problem+json"
    assert http.get(url).status_code == 401


def test_hostile_input_over_http_is_4xx_problem_json(stack: Any, make_user: Any,
                                                     http: requests.Session) -> None:
    user: User = make_user()
    eid = str(uuid.uuid4())
    url = f"{stack.url}/events/{eid}"
    cases = [
        http.put(url, data=b"{nope", headers={**user.headers, **CREATE}),
        http.put(url, data=b"\xff\xfe\x00garbage", headers={**user.headers, **CREATE}),
        http.put(url, data=b"x" * (300 * 1024), headers={**user.headers, **CREATE}),
        http.put(url, json=event_body(eid, title="t" * 10_000), headers={**user.headers,
                                                                         **CREATE}),
        http.put(url, json=event_body(eid, start="99999-01-01T00:00:00+00:00"),
                 headers={**user.headers, **CREATE}),
        http.get(f"{stack.url}/events", params={"from": "0", "to": "1"}, headers=user.headers),
        http.get(f"{stack.url}/sync", params={"limit": "1e9"}, headers=user.headers),
        http.get(f"{stack.url}/nowhere", headers=user.headers),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
        assert r.headers["Content-Type"] == "application/problem+json"
    assert cases[2].status_code == 413


def test_an_email_reminder_due_in_a_minute_is_sent_once_even_with_two_runs(
        stack: Any, stack_clock: OffsetClock, make_user: Any, http: requests.Session) -> None:
    user: User = make_user()
    http.put(f"{stack.url}/me/settings", json={"timezone": "Europe/Paris"}, headers=user.headers)
    now = stack_clock()
    start = (now + timedelta(minutes=11)).replace(second=0, microsecond=0)
    title = f"<b>Call</b> & {uuid.uuid4().hex[:6]}"
    body = event_body(title=title, start=start.isoformat(),
                      end=(start + timedelta(minutes=30)).isoformat(), timezone="UTC",
                      reminders=[{"minutes_before": 10, "channel": "email"}])
    assert http.put(f"{stack.url}/events/{body['id']}", json=body,
                    headers={**user.headers, **CREATE}).status_code == 201
    stack_clock.advance(timedelta(minutes=2))
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        stack.run_dispatcher()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    mails = [m for m in read_outbox(stack.outbox) if m["To"] == user.email
             and "Reminder" in m["Subject"]]
    assert len(mails) == 1
    html_part, text_part = mails[0].get_body(("html",)), mails[0].get_body(("plain",))
    assert html_part is not None and text_part is not None
    html = html_part.get_content()
    assert "&lt;b&gt;Call&lt;/b&gt; &amp;" in html and "<b>Call</b>" not in html
    assert "(Europe/Paris)" in text_part.get_content()
    ses = stack.client("ses")
    assert ses.get_send_quota()["SentLast24Hours"] >= 1


class _Cli:
    """``aurora-cloud local`` in a subprocess (its own moto), stopped with Ctrl+C."""

    def __init__(self, data_dir: Path, *extra: str) -> None:
        import socket
        import subprocess
        import sys

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aurora_cloud", "local", "--port", str(self.port),
             "--data-dir", str(data_dir), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        assert self.proc.stdout is not None
        self.first_line = self.proc.stdout.readline()
        deadline = time.monotonic() + 60
        while True:
            try:
                self.config = requests.get(f"{self.url}/config", timeout=5).json()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self) -> str:
        import signal

        self.proc.send_signal(signal.SIGINT)
        out, _ = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, out
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _sign_in_result(url: str, cfg: dict[str, str], email: str, password: str
                    ) -> dict[str, Any]:
    idp = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
    result = AWSSRP(username=email, password=password, pool_id=cfg["user_pool_id"],
                    client_id=cfg["client_id"], client=idp).authenticate_user()
    auth: dict[str, Any] = result["AuthenticationResult"]
    return auth


def _sign_in(url: str, cfg: dict[str, str], email: str, password: str) -> str:
    return str(_sign_in_result(url, cfg, email, password)["AccessToken"])


def _kid(url: str, cfg: dict[str, str]) -> str:
    jwks = requests.get(f"{url}/{cfg['user_pool_id']}/.well-known/jwks.json", timeout=5).json()
    [key] = jwks["keys"]
    return str(key["kid"])


@pytest.mark.slow
def test_the_cli_serves_stops_on_ctrl_c_and_data_survives_a_restart(
        tmp_path: Path, http: requests.Session) -> None:
    email, password = "restart@example.com", "Correct-Horse-42"
    first = _Cli(tmp_path, "--token-seconds", "300")
    try:
        assert first.url in first.first_line
        cfg = first.config
        idp = boto3.client("cognito-idp", endpoint_url=cfg["cognito_endpoint"],
                           region_name="us-east-1")
        idp.sign_up(ClientId=cfg["client_id"], Username=email, Password=password,
                    UserAttributes=[{"Name": "email", "Value": email}])
        idp.confirm_sign_up(ClientId=cfg["client_id"], Username=email,
                            ConfirmationCode=confirmation_code(tmp_path / "outbox", email))
        auth = _sign_in_result(first.url, cfg, email, password)
        token = auth["AccessToken"]
        claims = jwt.decode(token, options={"verify_signature": False})
        assert auth["ExpiresIn"] == 300 and claims["exp"] - claims["iat"] == 300
        kid = _kid(first.url, cfg)
        assert jwt.get_unverified_header(token)["kid"] == kid
        body = event_body(title="kept")
        assert http.put(f"{first.url}/events/{body['id']}", json=body, headers={
            "Authorization": f"Bearer {token}", **CREATE}).status_code == 201
        assert "stopped" in first.stop()
    finally:
        first.kill()
    second = _Cli(tmp_path)
    try:
        same = ("user_pool_id", "client_id", "region")
        assert {k: second.config[k] for k in same} == {k: cfg[k] for k in same}
        assert _kid(second.url, cfg) == kid  # the same key, reused
        assert http.get(f"{second.url}/sync", headers={  # the old token still works
            "Authorization": f"Bearer {token}"}).status_code == 200
        idp = boto3.client("cognito-idp", endpoint_url=second.url, region_name="us-east-1")
        assert idp.get_user(AccessToken=token)["Username"] == claims["sub"]  # map kept
        assert _sign_in_result(second.url, cfg, email, password)["ExpiresIn"] == 3600
        token = _sign_in(second.url, cfg, email, password)
        r = http.get(f"{second.url}/events/{body['id']}",
                     headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["title"] == "kept"
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            _sign_in(second.url, cfg, email, "Wrong-Horse-42")
        second.stop()
    finally:
        second.kill()
