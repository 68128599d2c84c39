"""The whole backend on 127.0.0.1: moto + the HTTP front + the dispatcher schedule.

``LocalStack(data_dir).start()`` brings up (or, with saved state, brings
back) the table, user pool and client defined in template.yaml, serves the
API and Cognito on one port, runs the dispatcher every minute and copies
every email it sends into ``data_dir/outbox/*.eml``.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from aurora_cloud.accounts import CognitoAccounts
from aurora_cloud.api.app import ApiApp
from aurora_cloud.cursor import Cursors, local_key, table_epoch
from aurora_cloud.limits import Limit, Limits
from aurora_cloud.local.cognito import CognitoProxy, PoolRules
from aurora_cloud.local.front import Front, JwtVerifier, RateLimiter
from aurora_cloud.local.moto_state import MotoServer
from aurora_cloud.local.template import Template
from aurora_cloud.local.tokens import TokenSigner
from aurora_cloud.local.web import WebFiles
from aurora_cloud.logic import Service
from aurora_cloud.reminders.dispatcher import CognitoDirectory, Dispatcher, RunReport, SesMailer
from aurora_cloud.reminders.render import Email
from aurora_cloud.settings import Settings, function_environment
from aurora_cloud.storage import Storage
from aurora_cloud.suppression import SuppressionList, record
from aurora_core import wire

REGION = "us-east-1"
SAVE_QUIET = 2.0  # seconds without a write before the state is saved (saving stalls requests)
SAVE_LATEST = 30.0  # ... but never later than this after the first unsaved write
ACCOUNT = "123456789012"
STACK_FILE = "stack.json"


def keep_local() -> None:
    """Never let a proxy variable send 127.0.0.1 traffic elsewhere; no real AWS creds."""
    for name in ("NO_PROXY", "no_proxy"):
        current = [p for p in os.environ.get(name, "").split(",") if p]
        for host in ("127.0.0.1", "localhost"):
            if host not in current:
                current.append(host)
        os.environ[name] = ",".join(current)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


# SES's mailbox simulator: mail to these bounces hard / draws a complaint
SIMULATOR = {"bounce@simulator.amazonses.com": "Bounce",
             "complaint@simulator.amazonses.com": "Complaint"}


class OutboxMailer:
    """Sends through (moto's) SES and keeps a copy of every message as an .eml file.

    With ``suppressions`` it also plays SES's part in the suppression list (which moto
    lacks): mail to a suppressed address is dropped (SES's account-level list; no
    .eml), and mail to SES's simulator addresses produces the bounce or complaint
    event that SuppressionFunction records in AWS."""

    def __init__(self, ses: Any, outbox: Path, echo: Callable[[str], None] | None = None,
                 suppressions: SuppressionList | None = None) -> None:
        self.ses = SesMailer(ses)
        self.outbox = outbox
        self.echo = echo  # the console of `aurora-cloud local`: a line per message
        self.suppressions = suppressions
        outbox.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._n = 0

    def send(self, email: Email) -> None:
        if self.suppressions is not None and self.suppressions.contains(email.to):
            if self.echo is not None:
                self.echo(f"mail to {email.to} dropped: the address is on the suppression list")
            return
        self.ses.send(email)
        kind = SIMULATOR.get(email.to.strip().lower())
        if self.suppressions is not None and kind is not None:
            recipient = [{"emailAddress": email.to}]
            message = ({"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
                                                          "bouncedRecipients": recipient}}
                       if kind == "Bounce" else
                       {"eventType": "Complaint",
                        "complaint": {"complainedRecipients": recipient}})
            record({"Records": [{"Sns": {"Message": json.dumps(message)}}]}, self.suppressions)
        if self.echo is not None:
            first = next((line for line in email.text.splitlines() if line.strip()), "")
            self.echo(f"mail to {email.to}: {email.subject}: {first[:200]}")
        data = email.to_bytes()
        with self._lock:
            self._n += 1
            n = self._n
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{n:05d}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.outbox / (name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(self.outbox / name)


class LocalAccounts:
    """The API's user directory in the local stack: Cognito's admin calls on moto, and
    the proxy forgets what it keeps of a deleted or signed-out user."""

    def __init__(self, cognito: CognitoAccounts, proxy: CognitoProxy) -> None:
        self.cognito = cognito
        self.proxy = proxy

    def sign_out_everywhere(self, username: str) -> None:
        self.cognito.sign_out_everywhere(username)
        self.proxy.revoke_user(username)

    def delete_user(self, username: str) -> None:
        self.cognito.delete_user(username)
        self.proxy.forget_user(username)


class LocalStack:
    """See the module docstring. ``clock`` drives the API, the dispatcher and the
    tokens' ``iat``/``exp`` (tests pin it); ``access_token_seconds`` overrides the
    template's AccessTokenValidity (and IdTokenValidity), e.g. 3 s in tests.

    Limits are the template's: per user (UserRateLimit/UserBurstLimit) and per
    source IP on the public routes (PublicRateLimit/PublicBurstLimit) in the API,
    as in AWS, and the stage's per-route backstop (DefaultRouteSettings) in the
    front. ``rate``/``burst`` override the per-user numbers; ``rate=0`` turns
    every limit off (tests that flood one user on purpose, benches)."""

    def __init__(self, data_dir: Path, *, port: int = 0,
                 clock: Callable[[], datetime] | None = None, schedule: bool = True,
                 rate: float | None = None, burst: int | None = None, api_containers: int = 4,
                 sync_settle_seconds: float = 2.0, quiet: bool = True,
                 access_token_seconds: int | None = None, echo_mail: bool = False,
                 fsync: bool = True, web_dist: Path | None = None) -> None:
        self.quiet = quiet
        # the web app's files at /app/: web_dist, else $AURORA_WEB_DIST, else <repo>/web/dist
        self.web = WebFiles(web_dist)
        self.echo_mail = echo_mail  # print a line per email sent (codes!) on the console
        self.access_token_seconds = access_token_seconds  # None: the template's validity
        self.data_dir = Path(data_dir)
        self.port = port
        self.clock = clock or (lambda: datetime.now(UTC))
        self.schedule = schedule
        self.rate, self.burst = rate, burst
        self.api_containers = api_containers
        self.sync_settle_seconds = sync_settle_seconds
        self.outbox = self.data_dir / "outbox"
        # fsync=False: an answered write survives kill -9 of the stack, not a power cut
        self.moto = MotoServer(ACCOUNT, REGION, fsync=fsync)
        self.template = Template(region=REGION, account=ACCOUNT)
        self._server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._last_write = 0.0  # time.monotonic() of the last write
        self._first_unsaved = 0.0  # ... of the first write since the last save
        self.ids: dict[str, str] = {}
        self.dispatcher: Dispatcher | None = None
        self.storage: Storage | None = None

    # -- lifecycle --------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def session(self) -> boto3.Session:
        """A session on the stack's moto (its clients carry the port's secret)."""
        session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local",
                                region_name=REGION)
        self.moto.add_secret(session.events)
        return session

    def client(self, service: str, *, in_process: bool = False) -> Any:
        """A boto3 client on moto (over HTTP on 127.0.0.1, or ``in_process``)."""
        if not in_process:
            return self.session().client(service, endpoint_url=self.moto.url,
                                         config=Config(max_pool_connections=32,
                                                       retries={"max_attempts": 2}))
        # moto checks neither signatures nor (here) parameters twice: skip both.
        client = self.session().client(service, endpoint_url=self.moto.url, config=Config(
            retries={"max_attempts": 1}, parameter_validation=False,
            signature_version=UNSIGNED))
        return self.moto.attach_in_process(client)

    def start(self) -> LocalStack:
        keep_local()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        restored = self.moto.restore(self.data_dir)
        self.moto.start()
        stack_file = self.data_dir / STACK_FILE
        if restored and stack_file.exists():
            self.ids = json.loads(stack_file.read_text("utf-8"))
            self.template.refs.update({"Table": self.ids["table"],
                                       "UserPool": self.ids["user_pool_id"],
                                       "UserPoolClient": self.ids["client_id"]})
        else:
            self.ids = self.template.create_all(self.session(), self.moto.url)
            self.client("ses").verify_email_identity(EmailAddress=self.sender)
            stack_file.write_text(json.dumps(self.ids, indent=2), "utf-8")
            self.moto.snapshot(self.data_dir)
        # What template.yaml gives the dispatcher function, read as the Lambdas read it
        self.settings = Settings.from_env(function_environment(self.template,
                                                               "DispatcherFunction"))
        self.storage = self.settings.storage(self.client("dynamodb", in_process=True))
        mailer = OutboxMailer(self.client("ses", in_process=True), self.outbox,
                              echo=(lambda line: print(line, flush=True)) if self.echo_mail
                              else None,
                              suppressions=SuppressionList(self.client("dynamodb",
                                                                       in_process=True),
                                                           self.ids["table"]))
        self.dispatcher = Dispatcher(
            self.storage, mailer,
            CognitoDirectory(self.client("cognito-idp", in_process=True),
                             self.ids["user_pool_id"]),
            sender=self.sender, clock=self.clock, settings=self.settings)
        pool_res = self.template.resource("UserPool")["Properties"]
        verification = pool_res.get("VerificationMessageTemplate", {})
        client_res = self.template.resource("UserPoolClient")["Properties"]
        policy = self.template.password_policy()
        rules = PoolRules(
            allowed_flows=frozenset(client_res.get("ExplicitAuthFlows", [])),
            password_policy=policy,
            prevent_user_existence_errors=client_res.get(
                "PreventUserExistenceErrors") == "ENABLED",
            access_token_seconds=self.template.token_seconds("AccessToken"),
            id_token_seconds=self.template.token_seconds("IdToken"),
            refresh_token_seconds=self.template.token_seconds("RefreshToken"),
            email_subject=str(verification.get("EmailSubject", "Your confirmation code")),
            email_message=str(verification.get("EmailMessage",
                                               "Your confirmation code is {####}")),
            verify_before_update=frozenset((pool_res.get("UserAttributeUpdateSettings") or {})
                                           .get("AttributesRequireVerificationBeforeUpdate",
                                                [])))
        self.signer = TokenSigner(self.data_dir)
        self.cognito = cognito = CognitoProxy(
            self.moto.url, self.ids["user_pool_id"], self.ids["client_id"],
            self.data_dir / "cognito-local.json", mailer.send, self.sender, rules,
            self.signer, clock=lambda: self.clock().timestamp(),
            token_seconds=self.access_token_seconds, moto_secret=self.moto.secret)
        accounts = LocalAccounts(CognitoAccounts(self.client("cognito-idp", in_process=True),
                                                 self.ids["user_pool_id"]), cognito)
        # The server must exist before the config can name its URL: bind first.
        holder: dict[str, Front] = {}

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            return holder["front"](environ, start_response)

        self._server = make_server("127.0.0.1", self.port, app, threaded=True,
                                   request_handler=_QuietHandler if self.quiet else None)
        config = wire.ServerConfig(region=REGION, user_pool_id=self.ids["user_pool_id"],
                                   client_id=self.ids["client_id"], cognito_endpoint=self.url,
                                   password_policy=policy)
        # The cursor key is this data folder's (DIR/cursor-key); the epoch is the table's,
        # computed as the API function computes it in AWS.
        self.cursors = Cursors(local_key(self.data_dir), table_epoch(
            self.client("dynamodb", in_process=True).describe_table(TableName=self.ids["table"]),
            str(self.template.parameter("CursorEpoch"))))
        self.limits = self._limits()
        apis: queue.Queue[ApiApp] = queue.Queue()
        for _ in range(self.api_containers):
            service = Service(self.storage, clock=self.clock,
                              sync_settle=timedelta(seconds=self.sync_settle_seconds),
                              accounts=accounts, cursors=self.cursors)
            apis.put(ApiApp(service, config, metrics=False, limits=self.limits))
        issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{self.ids['user_pool_id']}"
        front = Front(self.template.routes(), apis, JwtVerifier(
            self.signer.jwks, issuer, self.ids["client_id"],
            clock=lambda: self.clock().timestamp()),
            cognito, self.signer.jwks, self.ids["user_pool_id"],
            self._stage_limiter(), on_write=self._wrote, web=self.web)
        front.lambda_timeout = self.template.function_timeout("ApiFunction")  # as in AWS
        holder["front"] = front
        self._spawn("aurora-front", self._server.serve_forever)
        self._spawn("aurora-saver", self._saver)
        if self.schedule:
            self._spawn("aurora-dispatcher", self._every_minute)
        return self

    def limit_numbers(self) -> tuple[Limit, Limit] | None:
        """(per user, per source IP): the template's numbers (``rate``/``burst`` override
        the user's); None when ``rate`` is 0."""
        if self.rate == 0:
            return None
        p = self.template.parameter
        user = Limit(float(p("UserRateLimit") if self.rate is None else self.rate),
                     int(p("UserBurstLimit") if self.burst is None else self.burst))
        return user, Limit(float(p("PublicRateLimit")), int(p("PublicBurstLimit")))

    def _limits(self) -> Limits | None:
        """The API's per-caller limits on the stack's table, on the stack's clock."""
        numbers = self.limit_numbers()
        if numbers is None:
            return None
        assert self.storage is not None
        return Limits(self.storage, *numbers, salt=self.cursors.derive("limits"),
                      clock_ms=lambda: int(self.clock().timestamp() * 1000))

    def _stage_limiter(self) -> RateLimiter:
        """API Gateway's stage throttling: per route, all callers together."""
        if self.rate == 0:
            return RateLimiter(0, 1)
        props = self.template.resource("HttpApi")["Properties"]["DefaultRouteSettings"]
        return RateLimiter(float(props["ThrottlingRateLimit"]),
                           int(props["ThrottlingBurstLimit"]))

    @property
    def sender(self) -> str:
        return str(self.template.parameter("SenderEmail"))

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        """Stop serving, save the state, stop moto. Safe to call twice."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for t in self._threads:
            t.join(timeout=30)
        self._threads.clear()
        if self._server is not None:
            self.moto.snapshot(self.data_dir)
            self._server = None
        self.moto.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- background work --------------------------------------------------

    def _wrote(self) -> None:
        now = time.monotonic()
        if not self._dirty.is_set():
            self._first_unsaved = now
        self._last_write = now
        self._dirty.set()

    def _saver(self) -> None:
        """Save the state once writes pause for :data:`SAVE_QUIET` seconds (at the latest
        :data:`SAVE_LATEST` seconds after the first unsaved write): a snapshot holds moto's
        lock while it pickles everything (~0.2 s at 10,000 events), so it is taken
        between bursts of requests rather than every few seconds inside one."""
        while not self._stop.wait(0.25):
            if not self._dirty.is_set():
                continue
            now = time.monotonic()
            if now - self._last_write >= SAVE_QUIET or now - self._first_unsaved >= SAVE_LATEST:
                self._dirty.clear()
                self.moto.snapshot(self.data_dir)

    def _every_minute(self) -> None:
        while True:
            delay = 60.0 - (time.time() % 60.0) + 1.0  # just after each minute starts
            if self._stop.wait(delay):
                return
            try:
                self.run_dispatcher()
            except Exception as exc:  # keep the schedule alive, like EventBridge would
                print(f"dispatcher run failed: {exc!r}", flush=True)

    def run_dispatcher(self) -> RunReport:
        """One dispatcher run now (what the schedule does every minute)."""
        assert self.dispatcher is not None
        report = self.dispatcher.run()
        self._wrote()
        return report

    def config(self) -> dict[str, str]:
        return {"api_url": self.url, "region": REGION,
                "user_pool_id": self.ids["user_pool_id"], "client_id": self.ids["client_id"],
                "cognito_endpoint": self.url, "outbox": str(self.outbox),
                "web_url": f"{self.url}/app/", "web_dist": str(self.web.dist)}
