"""Settings for the whole suite: headless Qt and an AWS environment that can reach nothing real."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Before any test touches Qt: aurora_desktop.qt carries the guard against PySide6
# 6.12's reference-count bug on Python 3.11 (see that module).
import aurora_desktop.qt  # noqa: F401

# Never send a test's reminder to a developer's real notification daemon (the tests that
# want one run their own bus: tests/desktop/reminders/test_native_notifications.py).
os.environ["AURORA_NATIVE_NOTIFICATIONS"] = "0"

# Never pick up a developer's real AWS credentials or config.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}.items():
    os.environ[_name] = _value
