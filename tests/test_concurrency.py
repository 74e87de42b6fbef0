"""Several processes writing to one database at once: every write lands, no lock error shows.

Each writer is a process of its own (tests/writer.py) making one `tracker` invocation per
write, through `tracker.cli.main`, so each write is its own transaction on its own connection.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli
from writer import planned

WRITER = Path(__file__).with_name("writer.py")


def _start_writers(url: str, processes: int, writes: int, mode: str) -> None:
    """Run the writers at once; every one must exit 0 with nothing on stderr."""
    assert run_cli(["owner", "add", "Ministry of Economy"], db_url=url).exit_code == 0
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), url, str(n), str(writes), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    outcomes = [p.communicate(timeout=600) for p in procs]
    for n, (proc, (_out, err)) in enumerate(zip(procs, outcomes, strict=True)):
        assert (proc.returncode, err) == (0, ""), f"writer {n}"


def _hammer(url: str, processes: int, writes: int) -> None:
    _start_writers(url, processes, writes, "add")
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


def _expected_histories(processes: int, writes: int) -> dict[str, list[tuple[str, str, str]]]:
    """Commitment title -> its history (actor, kind, text), as the mixed writers make it."""
    histories: dict[str, list[tuple[str, str, str]]] = {}
    for n in range(processes):
        actor = f"writer-{n}"
        for i, op in enumerate(planned(writes)):
            k = i // 3
            title = f"Commitment {n}-{k}"
            if op == "add":
                histories[title] = [(actor, "created", "")]
            elif op == "note":
                histories[title].append((actor, "note", f"Progress {n}-{k}"))
            else:
                histories[title].append((actor, "closed", f"Done {n}-{k}"))
    return histories


def _hammer_mixed(url: str, processes: int, writes: int) -> None:
    _start_writers(url, processes, writes, "mixed")
    ops = Counter(planned(writes))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        commitments = conn.execute(sa.text("SELECT count(*) FROM commitment")).scalar()
        closed = conn.execute(
            sa.text(
                "SELECT count(*) FROM commitment WHERE status = 'done' "
                "AND closed_at IS NOT NULL AND resolution LIKE 'Done %'"
            )
        ).scalar()
        notes = conn.execute(sa.text("SELECT count(*) FROM event WHERE kind = 'note'")).scalar()
        per_actor = conn.execute(
            sa.text("SELECT actor, kind, count(*) FROM event GROUP BY actor, kind")
        ).all()
        rows = conn.execute(
            sa.text(
                "SELECT c.title, e.actor, e.kind, e.text FROM event e "
                "JOIN commitment c ON c.id = e.commitment_id ORDER BY e.id"
            )
        ).all()
        statuses = dict(conn.execute(sa.text("SELECT title, status FROM commitment")).all())
    engine.dispose()

    assert commitments == processes * ops["add"]
    assert notes == processes * ops["note"]
    assert closed == processes * ops["close"]
    kinds = {"add": "created", "note": "note", "close": "closed"}
    assert sorted(per_actor) == sorted(
        (f"writer-{n}", kinds[op], count) for n in range(processes) for op, count in ops.items()
    )
    # Each note and close reached the commitment its own worker had just added, in order.
    histories: dict[str, list[tuple[str, str, str]]] = {}
    for title, actor, kind, text in rows:
        histories.setdefault(title, []).append((actor, kind, text or ""))
    expected = _expected_histories(processes, writes)
    assert histories == expected
    assert statuses == {
        title: "done" if events[-1][1] == "closed" else "open" for title, events in expected.items()
    }


@pytest.mark.slow
def test_four_processes_250_writes_each_on_one_sqlite_file(sqlite_url: str) -> None:
    _hammer(sqlite_url, processes=4, writes=250)


@pytest.mark.slow
@pytest.mark.postgres
def test_four_processes_250_writes_each_on_postgresql(postgres_url: str) -> None:
    _hammer(postgres_url, processes=4, writes=250)


@pytest.mark.slow
def test_four_processes_250_mixed_writes_each_on_one_sqlite_file(sqlite_url: str) -> None:
    _hammer_mixed(sqlite_url, processes=4, writes=250)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_processes_250_mixed_writes_each_on_postgresql(postgres_url: str) -> None:
    _hammer_mixed(postgres_url, processes=8, writes=250)
