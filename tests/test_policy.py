"""Access policies: --read owner|user|anyone, --write owner|user|admin, and --public."""

from http import HTTPStatus
from pathlib import Path

import pytest

from generator.core import manifest
from generator.core.errors import InvalidInput
from generator.core.existing import ExistingProject
from generator.feature import FeatureRequest, plan_add_feature
from generator.feature.policy import CALLERS, PUBLIC, Policy, Read, Write, resolve_policy
from tests.feature_support import copy_project, render, snapshot

SENSIBLE = [
    Policy(Read.OWNER, Write.OWNER),
    Policy(Read.USER, Write.OWNER),
    Policy(Read.USER, Write.USER),
    Policy(Read.USER, Write.ADMIN),
    Policy(Read.ANYONE, Write.OWNER),
    Policy(Read.ANYONE, Write.USER),
    Policy(Read.ANYONE, Write.ADMIN),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    parent = tmp_path_factory.mktemp("rendered")
    return {auth: render(parent, auth=auth) for auth in (True, False)}


@pytest.mark.parametrize("policy", SENSIBLE, ids=lambda p: f"{p.read}-{p.write}")
def test_sensible_policies_are_accepted(policy: Policy) -> None:
    assert resolve_policy(policy.read, policy.write, public=False, auth=True) == policy


def test_defaults_are_owner_owner_and_public_is_anyone_user() -> None:
    assert resolve_policy(None, None, public=False, auth=True) == Policy(Read.OWNER, Write.OWNER)
    assert resolve_policy(None, None, public=True, auth=True) == PUBLIC
    assert Policy(Read.ANYONE, Write.USER) == PUBLIC


@pytest.mark.parametrize(
    ("read", "write", "public", "why"),
    [
        ("owner", "user", False, "would let users change rows they cannot see"),
        (None, "user", False, "would let users change rows they cannot see"),
        ("owner", "admin", False, "no user would own one"),
        ("anyone", None, True, "--public means --read anyone --write user"),
        ("everyone", None, False, "--read is one of owner|user|anyone, not 'everyone'"),
        (None, "anyone", False, "--write is one of owner|user|admin, not 'anyone'"),
    ],
)
def test_senseless_or_unknown_policies_are_refused_with_the_reason(
    read: str | None, write: str | None, public: bool, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why):
        resolve_policy(read, write, public=public, auth=True)


@pytest.mark.parametrize(
    ("read", "write", "public"), [("user", None, False), (None, "admin", False), (None, None, True)]
)
def test_a_project_without_users_refuses_every_policy_flag(
    read: str | None, write: str | None, public: bool
) -> None:
    with pytest.raises(
        InvalidInput, match=r"needs? users, and this project has none \(--no-auth\)"
    ):
        resolve_policy(read, write, public=public, auth=False)
    assert resolve_policy(None, None, public=False, auth=False) is None


@pytest.mark.parametrize("policy", SENSIBLE, ids=lambda p: f"{p.read}-{p.write}")
def test_the_matrix_follows_the_definitions(policy: Policy) -> None:
    table = {(caller, action): (status, sees) for caller, action, status, sees in policy.matrix()}
    assert len(table) == len(CALLERS) * 5
    # Admins reach every row and write everything; nobody without a token writes.
    assert all(table["admin", action][0] < 300 for action in ("list", "read", "update"))
    assert all(table["anonymous", a][0] == HTTPStatus.UNAUTHORIZED for a in ("create", "delete"))
    assert table["anonymous", "read"][0] == (200 if policy.read is Read.ANYONE else 401)
    another = table["another_user", "update"][0]
    if policy.write is Write.ADMIN:
        assert another == table["owner", "update"][0] == HTTPStatus.FORBIDDEN
    elif policy.write is Write.USER:
        assert another == HTTPStatus.OK
    else:
        assert another == (HTTPStatus.NOT_FOUND if policy.private else HTTPStatus.FORBIDDEN)
    assert table["another_user", "list"][1] is not policy.private


def test_files_follow_the_policy_and_the_manifest_records_it(
    rendered: dict[bool, Path], tmp_path: Path
) -> None:
    project = copy_project(rendered[True], tmp_path / "auth")
    request = FeatureRequest(name="products", fields=["title:str"], read="user", write="admin")
    changes, _ = plan_add_feature(project, request)
    changes.apply(project.root)

    router = (project.root / "app/features/products/router.py").read_text()
    assert "_: AdminUser" in router
    assert "responses=AUTH_ERRORS" in router  # reading needs a token too
    model = (project.root / "app/features/products/models.py").read_text()
    assert "owner_id" not in model  # nobody owns rows that only admins write
    record = manifest.load(project.root)["products"]
    assert (record.read, record.write, record.owned) == ("user", "admin", False)

    changes, _ = plan_add_feature(
        project, FeatureRequest(name="posts", fields=["title:str"], read="anyone", write="owner")
    )
    changes.apply(project.root)
    service = (project.root / "app/features/posts/service.py").read_text()
    assert "def ensure_may_change(user: UserRead, post: Post)" in service
    assert manifest.load(project.root)["posts"].access == ("anyone", "owner")


def test_refusals_leave_the_tree_untouched(rendered: dict[bool, Path], tmp_path: Path) -> None:
    for auth, request in (
        (True, FeatureRequest(name="notes", fields=["text"], read="owner", write="user")),
        (False, FeatureRequest(name="notes", fields=["text"], write="admin")),
    ):
        project: ExistingProject = copy_project(rendered[auth], tmp_path / str(auth))
        before = snapshot(project.root)
        with pytest.raises(InvalidInput):
            plan_add_feature(project, request)
        assert snapshot(project.root) == before
