"""Daily use of the command line: bare `tracker`, PostgreSQL URL spellings, what a delivery
says while it retries, digest file names, counted nouns, and what a missing database tells the
user to run (shell completion: test_completion.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Result, Runner, run_cli
from mailservers import Recorder, smtp_server

from tracker.config import Settings
from tracker.db import Database


def test_bare_tracker_prints_the_help_and_exits_0(sqlite_url: str) -> None:
    result = run_cli([], db_url=sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: tracker [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in result.stdout
    assert result.stderr == ""


# --- PostgreSQL URLs as providers write them -----------------------------------------------


def _respelled(url: str, scheme: str) -> str:
    assert url.startswith("postgresql+psycopg://")
    return scheme + url.removeprefix("postgresql+psycopg://")


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://", "POSTGRES://"])
def test_postgres_urls_without_a_driver_use_psycopg(postgres_url: str, scheme: str) -> None:
    url = _respelled(postgres_url, scheme)
    # Through --db …
    added = run_cli(
        ["--db", url, "owner", "add", "Ministry of Economy"], db_url="sqlite:////nonexistent/x.db"
    )
    assert added.exit_code == 0, added.stderr
    # … and through TRACKER_DATABASE_URL, one database either way.
    listed = run_cli(["owner", "list", "--json"], db_url=url)
    assert listed.exit_code == 0, listed.stderr
    assert [o["name"] for o in listed.json()] == ["Ministry of Economy"]
    current = run_cli(["db", "current"], db_url=url)
    assert current.exit_code == 0, current.stderr
    # psycopg 3, whatever other driver happens to be installed.
    db = Database(url)
    try:
        assert db.engine.dialect.driver == "psycopg"
    finally:
        db.close()
    assert Settings.load(database_url=url).database_url.startswith("postgresql+psycopg://")


def test_other_urls_are_left_as_they_are() -> None:
    from tracker.config import normalize_database_url

    for url in (
        "postgresql+psycopg://u@h/db",
        "postgresql+psycopg2://u@h/db",
        "sqlite:////tmp/postgres://x.db",
        "mysql://u@h/db",
    ):
        assert normalize_database_url(url) == url
    assert normalize_database_url("postgres://u:p@h:5433/db?sslmode=require") == (
        "postgresql+psycopg://u:p@h:5433/db?sslmode=require"
    )


# --- what a delivery says while it retries -------------------------------------------------

PASSWORD = "pw-Zq9-not-for-anyone"


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


def _mail_env(port: int) -> dict[str, str]:
    return {
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(port),
        "TRACKER_SMTP_PASSWORD": PASSWORD,  # no login without a user: only here to be hidden
    }


@pytest.mark.parametrize("command", ["schedule run", "scheduler --once"])
def test_smtp_retries_say_what_they_are_doing(
    seeded: Runner, smtp: tuple[Recorder, int], command: str
) -> None:
    server, port = smtp
    added = seeded(
        "schedule", "add", "daily", "--cron", "0 10 * * *", "--email", "office@example.org"
    )
    assert added.exit_code == 0, added.stderr
    server.data_replies = [f"451 4.3.0 Try again later {PASSWORD}"]
    args = ["schedule", "run", "daily"] if command == "schedule run" else ["scheduler", "--once"]
    env = {**_mail_env(port), "TRACKER_NOW": "2017-09-11T10:00:30+00:00"}

    result = seeded(*args, env=env)  # the real policy: one wait of 2 s

    assert result.exit_code == 0, result.stderr
    note = (
        "mail to office@example.org: 451 4.3.0 Try again later ***; "
        "retrying in 2 s (attempt 2 of 4)"
    )
    notes = [line for line in result.stderr.splitlines() if "mail to" in line]
    assert len(notes) == 1 and notes[0].endswith(note), result.stderr
    if command == "schedule run":  # nothing else: its results are on stdout
        assert result.stderr == note + "\n"
    assert PASSWORD not in result.stderr + result.stdout
    assert len(server.messages) == 1


# --- file names: the digest's date ---------------------------------------------------------


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_manual_run_names_its_files_by_the_digests_date(seeded: Runner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    added = seeded("schedule", "add", "weekly", "--cron", "0 9 * * MON", "--dir", out)
    assert added.exit_code == 0, added.stderr

    ran = seeded("schedule", "run", "weekly", "--as-of", "2017-09-08")
    assert ran.exit_code == 0, ran.stderr
    assert _names(out) == ["weekly-2017-09-08.html", "weekly-2017-09-08.md"]
    # Like `tracker digest --out FOLDER`, with the schedule's name in place of "digest".
    mine = tmp_path / "mine"
    mine.mkdir()
    made = seeded("digest", "--as-of", "2017-09-08", "--format", "md,html", "--out", mine)
    assert made.exit_code == 0, made.stderr
    assert _names(mine) == ["digest-2017-09-08.html", "digest-2017-09-08.md"]
    # Without --as-of: today in the schedule's time zone.
    later = seeded("schedule", "run", "weekly", env={"TRACKER_NOW": "2017-09-11T10:00:00Z"})
    assert later.exit_code == 0, later.stderr
    assert "weekly-2017-09-11.md" in _names(out)


def test_the_scheduler_names_files_by_the_digests_local_date(
    seeded: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    # 00:30 in Minsk is 21:30 UTC the day before: the digest and its file are of the local day.
    added = seeded("schedule", "add", "night", "--cron", "30 0 * * *", "--timezone",
                   "Europe/Minsk", "--dir", out, "--format", "md")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    done = seeded("scheduler", "--once", env={"TRACKER_NOW": "2017-09-11T21:31:00Z"})
    assert done.exit_code == 0, done.stderr
    assert _names(out) == ["night-2017-09-12.md"]


def test_a_schedule_firing_several_times_a_day_adds_the_local_time(
    seeded: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    added = seeded("schedule", "add", "hourly", "--cron", "15 * * * *", "--timezone",
                   "Europe/Minsk", "--dir", out, "--format", "md")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    for now in ("2017-09-11T10:16:00Z", "2017-09-11T11:16:00Z"):
        done = seeded("scheduler", "--once", env={"TRACKER_NOW": now})
        assert done.exit_code == 0, done.stderr
    assert _names(out) == ["hourly-2017-09-11-1315.md", "hourly-2017-09-11-1415.md"]


# --- counted nouns -------------------------------------------------------------------------


def test_plural_counts_nouns() -> None:
    from tracker.words import plural

    assert [plural(n, "commitment") for n in (0, 1, 2)] == [
        "0 commitments",
        "1 commitment",
        "2 commitments",
    ]
    assert plural(1, "delivery") == "1 delivery" and plural(3, "delivery") == "3 deliveries"
    assert plural(2, "person", "people") == "2 people"


def test_messages_count_one_thing_in_the_singular(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "readout.txt").write_text("The sides agreed to open a consulate in Minsk.\n")
    (tmp_path / "meeting.toml").write_text(
        """
[meeting]
slug = "one"
title = "One meeting"
date = 2017-05-16
source = "readout.txt"

[[commitments]]
key = "consulate"
title = "Open a consulate"
quote = "agreed to open a consulate in Minsk"
owner = "Ministry of Foreign Affairs"
due = "+90d"
area = "foreign"
"""
    )
    imported = run("import", tmp_path / "meeting.toml")
    assert imported.exit_code == 0, imported.stderr
    assert "  1 commitment, 1 owner · quotes verified against readout.txt" in imported.stdout

    drafted = run("extract", tmp_path / "readout.txt", "--meeting-date", "2017-05-16")
    assert drafted.exit_code == 0, drafted.stderr
    assert drafted.stderr.startswith("Drafted 1 commitment from ")

    added = run("schedule", "add", "weekly", "--cron", "0 9 * * MON", "--email", "a@example.org")
    assert added.exit_code == 0, added.stderr
    failed = run("schedule", "run", "weekly")  # no SMTP server: the e-mail fails for good
    assert (failed.exit_code, failed.stderr) == (8, "Error: 1 of 1 delivery failed\n")
    removed = run("schedule", "remove", "weekly")
    assert removed.stdout == "Removed schedule weekly (1 run).\n"


# --- a missing database says what to run ---------------------------------------------------


def _default_db(tmp_path: Path, *args: str) -> Result:
    """`tracker ARGS` on the default database, under a data home of the test's own."""
    env = {"TRACKER_DATABASE_URL": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    return run_cli(list(args), db_url="unused", env=env)  # type: ignore[dict-item]


def test_a_missing_default_data_folder_says_run_tracker_init(tmp_path: Path) -> None:
    path = tmp_path / "data" / "tracker" / "tracker.db"
    result = _default_db(tmp_path, "list")
    assert (result.exit_code, result.stderr) == (
        7,
        f"Error: no database at {path}: run `tracker init`\n",
    )
    # Which is what it takes.
    assert _default_db(tmp_path, "init").exit_code == 0
    assert _default_db(tmp_path, "list").exit_code == 0


def test_a_missing_default_database_file_says_run_tracker_init(tmp_path: Path) -> None:
    (tmp_path / "data" / "tracker").mkdir(parents=True)
    path = tmp_path / "data" / "tracker" / "tracker.db"
    result = _default_db(tmp_path, "overdue")
    assert (result.exit_code, result.stderr) == (
        7,
        f"Error: no database at {path}: run `tracker init`\n",
    )
    assert not path.exists()


def test_a_missing_folder_of_another_path_says_what_to_run(tmp_path: Path) -> None:
    result = run_cli(["--db", "sqlite:////nonexistent/dir/x.db", "list"], db_url="unused")
    assert (result.exit_code, result.stderr) == (
        7,
        "Error: no folder /nonexistent/dir for the database: run `mkdir -p /nonexistent/dir`, "
        "then `tracker init`\n",
    )
    # `tracker init` itself gives the same advice rather than create folders from a typo.
    init = run_cli(["--db", "sqlite:////nonexistent/dir/x.db", "init"], db_url="unused")
    assert (init.exit_code, init.stderr) == (result.exit_code, result.stderr)
    assert not Path("/nonexistent").exists()
