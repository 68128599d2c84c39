"""Being told when the network comes back (Qt's QNetworkInformation): the sync
controller and the subscriptions' refresh each retry at once instead of at their
next timed retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aurora_desktop.qt import QtNetwork

__all__ = ["is_online", "watch_reachability"]


def watch_reachability(slot: Callable[[Any], object]) -> Any:
    """Connect ``slot`` (a QObject's method: disconnected when it goes) to the network's
    reachability changes. Returns the QNetworkInformation, to be kept; None where the
    platform has no backend (the timed retries cover it then)."""
    info_cls = getattr(QtNetwork, "QNetworkInformation", None)
    if info_cls is None:
        return None
    try:
        if not info_cls.loadDefaultBackend():
            return None
        info = info_cls.instance()
    except Exception:  # no backend on this platform
        return None
    if info is None:
        return None
    info.reachabilityChanged.connect(slot)
    return info


def is_online(reachability: Any) -> bool:
    """Whether a reachability ``watch_reachability``'s slot was given is "online"."""
    return bool(reachability == getattr(type(reachability), "Online", None))
