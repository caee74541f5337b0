"""`Annotated` aliases for what most endpoints need, and the known-query check of API routers."""

from typing import Annotated

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
        self.names = frozenset(
            field.alias or name for model in models for name, field in model.model_fields.items()
        )

    async def __call__(self, request: Request) -> None:
        unknown = sorted(set(request.query_params) - self.names)
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
