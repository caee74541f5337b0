"""add-job and remove-job.

A job is a task in its feature's `tasks.py` (the whole file rendered from the jobs the manifest
records for that feature, in name order) and a test of its own in `tests/features/<feature>/`.
The worker discovers every feature's tasks, so nothing else is edited.

The story in reading order: `checks` (a job's name and schedule), `plan` (the whole change,
checked before anything is written), `commands` (planned, written, recorded).
"""

from generator.job.commands import add_job, remove_job
from generator.job.plan import JobRequest, render_jobs

__all__ = ["JobRequest", "add_job", "remove_job", "render_jobs"]
