"""One running Aurora Time per user: a second launch raises the first one's window.

The first instance listens on a QLocalServer named after the user and the
data folder; a later launch connects, sends ``raise`` (plus its arguments)
and exits. A server name left behind by a crashed instance (nobody answers)
is removed and taken over.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from aurora_desktop.qt import QtCore, QtNetwork

__all__ = ["SingleInstance", "server_name"]

_TIMEOUT_MS = 1000


def server_name(data_dir: Path | str) -> str:
    """A per-user, per-data-folder name for the local socket."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in the environment
        user = "user"
    digest = hashlib.sha256(f"{user}\0{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
    return f"aurora-time-{digest}"


class SingleInstance(QtCore.QObject):
    """Call :meth:`claim` at start-up: True means we are the one instance.

    ``activated(args)`` is emitted when a later launch asks us to come forward.
    """

    activated = QtCore.Signal(list)

    def __init__(self, name: str, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QtNetwork.QLocalServer | None = None

    def claim(self, argv: Sequence[str] = ()) -> bool:
        """Become the instance, or hand ``argv`` to the running one and return False."""
        if self._send(list(argv)):
            return False
        server = QtNetwork.QLocalServer(self)
        server.setSocketOptions(QtNetwork.QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A stale socket from a crashed instance: nobody answered above.
            QtNetwork.QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return True  # cannot listen: run anyway rather than refuse to start
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def stop(self) -> None:
        """Stop answering (the app's shutdown calls this)."""
        self.release()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _send(self, argv: list[str]) -> bool:
        sock = QtNetwork.QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(_TIMEOUT_MS):
            return False
        written = sock.write(json.dumps({"cmd": "raise", "args": argv}).encode() + b"\n")
        if written < 0:
            return False
        while sock.bytesToWrite() > 0 and sock.waitForBytesWritten(_TIMEOUT_MS):
            pass
        # Wait for the "ok" so the message is read before we exit; a running
        # instance that answers slowly still counts: it is there.
        sock.waitForReadyRead(_TIMEOUT_MS)
        sock.disconnectFromServer()
        return True

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)

    def _read(self, sock: QtNetwork.QLocalSocket) -> None:
        if not sock.canReadLine():
            return
        line = bytes(sock.readLine().data())[:65536]
        try:
            msg = json.loads(line)
        except ValueError:
            msg = {}
        sock.write(b"ok\n")
        sock.flush()
        if isinstance(msg, dict) and msg.get("cmd") == "raise":
            args = msg.get("args")
            self.activated.emit([a for a in args if isinstance(a, str)]
                                if isinstance(args, list) else [])
