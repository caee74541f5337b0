"""Typed errors raised by services, and the one place that turns every error into HTTP.

Every error response has the same shape: {"error": {"code", "message", "details"}}.
"""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

logger = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the client can act on; subclasses fix the status and the machine-readable code."""

    status_code: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    code: ClassVar[str] = "internal_error"
    headers: ClassVar[dict[str, str] | None] = None
    # True when the work done before the error must still be committed
    # (for example revoking a stolen refresh token family before answering 401).
    keeps_changes: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(AppError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "bad_request"


class Unauthorized(AppError):
    status_code = HTTPStatus.UNAUTHORIZED
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012


class Forbidden(AppError):
    status_code = HTTPStatus.FORBIDDEN
    code = "forbidden"


class NotFound(AppError):
    status_code = HTTPStatus.NOT_FOUND
    code = "not_found"


class Conflict(AppError):
    status_code = HTTPStatus.CONFLICT
    code = "conflict"


class Unprocessable(AppError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "unprocessable"


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[FieldError] = []


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the errors a route can return, all in the one error shape."""
    return {
        error.status_code: {
            "model": ErrorResponse,
            "description": HTTPStatus(error.status_code).phrase,
        }
        for error in errors
    }


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details or []))
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


def _field_name(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, error: AppError) -> JSONResponse:
        return error_response(error.status_code, error.code, error.message, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            FieldError(
                field=_field_name(tuple(item["loc"])), message=item["msg"], type=item["type"]
            )
            for item in error.errors()
        ]
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "Invalid request", details
        )

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, error: HTTPException) -> JSONResponse:
        status = HTTPStatus(error.status_code)
        code = status.phrase.lower().replace(" ", "_").replace("-", "_")
        message = error.detail if isinstance(error.detail, str) else status.phrase
        return error_response(error.status_code, code, message, headers=error.headers)

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_: Request, error: IntegrityError) -> JSONResponse:
        logger.info("integrity error turned into 409: %s", error.orig)
        return error_response(
            HTTPStatus.CONFLICT, "conflict", "The request conflicts with existing data"
        )

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal server error"
        )
