"""moto in-process on 127.0.0.1, with its state saved to and restored from a folder.

moto keeps everything in memory; the local stack pickles the DynamoDB,
Cognito and SES backends of its account/region into DIR/moto-state.pickle
(atomically) and loads them back at start, so data survives a restart.
Requests to moto and snapshots take one lock, so a snapshot never sees a
half-applied request. The file is a development convenience tied to the
installed moto version, not a durable format.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

SERVICES = ("dynamodb", "cognito-idp", "ses")
STATE_FILE = "moto-state.pickle"


def _moto_jwk() -> Any:
    """moto's fixed Cognito signing key (every moto pool signs with it)."""
    from joserfc import jwk
    from moto.utilities.utils import load_resource

    return jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


class _StatePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        from joserfc import jwk

        if isinstance(obj, jwk.RSAKey):
            return _moto_jwk, ()
        return NotImplemented


class _Locked:
    """WSGI middleware: one moto request at a time, and never during a snapshot."""

    def __init__(self, app: Any, lock: threading.RLock) -> None:
        self.app = app
        self.lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            return list(self.app(environ, start_response))


_PATCHED = False


def patch_moto_transactions() -> None:
    """Make moto's TransactWriteItems cost O(items), not O(table) per item.

    moto deep-copies the whole table once per transaction item to roll back
    a failed transaction, which makes the stack crawl (and eat gigabytes)
    past a few thousand events. Here the table copy is skipped and the
    rollback restores just the touched items. Safe because the local stack
    runs one moto request at a time (see :class:`_Locked`).
    """
    global _PATCHED
    if _PATCHED:
        return
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _NoTableCopy:
        @staticmethod
        def deepcopy(obj: Any, memo: Any = None) -> Any:
            return obj if isinstance(obj, Table) else copy.deepcopy(obj, memo)

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Any, Any, Any, Any]] = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            try:
                hk = DynamoType(key[table.hash_key_attr])
                rk = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except KeyError:
                continue
            saved.append((table, hk, rk, copy.deepcopy(table.get_item(hk, rk))))
        try:
            original(self, transact_items)
        except Exception:
            for table, hk, rk, old in reversed(saved):
                if old is None:
                    if rk is None:
                        table.items.pop(hk, None)
                    else:
                        table.items.get(hk, {}).pop(rk, None)
                elif rk is None:
                    table.items[hk] = old
                else:
                    table.items[hk][rk] = old
            raise

    models.copy = _NoTableCopy  # type: ignore[attr-defined, assignment]  # moto imports copy there
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _PATCHED = True


class MotoServer:
    """moto's server on 127.0.0.1 (ephemeral port unless given)."""

    def __init__(self, account: str = "123456789012", region: str = "us-east-1",
                 port: int = 0) -> None:
        self.account = account
        self.region = region
        self.port = port
        self.lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        patch_moto_transactions()
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        class Quiet(MotoRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        app = _Locked(DomainDispatcherApplication(create_backend_app), self.lock)
        self._server = make_server("127.0.0.1", self.port, app, threaded=True,
                                   request_handler=Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="moto-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None

    def attach_in_process(self, client: Any) -> Any:
        """Serve ``client``'s calls from moto in this process, skipping HTTP.

        The stack's own clients (storage, SES, the user directory) use this:
        same moto backends, same lock, a few milliseconds less per call.
        Anything moto does not recognise still goes over HTTP to 127.0.0.1.
        """
        from botocore.awsrequest import AWSPreparedRequest
        from moto.core.botocore_stubber import BotocoreStubber

        stubber = BotocoreStubber()
        stubber.enabled = True
        prefix = client.meta.service_model.endpoint_prefix
        base = f"https://{prefix}.{self.region}.amazonaws.com"
        local = self.url

        def before_send(request: AWSPreparedRequest, **kwargs: Any) -> Any:
            if not request.url.startswith(local):
                return None
            aws = AWSPreparedRequest(method=request.method,
                                     url=base + request.url[len(local):],
                                     headers=request.headers, body=request.body,
                                     stream_output=request.stream_output)
            with self.lock:
                return stubber(event_name="before-send", request=aws)

        client.meta.events.register_first("before-send", before_send)
        return client

    # -- state ------------------------------------------------------------

    def _regional(self, service: str) -> Any:
        from moto.backends import get_backend

        return get_backend(service)[self.account]  # type: ignore[call-overload]

    def snapshot(self, folder: Path) -> None:
        """Write the backends' state to ``folder`` atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        with self.lock:
            state = {s: self._regional(s).get(self.region) for s in SERVICES}
            _StatePickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
        tmp = folder / (STATE_FILE + ".tmp")
        tmp.write_bytes(buf.getvalue())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, folder / STATE_FILE)

    def restore(self, folder: Path) -> bool:
        """Load state saved by :meth:`snapshot`; False if there is none."""
        path = folder / STATE_FILE
        if not path.exists():
            return False
        state = pickle.loads(path.read_bytes())
        with self.lock:
            for service, backend in state.items():
                if backend is not None:
                    self._regional(service)[self.region] = backend
        return True
