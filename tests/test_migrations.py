"""Migrations: an empty database upgrades to head on both backends, and the models and the
revisions describe the same schema."""

from __future__ import annotations

import json
import re
from datetime import datetime
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


def _upgrade_keeps_rows(url: str) -> None:
    """A database filled at the first revision keeps every row when upgraded to head."""
    db = Database(url)
    try:
        upgrade(db, "0001_initial")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO meeting (slug, title, date, participants, created_at) "
                    "VALUES ('m', 'Meeting', '2017-05-16', '[]', '2017-05-16 10:00:00')"
                )
            )
            conn.execute(
                sa.text("INSERT INTO owner (name, kind) VALUES ('Ministry of Finance', 'body')")
            )
            conn.execute(
                sa.text(
                    "INSERT INTO commitment (title, due, priority, status, tags, created_at, "
                    "updated_at, owner_id, meeting_id, key) VALUES ('Find funds', '2017-11-16', "
                    "'high', 'open', '[\"x\"]', '2017-05-16 10:00:00', '2017-05-16 10:00:00', "
                    "1, 1, 'funds')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO event (commitment_id, at, actor, kind) "
                    "VALUES (1, '2017-05-16 10:00:00', 'tester', 'created')"
                )
            )
        before = {t: _rows(db, t) for t in ("meeting", "owner", "commitment", "event")}
        assert upgrade(db) == ("0001_initial", SCHEMA_HEAD)
        after = {t: _rows(db, t) for t in ("meeting", "owner", "commitment", "event")}
        # Every old column keeps its value; later revisions only add columns.
        kept = {t: [row[: len(before[t][0])] for row in rows] for t, rows in after.items()}
        assert kept == before
        with db.engine.connect() as conn:
            imported, data = conn.execute(
                sa.text("SELECT c.imported, e.data FROM commitment c JOIN event e ON TRUE")
            ).one()
        # 0004: an imported commitment takes its values as the last imported ones.
        imported = json.loads(imported) if isinstance(imported, str) else imported
        assert imported == {
            "title": "Find funds",
            "quote": None,
            "owner": "Ministry of Finance",
            "due": "2017-11-16",
            "area": None,
            "priority": "high",
            "description": None,
            "counterpart": None,
            "tags": ["x"],
        }
        assert data is None
        assert all(len(rows) == 1 for rows in after.values())
        if db.backend == "sqlite":  # 0003 completes whole-second instants written as text
            with db.engine.connect() as conn:
                stamps = conn.execute(sa.text("SELECT at FROM event")).scalars().all()
            assert stamps == ["2017-05-16 10:00:00.000000"]
    finally:
        db.close()


def _rows(db: Database, table: str) -> list[tuple[object, ...]]:
    """Every row, instants read as instants (SQLite keeps them as text, in two forms before
    0003)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))
        return [tuple(_instant(value) for value in row) for row in rows]


def _instant(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?", value):
        return datetime.fromisoformat(value)
    return value


def test_upgrade_from_first_revision_keeps_rows_sqlite(tmp_path: Path) -> None:
    _upgrade_keeps_rows(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_upgrade_from_first_revision_keeps_rows_postgresql(fresh_postgres: str) -> None:
    _upgrade_keeps_rows(fresh_postgres)
