"""`--as-of D`: every field as it stood at the end of D, and only the commitments that existed
then, on each backend."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from conftest import SEED_FILE, Runner


def at(day: str, hour: int = 10) -> dict[str, str]:
    """The clock for one command: `day` at `hour` UTC."""
    return {"TRACKER_NOW": f"{day}T{hour:02d}:00:00Z"}


def ok(run: Runner, *args: object, day: str) -> None:
    result = run(*args, env=at(day))
    assert result.exit_code == 0, result.stderr


def shown(run: Runner, commitment_id: int, as_of: str) -> dict[str, Any]:
    result = run("show", commitment_id, "--json", "--as-of", as_of, env=at("2018-01-01"))
    assert result.exit_code == 0, result.stderr
    return result.json()


def _add(run: Runner, *extra: str, day: str = "2017-06-01") -> None:
    ok(run, "owner", "add", "Ministry of Economy", day=day)
    ok(run, "owner", "add", "Ministry of Finance", day=day)
    ok(
        run,
        "add",
        "Prepare the roadmap",
        "--owner",
        "economy",
        "--due",
        "2017-09-30",
        "--area",
        "finance",
        "--tag",
        "roadmap",
        *extra,
        day=day,
    )


def test_between_a_close_and_a_reopen_it_is_done_with_its_closing_details(run: Runner) -> None:
    _add(run)
    ok(run, "close", 1, "--note", "Approved", "--evidence", "Decree 12", day="2017-07-01")
    ok(run, "reopen", 1, "--reason", "Decree annulled", day="2017-08-01")
    then = shown(run, 1, "2017-07-15")
    assert (then["status"], then["health"]) == ("done", "done")
    assert (then["resolution"], then["evidence"]) == ("Approved", "Decree 12")
    assert then["closed_at"] == "2017-07-01T10:00:00Z"
    before = shown(run, 1, "2017-06-15")
    assert (before["status"], before["closed_at"], before["resolution"]) == ("open", None, None)
    now = shown(run, 1, "2017-08-15")
    assert (now["status"], now["closed_at"], now["evidence"]) == ("open", None, None)


def test_between_a_drop_and_a_reopen_it_is_dropped_with_its_reason(run: Runner) -> None:
    _add(run)
    ok(run, "drop", 1, "--reason", "Superseded", day="2017-07-01")
    ok(run, "reopen", 1, "--reason", "Needed after all", day="2017-08-01")
    ok(run, "close", 1, "--evidence", "Published", day="2017-09-01")
    then = shown(run, 1, "2017-07-15")
    assert (then["status"], then["resolution"], then["evidence"]) == ("dropped", "Superseded", None)
    assert then["closed_at"] == "2017-07-01T10:00:00Z"
    reopened = shown(run, 1, "2017-08-15")
    assert (reopened["status"], reopened["resolution"], reopened["closed_at"]) == (
        "open",
        None,
        None,
    )


def test_title_owner_area_priority_tags_and_texts_are_undone(run: Runner) -> None:
    _add(run)
    ok(
        run,
        "update",
        1,
        "--title",
        "Prepare and adopt the roadmap",
        "--owner",
        "finance",
        "--area",
        "industry",
        "--priority",
        "high",
        "--tag",
        "urgent",
        "--untag",
        "roadmap",
        "--description",
        "Now with a description",
        "--counterpart",
        "Ministry of Commerce of China",
        "--status",
        "in_progress",
        "--due",
        "2017-12-31",
        "--reason",
        "Wider scope",
        day="2017-07-01",
    )
    then = shown(run, 1, "2017-06-30")
    assert {k: then[k] for k in WATCHED} == {
        "title": "Prepare the roadmap",
        "owner": "Ministry of Economy",
        "area": "finance",
        "priority": "normal",
        "tags": ["roadmap"],
        "description": None,  # it had none: a NULL old value, not today's text
        "counterpart": None,
        "status": "open",
        "due": "2017-09-30",
        "slips": 0,
        "updated_at": "2017-06-01T10:00:00Z",
    }
    now = shown(run, 1, "2017-07-01")
    assert {k: now[k] for k in WATCHED} == {
        "title": "Prepare and adopt the roadmap",
        "owner": "Ministry of Finance",
        "area": "industry",
        "priority": "high",
        "tags": ["urgent"],
        "description": "Now with a description",
        "counterpart": "Ministry of Commerce of China",
        "status": "in_progress",
        "due": "2017-12-31",
        "slips": 1,
        "updated_at": "2017-07-01T10:00:00Z",
    }


WATCHED = (
    "title", "owner", "area", "priority", "tags", "description", "counterpart", "status", "due",
    "slips", "updated_at",
)  # fmt: skip


def test_filters_and_the_table_use_the_state_at_the_date(run: Runner) -> None:
    _add(run)
    ok(run, "update", 1, "--owner", "finance", "--area", "industry", day="2017-07-01")
    rows = run("list", "--owner", "economy", "--area", "finance", "--as-of", "2017-06-30")
    assert rows.exit_code == 0, rows.stderr
    assert "Ministry of Economy" in rows.stdout and "Prepare the roadmap" in rows.stdout
    empty = run("list", "--owner", "finance", "--json", "--as-of", "2017-06-30").json()
    assert empty == []
    assert [r["id"] for r in run("list", "--owner", "finance", "--json").json()] == [1]


def test_an_added_commitment_is_absent_before_it_was_added(run: Runner) -> None:
    _add(run, day="2017-06-01")
    assert run("list", "--json", "--as-of", "2017-05-31").json() == []
    missing = run("show", 1, "--json", "--as-of", "2017-05-31")
    assert (missing.exit_code, missing.stdout) == (3, "")
    assert missing.stderr == "Error: #1 did not exist yet on 2017-05-31\n"
    assert run("show", 1, "--as-of", "2017-05-31").exit_code == 3
    assert run("overdue", "--json", "--as-of", "2017-05-31").json() == []
    assert [r["id"] for r in run("list", "--json", "--as-of", "2017-06-01").json()] == [1]


def test_an_imported_commitment_exists_from_its_meetings_date(run: Runner, db_url: str) -> None:
    ok(run, "import", SEED_FILE, day="2017-09-11")
    _mark_imported(db_url)
    ok(run, "add", "Added later", "--owner", "foreign", "--due", "+1m", "--meeting",
       "by-cn-2017-05-16", day="2017-09-11")  # fmt: skip
    assert run("list", "--json", "--as-of", "2017-05-15").json() == []
    on_the_day = run("list", "--json", "--as-of", "2017-05-16").json()
    assert len(on_the_day) == 9 and "Added later" not in {r["title"] for r in on_the_day}
    # Before its import the commitment is as the file gave it: nothing recorded yet.
    first = shown(run, 1, "2017-06-01")
    assert (first["status"], first["slips"], first["last_activity"]) == ("open", 0, None)
    assert len(run("list", "--json", "--as-of", "2017-09-11").json()) == 10


def _mark_imported(db_url: str) -> None:
    """What the importer records (`commitment.imported`), where it did not already."""
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE commitment SET imported = :v WHERE imported IS NULL"),
                {"v": '{"title": "as in the file"}'},
            )
    finally:
        engine.dispose()


def test_tag_changes_written_comma_joined_are_undone_too(run: Runner, db_url: str) -> None:
    """Histories from before tag changes were JSON arrays."""
    _add(run, "--tag", 'a"b')
    ok(run, "update", 1, "--tag", "later", day="2017-07-01")
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE event SET old_value = :old WHERE field = 'tags'"),
                {"old": 'roadmap,a"b'},
            )
    finally:
        engine.dispose()
    assert shown(run, 1, "2017-06-30")["tags"] == ["roadmap", 'a"b']


def test_digest_counts_leave_out_what_did_not_exist_yet(run: Runner) -> None:
    _add(run, "--due", "2017-09-20", day="2017-09-12")  # due soon on both days
    early = run("digest", "--as-of", "2017-09-11", "--format", "md")
    later = run("digest", "--as-of", "2017-09-12", "--format", "md")
    assert early.exit_code == later.exit_code == 0, early.stderr + later.stderr
    assert "Prepare the roadmap" not in early.stdout
    assert "Prepare the roadmap" in later.stdout
