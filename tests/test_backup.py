"""`tracker export` (the JSON backup) and `tracker restore`: a database rebuilt from its backup is
the same database, on each backend and from one backend to the other."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import SEED_FILE, Result, run_cli
from sqlmodel import SQLModel

from tracker.db import SCHEMA_HEAD
from tracker.services.backup import SECTIONS

ALL_TABLES = (
    "meeting",
    "owner",
    "account",
    "commitment",
    "event",
    "digest_schedule",
    "digest_run",
    "delivery",
)
# Instants with microseconds, so a backup that rounded them would not round-trip.
LATER = "2017-09-12T10:15:30.123456+00:00"


class Db:
    """One database and the `tracker` command on it."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, *args: object, now: str | None = None, **env: str) -> Result:
        if now is not None:
            env["TRACKER_NOW"] = now
        return run_cli([str(a) for a in args], db_url=self.url, env=env)

    def ok(self, *args: object, now: str | None = None) -> Result:
        result = self(*args, now=now)
        assert result.exit_code == 0, (args, result.stderr)
        return result

    def counts(self) -> dict[str, int]:
        engine = sa.create_engine(self.url)
        try:
            with engine.connect() as conn:
                return {
                    t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                    for t in ALL_TABLES
                }
        finally:
            engine.dispose()


def _database(kind: str, request: pytest.FixtureRequest, tmp_path: Path, name: str) -> Db:
    """An initialised, empty database: the run's PostgreSQL database (emptied) or a schema of
    its own, or a SQLite file."""
    if kind == "sqlite":
        db = Db(f"sqlite:///{tmp_path / name}.db")
    elif name == "source":
        return Db(request.getfixturevalue("postgres_url"))
    else:
        db = Db(request.getfixturevalue("fresh_postgres"))
    db.ok("init")
    return db


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PAIRS = [
    pytest.param("sqlite", "sqlite", id="sqlite-sqlite"),
    pytest.param("postgresql", "postgresql", id="pg-pg", marks=pytest.mark.postgres),
    pytest.param("sqlite", "postgresql", id="sqlite-pg", marks=pytest.mark.postgres),
    pytest.param("postgresql", "sqlite", id="pg-sqlite", marks=pytest.mark.postgres),
]


def build_rich(db: Db, digests: Path) -> None:
    """Every kind of row and history the tool writes, through the command line."""
    db.ok("import", SEED_FILE, now="2017-05-16T12:00:00.000001+00:00")
    db.ok("update", "4", "--status", "in_progress", now="2017-06-02T08:30:00.5+00:00")
    db.ok("update", "2", "--due", "2017-12-31", "--reason", "Terms under negotiation", now=LATER)
    db.ok("note", "1", "Draft agreement sent to the Chinese side", now="2017-07-01T09:00:00Z")
    db.ok("close", "7", "--evidence", "Law No. 52-Z", "--note", "Ratified", now="2017-07-20T10:00Z")
    db.ok("reopen", "7", "--reason", "Ratification annulled", now="2017-08-01T11:00:00Z")
    db.ok("drop", "9", "--reason", "Superseded by the 2018 roadmap", now="2017-08-02T11:00:00Z")
    db.ok("owner", "add", "Ministry of Economy", "--email", "economy@example.org", "--kind", "body")
    db.ok(
        "add", "Prepare the investment roadmap", "--owner", "Foreign Affairs", "--due",
        "2017-10-15", "--area", "finance", "--tag", "roadmap", "--counterpart", "MOFCOM",
        now="2017-08-10T07:00:00.25+00:00",
    )  # fmt: skip
    db.ok("update", "3", "--tag", "urgent", "--untag", "park", now="2017-08-11T07:00:00Z")
    db.ok("update", "5", "--owner", "Ministry of Economy", now="2017-08-12T07:00:00Z")
    db.ok("update", "6", "--status", "blocked", now="2017-08-13T07:00:00Z")
    db.ok(
        "schedule", "add", "weekly", "--cron", "0 9 * * MON", "--timezone", "Europe/Minsk",
        "--format", "md,txt", "--dir", digests, now="2017-09-01T06:00:00Z",
    )  # fmt: skip
    db.ok("schedule", "add", "finance", "--cron", "0 8 1 * *", "--owner", "finance", "--dir",
          digests / "finance", now="2017-09-01T06:00:01Z")  # fmt: skip
    db.ok("schedule", "run", "weekly", now="2017-09-04T06:00:00.654321+00:00")
    db.ok("schedule", "run", "finance", now="2017-09-05T06:00:00Z")


def _export(db: Db, path: Path) -> bytes:
    db.ok("export", "--out", path, now="2017-09-20T12:00:00Z")
    return path.read_bytes()


def _views(db: Db) -> dict[str, Any]:
    """What people read from a database: equal on two databases means the same follow-up."""
    reads = {
        "list": ("list", "--json", "--as-of", "2017-09-11"),
        "list-done": ("list", "--json", "--as-of", "2017-09-30", "--status", "dropped"),
        "show-past": ("show", "2", "--json", "--as-of", "2017-08-01"),
        "show-7": ("show", "7", "--json", "--as-of", "2017-09-30"),
        "show-5": ("show", "5", "--json", "--as-of", "2017-08-11"),
        "overdue": ("overdue", "--json", "--as-of", "2017-09-11"),
        "owners": ("owner", "list", "--json"),
        "schedules": ("schedule", "list", "--json"),
        "digest": ("digest", "--as-of", "2017-09-11", "--format", "md"),
        "digest-owner": ("digest", "--as-of", "2017-09-30", "--owner", "economy"),
    }
    out: dict[str, Any] = {}
    for name, args in reads.items():
        result = db(*args, now="2017-09-20T12:00:00Z")
        assert result.exit_code == 0, (args, result.stderr)
        # Each backend's database writes its JSON with its own spacing: compare the values.
        out[name] = result.json() if "--json" in args else result.stdout
    return out


@pytest.mark.parametrize(("source_kind", "target_kind"), PAIRS)
def test_restore_rebuilds_the_database_exactly(
    source_kind: str, target_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source = _database(source_kind, request, tmp_path, "source")
    target = _database(target_kind, request, tmp_path, "target")
    build_rich(source, tmp_path / "digests")
    first = _export(source, tmp_path / "backup.json")

    restored = target.ok("restore", tmp_path / "backup.json")
    assert restored.stdout == (
        f"Restored 1 meeting, 8 owners, 10 commitments (19 events), 2 schedules, "
        f"2 runs (4 deliveries) from {tmp_path / 'backup.json'}\n"
    )
    assert _export(target, tmp_path / "again.json") == first
    assert target.counts() == source.counts()
    assert _views(target) == _views(source)

    # The ids go on from where the backup left them, on PostgreSQL's sequences too.
    added = target.ok("add", "After the restore", "--owner", "finance", "--due", "+2w", "--json")
    assert json.loads(added.stdout)["id"] == 11
    target.ok("note", "11", "Noted")
    target.ok("owner", "add", "Ministry of Health")
    target.ok("schedule", "add", "daily", "--cron", "0 7 * * *", "--dir", tmp_path / "daily")
    target.ok("schedule", "run", "daily", now="2017-09-21T07:00:00Z")


def test_the_backup_keeps_every_column_of_every_table(sqlite_url: str, tmp_path: Path) -> None:
    db = Db(sqlite_url)
    build_rich(db, tmp_path / "digests")
    text = _export(db, tmp_path / "backup.json")
    assert db.ok("export", now="2017-09-20T12:00:00Z").stdout.encode() == text  # stdout too
    data = json.loads(text)
    assert list(data)[:5] == ["format", "version", "schema", "exported_at", "partial"]
    assert (data["format"], data["version"], data["schema"]) == (
        "tracker-backup",
        1,
        SCHEMA_HEAD,
    )
    # Every table of the schema is in a section: a new table must be added to the backup.
    covered = {s.table.name for s in SECTIONS} | {
        s.child_table.name for s in SECTIONS if s.child_table is not None
    }
    assert covered == set(SQLModel.metadata.tables) == set(ALL_TABLES)
    commitment_columns = set(SQLModel.metadata.tables["commitment"].columns.keys())
    commitment = next(c for c in data["commitments"] if c["id"] == 2)
    assert set(commitment) == commitment_columns | {"history"}
    assert commitment["imported"] is not None  # the values of the meeting file
    assert commitment["created_at"] == "2017-05-16T12:00:00.000001Z"
    slip = next(e for e in commitment["history"] if e["field"] == "due")
    assert slip["at"] == "2017-09-12T10:15:30.123456Z"
    assert "commitment_id" not in slip and "data" in slip
    moved = next(c for c in data["commitments"] if c["id"] == 5)
    owner_event = next(e for e in moved["history"] if e["field"] == "owner")
    assert owner_event["data"] is not None
    run = data["runs"][0]
    assert run["claimed_at"] == "2017-09-04T06:00:00.654321Z"
    assert {d["recipient"].rsplit(".", 1)[1] for d in run["deliveries"]} == {"md", "txt"}
    assert data["schedules"][1]["owner_id"] == 2


def test_a_partial_export_holds_one_meeting_and_is_not_restorable(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = Db(sqlite_url)
    build_rich(db, tmp_path / "digests")
    out = tmp_path / "part.json"
    db.ok("export", "--meeting", "by-cn-2017-05-16", "--out", out)
    data = json.loads(out.read_text())
    assert data["partial"] == {"meeting": "by-cn-2017-05-16"}
    assert len(data["commitments"]) == 9  # the added one belongs to no meeting
    assert (data["schedules"], data["runs"]) == ([], [])
    assert db("export", "--meeting", "nope").exit_code == 3
    target = Db(f"sqlite:///{tmp_path / 'target.db'}")
    target.ok("init")
    refused = target("restore", out)
    assert refused.exit_code == 6
    assert "partial export (meeting by-cn-2017-05-16)" in refused.stderr
    assert db("export", "--as-of", "2017-09-01").exit_code == 2


# --- refusals: one line, the documented code, nothing written -------------------------------


def _good_backup(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    source = Db(f"sqlite:///{tmp_path / 'good.db'}")
    source.ok("init")
    build_rich(source, tmp_path / "digests")
    path = tmp_path / "good.json"
    text = _export(source, path)
    return path, json.loads(text)


def _bad_files(tmp_path: Path, good: Path, data: dict[str, Any]) -> dict[str, tuple[Path, str]]:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return path

    def changed(**top: Any) -> str:
        return json.dumps(data | top)

    text = good.read_bytes()
    owners_twice = data["owners"] + [data["owners"][0] | {"id": 99}]
    orphan = [c | {"owner_id": 77} if c["id"] == 3 else c for c in data["commitments"]]
    bad_date = [c | {"due": "2017-13-01"} if c["id"] == 3 else c for c in data["commitments"]]
    rounded = [m | {"created_at": "2017-05-16T12:00:00Z"} for m in data["meetings"]]
    extra_column = [o | {"phone": "1"} if o["id"] == 2 else o for o in data["owners"]]
    return {
        "malformed": (write("malformed.json", "{not json"), "not valid JSON"),
        "truncated": (write("truncated.json", text[: len(text) // 2]), "truncated"),
        "empty": (write("empty.json", ""), "not valid JSON"),
        "binary": (write("binary.json", b"\x00\x01"), "binary"),
        "other format": (write("other.json", json.dumps({"as_of": "x"})), "not a tracker backup"),
        "version": (write("v2.json", changed(version=2)), "version 2"),
        "newer schema": (write("new.json", changed(schema="0099_future")), "a newer tracker"),
        "older schema": (write("old.json", changed(schema="0004_event_data_imported")), "then"),
        "missing table": (
            write("short.json", json.dumps({k: v for k, v in data.items() if k != "runs"})),
            "missing runs",
        ),
        "duplicate owner": (write("dup.json", changed(owners=owners_twice)), "breaks a rule"),
        "unknown owner": (write("orphan.json", changed(commitments=orphan)), "breaks a rule"),
        "bad date": (write("date.json", changed(commitments=bad_date)), "commitments[2].due"),
        "missing file": (tmp_path / "nowhere.json", "cannot read"),
        "instant": (write("instant.json", changed(meetings=rounded)), "meetings[0].created_at"),
        "column": (write("column.json", changed(owners=extra_column)), "owners[1]: unknown phone"),
        "lone surrogate": (
            write("surrogate.json", text.decode().replace("Ministry of Economy", "\\ud800")),
            "owners[7].name: not valid Unicode text",
        ),
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_refuses_bad_files_and_writes_nothing(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    good, data = _good_backup(tmp_path)
    target = _database(backend, request, tmp_path, "target")
    for name, (path, words) in _bad_files(tmp_path, good, data).items():
        result = target("restore", path)
        assert result.exit_code == 6, (name, result.stderr)
        assert words in result.stderr, (name, result.stderr)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, name
        assert set(target.counts().values()) == {0}, name
    # Nothing of the refused attempts is left behind: the good file goes in, ids from 1.
    target.ok("restore", good)
    assert _export(target, tmp_path / "again.json") == good.read_bytes()


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_refuses_a_database_with_rows(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    good, _ = _good_backup(tmp_path)
    target = _database(backend, request, tmp_path, "target")
    target.ok("owner", "add", "Ministry of Health")
    before = target.counts()
    result = target("restore", good)
    assert result.exit_code == 5
    assert result.stderr == (
        "Error: the database is not empty (rows in owner): restore needs a new database, "
        "made with `tracker init`\n"
    )
    assert target.counts() == before
    uninitialised = Db(f"sqlite:///{tmp_path / 'blank.db'}")
    assert uninitialised("restore", good).exit_code == 7
