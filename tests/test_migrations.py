"""Migrations: an empty database upgrades to head on both backends, and the models and the
revisions describe the same schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tracker.db import SCHEMA_HEAD, Database
from tracker.migrate import head_revision, upgrade


def _check_head_and_no_diff(url: str) -> None:
    db = Database(url)
    try:
        before, after = upgrade(db)
        assert before is None
        assert after == SCHEMA_HEAD
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == []
        assert {"meeting", "owner", "commitment", "event", "alembic_version"} <= tables
        # Upgrading again is a no-op.
        assert upgrade(db) == (SCHEMA_HEAD, SCHEMA_HEAD)
    finally:
        db.close()


def test_schema_head_constant_matches_the_revisions() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_upgrade_empty_sqlite_file(tmp_path: Path) -> None:
    _check_head_and_no_diff(f"sqlite:///{tmp_path / 'empty.db'}")


@pytest.mark.postgres
def test_upgrade_empty_postgresql(fresh_postgres: str) -> None:
    _check_head_and_no_diff(fresh_postgres)


def test_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    from conftest import run_cli

    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = run_cli(["list"], db_url=url)
    assert result.exit_code == 7
    assert (
        result.stderr.strip() == f"Error: no database at {tmp_path / 'new.db'}: run `tracker init`"
    )
    assert not (tmp_path / "new.db").exists()  # a read does not create the file
    assert run_cli(["db", "current"], db_url=url).stdout.startswith("none")
    init = run_cli(["init"], db_url=url)
    assert init.exit_code == 0, init.stderr
    assert "Initialised database" in init.stdout
    assert run_cli(["db", "current"], db_url=url).stdout.strip() == f"{SCHEMA_HEAD} (head)"
    again = run_cli(["init"], db_url=url)
    assert "up to date" in again.stdout
    assert run_cli(["list"], db_url=url).exit_code == 0


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        db.close()


def test_sqlite_write_transactions_begin_immediate(sqlite_url: str) -> None:
    """A write transaction takes the write lock at BEGIN, before its first statement."""
    import sqlite3

    db = Database(sqlite_url)
    path = db.sqlite_path()
    try:
        with db.write() as session:
            session.connection()  # starts the transaction
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        with db.read() as session:
            session.connection()
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # a reader does not hold the write lock
            other.execute("ROLLBACK")
            other.close()
    finally:
        db.close()
