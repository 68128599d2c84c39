"""``aurora account …``: the Aurora account from the command line (a contract).

```
aurora account signup  --server URL --email EMAIL [--password-stdin]
aurora account confirm --server URL --email EMAIL --code CODE
aurora account resend-code --server URL --email EMAIL
aurora account login   --server URL --email EMAIL [--password-stdin]
aurora account status  [--json]
aurora account logout  [--everywhere]
aurora account delete  [--yes]
aurora account forgot-password --server URL --email EMAIL [--code CODE [--password-stdin]]
aurora account change-password [--password-stdin]
```

Passwords are read from the terminal without echo, or with
``--password-stdin`` one line from standard input (``change-password``: two
lines, the current password then the new one). Errors are one line on stderr
and exit 2 (through :class:`aurora_desktop.cli.CliError`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .app import open_desktop
from .auth import AccountService, AuthError, ServerInfo

__all__ = ["add_account_commands", "make_account_service"]


class AccountCliError(Exception):
    """One line for the user (exit 2); cli.main reports it like CliError."""


def make_account_service(data_dir: Path, *, window: bool = False) -> AccountService:
    """The account service of ``data_dir``, as the composition root makes it (app.py)."""
    return open_desktop(data_dir).accounts(window=window)


def _read_secret(args: argparse.Namespace, prompt: str, *, repeat: bool = False,
                 stdin: TextIO | None = None) -> str:
    if args.password_stdin:
        line = (stdin or sys.stdin).readline()
        if not line:
            raise AccountCliError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise AccountCliError("no terminal to ask for the password on; use --password-stdin")
    first = getpass.getpass(prompt)
    if repeat and getpass.getpass("Again: ") != first:
        raise AccountCliError("the two passwords differ")
    return first


def _server(svc: AccountService, url: str) -> ServerInfo:
    return svc.connect(url)


def cmd_signup(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    server = _server(svc, args.server)
    password = _read_secret(args, f"Choose a password ({server.password_policy.describe()}): ",
                            repeat=True)
    where = svc.sign_up(server, args.email, password)
    out.write(f"Account created for {args.email.strip().lower()}. A confirmation code was sent "
              f"to {where}.\nConfirm it with: aurora account confirm --server {server.api_url} "
              f"--email {args.email.strip()} --code CODE\n")
    return 0


def cmd_confirm(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    server = _server(svc, args.server)
    svc.confirm(server, args.email, args.code)
    out.write(f"Confirmed {args.email.strip().lower()}. Sign in with: aurora account login "
              f"--server {server.api_url} --email {args.email.strip()}\n")
    return 0


def cmd_resend(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    where = svc.resend_code(_server(svc, args.server), args.email)
    out.write(f"A new code was sent to {where}.\n")
    return 0


def cmd_login(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    problem = svc.secrets.problem()
    if problem is not None:
        raise AccountCliError(f"cannot sign in: {problem}")
    server = _server(svc, args.server)
    password = _read_secret(args, f"Password for {args.email.strip()}: ")
    result = svc.sign_in(server, args.email, password)
    out.write(f"Signed in as {result.email} on {server.api_url}.\n")
    from .sync_cli import after_login

    after_login(svc, args.data_dir, keep_local=args.keep_local, out=out)
    return 0


def cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    st = svc.status()
    if args.json:
        json.dump(st.to_json(), out)
        out.write("\n")
        return 0
    out.write(st.describe() + "\n")
    if st.signed_in and not st.remembered:
        out.write("(this sign-in lasts until the window closes: no secure store)\n")
    return 0


def cmd_logout(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    st = svc.status()
    if st.email is None or (not st.signed_in and not st.needs_sign_in):
        out.write("Not signed in.\n")
        return 0
    from .sync_cli import before_logout

    before_logout(svc, args.data_dir, remove_local=args.remove_local, out=out)
    svc.sign_out(everywhere=args.everywhere)
    where = " everywhere" if args.everywhere else ""
    kept = "removed from" if args.remove_local else "kept on"
    out.write(f"Signed out{where} ({st.email}). The account's calendars are {kept} this "
              "computer.\n")
    return 0


def cmd_delete(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    st = svc.status()
    if not st.signed_in:
        raise AccountCliError("not signed in: sign in to the account you want to delete")
    if not args.yes:
        if not sys.stdin.isatty():
            raise AccountCliError("deleting an account needs --yes (no terminal to ask on)")
        answer = input(f"Delete the Aurora account {st.email} on {st.server} and all its "
                       "calendars on the server? This cannot be undone. Type 'delete': ")
        if answer.strip().lower() != "delete":
            out.write("Nothing was deleted.\n")
            return 1
    from .sync_cli import after_delete

    identity = svc.identity
    svc.delete_account()
    after_delete(identity, args.data_dir)
    out.write(f"Deleted the account {st.email} and its data on {st.server}. The calendars on "
              "this computer stay.\n")
    return 0


def cmd_forgot(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    server = _server(svc, args.server)
    if not args.code:
        where = svc.forgot_password(server, args.email)
        out.write(f"If {args.email.strip().lower()} has an account, a code was sent to "
                  f"{where}.\nSet a new password with: aurora account forgot-password --server "
                  f"{server.api_url} --email {args.email.strip()} --code CODE\n")
        return 0
    password = _read_secret(args, f"New password ({server.password_policy.describe()}): ",
                            repeat=True)
    svc.reset_password(server, args.email, args.code, password)
    out.write("The password was changed. Sign in with the new one.\n")
    return 0


def cmd_change_password(args: argparse.Namespace, out: TextIO) -> int:
    svc = make_account_service(args.data_dir)
    st = svc.status()
    if not st.signed_in:
        raise AccountCliError("not signed in")
    old = _read_secret(args, "Current password: ")
    new = _read_secret(args, "New password: ", repeat=True)
    svc.change_password(old, new)
    out.write("The password was changed.\n")
    return 0


def add_account_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    acc = sub.add_parser("account", parents=[common], help="your Aurora account (sign in to sync)")
    cmds = acc.add_subparsers(dest="account_command", metavar="ACTION", required=True)

    def with_server(p: argparse.ArgumentParser) -> None:
        p.add_argument("--server", required=True, metavar="URL", help="the server's API URL")
        p.add_argument("--email", required=True, metavar="EMAIL")

    def with_password(p: argparse.ArgumentParser) -> None:
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input (one line)")

    p = cmds.add_parser("signup", parents=[common], help="create an account")
    with_server(p)
    with_password(p)
    p.set_defaults(func=cmd_signup)
    p = cmds.add_parser("confirm", parents=[common], help="confirm a new account with the code")
    with_server(p)
    p.add_argument("--code", required=True)
    p.set_defaults(func=cmd_confirm)
    p = cmds.add_parser("resend-code", parents=[common], help="email a new confirmation code")
    with_server(p)
    p.set_defaults(func=cmd_resend)
    p = cmds.add_parser("login", parents=[common], help="sign in")
    with_server(p)
    with_password(p)
    p.add_argument("--keep-local", action="store_true",
                   help="keep this computer's calendars here only (default: add them to the "
                        "account)")
    p.set_defaults(func=cmd_login)
    p = cmds.add_parser("status", parents=[common], help="who is signed in, to which server")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    p = cmds.add_parser("logout", parents=[common], help="sign out on this computer")
    p.add_argument("--everywhere", action="store_true",
                   help="also end the sign-in on every other computer")
    p.add_argument("--remove-local", action="store_true",
                   help="remove the account's calendars from this computer (default: keep a "
                        "copy here)")
    p.set_defaults(func=cmd_logout)
    p = cmds.add_parser("delete", parents=[common], help="delete the account and its server data")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_delete)
    p = cmds.add_parser("forgot-password", parents=[common],
                        help="email a reset code; with --code, set a new password")
    with_server(p)
    p.add_argument("--code")
    with_password(p)
    p.set_defaults(func=cmd_forgot)
    p = cmds.add_parser("change-password", parents=[common], help="change the password")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the current and the new password from standard input (2 lines)")
    p.set_defaults(func=cmd_change_password)


ERRORS: tuple[type[Exception], ...] = (AccountCliError, AuthError)
