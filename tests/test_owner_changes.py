"""`tracker owner rename/update/merge/remove`: commitments and schedules follow the owner, the
history keeps the names it was written with, an unchanged meeting file stays up to date, and
every refusal changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import SEED_FILE, Runner, snapshot

FINANCE = "Ministry of Finance"  # owner of #2 in the seed


def _owners(run: Runner) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in run("owner", "list", "--json").json()}


def _owner_events(db_url: str, commitment_id: int) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    sa.column("kind"), sa.column("field"), sa.column("old_value"),
                    sa.column("new_value"), sa.column("data", sa.JSON),
                )
                .select_from(sa.table("event"))
                .where(sa.column("commitment_id") == commitment_id, sa.column("kind") == "owner")
                .order_by(sa.column("id"))
            )  # fmt: skip
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def _up_to_date(run: Runner) -> None:
    again = run("import", SEED_FILE, "--json")
    assert again.exit_code == 0, again.stderr
    report = again.json()
    assert report["changed"] is False, report
    assert report["owners_created"] == [] and report["updated"] == []


def test_rename_commitments_follow_and_the_file_stays_up_to_date(seeded: Runner) -> None:
    seeded("update", "2", "--owner", "foreign affairs")
    seeded("update", "2", "--owner", "finance")
    renamed = seeded("owner", "rename", "ministry of finance", "Ministry of Finance of Belarus")
    assert (renamed.exit_code, renamed.stdout) == (
        0,
        "Renamed owner Ministry of Finance → Ministry of Finance of Belarus\n",
    ), renamed.stderr
    assert seeded("show", "2", "--json").json()["owner"] == "Ministry of Finance of Belarus"
    assert FINANCE not in _owners(seeded)
    history = seeded("show", "2", "--json").json()["history"]
    # Past events keep the name they were written with.
    assert [(e["old"], e["new"]) for e in history if e["kind"] == "owner"] == [
        (FINANCE, "Ministry of Foreign Affairs"),
        ("Ministry of Foreign Affairs", FINANCE),
    ]
    _up_to_date(seeded)
    assert seeded("show", "2", "--json").json()["owner"] == "Ministry of Finance of Belarus"
    # Only the case of a name: the same owner, not a conflict.
    assert seeded("owner", "rename", "finance of", "MINISTRY of Finance of Belarus").exit_code == 0
    _up_to_date(seeded)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("rename", "finance", "Ministry of Foreign Affairs"), 5,
         "owner already exists: Ministry of Foreign Affairs"),
        (("rename", "finance", "ministry of foreign\u200b affairs"), 5, "owner already exists"),
        (("rename", "Nobody At All", "Someone"), 3, "no owner named 'Nobody At All'"),
        (("rename", "finance", "  "), 4, "new owner name"),
        (("rename", "ministry", "New"), 4, "is ambiguous"),
        (("update", "finance"), 4, "nothing to update"),
        (("update", "finance", "--email", "a@x.org,b@x.org"), 4, "not an e-mail address"),
        (("update", "Nobody At All", "--kind", "person"), 3, "no owner named"),
        (("update", "finance", "--kind", "robot"), 2, "'robot' is not one of"),
        (("merge", "finance", "ministry of FINANCE"), 4, "into itself"),
        (("merge", "Nobody At All", "finance"), 3, "no owner named"),
        (("merge", "finance", "Nobody At All"), 3, "no owner named"),
        (("remove", "finance"), 5,
         "Ministry of Finance has 1 commitment: merge it into another owner first"),
        (("remove", "Nobody At All"), 3, "no owner named"),
    ],
)  # fmt: skip
def test_refusals_change_nothing(
    seeded: Runner, db_url: str, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(db_url)
    result = seeded("owner", *args)
    assert (result.exit_code, result.stdout) == (code, ""), result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr, result.stderr
    assert snapshot(db_url) == before


def test_update_sets_and_clears_email_and_kind(seeded: Runner) -> None:
    updated = seeded("owner", "update", "finance", "--email", "fin@example.org", "--kind", "person")
    assert updated.stdout == "Updated owner Ministry of Finance: <fin@example.org>, person\n"
    assert (_owners(seeded)[FINANCE]["email"], _owners(seeded)[FINANCE]["kind"]) == (
        "fin@example.org",
        "person",
    )
    cleared = seeded("owner", "update", "finance", "--email", "")
    assert cleared.stdout == "Updated owner Ministry of Finance: no e-mail, person\n"
    assert _owners(seeded)[FINANCE]["email"] is None


def test_merge_moves_commitments_with_history_and_schedules_then_removes(
    seeded: Runner, db_url: str, tmp_path: Path
) -> None:
    assert seeded("owner", "add", "Minfin").exit_code == 0
    seeded("update", "1", "--owner", "minfin")
    seeded("update", "9", "--owner", "minfin")
    added = seeded("schedule", "add", "minfin", "--cron", "0 9 * * MON", "--owner", "minfin",
                   "--dir", tmp_path)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    removal = seeded("owner", "remove", "minfin")
    assert (removal.exit_code, removal.stderr) == (
        5,
        "Error: Minfin has 2 commitments and 1 schedule: merge it into another owner first\n",
    )
    ids = {o["name"]: o["id"] for o in _owners(seeded).values()}

    merged = seeded("owner", "merge", "minfin", "ministry of finance")
    assert (merged.exit_code, merged.stdout) == (
        0,
        "Merged Minfin into Ministry of Finance: 2 commitments and 1 schedule moved; "
        "Minfin removed\n",
    ), merged.stderr
    for i in (1, 9):
        assert seeded("show", i, "--json").json()["owner"] == FINANCE
        assert _owner_events(db_url, i)[-1] == (
            "owner", "owner", "Minfin", FINANCE, {"from": ids["Minfin"], "to": ids[FINANCE]},
        )  # fmt: skip
    (schedule,) = seeded("schedule", "list", "--json").json()
    assert schedule["owner"] == FINANCE
    assert "Minfin" not in _owners(seeded)
    assert _owners(seeded)[FINANCE]["total"] == 3
    _up_to_date(seeded)

    # A merged-away owner the meeting file names: still that owner, not a new one.
    seeded("owner", "add", "Finance Ministry")
    assert seeded("owner", "merge", "ministry of finance", "finance ministry").exit_code == 0
    _up_to_date(seeded)
    assert seeded("show", "2", "--json").json()["owner"] == "Finance Ministry"


def test_remove_an_owner_nothing_points_at(seeded: Runner) -> None:
    assert seeded("owner", "add", "Ministry of Economy").exit_code == 0
    removed = seeded("owner", "remove", "economy")
    assert (removed.exit_code, removed.stdout) == (0, "Removed owner Ministry of Economy\n")
    assert "Ministry of Economy" not in _owners(seeded)
    assert seeded("owner", "remove", "economy").exit_code == 3


def test_a_view_before_a_merge_still_shows_the_commitment(seeded: Runner) -> None:
    """The merged-away owner's row is gone; as of a day before the merge, its commitments
    still show, under the name the history kept."""
    seeded("owner", "add", "Minfin")
    later = {"TRACKER_NOW": "2017-09-20T09:00:00Z"}
    assert seeded("owner", "merge", "ministry of finance", "minfin", env=later).exit_code == 0
    before = seeded("show", "2", "--as-of", "2017-09-12", "--json", env=later)
    assert before.exit_code == 0, before.stderr
    assert before.json()["owner"] == FINANCE
    listed = seeded("list", "--as-of", "2017-09-12", "--json", env=later).json()
    assert {row["id"] for row in listed} >= {2}


def test_remove_keeps_the_record_of_digests_sent_to_the_owner(
    seeded: Runner, db_url: str, tmp_path: Path
) -> None:
    added = seeded("schedule", "add", "owners", "--cron", "0 9 * * MON", "--per-owner",
                   "--dir", tmp_path, "--format", "md")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    # Files written; e-mails failed for want of a server (exit 8): both are on record.
    assert seeded("schedule", "run", "owners", "--as-of", "2017-09-11").exit_code == 8
    assert seeded("update", "2", "--owner", "foreign affairs").exit_code == 0

    removed = seeded("owner", "remove", "ministry of finance")
    assert (removed.exit_code, removed.stdout) == (0, f"Removed owner {FINANCE}\n"), removed.stderr
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            query = "SELECT channel, status, owner_id FROM delivery WHERE recipient LIKE '%minfin%'"
            kept = sorted(tuple(row) for row in conn.execute(sa.text(query)))
            query = "SELECT count(*) FROM delivery WHERE recipient LIKE '%ministry-of-finance%'"
            files = conn.execute(sa.text(query)).scalar()
    finally:
        engine.dispose()
    assert (kept, files) == ([("email", "failed", None)], 1)
