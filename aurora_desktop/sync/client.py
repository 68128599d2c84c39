"""The sync API as the engine sees it: typed answers over the account's authorised HTTP.

Every call returns a :class:`Reply` (what the server said about one item) or
raises :class:`SyncError` for what stops a sync (offline, signed out, the
server busy or broken, the cursor gone). Bodies are the wire models of
:mod:`aurora_core.wire`; the account service adds the bearer token,
refreshes it once on 401, and asks for gzip.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aurora_core import custom_zones
from aurora_desktop.auth import AuthError
from aurora_desktop.lazy import LazyModule

if TYPE_CHECKING:
    from aurora_core import wire
else:  # imported on first use: start-up time (aurora_desktop/lazy.py)
    wire = LazyModule("aurora_core.wire")


__all__ = ["ApiClient", "Reply", "SyncError"]

LIMIT = 1000  # changes per /sync page
TRANSIENT_RETRIES = 3  # 429/5xx within one sync run, before giving up for now
MAX_WAIT = 8.0  # seconds: the longest Retry-After honoured inside one run


class SyncError(Exception):
    """A sync cannot go on now. ``kind``: offline, signed_out, busy, server, gone, bug."""

    def __init__(self, kind: str, message: str, *, retry_after: float | None = None,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.reason = reason  # for "gone": "horizon" or "server_restored"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Reply:
    """The server's answer about one item."""

    status: int                       # 200/201/204 ok, 404, 412, 400
    item: dict[str, Any] | None = None     # the stored item (ok) or the current one (412)
    version: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (200, 201, 204)


class ApiClient:
    """``request(method, path, json_body=, headers=, params=)`` is the account's
    authorised request (``AccountService.request``); ``sleep`` waits (tests pass a fake)."""

    def __init__(self, request: Callable[..., Any], *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._request = request
        self._sleep = sleep
        self.requests = 0
        self.bytes_in = 0

    # ------------------------------------------------------------ plumbing

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                resp = self._request(method, path, **kw)
            except AuthError as exc:
                if exc.kind == "unreachable":
                    raise SyncError("offline", exc.message) from None
                if exc.kind == "signed_out":
                    raise SyncError("signed_out", exc.message) from None
                raise SyncError("server", exc.message) from None
            self.requests += 1
            self.bytes_in += len(resp.content or b"")
            if resp.status_code == 429 or resp.status_code >= 500:
                wait = _retry_after(resp) or min(MAX_WAIT, 0.5 * 2 ** attempt)
                if attempt < TRANSIENT_RETRIES and wait <= MAX_WAIT:
                    self._sleep(wait * (0.75 + 0.5 * _jitter()))
                    continue
                kind = "busy" if resp.status_code == 429 else "server"
                text = ("The server is busy" if kind == "busy"
                        else f"The server had a problem ({resp.status_code})")
                raise SyncError(kind, f"{text}; your changes are kept and sent later.",
                                retry_after=_retry_after(resp))
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _problem(resp: Any) -> dict[str, Any]:
        try:
            data = resp.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _reply(self, resp: Any) -> Reply:
        status = resp.status_code
        if status in (200, 201):
            item = resp.json()
            return Reply(status, item, int(item.get("version", 0)))
        if status == 204:
            return Reply(204)
        problem = self._problem(resp)
        if status == 412:
            current = problem.get("current")
            return Reply(412, current, None if current is None else int(current.get("version", 0)),
                         str(problem.get("detail") or ""))
        if status == 404:
            return Reply(404, detail=str(problem.get("detail") or ""))
        if status in (400, 409, 413, 422, 428):
            return Reply(400, detail=_detail(problem, status))
        if status == 410:
            raise SyncError("gone", "The server no longer has the changes since the last sync.",
                            reason=str(problem.get("reason") or "horizon"))
        raise SyncError("server", f"The server answered {status} unexpectedly.")

    @staticmethod
    def _conditions(base_version: int | None, create: bool) -> dict[str, str]:
        if create or base_version is None:
            return {"If-None-Match": "*"}
        return {"If-Match": f'"{base_version}"'}

    # ------------------------------------------------------------- items

    def put(self, entity: str, content: dict[str, Any], base_version: int | None,
            create: bool) -> Reply:
        path = _path(entity, str(content["id"]))
        resp = self._call("PUT", path, json_body=_body(entity, content),
                          headers=self._conditions(base_version, create))
        return self._reply(resp)

    def get(self, entity: str, item_id: str) -> Reply:
        """The server's current item (200) or 404."""
        return self._reply(self._call("GET", _path(entity, item_id)))

    def delete(self, entity: str, item_id: str, base_version: int | None) -> Reply:
        headers = {} if base_version is None else {"If-Match": f'"{base_version}"'}
        resp = self._call("DELETE", _path(entity, item_id), headers=headers)
        if resp.status_code == 428:  # never confirmed: nothing to delete there
            return Reply(204)
        return self._reply(resp)

    def write_events(self, puts: Sequence[tuple[dict[str, Any], int | None]],
                     deletes: Sequence[tuple[str, int | None]]) -> list[Reply] | None:
        """``POST /events/batch`` (≤ 100 items in all), which the server processes in
        this order: ``puts`` (content, the base version it updates, or None: create it
        if absent), then ``deletes`` (id, the base version deleted). A reply per item,
        puts then deletes, as the single-item routes would answer (200/201 with the
        version, 204, 404, 412 with the current item, 400 with the reason); None when
        the server refused the request as a whole (a body it would not take, or a
        server that only creates): send the items one by one then."""
        body: dict[str, Any] = {"events": [_body("event", c) for c, _ in puts]}
        if_match = {str(c["id"]): v for c, v in puts if v is not None}
        if if_match:
            body["if_match"] = if_match
        if deletes:
            body["deletes"] = [{"id": i} if v is None else {"id": i, "if_match": v}
                               for i, v in deletes]
        zones = custom_zones.definitions_for(c.get("timezone") for c, _ in puts)
        if zones:  # the definitions of zones a file defined go with their events
            body["zones"] = zones
        resp = self._call("POST", "/events/batch", json_body=body)
        if resp.status_code in (400, 404, 405, 409, 413, 422, 428):
            return None
        if resp.status_code != 200:
            self._reply(resp)  # raises for 410 and unexpected answers
            raise SyncError("server", f"The server answered {resp.status_code} to a batch.")
        try:
            results = resp.json().get("results", [])
            by_id = {str(r.get("id", "")).lower(): r for r in results}
        except (ValueError, AttributeError):
            raise SyncError("server", "The server's answer to a batch is unreadable.") from None
        return [_batch_reply(by_id.get(str(i).lower()))
                for i in [c["id"] for c, _ in puts] + [i for i, _ in deletes]]

    def put_reminder_states(self, items: Sequence[dict[str, Any]]) -> list[Reply]:
        """``POST /reminder-states/batch``: the server joins each with what it has."""
        resp = self._call("POST", "/reminder-states/batch", json_body={"items": list(items)})
        if resp.status_code != 200:
            failed = self._reply(resp)
            return [failed for _ in items]
        results = resp.json().get("results", [])
        answers = {str(r.get("id", "")).lower(): r for r in results}
        out = []
        for it in items:
            a = answers.get(str(it["id"]).lower())
            if a is None:
                out.append(Reply(400, detail="the server did not answer for this item"))
                continue
            status = int(a.get("status", 400))
            if status in (200, 201):
                out.append(Reply(status, a.get("item"), a.get("version")))
            else:
                out.append(Reply(400, detail=str(a.get("detail") or "refused")))
        return out

    def changes(self, cursor: str | None, limit: int = LIMIT) -> wire.SyncPage:
        """One page of ``GET /sync``; SyncError(gone) when the cursor is too old."""
        params = {"limit": str(limit)}
        if cursor:
            params["cursor"] = cursor
        resp = self._call("GET", "/sync", params=params)
        if resp.status_code == 400 and cursor:  # a cursor it refuses (its key changed,
            # or ours is damaged): what 410 horizon does, a full resync, recovers
            raise SyncError("gone", "The server cannot continue from the last sync.",
                            reason="horizon")
        if resp.status_code != 200:
            self._reply(resp)  # raises for 410 and unexpected answers
            raise SyncError("server", f"The server answered {resp.status_code} to /sync.")
        try:
            return wire.SyncPage.model_validate_json(resp.content)
        except ValueError as exc:
            raise SyncError("server", f"The server sent changes this version cannot read "
                                      f"({str(exc)[:120]}).") from None


def _batch_reply(r: Any) -> Reply:
    """One item's result of ``POST /events/batch`` as a :class:`Reply`."""
    if not isinstance(r, dict):
        return Reply(400, detail="the server did not answer for this event")
    status = int(r.get("status", 400))
    version = r.get("version")
    if status in (200, 201, 204):
        return Reply(status, None, None if version is None else int(version))
    if status == 412:
        current = r.get("current")
        if not isinstance(current, dict):
            return Reply(412, None, None, str(r.get("detail") or ""))
        return Reply(412, current, int(current.get("version", 0)), str(r.get("detail") or ""))
    if status == 404:
        return Reply(404, detail=str(r.get("detail") or ""))
    return Reply(400, detail=str(r.get("detail") or "refused"))


def _path(entity: str, item_id: str) -> str:
    if entity == "calendar":
        return f"/calendars/{item_id}"
    if entity == "event":
        return f"/events/{item_id}"
    return f"/reminder-states/{item_id}"


def _body(entity: str, content: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content.items() if k not in ("version", "created_at", "updated_at",
                                                         "deleted")}


def _detail(problem: dict[str, Any], status: int) -> str:
    detail = str(problem.get("detail") or problem.get("title") or f"refused ({status})")
    errors = problem.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict):
            where = ".".join(str(x) for x in first.get("loc", []))
            detail += f": {where} {first.get('msg', '')}".rstrip()
    return json.dumps(detail)[1:-1][:300]


def _retry_after(resp: Any) -> float | None:
    value = resp.headers.get("Retry-After") if getattr(resp, "headers", None) else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _jitter() -> float:
    import random

    return random.random()
