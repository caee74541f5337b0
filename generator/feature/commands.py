"""add-feature and remove-feature as whole commands: plan, check, write and record.

The plan (generator/feature/plan.py) is checked in full before anything is written; the
change is then written all or nothing and, in a project that keeps one, recorded in the
pristine record that `update` merges against (generator/core/pristine.py).
"""

from pathlib import Path

from generator.core.existing import ExistingProject
from generator.core.outcome import Outcome, Step
from generator.core.pristine import apply_and_record, carry_out
from generator.feature.plan import FeatureRequest, plan_add_feature, plan_remove_feature


def add_feature(start: Path, request: FeatureRequest, *, dry_run: bool = False) -> Outcome:
    """Add a feature to the project at or above ``start``; with ``dry_run`` only plan it."""
    project = ExistingProject.locate(start)
    changes, names = plan_add_feature(project, request)
    return carry_out(
        changes, project.root, f"add-feature {names.plural}", dry_run=dry_run,
        summary=f"Added {names.plural} at {project.api_prefix}/{names.url}.",
        next_steps=[project.run("alembic upgrade head"), project.run("pytest")],
    )  # fmt: skip


def remove_feature(
    start: Path, name: str, *, force: bool = False, dry_run: bool = False
) -> Outcome:
    """Remove a feature add-feature created; with ``dry_run`` only plan it."""
    project = ExistingProject.locate(start)
    changes, names, notes = plan_remove_feature(project, name, force=force, dry_run=dry_run)
    steps = [*changes.describe(project.root), *(Step(*note.split(" ", 1)) for note in notes)]
    if dry_run:
        return Outcome(steps, dry_run=True)
    apply_and_record(changes, project.root, f"remove-feature {names.plural}")
    return Outcome(steps, summary=f"Removed {names.plural}.", next_steps=[project.run("pytest")])
