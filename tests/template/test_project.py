"""Every database x auth combination renders a project whose own checks all pass."""

import re

from tests.template.conftest import AUTH_FEATURES, FEATURES, Project

# The rendered project's own test suite, per variant: a drop means tests went missing.
EXPECTED_TESTS = {True: 267, False: 158}
# The same after add-feature has added FEATURES (and, with auth, AUTH_FEATURES).
EXPECTED_TESTS_WITH_FEATURES = {True: 1156, False: 560}
# What --jobs adds to a project's own suite (tests/core/test_jobs.py, a settings test), then
# add-job's JOBS.
JOBS_TESTS = 8 + 5
# What --jobs adds to an auth project's suite besides: mail sent only if its request commits, and
# a reset job delivered twice mailing one valid token (tests/features/auth/test_mail.py).
JOBS_AUTH_TESTS = 2
# Tool output inside a project, not rendered from the template.
CACHES = frozenset(
    {".git", ".ruff_cache", ".mypy_cache", ".pytest_cache", "__pycache__", ".coverage"}
)
# Of the project's own code, with branches, as its own coverage settings measure it.
MIN_COVERAGE = 90
# Each added feature brings at least this many tests (endpoints, validation, filters, ...).
MIN_TESTS_PER_FEATURE = 20


def passed_count(pytest_output: str) -> int:
    """The count of pytest's closing line (a tool's warning on stderr may come after it)."""
    lines = pytest_output.strip().splitlines()
    summary = next((line for line in reversed(lines) if re.search(r"\d+ passed", line)), lines[-1])
    assert not re.search(r"\b(failed|error|errors|skipped|xfailed|xpassed)\b", summary), summary
    match = re.search(r"(\d+) passed", summary)
    assert match, summary
    return int(match.group(1))


def test_its_own_test_suite_passes(project: Project) -> None:
    collected = project.check(
        "python", "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider"
    )
    output = project.check("coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    report = project.check("coverage", "report", f"--fail-under={MIN_COVERAGE}")

    assert "TOTAL" in report
    passed = passed_count(output)
    assert f"{passed} tests collected" in collected
    base = EXPECTED_TESTS[project.variant.auth]
    if project.variant.features:
        features = len(FEATURES) + (len(AUTH_FEATURES) if project.variant.auth else 0)
        assert passed >= base + features * MIN_TESTS_PER_FEATURE
        assert passed == EXPECTED_TESTS_WITH_FEATURES[project.variant.auth]
    else:
        jobs = JOBS_TESTS + (JOBS_AUTH_TESTS if project.variant.auth else 0)
        assert passed == base + (jobs if project.variant.jobs else 0)


def test_lint_and_format_are_clean(project: Project) -> None:
    project.check("ruff", "check", ".")
    project.check("ruff", "format", "--check", ".")


def test_strict_type_check_passes(project: Project) -> None:
    output = project.check("mypy")

    assert "Success: no issues found" in output


def test_migrations_round_trip_and_match_the_models(project: Project) -> None:
    project.check("alembic", "upgrade", "head")
    project.check("alembic", "downgrade", "base")
    project.check("alembic", "upgrade", "head")
    output = project.check("alembic", "check")

    assert "No new upgrade operations detected" in output


def test_no_template_syntax_is_left_behind(project: Project) -> None:
    leftovers = [
        path.relative_to(project.path)
        for path in project.path.rglob("*")
        if path.is_file()
        and not CACHES.intersection(path.parts)
        and re.search(r"(?<!\$)\{\{|\{%|%\}", path.read_text(errors="replace"))
    ]

    assert leftovers == []


def test_database_choice_is_wired_through(project: Project) -> None:
    pyproject = (project.path / "pyproject.toml").read_text()
    config = (project.path / "app/core/config.py").read_text()
    compose = (project.path / "compose.yaml").read_text()

    if project.variant.database == "postgresql":
        assert "asyncpg" in pyproject
        assert "aiosqlite" not in pyproject
        assert 'database_url: str = "postgresql+asyncpg://' in config
        assert "image: postgres" in compose
    else:
        assert "aiosqlite" in pyproject
        assert "asyncpg" not in pyproject
        assert 'database_url: str = "sqlite+aiosqlite://' in config
        assert "postgres" not in compose


def test_auth_code_exists_only_with_auth(project: Project) -> None:
    pattern = re.compile(r"auth|jwt|argon2|secret_key|token|password_hash|current_user", re.I)
    mentions = {
        str(path.relative_to(project.path))
        for path in project.path.rglob("*")
        if path.is_file()
        and path.name != ".copier-answers.yml"  # records the answer `auth: false` itself
        and path.suffix in {".py", ".toml", ".yml", ".yaml", ".example", ".md", ".ini"}
        and pattern.search(path.read_text())
    }

    if project.variant.auth:
        assert {"app/core/security.py", "app/features/auth/service.py"} <= mentions
    else:
        assert mentions == set()
