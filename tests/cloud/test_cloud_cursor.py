"""The /sync cursor: signed, bound to its user, not re-stamped on partial pages, and tied
to the table's epoch (a restore from a backup answers 410 server_restored)."""

from __future__ import annotations

import os
import stat
import string
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from aurora_cloud.api.app import ApiApp
from aurora_cloud.cursor import Cursors, local_key, table_epoch
from aurora_cloud.logic import Service
from aurora_cloud.storage import Storage
from aurora_desktop.sync.client import ApiClient, SyncError
from tests.helpers.cloud import InProcess, event_body

CREATE = {"If-None-Match": "*"}


def _add(inproc: InProcess, n: int, sub: str = "alice") -> list[str]:
    ids = []
    for i in range(n):
        body = event_body(title=f"e{i}")
        assert inproc.call("PUT", f"/events/{body['id']}", body, headers=CREATE,
                           sub=sub)[0] == 201
        ids.append(body["id"])
    return ids


def _sync(inproc: InProcess, cursor: str | None = None, *, sub: str = "alice",
          limit: int = 500) -> tuple[int, Any]:
    query = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
    status, _, body = inproc.call("GET", "/sync", query=query, sub=sub)
    return status, body


def test_a_cursor_round_trips_and_any_edit_of_it_is_a_400(inproc: InProcess) -> None:
    _add(inproc, 2)
    status, page = _sync(inproc)
    cursor = page["cursor"]
    assert status == 200 and cursor.startswith("c2.") and len(cursor) <= 64
    assert _sync(inproc, cursor)[0] == 200
    alphabet = string.digits + string.ascii_letters + "._-"
    for i, ch in enumerate(cursor):
        other = alphabet[(alphabet.index(ch) + 1) % len(alphabet)]
        edited = cursor[:i] + other + cursor[i + 1:]
        status, problem = _sync(inproc, edited)
        assert status == 400, (i, edited, problem)
        assert problem["reason"] == "cursor" and "Traceback" not in str(problem)


def test_a_cursor_is_bound_to_its_user(inproc: InProcess) -> None:
    _add(inproc, 1, sub="alice")
    _add(inproc, 1, sub="bob")
    alices = _sync(inproc, sub="alice")[1]["cursor"]
    status, problem = _sync(inproc, alices, sub="bob")
    assert status == 400 and problem["reason"] == "cursor"


@pytest.mark.parametrize("cursor", ["c1.0.999999999999", "c1.1.9999999999999", "c1.0.0",
                                    "garbage", "c2." + "9" * 70, "c2.1.2.3.4", "\u00e9t\u00e9"])
def test_hand_made_and_old_unsigned_cursors_are_4xx_never_500(inproc: InProcess,
                                                              cursor: str) -> None:
    status, problem = _sync(inproc, cursor)
    assert status in (400, 410) and problem["status"] == status
    if cursor.startswith("c1.") and status == 410:  # issued before cursors were signed
        assert problem["reason"] == "horizon"


def test_the_unsigned_cursor_of_the_old_format_sends_a_desktop_to_a_full_resync(
        inproc: InProcess) -> None:
    status, problem = _sync(inproc, "c1.0.999999999999")
    assert status == 410 and problem["reason"] == "horizon"


def test_a_partial_page_does_not_restamp_the_cursor(inproc: InProcess) -> None:
    """A client caught up at T0 pulls one page of three at T0 + 29 days and stops; at
    T0 + 31 days its cursor is older than the horizon (tombstones it has not seen may
    be gone): 410, not a quiet continuation."""
    _add(inproc, 1)
    caught_up = _sync(inproc)[1]
    assert caught_up["has_more"] is False
    inproc.clock.advance(timedelta(days=29))
    _add(inproc, 6)
    status, partial = _sync(inproc, caught_up["cursor"], limit=2)
    assert status == 200 and partial["has_more"] is True
    inproc.clock.advance(timedelta(days=2))
    status, problem = _sync(inproc, partial["cursor"], limit=2)
    assert status == 410 and problem["reason"] == "horizon"


def test_the_last_page_moves_the_cursor_on(inproc: InProcess) -> None:
    _add(inproc, 5)
    cursor = None
    while True:  # a pull to the end, two changes a page
        status, page = _sync(inproc, cursor, limit=2)
        assert status == 200
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    inproc.clock.advance(timedelta(days=29))
    status, page = _sync(inproc, cursor)
    assert status == 200 and page["has_more"] is False
    inproc.clock.advance(timedelta(days=29))  # 58 days after the first, 29 after the last
    assert _sync(inproc, page["cursor"])[0] == 200


def _copy_table(client: Any, source: str, target: str, template_args: dict[str, Any]) -> None:
    """A restore from a backup: a new table with the items the backup had."""
    client.create_table(**{**template_args, "TableName": target})
    for page in client.get_paginator("scan").paginate(TableName=source):
        for item in page["Items"]:
            client.put_item(TableName=target, Item=item)


def test_a_table_restored_from_a_backup_answers_410_even_after_new_writes(
        inproc: InProcess) -> None:
    """The old check (cursor above the user's counter) misses a restore once new writes
    have pushed the counter past the cursor; the table's epoch does not."""
    from aurora_cloud.local.template import Template

    client, table = inproc.storage.client, inproc.storage.table
    key = os.urandom(32)
    service = inproc.api.service
    service.cursors = Cursors(key, table_epoch(client.describe_table(TableName=table)))
    _add(inproc, 2)
    backup = f"backup-{uuid.uuid4().hex[:8]}"
    args = Template(region="eu-west-1").create_table_args()
    _copy_table(client, table, backup, args)  # the backup: two events
    _add(inproc, 3)
    cursor = _sync(inproc)[1]["cursor"]  # this desktop has all five (seq 5)
    restored = f"restored-{uuid.uuid4().hex[:8]}"
    _copy_table(client, backup, restored, args)  # the operator restores the backup
    storage = Storage(client, restored)
    api = ApiApp(Service(storage, clock=inproc.clock, sync_settle=timedelta(0),
                         cursors=Cursors(key, table_epoch(
                             client.describe_table(TableName=restored)))),
                 inproc.api.config, metrics=False)
    inproc.api = api
    _add(inproc, 4)  # others write: the counter (6) passes the cursor (5)
    assert storage.counter("alice") > 5
    status, problem = _sync(inproc, cursor)
    assert status == 410 and problem["reason"] == "server_restored"
    assert _sync(inproc)[0] == 200  # a full resync works
    for name in (backup, restored):
        client.delete_table(TableName=name)


def test_the_epoch_follows_the_table_id_and_the_deployments_generation() -> None:
    a = {"Table": {"TableId": "5f0c…a", "TableArn": "arn:x", "CreationDateTime": 1}}
    b = {"Table": {"TableId": "9d2e…b", "TableArn": "arn:x", "CreationDateTime": 1}}
    assert table_epoch(a) != table_epoch(b)
    assert table_epoch(a, "1") != table_epoch(a, "2")
    assert table_epoch(a) == table_epoch(a)
    key = os.urandom(32)
    old, new = Cursors(key, table_epoch(a)), Cursors(key, table_epoch(b))
    from aurora_cloud.errors import Gone

    with pytest.raises(Gone) as err:
        new.read("u", old.issue("u", 3, 1_800_000_000))
    assert err.value.extra == {"reason": "server_restored"}


def test_the_local_stack_keeps_its_cursor_key_in_its_data_folder(tmp_path: Path) -> None:
    key = local_key(tmp_path)
    path = tmp_path / "cursor-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 32
    assert local_key(tmp_path) == key  # reused after a restart
    cursor = Cursors(key, "0badcafe").issue("u", 1, 1_800_000_000)
    assert Cursors(local_key(tmp_path), "0badcafe").read("u", cursor).seq == 1
    other = tmp_path / "other"
    other.mkdir()
    assert local_key(other) != key  # each data folder its own


class _Resp:
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        import json

        self.status_code = status
        self.content = json.dumps(body).encode()
        self.headers: dict[str, str] = {}

    def json(self) -> Any:
        import json

        return json.loads(self.content)


def test_the_desktop_resyncs_when_the_server_refuses_its_cursor() -> None:
    refused = _Resp(400, {"status": 400, "title": "Invalid input", "reason": "cursor"})
    client = ApiClient(lambda *a, **k: refused)
    with pytest.raises(SyncError) as err:
        client.changes("c2.1.2.0badcafe.AAAAAAAAAAAAAAAA")
    assert err.value.kind == "gone" and err.value.reason == "horizon"
    with pytest.raises(SyncError) as err:  # without a cursor a 400 is no reason to resync
        client.changes(None)
    assert err.value.kind != "gone"


def test_the_lambda_reads_its_key_from_the_secret() -> None:
    from moto import mock_aws

    from aurora_cloud.cursor import cursors_from_env
    from aurora_cloud.local.template import Template

    mock = mock_aws()
    mock.start(reset=False)  # the session's local stack shares moto's backends: keep them
    try:
        region = "eu-north-1"
        sm = boto3.client("secretsmanager", region_name=region)
        t = Template(region=region, stack_name=f"c{uuid.uuid4().hex[:8]}")
        arn = sm.create_secret(Name=t.stack_name, SecretString="s" * 64)["ARN"]
        ddb = boto3.client("dynamodb", region_name=region)
        ddb.create_table(**t.create_table_args())
        env = {"CURSOR_KEY_SECRET": arn, "TABLE_NAME": t.table_name(), "CURSOR_EPOCH": "1"}
        one, two = cursors_from_env(env, ddb, sm), cursors_from_env(env, ddb, sm)
        assert two.read("u", one.issue("u", 7, 1_800_000_000)).seq == 7
        assert cursors_from_env({**env, "CURSOR_EPOCH": "2"}, ddb, sm).epoch != one.epoch
        ddb.delete_table(TableName=t.table_name())
    finally:
        mock.stop(remove_data=False)
