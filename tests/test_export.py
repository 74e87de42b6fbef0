"""`tracker export`: everything with its history as JSON (the backup: tests/test_backup.py), or
one row per commitment as CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import Runner


def test_json_export_has_every_commitment_with_its_history(seeded: Runner, tmp_path: Path) -> None:
    seeded("note", "1", "Draft sent", env={"TRACKER_NOW": "2017-09-12T08:00:00Z"})
    seeded("close", "7", "--note", "In force", env={"TRACKER_NOW": "2017-09-12T09:00:00Z"})
    out = tmp_path / "backup.json"
    result = seeded("export", "--out", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert [m["slug"] for m in data["meetings"]] == ["by-cn-2017-05-16"]
    assert len(data["owners"]) == 7
    assert len(data["commitments"]) == 9
    by_id = {c["id"]: c for c in data["commitments"]}
    assert [e["kind"] for e in by_id[1]["history"]] == ["created", "note"]
    assert by_id[7]["status"] == "done"
    assert [e["kind"] for e in by_id[7]["history"]] == ["created", "closed"]
    assert seeded("export", "--meeting", "nope").exit_code == 3


def test_csv_export_is_one_row_per_commitment(seeded: Runner) -> None:
    result = seeded("export", "--format", "csv", "--as-of", "2017-09-11")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    first = rows[0]
    assert (first["id"], first["due"], first["overdue"], first["days_overdue"]) == (
        "4",
        "2017-06-30",
        "True",
        "73",
    )
    assert first["quote"].startswith("The State Secretariat of the Security Council")
