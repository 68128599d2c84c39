"""``aurora subscribe``, ``aurora refresh``, ``aurora unsubscribe``: calendar subscriptions.

```
aurora subscribe URL [--name NAME]   # https://, http:// or webcal://; fetched once now:
                                     # exit 2 and one line (nothing kept) when that fails
aurora refresh                       # every subscription; exit 2 and one line per failure
aurora unsubscribe NAME              # the calendar and its events go from this computer
```

Their events show in ``aurora list`` like any calendar's, under the subscription's name.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .app import open_desktop
from .subscriptions import FetchError, refresh_all, subscribe

__all__ = ["ERRORS", "add_subscription_commands"]

EXIT_ERROR = 2


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def cmd_subscribe(args: argparse.Namespace, out: TextIO) -> int:
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        done = subscribe(store, args.url, args.name)
        url = store.subscription(done.calendar.id).url  # type: ignore[union-attr]
        n = store.count_events(done.calendar.id)
    skipped = f"; skipped {done.skipped} it could not read" if done.skipped else ""
    out.write(f"Subscribed to {done.calendar.name!r}: {_count(n, 'event')} from {url}"
              f"{skipped}.\n")
    return 0


def cmd_refresh(args: argparse.Namespace, out: TextIO) -> int:
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        results = refresh_all(store)
    if not results:
        out.write("No subscriptions.\n")
        return 0
    failed = 0
    for r in results:
        if r.error is not None:
            failed += 1
            print(f"aurora: error: {r.calendar.name!r}: {r.error}", file=sys.stderr)
        elif r.changed:
            out.write(f"{r.calendar.name!r}: refreshed, {_count(r.events, 'event')} changed.\n")
        else:
            out.write(f"{r.calendar.name!r}: unchanged.\n")
    return EXIT_ERROR if failed else 0


def cmd_unsubscribe(args: argparse.Namespace, out: TextIO) -> int:
    with open_desktop(args.data_dir) as desktop:
        store = desktop.store
        subs = store.subscriptions()
        folded = args.name.strip().casefold()
        sub = next((s for s in subs if s.calendar.name.casefold() == folded), None)
        if sub is None:
            names = ", ".join(repr(s.calendar.name) for s in subs) or "none"
            raise FetchError(f"no subscription named {args.name!r} (subscriptions: {names})")
        n = store.count_events(sub.calendar.id)
        store.remove_subscription(sub.calendar.id)
    out.write(f"Unsubscribed from {sub.calendar.name!r} ({_count(n, 'event')} removed).\n")
    return 0


def add_subscription_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("subscribe", parents=[common],
                       help="subscribe to a calendar URL (https://, http:// or webcal://)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--name", metavar="NAME", help="the calendar's name (default: the feed's own)")
    p.set_defaults(func=cmd_subscribe)
    p = sub.add_parser("refresh", parents=[common], help="refresh every subscribed calendar now")
    p.set_defaults(func=cmd_refresh)
    p = sub.add_parser("unsubscribe", parents=[common], help="remove a subscribed calendar")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_unsubscribe)


ERRORS: tuple[type[Exception], ...] = (FetchError,)
