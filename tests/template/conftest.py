"""Template checks: render the template with pytest-copie, then run the project's own checks."""

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from pytest_copie.plugin import Copie

POSTGRES_URL_VARIABLE = "FASTAPI_GEN_TEST_POSTGRES_URL"
REDIS_URL_VARIABLE = "FASTAPI_GEN_TEST_REDIS_URL"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Variant:
    database: str
    auth: bool
    features: bool = False
    """Render, then add FEATURES with add-feature."""
    jobs: bool = False

    @property
    def id(self) -> str:
        auth = "auth" if self.auth else "noauth"
        features, jobs = "-features" if self.features else "", "-jobs" if self.jobs else ""
        return f"{self.database}-{auth}{features}{jobs}"


VARIANTS = [
    Variant(database, auth, features)
    for features in (False, True)
    for database in ("sqlite", "postgresql")
    for auth in (True, False)
] + [Variant(database, auth=True, jobs=True) for database in ("sqlite", "postgresql")]

# What add-job adds to the jobs variants: a periodic job of its own package, a job of a feature.
JOBS = [["purge", "--schedule", "0 3 * * 1-5"], ["welcome", "--feature", "users"]]

# Together: every field type and modifier (bounds and search too), a reference chain, a feature
# of references only, a tree (a reference to its own table) with soft deletes, many-to-many
# links, cursor pages, and (with auth) a public feature that points at users and one feature
# per access policy, one of them with cursor pages too.
FEATURES = [
    [
        "customers",
        "name:str:120:index",
        "email:str:unique",
        "tier:enum:basic:gold:default=basic",
        "vip:bool:default=false",
        "notes:text:optional",
        "joined_at:datetime:default=2024-01-01T00:00:00+00:00",
    ],
    [
        "order-items",
        "title:str:80:min_length=2:search",
        "total:decimal:10:2:min=0",
        "status:enum:pending:paid:shipped:default=pending",
        "placed_on:date:optional:max=2099-12-31",
        "due_at:datetime:optional:min=2024-01-01T00:00:00+00:00",
        "reference:uuid:unique:index",
        "weight:float:optional:min=0.5",
        "quantity:int:min=1:max=1000:default=1",
        "extra:json:optional",
        "discount:decimal:3:3:optional",
        "customer:ref:customers",
    ],
    # A reference to its own table (a tree), with soft deletes: unique among live rows.
    ["categories", "name:str:40:unique", "parent:ref:categories", "--soft-delete"],
    # Only references, as a join table has, one per rule; one to rows that may be soft-deleted.
    ["favorites", "customer:ref:customers:cascade", "item:ref:order-items:optional",
     "category:ref:categories:optional:restrict"],
    # Many-to-many: to rows with owners (with auth), and to rows that may be soft-deleted.
    ["notes", "text:str:200", "items:refs:order-items", "categories:refs:categories"],
    # Keyset pages: signed with SECRET_KEY with auth, with CURSOR_KEY without.
    ["entries", "title:str:80:search", "price:decimal:10:2:min=0", "--pagination", "cursor"],
]  # fmt: skip
# With auth, every sensible access policy: --read owner --write owner is the default (above),
# --public is --read anyone --write user; the other five follow, small to keep CI quick.
AUTH_FEATURES = [
    ["Tag", "label:str:40:unique", "author:ref:users:optional", "--public"],
    # Keyset pages behind a read and a write policy.
    ["products", "title:str:80:search", "price:decimal:8:2:min=0", "--read", "user", "--write",
     "admin", "--pagination", "cursor"],
    ["brands", "name:str:40:unique", "--read", "anyone", "--write", "admin", "--soft-delete"],
    ["posts", "title:str:80:unique", "customer:ref:customers:optional", "--read", "anyone",
     "--write", "owner"],
    ["comments", "text:str:200", "post:ref:posts", "--read", "user", "--write", "owner"],
    ["wikis", "body:text", "parent:ref:wikis:cascade", "--read", "user", "--write", "user"],
]  # fmt: skip


@dataclass
class Project:
    """A rendered project and the environment its commands run in."""

    path: Path
    variant: Variant
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run a command of this environment's virtualenv inside the project."""
        executable = str(BIN / command[0]) if (BIN / command[0]).exists() else command[0]
        return subprocess.run(
            [executable, *command[1:]],
            cwd=self.path,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            check=False,
        )

    def check(self, *command: str) -> str:
        """Run a command that must succeed; its output explains any failure."""
        result = self.run(*command)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
        return output


def server_url(variable: str, server: str) -> str:
    """A test server's URL from the environment; without one, skip locally and fail in CI."""
    url = os.environ.get(variable)
    if url:
        return url
    reason = f"{variable} is not set, so there is no {server} server to test on"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must provide one; .ci/run starts it)")
    pytest.skip(reason)


def postgres_admin_url() -> str:
    """The PostgreSQL server's maintenance URL."""
    return server_url(POSTGRES_URL_VARIABLE, "PostgreSQL")


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database and return its SQLAlchemy URL for the asyncpg driver."""
    import asyncpg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"unsafe database name: {name}")

    async def recreate() -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(recreate())
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg", path=f"/{name}"))


def database_env(variant: Variant, name: str, project_dir: Path) -> dict[str, str]:
    """Where the project's tests and migrations run: SQLite files, or fresh PostgreSQL databases."""
    if variant.database == "postgresql":
        admin_url = postgres_admin_url()
        return {
            "TEST_DATABASE_URL": create_database(admin_url, f"fg_{name}_test"),
            "DATABASE_URL": create_database(admin_url, f"fg_{name}"),
        }
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{project_dir / 'migrations-check.db'}"}


def render(copie: Copie, template_dir: Path, **answers: object) -> Path:
    result = copie.copy(
        extra_answers={"project_name": "Shop API", **answers}, template_dir=template_dir
    )
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert result.project_dir is not None
    return result.project_dir


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every rendered project: third-party packages are analysed once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="session")
def template_dir() -> Iterator[Path]:
    """The working tree's template as plain files (Copier would render the last commit)."""
    from generator.render.template import template_source

    with template_source() as source:
        yield source


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda variant: variant.id)
def project(
    request: pytest.FixtureRequest, copie_session: Copie, template_dir: Path, mypy_cache: Path
) -> Project:
    variant: Variant = request.param
    path = render(
        copie_session, template_dir, database=variant.database, auth=variant.auth, jobs=variant.jobs
    )
    env = database_env(variant, variant.id.replace("-", "_"), path)
    project = Project(path=path, variant=variant, env={**env, "MYPY_CACHE_DIR": str(mypy_cache)})
    if variant.features:
        for arguments in FEATURES + (AUTH_FEATURES if variant.auth else []):
            project.check("fastapi-gen", "add-feature", *arguments)
    if variant.jobs:
        for arguments in JOBS:
            project.check("fastapi-gen", "add-job", *arguments)
    return project
