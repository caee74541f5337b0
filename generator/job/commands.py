"""add-job and remove-job as whole commands: plan, check, write and record."""

from pathlib import Path

from generator.core.existing import ExistingProject
from generator.core.outcome import Outcome
from generator.core.pristine import carry_out
from generator.job.plan import JobRequest, plan_add_job, plan_remove_job, tasks_path


def add_job(start: Path, request: JobRequest, *, dry_run: bool = False) -> Outcome:
    """Add a job to the project at or above ``start``; with ``dry_run`` only plan it."""
    project = ExistingProject.locate(start)
    changes, feature = plan_add_job(project, request)
    when = f", sent on '{request.schedule}' by the scheduler" if request.schedule else ""
    summary = f"Added the job {request.name} in {tasks_path(feature)}{when}."
    return carry_out(
        changes, project.root, f"add-job {request.name}",
        dry_run=dry_run, summary=summary, next_steps=[project.run("pytest")],
    )  # fmt: skip


def remove_job(start: Path, name: str, *, dry_run: bool = False) -> Outcome:
    """Remove a job add-job added; with ``dry_run`` only plan it."""
    project = ExistingProject.locate(start)
    changes, _ = plan_remove_job(project, name)
    return carry_out(
        changes, project.root, f"remove-job {name}",
        dry_run=dry_run, summary=f"Removed the job {name}.", next_steps=[project.run("pytest")],
    )  # fmt: skip
