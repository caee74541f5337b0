"""The Dockerfile and compose.yaml agree with the project they ship.

No container engine runs on the machines these tests run on, so nothing is built or started
here. Instead each file is read as Docker and Compose read it, and held to the project: the
settings compose passes exist and the app starts on them (with and without the user's .env),
the services the app waits for have health checks, the URLs name those services, and the
Dockerfile copies files that exist, serves the entry point that exists on the port it exposes
and checks a route the app has, as a user other than root.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from pytest_copie.plugin import Copie

from tests.template.conftest import BIN, VARIANTS, Project, Variant, render

# Run inside the project: what the app and its settings are, under the environment given.
INSPECT = """
import json, sys
from fastapi.testclient import TestClient
from app.core.config import Settings
settings = Settings(_env_file=None)
module, _, attribute = sys.argv[1].partition(":")
app = getattr(__import__(module, fromlist=[attribute]), attribute)
with TestClient(app) as client:
    probe = client.get(sys.argv[2]).status_code
print(json.dumps({
    "fields": sorted(name.upper() for name in Settings.model_fields),
    "settings": settings.model_dump(mode="json", exclude={"secret_key"}),
    "app": type(app).__name__,
    "probe": probe,
}))
"""


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile_stages(text: str) -> list[list[Instruction]]:
    """The Dockerfile's instructions, continuation lines joined, grouped by FROM."""
    logical = re.sub(r"\\\n", " ", text)
    stages: list[list[Instruction]] = []
    for line in logical.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return stages


def interpolated(value: str) -> str:
    """A compose value as compose sends it with none of its variables set in the shell."""
    return re.sub(r"\$\{\w+(?::?-([^}]*))?\}", lambda match: match.group(1) or "", value)


def dotenv(text: str) -> dict[str, str]:
    """KEY=VALUE lines, as a .env copied from .env.example holds them."""
    lines = (line for line in text.splitlines() if re.match(r"[A-Z_]+=", line))
    return {key: value for key, _, value in (line.partition("=") for line in lines)}


@pytest.fixture(
    scope="module",
    params=[variant for variant in VARIANTS if not variant.features],
    ids=lambda variant: variant.id,
)
def project(request: pytest.FixtureRequest, copie_session: Copie, template_dir: Path) -> Project:
    variant: Variant = request.param
    path = render(
        copie_session, template_dir, database=variant.database, auth=variant.auth, jobs=variant.jobs
    )
    return Project(path=path, variant=variant)


def inspect(
    project: Project, entry_point: str, env: dict[str, str], probe: str = "/health/live"
) -> dict[str, object]:
    """What the app sees in a container with exactly this environment (and a PATH), and the
    status it answers `probe` with."""
    result = subprocess.run(
        [str(BIN / "python"), "-c", INSPECT, entry_point, probe],
        cwd=project.path,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.fixture
def compose(project: Project) -> dict[str, dict[str, object]]:
    services: dict[str, dict[str, object]] = yaml.safe_load(
        (project.path / "compose.yaml").read_text()
    )["services"]
    return services


def test_compose_settings_exist_and_the_app_starts_on_them(
    project: Project, compose: dict[str, dict[str, object]]
) -> None:
    app = compose["app"]
    assert isinstance(app["environment"], dict)
    environment = {name: interpolated(str(value)) for name, value in app["environment"].items()}
    assert all(environment.values()), environment  # an empty value overrides a safe default
    # The user's .env passes through when there is one, and need not exist.
    assert app["env_file"] == [{"path": ".env", "required": False}]

    example = dotenv((project.path / ".env.example").read_text())
    for dotenv_values in ({}, example):  # without a .env, and with one copied from the example
        seen = inspect(project, "app.main:app", {**dotenv_values, **environment})
        fields = seen["fields"]
        assert isinstance(fields, list)
        assert set(environment) <= set(fields)
        settings = seen["settings"]
        assert isinstance(settings, dict)
        assert settings["database_url"] == environment["DATABASE_URL"]
        assert settings["rate_limit_storage_url"] == environment["RATE_LIMIT_STORAGE_URL"]
        assert settings["environment"] == "development"


def test_the_app_waits_for_healthy_services_its_urls_name(
    project: Project, compose: dict[str, dict[str, object]]
) -> None:
    app = compose["app"]
    environment = app["environment"]
    depends_on = app["depends_on"]
    assert isinstance(environment, dict)
    assert isinstance(depends_on, dict)
    database = urlsplit(environment["DATABASE_URL"])
    redis = urlsplit(environment["RATE_LIMIT_STORAGE_URL"])

    expected = {"redis"} | ({"db"} if project.variant.database == "postgresql" else set())
    assert set(depends_on) == expected | {"migrate"}
    assert depends_on.pop("migrate") == {"condition": "service_completed_successfully"}
    for name, condition in depends_on.items():
        assert condition == {"condition": "service_healthy"}
        healthcheck = compose[name]["healthcheck"]
        assert isinstance(healthcheck, dict)
        assert healthcheck["test"]
    assert (redis.hostname, redis.port) == ("redis", 6379)
    assert compose["redis"]["image"] == "redis:7"
    if project.variant.database == "postgresql":
        db_env = compose["db"]["environment"]
        assert isinstance(db_env, dict)
        assert database.scheme == "postgresql+asyncpg"
        assert (database.hostname, database.port) == ("db", 5432)
        assert database.username == db_env["POSTGRES_USER"]
        assert database.password == db_env["POSTGRES_PASSWORD"]
        assert database.path == f"/{db_env['POSTGRES_DB']}"
    else:
        assert database.scheme == "sqlite+aiosqlite"
        volumes = app["volumes"]
        assert isinstance(volumes, list)
        directory = str(Path(database.path.removeprefix("/")).parent)
        assert f"db-data:{directory}" in volumes


def test_the_dockerfile_builds_from_the_lock_and_serves_the_app(
    project: Project, compose: dict[str, dict[str, object]]
) -> None:
    build, final = dockerfile_stages((project.path / "Dockerfile").read_text())
    ignored = (project.path / ".dockerignore").read_text().split()

    assert build[0].arguments.endswith(" AS build")
    built = " ".join(step.arguments for step in build if step.keyword == "RUN")
    assert "uv sync $locked --no-dev" in built
    assert "if [ -f uv.lock ]; then locked=--locked;" in built
    for step in build + final:
        if step.keyword == "COPY" and not step.arguments.startswith("--from="):
            *sources, _ = step.arguments.split()
            for source in sources:
                assert source.rstrip("*") == "uv.lock" or (project.path / source).exists(), source
                assert source not in ignored
    assert {".env", ".venv", ".git"} <= set(ignored)

    # The final stage: the virtualenv, the migrations, an unprivileged user.
    keywords = {step.keyword: step.arguments for step in final}
    assert "COPY --from=build /srv/app/.venv ./.venv" in [
        f"COPY {step.arguments}" for step in final if step.keyword == "COPY"
    ]
    assert keywords["USER"] == "app"
    assert any(step.arguments.startswith("useradd --system") for step in final)
    assert "uv " not in " ".join(step.arguments for step in final)
    workdir = keywords["WORKDIR"]
    if project.variant.database == "sqlite":
        assert "mkdir data && chown app data" in [s.arguments for s in final if s.keyword == "RUN"]
        assert workdir == "/srv/app"

    # What it runs, on which port, and the route its health check asks for.
    command = json.loads(keywords["CMD"])
    assert "alembic" not in command  # compose's migrate service runs it, once
    uvicorn = command[command.index("uvicorn") + 1 :]
    port = uvicorn[uvicorn.index("--port") + 1]
    assert keywords["EXPOSE"] == port
    assert compose["app"]["ports"] == [f"{port}:{port}"]
    health = re.search(r"http://127\.0\.0\.1:(\d+)(/[\w/]+)", keywords["HEALTHCHECK"])
    assert health, keywords["HEALTHCHECK"]
    assert health.group(1) == port
    assert (project.path / "alembic.ini").is_file()

    seen = inspect(project, uvicorn[0], {}, probe=health.group(2))
    assert seen["app"] == "FastAPI"
    assert seen["probe"] == 200


def test_migrations_run_once_before_every_service_of_the_image(
    project: Project, compose: dict[str, dict[str, object]]
) -> None:
    migrate = compose["migrate"]
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["restart"] == "no"
    of_the_image = {name for name, service in compose.items() if service.get("build") == "."}
    expected = {"migrate", "app"} | ({"worker", "scheduler"} if project.variant.jobs else set())
    assert of_the_image == expected
    for name in of_the_image - {"migrate"}:
        depends_on = compose[name]["depends_on"]
        assert isinstance(depends_on, dict)
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
        # The same settings as the app: the same database and Redis.
        assert compose[name]["environment"] == compose["migrate"]["environment"]
    for name in expected - {"migrate", "app"}:  # the app's check is the image's HEALTHCHECK
        healthcheck = compose[name]["healthcheck"]
        assert isinstance(healthcheck, dict)
        assert healthcheck["test"]


def test_the_worker_and_scheduler_run_the_projects_own_entry_points(
    project: Project, compose: dict[str, dict[str, object]]
) -> None:
    if not project.variant.jobs:
        assert not {"worker", "scheduler"} & set(compose)
        assert not (project.path / "app/worker.py").exists()
        return
    environment = compose["worker"]["environment"]
    assert isinstance(environment, dict)
    broker = urlsplit(environment["JOBS_BROKER_URL"])
    assert (broker.hostname, broker.port) == ("redis", 6379)
    for name, entry in (("worker", "app.worker:broker"), ("scheduler", "app.worker:scheduler")):
        command = compose[name]["command"]
        assert isinstance(command, list)
        assert command[:2] == ["taskiq", name]
        assert command[2] == entry
        module, _, attribute = entry.partition(":")
        found = subprocess.run(
            [
                str(BIN / "python"),
                "-c",
                f"import {module}; print(type({module}.{attribute}).__name__)",
            ],
            cwd=project.path,
            env={"PATH": os.environ["PATH"], "JOBS_BROKER_URL": "redis://redis:6379/1"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert found.returncode == 0, found.stderr
        assert found.stdout.strip() == {"worker": "RedisStreamBroker"}.get(name, "TaskiqScheduler")
