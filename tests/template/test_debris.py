"""What a project writes while it is used is ignored by git: `git add -A` commits none of it.

A project made by `fastapi-gen new` runs its migrations against its development SQLite
database, its tests under coverage with every report, and its linter; then, while a connection
holds that database open in WAL mode (as the running app does, with its -wal and -shm files
beside it), `git status` must show nothing to commit.
"""

import sqlite3
from pathlib import Path

from tests.template.conftest import BIN, Project, Variant


def test_files_written_at_run_time_are_ignored(tmp_path: Path) -> None:
    maker = Project(path=tmp_path, variant=Variant("sqlite", auth=True))
    maker.check(str(BIN / "fastapi-gen"), "new", "shop", "--no-lock")
    project = Project(path=tmp_path / "shop", variant=maker.variant)
    project.check("alembic", "upgrade", "head")
    project.check("coverage", "run", "-m", "pytest", "-q")
    project.check("coverage", "html")
    project.check("coverage", "xml")
    project.check("ruff", "check", ".")

    database = project.path / "shop.db"
    assert database.is_file()
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        connection.execute("CREATE TABLE scratch (id INTEGER)")  # a write the WAL holds
        assert Path(f"{database}-wal").is_file()
        assert Path(f"{database}-shm").is_file()

        status = project.check("git", "status", "--porcelain", "--untracked-files=all")
    finally:
        connection.close()

    assert status == ""
