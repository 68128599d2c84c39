"""The Aurora account of one desktop data folder: sign up, sign in, stay signed in, sign out.

Qt-free and thread-safe (the window calls it from worker threads, sync from
its own). What it keeps:

- ``<data dir>/account.json``: the server (its ``/config``), the email and
  the Cognito ``sub`` of the account, and whether it is signed in. No token,
  no password, ever.
- the refresh token in the OS secure store (:class:`SecretStore`), keyed by
  server and user; when the machine has none, in memory for this run only
  (the window) or not at all (the command line refuses to sign in);
- access and ID tokens in memory, refreshed ahead of expiry and once more
  when the API answers 401.

A refresh the server refuses (revoked, expired, user deleted) moves the
account to "signed out, sign in again": the record stays (so the window can
offer to sign in to the same account) and nothing local is touched.

Every failure is an :class:`AuthError` with a sentence for the user.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import errors as E
from .errors import AuthError, client_error_parts, from_cognito, unreachable
from .secrets import NoSecureStore, SecretStore
from .server import TIMEOUT, ServerInfo, fetch_server, normalise_url
from .tokens import Tokens, claims

__all__ = ["AccountService", "AccountStatus", "SignInResult"]

log = logging.getLogger("aurora.auth")

ACCOUNT_FILE = "account.json"
DELETE_ROUNDS = 200  # DELETE /me answers 202 while more remains; each round is bounded


@dataclass(frozen=True)
class AccountStatus:
    """What the status bar and ``aurora account status`` show."""

    signed_in: bool
    email: str | None = None
    server: str | None = None
    sub: str | None = None
    needs_sign_in: bool = False  # was signed in; the sign-in ended (refused refresh, no store)
    remembered: bool = False  # the sign-in survives a restart (refresh token in the store)
    secure_store_problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in, "email": self.email, "server": self.server,
                "user": self.sub, "needs_sign_in": self.needs_sign_in,
                "remembered": self.remembered, "secure_store": self.secure_store_problem is None}

    def describe(self) -> str:
        if self.signed_in:
            return f"Signed in as {self.email} on {self.server}"
        if self.needs_sign_in:
            return f"Signed out ({self.email}): sign in again to sync"
        return "Not signed in: this computer's calendars only"


@dataclass(frozen=True)
class SignInResult:
    email: str
    sub: str
    remembered: bool
    store_problem: str | None = None


@dataclass
class _Record:
    server: ServerInfo
    email: str
    sub: str = ""
    state: str = "signed_out"  # "signed_in" | "expired" | "signed_out"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "server": self.server.to_json(), "email": self.email,
                "sub": self.sub, "state": self.state, **self.extra}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Record:
        srv = data["server"]
        server = ServerInfo.from_config(str(srv["api_url"]), srv)
        extra = {k: v for k, v in data.items()
                 if k not in ("version", "server", "email", "sub", "state")}
        return cls(server, str(data["email"]), str(data.get("sub", "")),
                   str(data.get("state", "signed_out")), extra)


class AccountService:
    """The account of one data folder. See the module docstring.

    ``clock`` gives epoch seconds (tests move it); ``cognito`` builds the
    boto3 ``cognito-idp`` client for a server (tests may wrap it).
    ``allow_memory_only``: with no secure store, keep the refresh token in
    memory for this run (the window) instead of refusing (the command line).
    """

    def __init__(self, data_dir: Path, secrets: SecretStore | None = None, *,
                 clock: Callable[[], float] = time.time,
                 cognito: Callable[[ServerInfo], Any] | None = None,
                 allow_memory_only: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.secrets = secrets or SecretStore()
        self.clock = clock
        self._make_cognito = cognito or _cognito_client
        self.allow_memory_only = allow_memory_only
        self._lock = threading.RLock()
        self._tokens: Tokens | None = None
        self._memory_refresh: str | None = None  # only when there is no secure store
        self._clients: dict[str, Any] = {}
        self._http: Any = None
        self._listeners: list[Callable[[AccountStatus], None]] = []
        self._record = self._read_record()

    # ------------------------------------------------------------ record

    @property
    def path(self) -> Path:
        return self.data_dir / ACCOUNT_FILE

    def _read_record(self) -> _Record | None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return _Record.from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AuthError) as exc:
            log.warning("ignoring an unreadable %s: %s", self.path, type(exc).__name__)
            return None

    def _write_record(self) -> None:
        rec = self._record
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if rec is None:
                self.path.unlink(missing_ok=True)
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(rec.to_json(), indent=2), "utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise AuthError(E.SERVER, f"Cannot save the account in {self.data_dir}: "
                                      f"{exc.strerror or exc}.") from None

    def reload(self) -> None:
        """Re-read account.json (another process may have signed in or out)."""
        with self._lock:
            rec = self._read_record()
            if rec is None or self._record is None or rec.sub != self._record.sub or \
                    rec.server.api_url != self._record.server.api_url or rec.state != "signed_in":
                self._tokens = None
                self._memory_refresh = None if rec is None or rec.state != "signed_in" \
                    else self._memory_refresh
            self._record = rec
        self._emit()

    # ------------------------------------------------------------ status

    def subscribe(self, listener: Callable[[AccountStatus], None]) -> None:
        """``listener(status)`` after every change of status (from any thread)."""
        self._listeners.append(listener)

    def _emit(self) -> None:
        st = self.status()
        for fn in list(self._listeners):
            try:
                fn(st)
            except Exception:  # a listener's bug must not break signing in
                log.exception("account listener failed")

    def status(self) -> AccountStatus:
        with self._lock:
            rec = self._record
            problem = self.secrets.problem()
            if rec is None:
                return AccountStatus(False, secure_store_problem=problem)
            server = rec.server.api_url
            if rec.state == "signed_in":
                refresh = self._refresh_token()
                if refresh is not None or self._tokens is not None:
                    return AccountStatus(True, rec.email, server, rec.sub,
                                         remembered=self._memory_refresh is None,
                                         secure_store_problem=problem)
                return AccountStatus(False, rec.email, server, rec.sub, needs_sign_in=True,
                                     secure_store_problem=problem)
            return AccountStatus(False, rec.email, server, rec.sub,
                                 needs_sign_in=rec.state == "expired",
                                 secure_store_problem=problem)

    @property
    def server(self) -> ServerInfo | None:
        return self._record.server if self._record else None

    @property
    def identity(self) -> tuple[str, str] | None:
        """(server URL, sub) of the signed-in (or last) account, or None."""
        rec = self._record
        return (rec.server.api_url, rec.sub) if rec and rec.sub else None

    def last_used(self) -> tuple[str, str]:
        """(server URL, email) to pre-fill the sign-in form with ('' when none)."""
        rec = self._record
        return (rec.server.api_url, rec.email) if rec else ("", "")

    # --------------------------------------------------------- plumbing

    def connect(self, api_url: str) -> ServerInfo:
        """Ask the server (by its API URL) how to sign in. Network."""
        return fetch_server(normalise_url(api_url), self._session(api_url))

    def _session(self, url: str) -> Any:
        import requests

        if self._http is None:
            self._http = requests.Session()
            self._http.trust_env = False
        if url.startswith("https://"):
            self._http.trust_env = True
        return self._http

    def _idp(self, server: ServerInfo) -> Any:
        key = f"{server.cognito_endpoint}|{server.region}"
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._make_cognito(server)
            return client

    @contextlib.contextmanager
    def _cognito(self, server: ServerInfo, operation: str, email: str = "") -> Iterator[Any]:
        """Run Cognito calls; turn every failure into an AuthError sentence."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield self._idp(server)
        except ClientError as exc:
            code, message = client_error_parts(exc)
            log.info("cognito %s failed: %s", operation, code)
            raise from_cognito(code, message, email=email, operation=operation) from None
        except BotoCoreError:
            raise unreachable(server.api_url) from None

    def keyring_user(self, sub: str) -> str:
        """The keyring user for ``sub`` in this data folder: two folders on one computer
        (two profiles) each keep their own sign-in, and signing out of one leaves the other."""
        import hashlib

        folder = hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:12]
        return f"{sub}|{folder}"

    def _refresh_token(self) -> str | None:
        rec = self._record
        if rec is None or not rec.sub:
            return None
        if self._memory_refresh is not None:
            return self._memory_refresh
        return self.secrets.load(rec.server.api_url, self.keyring_user(rec.sub))

    # ------------------------------------------------------- user flows

    def sign_up(self, server: ServerInfo, email: str, password: str) -> str:
        """Create an account; a code is emailed. Returns where it was sent."""
        email = _clean_email(email)
        server.password_policy.check(password)
        with self._cognito(server, "SignUp", email) as idp:
            resp = idp.sign_up(ClientId=server.client_id, Username=email, Password=password,
                               UserAttributes=[{"Name": "email", "Value": email}])
        self._remember_server(server, email)
        return str((resp.get("CodeDeliveryDetails") or {}).get("Destination") or email)

    def confirm(self, server: ServerInfo, email: str, code: str) -> None:
        email = _clean_email(email)
        code = _clean_code(code)
        with self._cognito(server, "ConfirmSignUp", email) as idp:
            idp.confirm_sign_up(ClientId=server.client_id, Username=email,
                                ConfirmationCode=code)

    def resend_code(self, server: ServerInfo, email: str) -> str:
        email = _clean_email(email)
        with self._cognito(server, "ResendConfirmationCode", email) as idp:
            resp = idp.resend_confirmation_code(ClientId=server.client_id, Username=email)
        return str((resp.get("CodeDeliveryDetails") or {}).get("Destination") or email)

    def forgot_password(self, server: ServerInfo, email: str) -> str:
        email = _clean_email(email)
        with self._cognito(server, "ForgotPassword", email) as idp:
            resp = idp.forgot_password(ClientId=server.client_id, Username=email)
        return str((resp.get("CodeDeliveryDetails") or {}).get("Destination") or email)

    def reset_password(self, server: ServerInfo, email: str, code: str, password: str) -> None:
        email = _clean_email(email)
        code = _clean_code(code)
        server.password_policy.check(password)
        with self._cognito(server, "ConfirmForgotPassword", email) as idp:
            idp.confirm_forgot_password(ClientId=server.client_id, Username=email,
                                        ConfirmationCode=code, Password=password)

    def sign_in(self, server: ServerInfo, email: str, password: str) -> SignInResult:
        """SRP sign-in (USER_SRP_AUTH); keeps the refresh token in the secure store.

        With no secure store: raises AuthError(no_secure_store) when
        ``allow_memory_only`` is off, otherwise signs in for this run only
        (``SignInResult.remembered`` False, ``store_problem`` says why).
        """
        from pycognito.aws_srp import AWSSRP

        email = _clean_email(email)
        if not password:
            raise AuthError(E.INVALID, "Type your password.")
        problem = self.secrets.problem()
        if problem is not None and not self.allow_memory_only:
            raise AuthError(E.NO_SECURE_STORE, f"Cannot stay signed in: {problem}.")
        from botocore.exceptions import BotoCoreError, ClientError

        with self._cognito(server, "InitiateAuth", email) as idp:
            srp = AWSSRP(username=email, password=password, pool_id=server.user_pool_id,
                         client_id=server.client_id, client=idp)
            try:
                resp = srp.authenticate_user()
            except (ClientError, BotoCoreError):
                raise
            except Exception as exc:  # pycognito's challenge exceptions (MFA, new password)
                raise AuthError(E.SERVER, "This account needs a sign-in step Aurora Time does "
                                          f"not support ({type(exc).__name__}).") from None
        result = resp.get("AuthenticationResult") or {}
        if "AccessToken" not in result or "RefreshToken" not in result:
            raise AuthError(E.SERVER, "The sign-in service did not return a session.")
        tokens = Tokens.from_result(result, self.clock())
        sub = tokens.sub or str(claims(tokens.id).get("sub", ""))
        if not sub:
            raise AuthError(E.SERVER, "The sign-in service returned a session without a user.")
        refresh = str(result["RefreshToken"])
        with self._lock:
            previous = self._record
            remembered = True
            try:
                self.secrets.save(server.api_url, self.keyring_user(sub), refresh)
                self._memory_refresh = None
            except NoSecureStore as exc:
                if not self.allow_memory_only:
                    raise AuthError(E.NO_SECURE_STORE, f"Cannot stay signed in: {exc}.") from None
                problem = str(exc)
                remembered = False
                self._memory_refresh = refresh
            if previous is not None and previous.sub and (
                    previous.sub != sub or previous.server.api_url != server.api_url):
                with contextlib.suppress(NoSecureStore):
                    self.secrets.delete(previous.server.api_url, self.keyring_user(previous.sub))
            extra = previous.extra if previous is not None and previous.sub == sub else {}
            self._record = _Record(server, email, sub, "signed_in", dict(extra))
            self._tokens = tokens
            self._write_record()
        self._emit()
        return SignInResult(email, sub, remembered, None if remembered else problem)

    def change_password(self, old: str, new: str) -> None:
        rec = self._require()
        rec.server.password_policy.check(new)
        token = self.access_token()
        with self._cognito(rec.server, "ChangePassword", rec.email) as idp:
            idp.change_password(PreviousPassword=old, ProposedPassword=new, AccessToken=token)

    def sign_out(self, *, everywhere: bool = False) -> None:
        """Forget the sign-in here (revoking the refresh token when the server is reachable).

        ``everywhere``: also end every other session of the account
        (``POST /me/signout``); that needs the server and raises if it fails.
        """
        with self._lock:
            rec = self._record
            refresh = self._refresh_token()
        if rec is None:
            return
        if everywhere:
            resp = self.request("POST", "/me/signout")
            if resp.status_code not in (200, 202, 204):
                raise _api_error(resp, rec.server.api_url)
        if refresh:
            try:
                with self._cognito(rec.server, "RevokeToken", rec.email) as idp:
                    idp.revoke_token(Token=refresh, ClientId=rec.server.client_id)
            except AuthError as exc:  # offline or already revoked: signing out still works
                log.info("revoking the refresh token failed: %s", exc.kind)
        with self._lock:
            with contextlib.suppress(NoSecureStore):
                if rec.sub:
                    self.secrets.delete(rec.server.api_url, self.keyring_user(rec.sub))
            self._memory_refresh = None
            self._tokens = None
            rec.state = "signed_out"
            self._write_record()
        self._emit()

    def delete_account(self) -> None:
        """Delete the account and everything of it on the server, then sign out here."""
        rec = self._require()
        for _ in range(DELETE_ROUNDS):
            resp = self.request("DELETE", "/me")
            if resp.status_code == 204:
                break
            if resp.status_code != 202:
                raise _api_error(resp, rec.server.api_url)
        else:
            raise AuthError(E.SERVER, "The server did not finish deleting the account; try "
                                      "again (what is deleted stays deleted).")
        with self._lock:
            with contextlib.suppress(NoSecureStore):
                self.secrets.delete(rec.server.api_url, self.keyring_user(rec.sub))
            self._memory_refresh = None
            self._tokens = None
            self._record = _Record(rec.server, rec.email, "", "signed_out")
            self._write_record()
        self._emit()

    def _remember_server(self, server: ServerInfo, email: str) -> None:
        """Keep the server and email for the next form (not when someone is signed in)."""
        with self._lock:
            if self._record is None or self._record.state != "signed_in":
                self._record = _Record(server, email, "", "signed_out")
                self._write_record()

    def _require(self) -> _Record:
        rec = self._record
        if rec is None or rec.state != "signed_in":
            raise AuthError(E.SIGNED_OUT, "You are not signed in to an Aurora account.")
        return rec

    # ------------------------------------------------------------ tokens

    def access_token(self) -> str:
        """A valid access token, refreshed first when it is about to expire."""
        with self._lock:
            rec = self._require()
            if self._tokens is not None and self._tokens.fresh(self.clock()):
                return self._tokens.access
            return self._refresh(rec)

    def refresh(self) -> str:
        """Refresh now (after a 401); AuthError(signed_out) when the server refuses."""
        with self._lock:
            return self._refresh(self._require())

    def _refresh(self, rec: _Record) -> str:
        refresh = self._refresh_token()
        if refresh is None:
            self._expire(rec)
            raise AuthError(E.SIGNED_OUT, "Your sign-in was not kept on this computer. Sign in "
                                          "again; nothing on this computer was lost.")
        try:
            with self._cognito(rec.server, "REFRESH", rec.email) as idp:
                resp = idp.initiate_auth(ClientId=rec.server.client_id,
                                         AuthFlow="REFRESH_TOKEN_AUTH",
                                         AuthParameters={"REFRESH_TOKEN": refresh})
        except AuthError as exc:
            if exc.kind == E.SIGNED_OUT or exc.kind == E.UNKNOWN_USER:
                self._expire(rec)
                raise AuthError(E.SIGNED_OUT, from_cognito("NotAuthorizedException", "",
                                                           operation="REFRESH").message) from None
            raise
        result = resp.get("AuthenticationResult") or {}
        if "AccessToken" not in result:
            raise AuthError(E.SERVER, "The sign-in service did not renew the session.")
        self._tokens = Tokens.from_result(result, self.clock())
        new_refresh = result.get("RefreshToken")
        if new_refresh and new_refresh != refresh:  # rotation: keep the new one first
            if self._memory_refresh is not None:
                self._memory_refresh = str(new_refresh)
            else:
                with contextlib.suppress(NoSecureStore):
                    self.secrets.save(rec.server.api_url, self.keyring_user(rec.sub), str(new_refresh))
        return self._tokens.access

    def _expire(self, rec: _Record) -> None:
        """The server ended the sign-in: signed out, sign in again. Data stays."""
        with contextlib.suppress(NoSecureStore):
            self.secrets.delete(rec.server.api_url, self.keyring_user(rec.sub))
        self._memory_refresh = None
        self._tokens = None
        rec.state = "expired"
        with contextlib.suppress(AuthError):
            self._write_record()
        self._emit()

    # -------------------------------------------------------------- HTTP

    def request(self, method: str, path: str, *, json_body: Any = None,
                headers: dict[str, str] | None = None, params: dict[str, str] | None = None,
                data: bytes | None = None, timeout: tuple[float, float] = TIMEOUT) -> Any:
        """An authorised API request (``requests.Response``). Refreshes once on 401.

        Raises AuthError(unreachable) when the server cannot be reached and
        AuthError(signed_out) when the sign-in has ended.
        """
        import requests

        rec = self._require()
        url = rec.server.api_url + path
        http = self._session(url)

        def send(token: str) -> Any:
            hdrs = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip",
                    **(headers or {})}
            kwargs: dict[str, Any] = {"headers": hdrs, "params": params, "timeout": timeout}
            if json_body is not None:
                kwargs["json"] = json_body
            if data is not None:
                kwargs["data"] = data
            try:
                return http.request(method, url, **kwargs)
            except requests.RequestException:
                raise unreachable(rec.server.api_url) from None

        resp = send(self.access_token())
        if resp.status_code != 401:
            return resp
        resp = send(self.refresh())
        if resp.status_code == 401:
            with self._lock:
                self._expire(rec)
            raise AuthError(E.SIGNED_OUT, "The server no longer accepts this sign-in. Sign in "
                                          "again; nothing on this computer was lost.")
        return resp

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


def _api_error(resp: Any, url: str) -> AuthError:
    try:
        detail = str(resp.json().get("detail") or "")
    except ValueError:
        detail = ""
    if resp.status_code == 429:
        return AuthError(E.TOO_MANY, "The server is busy. Try again in a minute.", retry_after=60)
    if resp.status_code >= 500:
        return AuthError(E.SERVER, f"The server at {url} had a problem ({resp.status_code}). "
                                   "Try again later.")
    return AuthError(E.SERVER, f"The server refused: {detail or resp.status_code}.")


def _clean_email(email: str) -> str:
    e = email.strip()
    if "@" not in e or e.startswith("@") or e.endswith("@") or " " in e or len(e) > 254:
        raise AuthError(E.INVALID, f"{e or 'An empty email'} is not an email address.")
    return e.lower()


def _clean_code(code: str) -> str:
    c = "".join(code.split())
    if not c.isdigit() or not 4 <= len(c) <= 10:
        raise AuthError(E.BAD_CODE, "The code is the 6 digits in the email from Aurora Time.")
    return c


def _cognito_client(server: ServerInfo) -> Any:
    """A boto3 ``cognito-idp`` client for ``server``: unsigned (the app client is public),
    short timeouts, no credentials or config read from the machine."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    session = boto3.session.Session(region_name=server.region)
    return session.client(
        "cognito-idp", endpoint_url=server.cognito_endpoint, region_name=server.region,
        config=Config(signature_version=UNSIGNED, connect_timeout=TIMEOUT[0],
                      read_timeout=TIMEOUT[1], retries={"max_attempts": 2, "mode": "standard"}))
