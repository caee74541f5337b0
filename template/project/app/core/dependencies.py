"""`Annotated` aliases for what most endpoints need."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import get_session


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": commit before the response is sent, so a failed commit is the client's error.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def reject_unknown_query_parameters(request: Request) -> None:
    """A mistyped filter (`?stauts=done`) is a 422, not a silent list of every row."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    unknown = sorted(set(request.query_params) - _query_parameters(route))
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "Unknown query parameter",
                    "input": request.query_params[name],
                }
                for name in unknown
            ]
        )


# Per route, by identity (routes are not hashable); the route is kept so its id stays unique.
_known_parameters: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _query_parameters(route: APIRoute) -> frozenset[str]:
    known = _known_parameters.get(id(route))
    if known is None:
        known = _known_parameters[id(route)] = (route, _read_by(route.dependant))
    return known[1]


def _read_by(endpoint: Dependant) -> frozenset[str]:
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
