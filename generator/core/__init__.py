"""What every command shares: errors, reading files, writing changes all or nothing, git,
interrupts, the manifest, Alembic revisions, formatting, the project on disk and its record.

Nothing here imports a command package (project, feature, update).
"""
