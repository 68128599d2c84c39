"""Builds the OpenAPI 3.1 document from the wire models (aurora_core.wire).

The built document is checked in as aurora_cloud/openapi.json and served at
/openapi.json; a test fails when the two differ. Regenerate with
``aurora-cloud openapi --write``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from aurora_core import wire

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    "400": "Invalid input (the body, a header or a parameter)",
    "401": "Missing, expired or invalid token, or one issued before the user signed out "
           "everywhere or deleted the account",
    "404": "No such item (also for other users' items) or route",
    "409": "Too many concurrent writes; retry",
    "410": "Resync without a cursor: the problem's `reason` is `horizon` (the cursor is "
           "older than the deletion horizon) or `server_restored` (the server was restored "
           "from a backup older than the cursor)",
    "412": "The item changed (or exists): the problem's `current` holds it",
    "413": "The body is over 256 KB",
    "428": "A write needs If-Match or If-None-Match",
    "429": "Too many requests; retry later",
}
MODELS: list[type[BaseModel]] = [
    wire.EventWire, wire.CalendarWire, wire.CalendarList, wire.SettingsWire,
    wire.OccurrenceList, wire.SyncPage, wire.BatchRequest, wire.BatchResponse,
    wire.ServerConfig, wire.AccountDeletion, wire.Problem, wire.ReminderStateWire,
    wire.ReminderStateBatchRequest, wire.ReminderStateBatchResponse,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def _errors(*codes: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code in codes:
        out[code] = {"description": ERROR_TEXT[code],
                     "content": {"application/problem+json": {"schema": _ref(wire.Problem)}}}
    return out


def _ok(code: str, model: type[BaseModel] | None, text: str, etag: bool = False
        ) -> dict[str, Any]:
    resp: dict[str, Any] = {"description": text}
    if model is not None:
        resp["content"] = _json(model)
    if etag:
        resp["headers"] = {"ETag": {"description": "the item's version, quoted",
                                    "schema": {"type": "string"}}}
    return {code: resp}


def _param(name: str, where: str, schema: dict[str, Any], text: str,
           required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path",
            "description": text, "schema": schema}


EVENT_ID = _param("event_id", "path", {"type": "string", "format": "uuid",
                                       "pattern": wire.UUID_PATTERN}, "the event's id")
CAL_ID = _param("cal_id", "path", {"type": "string", "pattern": wire.ID_PATTERN,
                                   "maxLength": wire.MAX_ID}, "the calendar's id")
IF_MATCH = _param("If-Match", "header", {"type": "string", "maxLength": 40},
                  "the version being replaced (update)")
IF_NONE_MATCH = _param("If-None-Match", "header", {"type": "string", "enum": ["*"]},
                       "`*`: create only")
STATE_ID = _param("state_id", "path", {"type": "string", "format": "uuid",
                                       "pattern": wire.UUID_PATTERN},
                  "reminder_state_id(occurrence_key, reminder, due)")
COMMON = ("401", "429")


def build() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    _, defs = models_json_schema([(mdl, "validation") for mdl in MODELS], ref_template=REF)
    schemas = defs.get("$defs", {})
    paths: dict[str, Any] = {
        "/config": {"get": {
            "operationId": "getConfig", "summary": "What a client needs to sign in",
            "security": [],
            "responses": {**_ok("200", wire.ServerConfig, "the configuration"),
                          **_errors("429")}}},
        "/openapi.json": {"get": {
            "operationId": "getOpenApi", "summary": "This document", "security": [],
            "responses": {"200": {"description": "the OpenAPI document",
                                  "content": {"application/json": {
                                      "schema": {"type": "object"}}}},
                          **_errors("429")}}},
        "/me": {"delete": {
            "operationId": "deleteAccount",
            "summary": "Delete the account: every item of the user, then the Cognito user",
            "description": "Bounded work per call: 202 `{\"done\": false}` means call again; "
                           "204 means the account is gone and every token of it is refused.",
            "responses": {**_ok("202", wire.AccountDeletion, "more items remain: call again"),
                          "204": {"description": "the account is deleted"},
                          **_errors(*COMMON)}}},
        "/me/signout": {"post": {
            "operationId": "signOutEverywhere",
            "summary": "Sign out everywhere: revoke refresh tokens and refuse every token "
                       "issued until now",
            "responses": {"204": {"description": "signed out everywhere"},
                          **_errors(*COMMON)}}},
        "/me/settings": {
            "get": {"operationId": "getSettings", "summary": "The user's settings",
                    "responses": {**_ok("200", wire.SettingsWire, "settings", etag=True),
                                  **_errors(*COMMON)}},
            "put": {"operationId": "putSettings", "summary": "Replace the user's settings",
                    "requestBody": {"required": True, "content": _json(wire.SettingsWire)},
                    "responses": {**_ok("200", wire.SettingsWire, "stored", etag=True),
                                  **_errors("400", "413", *COMMON)}}},
        "/calendars": {"get": {
            "operationId": "listCalendars", "summary": "The user's calendars",
            "responses": {**_ok("200", wire.CalendarList, "calendars"), **_errors(*COMMON)}}},
        "/calendars/{cal_id}": {
            "parameters": [CAL_ID],
            "put": {"operationId": "putCalendar",
                    "summary": "Create (If-None-Match: *) or update (If-Match) a calendar",
                    "parameters": [IF_MATCH, IF_NONE_MATCH],
                    "requestBody": {"required": True, "content": _json(wire.CalendarWire)},
                    "responses": {**_ok("200", wire.CalendarWire, "updated", etag=True),
                                  **_ok("201", wire.CalendarWire, "created", etag=True),
                                  **_errors("400", "404", "409", "412", "413", "428",
                                            *COMMON)}},
            "delete": {"operationId": "deleteCalendar",
                       "summary": "Delete a calendar and its events (tombstones)",
                       "parameters": [IF_MATCH],
                       "responses": {"204": {"description": "deleted"},
                                     **_errors("400", "404", "409", "412", *COMMON)}}},
        "/events": {"get": {
            "operationId": "listOccurrences",
            "summary": "Occurrences overlapping [from, to), recurring series expanded",
            "parameters": [
                _param("from", "query", {"type": "string", "maxLength": 40},
                       "start: a date or an ISO 8601 date-time", True),
                _param("to", "query", {"type": "string", "maxLength": 40},
                       "end (exclusive), at most 370 days after from", True),
                _param("calendar", "query", {"type": "string", "maxLength": wire.MAX_ID},
                       "only this calendar"),
                _param("tz", "query", {"type": "string", "maxLength": wire.MAX_ZONE},
                       "IANA zone for all-day and floating times (default: the user's)"),
            ],
            "responses": {**_ok("200", wire.OccurrenceList, "occurrences"),
                          **_errors("400", *COMMON)}}},
        "/events/batch": {"post": {
            "operationId": "batchCreateEvents",
            "summary": "Create, update and delete many events at once (≤ 100 items)",
            "description": "`events` alone creates them (If-None-Match: * each). An event "
                           "whose id is in `if_match` is an update based on that version "
                           "(If-Match); `deletes` delete (with their `if_match`). Items are "
                           "processed in the order given (events, then deletes) with the "
                           "same preconditions and idempotent retries as PUT and DELETE "
                           "/events/{event_id}; a result per item, in request order.",
            "requestBody": {"required": True, "content": _json(wire.BatchRequest)},
            "responses": {**_ok("200", wire.BatchResponse, "a result per event"),
                          **_errors("400", "409", "413", *COMMON)}}},
        "/events/{event_id}": {
            "parameters": [EVENT_ID],
            "get": {"operationId": "getEvent", "summary": "One event",
                    "responses": {**_ok("200", wire.EventWire, "the event", etag=True),
                                  **_errors("404", *COMMON)}},
            "put": {"operationId": "putEvent",
                    "summary": "Create (If-None-Match: *) or update (If-Match) an event",
                    "parameters": [IF_MATCH, IF_NONE_MATCH],
                    "requestBody": {"required": True, "content": _json(wire.EventWire)},
                    "responses": {**_ok("200", wire.EventWire, "updated (or a repeated write)",
                                        etag=True),
                                  **_ok("201", wire.EventWire, "created", etag=True),
                                  **_errors("400", "404", "409", "412", "413", "428",
                                            *COMMON)}},
            "delete": {"operationId": "deleteEvent",
                       "summary": "Delete an event (it becomes a tombstone in /sync)",
                       "parameters": [IF_MATCH],
                       "responses": {"204": {"description": "deleted"},
                                     **_errors("400", "404", "409", "412", *COMMON)}}},
        "/reminder-states/{state_id}": {
            "parameters": [STATE_ID],
            "put": {"operationId": "putReminderState",
                    "summary": "Merge a reminder state with the stored one (no precondition)",
                    "description": "The server joins the body with what it has "
                                   "(join_reminder_states). If the join is what is stored, "
                                   "nothing is written (200, the stored state).",
                    "requestBody": {"required": True,
                                    "content": _json(wire.ReminderStateWire)},
                    "responses": {**_ok("200", wire.ReminderStateWire,
                                        "stored (changed, or already the join)", etag=True),
                                  **_ok("201", wire.ReminderStateWire, "new", etag=True),
                                  **_errors("400", "404", "409", "413", *COMMON)}}},
        "/reminder-states/batch": {"post": {
            "operationId": "putReminderStates",
            "summary": "Merge many reminder states (≤ 100), a result per item",
            "requestBody": {"required": True,
                            "content": _json(wire.ReminderStateBatchRequest)},
            "responses": {**_ok("200", wire.ReminderStateBatchResponse, "a result per item"),
                          **_errors("400", "409", "413", *COMMON)}}},
        "/sync": {"get": {
            "operationId": "sync",
            "summary": "Every change since the cursor (calendars, events, reminder states), "
                       "tombstones included, in change order",
            "parameters": [
                _param("cursor", "query", {"type": "string", "maxLength": 64},
                       "from the previous page, as it came (opaque and signed for this user: "
                       "anything else is a 400 with `reason` `cursor`; resync without one); "
                       "absent for a full sync"),
                _param("limit", "query", {"type": "integer", "minimum": 1,
                                          "maximum": wire.MAX_SYNC_LIMIT}, "page size"),
            ],
            "responses": {**_ok("200", wire.SyncPage, "a page of changes"),
                          **_errors("400", "410", *COMMON)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aurora Time API",
            "version": "1",
            "description": "Calendars, events and sync for the Aurora Time desktop app. "
                           "Errors are application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/"}],
        "security": [{"cognito": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"cognito": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A Cognito access token of the desktop app client"}},
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


def shipped_path() -> Path:
    return Path(__file__).resolve().parent.parent / "openapi.json"
