"""update: bring a project and its features up to the installed template, keeping edits.

`merge` renders the installed template with the project's answers and features and lets git
merge the difference into the user's branch; `notes` says what the releases crossed changed.
"""

from generator.update.merge import UpdateConflict, UpdateResult, update_project

__all__ = ["UpdateConflict", "UpdateResult", "update_project"]
