"""The ``fastapi-gen`` command: parse arguments, call the library, report results and errors.

Only light modules are imported at the top: Copier and the library load inside the commands,
so ``fastapi-gen --help`` does not pay for them.
"""

import os
import shlex
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from generator.core.errors import GeneratorError
from generator.project.request import PIP_STEPS, UV_STEPS, CreatedProject, ProjectSpec
from generator.render.answers import Database

if TYPE_CHECKING:
    from generator.core.outcome import Outcome
    from generator.update import UpdateResult

app = typer.Typer(
    name="fastapi-gen",
    help="Create production-shaped FastAPI projects.",
    no_args_is_help=True,
    # --install-completion / --show-completion: bash, zsh, fish and PowerShell.
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Run a command's work: every way it can fail becomes one red line on stderr and an exit code.

    SIGINT, SIGTERM and SIGHUP unwind it like an error (the library puts back what it began).
    """
    from generator.core.interrupts import interruptible

    try:
        with interruptible():
            yield
    except GeneratorError as error:
        _fail(error.message, error.exit_code)
    except KeyboardInterrupt as interrupt:
        signal_name = interrupt.args[0] if interrupt.args else "SIGINT"
        _fail(f"Interrupted ({signal_name}); nothing was changed.", 1)
    except OSError as error:  # a disk or system failure no step foresaw: still one line
        where = f" ({error.filename})" if error.filename else ""
        _fail(f"{error.strerror or error}{where}.", 1)


def _fail(message: str, exit_code: int) -> None:
    _say(typer.style(f"Error: {one_line(message)}", fg="red"), err=True)
    raise typer.Exit(exit_code) from None


def _say(line: str, *, err: bool = False) -> None:
    """Print a line, its colours kept only where they can be seen (rich's rules, without its
    0.03 s import): NO_COLOR or a dumb terminal turn them off, FORCE_COLOR on, else a terminal.
    """
    color = None
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") in {"dumb", "unknown"}:
        color = False
    elif os.environ.get("FORCE_COLOR"):
        color = True
    typer.echo(line, err=err, color=color)


def one_line(message: str) -> str:
    """Control characters and undecodable bytes (in a name the user typed) shown escaped."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


def _show_version(value: bool) -> None:
    if value:
        import generator

        typer.echo(f"fastapi-gen {generator.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Create production-shaped FastAPI projects."""


@app.command()
def new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Project name, e.g. 'my-api' or 'My API'.")
    ],
    database: Annotated[
        Database | None,
        typer.Option(help="Where the data lives.  [default: sqlite]"),
    ] = None,
    auth: Annotated[
        bool | None,
        typer.Option("--auth/--no-auth", help="Users, roles and JWT auth.  [default: auth]"),
    ] = None,
    jobs: Annotated[
        bool | None,
        typer.Option(
            "--jobs/--no-jobs",
            help="Background jobs on Redis (Taskiq), sent through an outbox in the request's "
            "transaction; a worker and a scheduler.  [default: no-jobs]",
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option(help="One line for pyproject.toml and the README."),
    ] = None,
    api_prefix: Annotated[
        str | None,
        typer.Option(
            help="Path the API is served under; health probes stay at the root. "
            "'' for none.  [default: /api/v1]"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Directory to create the project in.  [default: current directory]",
        ),
    ] = None,
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="Make a git repository with a first commit.")
    ] = True,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", help="Ask the template's questions no option answered."),
    ] = False,
    lock: Annotated[
        bool | None,
        typer.Option(
            "--lock/--no-lock",
            help="Write uv.lock with uv (it asks the package index; a failure leaves no lock, "
            "not no project).  [default: $FASTAPI_GEN_LOCK, else lock when uv is on PATH]",
        ),
    ] = None,
) -> None:
    """Create a new FastAPI project in <output>/<name>.

    Options left out take the template's defaults, or with --interactive are asked for.
    """
    spec = ProjectSpec(
        name=name,
        output=output if output is not None else Path.cwd(),
        description=description,
        database=database,
        auth=auth,
        jobs=jobs,
        api_prefix=api_prefix,
        git=git,
        interactive=interactive,
        lock=lock,
    )
    with user_errors():
        from generator.project.create import create_project

        _show_created(create_project(spec))


def _show_created(project: CreatedProject) -> None:
    _say(f"{typer.style('Created', fg='green')} {project.name.title} in {project.path}")
    _say(f"  database  {project.database.value}")
    _say(f"  auth      {'on' if project.auth else 'off'}")
    _say(f"  jobs      {'on' if project.jobs else 'off'}")
    if project.commit is not None:
        _say(f"  git       initial commit {project.commit[:7]}")
    if project.lock.written:
        _say("  lock      uv.lock")
    elif project.lock.reason:
        none = typer.style("none", fg="yellow")
        _say(f"  lock      {none}: {project.lock.reason}; `uv sync` writes one when it can")
    _say("\nNext steps:")
    for command in (f"cd {shlex.quote(_relative_to_cwd(project.path))}", *UV_STEPS):
        _say(f"  {command}")
    _say("\nWithout uv (pip 25.1 or newer reads --group):")
    for command in PIP_STEPS:
        _say(f"  {command}")


def _relative_to_cwd(path: Path) -> str:
    """The shortest way to name ``path`` from here: relative below the cwd, else absolute."""
    cwd = Path.cwd()
    return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)


FIELDS_HELP = """\
Fields are NAME[:TYPE[:ARG ...]][:MODIFIER ...]; TYPE defaults to str.

\b
Types:     str[:MAXLEN] (255), text, int, float, bool, date, datetime, uuid, json,
           decimal[:PRECISION:SCALE] (12:2), enum:VALUE1:VALUE2[:...],
           ref:FEATURE (a many-to-one reference; ref:users for a user),
           refs:FEATURE (many-to-many links: tags:refs:tags is tag_ids in JSON)
Modifiers: optional, unique, index, default=VALUE (last: the value may hold ':'),
           min=VALUE, max=VALUE (int, float, decimal, date, datetime),
           min_length=N and search (str, text)

\b
Enum values that spell a modifier go in one comma list:
  kind:enum:draft,optional,final   (one value: kind:enum:index,)
Bounds both databases hold: int -2147483648..2147483647, MAXLEN up to
10485760 (600 when unique or indexed), PRECISION up to 15.

\b
Example:
  fastapi-gen add-feature orders title:str:120:search total:decimal:10:2:min=0 \\
      quantity:int:min=1:max=1000 status:enum:pending:paid:shipped:default=pending \\
      note:text:optional customer:ref:customers
"""

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        help="The project to change.  [default: the one around the current directory]",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the files that would change; write nothing.")
]


class _FieldsRequired(TyperCommand):
    """add-feature's usage line shows FIELD... as required and repeatable, as NAME is shown.

    Click would show the optional argument as ``[FIELD...]``; it stays optional to Click so that
    a missing field gets the library's message (what a field looks like), not Click's.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # Click's Context, vendored or not
        pieces = super().collect_usage_pieces(ctx)
        required = "{NAME}" in pieces  # how this Typer release marks a required argument
        return [
            piece.replace("[FIELD...]", "{FIELD...}" if required else "FIELD...")
            for piece in pieces
        ]


@app.command("add-feature", epilog=FIELDS_HELP, cls=_FieldsRequired)
def add_feature(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="Feature name, singular or plural: orders, order-items, Person."
        ),
    ],
    fields: Annotated[
        list[str] | None,
        typer.Argument(metavar="FIELD...", help="One or more fields, see below."),
    ] = None,
    read: Annotated[
        str | None,
        typer.Option(
            "--read",
            metavar="owner|user|anyone",
            help="Who reads rows: their owner (and admins), any signed-in user, or anyone. "
            "Default: owner.",
        ),
    ] = None,
    write: Annotated[
        str | None,
        typer.Option(
            "--write",
            metavar="owner|user|admin",
            help="Who creates, changes and deletes rows: their owner (and admins), any "
            "signed-in user, or admins only. Default: owner.",
        ),
    ] = None,
    public: Annotated[
        bool,
        typer.Option("--public", help="Short for --read anyone --write user."),
    ] = False,
    soft_delete: Annotated[
        bool,
        typer.Option(
            "--soft-delete",
            help="DELETE marks rows deleted (deleted_at); admins list them with ?deleted=true "
            "and restore them with POST /{id}/restore.",
        ),
    ] = False,
    pagination: Annotated[
        str,
        typer.Option(
            "--pagination",
            metavar="offset|cursor",
            help="List pages by limit and offset, or by an opaque signed cursor (keyset pages: "
            "a deep page costs what the first does). Cursor pages need auth.",
        ),
    ] = "offset",
    project: ProjectOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a CRUD feature: model, schemas, service, router, tests and a migration."""
    with user_errors():
        from generator.feature import FeatureRequest, add_feature

        request = FeatureRequest(
            name=name,
            fields=fields or [],
            read=read,
            write=write,
            public=public,
            soft_delete=soft_delete,
            pagination=pagination,
        )
        _show_outcome(add_feature(project or Path.cwd(), request, dry_run=dry_run))


def complete_feature(ctx: typer.Context, incomplete: str) -> list[str]:
    """The features remove-feature can take back, for shell completion: what add-feature added."""
    from generator.core.manifest import load

    return _recorded(ctx, incomplete, load)


def _recorded(
    ctx: typer.Context, incomplete: str, read: "Callable[[Path], Mapping[str, object]]"
) -> list[str]:
    """The names a manifest reader finds in the project, for shell completion.

    Completion must never fail loudly: outside a project, or in a broken one, it offers nothing.
    """
    from generator.core.existing import find_project_root

    chosen = ctx.params.get("project")  # a str or a Path, as the Typer release converts it
    try:
        root = find_project_root(Path(chosen) if isinstance(chosen, str | Path) else Path.cwd())
        names = read(root)
    except (GeneratorError, OSError):
        return []
    return sorted(name for name in names if name.startswith(incomplete))


@app.command("remove-feature")
def remove_feature(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The feature to remove.", autocompletion=complete_feature
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Remove it even if edited, referenced, or not the latest migration."
        ),
    ] = False,
    project: ProjectOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Remove a feature that add-feature created, and its migration when it is the latest."""
    with user_errors():
        from generator.feature import remove_feature

        outcome = remove_feature(project or Path.cwd(), name, force=force, dry_run=dry_run)
        _show_outcome(outcome)


@app.command("add-job")
def add_job(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The task's name, e.g. send_receipt.")
    ],
    feature: Annotated[
        str | None,
        typer.Option(
            "--feature",
            metavar="FEATURE",
            help="The feature whose tasks.py gets the task.  [default: a 'jobs' package]",
        ),
    ] = None,
    schedule: Annotated[
        str | None,
        typer.Option(
            "--schedule",
            metavar="CRON",
            help="Run it periodically: five cron fields, e.g. '*/5 * * * *' (UTC).",
        ),
    ] = None,
    project: ProjectOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add a background task and its test to a project with --jobs."""
    with user_errors():
        from generator.job import JobRequest, add_job

        request = JobRequest(name=name, feature=feature, schedule=schedule)
        _show_outcome(add_job(project or Path.cwd(), request, dry_run=dry_run))


def complete_job(ctx: typer.Context, incomplete: str) -> list[str]:
    """The jobs remove-job can take back, for shell completion: what add-job added."""
    from generator.core.manifest import load_jobs

    return _recorded(ctx, incomplete, load_jobs)


@app.command("remove-job")
def remove_job(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="The job to remove.", autocompletion=complete_job),
    ],
    project: ProjectOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Remove a job that add-job added: its task and its test."""
    with user_errors():
        from generator.job import remove_job

        _show_outcome(remove_job(project or Path.cwd(), name, dry_run=dry_run))


@app.command()
def update(
    project: ProjectOption = None,
    dry_run: DryRunOption = False,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs",
            help="Turn background jobs on (Taskiq on Redis, the outbox and its migration). "
            "Once on they stay: their migration may have run.",
        ),
    ] = False,
) -> None:
    """Bring the project and its features up to this fastapi-gen's template, keeping your edits.

    The project must be a git repository with nothing uncommitted. The update is one commit;
    when your edits and the template's overlap, the files are left in conflict for you to
    resolve, then `git add` them and `git cherry-pick --continue` (or `--abort` to give up).
    """
    with user_errors():
        from generator.update import UpdateConflict, update_project

        try:
            turn_on = ("jobs",) if jobs else ()
            result = update_project(project or Path.cwd(), dry_run=dry_run, turn_on=turn_on)
        except UpdateConflict as conflict:
            _show_update(conflict.result)  # the files, then the one line of the error
            raise
    if result.up_to_date:
        typer.echo(f"Already up to date with fastapi-gen {result.new_version}.")
        return
    _show_update(result)


def _show_update(result: "UpdateResult") -> None:
    """The files, then what the releases crossed say and the settings they changed."""
    _show_changes(result.steps, result.dry_run)
    for section in result.release_notes:
        _say(f"\n{section}")
    if result.settings.added or result.settings.removed:
        _say("\nSettings in .env.example (your .env may need them):")
        for name in result.settings.added:
            _say(f"  {typer.style('added', fg='green')}   {name}")
        for name in result.settings.removed:
            _say(f"  {typer.style('removed', fg='red')} {name}")
    for path in result.conflicts:
        typer.echo(f"  conflict {path}")
    if result.summary:
        _show_next(result.summary, result.next_steps)


def _show_outcome(outcome: "Outcome") -> None:
    """A command's changes (never listed before they are done), then what to run next."""
    _show_changes(outcome.steps, outcome.dry_run)
    if outcome.summary:
        _show_next(outcome.summary, outcome.next_steps)


def _show_changes(steps: "Sequence[tuple[str, str]]", dry_run: bool) -> None:
    if dry_run:
        _say(f"{typer.style('Dry run', fg='yellow')}: nothing is written.")
    styles = {
        "create": "green",
        "update": "yellow",
        "delete": "red",
        "kept": "yellow",
        "note": "yellow",
    }
    for verb, rest in steps:
        _say(f"  {typer.style(f'{verb:<6}', fg=styles.get(verb, 'white'))} {rest}")


def _show_next(summary: str, commands: list[str]) -> None:
    _say(f"\n{typer.style(summary, fg='green')} Next:")
    for command in commands:
        _say(f"  {command}")
