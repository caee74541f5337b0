"""`Annotated` aliases for what most endpoints need, and the known-query check of API routers."""

from typing import Annotated, get_args, get_origin

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import get_session


# async, as every dependency without I/O: FastAPI runs a plain `def` one in the thread pool,
# a hop there and back on every request that uses it.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# scope="function": commit before the response is sent, so a failed commit is the client's error.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


class KnownQuery:
    """A router's dependency: a query parameter none of its models names is a 422.

    A mistyped filter (`?stauts=done`) must not quietly list every row. Give it the models a
    router reads its query parameters into:
    `APIRouter(dependencies=[Depends(KnownQuery(OrderQuery, PageParams))])`.
    """

    def __init__(self, *models: type[BaseModel]) -> None:
        fields = {
            field.alias or name: field
            for model in models
            for name, field in model.model_fields.items()
        }
        self.names = frozenset(fields)
        self.lists = frozenset(name for name, field in fields.items() if _is_list(field.annotation))

    async def __call__(self, request: Request) -> None:
        """Also refuse a single value given twice (`?limit=1&limit=50`): which one would win?"""
        query = request.query_params
        unknown = sorted(set(query) - self.names)
        repeated = sorted(name for name in set(query) - self.lists if len(query.getlist(name)) > 1)
        if unknown or repeated:
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
                + [
                    {
                        "type": "too_long",
                        "loc": ("query", name),
                        "msg": "Give this parameter once",
                        "input": query.getlist(name),
                    }
                    for name in repeated
                    if name in self.names
                ]
            )


def _is_list(annotation: object) -> bool:
    """`list[int]`, `list[int] | None`: a parameter given once per value."""
    return get_origin(annotation) in {list, set, tuple} or any(
        _is_list(argument) for argument in get_args(annotation)
    )
