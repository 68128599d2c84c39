"""``aurora-cloud``: run the local stack, or regenerate the OpenAPI document.

    aurora-cloud local [--port N] [--data-dir DIR] [--token-seconds N] [--no-limits]
                       [--web-dist DIR]
    aurora-cloud openapi [--write]
    aurora-cloud build-lambda [--out build/lambda]
    aurora-cloud deploy-web --stack NAME [--region R] [--dist web/dist]
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

    stack = LocalStack(Path(args.data_dir).expanduser(), port=args.port, quiet=not args.verbose,
                       access_token_seconds=args.token_seconds, echo_mail=True,
                       rate=0 if args.no_limits else None,
                       web_dist=Path(args.web_dist).expanduser() if args.web_dist else None)
    stack.start()
    cfg = stack.config()
    print(f"Aurora cloud (local) listening on {cfg['api_url']}", flush=True)
    built = "" if stack.web.built else \
        f"   (not built yet: run bash scripts/build_web.sh; looked in {cfg['web_dist']})"
    print(f"  Web app: {cfg['web_url']}{built}", flush=True)
    print(f"  user pool {cfg['user_pool_id']}, app client {cfg['client_id']}")
    print(f"  Cognito endpoint {cfg['cognito_endpoint']} (GET {cfg['api_url']}/config)")
    print(f"  emails (sign-up codes, reminders) land in {cfg['outbox']} and are shown here")
    print(f"  sign in from a desktop:  aurora account login --server {cfg['api_url']} "
          "--email YOU@example.com   (or File → Account… in the window)")
    print("  Ctrl+C stops it; data stays in", stack.data_dir, flush=True)
    done = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
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


LAMBDA_REQUIREMENTS = """\
aws-lambda-powertools>=3.0
pydantic>=2.7
python-dateutil>=2.9
tzdata>=2024.1
"""


def _build_lambda(args: argparse.Namespace) -> int:
    """Stage the Lambda code (aurora_core + aurora_cloud without the local stack)."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "local", "template.yaml")
    for package in ("aurora_core", "aurora_cloud"):
        shutil.copytree(root / package, out / package, ignore=ignore)
    (out / "requirements.txt").write_text(LAMBDA_REQUIREMENTS, "utf-8")
    print(f"staged Lambda code in {out}; now: sam build -t aurora_cloud/template.yaml")
    return 0


def _deploy_web(args: argparse.Namespace) -> int:
    from aurora_cloud.deploy_web import main as deploy_web

    return deploy_web(args.stack, args.region,
                      Path(args.dist).expanduser() if args.dist else None)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurora-cloud", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    local = sub.add_parser("local", help="run the whole backend on 127.0.0.1")
    local.add_argument("--port", type=int, default=8765, help="port to listen on (0: any)")
    local.add_argument("--data-dir", default="~/.local/share/aurora-cloud-local",
                       help="where state and the email outbox live")
    local.add_argument("--verbose", action="store_true", help="log every request")
    local.add_argument("--token-seconds", type=_positive, default=None, metavar="N",
                       help="lifetime of access and ID tokens (default: the template's "
                            "AccessTokenValidity)")
    local.add_argument("--no-limits", action="store_true",
                       help="no per-user, per-IP or per-route limits (default: the "
                            "template's numbers, as in AWS)")
    local.add_argument("--web-dist", default=None, metavar="DIR",
                       help="the built web app served at /app/ (default: $AURORA_WEB_DIST, "
                            "else web/dist of the repository)")
    local.set_defaults(func=_local)
    bl = sub.add_parser("build-lambda", help="stage the Lambda code for sam build")
    bl.add_argument("--out", default="build/lambda", help="folder (template CodeUri)")
    bl.set_defaults(func=_build_lambda)
    dw = sub.add_parser("deploy-web", help="upload the built web app to a deployed stack "
                        "(after sam deploy and bash scripts/build_web.sh)")
    dw.add_argument("--stack", required=True, help="the CloudFormation stack's name")
    dw.add_argument("--region", default=None, help="the stack's region (default: the AWS "
                    "CLI's configuration)")
    dw.add_argument("--dist", default=None, metavar="DIR",
                    help="the built app (default: web/dist of the repository)")
    dw.set_defaults(func=_deploy_web)
    oa = sub.add_parser("openapi", help="print (or --write) the OpenAPI document")
    oa.add_argument("--write", action="store_true")
    oa.set_defaults(func=_openapi)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
