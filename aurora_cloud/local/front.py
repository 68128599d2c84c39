"""The HTTP front of the local stack: what API Gateway (HTTP API) does in AWS.

- verifies the bearer JWT like the Cognito JWT authorizer: RS256 signature
  against the pool's JWKS (the stack's own key, never moto's published one
  nor AWS's), issuer, the
  app client (``client_id`` of access tokens, ``aud`` of ID tokens), expiry
  and ``token_use``;
- matches the routes declared in template.yaml (public ones skip the JWT);
- hands the handler an HTTP API payload 2.0 event and turns its result into
  an HTTP response;
- throttles like the stage does: per route, all callers together (429); the
  limits per user and per IP are the API's own (aurora_cloud/limits.py), as in
  AWS; refuses bodies API Gateway would;
- also serves the Cognito API (through :class:`CognitoProxy`) and the
  pool's JWKS, so one URL is all a client needs;
- and the web app's files at ``/app/`` (:class:`WebFiles`: S3 + CloudFront's
  part), so the browser app is on the same origin as the API.
"""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import jwt
from werkzeug.wrappers import Request, Response

from aurora_cloud.local.cognito import TARGET_PREFIX, CognitoProxy
from aurora_cloud.local.template import Route
from aurora_cloud.local.web import WebFiles

MAX_REQUEST = 10 * 1024 * 1024  # API Gateway's payload limit
INTEGRATION_TIMEOUT = 29.0  # API Gateway gives up on its integration after this: 504
PROBLEM = "application/problem+json"


class AuthError(Exception):
    pass


class JwtVerifier:
    """Checks Cognito tokens against the pool's JWKS (the stack's key, cached)."""

    def __init__(self, fetch_jwks: Callable[[], dict[str, Any]], issuer: str, client_id: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.fetch_jwks = fetch_jwks
        self.issuer = issuer
        self.client_id = client_id
        self.clock = clock
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                jwks = jwt.PyJWKSet.from_dict(self.fetch_jwks())
                self._keys = {k.key_id: k.key for k in jwks.keys if k.key_id}
            if kid not in self._keys:
                raise AuthError("unknown signing key")
            return self._keys[kid]

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises :class:`AuthError` for any problem."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise AuthError("token is not RS256")
            key = self._key(str(header.get("kid", "")))
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["RS256"], issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"],
                         "verify_aud": False, "verify_exp": False, "verify_iat": False})
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        if float(claims["exp"]) <= self.clock():
            raise AuthError("token expired")
        use = claims.get("token_use")
        if use == "access":
            if claims.get("client_id") != self.client_id:
                raise AuthError("token is for another client")
        elif use == "id":
            aud = claims.get("aud")
            if aud != self.client_id and not (isinstance(aud, list) and self.client_id in aud):
                raise AuthError("token is for another client")
        else:
            raise AuthError("token_use must be access or id")
        return claims


class RateLimiter:
    """Token bucket per key (the front: per route, as the stage throttles; rate/s, burst)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(who, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[who] = (tokens, now)
                return False
            self._buckets[who] = (tokens - 1, now)
            return True


class LambdaContext:
    """Enough of a Lambda context for Powertools."""

    function_name = "aurora-local-api"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:aurora-local-api"

    def __init__(self, timeout: float = 10.0) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout  # the function's Timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None
            ) -> Response:
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail})
    return Response(body, status=status, content_type=PROBLEM, headers=headers or {})


def _claims_as_api_gateway(claims: dict[str, Any]) -> dict[str, str]:
    """HTTP API hands the handler every claim as a string (lists as "[a b]")."""
    out = {}
    for k, v in claims.items():
        if isinstance(v, list):
            out[k] = "[" + " ".join(str(x) for x in v) + "]"
        else:
            out[k] = str(v)
    return out


class Front:
    """The WSGI app. ``apis`` is a pool of API "containers" (one request each at a time)."""

    def __init__(self, routes: list[Route], apis: queue.Queue[Any], verifier: JwtVerifier,
                 cognito: CognitoProxy, jwks: Callable[[], dict[str, Any]], pool_id: str,
                 limiter: RateLimiter, on_write: Callable[[], None] = lambda: None,
                 lambda_timeout: float = 10.0,
                 integration_timeout: float = INTEGRATION_TIMEOUT,
                 web: WebFiles | None = None) -> None:
        self.routes = routes
        self.web = web  # /app/: the built web app, or None (then /app/ is a 404 route)
        self.apis = apis
        self.verifier = verifier
        self.cognito = cognito
        self.jwks = jwks
        self.pool_id = pool_id
        self.limiter = limiter
        self.on_write = on_write
        # As in AWS: the function is stopped after its Timeout (template.yaml), which
        # API Gateway answers with 500; API Gateway itself waits at most 29 s (504).
        # Here the handler cannot be stopped: the caller gets that answer at the
        # deadline, and the "container" stays busy until the handler returns.
        self.lambda_timeout = lambda_timeout
        self.integration_timeout = integration_timeout
        self._invoker = ThreadPoolExecutor(thread_name_prefix="aurora-lambda")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception as exc:  # the front itself failed: say so, never hang
            response = problem(502, "Bad gateway", f"the local front failed: {exc!r}")
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        target = request.headers.get("X-Amz-Target", "")
        if request.method == "POST" and target.startswith(TARGET_PREFIX):
            body = request.get_data(cache=False)
            status, headers, data = self.cognito.handle(target, body, dict(request.headers))
            self.on_write()  # sign-ups, codes, sessions, refresh tokens: keep them all
            return Response(data, status=status, headers=headers)
        if self.web is not None and self.web.owns(request.method, request.path):
            return self.web.handle(request)
        if request.method == "GET" and request.path == f"/{self.pool_id}/.well-known/jwks.json":
            return Response(json.dumps(self.jwks()), content_type="application/json")
        route, params = self._route(request.method, request.path)
        if route is None:
            return problem(404, "Not found", "no such route")
        length = request.content_length or 0
        if length > MAX_REQUEST:
            return problem(413, "Payload too large", "the request is over 10 MB")
        claims: dict[str, Any] | None = None
        if not route.public:
            auth = request.headers.get("Authorization", "")
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else auth.strip()
            if not token:
                return problem(401, "Unauthorized", "a bearer token is required",
                               {"WWW-Authenticate": "Bearer"})
            try:
                claims = self.verifier.verify(token)
            except AuthError as exc:
                return problem(401, "Unauthorized", str(exc),
                               {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if not self.limiter.allow(route.key):  # the stage's backstop, for everyone together
            return problem(429, "Too many requests", "slow down", {"Retry-After": "1"})
        body = request.get_data(cache=False)
        if len(body) > MAX_REQUEST:
            return problem(413, "Payload too large", "the request is over 10 MB")
        event = self.event(request, route, params, claims, body)
        invocation = self._invoker.submit(self._invoke, event, time.monotonic())
        try:
            result = invocation.result(timeout=min(self.lambda_timeout,
                                                   self.integration_timeout))
        except FutureTimeout:
            if request.method != "GET":
                self.on_write()  # it may have written before it ran out of time
            if self.lambda_timeout <= self.integration_timeout:  # Lambda stopped it
                return Response(json.dumps({"message": "Internal Server Error"}),
                                status=500, content_type="application/json")
            return Response(json.dumps({"message": "Endpoint request timed out"}),
                            status=504, content_type="application/json")
        if request.method != "GET":
            self.on_write()
        return self.response(result)

    def _invoke(self, event: dict[str, Any], started: float) -> dict[str, Any]:
        """One invocation on a free container (its context counts the function's
        Timeout from when the front received the request)."""
        api = self.apis.get()
        try:
            left = self.lambda_timeout - (time.monotonic() - started)
            result: dict[str, Any] = api.handle(event, LambdaContext(max(left, 0.0)))
        finally:
            self.apis.put(api)
        return result

    def _route(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None, {}

    @staticmethod
    def event(request: Request, route: Route, params: dict[str, str],
              claims: dict[str, Any] | None, body: bytes) -> dict[str, Any]:
        """The API Gateway HTTP API payload 2.0 event for ``request``."""
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for k, v in request.headers.items():
            if k.lower() == "cookie":
                cookies.extend(c.strip() for c in v.split(";") if c.strip())
                continue
            key = k.lower()
            headers[key] = f"{headers[key]},{v}" if key in headers else v
        raw_qs = request.query_string.decode("latin-1")
        qs: dict[str, str] = {}
        for k, v in parse_qsl(raw_qs, keep_blank_values=True):
            qs[k] = f"{qs[k]},{v}" if k in qs else v
        now = datetime.now(UTC)
        is_text = True
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            is_text = False
            text = base64.b64encode(body).decode()
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.key,
            "rawPath": request.path,
            "rawQueryString": raw_qs,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "local",
                "domainName": request.host,
                "domainPrefix": request.host.split(".")[0],
                "http": {"method": request.method, "path": request.path,
                         "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                         "sourceIp": request.remote_addr or "127.0.0.1",
                         "userAgent": request.headers.get("User-Agent", "")},
                "requestId": str(uuid.uuid4()),
                "routeKey": route.key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": not is_text,
        }
        if cookies:
            event["cookies"] = cookies
        if qs:
            event["queryStringParameters"] = qs
        if params:
            event["pathParameters"] = params
        if body:
            event["body"] = text
        if claims is not None:
            event["requestContext"]["authorizer"] = {
                "jwt": {"claims": _claims_as_api_gateway(claims), "scopes": None}}
        return event

    @staticmethod
    def response(result: dict[str, Any]) -> Response:
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        resp = Response(data, status=int(result.get("statusCode", 200)))
        headers = dict(result.get("headers") or {})
        if "Content-Type" not in headers and "content-type" not in headers:
            resp.headers.pop("Content-Type", None)
        for k, v in headers.items():
            resp.headers[k] = str(v)
        for k, values in (result.get("multiValueHeaders") or {}).items():
            for v in values:
                resp.headers.add(k, str(v))
        for cookie in result.get("cookies") or []:
            resp.headers.add("Set-Cookie", cookie)
        return resp
