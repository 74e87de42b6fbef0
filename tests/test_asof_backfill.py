"""Migration 0004 completes histories written before events had `data`, so that `--as-of`
undoes their tag and owner changes and puts back what a reopening cleared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli

from tracker.db import Database
from tracker.migrate import upgrade

OLD_HISTORY = [
    "INSERT INTO owner (name, kind) VALUES ('Ministry A', 'body'), ('Ministry B', 'body')",
    "INSERT INTO commitment (title, due, priority, status, tags, created_at, updated_at,"
    " owner_id, closed_at, resolution, evidence) VALUES ('Sign it', '2017-12-01', 'normal',"
    " 'done', '[\"a\", \"b\"]', '2017-06-01 10:00:00.000000', '2017-10-01 10:00:00.000000', 2,"
    " '2017-10-01 10:00:00.000000', 'Second', 'Decree 2')",
    "INSERT INTO event (commitment_id, at, actor, kind, field, old_value, new_value, text)"
    " VALUES"
    " (1, '2017-06-01 10:00:00.000000', 't', 'created', NULL, NULL, 'Sign it', NULL),"
    " (1, '2017-07-01 10:00:00.000000', 't', 'changed', 'tags', 'a', 'a,b', NULL),"
    " (1, '2017-08-01 10:00:00.000000', 't', 'owner', 'owner', 'Ministry A', 'Ministry B', NULL),"
    " (1, '2017-09-01 10:00:00.000000', 't', 'closed', 'status', 'open', 'done',"
    "  'First · evidence: Decree 1'),"
    " (1, '2017-09-15 10:00:00.000000', 't', 'reopened', 'status', 'done', 'open', 'Annulled'),"
    " (1, '2017-10-01 10:00:00.000000', 't', 'closed', 'status', 'open', 'done',"
    "  'Second · evidence: Decree 2')",
]


def _old_database(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db, "0003_event_history_index")
        with db.engine.begin() as conn:
            for statement in OLD_HISTORY:
                conn.execute(sa.text(statement))
        upgrade(db)
    finally:
        db.close()


def _check(url: str) -> None:
    _old_database(url)

    def show(day: str) -> dict[str, object]:
        result = run_cli(["show", "1", "--json", "--as-of", day], db_url=url)
        assert result.exit_code == 0, result.stderr
        return result.json()

    assert show("2017-06-30")["tags"] == ["a"]
    assert show("2017-07-31")["owner"] == "Ministry A"
    between = show("2017-09-10")
    assert (between["status"], between["resolution"], between["evidence"]) == (
        "done",
        "First",
        "Decree 1",
    )
    assert between["closed_at"] == "2017-09-01T10:00:00Z"
    reopened = show("2017-09-20")
    assert (reopened["status"], reopened["resolution"], reopened["closed_at"]) == (
        "open",
        None,
        None,
    )
    now = show("2017-10-01")
    assert (now["status"], now["resolution"], now["evidence"]) == ("done", "Second", "Decree 2")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT kind, old_value, new_value, data FROM event ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    data = [json.loads(r.data) if isinstance(r.data, str) else r.data for r in rows]
    assert (rows[1].old_value, rows[1].new_value) == ('["a"]', '["a", "b"]')
    assert data[2] == {"from": 1, "to": 2}
    assert data[3] == {"resolution": "First", "evidence": "Decree 1"}
    assert data[4] == {
        "resolution": "First",
        "evidence": "Decree 1",
        "closed_at": "2017-09-01T10:00:00+00:00",
    }
    assert data[5] == {"resolution": "Second", "evidence": "Decree 2"}  # the current values


def test_backfill_on_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_backfill_on_postgresql(fresh_postgres: str) -> None:
    _check(fresh_postgres)
