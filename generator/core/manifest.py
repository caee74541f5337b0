"""`.fastapi-gen.json`: what add-feature created, so remove-feature can take back exactly that.

It records each feature's fields (to rebuild references), whether its rows have owners, who
may read and write them (in a project with users), its migration, and a hash of every file it
wrote (to notice edits made since). Together they let `update` render the feature again.
Under "jobs" it records what add-job added: each job's feature and schedule.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.core.errors import BrokenProject
from generator.core.files import read_text

MANIFEST = ".fastapi-gen.json"


@dataclass(frozen=True)
class FeatureRecord:
    fields: list[str]
    owned: bool
    revision: str
    files: dict[str, str] = field(default_factory=dict)
    """Relative path -> sha256 of the content add-feature wrote."""
    read: str | None = None
    write: str | None = None
    """`--read` and `--write` (owner, user, anyone, admin); None in a project without users,
    and in records written before policies, where `owned` tells (owner/owner or anyone/user)."""
    soft_delete: bool | None = None
    """True for `--soft-delete`; left out otherwise."""
    pagination: str | None = None
    """"cursor" for `--pagination cursor`; left out for offset pages."""

    @property
    def access(self) -> tuple[str, str]:
        """(read, write), for records written before policies too."""
        if self.read is not None and self.write is not None:
            return self.read, self.write
        return ("owner", "owner") if self.owned else ("anyone", "user")


@dataclass(frozen=True)
class JobRecord:
    feature: str
    """The feature package whose tasks.py holds the task."""
    schedule: str | None = None
    """`--schedule`: a cron expression; left out for a task run only when asked for."""


def digest(content: str | bytes) -> str:
    data = content.encode() if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def _damaged(problem: str) -> BrokenProject:
    return BrokenProject(f"{MANIFEST} is damaged: {problem}; restore it from version control.")


def _is_project_path(text: str) -> bool:
    """A relative path that stays inside the project: remove-feature deletes what it names."""
    path = PurePosixPath(text)
    return bool(text) and not path.is_absolute() and ".." not in path.parts and "\\" not in text


def _record(name: str, raw: object) -> FeatureRecord:
    """Check every value's JSON type, so a hand-edited manifest fails here and not later."""
    if not isinstance(raw, dict):
        raise _damaged(f"feature '{name}' is not an object")
    fields, owned, revision = raw.get("fields"), raw.get("owned"), raw.get("revision")
    files = raw.get("files", {})
    if not isinstance(fields, list) or not all(isinstance(item, str) for item in fields):
        raise _damaged(f"the fields of '{name}' are not a list of strings")
    if not isinstance(owned, bool):
        raise _damaged(f"'owned' of '{name}' is not true or false")
    if not isinstance(revision, str):
        raise _damaged(f"the revision of '{name}' is not a string")
    if not isinstance(files, dict) or not all(
        isinstance(path, str) and _is_project_path(path) and isinstance(sha, str)
        for path, sha in files.items()
    ):
        raise _damaged(f"the files of '{name}' are not project paths with their hashes")
    access = {key: raw.get(key) for key in ("read", "write")}
    for key, value in access.items():
        if value is not None and value not in {"owner", "user", "anyone", "admin"}:
            raise _damaged(f"'{key}' of '{name}' is not owner, user, anyone or admin")
    soft_delete = raw.get("soft_delete")
    if soft_delete is not None and soft_delete is not True:
        raise _damaged(f"'soft_delete' of '{name}' is not true")
    pagination = raw.get("pagination")
    if pagination is not None and pagination != "cursor":
        raise _damaged(f"'pagination' of '{name}' is not cursor")
    known = {"fields", "owned", "revision", "files", "read", "write", "soft_delete", "pagination"}
    unknown = set(raw) - known
    if unknown:
        raise _damaged(f"feature '{name}' has unknown keys ({', '.join(sorted(unknown))})")
    return FeatureRecord(
        fields=fields,
        owned=owned,
        revision=revision,
        files=files,
        read=access["read"],
        write=access["write"],
        soft_delete=soft_delete,
        pagination=pagination,
    )


def _raw(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not (path.exists() or path.is_symlink()):
        return {"features": {}}
    text = read_text(path, root)
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise _damaged(f"it is not valid JSON ({error})") from None
    except RecursionError:
        raise _damaged("it is nested too deeply") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("features"), dict):
        raise _damaged('it has no "features" object')
    return raw


def load(root: Path) -> dict[str, FeatureRecord]:
    features = _raw(root)["features"]
    return {name: _record(name, record) for name, record in features.items()}


def _job(name: str, raw: object) -> JobRecord:
    if not isinstance(raw, dict) or set(raw) - {"feature", "schedule"}:
        raise _damaged(f"job '{name}' is not an object of its feature and schedule")
    feature, schedule = raw.get("feature"), raw.get("schedule")
    if not isinstance(feature, str) or not _is_project_path(feature) or "/" in feature:
        raise _damaged(f"the feature of job '{name}' is not a feature's name")
    if schedule is not None and not isinstance(schedule, str):
        raise _damaged(f"the schedule of job '{name}' is not a string")
    return JobRecord(feature=feature, schedule=schedule)


def load_jobs(root: Path) -> dict[str, JobRecord]:
    """What add-job added, by the task's name."""
    jobs = _raw(root).get("jobs", {})
    if not isinstance(jobs, dict):
        raise _damaged('its "jobs" is not an object')
    return {name: _job(name, record) for name, record in jobs.items()}


def _without_none(record: FeatureRecord | JobRecord) -> dict[str, object]:
    return {key: value for key, value in asdict(record).items() if value is not None}


def dump(
    features: dict[str, FeatureRecord], jobs: dict[str, JobRecord] | None = None
) -> str | None:
    """The manifest's text, or None when nothing is left (the file then goes away)."""
    if not features and not jobs:
        return None
    raw: dict[str, object] = {
        "features": {name: _without_none(features[name]) for name in sorted(features)}
    }
    if jobs:
        raw["jobs"] = {name: _without_none(jobs[name]) for name in sorted(jobs)}
    return json.dumps(raw, indent=2, sort_keys=True) + "\n"
