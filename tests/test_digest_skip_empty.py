"""Digests with nothing to say are not sent: per-owner schedules skip them by default, each such
delivery is recorded as skipped (settled: neither pending, failed nor sent again), and
`tracker digest --skip-empty` writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Runner
from mailservers import smtp_server

# The seed is imported on 11 September (the tests' clock). On Friday 22 September, in the week
# since Monday's 09:00 fire time, nothing changed; these owners have something overdue or due
# soon all the same, and the other four have nothing to report.
FRIDAY = {"TRACKER_NOW": "2017-09-22T12:00:00Z"}
WITH_NEWS = {"greatstone@example.org", "mfa@example.org", "secretariat@example.org"}
QUIET = {"mas@example.org", "minfin@example.org", "mintrans@example.org", "milind@example.org"}


def _statuses(db_url: str) -> dict[str, str]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT recipient, status FROM delivery WHERE channel = 'email'")
            )
            return {recipient: status for recipient, status in rows}
    finally:
        engine.dispose()


def _run_statuses(db_url: str) -> list[str]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(sa.text("SELECT status FROM digest_run ORDER BY id")).scalars()
            )
    finally:
        engine.dispose()


def test_per_owner_digests_with_nothing_to_say_are_skipped_and_recorded_so(
    seeded: Runner, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    added = seeded("schedule", "add", "owners", "--cron", "0 9 * * MON", "--per-owner",
                   "--dir", out, "--format", "txt")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    (listed,) = seeded("schedule", "list", "--json").json()
    assert listed["skip_empty"] is True  # the default for per-owner schedules

    with smtp_server() as (server, port):
        env = {**FRIDAY, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
        result = seeded("schedule", "run", "owners", "--as-of", "2017-09-22", env=env)
        assert result.exit_code == 0, result.stderr
        assert {rcpts[0] for rcpts, _ in server.messages} == WITH_NEWS
        assert _statuses(db_url) == {
            **{address: "delivered" for address in WITH_NEWS},
            **{address: "skipped" for address in QUIET},
        }
        assert _run_statuses(db_url) == ["delivered"]
        # The scheduler's next pass resumes nothing of that run (a skipped delivery is
        # settled); it delivers Monday's period, as quiet for these owners.
        again = seeded("scheduler", "--once", env=env)

    assert again.exit_code == 0, again.stderr
    assert _run_statuses(db_url) == ["delivered", "delivered"]
    assert not QUIET & {rcpts[0] for rcpts, _ in server.messages}
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2 * len(QUIET)  # the file and the e-mail of each
    # The manual run's files, named by its digest date and owner.
    written = {
        path.name.removeprefix("owners-2017-09-22-") for path in out.glob("owners-2017-09-22-*")
    }
    assert written == {
        "great-stone-industrial-park-administration.txt",
        "ministry-of-foreign-affairs.txt",
        "state-secretariat-of-the-security-council.txt",
    }
    (listed,) = seeded("schedule", "list", "--json").json()
    last = listed["last_run"]
    assert (last["status"], last["skipped"], last["failed"], last["pending"]) == (
        "delivered", 8, 0, 0
    )  # fmt: skip
    assert "8 skipped (nothing to report)" in seeded("schedule", "list").stdout


def test_send_empty_sends_every_owner_their_digest(seeded: Runner, db_url: str) -> None:
    added = seeded("schedule", "add", "owners", "--cron", "0 9 * * MON", "--per-owner",
                   "--send-empty")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    everyone = seeded("schedule", "add", "all", "--cron", "0 9 * * MON", "--email",
                      "office@example.org")  # fmt: skip
    assert everyone.exit_code == 0, everyone.stderr
    assert [s["skip_empty"] for s in seeded("schedule", "list", "--json").json()] == [False, False]

    with smtp_server() as (server, port):
        env = {**FRIDAY, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
        result = seeded("schedule", "run", "owners", "--as-of", "2017-09-22", env=env)

    assert result.exit_code == 0, result.stderr
    assert {rcpts[0] for rcpts, _ in server.messages} == WITH_NEWS | QUIET
    assert set(_statuses(db_url).values()) == {"delivered"}


def test_a_quiet_owner_gets_a_digest_again_once_something_happens(
    seeded: Runner, db_url: str
) -> None:
    added = seeded("schedule", "add", "owners", "--cron", "0 9 * * MON", "--per-owner")
    assert added.exit_code == 0, added.stderr
    with smtp_server() as (server, port):
        env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
        quiet = seeded("schedule", "run", "owners", "--as-of", "2017-09-22", env={**env, **FRIDAY})
        assert quiet.exit_code == 0, quiet.stderr
        noted = seeded("note", "2", "Talks resumed", env={"TRACKER_NOW": "2017-09-23T10:00:00Z"})
        assert noted.exit_code == 0, noted.stderr
        later = {**env, "TRACKER_NOW": "2017-09-25T09:00:30Z"}  # Monday's fire time
        assert seeded("scheduler", "--once", env=later).exit_code == 0

    finance = [m for rcpts, m in server.messages if rcpts == ["minfin@example.org"]]
    assert len(finance) == 1  # skipped on Friday, sent on Monday with the note
    assert "Talks resumed" in finance[0].get_body(("plain",)).get_content()


def test_digest_skip_empty_writes_nothing_when_there_is_nothing_to_report(
    seeded: Runner, tmp_path: Path
) -> None:
    args = ["digest", "--as-of", "2017-09-22", "--since", "2017-09-18", "--skip-empty"]
    quiet = seeded(*args, "--owner", "Finance", "--out", tmp_path / "finance.txt", env=FRIDAY)
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stdout == ""
    assert quiet.stderr == (
        "Nothing to report for Ministry of Finance from 2017-09-18 to 2017-09-22: "
        "no digest written.\n"
    )
    assert not (tmp_path / "finance.txt").exists()

    busy = seeded(*args, "--owner", "Foreign Affairs", env=FRIDAY)
    assert busy.exit_code == 0, busy.stderr
    assert "Study a mutual 30-day visa-free regime" in busy.stdout  # overdue: worth sending
    # Without the flag, an empty digest is still written: asked for, it is shown.
    shown = seeded(*args[:-1], "--owner", "Finance", env=FRIDAY)
    assert shown.exit_code == 0 and "Nothing overdue." in shown.stdout


def _upgrade_keeps_schedules_and_takes_skipped(url: str) -> None:
    from tracker.db import Database
    from tracker.migrate import upgrade

    db = Database(url)
    try:
        upgrade(db, "0005_digest_leases")
        with db.engine.begin() as conn:
            for id_, name, audience in ((1, "owners", "per_owner"), (2, "all", "everyone")):
                conn.execute(
                    sa.text(
                        "INSERT INTO digest_schedule (id, name, cron, timezone, audience, formats,"
                        " emails, enabled, created_at, updated_at) VALUES (:id, :name,"
                        " '0 9 * * 1', 'UTC', :audience, '[]', '[]', TRUE, :at, :at)"
                    ),
                    {"id": id_, "name": name, "audience": audience, "at": "2017-09-11 09:00:00"},
                )
        upgrade(db)
        with db.engine.begin() as conn:
            kept = conn.execute(sa.text("SELECT name, skip_empty FROM digest_schedule ORDER BY id"))
            assert [(name, bool(skip)) for name, skip in kept] == [("owners", True), ("all", False)]
            conn.execute(
                sa.text(
                    "INSERT INTO digest_run (id, schedule_id, period_key, period_start, period_end,"
                    " as_of, late, status, claimed_at) VALUES (1, 1, 'k', :at, :at, '2017-09-11',"
                    " FALSE, 'delivered', :at)"
                ),
                {"at": "2017-09-11 09:00:00"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO delivery (run_id, channel, recipient, status, attempts)"
                    " VALUES (1, 'email', 'a@example.org', 'skipped', 0)"
                )
            )
    finally:
        db.close()


def test_upgrading_turns_skip_empty_on_for_per_owner_schedules_sqlite(tmp_path: Path) -> None:
    _upgrade_keeps_schedules_and_takes_skipped(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_upgrading_turns_skip_empty_on_for_per_owner_schedules_postgresql(
    fresh_postgres: str,
) -> None:
    _upgrade_keeps_schedules_and_takes_skipped(fresh_postgres)
