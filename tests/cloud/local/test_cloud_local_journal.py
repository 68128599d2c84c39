"""An answered write survives kill -9 of the local stack (aurora_cloud.local.moto_state):
DynamoDB writes through the journal, Cognito changes through the Cognito save."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from pycognito.aws_srp import AWSSRP

from aurora_cloud.local import moto_state
from aurora_cloud.local.moto_state import Journal, journal_generation, read_journal
from tests.helpers.cloud import confirmation_code, event_body

CREATE = {"If-None-Match": "*"}
PASSWORD = "Correct-Horse-42"


class _Cli:
    """``aurora-cloud local`` in a subprocess on an ephemeral 127.0.0.1 port."""

    def __init__(self, data_dir: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aurora_cloud", "local", "--port", str(port),
             "--data-dir", str(data_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.config = requests.get(f"{self.url}/config", timeout=5).json()
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.kill9()
                    raise
                time.sleep(0.1)

    def kill9(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.mark.slow
def test_200_answered_writes_survive_kill_9(tmp_path: Path) -> None:
    http = requests.Session()
    http.trust_env = False
    email = "kill9@example.com"
    first = _Cli(tmp_path)
    try:
        cfg = first.config
        idp = boto3.client("cognito-idp", endpoint_url=first.url, region_name="us-east-1")
        idp.sign_up(ClientId=cfg["client_id"], Username=email, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": email}])
        idp.confirm_sign_up(ClientId=cfg["client_id"], Username=email,
                            ConfirmationCode=confirmation_code(tmp_path / "outbox", email))
        auth = AWSSRP(username=email, password=PASSWORD, pool_id=cfg["user_pool_id"],
                      client_id=cfg["client_id"], client=idp).authenticate_user()
        token = auth["AuthenticationResult"]["AccessToken"]
        refresh = auth["AuthenticationResult"]["RefreshToken"]
        headers = {"Authorization": f"Bearer {token}"}
        ids = []
        for i in range(200):
            body = event_body(title=f"write {i}")
            r = http.put(f"{first.url}/events/{body['id']}", json=body,
                         headers={**headers, **CREATE})
            assert r.status_code == 201, r.text  # answered: it must survive
            ids.append(body["id"])
    finally:
        first.kill9()  # no snapshot: whatever was not kept before each answer is gone
    second = _Cli(tmp_path)
    try:
        there: set[str] = set()
        cursor = None
        while True:  # a full /sync (a few requests: the per-user limit is not in play)
            r = http.get(f"{second.url}/sync", headers=headers,
                         params={"limit": "1000", **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200, r.text
            page = r.json()
            there |= {e["id"] for e in page["events"] if not e.get("deleted")}
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        missing = [i for i in ids if i not in there]
        assert missing == [], f"{len(missing)} of 200 answered writes lost"
        idp = boto3.client("cognito-idp", endpoint_url=second.url, region_name="us-east-1")
        assert idp.get_user(AccessToken=token)["Username"]  # the user and its token
        again = idp.initiate_auth(ClientId=cfg["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": refresh})
        assert again["AuthenticationResult"]["AccessToken"]  # the refresh token too
        assert not list(tmp_path.glob("moto-journal.*.log"))[1:], \
            "the replayed journals are folded into a snapshot at start"
    finally:
        second.kill9()


def test_a_torn_last_record_is_dropped_and_the_rest_replays(tmp_path: Path) -> None:
    journal = Journal(tmp_path, 3)
    journal.append({"x-amz-target": "DynamoDB_20120810.PutItem"}, b'{"a": 1}')
    journal.append({"x-amz-target": "DynamoDB_20120810.PutItem"}, b'{"a": 2}')
    journal.close()
    data = journal.path.read_bytes()
    journal.path.write_bytes(data[:-3])  # the crash came inside the second write
    records = read_journal(journal.path)
    assert records == [({"x-amz-target": "DynamoDB_20120810.PutItem"}, b'{"a": 1}')]
    assert journal_generation(journal.path) == 3


def test_only_answered_state_changes_are_kept() -> None:
    assert moto_state.write_kind("DynamoDB_20120810.TransactWriteItems") == "dynamodb"
    assert moto_state.write_kind("DynamoDB_20120810.Query") is None
    assert moto_state.write_kind("AWSCognitoIdentityProviderService.SignUp") == "cognito"
    assert moto_state.write_kind("AWSCognitoIdentityProviderService.GetUser") is None
    assert moto_state.write_kind("") is None


def test_a_snapshot_folds_the_journal_in_and_a_restart_replays_the_rest(
        tmp_path: Path) -> None:
    """In process (a region of its own): writes after the last snapshot come back from
    the journal alone; the snapshot deleted the journal it folded in."""
    from moto.backends import get_backend

    from aurora_cloud.local.moto_state import MotoServer
    from aurora_cloud.local.template import Template

    region = "ap-southeast-2"
    table = Template(region=region).create_table_args()

    def client(server: MotoServer) -> Any:
        ddb = boto3.client("dynamodb", endpoint_url=server.url, region_name=region,
                           aws_access_key_id="local", aws_secret_access_key="local")
        server.add_secret(ddb.meta.events)
        return ddb

    def put(ddb: Any, i: int) -> None:
        ddb.put_item(TableName=table["TableName"], Item={"PK": {"S": f"T#{i}"},
                                                         "SK": {"S": "x"}})

    first = MotoServer(region=region, fsync=False)
    assert first.restore(tmp_path) is False
    first.start()
    try:
        ddb = client(first)
        ddb.create_table(**table)
        for i in range(5):
            put(ddb, i)
        first.snapshot(tmp_path)
        [journal] = tmp_path.glob("moto-journal.*.log")  # the older one is gone
        assert read_journal(journal) == []
        for i in range(5, 8):
            put(ddb, i)
        assert len(read_journal(journal)) == 3
    finally:
        first.stop()  # no snapshot, as in a crash
    get_backend("dynamodb")["123456789012"].pop(region, None)  # a fresh process
    second = MotoServer(region=region, fsync=False)
    assert second.restore(tmp_path) is True
    assert second.replayed == 3
    second.start()
    try:
        count = client(second).scan(TableName=table["TableName"], Select="COUNT")["Count"]
        assert count == 8
        assert len(list(tmp_path.glob("moto-journal.*.log"))) == 1  # folded in at start
    finally:
        second.stop()
        get_backend("dynamodb")["123456789012"].pop(region, None)


def test_the_cost_figure_stays_honest_about_fsync(tmp_path: Path) -> None:
    """fsync=False still writes each record before returning (survives kill -9)."""
    journal = Journal(tmp_path, 1, fsync=False)
    journal.append({"x-amz-target": "DynamoDB_20120810.PutItem"}, b"{}")
    journal.sync()
    assert os.path.getsize(journal.path) > 0  # in the file, not in a user-space buffer
    journal.close()
