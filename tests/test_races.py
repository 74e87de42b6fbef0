"""Unique-key races: a duplicate inserted by another transaction between a service's "exists
already?" check and its insert is the same exit 5 and message as one found by the check."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from conftest import Result, Runner, run_cli

import tracker.digests.schedules
import tracker.services.owners


def test_owner_added_between_check_and_insert_is_a_conflict(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("owner", "add", "Ministry of Finance").exit_code == 0
    # The check runs before the other transaction's row is there: it finds nothing.
    monkeypatch.setattr(tracker.services.owners, "find_exact", lambda session, name, **kw: None)
    result = run("owner", "add", "Ministry of Finance")
    assert (result.exit_code, result.stderr) == (
        5,
        "Error: owner already exists: Ministry of Finance\n",
    )
    assert result.stdout == ""


def test_schedule_added_between_check_and_insert_is_a_conflict(
    run: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    args = ("schedule", "add", "weekly", "--cron", "0 9 * * MON", "--dir", str(tmp_path))
    assert run(*args).exit_code == 0
    monkeypatch.setattr(tracker.digests.schedules, "_find", lambda session, name, **kw: None)
    result = run(*args)
    assert (result.exit_code, result.stderr) == (
        5,
        "Error: a schedule named 'weekly' exists already\n",
    )


def _wait_for_lock_wait(engine: sa.Engine, deadline: float) -> None:
    """Until a PostgreSQL backend waits on a lock: the command is blocked at its insert."""
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
            if waiting.scalar():
                return
            time.sleep(0.05)
    raise AssertionError("the command never waited on the other transaction's row")


def test_concurrent_owner_add_is_a_conflict(db_url: str) -> None:
    """Another transaction inserts the owner and commits while `owner add` is under way."""
    engine = sa.create_engine(db_url)
    results: list[Result] = []
    try:
        with engine.connect() as other:
            other.execute(sa.text("INSERT INTO owner (name, kind) VALUES ('Finance', 'body')"))
            command = threading.Thread(
                target=lambda: results.append(run_cli(["owner", "add", "Finance"], db_url=db_url))
            )
            command.start()
            if engine.dialect.name == "postgresql":
                # Its check saw no committed row; its insert waits on ours.
                _wait_for_lock_wait(engine, time.monotonic() + 30)
            else:
                time.sleep(0.5)  # SQLite: its BEGIN IMMEDIATE waits on our write lock
            other.commit()
            command.join(60)
    finally:
        engine.dispose()
    assert not command.is_alive()
    [result] = results
    assert (result.exit_code, result.stderr) == (5, "Error: owner already exists: Finance\n")
