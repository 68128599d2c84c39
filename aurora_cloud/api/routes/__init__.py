"""One Powertools Router per resource; :class:`aurora_cloud.api.app.ApiApp` includes
them all. Each module's ``router(api)`` builds its router over one ApiApp (a router
belongs to the resolver that includes it, and a process may hold several)."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter


def new_router() -> APIGatewayHttpRouter:
    """A router for the API's HTTP API (payload 2.0) events."""
    return APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools' is untyped
