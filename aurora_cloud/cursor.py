"""The /sync cursor: signed, bound to its user and to the table it was issued for.

A cursor says "this client has every change of this user up to change number
``seq``, and had all of them as of ``as_of``" (epoch seconds). The text is::

    c2.<seq>.<as_of>.<epoch>.<tag>

- ``epoch``: 8 hex digits naming the table's life (:func:`table_epoch`: the
  table's own id, which a restore from a backup changes, and the deployment's
  ``CursorEpoch`` parameter, which an operator can bump). A cursor of another
  epoch answers 410 ``server_restored``.
- ``tag``: HMAC-SHA256 over the user's ``sub`` and the fields, truncated to
  96 bits, base64url. The key is the deployment's secret (template.yaml's
  ``CursorKey``; the local stack's ``DIR/cursor-key``). Anything edited, or a
  cursor of another user or another key, answers 400.
- ``as_of`` is not re-stamped on a partial page: only the last page of a pull
  moves it (see :meth:`aurora_cloud.logic.Service.sync`), so a client that stops
  mid-way and comes back after the tombstone horizon gets 410 ``horizon``
  instead of missing deletions whose tombstones expired meanwhile.

The text stays within 64 characters (the OpenAPI document's ``maxLength``).
Cursors of the unsigned format ``c1.<seq>.<issued>`` that servers issued before
are answered 410 ``horizon``: their age cannot be trusted, and a full resync is
what every desktop already does for that answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aurora_cloud.errors import Gone, InvalidInput

PREFIX = "c2"
MAX_LENGTH = 64
TAG_BYTES = 12  # 96 bits: a forged cursor is a 2^-96 guess (and each guess is rate-limited)
CURSOR_RE = re.compile(r"^c2\.(\d{1,15})\.(\d{1,10})\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})$")
LEGACY_RE = re.compile(r"^c1\.\d{1,15}\.\d{1,12}$")
KEY_FILE = "cursor-key"
NOT_OURS = "the cursor is not one this server issued for you; do a full sync (no cursor)"


@dataclass(frozen=True)
class Position:
    """What a verified cursor says: changes up to ``seq`` were had, all of them as of
    ``as_of`` (epoch seconds)."""

    seq: int
    as_of: int


class Cursors:
    """Issues and reads cursors with one key, for one table epoch."""

    def __init__(self, key: bytes, epoch: str) -> None:
        if len(key) < 16:
            raise ValueError("the cursor key must have at least 16 bytes")
        if not re.fullmatch(r"[0-9a-f]{8}", epoch):
            raise ValueError("the epoch must be 8 hex digits")
        self._key = key
        self.epoch = epoch

    @classmethod
    def ephemeral(cls) -> Cursors:
        """A random key for this process (tests and in-process tools only: a cursor
        dies with the process)."""
        return cls(secrets.token_bytes(32), "00000000")

    def derive(self, label: str) -> bytes:
        """A key for another purpose (``label``), derived from this one."""
        return hmac.new(self._key, f"derive\n{label}".encode(), hashlib.sha256).digest()

    def _tag(self, sub: str, body: str) -> str:
        mac = hmac.new(self._key, f"{sub}\n{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:TAG_BYTES]).decode("ascii")

    def issue(self, sub: str, seq: int, as_of: int) -> str:
        body = f"{PREFIX}.{seq}.{max(0, as_of)}.{self.epoch}"
        return f"{body}.{self._tag(sub, body)}"

    def read(self, sub: str, text: str) -> Position:
        """The position of ``text`` for ``sub``. Raises :class:`InvalidInput` (400) for
        anything this server did not issue to this user, :class:`Gone` (410) for an
        unsigned cursor of the old format (``horizon``) or another table epoch
        (``server_restored``). The age check is the caller's."""
        if len(text) > MAX_LENGTH:
            raise InvalidInput(NOT_OURS, extra={"reason": "cursor"})
        match = CURSOR_RE.match(text)
        if match is None:
            if LEGACY_RE.match(text):
                raise Gone("the cursor is of an older, unsigned format; do a full sync "
                           "(no cursor)", extra={"reason": "horizon"})
            raise InvalidInput(NOT_OURS, extra={"reason": "cursor"})
        body, _, tag = text.rpartition(".")
        if not hmac.compare_digest(tag, self._tag(sub, body)):
            raise InvalidInput(NOT_OURS, extra={"reason": "cursor"})
        if match.group(3) != self.epoch:
            raise Gone("the server was restored from a backup since this cursor was issued; "
                       "do a full sync (no cursor) and send your changes again",
                       extra={"reason": "server_restored"})
        return Position(int(match.group(1)), int(match.group(2)))


def table_epoch(description: dict[str, Any], generation: str = "1") -> str:
    """The epoch of a table: 8 hex digits of a hash of what DescribeTable says
    identifies it (``TableId``, a UUID that a restore from a backup or a point in
    time always changes: a restore creates a new table; where it is absent, as on
    moto, the ARN and creation time) and the deployment's ``generation``
    (template.yaml's ``CursorEpoch``: bump it to send every desktop through a full
    resync, e.g. after writing items back into the same table by hand)."""
    table = description.get("Table", description)
    ident = table.get("TableId") or f"{table.get('TableArn')}@{table.get('CreationDateTime')}"
    return hashlib.sha256(f"{ident}\n{generation}".encode()).hexdigest()[:8]


def key_from_secret(secretsmanager: Any, secret_id: str) -> bytes:
    """The cursor key kept in Secrets Manager (read once per Lambda container)."""
    resp = secretsmanager.get_secret_value(SecretId=secret_id)
    text = resp.get("SecretString")
    key = text.encode("utf-8") if text else bytes(resp["SecretBinary"])
    if len(key) < 16:
        raise ValueError("the cursor key secret is shorter than 16 bytes")
    return key


def local_key(data_dir: Path) -> bytes:
    """The local stack's cursor key: ``DIR/cursor-key`` (mode 0600), made on first
    start and kept, so cursors outlive a restart."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        tmp.replace(path)
    text = path.read_text("ascii").strip()
    return bytes.fromhex(text)


def cursors_from_env(env: Any, dynamodb: Any, secretsmanager: Any) -> Cursors:
    """The API function's cursors (template.yaml): the key from the secret named by
    ``CURSOR_KEY_SECRET``, the epoch from DescribeTable and ``CURSOR_EPOCH``. Read once
    per container (a cold start: one GetSecretValue, one DescribeTable)."""
    key = key_from_secret(secretsmanager, env["CURSOR_KEY_SECRET"])
    description = dynamodb.describe_table(TableName=env["TABLE_NAME"])
    return Cursors(key, table_epoch(description, env.get("CURSOR_EPOCH") or "1"))
