"""A typed client generated from the rendered app's OpenAPI document works, named by operation.

openapi-python-client generates the client (run by uvx in an environment of its own: it caps
httpx below 0.29 and Typer below 0.28, which this environment must not be held to). Its
functions are named after the operation ids, `orders-create` -> `api.orders.orders_create`;
a create, a read, a list and a 404 go through it, the 404 parsed as ErrorResponse.
"""

import json
import re
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

from tests.template.conftest import BIN, Project, Variant, database_env, render

CLIENT_GENERATOR = "openapi-python-client==0.29.1"
OPERATION_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")
# Run inside the project: its app, served in-process to the generated async client.
SCRIPT = """
import asyncio, json
import httpx
from app.main import create_app
from shop_client import Client
from shop_client.api.orders import orders_create, orders_list, orders_read
from shop_client.models import ErrorResponse, OrderCreate, OrderRead, PageOrderRead


async def main() -> None:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        client = Client(base_url="http://test").set_async_httpx_client(http)
        body = OrderCreate(title="one", quantity=3)
        created = await orders_create.asyncio(client=client, body=body)
        assert isinstance(created, OrderRead), created
        read = await orders_read.asyncio(client=client, order_id=created.id)
        assert isinstance(read, OrderRead), read
        page = await orders_list.asyncio(client=client, limit=10)
        assert isinstance(page, PageOrderRead), page
        missing = await orders_read.asyncio(client=client, order_id=created.id + 1000)
        assert isinstance(missing, ErrorResponse), missing
        print(json.dumps({
            "created": [created.title, created.quantity], "read": read.id == created.id,
            "listed": [item.id for item in page.items] == [created.id], "total": page.total,
            "error": missing.error.code,
        }))


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(copie_session: Copie, template_dir: Path) -> Project:
    variant = Variant("sqlite", auth=False)
    path = render(copie_session, template_dir, database="sqlite", auth=False)
    project = Project(path=path, variant=variant, env=database_env(variant, "client", path))
    project.check("fastapi-gen", "add-feature", "orders", "title:str:80", "quantity:int")
    project.check("alembic", "upgrade", "head")
    return project


def openapi(project: Project) -> dict[str, object]:
    dump = "import json; from app.main import create_app; print(json.dumps(create_app().openapi()))"
    result = project.run("python", "-c", dump)
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_operation_ids_are_short_unique_and_named_after_the_feature(project: Project) -> None:
    paths = openapi(project)["paths"]
    assert isinstance(paths, dict)
    ids = [operation["operationId"] for path in paths.values() for operation in path.values()]

    assert len(ids) == len(set(ids))
    assert all(OPERATION_ID.fullmatch(operation_id) for operation_id in ids), ids
    assert {"orders-create", "orders-read", "orders-list", "orders-update", "orders-delete"} <= set(
        ids
    )
    assert {"health-live", "health-ready"} <= set(ids)


def test_a_generated_client_creates_reads_lists_and_parses_errors(project: Project) -> None:
    (project.path / "openapi.json").write_text(json.dumps(openapi(project)))
    project.check(
        str(BIN / "uvx"),
        "--from",
        CLIENT_GENERATOR,
        "openapi-python-client",
        "generate",
        "--path",
        "openapi.json",
        "--output-path",
        "shop_client",
        "--meta",
        "none",
    )
    (project.path / "client_run.py").write_text(SCRIPT)

    result = project.run("python", "client_run.py")

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == {
        "created": ["one", 3],
        "read": True,
        "listed": True,
        "total": 1,
        "error": "not_found",
    }
