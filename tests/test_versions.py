"""Releases users can tell apart: every template change comes with a version and its notes."""

import generator
from generator.update.notes import release_notes, settings
from tests.template_versions import REPO, current_version, fingerprint, recorded


def test_the_template_is_the_one_recorded_for_this_version() -> None:
    version, versions = current_version(), recorded()
    assert versions.get(version) == fingerprint(), (
        f"template/ or copier.yml differ from what fastapi-gen {version} was recorded with. "
        "Projects record the version that rendered them, so a change to the template needs a "
        "new one: bump `version` in pyproject.toml, add a `## <version>` entry to CHANGELOG.md "
        "saying what changed for users' projects, `pip install -e .`, then run "
        "`python -m tests.template_versions` (see tests/template_versions.py; `--amend` folds "
        "a change into a version that is not released yet)."
    )


def test_every_recorded_version_is_distinct_and_has_a_changelog_entry() -> None:
    versions = recorded()
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert len(set(versions.values())) == len(versions), "two versions with one template"
    missing = [version for version in versions if f"\n## {version}\n" not in changelog]
    assert missing == [], f"CHANGELOG.md has no entry for {', '.join(missing)}"


def test_the_installed_version_is_pyproject_s() -> None:
    assert generator.__version__ == current_version(), "reinstall: pip install -e ."


CHANGELOG = """# Changelog

## 0.3.0

- Third.

## 0.2.0

- Second.

## 0.1.0

- First.
"""


def test_an_update_shows_the_entries_of_the_releases_it_crosses() -> None:
    assert release_notes("0.1.0", "0.3.0", CHANGELOG) == [
        "## 0.3.0\n\n- Third.",
        "## 0.2.0\n\n- Second.",
    ]
    assert release_notes("0.3.0", "0.3.0", CHANGELOG) == []
    assert release_notes("0.1.0", "0.2.0") == [release_notes("0.1.0", "0.2.0")[0]]
    assert release_notes("0.1.0", "0.2.0")[0].startswith("## 0.2.0\n")


def test_settings_added_and_removed_in_env_example() -> None:
    before = "# Copy to .env.\nLOG_LEVEL=INFO\n# CORS_ORIGINS=[]\nOLD=1\n"
    after = "# Copy to .env.\nLOG_LEVEL=DEBUG\n# CORS_ORIGINS=[]\n# NEW_ONE=2\n"

    changed = settings(before, after)

    assert (changed.added, changed.removed) == (["NEW_ONE"], ["OLD"])
