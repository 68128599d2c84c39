"""The Aurora account from the command line and the account service, against the local
stack over real HTTP (a separate process on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import keyring
import pytest
import requests
from keyring.backend import KeyringBackend

from aurora_desktop.auth import AccountService, AuthError, SecretStore
from aurora_desktop.cli import main
from aurora_desktop.store import Store
from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email

pytestmark = pytest.mark.e2e


class MemoryKeyring(KeyringBackend):
    """A keyring backend in memory (what a unit test can inspect)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


class NoKeyring(KeyringBackend):
    """What keyring falls back to on a machine without a Secret Service."""

    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)


def aurora(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the `aurora` command line in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    import sys

    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def signed_up(cloud: CloudProcess, data: Path) -> str:
    email = new_email()
    code, _out, err = aurora("account", "signup", "--server", cloud.url, "--email", email,
                             "--password-stdin", "--data-dir", str(data), stdin=PASSWORD + "\n")
    assert code == 0, err
    code, _out, err = aurora("account", "confirm", "--server", cloud.url, "--email", email,
                             "--code", cloud.code_for(email), "--data-dir", str(data))
    assert code == 0, err
    return email


def test_sign_up_confirm_with_the_mailed_code_sign_in_and_see_the_status(
        cloud: CloudProcess, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    email = signed_up(cloud, tmp_path)
    code, out, err = aurora("account", "login", "--server", cloud.url, "--email", email,
                            "--password-stdin", "--data-dir", str(tmp_path),
                            stdin=PASSWORD + "\n")
    assert code == 0, err
    assert f"Signed in as {email}" in out
    code, out, _ = aurora("account", "status", "--json", "--data-dir", str(tmp_path))
    status = json.loads(out)
    assert status["signed_in"] is True and status["email"] == email
    assert status["server"] == cloud.url
    # Only the refresh token is kept, in the keyring, keyed by server and user.
    assert any(k[1].startswith(cloud.url + "|") for k in memory_keyring.items)
    assert len(memory_keyring.items) == 2  # the head entry and one part


def test_a_wrong_code_and_a_wrong_password_are_sentences(
        cloud: CloudProcess, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    email = new_email()
    aurora("account", "signup", "--server", cloud.url, "--email", email, "--password-stdin",
           "--data-dir", str(tmp_path), stdin=PASSWORD + "\n")
    code, _, err = aurora("account", "confirm", "--server", cloud.url, "--email", email,
                          "--code", "000000", "--data-dir", str(tmp_path))
    assert code == 2 and "code is not right" in err and err.count("\n") == 1
    # Signing in before confirming leads to the confirm step.
    code, _, err = aurora("account", "login", "--server", cloud.url, "--email", email,
                          "--password-stdin", "--data-dir", str(tmp_path),
                          stdin=PASSWORD + "\n")
    assert code == 2 and "not confirmed" in err
    aurora("account", "confirm", "--server", cloud.url, "--email", email, "--code",
           cloud.code_for(email), "--data-dir", str(tmp_path))
    code, _, err = aurora("account", "login", "--server", cloud.url, "--email", email,
                          "--password-stdin", "--data-dir", str(tmp_path),
                          stdin="Not-The-Password-1\n")
    assert code == 2 and "password is not right" in err and "Traceback" not in err


def test_a_weak_password_is_refused_before_anything_is_sent(
        cloud: CloudProcess, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    before = len(list(cloud.outbox.glob("*.eml")))
    code, _, err = aurora("account", "signup", "--server", cloud.url, "--email", new_email(),
                          "--password-stdin", "--data-dir", str(tmp_path), stdin="short\n")
    assert code == 2 and "password needs" in err
    assert len(list(cloud.outbox.glob("*.eml"))) == before


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path,
                                                 memory_keyring: MemoryKeyring) -> None:
    code, _, err = aurora("account", "login", "--server", "http://127.0.0.1:9", "--email",
                          "a@example.com", "--password-stdin", "--data-dir", str(tmp_path),
                          stdin=PASSWORD + "\n")
    assert code == 2 and "Cannot reach the Aurora server" in err and err.count("\n") == 1


def test_an_expired_access_token_is_refreshed_without_the_user_noticing(
        tmp_path: Path) -> None:
    short = CloudProcess(tmp_path / "stack", extra_args=["--token-seconds", "2"]).start()
    try:
        svc = AccountService(tmp_path / "data", _memory_store())
        server = svc.connect(short.url)
        email = new_email()
        svc.sign_up(server, email, PASSWORD)
        svc.confirm(server, email, short.code_for(email))
        svc.sign_in(server, email, PASSWORD)
        first = svc.access_token()
        assert svc.request("GET", "/calendars").status_code == 200
        time.sleep(2.5)  # the token has expired at the server
        assert svc.request("GET", "/calendars").status_code == 200
        assert svc.access_token() != first
        # A clock that is behind thinks the token is fresh: the 401 refreshes once.
        lagging = AccountService(tmp_path / "data", svc.secrets, clock=lambda: time.time() - 60)
        time.sleep(2.5)
        assert lagging.request("GET", "/calendars").status_code == 200
        assert lagging.status().signed_in
    finally:
        short.stop()


def _memory_store() -> SecretStore:
    from aurora_desktop.auth import MemorySecrets

    return MemorySecrets()


def test_a_refused_refresh_signs_out_and_keeps_every_local_change(
        cloud: CloudProcess, tmp_path: Path) -> None:
    data = tmp_path / "data"
    svc = AccountService(data, _memory_store())
    server = svc.connect(cloud.url)
    email = new_email()
    svc.sign_up(server, email, PASSWORD)
    svc.confirm(server, email, cloud.code_for(email))
    svc.sign_in(server, email, PASSWORD)
    with Store(data / "aurora.sqlite3") as store:
        from aurora_core.model import Event, ZonedTime

        t = ZonedTime.from_local(__import__("datetime").datetime(2026, 12, 9, 9), "UTC")
        ev = store.put_event(Event.new(store.default_calendar().id, "kept", t, t))
        pending_before = store.pending()
    # Another computer signs out everywhere: this one's refresh token is revoked, and
    # (a second later: token times are whole seconds) its access token too.
    other = AccountService(tmp_path / "other", _memory_store())
    other.sign_in(server, email, PASSWORD)
    time.sleep(1.1)
    other.sign_out(everywhere=True)
    with pytest.raises(AuthError) as err:
        svc.request("GET", "/calendars")
    assert err.value.kind == "signed_out" and "Sign in again" in err.value.message
    st = svc.status()
    assert not st.signed_in and st.needs_sign_in and st.email == email
    with Store(data / "aurora.sqlite3") as store:
        assert store.get_event(ev.id).title == "kept"
        assert store.pending() == pending_before


def test_no_secure_store_the_window_signs_in_for_this_run_and_no_token_reaches_a_file(
        cloud: CloudProcess, tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        data = tmp_path / "data"
        code, _, err = aurora("account", "login", "--server", cloud.url, "--email",
                              "x@example.com", "--password-stdin", "--data-dir", str(data),
                              stdin=PASSWORD + "\n")
        assert code == 2 and "no secure store" in err and "GNOME Keyring" in err
        assert err.count("\n") == 1
        # The window (memory-only) may sign in for this run, and says so.
        email = signed_up(cloud, data)
        svc = AccountService(data, SecretStore(), allow_memory_only=True)
        result = svc.sign_in(svc.connect(cloud.url), email, PASSWORD)
        assert not result.remembered and result.store_problem
        assert svc.request("GET", "/calendars").status_code == 200
        secrets = [svc.access_token(), svc._memory_refresh]  # the test looks
        for path in tmp_path.rglob("*"):
            if path.is_file():
                blob = path.read_bytes()
                for s in secrets:
                    assert s and s.encode() not in blob, f"a token was written to {path}"
        # The next start cannot resume it: "signed out, sign in again".
        again = AccountService(data, SecretStore(), allow_memory_only=True)
        assert again.status().needs_sign_in
    finally:
        keyring.set_keyring(previous)


def test_logout_removes_the_keyring_entry(cloud: CloudProcess, tmp_path: Path,
                                          memory_keyring: MemoryKeyring) -> None:
    email = signed_up(cloud, tmp_path)
    aurora("account", "login", "--server", cloud.url, "--email", email, "--password-stdin",
           "--data-dir", str(tmp_path), stdin=PASSWORD + "\n")
    assert memory_keyring.items
    code, out, err = aurora("account", "logout", "--data-dir", str(tmp_path))
    assert code == 0, err
    assert memory_keyring.items == {}
    code, out, _ = aurora("account", "status", "--json", "--data-dir", str(tmp_path))
    assert json.loads(out)["signed_in"] is False


def test_delete_account_removes_the_data_on_the_server_and_refuses_the_old_token(
        cloud: CloudProcess, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    email = signed_up(cloud, tmp_path)
    aurora("account", "login", "--server", cloud.url, "--email", email, "--password-stdin",
           "--data-dir", str(tmp_path), stdin=PASSWORD + "\n")
    aurora("add", "--title", "Mine", "--start", "2026-12-09T10:00", "--end", "2026-12-09T11:00",
           "--data-dir", str(tmp_path))
    code, out, err = aurora("sync", "--json", "--data-dir", str(tmp_path))
    assert code == 0, err
    svc = AccountService(tmp_path, SecretStore())
    token = svc.access_token()
    http = requests.Session()
    http.trust_env = False
    pages = http.get(cloud.url + "/sync", headers={"Authorization": f"Bearer {token}"},
                     timeout=10).json()
    assert [e["title"] for e in pages["events"]] == ["Mine"]
    code, _, err = aurora("account", "delete", "--data-dir", str(tmp_path))
    assert code == 2 and "--yes" in err  # no terminal to ask on
    code, out, err = aurora("account", "delete", "--yes", "--data-dir", str(tmp_path))
    assert code == 0, err
    resp = http.get(cloud.url + "/sync", headers={"Authorization": f"Bearer {token}"},
                    timeout=10)
    assert resp.status_code == 401
    code, out, _ = aurora("account", "status", "--json", "--data-dir", str(tmp_path))
    assert json.loads(out)["signed_in"] is False
    assert memory_keyring.items == {}
    # The events stay on this computer, as its own calendar.
    code, out, _ = aurora("list", "--from", "2026-12-09", "--to", "2026-12-09", "--json",
                          "--data-dir", str(tmp_path))
    assert [e["title"] for e in json.loads(out)] == ["Mine"]
    # And the account cannot sign in any more.
    code, _, err = aurora("account", "login", "--server", cloud.url, "--email", email,
                          "--password-stdin", "--data-dir", str(tmp_path),
                          stdin=PASSWORD + "\n")
    assert code == 2


