"""Daily use of the command line: bare `tracker`, shell completion, PostgreSQL URL spellings,
what a `schedule run` says while it retries, file names of manual runs, plurals, and what a
missing database tells the user to run."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli


def test_bare_tracker_prints_the_help_and_exits_0(sqlite_url: str) -> None:
    result = run_cli([], db_url=sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: tracker [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in result.stdout
    assert result.stderr == ""
