"""The ``fastapi-gen`` command: parse arguments, call the library, report results and errors.

Only light modules are imported at the top: Copier and the library load inside the commands,
so ``fastapi-gen --help`` does not pay for them.
"""

import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from generator.errors import GeneratorError
from generator.spec import SETUP_COMMANDS, CreatedProject, Database, ProjectSpec

app = typer.Typer(
    name="fastapi-gen",
    help="Create production-shaped FastAPI projects.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Report a GeneratorError as one red line on stderr and exit with its code."""
    try:
        yield
    except GeneratorError as error:
        from rich.console import Console

        Console(stderr=True, soft_wrap=True, highlight=False).print(
            f"Error: {error.message}", style="red", markup=False
        )
        raise typer.Exit(error.exit_code) from None


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
    name: Annotated[str, typer.Argument(help="Project name, e.g. 'my-api' or 'My API'.")],
    database: Annotated[
        Database | None,
        typer.Option(help="Where the data lives.", show_default="sqlite"),
    ] = None,
    auth: Annotated[
        bool | None,
        typer.Option("--auth/--no-auth", help="Users, roles and JWT auth.", show_default="--auth"),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option(help="One-line description for pyproject.toml.", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Directory to create the project in.",
            show_default="current directory",
        ),
    ] = None,
    git: Annotated[
        bool, typer.Option("--git/--no-git", help="Make a git repository with a first commit.")
    ] = True,
    interactive: Annotated[
        bool,
        typer.Option(help="Ask the template's questions that no option answered."),
    ] = False,
) -> None:
    """Create a new FastAPI project in <output>/<name>.

    Options left out take the template's defaults, or with --interactive are asked for.
    """
    from generator.project import create_project

    spec = ProjectSpec(
        name=name,
        output=output if output is not None else Path.cwd(),
        description=description,
        database=database,
        auth=auth,
        git=git,
        interactive=interactive,
    )
    with user_errors():
        project = create_project(spec)
    _show_created(project)


def _show_created(project: CreatedProject) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    console.print(f"[green]Created[/] {escape(project.name.title)} in {escape(str(project.path))}")
    console.print(f"  database  {project.database.value}")
    console.print(f"  auth      {'on' if project.auth else 'off'}")
    if project.commit is not None:
        console.print(f"  git       initial commit {project.commit[:7]}")
    console.print("\nNext steps:")
    for command in (f"cd {shlex.quote(_relative_to_cwd(project.path))}", *SETUP_COMMANDS):
        console.print(f"  {escape(command)}", soft_wrap=True)


def _relative_to_cwd(path: Path) -> str:
    """The shortest way to name ``path`` from here: relative below the cwd, else absolute."""
    cwd = Path.cwd()
    return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
