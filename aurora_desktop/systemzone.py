"""The IANA name of the machine's time zone, and the zone the window shows times in."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from aurora_core.model import ValidationError, get_zone
from aurora_core.times import DisplayZone


def system_zone_name() -> str:
    """The system's IANA zone: $TZ, /etc/timezone, or the /etc/localtime link; else UTC."""
    candidates: list[str] = []
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        candidates.append(tz_env)
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        try:
            get_zone(name)
        except ValidationError:
            continue
        return name
    return "UTC"


def display_zone(setting: str) -> DisplayZone:
    """The zone the window shows times in: ``setting`` (Settings' ``ui/time_zone``), else
    the system's; UTC if unknown."""
    return DisplayZone.named_or_utc(setting or system_zone_name())
