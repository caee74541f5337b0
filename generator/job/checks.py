"""What a job may be called and when it may run, checked before anything is planned."""

import keyword
import re

from generator.core.errors import InvalidInput

# The task's function name; `test_<name>_runs_twice_as_one_job` must fit a line.
MAX_NAME_LENGTH = 40
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Names tasks.py itself binds, or that read as something else there.
RESERVED = frozenset({"broker", "logger", "logging", "job", "jobid"})
DEFAULT_FEATURE = "jobs"
"""Where a job given no --feature goes: a package of tasks that belong to no feature."""

# Cron's five fields: name, lowest and highest value.
_CRON_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)


def check_job_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name.endswith("_") or "__" in name:
        raise InvalidInput(
            f"Invalid job name '{name}': use lowercase letters, digits and single '_' between "
            "words, starting with a letter (e.g. send_receipt)."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Invalid job name '{name}': at most {MAX_NAME_LENGTH} characters.")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED:
        raise InvalidInput(f"Invalid job name '{name}': it is a reserved word; choose another.")
    return name


def check_cron(schedule: str) -> str:
    """A cron expression of five numeric fields: `*`, `N`, `N-M`, each with `/STEP`, in lists."""
    fields = schedule.split()
    if len(fields) != len(_CRON_FIELDS):
        raise InvalidInput(
            f"Invalid schedule '{schedule}': give five cron fields (minute hour day-of-month "
            "month day-of-week), e.g. '*/5 * * * *' or '0 3 * * 1-5'."
        )
    for text, (name, low, high) in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            problem = _cron_item_problem(item, low, high)
            if problem:
                raise InvalidInput(f"Invalid schedule '{schedule}': {name} '{item}' {problem}.")
    return " ".join(fields)


def _cron_item_problem(item: str, low: int, high: int) -> str | None:
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) > 0):
        return "has a step that is not a positive number"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    bounds = [start, end] if dash else [start]
    if not all(bound.isdigit() for bound in bounds):
        return "is not *, a number or a range of numbers"
    if not all(low <= int(bound) <= high for bound in bounds):
        return f"is outside {low}-{high}"
    if dash and int(start) > int(end):
        return "is a range that ends before it starts"
    return None
