"""``aurora-cloud``: run the local stack, or regenerate the OpenAPI document.

    aurora-cloud local [--port N] [--data-dir DIR]
    aurora-cloud openapi [--write]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path


def _local(args: argparse.Namespace) -> int:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    from aurora_cloud.local.stack import LocalStack

    stack = LocalStack(Path(args.data_dir).expanduser(), port=args.port, quiet=not args.verbose)
    stack.start()
    cfg = stack.config()
    print(f"Aurora cloud (local) listening on {cfg['api_url']}", flush=True)
    print(f"  user pool {cfg['user_pool_id']}, app client {cfg['client_id']}")
    print(f"  Cognito endpoint {cfg['cognito_endpoint']} (GET {cfg['api_url']}/config)")
    print(f"  emails (sign-up codes, reminders) land in {cfg['outbox']}")
    print(f"  point the desktop app at it:  AURORA_API_URL={cfg['api_url']} aurora")
    print("  Ctrl+C stops it; data stays in", stack.data_dir, flush=True)
    done = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not done.wait(0.5):
            pass
    finally:
        print("stopping…", flush=True)
        stack.stop()
        print("stopped; state saved.", flush=True)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from aurora_cloud.api import openapi

    text = openapi.render()
    if args.write:
        openapi.shipped_path().write_text(text, "utf-8")
        print(f"wrote {openapi.shipped_path()}")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurora-cloud", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    local = sub.add_parser("local", help="run the whole backend on 127.0.0.1")
    local.add_argument("--port", type=int, default=8765, help="port to listen on (0: any)")
    local.add_argument("--data-dir", default="~/.local/share/aurora-cloud-local",
                       help="where state and the email outbox live")
    local.add_argument("--verbose", action="store_true", help="log every request")
    local.set_defaults(func=_local)
    oa = sub.add_parser("openapi", help="print (or --write) the OpenAPI document")
    oa.add_argument("--write", action="store_true")
    oa.set_defaults(func=_openapi)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
