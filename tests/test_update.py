"""fastapi-gen update: the template's changes merged into a project, the user's edits kept.

Two template versions are built inside each test: A is the template as it is, B changes a file
of the project, adds one, drops one and changes the feature template. Projects are made with A
and updated with B; the installed generator reads $FASTAPI_GEN_TEMPLATE to use either.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.core.pristine import REF
from generator.render.template import TEMPLATE_VARIABLE, template_source

FEATURES = [
    ["customers", "name:str:80", "email:str:unique", "--soft-delete"],
    ["orders", "total:decimal:10:2", "customer:ref:customers", "status:enum:new,paid"],
    ["Tag", "label:str:40", "--public"],
    # Re-rendered from the policy and the pagination the manifest records.
    ["products", "title:str:80", "--read", "user", "--write", "admin", "--pagination", "cursor"],
]
README_LINE = "A line only version B has."


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Template roots A (as it is) and B (a later release of it)."""
    a, b = tmp_path_factory.mktemp("template-a"), tmp_path_factory.mktemp("template-b")
    with template_source() as source:
        for root in (a, b):
            shutil.copy2(source / "copier.yml", root / "copier.yml")
            shutil.copytree(source / "template", root / "template")
    project, feature = b / "template" / "project", b / "template" / "feature"
    readme = project / "README.md.jinja"
    readme.write_text(
        readme.read_text().replace("## Configuration\n", f"{README_LINE}\n\n## Configuration\n", 1)
    )
    (project / "CHANGELOG.md").write_text("A file version B adds.\n")
    (project / "Dockerfile.jinja").unlink()  # a file version B drops
    router = feature / "router.py.jinja"
    router.write_text(
        router.read_text().replace("\nrouter = ", "\n# Served by version B.\nrouter = ", 1)
    )
    return a, b


def git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def cli(template: Path, *args: str, cwd: Path) -> tuple[int, str, str]:
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TEMPLATE_VARIABLE, str(template))
        patch.chdir(cwd)
        result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def make(template: Path, where: Path, *, features: bool = True) -> Path:
    """A project rendered by `template`, with the features added and committed."""
    code, out, err = cli(template, "new", "shop", cwd=where)
    assert code == 0, out + err
    project = where / "shop"
    if features:
        add_features(template, project)
    return project


def add_features(template: Path, project: Path) -> None:
    """Add FEATURES with `template` and commit them."""
    for feature in FEATURES:
        code, out, err = cli(template, "add-feature", *feature, cwd=project)
        assert code == 0, out + err
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Add the features")


def files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


@pytest.mark.usefixtures("git_config")
def test_an_unedited_project_updated_equals_a_fresh_one(
    templates: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = templates
    (tmp_path / "old").mkdir()
    (tmp_path / "fresh").mkdir()
    old = make(a, tmp_path / "old")
    head = git(old, "rev-parse", "HEAD")

    code, out, err = cli(b, "update", cwd=old)

    assert code == 0, out + err
    fresh = make(b, tmp_path / "fresh")
    assert files(old) == files(fresh)
    assert git(old, "status", "--porcelain") == ""
    assert git(old, "rev-parse", "HEAD~1") == head  # the update is one commit
    assert git(old, "log", "-1", "--format=%s").startswith("Update to fastapi-gen")
    assert "# Served by version B." in (old / "app/features/orders/router.py").read_text()
    assert not (old / "Dockerfile").exists()


@pytest.mark.usefixtures("git_config")
def test_user_edits_survive_and_deleted_files_stay_deleted(
    templates: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = templates
    project = make(a, tmp_path)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("## Test\n", "## Test (our own words)\n", 1))
    (project / "app/features/orders/router.py").unlink()  # the template changes it
    (project / ".env.example").unlink()  # the template leaves it alone
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# our own layer\n")  # B drops it
    git(project, "commit", "--quiet", "--all", "--message", "Our edits")

    code, out, err = cli(b, "update", cwd=project)

    assert code == 0, out + err
    text = readme.read_text()
    assert "## Test (our own words)" in text
    assert README_LINE in text
    assert not (project / "app/features/orders/router.py").exists()
    assert not (project / ".env.example").exists()
    assert dockerfile.read_text().endswith("# our own layer\n")
    assert (project / "CHANGELOG.md").is_file()
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.usefixtures("git_config")
def test_overlapping_edits_are_a_reported_conflict(
    templates: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = templates
    project = make(a, tmp_path, features=False)
    readme = project / "README.md"
    readme.write_text(
        readme.read_text().replace("## Configuration\n", "Our line.\n\n## Configuration\n", 1)
    )
    git(project, "commit", "--quiet", "--all", "--message", "Our edit where B edits")

    code, out, err = cli(b, "update", cwd=project)

    assert code == 1
    assert "conflict README.md" in out
    assert err.count("\n") == 1
    assert "conflicts with your edits in 1 file" in err
    assert git(project, "diff", "--name-only", "--diff-filter=U") == "README.md"
    assert "<<<<<<<" in readme.read_text()
    assert (project / "CHANGELOG.md").is_file()  # what merged cleanly is staged

    # Given up, the next update starts again from version A.
    git(project, "cherry-pick", "--abort")
    assert cli(b, "update", cwd=project)[0] == 1
    # Resolved and committed, the project is up to date with B.
    readme.write_text(readme.read_text().split("<<<<<<<")[0] + "Our line.\n")
    git(project, "add", "README.md")
    git(project, "-c", "core.editor=true", "cherry-pick", "--continue")
    code, out, _ = cli(b, "update", cwd=project)
    assert (code, out.strip()) == (0, f"Already up to date with fastapi-gen {version()}.")


def version() -> str:
    import generator

    return generator.__version__


@pytest.mark.usefixtures("git_config")
def test_an_up_to_date_project_and_a_dry_run_change_nothing(
    templates: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = templates
    project = make(a, tmp_path)
    head, record = git(project, "rev-parse", "HEAD"), git(project, "rev-parse", REF)

    same = cli(a, "update", cwd=project)
    dry = cli(b, "update", "--dry-run", cwd=project)

    assert same[0] == 0
    assert same[1].strip() == f"Already up to date with fastapi-gen {version()}."
    assert dry[0] == 0, dry[1] + dry[2]
    assert "Dry run" in dry[1]
    assert "create CHANGELOG.md" in dry[1]
    assert "delete Dockerfile" in dry[1]
    assert "update app/features/orders/router.py" in dry[1]
    assert (git(project, "rev-parse", "HEAD"), git(project, "rev-parse", REF)) == (head, record)
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.usefixtures("git_config")
@pytest.mark.parametrize("state", ["uncommitted", "untracked", "newer", "no git", "not a project"])
def test_refusals_change_nothing(templates: tuple[Path, Path], tmp_path: Path, state: str) -> None:
    a, b = templates
    project = make(a, tmp_path, features=False)
    if state == "uncommitted":
        (project / "README.md").write_text("changed\n")
    elif state == "untracked":
        (project / "scratch.txt").write_text("mine\n")
    elif state == "newer":
        answers = project / ".copier-answers.yml"
        answers.write_text(answers.read_text().replace(f'"{version()}"', '"99.0.0"'))
        git(project, "commit", "--quiet", "--all", "--message", "From the future")
    elif state == "no git":
        shutil.rmtree(project / ".git")
    else:
        project = tmp_path / "elsewhere"
        project.mkdir()
    before = files(project)

    code, out, err = cli(b, "update", cwd=project)

    assert code == 2, out + err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert files(project) == before


BIN = Path(sys.executable).parent


@pytest.mark.slow
@pytest.mark.usefixtures("git_config")
def test_a_database_migrated_before_the_update_upgrades_and_the_checks_pass(
    templates: tuple[Path, Path], schema_change: Path, tmp_path: Path
) -> None:
    a, _ = templates
    project = make(a, tmp_path)
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"}

    def check(*command: str) -> str:
        result = subprocess.run(
            [str(BIN / command[0]), *command[1:]],
            cwd=project, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
        return result.stdout + result.stderr

    check("alembic", "upgrade", "head")
    assert cli(schema_change, "update", cwd=project)[0] == 0

    # The template's new revision follows the features' (already applied) ones.
    migration = (project / "migrations/versions/b1_users_locale.py").read_text()
    # Features are numbered after the template's own revisions (users, auth, account lifecycle).
    template_revisions = list((a / "template/project/migrations/versions").glob("{% if auth %}*"))
    last = f"{len(FEATURES) + len(template_revisions):04d}"
    assert f'down_revision: str | None = "{last}"' in migration
    check("alembic", "upgrade", "head")
    assert "No new upgrade operations detected" in check("alembic", "check")
    check("ruff", "check", ".")
    check("ruff", "format", "--check", ".")
    assert "Success" in check("mypy")
    assert " passed" in check("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")


LOCALE_MIGRATION = '''"""Users have a locale.

Revision ID: b1_users_locale
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b1_users_locale"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "locale")
'''


@pytest.fixture(scope="module")
def schema_change(templates: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Template B with a change to a table: a column on users and the revision that adds it."""
    _, b = templates
    root = tmp_path_factory.mktemp("template-b-schema")
    shutil.copy2(b / "copier.yml", root / "copier.yml")
    shutil.copytree(b / "template", root / "template")
    project = root / "template" / "project"
    models = project / "app/features/{% if auth %}users{% endif %}/models.py"
    models.write_text(
        models.read_text().replace(
            "    is_active: Mapped[bool] = mapped_column(default=True)\n",
            "    is_active: Mapped[bool] = mapped_column(default=True)\n"
            "    locale: Mapped[str | None] = mapped_column(String(16))\n",
        )
    )
    versions = project / "migrations/versions"
    (versions / "{% if auth %}b1_users_locale.py{% endif %}").write_text(LOCALE_MIGRATION)
    return root


@pytest.mark.usefixtures("git_config")
def test_a_project_made_before_records_were_kept_is_rebuilt_from_its_history(
    templates: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = templates
    (tmp_path / "old").mkdir()
    (tmp_path / "fresh").mkdir()
    project = make(a, tmp_path / "old", features=False)
    # As fastapi-gen 0.1 left it: no record, and no version in the answers.
    git(project, "update-ref", "-d", REF)
    answers = project / ".copier-answers.yml"
    answers.write_text("".join(
        line for line in answers.read_text().splitlines(keepends=True)
        if not line.startswith("_fastapi_gen_version:")
    ))  # fmt: skip
    git(project, "commit", "--quiet", "--amend", "--all", "--no-edit")
    add_features(a, project)
    service = project / "app/features/customers/service.py"
    service.write_text(service.read_text() + "# our own words\n")
    git(project, "commit", "--quiet", "--all", "--message", "Our edit")

    code, out, err = cli(b, "update", cwd=project)

    assert code == 0, out + err
    assert service.read_text().endswith("# our own words\n")
    fresh = make(b, tmp_path / "fresh")
    assert files(project).keys() == files(fresh).keys()
    assert "# Served by version B." in (project / "app/features/orders/router.py").read_text()
    assert git(project, "rev-parse", REF)  # kept from now on


@pytest.fixture(scope="module")
def noted(templates: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Template B with release notes and a setting added to .env.example, one dropped."""
    _, b = templates
    root = tmp_path_factory.mktemp("template-b-noted")
    shutil.copy2(b / "copier.yml", root / "copier.yml")
    shutil.copytree(b / "template", root / "template")
    (root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## 99.0.0\n\n- Crossed.\n\n## {version()}\n\n- The project's own.\n"
    )
    env = root / "template" / "project" / ".env.example.jinja"
    env.write_text(env.read_text().replace("LOG_LEVEL=INFO\n", "NEW_SETTING=1\n", 1))
    return root


@pytest.mark.usefixtures("git_config")
@pytest.mark.parametrize("dry_run", [True, False])
def test_an_update_prints_the_release_notes_it_crosses_and_the_settings(
    templates: tuple[Path, Path], noted: Path, tmp_path: Path, dry_run: bool
) -> None:
    a, _ = templates
    project = make(a, tmp_path, features=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.__version__", "99.0.0", raising=False)
        code, out, err = cli(noted, "update", *(["--dry-run"] if dry_run else []), cwd=project)

    assert code == 0, out + err
    assert "## 99.0.0\n\n- Crossed." in out
    assert "The project's own" not in out
    assert "added   NEW_SETTING" in out
    assert "removed LOG_LEVEL" in out
    assert ("Next:" in out) is not dry_run


@pytest.mark.usefixtures("git_config")
def test_the_templates_revision_goes_on_top_of_the_users_own(
    templates: tuple[Path, Path], schema_change: Path, tmp_path: Path
) -> None:
    from generator.core.migrations import heads, read_revisions

    a, _ = templates
    project = make(a, tmp_path)
    versions = project / "migrations" / "versions"
    [head] = heads(read_revisions(versions))
    (versions / "9000_ours.py").write_text(
        LOCALE_MIGRATION.replace("b1_users_locale", "9000").replace('"0001"', f'"{head}"')
    )
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Our own revision on top of the features")

    code, out, err = cli(schema_change, "update", cwd=project)

    assert code == 0, out + err
    revisions = {revision.id: revision for revision in read_revisions(versions)}
    assert heads(list(revisions.values())) == ["b1_users_locale"]
    assert revisions["b1_users_locale"].down_revisions == ("9000",)
    assert "Revises: 9000" in (versions / "b1_users_locale.py").read_text()
