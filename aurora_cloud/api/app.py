"""The API Lambda: thin Powertools handlers over :class:`aurora_cloud.logic.Service`.

One Router per resource (:mod:`aurora_cloud.api.routes`), included by one resolver
per :class:`ApiApp`. Handlers route, validate bodies with the wire models and query
parameters with their types (:mod:`aurora_cloud.api.queries`), take the user from
the JWT claims the authorizer verified, call the logic and shape responses. Every
error leaves as application/problem+json (RFC 9457).
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from aurora_cloud.api import queries
from aurora_cloud.api.responses import PROBLEM, current_json, problem
from aurora_cloud.api.routes import account, calendars, events, public, reminder_states, sync
from aurora_cloud.errors import AuroraError, InvalidInput, PayloadTooLarge, Unauthorized
from aurora_cloud.limits import Limits
from aurora_cloud.logic import Precondition, Service
from aurora_core import wire

MAX_BODY = 256 * 1024
GZIP_MIN = 1024  # smaller bodies go out as they are (gzip would hardly save anything)
ROUTERS = (public, account, calendars, events, reminder_states, sync)

logger = Logger(service="aurora-api")
M = TypeVar("M", bound=BaseModel)


class ApiApp:
    """One API "container": a resolver bound to a service. Not thread-safe, like Lambda.

    The routers call the methods below to read the request: :meth:`sub` (the
    verified caller), :meth:`public`, :meth:`body`, :meth:`precondition`.
    """

    def __init__(self, service: Service, config: wire.ServerConfig, *,
                 metrics: bool = True, limits: Limits | None = None) -> None:
        self.service = service
        self.config = config
        self.limits = limits  # per user and per source IP (None: none)
        self.metrics = Metrics(namespace="AuroraTime", service="api") if metrics else None
        # Validation: Powertools checks the query parameters a handler declares.
        self.resolver = APIGatewayHttpResolver(enable_validation=True)
        self.resolver.exception_handler(AuroraError)(self._domain)
        self.resolver.exception_handler(PydanticValidationError)(self._invalid_body)
        self.resolver.exception_handler(RequestValidationError)(self._invalid_query)
        self.resolver.not_found(self._not_found)
        for module in ROUTERS:
            self.resolver.include_router(module.router(self))

    def routes(self) -> set[tuple[str, str]]:
        """(method, path as OpenAPI writes it) of every route the resolver answers, for
        the test that holds them against the template and the OpenAPI document
        (Powertools keeps its route lists private; they are read, never changed)."""
        resolver = self.resolver
        return {(r.method, r.openapi_path)
                for r in [*resolver._static_routes, *resolver._dynamic_routes]}

    # -- the request, for the routers -----------------------------------------

    def _claims(self) -> dict[str, Any]:
        ctx = self.resolver.current_event.request_context
        claims: dict[str, Any] = (
            ((ctx.get("authorizer") or {}).get("jwt") or {}).get("claims") or {})
        return claims

    def sub(self) -> str:
        """The verified caller (the JWT's ``sub``), after checking that the token
        was not issued before the user signed out everywhere (one GetItem)."""
        claims = self._claims()
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise Unauthorized("no verified user in the request")
        if self.limits is not None:
            self.limits.check_user(sub)  # 429 with Retry-After (one conditional write)
        self.service.check_session(sub, _number(claims.get("iat")))
        return sub

    def public(self) -> None:
        """A public route: limit the caller per source IP (429 with Retry-After)."""
        if self.limits is not None:
            http = self.resolver.current_event.request_context.get("http") or {}
            self.limits.check_ip(str(http.get("sourceIp") or "unknown"))

    def username(self, sub: str) -> str:
        """The caller's Cognito username (access tokens: ``username``; ID tokens:
        ``cognito:username``); for an email-as-username pool it is the sub."""
        claims = self._claims()
        name = claims.get("username") or claims.get("cognito:username") or sub
        return str(name)

    def _raw_body(self) -> str:
        ev = self.resolver.current_event
        raw = ev.get("body") or ""
        if ev.get("isBase64Encoded"):
            try:
                raw = base64.b64decode(raw).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                raise InvalidInput("the body is not valid UTF-8") from None
        if len(raw.encode("utf-8")) > MAX_BODY:
            raise PayloadTooLarge(f"the body is over {MAX_BODY // 1024} KB")
        return raw

    def body(self, model: type[M]) -> M:
        """The body as ``model`` (400 when it is not one, 413 when too large)."""
        raw = self._raw_body()
        if not raw:
            raise InvalidInput("a JSON body is required")
        try:
            json.loads(raw)
        except (ValueError, RecursionError):
            raise InvalidInput("the body is not valid JSON") from None
        return model.model_validate_json(raw)

    def _header(self, name: str) -> str | None:
        headers = self.resolver.current_event.headers or {}
        for k, v in headers.items():
            if k.lower() == name:
                return str(v)
        return None

    def precondition(self) -> Precondition:
        return Precondition.from_headers(self._header("if-match"), self._header("if-none-match"))

    # -- errors -----------------------------------------------------------------

    def _domain(self, exc: AuroraError) -> Response[str]:
        extra: dict[str, Any] = dict(exc.extra)
        if exc.current is not None:
            extra["current"] = current_json(exc.current)
        if exc.status >= 500:
            logger.exception("server error")
        return problem(exc.status, exc.detail, title=exc.title, headers=exc.headers, **extra)

    def _invalid_body(self, exc: PydanticValidationError) -> Response[str]:
        errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"][:300]}
                  for e in exc.errors(include_url=False, include_input=False)[:20]]
        return problem(400, "the request does not match the schema", title="Invalid input",
                       errors=errors)

    def _invalid_query(self, exc: RequestValidationError) -> Response[str]:
        """Query parameters their types refused. Who asks is checked first, as in
        every handler (Powertools validates before the handler runs): a signed-out
        or too-busy caller gets its 401 or 429, not a 400."""
        try:
            if self.resolver.current_event.raw_path in public.PATHS:
                self.public()
            else:
                self.sub()
        except AuroraError as err:
            return self._domain(err)
        return self._domain(InvalidInput(queries.refusal(exc.errors())))

    def _not_found(self, exc: Exception) -> Response[str]:
        return problem(404, "no such route", title="Not found")

    # -- entry ------------------------------------------------------------

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Run one API Gateway HTTP API (payload 2.0) event; never raises."""
        try:
            result: dict[str, Any] = self.resolver.resolve(event, context)
        except Exception:  # the last line of defence: a 500 problem, logged
            logger.exception("unhandled error")
            resp = problem(500, "an unexpected error; it has been logged")
            return {"statusCode": 500, "headers": {"Content-Type": PROBLEM}, "body": resp.body,
                    "isBase64Encoded": False}
        if self.metrics is not None:
            self.metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
            if result.get("statusCode", 200) >= 500:
                self.metrics.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
        return gzip_result(event, result)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip`` or ``*``, q > 0)."""
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        return True
    return False


def gzip_result(event: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Compress a handler result's body with gzip when the request accepts it and the
    body is at least :data:`GZIP_MIN` bytes (API Gateway passes base64 bodies on as
    binary, with our Content-Encoding)."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    body = result.get("body")
    if (not accepts_gzip(headers.get("accept-encoding", "")) or not isinstance(body, str)
            or result.get("isBase64Encoded")):
        return result
    raw = body.encode("utf-8")
    out_headers = dict(result.get("headers") or {})
    if len(raw) < GZIP_MIN or any(k.lower() == "content-encoding" for k in out_headers):
        return result
    out_headers["Content-Encoding"] = "gzip"
    out_headers["Vary"] = "Accept-Encoding"
    packed = gzip.compress(raw, compresslevel=6, mtime=0)
    return {**result, "headers": out_headers, "isBase64Encoded": True,
            "body": base64.b64encode(packed).decode("ascii")}


def _number(value: Any) -> float | None:
    """A numeric claim (API Gateway hands claims over as strings)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    value = env[name].strip().lower()
    if value not in ("true", "false"):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value == "true"


def password_policy_from_env(env: Mapping[str, str]) -> wire.PasswordPolicy:
    """The pool's password policy as template.yaml hands it to the API function."""
    return wire.PasswordPolicy(
        min_length=int(env["PASSWORD_MIN_LENGTH"]),
        require_lowercase=_env_bool(env, "PASSWORD_REQUIRE_LOWERCASE"),
        require_uppercase=_env_bool(env, "PASSWORD_REQUIRE_UPPERCASE"),
        require_numbers=_env_bool(env, "PASSWORD_REQUIRE_NUMBERS"),
        require_symbols=_env_bool(env, "PASSWORD_REQUIRE_SYMBOLS"))


# --------------------------------------------------------------------------
# Lambda entry point: built once per container from the environment.


@cache
def _from_environment() -> ApiApp:
    import os

    import boto3

    from aurora_cloud.accounts import CognitoAccounts
    from aurora_cloud.settings import Settings

    env = os.environ
    settings = Settings.from_env(env)  # the dispatcher reads the same (DUE_SHARDS!)
    region = settings.region
    client = boto3.client("dynamodb", region_name=region,
                          endpoint_url=settings.dynamodb_endpoint)
    storage = settings.storage(client)
    endpoint = env.get("COGNITO_ENDPOINT") or f"https://cognito-idp.{region}.amazonaws.com"
    config = wire.ServerConfig(region=region, user_pool_id=env["USER_POOL_ID"],
                               client_id=env["USER_POOL_CLIENT_ID"], cognito_endpoint=endpoint,
                               password_policy=password_policy_from_env(env))
    idp = boto3.client("cognito-idp", region_name=region)
    accounts = CognitoAccounts(idp, env["USER_POOL_ID"])
    from aurora_cloud.cursor import cursors_from_env
    from aurora_cloud.limits import limits_from_env

    cursors = cursors_from_env(env, client, boto3.client("secretsmanager", region_name=region))
    return ApiApp(Service(storage, accounts=accounts, cursors=cursors), config,
                  limits=limits_from_env(env, storage, cursors.derive("limits")))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    api = _from_environment()
    result = api.handle(event, context)
    if api.metrics is not None:
        api.metrics.flush_metrics()
    return result

