"""The backend's configuration: one reader for both Lambdas and the local stack.

template.yaml hands every function the same variables (``Globals``: the
table, the pool, ``TOMBSTONE_DAYS``, ``DUE_SHARDS``) plus its own; the API
handler, the dispatcher handler and ``aurora-cloud local`` all build their
:class:`Settings` with :meth:`Settings.from_env` (the local stack from the
variables the template gives the function, :func:`function_environment`), and
their :class:`~aurora_cloud.storage.Storage` with :meth:`Settings.storage`.
So the writer of the due index (the API) and its reader (the dispatcher)
cannot disagree about the number of shards again: the API once ignored
``DUE_SHARDS`` and always wrote 10, and a deployment with fewer never sent
the reminders that landed on the shards the dispatcher does not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aurora_cloud.local.template import Template
    from aurora_cloud.storage import Storage

DEFAULT_DUE_SHARDS = 10
DEFAULT_TOMBSTONE_DAYS = 30


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    text = env.get(name)
    if text is None or text == "":
        return default
    value = int(text)
    if not lo <= value <= hi:
        raise ValueError(f"{name}={value} is outside {lo}..{hi}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    value = default if text is None or text == "" else float(text)
    if value <= 0:
        raise ValueError(f"{name} must be positive")
    return value


@dataclass(frozen=True)
class Settings:
    table_name: str
    region: str = "us-east-1"
    due_shards: int = DEFAULT_DUE_SHARDS
    tombstone_days: int = DEFAULT_TOMBSTONE_DAYS
    user_pool_id: str = ""
    client_id: str = ""
    sender_email: str = ""
    ses_configuration_set: str = ""  # the dispatcher sends with it (bounces, complaints)
    dynamodb_endpoint: str | None = None
    # The dispatcher (docs/cloud.md, "The reminder dispatcher"):
    lease_seconds: float = 180.0  # a claimed reminder not marked sent by then is retried
    item_budget_seconds: float = 1.0  # planning + rendering one reminder; over it: parked
    run_seconds: float = 45.0  # a run starts no new work after this (Lambda timeout: 60 s)
    scan_seconds: float = 20.0  # of which scanning missed minutes (at least one is scanned)
    workers: int = 8

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """The settings a function gets from its environment (template.yaml)."""
        settings = cls(
            table_name=env["TABLE_NAME"],
            region=env.get("AWS_REGION") or "us-east-1",
            due_shards=_int(env, "DUE_SHARDS", DEFAULT_DUE_SHARDS, 1, 100),
            tombstone_days=_int(env, "TOMBSTONE_DAYS", DEFAULT_TOMBSTONE_DAYS, 1, 3650),
            user_pool_id=env.get("USER_POOL_ID", ""),
            client_id=env.get("USER_POOL_CLIENT_ID", ""),
            sender_email=env.get("SENDER_EMAIL", ""),
            ses_configuration_set=env.get("SES_CONFIGURATION_SET", ""),
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            lease_seconds=_float(env, "DISPATCHER_LEASE_SECONDS", 180.0),
            item_budget_seconds=_float(env, "DISPATCHER_ITEM_BUDGET_SECONDS", 1.0),
            run_seconds=_float(env, "DISPATCHER_RUN_SECONDS", 45.0),
            scan_seconds=_float(env, "DISPATCHER_SCAN_SECONDS", 20.0),
            workers=_int(env, "DISPATCHER_WORKERS", 8, 1, 64),
        )
        if settings.lease_seconds <= settings.run_seconds:
            raise ValueError("DISPATCHER_LEASE_SECONDS must exceed DISPATCHER_RUN_SECONDS: "
                             "a lease shorter than a run is retried while it is being sent")
        return settings

    def storage(self, client: Any, **kw: Any) -> Storage:
        """The table with this deployment's shards and tombstone horizon."""
        from aurora_cloud.storage import Storage

        return Storage(client, self.table_name, tombstone_days=self.tombstone_days,
                       due_shards=self.due_shards, **kw)


def function_environment(template: Template, function: str) -> dict[str, str]:
    """The environment template.yaml gives ``function`` (Globals, then its own), resolved
    against ``template``'s parameters and the resources it knows (``template.refs``);
    a variable naming a resource it does not know is left out."""
    data = template.data
    merged: dict[str, Any] = {}
    merged.update(data.get("Globals", {}).get("Function", {}).get("Environment", {})
                  .get("Variables", {}))
    merged.update(template.resource(function)["Properties"].get("Environment", {})
                  .get("Variables", {}))
    env = {}
    for name, value in merged.items():
        try:
            env[name] = str(template.resolve(value))
        except KeyError:
            continue
    return env
