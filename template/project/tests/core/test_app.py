"""What create_app wires: settings for endpoints, CORS when configured, disposal on shutdown."""

from http import HTTPStatus

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.db import Database
from app.core.dependencies import SettingsDep
from app.main import create_app


def _client(app: FastAPI) -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test")


async def test_endpoints_get_the_apps_own_settings(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"app_name": "Probe"}))

    @app.get("/name")
    async def name(current: SettingsDep) -> str:
        return current.app_name

    async with _client(app) as client:
        assert (await client.get("/name")).json() == "Probe"


async def test_cors_is_on_only_for_configured_origins(settings: Settings) -> None:
    origin = "https://app.example.com"
    app = create_app(settings.model_copy(update={"cors_origins": [origin]}))
    preflight = {"Origin": origin, "Access-Control-Request-Method": "GET"}

    async with _client(app) as client:
        allowed = await client.options("/health/live", headers=preflight)
        other = await client.options(
            "/health/live", headers={**preflight, "Origin": "https://evil.example.com"}
        )

    assert allowed.status_code == HTTPStatus.OK
    assert allowed.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in other.headers


async def test_shutdown_disposes_the_database(settings: Settings) -> None:
    disposed = []

    class Recording(Database):
        async def dispose(self) -> None:
            disposed.append(True)
            await super().dispose()

    app = create_app(settings, Recording.from_url(settings.database_url))
    async with app.router.lifespan_context(app):
        assert disposed == []

    assert disposed == [True]
