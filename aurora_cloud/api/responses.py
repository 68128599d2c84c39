"""The shapes of what the API answers: JSON bodies with their ETag, and every error as
application/problem+json (RFC 9457)."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from aurora_cloud.logic.convert import stored_calendar, stored_event, stored_reminder_state
from aurora_cloud.storage import Kind, Stored

PROBLEM = "application/problem+json"
JSON = "application/json"


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


def json_response(model: BaseModel, status: int = 200, *,
                  etag: int | None = None) -> Response[str]:
    headers = {"ETag": f'"{etag}"'} if etag is not None else {}
    return Response(status_code=status, content_type=JSON,
                    body=model.model_dump_json(), headers=headers)


def no_content() -> Response[str]:
    """204: done, nothing to say."""
    return Response(204, None, "")


_AS_WIRE: dict[Kind, Callable[[Stored], BaseModel]] = {
    Kind.EVENT: stored_event, Kind.CALENDAR: stored_calendar,
    Kind.REMINDER_STATE: stored_reminder_state}


def current_json(current: Any) -> Any:
    """A 409/412 problem's ``current`` member: the item as the client would read it."""
    if isinstance(current, Stored):
        return _AS_WIRE[current.kind](current).model_dump(mode="json")
    if isinstance(current, BaseModel):
        return current.model_dump(mode="json")
    return current
