"""add-job and remove-job: a task, its registration and its test, all or nothing, reversible."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.render.template import template_source
from tests.test_update import cli, files, git


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with template_source() as source:
        yield source


@pytest.fixture
def shop(template: Path, tmp_path: Path, git_config: None) -> Path:
    """A --jobs project with one feature, all committed."""
    code, out, err = cli(template, "new", "shop", "--jobs", "--no-lock", cwd=tmp_path)
    assert code == 0, out + err
    project = tmp_path / "shop"
    code, out, err = cli(template, "add-feature", "orders", "title:str:80", cwd=project)
    assert code == 0, out + err
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "orders")
    return project


def test_add_job_writes_the_task_its_test_and_the_record(template: Path, shop: Path) -> None:
    code, out, err = cli(template, "add-job", "send_receipt", "--feature", "orders", cwd=shop)
    assert code == 0, out + err
    code, out, err = cli(template, "add-job", "purge", "--schedule", "0 3 * * 1-5", cwd=shop)
    assert code == 0, out + err

    orders = (shop / "app/features/orders/tasks.py").read_text()
    assert '@broker.task\nasync def send_receipt(job: JobId = "") -> None:' in orders
    jobs = (shop / "app/features/jobs/tasks.py").read_text()
    assert '@broker.task(schedule=[{"cron": "0 3 * * 1-5"}])\nasync def purge(' in jobs
    assert (shop / "tests/features/orders/test_send_receipt_job.py").is_file()
    assert (shop / "tests/features/jobs/test_purge_job.py").is_file()
    assert (
        '"purge": {\n      "feature": "jobs",\n      "schedule": "0 3 * * 1-5"'
        in (shop / ".fastapi-gen.json").read_text()
    )


def test_remove_job_gives_back_the_tree_it_had(template: Path, shop: Path) -> None:
    before = files(shop)
    for arguments in (
        ["send_receipt", "--feature", "orders"],
        ["purge", "--schedule", "* * * * *"],
    ):
        code, out, err = cli(template, "add-job", *arguments, cwd=shop)
        assert code == 0, out + err

    for name in ("purge", "send_receipt"):
        code, out, err = cli(template, "remove-job", name, cwd=shop)
        assert code == 0, out + err

    assert files(shop) == before
    assert not (shop / "app/features/jobs").exists()


def test_a_dry_run_writes_nothing(template: Path, shop: Path) -> None:
    before = files(shop)

    code, out, _ = cli(template, "add-job", "purge", "--dry-run", cwd=shop)

    assert code == 0
    assert "create app/features/jobs/tasks.py" in out
    assert files(shop) == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Send-Receipt"], "Invalid job name 'Send-Receipt'"),
        (["class"], "reserved word"),
        (["x" * 41], "at most 40 characters"),
        (["purge", "--schedule", "* * * *"], "give five cron fields"),
        (["purge", "--schedule", "61 * * * *"], "minute '61' is outside 0-59"),
        (["purge", "--schedule", "* 5-2 * * *"], "ends before it starts"),
        (["purge", "--schedule", "*/0 * * * *"], "step that is not a positive number"),
        (["purge", "--feature", "invoices"], "There is no feature 'invoices'"),
        (["send_receipt", "--feature", "orders"], "Job 'send_receipt' already exists"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    template: Path, shop: Path, arguments: list[str], message: str
) -> None:
    code, out, err = cli(template, "add-job", "send_receipt", "--feature", "orders", cwd=shop)
    assert code == 0, out + err
    before = files(shop)

    code, out, err = cli(template, "add-job", *arguments, cwd=shop)

    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert files(shop) == before


def test_a_project_without_jobs_is_refused(template: Path, tmp_path: Path) -> None:
    code, out, err = cli(template, "new", "plain", "--no-lock", "--no-git", cwd=tmp_path)
    assert code == 0, out + err
    before = files(tmp_path / "plain")

    code, _, err = cli(template, "add-job", "purge", cwd=tmp_path / "plain")

    assert code == 2
    assert "no background jobs; turn them on with 'fastapi-gen update --jobs'" in err
    assert files(tmp_path / "plain") == before


def test_hand_edits_and_the_features_jobs_are_never_overwritten(template: Path, shop: Path) -> None:
    code, out, err = cli(template, "add-job", "send_receipt", "--feature", "orders", cwd=shop)
    assert code == 0, out + err
    tasks = shop / "app/features/orders/tasks.py"
    tasks.write_text(tasks.read_text() + "\n# mine\n")

    code, _, err = cli(template, "add-job", "nightly", "--feature", "orders", cwd=shop)
    assert code == 2
    assert "edited since add-job wrote them" in err
    code, _, err = cli(template, "remove-job", "send_receipt", cwd=shop)
    assert code == 2
    code, _, err = cli(template, "remove-feature", "orders", cwd=shop)
    assert code == 2
    assert "its jobs send_receipt live in its tasks.py" in err
    assert tasks.read_text().endswith("# mine\n")


def committed_then_updated(template: Path, project: Path, *command: str) -> str:
    """Run a command, commit what it wrote, then `update`: what update printed."""
    code, out, err = cli(template, *command, cwd=project)
    assert code == 0, out + err
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", " ".join(command))
    code, out, err = cli(template, "update", cwd=project)
    assert code == 0, out + err
    return out


def test_update_renders_the_jobs_again(template: Path, shop: Path) -> None:
    out = committed_then_updated(template, shop, "add-job", "purge", "--schedule", "*/5 * * * *")

    # The fresh render holds the job exactly as add-job wrote it: nothing to merge.
    assert "Already up to date" in out
