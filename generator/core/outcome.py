"""What a command did, for the CLI to print: the files it changed and the steps that follow.

Every command of the library returns one of these (or a subclass), so that the CLI prints
results without knowing how they were made.
"""

from dataclasses import dataclass, field
from typing import NamedTuple


class Step(NamedTuple):
    """One line of a plan: a verb (create, update, delete, kept, note) and what it is about."""

    verb: str
    detail: str


@dataclass(frozen=True)
class Outcome:
    """A command's result: what it changed (or would, in a dry run) and what to run next."""

    steps: list[Step] = field(default_factory=list)
    summary: str = ""
    """One line for the end, e.g. "Added orders at /api/v1/orders."; empty for a dry run."""
    next_steps: list[str] = field(default_factory=list)
    dry_run: bool = False
