"""The local stack as a separate process, the way a person runs it (`aurora-cloud local`).

Desktop end-to-end tests treat the backend as a server they reach over HTTP
on 127.0.0.1 (an ephemeral port): no moto state shared with the test process,
and a stack can be stopped, its data folder swapped, and started again.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def quiet_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@dataclass
class CloudProcess:
    """``aurora-cloud local`` in a child process; ``url`` once started."""

    data_dir: Path
    extra_args: list[str] = field(default_factory=list)
    url: str = ""
    proc: subprocess.Popen[str] | None = None
    port: int = 0  # chosen at the first start and kept, so a restart is the same server

    def start(self, timeout: float = 60.0) -> CloudProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.data_dir / "stack.log", "a")  # noqa: SIM115  # closed in stop()
        log = self._log
        if not self.port:
            self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aurora_cloud", "local", "--port", str(self.port),
             "--data-dir", str(self.data_dir), *self.extra_args],
            stdout=subprocess.PIPE, stderr=log, text=True, env=quiet_env(**_pythonpath()),
            cwd=os.environ.get("AURORA_TEST_CLOUD_ROOT") or ROOT)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"aurora-cloud local exited: see {self.data_dir}/stack.log")
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise RuntimeError("aurora-cloud local did not start in time")
        # Drain the rest of stdout so the child never blocks on a full pipe.
        import threading

        self._drain = threading.Thread(target=self.proc.stdout.read, daemon=True)
        self._drain.start()
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        drain = getattr(self, "_drain", None)
        if drain is not None:
            drain.join(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()
        self.proc = None

    @property
    def outbox(self) -> Path:
        return self.data_dir / "outbox"

    def code_for(self, email: str, after: float = 0.0, timeout: float = 10.0) -> str:
        """The 6-digit code in the newest email to ``email`` (written after ``after``)."""
        deadline = time.monotonic() + timeout
        while True:
            found: list[tuple[float, str]] = []
            for path in self.outbox.glob("*.eml"):
                st = path.stat().st_mtime
                if st < after:
                    continue
                msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                if str(msg["To"]).lower() != email.lower():
                    continue
                body = msg.get_body(("plain",))
                text = body.get_content() if body is not None else ""
                m = re.search(r"\b(\d{6})\b", text)
                if m:
                    found.append((st, path.name, m.group(1)))  # type: ignore[arg-type]
            if found:
                return sorted(found)[-1][-1]  # type: ignore[return-value]
            if time.monotonic() > deadline:
                raise AssertionError(f"no code mailed to {email}")
            time.sleep(0.1)

    def config(self) -> dict[str, object]:
        with requests.Session() as s:
            s.trust_env = False
            data: dict[str, object] = s.get(self.url + "/config", timeout=10).json()
            return data


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


PASSWORD = "Correct-Horse-42"


def _pythonpath() -> dict[str, str]:
    """AURORA_TEST_CLOUD_ROOT runs the stack from another checkout (development aid)."""
    other = os.environ.get("AURORA_TEST_CLOUD_ROOT")
    return {"PYTHONPATH": other} if other else {}
