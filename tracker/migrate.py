"""Schema migrations: runs the Alembic revisions shipped with the package."""

from __future__ import annotations

from pathlib import Path

from tracker.db import Database
from tracker.resources import bundled


def migrations_dir() -> Path:
    return bundled("migrations", "env.py")


def _config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to `revision` in one transaction; returns (before, after)."""
    from alembic import command

    before = db.schema_revision()
    with db.engine.begin() as connection:
        command.upgrade(_config(connection), revision)  # type: ignore[arg-type]
    return before, db.schema_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations_dir()))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head
