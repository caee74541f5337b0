"""What the feature templates are given: every decision about a feature, made once, by name.

The templates in template/feature/ only place what this computes; the type-by-type answers
come from each field's kind (generator/feature/types.py).
"""

from typing import Any

from generator.existing import ExistingProject
from generator.feature.names import FeatureNames
from generator.feature.policy import Policy
from generator.feature.spec import FieldType
from generator.feature.views import FieldView

CONCURRENT_CREATES = 30
"""Rows the generated concurrency test creates at once (with its updates and deletes, 54 writes)."""


def build_context(
    project: ExistingProject,
    names: FeatureNames,
    views: list[FieldView],
    policy: Policy | None,
    *,
    soft_delete: bool = False,
) -> dict[str, Any]:
    """`policy` is None in a project without users, where anyone reads and writes every row."""
    owned = policy is not None and policy.owned
    private = policy is not None and policy.private
    guards_writes = policy is not None and policy.guards_writes
    write = policy.write.value if policy is not None else None
    refs = [view for view in views if view.is_reference and not view.is_many]
    links = [view for view in views if view.is_many]
    scalars = [view for view in views if not view.is_reference]
    unique = [view for view in views if view.spec.unique]
    enums = [view for view in views if view.spec.type is FieldType.ENUM]
    targets = {view.target.names.plural: view.target for view in refs + links if view.target}
    self_refs = [view for view in refs if view.target is not None and view.target.is_self]
    # References the tests and factories point at rows made for them: all but to their own table.
    made_refs = [view for view in refs if view not in self_refs]
    # A user is needed to own new rows, and to check references to rows that have owners or
    # to users (a reference to a user is to yourself, unless you are an admin).
    check_user = any(target.owned or target.is_users for target in targets.values())
    create_user = owned or check_user
    writer = "AdminUser" if write == "admin" else "CurrentUser"
    signed_in = f", _: {writer}" if project.auth else ""
    # Who reads: the owner (so the user is needed), any signed-in user, or anyone.
    reader = ""
    if private:
        reader = ", user: CurrentUser"
    elif policy is not None and policy.signed_in_reads:
        reader = ", _: CurrentUser"
    indexes = ([{"name": "owner_id", "unique": False}] if owned else []) + [
        {"name": view.name, "unique": view.spec.unique and not (private or soft_delete)}
        for view in views
        if view.spec.index or (view.is_reference and not view.is_many)
    ]
    update_field = scalars[0] if scalars else (made_refs or refs)[0]
    # Every route needs a token when reading does: the router declares the errors once.
    router_auth = policy is not None and policy.signed_in_reads
    auth_errors = "AUTH_ERRORS | " if project.auth and not router_auth else ""
    checks = bool(unique or refs or links)
    write_errors = "NotFound, Conflict, Unprocessable" if checks else "NotFound"
    # Unique among live rows only: a partial unique index in place of the constraint.
    per_owner = ["owner_id"] if private else []
    partial_uniques = [[*per_owner, view.name] for view in unique] if soft_delete else []
    return {
        "names": names,
        "cls": names.class_name,
        "var": names.singular,
        "fields": views,
        "columns": [view for view in views if not view.is_many],
        "links": links,
        "scalars": scalars,
        "refs": refs,
        "enums": enums,
        "enum_classes": [view.enum_class for view in enums],
        "ref_targets": [target for target in targets.values() if not target.is_self],
        "self_refs": self_refs,
        "made_refs": made_refs,
        # Of the rows the tests make for each new row: to users, and to rows with owners.
        "users_refs": any(view.target.is_users for view in made_refs if view.target),
        "owned_refs": any(view.target.owned for view in made_refs if view.target),
        "unique_fields": unique,
        "unique_constraints": []
        if soft_delete
        else [["owner_id", view.name] for view in unique]
        if private
        else [[view.name] for view in unique if not (view.spec.index or view.is_reference)],
        "indexes": indexes,
        "filterable": [view for view in views if view.filterable],
        "sortable": [view for view in views if view.sortable],
        "sort_keys": ["id", "created_at", "updated_at"]
        + [view.name for view in views if view.sortable],
        "nullable_set": "{" + ", ".join(f'"{view.name}"' for view in views if view.optional) + "}"
        if any(view.optional for view in views)
        else "",
        "owned": owned,
        "soft_delete": soft_delete,
        "partial_uniques": partial_uniques,
        "soft_deleted_refs": [
            view for view in made_refs if view.target is not None and view.target.soft_deleted
        ],
        "restorer": (", user: AdminUser" if private else ", _: AdminUser") if project.auth else "",
        "private": private,
        "guards_writes": guards_writes,
        "write": write,
        "router_auth": router_auth,
        "access": policy.matrix() if policy is not None else [],
        "auth": project.auth,
        "api_prefix": project.api_prefix,
        "check_user": check_user,
        "create_user": create_user,
        "checks": checks,
        "user_param": ", user: User" if project.auth else "",
        "user_arg": ", user" if project.auth else "",
        "reader": reader,
        "writer_create": f", user: {writer}" if create_user else signed_in,
        "writer_update": f", user: {writer}"
        if private or guards_writes or check_user
        else signed_in,
        "writer_delete": f", user: {writer}" if private or guards_writes else signed_in,
        "responses": {
            "for_create": f", responses={auth_errors}error_responses(Conflict, Unprocessable)"
            if checks
            else (f", responses={auth_errors.removesuffix(' | ')}" if auth_errors else ""),
            "for_read": ", responses=error_responses(NotFound)",
            "for_update": f", responses={auth_errors}error_responses({write_errors})",
            # 409 when rows of another feature still refer to it (their foreign key restricts)
            "for_delete": f", responses={auth_errors}error_responses(NotFound, Conflict)",
            # 409 when a live row has taken one of its unique values meanwhile
            "for_restore": f", responses={auth_errors}error_responses(NotFound, Conflict)",
            # ?deleted=true takes an admin, whoever may read live rows
            "for_list": ", responses=AUTH_ERRORS"
            if soft_delete and project.auth and not router_auth
            else "",
        },
        # Test data
        "samples": {n: {view.name: view.sample(n) for view in scalars} for n in (1, 2, 3)},
        "concurrent_creates": CONCURRENT_CREATES,
        # Values for the unique fields of the rows the concurrency test writes, one per row.
        "unique_samples": [
            {view.name: view.sample(n) for view in unique if not view.is_reference}
            for n in range(4, 4 + CONCURRENT_CREATES)
        ]
        if any(not view.is_reference for view in unique)
        else [],
        "required_names": sorted(view.name for view in views if view.required),
        "required_fields": sorted(f"body.{view.name}" for view in views if view.required),
        "defaults": [
            (view.name, value)
            for view in views
            for compared, value in [view.default_as_json()]
            if compared
        ],
        "invalid_values": [(view.name, value) for view in views for value in view.invalid],
        "invalid_filters": [
            (view.filter_name, value)
            for view in views
            if view.filterable
            for value in view.invalid_filters
        ],
        "ref_names": [view.name for view in refs],
        "update_field": update_field,
        "non_nullable_names": [view.name for view in views if not view.optional],
        "filter_names": [
            view.name for view in views if view.filterable and view.distinguishes(1, 2)
        ],
        "sort_cases": [
            (
                view.name,
                True if view.is_reference else _sorts_before(view.sample(1), view.sample(2)),
            )
            for view in views
            if view.sortable and view.distinguishes(1, 2)
        ],
        "unique_names": [view.name for view in unique],
        # Values two owners can both hold: not a reference to a row only its owner sees.
        "shared_unique_names": [
            view.name
            for view in unique
            if not (view.is_reference and view.target is not None and view.target.owned)
        ],
    }


def _sorts_before(first: object, second: object) -> bool:
    if isinstance(first, str) and isinstance(second, str):
        return first < second
    return bool(first < second)  # type: ignore[operator]
