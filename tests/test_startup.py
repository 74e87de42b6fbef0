"""What a command loads before it works: `--help` no database library, and the read commands
(`list`, `overdue`) no ORM. A fresh interpreter per command, as a person runs it; the modules it
ended with are the check (the time they cost is measured in bench/, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_FILE, run_cli

PROBE = """
import json, sys
from tracker.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "jinja2")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}),
      file=sys.stderr)
"""


def _loaded(args: list[str], db_url: str) -> list[str]:
    env = {"TRACKER_DATABASE_URL": db_url, "TRACKER_NOW": "2017-09-11T10:00:00Z", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).parent,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return report["loaded"]


def test_help_loads_no_database_library(sqlite_url: str) -> None:
    assert _loaded(["--help"], sqlite_url) == []


@pytest.mark.parametrize("args", [["overdue", "--json"], ["list", "--json"], ["overdue"]])
def test_reads_load_sqlalchemy_core_but_not_the_orm(sqlite_url: str, args: list[str]) -> None:
    assert run_cli(["import", SEED_FILE], db_url=sqlite_url).exit_code == 0
    assert _loaded(args, sqlite_url) == ["sqlalchemy"]


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json"], ["overdue", "--as-of", "2018-01-01"]]
)
def test_a_reader_that_goes_away_is_not_an_error(sqlite_url: str, args: list[str]) -> None:
    """`tracker list | head -1`: the reader closes the pipe before tracker writes; tracker
    stops quietly with status 0 (click alone would exit 1)."""
    assert run_cli(["import", SEED_FILE], db_url=sqlite_url).exit_code == 0
    env = {"TRACKER_DATABASE_URL": sqlite_url, "TRACKER_NOW": "2017-09-11T10:00:00Z", "PATH": ""}
    process = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.close()  # gone before the first line
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert stderr == b""
