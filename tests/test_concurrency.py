"""Several processes writing to one database at once: every write lands, no lock error shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli

WRITER = Path(__file__).with_name("writer.py")


def _hammer(url: str, processes: int, writes: int) -> None:
    assert run_cli(["owner", "add", "Ministry of Economy"], db_url=url).exit_code == 0
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), url, str(n), str(writes)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    outcomes = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]
    for code, err in outcomes:
        assert (code, err) == (0, "")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM commitment")).scalar()
        created = conn.execute(
            sa.text("SELECT count(*) FROM event WHERE kind = 'created'")
        ).scalar()
        per_worker = conn.execute(
            sa.text("SELECT actor, count(*) FROM event GROUP BY actor ORDER BY actor")
        ).all()
    engine.dispose()
    assert total == processes * writes
    assert created == processes * writes
    assert per_worker == [(f"writer-{n}", writes) for n in range(processes)]


@pytest.mark.slow
def test_four_processes_250_writes_each_on_one_sqlite_file(sqlite_url: str) -> None:
    _hammer(sqlite_url, processes=4, writes=250)


@pytest.mark.slow
@pytest.mark.postgres
def test_four_processes_250_writes_each_on_postgresql(postgres_url: str) -> None:
    _hammer(postgres_url, processes=4, writes=250)
