"""Shared fixtures: a migrated database on SQLite (a file per test) and on PostgreSQL (a fresh
database per test run), and a `run` helper that calls the real `tracker` entry point in-process.

PostgreSQL tests read TRACKER_TEST_POSTGRES_URL; without it they skip and say why. With it, a
server that cannot be reached fails the run instead of skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tracker.cli import main
from tracker.db import Database
from tracker.migrate import upgrade

# The web view's fixtures (`site`), for every test module.
pytest_plugins = ["webkit"]

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "seeds" / "by-cn-2017-05-16.toml"
POSTGRES_ENV = "TRACKER_TEST_POSTGRES_URL"
# Events are stamped with this clock unless a test sets another: time is a parameter here.
FIXED_NOW = "2017-09-11T09:00:00+00:00"
TABLES = ("event", "commitment", "owner", "meeting", "account")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(
    args: list[str], *, db_url: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> Result:
    """Run `tracker ARGS` through `tracker.cli.main`, exactly as the console script does."""
    full_env = {
        "TRACKER_DATABASE_URL": db_url,
        "TRACKER_ACTOR": "tester",
        "TRACKER_NOW": FIXED_NOW,
        "TRACKER_DEBUG": None,
        "COLUMNS": "200",
    }
    full_env.update(env or {})
    runner = CliRunner()
    with runner.isolation(input=stdin, env=full_env) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return Result(code, stdout, stderr)


Runner = Callable[..., Result]


# --- PostgreSQL: one fresh database per test run -------------------------------------------


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {exc}")
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    test_url = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        yield test_url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_migrated(postgres_server_url: str) -> str:
    db = Database(postgres_server_url)
    upgrade(db)
    db.close()
    return postgres_server_url


@pytest.fixture
def fresh_postgres(postgres_server_url: str) -> Iterator[str]:
    """An empty PostgreSQL schema of its own (for migration tests)."""
    schema = f"s_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(postgres_server_url).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


# --- SQLite: a migrated template copied per test ------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:  # fold the WAL into the file before copying it
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def postgres_url(postgres_migrated: str) -> str:
    """The run's PostgreSQL database, migrated and emptied for this test."""
    engine = sa.create_engine(postgres_migrated)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_migrated


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "tracker.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def run(db_url: str) -> Runner:
    def _run(*args: object, env: dict[str, str] | None = None) -> Result:
        return run_cli([str(a) for a in args], db_url=db_url, env=env)

    return _run


@pytest.fixture
def seeded(run: Runner) -> Runner:
    """The seed meeting imported; returns `run`."""
    result = run("import", SEED_FILE)
    assert result.exit_code == 0, result.stderr
    return run


def snapshot(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a failed command changed nothing."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                table: [
                    tuple(row)
                    for row in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))
                ]
                for table in TABLES
            }
    finally:
        engine.dispose()


@pytest.fixture
def daemons(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start `tracker scheduler` subprocesses (tests/test_scheduler.Daemon); all are stopped
    at the end, so a failed test never leaves a daemon holding the database's lock."""
    from test_scheduler import Daemon

    started: list[Daemon] = []

    def start(db_url: str, **env: str) -> Daemon:
        daemon = Daemon(db_url, tmp_path / f"daemon-{len(started)}.log", env)
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.close()
