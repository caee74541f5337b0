"""Benchmark the rendered app on PostgreSQL against bare FastAPI and a hand-written app (issue 11).

As a user would run it: ``fastapi-gen new perfapp --database postgresql``, then ``add-feature
items title:str:255 description:str:255:optional``, migrated, served by uvicorn (one worker,
uvloop, httptools, uvicorn's access lines off) with the project's default settings in production
(a random SECRET_KEY). One user signs in and owns 100 items. Served the same way, on the same
database, beside it: a bare FastAPI hello (the yardstick of the machine) and a hand-written
one-file app doing the same work (SQLAlchemy 2 async ORM on asyncpg, the JWT decoded with the
app's key, the user loaded with ``session.get``, Pydantic models out, a session dependency that
commits), and the rendered app once more with the optional middleware off (access records,
security headers, metrics, gzip) for the health goal without it. Each route is loaded with
``wrk -t2 -c32 -d10s``, every route once per round, the apps interleaved within a round (their
order flips each round), three rounds; then the medians, their ratios and the rendered app's
memory. A run with a non-2xx answer or a socket error other
than a timeout (wrk's raised to 10 s: a busy machine stalls some requests) stops the benchmark.

The PostgreSQL server is a throwaway cluster on 127.0.0.1 (Debian's server binaries, as
.ci/run starts one: its own directory, removed at exit, durability off because it lives for one
run) unless ``--postgres-url`` names a maintenance URL, on whose server a database
``perfapp_bench`` is (re)created. Run with an environment that holds the project's
dependencies (this repo's ``dev`` extra plus uvloop and httptools, as uvicorn[standard] brings):
``python bench/app.py [--rounds N] [--seconds S] [--postgres-url URL]``. Not a test.
"""

import argparse
import asyncio
import importlib.util
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import httpx
from cli import console_script, run
from serving import Server, free_port, fresh_database, resident_mib, uvicorn, wrk_run

API = "/api/v1"
EMAIL, PASSWORD = "bench@example.com", "bench-password-1"
ITEM = {"title": "made by wrk", "description": "one row per request"}
UVICORN = ["--loop", "uvloop", "--http", "httptools"]
RENDERED, HAND, BARE = "rendered", "hand-written", "bare FastAPI"
# The same rendered app with the optional middleware of issue 9 off, for issue 11's health goal
# without it (>= 85% of bare; with all of it on, as by default, the goal is >= 75%).
LEAN = "rendered lean"
LEAN_ENV = {
    "ACCESS_LOG": "false",
    "SECURITY_HEADERS": "false",
    "METRICS_ENABLED": "false",
    "GZIP_MINIMUM_SIZE": "0",
}

BARE_APP = '''"""A bare FastAPI hello: the yardstick of the machine."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}
'''

HAND_APP = '''"""The rendered app's work, written by hand in one file: the real yardstick."""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import DateTime, ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECRET_KEY = os.environ["SECRET_KEY"]
ALGORITHM = "HS256"

engine = create_async_engine(os.environ["DATABASE_URL"])
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    role: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ItemCreate(BaseModel):
    title: str = Field(max_length=255)
    description: str | None = Field(default=None, max_length=255)


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str | None
    owner_id: int
    created_at: datetime
    updated_at: datetime


class ItemPage(BaseModel):
    items: list[ItemRead]
    total: int
    limit: int
    offset: int


async def get_session() -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the endpoint succeeds, else rolled back."""
    async with SessionLocal() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
UNAUTHORIZED = HTTPException(
    status.HTTP_401_UNAUTHORIZED,
    "Could not validate credentials",
    headers={"WWW-Authenticate": "Bearer"},
)


async def current_user(
    session: SessionDep, token: Annotated[str, Depends(oauth2_scheme)]
) -> User:
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        raise UNAUTHORIZED from None
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise UNAUTHORIZED
    return user


CurrentUser = Annotated[User, Depends(current_user)]

app = FastAPI()


@app.get("/api/v1/users/me")
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@app.post("/api/v1/items", status_code=status.HTTP_201_CREATED)
async def create_item(data: ItemCreate, session: SessionDep, user: CurrentUser) -> ItemRead:
    item = Item(**data.model_dump(), owner_id=user.id)
    session.add(item)
    await session.flush()
    return ItemRead.model_validate(item)


@app.get("/api/v1/items")
async def list_items(
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ItemPage:
    mine = Item.owner_id == user.id
    total = await session.scalar(select(func.count()).select_from(Item).where(mine))
    rows = await session.scalars(
        select(Item).where(mine).order_by(Item.id).limit(limit).offset(offset)
    )
    items = [ItemRead.model_validate(item) for item in rows]
    return ItemPage(items=items, total=total or 0, limit=limit, offset=offset)


@app.get("/api/v1/items/{item_id}")
async def read_item(item_id: int, session: SessionDep, user: CurrentUser) -> ItemRead:
    item = await session.get(Item, item_id)
    if item is None or item.owner_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    return ItemRead.model_validate(item)
'''

POST_SCRIPT = f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{{"title": "{ITEM["title"]}", "description": "{ITEM["description"]}"}}'
"""


@dataclass(frozen=True)
class Route:
    label: str
    method: str
    path: str  # "{item}" stands for the id of the signed-in user's first item
    apps: tuple[str, ...]
    goal: str  # as issue 11 puts it
    signed_in: bool = True

    def url(self, base: str, item_id: int) -> str:
        return base + self.path.replace("{item}", str(item_id))


ROUTES = [
    Route(
        "GET /items/{id}",
        "GET",
        f"{API}/items/{{item}}",
        (RENDERED, HAND),
        ">= 1.25x hand-written",
    ),
    Route(
        "GET /items?limit=100",
        "GET",
        f"{API}/items?limit=100",
        (RENDERED, HAND),
        ">= 1.25x hand-written",
    ),
    Route("POST /items", "POST", f"{API}/items", (RENDERED, HAND), ">= 8% of bare"),
    Route("GET /users/me", "GET", f"{API}/users/me", (RENDERED, HAND), ">= 1.25x hand-written"),
    Route("GET /health/live", "GET", "/health/live", (RENDERED,), ">= 75% of bare", False),
    Route("GET /health/live, lean", "GET", "/health/live", (LEAN,), ">= 85% of bare", False),
    Route("GET / (hello)", "GET", "/", (BARE,), "-", False),
]


def goal_met(route: Route, rendered: float, hand: float | None, bare: float) -> str:
    if route.goal.endswith("hand-written") and hand:
        return "yes" if rendered >= 1.25 * hand else "no"
    share = re.fullmatch(r">= (\d+)% of bare", route.goal)
    if share:
        return "yes" if rendered >= int(share[1]) / 100 * bare else "no"
    return ""


# --- A throwaway PostgreSQL cluster ---------------------------------------------------------


def postgres_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise SystemExit(
            "needs PostgreSQL's server binaries (apt-get install postgresql), or --postgres-url"
        )
    return found[-1].parent


def as_postgres(command: list[str | Path]) -> list[str | Path]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A cluster of its own on 127.0.0.1 for this run; yields a maintenance URL.

    Stopped and removed on the way out, a Ctrl-C included. The server runs in a session of
    its own, so the terminal's Ctrl-C reaches only this script, which then stops it.
    """
    bin_dir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="fastapi-gen-bench-pg-"))
    data, password = root / "data", secrets.token_hex(16)
    (root / "password").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(root / "password", "postgres")
    started = False
    try:
        initdb: list[str | Path] = [
            bin_dir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
        ]
        initdb += ["--auth=scram-sha-256", f"--pwfile={root / 'password'}"]
        run(as_postgres(initdb), cwd=Path("/"))
        for _ in range(5):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            start: list[str | Path] = [
                bin_dir / "pg_ctl",
                "-D",
                data,
                "-l",
                root / "server.log",
                "-w",
                "-t",
                "60",
            ]
            result = subprocess.run(
                [str(part) for part in as_postgres([*start, "-o", options, "start"])],
                cwd="/",
                capture_output=True,
                text=True,
                check=False,
                start_new_session=True,
            )
            if result.returncode == 0:
                started = True
                break
        if not started:
            log = root / "server.log"
            raise SystemExit(
                f"PostgreSQL did not start:\n{log.read_text() if log.exists() else ''}"
            )
        yield f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres"
    finally:
        if started or (data / "postmaster.pid").exists():
            subprocess.run(
                [
                    str(p)
                    for p in as_postgres([bin_dir / "pg_ctl", "-D", data, "-m", "fast", "stop"])
                ],
                cwd="/",
                capture_output=True,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


# --- The three apps -------------------------------------------------------------------------


def render(root: Path) -> Path:
    command = console_script()
    run([command, "new", "perfapp", "--database", "postgresql", "--no-git", "-o", root])
    project = root / "perfapp"
    feature = ["items", "title:str:255", "description:str:255:optional"]
    run([command, "add-feature", *feature], cwd=project)
    return project


def one_file_app(root: Path, name: str, source: str) -> Path:
    (root / name / "app").mkdir(parents=True)
    (root / name / "app" / "__init__.py").write_text("")
    (root / name / "app" / "main.py").write_text(source)
    return root / name


def sign_in(client: httpx.Client) -> dict[str, str]:
    form = {"username": EMAIL, "password": PASSWORD}
    response = client.post(f"{API}/auth/login", data=form)
    if response.status_code != 200:
        raise SystemExit(f"login answered {response.status_code}: {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def populate(base: str) -> tuple[dict[str, str], int]:
    """Register the user, sign in, create its 100 items; the auth header and the first item."""
    with httpx.Client(base_url=base, timeout=30) as client:
        registered = client.post(
            f"{API}/auth/register", json={"email": EMAIL, "password": PASSWORD}
        )
        if registered.status_code != 201:
            raise SystemExit(f"register answered {registered.status_code}: {registered.text}")
        auth = sign_in(client)
        ids = []
        for number in range(100):
            body = {"title": f"item {number}", "description": "made by the benchmark"}
            created = client.post(f"{API}/items", json=body, headers=auth)
            if created.status_code != 201:
                raise SystemExit(f"POST /items answered {created.status_code}: {created.text}")
            ids.append(created.json()["id"])
        return auth, ids[0]


def check(route: Route, base: str, item_id: int, auth: dict[str, str]) -> None:
    """The route must answer 2xx before it is loaded, or the numbers would measure errors."""
    headers = auth if route.signed_in else {}
    body = ITEM if route.method == "POST" else None
    response = httpx.request(
        route.method, route.url(base, item_id), json=body, headers=headers, timeout=30
    )
    if not response.is_success:
        raise SystemExit(
            f"{route.label} at {base} answered {response.status_code}: {response.text}"
        )


# --- The run --------------------------------------------------------------------------------


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def print_table(results: dict[tuple[str, str], list[float]]) -> None:
    bare = statistics.median(results[(BARE, "GET / (hello)")])
    head = (
        f"{'route':<22} {'rendered':>9} {'% bare':>7} {'hand':>9} {'% bare':>7}"
        f" {'rendered/hand':>13}  {'goal':<22} met"
    )
    print(head)
    print("-" * len(head))
    for route in ROUTES:
        if route.apps == (BARE,):
            print(f"{route.label:<22} {bare:>9.0f} {1:>7.1%}")
            continue
        rendered = statistics.median(results[(route.apps[0], route.label)])
        hand = median_or_none(results.get((HAND, route.label), []))
        hand_cells = (
            f"{hand:>9.0f} {hand / bare:>7.1%} {rendered / hand:>12.2f}x"
            if hand
            else f"{'-':>9} {'-':>7} {'-':>13}"
        )
        print(
            f"{route.label:<22} {rendered:>9.0f} {rendered / bare:>7.1%} {hand_cells}"
            f"  {route.goal:<22} {goal_met(route, rendered, hand, bare)}"
        )


def bench(url: str, arguments: argparse.Namespace, root: Path) -> None:
    project = render(root)
    database = asyncio.run(fresh_database(url, "perfapp_bench"))
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database,
    }
    run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project, env=env)
    bare_dir = one_file_app(root, "bare", BARE_APP)
    hand_dir = one_file_app(root, "hand", HAND_APP)
    post_script = root / "post.lua"
    post_script.write_text(POST_SCRIPT)

    with ExitStack() as stack:
        servers: dict[str, Server] = {}
        servers[RENDERED] = stack.enter_context(
            uvicorn(project, env, root / "rendered.log", options=UVICORN)
        )
        rss_started = resident_mib(servers[RENDERED].pid)
        servers[HAND] = stack.enter_context(
            uvicorn(hand_dir, env, root / "hand.log", probe="/openapi.json", options=UVICORN)
        )
        servers[LEAN] = stack.enter_context(
            uvicorn(project, {**env, **LEAN_ENV}, root / "lean.log", options=UVICORN)
        )
        servers[BARE] = stack.enter_context(
            uvicorn(bare_dir, {}, root / "bare.log", probe="/", options=UVICORN)
        )
        hand_started = resident_mib(servers[HAND].pid)
        auth, item_id = populate(servers[RENDERED].base)
        rss_populated = resident_mib(servers[RENDERED].pid)
        for route in ROUTES:
            for name in route.apps:
                check(route, servers[name].base, item_id, auth)
        print(
            f"{len(ROUTES)} routes answer 2xx; wrk -t{arguments.threads} -c{arguments.connections}"
            f" -d{arguments.seconds}s each, {arguments.rounds} rounds\n"
        )

        results: dict[tuple[str, str], list[float]] = {}
        for number in range(1, arguments.rounds + 1):
            # A token per round: access tokens live 15 minutes by default.
            with httpx.Client(base_url=servers[RENDERED].base, timeout=30) as client:
                auth = sign_in(client)
            headers = [f"{key}: {value}" for key, value in auth.items()]
            for route in ROUTES:
                apps = route.apps if number % 2 else tuple(reversed(route.apps))
                for name in apps:
                    result = wrk_run(
                        route.url(servers[name].base, item_id),
                        arguments.seconds,
                        threads=arguments.threads,
                        connections=arguments.connections,
                        headers=headers if route.signed_in else (),
                        script=post_script if route.method == "POST" else None,
                        timeout="10s",
                    )
                    results.setdefault((name, route.label), []).append(result.requests_per_second)
                    print(
                        f"round {number}  {name:<13} {route.label:<22}"
                        f" {result.requests_per_second:>9.0f} req/s   latency {result.latency}"
                        + (f"   {result.timeouts} timed out" if result.timeouts else ""),
                        flush=True,
                    )
            print()
        rss_loaded = resident_mib(servers[RENDERED].pid)
        hand_loaded = resident_mib(servers[HAND].pid)

    print(f"Medians of {arguments.rounds} rounds (req/s; % of bare FastAPI's hello):\n")
    print_table(results)
    ratio = rss_loaded / rss_started
    print(
        f"\nMemory, the rendered app's worker (VmRSS): {rss_started:.0f} MiB after start-up,"
        f" {rss_populated:.0f} MiB after the sign-in and 100 items,"
        f" {rss_loaded:.0f} MiB after the load run: {ratio:.2f}x"
        f" (goal <= 1.5x: {'yes' if ratio <= 1.5 else 'no'})."
        f"\nThe hand-written app's worker: {hand_started:.0f} MiB after start-up,"
        f" {hand_loaded:.0f} MiB after the load run."
    )


def terminated(signum: int, _: object) -> NoReturn:
    raise SystemExit(128 + signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--postgres-url", help="a PostgreSQL maintenance URL instead of a cluster")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    for module in ("uvloop", "httptools"):
        if importlib.util.find_spec(module) is None:
            raise SystemExit(f"needs {module} in this environment: pip install uvloop httptools")
    # A kill runs the same clean-up as a Ctrl-C: servers stopped, the cluster removed.
    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-bench-") as temporary:
        root = Path(temporary)
        if arguments.postgres_url:
            bench(arguments.postgres_url, arguments, root)
        else:
            with throwaway_postgres() as url:
                bench(url, arguments, root)


if __name__ == "__main__":
    main()
