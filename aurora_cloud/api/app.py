"""The API Lambda: thin Powertools handlers over :class:`aurora_cloud.logic.Service`.

Handlers route, validate bodies with the wire models, take the user from
the JWT claims the authorizer verified, call the logic and shape responses.
Every error leaves as application/problem+json (RFC 9457).
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from functools import cache
from http import HTTPStatus
from importlib import resources
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from aurora_cloud.errors import (
    AuroraError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from aurora_cloud.limits import Limits
from aurora_cloud.logic import Precondition, Service
from aurora_cloud.logic.occurrences import parse_bound
from aurora_cloud.storage import Stored
from aurora_core import wire

MAX_BODY = 256 * 1024
GZIP_MIN = 1024  # smaller bodies go out as they are (gzip would hardly save anything)
PROBLEM = "application/problem+json"
JSON = "application/json"

logger = Logger(service="aurora-api")
M = TypeVar("M", bound=BaseModel)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document shipped in the package (aurora_cloud/openapi.json)."""
    text = resources.files("aurora_cloud").joinpath("openapi.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def problem(status: int, detail: str | None = None, *, title: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> Response[str]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(status_code=status, content_type=PROBLEM, body=json.dumps(body),
                    headers=headers or {})


def _current_json(current: Any) -> Any:
    if isinstance(current, Stored):
        from aurora_cloud.logic.convert import (
            stored_calendar,
            stored_event,
            stored_reminder_state,
        )

        convert = {"event": stored_event, "calendar": stored_calendar,
                   "reminder_state": stored_reminder_state}[current.kind]
        return convert(current).model_dump(mode="json")
    if isinstance(current, BaseModel):
        return current.model_dump(mode="json")
    return current


def json_response(model: BaseModel, status: int = 200, *,
                  etag: int | None = None) -> Response[str]:
    headers = {"ETag": f'"{etag}"'} if etag is not None else {}
    return Response(status_code=status, content_type=JSON,
                    body=model.model_dump_json(), headers=headers)


class ApiApp:
    """One API "container": a resolver bound to a service. Not thread-safe, like Lambda."""

    def __init__(self, service: Service, config: wire.ServerConfig, *,
                 metrics: bool = True, limits: Limits | None = None) -> None:
        self.service = service
        self.config = config
        self.limits = limits  # per user and per source IP (None: none)
        self.metrics = Metrics(namespace="AuroraTime", service="api") if metrics else None
        self.resolver = self._build()

    # -- helpers ----------------------------------------------------------

    def _claims(self) -> dict[str, Any]:
        ctx = self.resolver.current_event.request_context
        claims: dict[str, Any] = (
            ((ctx.get("authorizer") or {}).get("jwt") or {}).get("claims") or {})
        return claims

    def _sub(self) -> str:
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

    def _public(self) -> None:
        """A public route: limit the caller per source IP (429 with Retry-After)."""
        if self.limits is not None:
            http = self.resolver.current_event.request_context.get("http") or {}
            self.limits.check_ip(str(http.get("sourceIp") or "unknown"))

    def _username(self, sub: str) -> str:
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

    def _body(self, model: type[M]) -> M:
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

    def _query(self, name: str) -> str | None:
        params = self.resolver.current_event.query_string_parameters or {}
        value = params.get(name)
        return None if value is None else str(value)

    def _precondition(self) -> Precondition:
        return Precondition.from_headers(self._header("if-match"), self._header("if-none-match"))

    # -- routes -----------------------------------------------------------

    def _build(self) -> APIGatewayHttpResolver:
        app = APIGatewayHttpResolver()
        svc = self.service

        def _domain(exc: AuroraError) -> Response[str]:
            extra: dict[str, Any] = dict(exc.extra)
            if exc.current is not None:
                extra["current"] = _current_json(exc.current)
            if exc.status >= 500:
                logger.exception("server error")
            return problem(exc.status, exc.detail, title=exc.title, headers=exc.headers,
                           **extra)

        def _invalid(exc: PydanticValidationError) -> Response[str]:
            errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"][:300]}
                      for e in exc.errors(include_url=False, include_input=False)[:20]]
            return problem(400, "the request does not match the schema", title="Invalid input",
                           errors=errors)

        app.exception_handler(AuroraError)(_domain)
        app.exception_handler(PydanticValidationError)(_invalid)

        @app.not_found
        def _not_found(exc: Exception) -> Response[str]:
            return problem(404, "no such route", title="Not found")

        @app.get("/config")
        def get_config() -> Response[str]:
            self._public()
            return json_response(self.config)

        @app.get("/openapi.json")
        def get_openapi() -> Response[str]:
            self._public()
            return Response(200, JSON, json.dumps(openapi_document()))

        @app.get("/me/settings")
        def get_settings() -> Response[str]:
            s = svc.get_settings(self._sub())
            return json_response(s, etag=s.version)

        @app.put("/me/settings")
        def put_settings() -> Response[str]:
            sub = self._sub()
            s = svc.put_settings(sub, self._body(wire.SettingsWire))
            return json_response(s, etag=s.version)

        @app.delete("/me")
        def delete_me() -> Response[str]:
            sub = self._sub()
            if not svc.delete_account(sub, self._username(sub)):
                return json_response(wire.AccountDeletion(done=False), 202)
            return Response(204, None, "")

        @app.post("/me/signout")
        def sign_out_everywhere() -> Response[str]:
            sub = self._sub()
            svc.sign_out_everywhere(sub, self._username(sub))
            return Response(204, None, "")

        @app.get("/calendars")
        def list_calendars() -> Response[str]:
            return json_response(svc.list_calendars(self._sub()))

        @app.put("/calendars/<cal_id>")
        def put_calendar(cal_id: str) -> Response[str]:
            sub = self._sub()
            pre = self._precondition()
            cal, status = svc.put_calendar(sub, cal_id, self._body(wire.CalendarWire), pre)
            return json_response(cal, status, etag=cal.version)

        @app.delete("/calendars/<cal_id>")
        def delete_calendar(cal_id: str) -> Response[str]:
            svc.delete_calendar(self._sub(), cal_id, self._precondition())
            return Response(204, None, "")

        @app.get("/events")
        def list_events() -> Response[str]:
            sub = self._sub()
            start, end = self._query("from"), self._query("to")
            if not start or not end:
                raise InvalidInput("'from' and 'to' are required")
            zone_name = self._query("tz")
            zone = svc.user_zone(sub)
            if zone_name:
                from aurora_core.model import ValidationError, get_zone

                try:
                    zone = get_zone(zone_name[:64])
                except ValidationError as exc:
                    raise InvalidInput(str(exc)) from None
            return json_response(svc.occurrences(
                sub, parse_bound(start[:64], "from", zone), parse_bound(end[:64], "to", zone),
                self._query("calendar"), zone_name[:64] if zone_name else None))

        @app.post("/events/batch")
        def batch() -> Response[str]:
            sub = self._sub()
            return json_response(svc.batch_events(sub, self._body(wire.BatchRequest)))

        @app.get("/events/<event_id>")
        def get_event(event_id: str) -> Response[str]:
            ev = svc.get_event(self._sub(), _event_id(event_id))
            return json_response(ev, etag=ev.version)

        @app.put("/events/<event_id>")
        def put_event(event_id: str) -> Response[str]:
            sub = self._sub()
            event_id = _event_id(event_id)
            pre = self._precondition()
            ev, status = svc.put_event(sub, event_id, self._body(wire.EventWire), pre)
            return json_response(ev, status, etag=ev.version)

        @app.delete("/events/<event_id>")
        def delete_event(event_id: str) -> Response[str]:
            svc.delete_event(self._sub(), _event_id(event_id), self._precondition())
            return Response(204, None, "")

        @app.post("/reminder-states/batch")
        def put_reminder_states() -> Response[str]:
            sub = self._sub()
            return json_response(svc.put_reminder_states(
                sub, self._body(wire.ReminderStateBatchRequest)))

        @app.put("/reminder-states/<state_id>")
        def put_reminder_state(state_id: str) -> Response[str]:
            sub = self._sub()
            if len(state_id) != 36:
                raise InvalidInput("the path does not name a reminder state id (a UUID)")
            st, status = svc.put_reminder_state(sub, state_id.lower(),
                                                self._body(wire.ReminderStateWire))
            return json_response(st, status, etag=st.version)

        @app.get("/sync")
        def sync() -> Response[str]:
            sub = self._sub()
            limit_text = self._query("limit") or "500"
            if not limit_text.isdigit() or not 1 <= int(limit_text) <= wire.MAX_SYNC_LIMIT:
                raise InvalidInput(f"'limit' must be a number from 1 to {wire.MAX_SYNC_LIMIT}")
            cursor = self._query("cursor")
            return json_response(svc.sync(sub, cursor or None, int(limit_text)))

        return app

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


def _event_id(text: str) -> str:
    if len(text) != 36:
        raise NotFound("no such event")
    return text.lower()


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

