"""The whole change of add-job and remove-job, checked before anything is written.

A feature's `tasks.py` is rendered from every job the manifest records for it, so adding or
removing one job rewrites that file, and only a file that is exactly what fastapi-gen wrote
(no hand edits) is ever rewritten: anything else is refused, never overwritten.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core import manifest
from generator.core.changes import Changes
from generator.core.errors import InvalidInput
from generator.core.existing import FEATURES_DIR, TESTS_FEATURES_DIR, ExistingProject
from generator.core.files import read_text
from generator.job.checks import DEFAULT_FEATURE, check_cron, check_job_name

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class JobRequest:
    name: str
    feature: str | None = None
    """The feature package whose tasks.py gets the task; None: the `jobs` package."""
    schedule: str | None = None
    """A cron expression: the scheduler sends the task on it."""


def tasks_path(feature: str) -> Path:
    return FEATURES_DIR / feature / "tasks.py"


def test_path(name: str, feature: str) -> Path:
    return TESTS_FEATURES_DIR / feature / f"test_{name}_job.py"


def _environment() -> "jinja2.Environment":
    from generator.render.compiled import code_templates

    environment = code_templates("job")
    environment.filters["tojson"] = _json
    return environment


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def render_jobs(
    root: Path, jobs: dict[str, manifest.JobRecord], features: set[str] | None = None
) -> dict[Path, str]:
    """Every file the recorded jobs of `features` (all, by default) consist of, formatted."""
    from generator.core.formatting import format_python

    environment = _environment()
    chosen = {record.feature for record in jobs.values()} if features is None else features
    files: dict[Path, str] = {}
    for feature in sorted(chosen):
        mine = sorted((name, record) for name, record in jobs.items() if record.feature == feature)
        if not mine:
            continue
        listed = [
            {
                "name": name,
                "schedule": record.schedule,
            }
            for name, record in mine
        ]
        files[tasks_path(feature)] = environment.get_template("tasks.py.jinja").render(
            feature=feature, jobs=listed
        )
        for name, record in mine:
            files[test_path(name, feature)] = environment.get_template("test_job.py.jinja").render(
                name=name, feature=feature, schedule=record.schedule
            )
        if feature == DEFAULT_FEATURE:
            files[FEATURES_DIR / feature / "__init__.py"] = ""
            files[TESTS_FEATURES_DIR / feature / "__init__.py"] = ""
    return format_python(root, files) if files else files


def _check_jobs_on(project: ExistingProject) -> None:
    if project.answers.get("jobs") is not True:
        raise InvalidInput(
            "This project has no background jobs; turn them on with 'fastapi-gen update --jobs'."
        )


def _check_untouched(
    project: ExistingProject, jobs: dict[str, manifest.JobRecord], feature: str
) -> None:
    """The feature's job files must be exactly what fastapi-gen wrote for its recorded jobs."""
    expected = render_jobs(project.root, jobs, {feature})
    path = tasks_path(feature)
    if path not in expected and (project.root / path).exists():
        raise InvalidInput(
            f"{path} exists and was not written by add-job; add the task to it by hand."
        )
    edited = sorted(
        str(path)
        for path, text in expected.items()
        if text
        and (project.root / path).exists()
        and read_text(project.root / path, project.root) != text
    )
    if edited:
        raise InvalidInput(
            f"{', '.join(edited)} edited since add-job wrote them; change the jobs by hand."
        )


def plan_add_job(project: ExistingProject, request: JobRequest) -> tuple[Changes, str]:
    """Everything add-job would write; raises InvalidInput before anything is written."""
    _check_jobs_on(project)
    name = check_job_name(request.name)
    schedule = check_cron(request.schedule) if request.schedule is not None else None
    feature = request.feature if request.feature is not None else DEFAULT_FEATURE
    if (
        request.feature is not None
        and not (project.root / FEATURES_DIR / feature / "__init__.py").is_file()
    ):
        raise InvalidInput(f"There is no feature '{feature}' in app/features/ for the job.")
    records = manifest.load(project.root)
    jobs = manifest.load_jobs(project.root)
    if name in jobs:
        raise InvalidInput(f"Job '{name}' already exists, in {tasks_path(jobs[name].feature)}.")
    _check_untouched(project, jobs, feature)
    new_package = not any(record.feature == feature for record in jobs.values())
    if request.feature is None and new_package and (project.root / FEATURES_DIR / feature).exists():
        raise InvalidInput(f"app/features/{feature}/ exists and is not add-job's; give --feature.")
    jobs[name] = manifest.JobRecord(feature=feature, schedule=schedule)
    files = render_jobs(project.root, jobs, {feature})
    test = test_path(name, feature)
    if (project.root / test).exists():
        raise InvalidInput(f"Job '{name}' would overwrite {test}.")
    writes = {
        path: text
        for path, text in files.items()
        if not (project.root / path).exists() or path in {tasks_path(feature), test}
    }
    if not (project.root / TESTS_FEATURES_DIR / feature / "__init__.py").exists():
        writes[TESTS_FEATURES_DIR / feature / "__init__.py"] = ""
    writes[Path(manifest.MANIFEST)] = manifest.dump(records, jobs) or ""
    return Changes(writes=writes), feature


def plan_remove_job(project: ExistingProject, name: str) -> tuple[Changes, str]:
    """What remove-job would change: its test goes, its feature's tasks.py loses it."""
    _check_jobs_on(project)
    jobs = manifest.load_jobs(project.root)
    record = jobs.get(name)
    if record is None:
        raise InvalidInput(f"There is no job '{name}' that add-job added.")
    feature = record.feature
    _check_untouched(project, jobs, feature)
    del jobs[name]
    remaining = render_jobs(project.root, jobs, {feature})
    changes = Changes(
        deletes=[test_path(name, feature)],
        prune=[FEATURES_DIR / feature, TESTS_FEATURES_DIR / feature],
    )
    if tasks_path(feature) in remaining:
        changes.writes[tasks_path(feature)] = remaining[tasks_path(feature)]
    else:
        changes.deletes.append(tasks_path(feature))
        if feature == DEFAULT_FEATURE:
            changes.deletes += [
                FEATURES_DIR / feature / "__init__.py",
                TESTS_FEATURES_DIR / feature / "__init__.py",
            ]
    text = manifest.dump(manifest.load(project.root), jobs)
    if text is None:
        changes.deletes.append(Path(manifest.MANIFEST))
    else:
        changes.writes[Path(manifest.MANIFEST)] = text
    changes.deletes = [path for path in changes.deletes if (project.root / path).exists()]
    return changes, feature
