"""The refresh token in a real Secret Service: GNOME Keyring on a private D-Bus session.

The command line signs in, the token lands in the keyring (and nowhere in our
files), a second command finds it there (the sign-in survives), logout
removes it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aurora_desktop.auth import AccountService, MemorySecrets
from tests.helpers.cloud_process import PASSWORD, CloudProcess, new_email, quiet_env

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))
    and os.environ.get("AURORA_CI") != "1",  # CI installs them: there, missing is a failure
    reason="needs the Debian packages dbus and gnome-keyring (scripts/bootstrap.sh installs "
           "them)")]

SCRIPT = textwrap.dedent("""
    set -e
    eval "$(printf 'unlock-me' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
    export GNOME_KEYRING_CONTROL
    aurora() { "$PY" -m aurora_desktop "$@" --data-dir "$DATA"; }
    printf '%s\\n' "$PASSWORD" | aurora account login --server "$SERVER" --email "$EMAIL" \\
        --password-stdin --keep-local > "$OUT/login.txt"
    aurora account status --json > "$OUT/status1.json"
    "$PY" - > "$OUT/keyring.json" <<'PY'
    import json, keyring
    kr = keyring.get_keyring()
    import os
    key = os.environ["SERVER"]
    print(json.dumps({"backend": type(kr).__name__}))
    PY
    aurora sync --json > "$OUT/sync.json"
    aurora account logout > "$OUT/logout.txt"
    aurora account status --json > "$OUT/status2.json"
    "$PY" - > "$OUT/after.json" <<'PY'
    import json, os, secretstorage
    conn = secretstorage.dbus_init()
    coll = secretstorage.get_default_collection(conn)
    items = [i.get_label() for i in coll.get_all_items()]
    print(json.dumps({"items": items}))
    PY
""")


def test_the_refresh_token_lives_in_gnome_keyring_and_logout_removes_it(
        cloud: CloudProcess, tmp_path: Path) -> None:
    email = new_email()
    svc = AccountService(tmp_path / "signup", MemorySecrets())
    server = svc.connect(cloud.url)
    svc.sign_up(server, email, PASSWORD)
    svc.confirm(server, email, cloud.code_for(email))
    home, data, out = tmp_path / "home", tmp_path / "data", tmp_path / "out"
    for p in (home, data, out):
        p.mkdir()
    env = quiet_env(HOME=str(home), XDG_DATA_HOME=str(home / "share"),
                    XDG_CONFIG_HOME=str(home / "config"), XDG_RUNTIME_DIR=str(home / "run"),
                    PY=sys.executable, DATA=str(data), OUT=str(out), SERVER=cloud.url,
                    EMAIL=email, PASSWORD=PASSWORD, QT_QPA_PLATFORM="offscreen")
    (home / "run").mkdir(mode=0o700)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    proc = subprocess.run(["dbus-run-session", "--", "bash", "-c", SCRIPT], env=env,
                          capture_output=True, text=True, timeout=180,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                              os.path.dirname(__file__)))))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    status = json.loads((out / "status1.json").read_text())
    assert status["signed_in"] and status["remembered"] and status["email"] == email
    assert json.loads((out / "sync.json").read_text())["pending"] == 0
    after = json.loads((out / "status2.json").read_text())
    assert after["signed_in"] is False
    # Logout left no Aurora secret behind; the login put one there in the first place
    # (a later command, the sync, could only sign its requests with it).
    labels = json.loads((out / "after.json").read_text())["items"]
    assert not [lab for lab in labels if "Aurora" in lab or cloud.url in lab]
    # Nothing of ours holds a token.
    for path in list(data.rglob("*")) + list((home / "config").rglob("*")):
        if path.is_file() and path.suffix in (".json", ".ini", ".txt"):
            text = path.read_text(errors="replace")
            assert "eyJ" not in text, f"something token-like in {path}"
