"""Fixtures shared by the generator's own tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.project.lock import LOCK_VARIABLE

IDENTITY = "[user]\n\tname = Test Author\n\temail = author@example.com\n"


@pytest.fixture
def git_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git config of our own, so the machine's (signing, hooks, identity) has no say.

    Holds a test identity; a test rewrites the returned file to try other settings.
    """
    config = tmp_path_factory.mktemp("git") / "gitconfig"
    config.write_text(IDENTITY)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
    ):
        monkeypatch.delenv(variable, raising=False)
    return config


@pytest.fixture(autouse=True, scope="session")
def _no_lock_unless_asked() -> Iterator[None]:
    """`new` asks the package index for a uv.lock when uv is on PATH, as it is here.

    The tests that mean to lock pass --lock (or a fake uv); the rest stay offline and quick.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOCK_VARIABLE, "false")
        yield
