"""add-feature and remove-feature: plan every file first, check, then write all or nothing."""

import ast
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from generator.core import manifest, pristine
from generator.core.changes import Changes
from generator.core.errors import InvalidInput
from generator.core.existing import FEATURES_DIR, TESTS_FEATURES_DIR, VERSIONS_DIR, ExistingProject
from generator.core.files import parse_python, read_bytes
from generator.core.git import is_repository
from generator.core.migrations import next_revision_id, read_revisions, single_head
from generator.feature import reserved
from generator.feature.context import FeatureContext
from generator.feature.field_spec import FieldSpec
from generator.feature.fields import parse_fields
from generator.feature.generate import check_database_names, check_line_lengths, render_files
from generator.feature.names import FeatureNames, feature_names, parse_feature_name, target_names
from generator.feature.policy import resolve_policy
from generator.feature.types import KINDS
from generator.feature.views import FieldView, Target


@dataclass(frozen=True)
class FeatureRequest:
    name: str
    fields: list[str]
    read: str | None = None
    write: str | None = None
    public: bool = False
    """The name of `--read anyone --write user`."""
    soft_delete: bool = False
    pagination: str = "offset"
    """`offset` pages, or `cursor` (keyset) pages signed with the project's SECRET_KEY."""


def _target(
    project: ExistingProject,
    records: dict[str, manifest.FeatureRecord],
    field: FieldSpec,
    feature: FeatureNames,
    *,
    private: bool,
    soft_delete: bool,
) -> Target:
    names = target_names(field.target or "")
    if KINDS[field.type].many and names.plural in {feature.plural, "users"}:
        raise InvalidInput(
            f"Invalid field '{field.source}': refs links to another feature, not to "
            f"{'users' if names.plural == 'users' else 'the feature itself'}."
        )
    if names.plural == feature.plural:
        return Target(names=feature, owned=private, is_self=True, soft_deleted=soft_delete)
    if names.plural == "users":
        if not project.auth:
            raise InvalidInput(
                f"Invalid field '{field.source}': this project has no users (--no-auth)."
            )
        if field.unique:
            # Users may name only themselves, so a unique reference would cap everyone at one row.
            raise InvalidInput(
                f"Invalid field '{field.source}': a reference to users cannot be unique; "
                "rows name the signed-in user, who would be limited to one."
            )
        if field.on_delete == "cascade":
            raise InvalidInput(
                f"Invalid field '{field.source}': a reference to users cannot cascade; "
                "deleting a user never deletes the rows that name them."
            )
        return Target(names=feature_names("users"), owned=False)
    record = records.get(names.plural)
    if record is None:
        raise InvalidInput(
            f"Invalid field '{field.source}': there is no feature '{field.target}' to refer to"
            + (f" (features: {', '.join(sorted(records))})." if records else "; add it first.")
        )
    return Target(
        names=names, owned=record.access[0] == "owner", soft_deleted=bool(record.soft_delete)
    )


def _is_self_reference(spec: FieldSpec, feature: FeatureNames) -> bool:
    kind = KINDS[spec.type]
    if not kind.reference or kind.many:
        return False
    try:
        return target_names(spec.target or "").plural == feature.plural
    except InvalidInput:
        return False  # _target refuses it with the field's name


def _existing_models(project: ExistingProject) -> tuple[set[str], set[str]]:
    """Class and table names the project's models define, read from source."""
    classes: set[str] = set()
    tables: set[str] = set()
    for models in sorted((project.root / FEATURES_DIR).glob("*/models.py")):
        tree = parse_python(models, project.root)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.add(node.name)
            elif (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                tables.add(str(node.value.value))
    return classes, tables


def _check_clashes(project: ExistingProject, names: FeatureNames, views: list[FieldView]) -> None:
    classes, tables = _existing_models(project)
    if names.plural in tables:
        raise InvalidInput(
            f"Feature '{names.plural}' would create a table the project already has."
        )
    if names.class_name in classes | reserved.CLASSES:
        raise InvalidInput(
            f"Feature '{names.plural}' would define a class {names.class_name}, a name the "
            "project or the generated code already uses; choose another name."
        )
    generated = {
        f"{names.class_name}{suffix}"
        for suffix in ("Create", "Read", "Update", "Query", "Sort", "NotFound", "Conflict")
    }
    for view in views:
        if view.kind.own_class and view.enum_class in generated | classes:
            raise InvalidInput(
                f"Invalid field '{view.spec.source}': its enum class {view.enum_class} would "
                "clash with another class; rename the field."
            )
        if not view.is_many:
            continue
        if view.spec.link_name == names.singular:
            raise InvalidInput(
                f"Invalid field '{view.spec.source}': its links would need the column "
                f"{names.id_param} twice; rename the field."
            )
        if view.link_table in tables or view.link_class in generated | classes | reserved.CLASSES:
            raise InvalidInput(
                f"Invalid field '{view.spec.source}': its link table {view.link_table} or class "
                f"{view.link_class} would clash with one the project has; rename the field."
            )


def plan_add_feature(
    project: ExistingProject, request: FeatureRequest
) -> tuple[Changes, FeatureNames]:
    """Everything add-feature would write; raises InvalidInput before anything is written."""
    names = parse_feature_name(request.name)
    records = manifest.load(project.root)
    if names.plural in records or project.has_feature(names.plural):
        raise InvalidInput(
            f"Feature '{names.plural}' already exists in app/features/{names.plural}/."
        )
    if not request.fields:
        raise InvalidInput("Give the feature at least one field, e.g. 'title:str:120'.")
    if all(":refs:" in token for token in request.fields):
        raise InvalidInput(
            "Give the feature a field besides its refs (links are kept beside a row, not as "
            "one), e.g. 'title:str:120'."
        )
    # A reference to the feature's own table is nullable: the first row has nothing to name.
    specs = [
        replace(spec, optional=True) if _is_self_reference(spec, names) else spec
        for spec in parse_fields(request.fields)
    ]
    if request.pagination not in {"offset", "cursor"}:
        raise InvalidInput(f"--pagination is offset or cursor, not '{request.pagination}'.")
    policy = resolve_policy(request.read, request.write, public=request.public, auth=project.auth)
    private = policy is not None and policy.private
    views = [
        FieldView(
            spec,
            names,
            _target(project, records, spec, names, private=private, soft_delete=request.soft_delete)
            if KINDS[spec.type].reference
            else None,
            per_owner=private,
            live_only=request.soft_delete,
            database=project.database,
        )
        for spec in specs
    ]
    _check_clashes(project, names, views)
    revisions = read_revisions(project.root / VERSIONS_DIR)
    revision = next_revision_id(revisions)
    migration = VERSIONS_DIR / f"{revision}_{names.plural}.py"
    context = FeatureContext(
        project,
        names,
        views,
        policy,
        soft_delete=request.soft_delete,
        cursor=request.pagination == "cursor",
        revision=revision,
        down_revision=single_head(revisions),
    )

    from generator.core.formatting import format_python, line_length

    limit = line_length(project.root)
    check_database_names(context)
    files = format_python(project.root, render_files(context, migration))
    check_line_lengths(names, files, limit)
    taken = sorted(str(path) for path in files if (project.root / path).exists())
    if taken:
        raise InvalidInput(f"Feature '{names.plural}' would overwrite {', '.join(taken)}.")
    records[names.plural] = manifest.FeatureRecord(
        fields=[spec.source for spec in specs],
        owned=policy is not None and policy.owned,
        read=policy.read.value if policy is not None else None,
        write=policy.write.value if policy is not None else None,
        soft_delete=True if request.soft_delete else None,
        pagination="cursor" if request.pagination == "cursor" else None,
        revision=revision,
        files={str(path): manifest.digest(text) for path, text in sorted(files.items())},
    )
    text = manifest.dump(records, manifest.load_jobs(project.root)) or ""
    changes = Changes(writes={**files, Path(manifest.MANIFEST): text})
    return changes, names


def _refers_to(token: str, plural: str) -> bool:
    """Whether a recorded field token (`customer:ref:customers:optional`) points at `plural`.

    Read leniently: a token the current rules would refuse was accepted when it was added.
    """
    parts = token.split(":")
    references = {kind.name.value for kind in KINDS.values() if kind.reference}
    if len(parts) < 3 or parts[1] not in references:
        return False
    try:
        return target_names(parts[2]).plural == plural
    except InvalidInput:
        return False


def _references_to(plural: str, records: dict[str, manifest.FeatureRecord]) -> list[str]:
    """Features with a `ref` field pointing at `plural`."""
    return sorted(
        other
        for other, record in records.items()
        if other != plural and any(_refers_to(token, plural) for token in record.fields)
    )


def _exists(path: Path) -> bool:
    """Present on disk, a dangling link included (reading it then says what is wrong)."""
    return path.exists() or path.is_symlink()


def _downgrade_note(
    revision: str, previous: tuple[str, ...], migration: str, *, dry_run: bool, recorded: bool
) -> str:
    """How a database that applied `revision` gets back to where it was without the feature.

    Test databases need nothing: the project's tests rebuild one at a revision they do not know.
    """
    downgrade = f"alembic downgrade {previous[0] if previous else 'base'}"
    if dry_run:
        return (
            f"note   before removing, run '{downgrade}' on each database that applied "
            f"{revision}: its revision file goes with the feature"
        )
    if not recorded:
        return (
            f"note   a database that applied {revision} still has its tables: put {migration} "
            f"back from your copy, run '{downgrade}', and delete it again"
        )
    return (
        f"note   a database that applied {revision} still has its tables: run "
        f"'git show {pristine.REF}~1:{migration} > {migration} && {downgrade} && rm {migration}'"
    )


def plan_remove_feature(
    project: ExistingProject, name: str, *, force: bool, dry_run: bool = False
) -> tuple[Changes, FeatureNames, list[str]]:
    """What remove-feature would delete; the third item holds notes on what it leaves behind.

    A database that applied the feature's migration can undo it only while the revision file
    is there: a dry run says to downgrade first; after the removal the note says how to bring
    the file back from the record of generated files, downgrade, and delete it again.
    """
    names = parse_feature_name(name)
    records = manifest.load(project.root)
    record = records.get(names.plural)
    if record is None:
        if project.has_feature(names.plural):
            raise InvalidInput(
                f"Feature '{names.plural}' was not created by add-feature; remove it by hand."
            )
        raise InvalidInput(f"There is no feature '{name}' to remove.")

    jobs = manifest.load_jobs(project.root)
    held = sorted(job for job, record in jobs.items() if record.feature == names.plural)
    if held:
        raise InvalidInput(
            f"Not removing '{names.plural}': its jobs {', '.join(held)} live in its tasks.py; "
            "remove them first with remove-job."
        )
    problems = []
    referrers = _references_to(names.plural, records)
    if referrers:
        problems.append(f"{', '.join(referrers)} refer to it")
    edited = sorted(
        path
        for path, expected in record.files.items()
        if _exists(project.root / path)
        and manifest.digest(read_bytes(project.root / path, project.root)) != expected
    )
    if edited:
        problems.append(f"edited since it was added: {', '.join(edited)}")
    revisions = read_revisions(project.root / VERSIONS_DIR)
    migration = next(
        (str(r.path.relative_to(project.root)) for r in revisions if r.id == record.revision), None
    )
    try:
        head = single_head(revisions)
    except InvalidInput:
        if not force:
            raise
        head = None  # several heads: keep the migration, as for any that is not the head
    notes = []
    if migration is not None and head != record.revision:
        problems.append(
            f"its migration {record.revision} is not the latest, later ones build on it"
        )
        notes.append(f"kept {migration}: write a migration that drops '{names.plural}'")
    elif migration is not None:
        previous = next(r.down_revisions for r in revisions if r.id == record.revision)
        git = shutil.which("git")
        recorded = (
            git is not None
            and is_repository(git, project.root)
            and pristine.tip(git, project.root) is not None
        )
        notes.append(
            _downgrade_note(
                record.revision, previous, migration, dry_run=dry_run, recorded=recorded
            )
        )
    if referrers:
        # Not even with --force: their foreign keys would point at a table that is gone.
        raise InvalidInput(
            f"Not removing '{names.plural}': {'; '.join(problems)}. Remove those features first."
        )
    if problems and not force:
        raise InvalidInput(
            f"Not removing '{names.plural}': {'; '.join(problems)}. "
            "Use --force to remove it anyway."
        )

    deletes = [
        Path(path)
        for path in sorted(record.files)
        if _exists(project.root / path) and not (path == migration and head != record.revision)
    ]
    del records[names.plural]
    text = manifest.dump(records, jobs)
    changes = Changes(
        deletes=deletes,
        prune=[FEATURES_DIR / names.plural, TESTS_FEATURES_DIR / names.plural],
    )
    if text is None:
        changes.deletes.append(Path(manifest.MANIFEST))
    else:
        changes.writes[Path(manifest.MANIFEST)] = text
    return changes, names, notes
