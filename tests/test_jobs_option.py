"""`--jobs`: a project with background jobs from `new`, or turned on later by `update --jobs`."""

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.core.migrations import read_revisions, single_head
from generator.render.template import template_source
from tests.test_job import committed_then_updated
from tests.test_update import cli, git, make

JOBS_FILES = ("app/core/jobs.py", "app/worker.py", "migrations/versions/job_outbox.py")


def dependencies(project: Path) -> str:
    return " ".join(
        tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    )


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with template_source() as source:
        yield source


@pytest.mark.usefixtures("git_config")
def test_new_with_jobs_has_the_queue_and_without_it_none(template: Path, tmp_path: Path) -> None:
    code, out, err = cli(template, "new", "queued", "--jobs", "--no-lock", cwd=tmp_path)
    assert code == 0, out + err
    assert "jobs      on" in out
    code, out, err = cli(template, "new", "plain", "--no-lock", cwd=tmp_path)
    assert code == 0, out + err
    assert "jobs      off" in out

    queued, plain = tmp_path / "queued", tmp_path / "plain"
    assert all((queued / path).is_file() for path in JOBS_FILES)
    assert not any((plain / path).exists() for path in JOBS_FILES)
    assert "taskiq-redis" in dependencies(queued)
    assert "taskiq" not in dependencies(plain)
    assert "jobs: true" in (queued / ".copier-answers.yml").read_text()
    assert "jobs: false" in (plain / ".copier-answers.yml").read_text()
    assert "JOBS_BROKER_URL" not in (plain / ".env.example").read_text()


@pytest.mark.usefixtures("git_config")
def test_update_turns_jobs_on_with_the_outbox_on_top_of_the_projects_head(
    template: Path, tmp_path: Path
) -> None:
    project = make(template, tmp_path)
    head_before = single_head(read_revisions(project / "migrations/versions"))
    commits = git(project, "rev-list", "--count", "HEAD")

    code, out, err = cli(template, "update", "--jobs", cwd=project)

    assert code == 0, out + err
    assert "Turned on jobs" in out
    assert all((project / path).is_file() for path in JOBS_FILES)
    assert "jobs: true" in (project / ".copier-answers.yml").read_text()
    revisions = read_revisions(project / "migrations/versions")
    outbox = next(revision for revision in revisions if revision.id == "job_outbox")
    assert outbox.down_revisions == (head_before,)
    assert single_head(revisions) == "job_outbox"
    assert git(project, "status", "--porcelain") == ""
    assert int(git(project, "rev-list", "--count", "HEAD")) == int(commits) + 1

    # Once on, asking again changes nothing; nor does a feature added after the outbox.
    code, out, err = cli(template, "update", "--jobs", cwd=project)
    assert code == 0, out + err
    assert "Already up to date" in out
    out = committed_then_updated(template, project, "add-feature", "invoices", "number:int")
    assert "Already up to date" in out
