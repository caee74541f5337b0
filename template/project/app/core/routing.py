"""How routes are built and served: the route class of every API router, and how the app
takes a router's routes."""

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.datastructures import QueryParams


class StrictQueryRoute(APIRoute):
    """A mistyped filter (`?stauts=done`) is a 422, not a silent list of every row.

    The names a route reads are worked out once, when its handler is built, so a request pays
    for the check only when it has a query string (a dependency would cost every request a
    round of dependency solving).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        known = query_parameters(self.dependant)

        async def handle_known_query(request: Request) -> Response:
            if request.scope["query_string"]:
                refuse_unknown(request.query_params, known)
            return await handle(request)

        return handle_known_query


def query_parameters(endpoint: Dependant) -> frozenset[str]:
    """The names a route reads from the query string, with query models spelled out."""
    names: set[str] = set()
    pending = [endpoint]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for parameter in dependant.query_params:
            model = parameter.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(field.alias or name for name, field in model.model_fields.items())
            else:
                names.add(parameter.alias)
    return frozenset(names)


def refuse_unknown(query: QueryParams, known: frozenset[str]) -> None:
    unknown = sorted(set(query) - known)
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "Unknown query parameter",
                    "input": query[name],
                }
                for name in unknown
            ]
        )


# What APIRouter.add_api_route takes and an APIRoute keeps under the same name.
_ROUTE_OPTIONS = tuple(
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in {"self", "path", "endpoint", "route_class_override"}
)


def add_routes(app: FastAPI, router: APIRouter, *, prefix: str = "") -> None:
    """Serve a router's routes from the app's own router, under `prefix`.

    `app.include_router` includes lazily since FastAPI 0.165: every request to an included
    route is matched twice, once through the router and once more inside it, which costs
    about an eighth of a bare request. Adding each route to the app itself, as
    `include_router` once did, costs nothing per request and keeps what the app adds to its
    routes: its error responses and its dependency overrides.
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r} is not an API route; mount it on the app instead")
        options = {name: getattr(route, name) for name in _ROUTE_OPTIONS if hasattr(route, name)}
        app.router.add_api_route(
            prefix + route.path, route.endpoint, route_class_override=type(route), **options
        )
