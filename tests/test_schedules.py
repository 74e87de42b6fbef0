"""`tracker schedule add/list/remove/run`: what is refused at the door, with which exit code,
what cron expressions mean, and per-owner digests going each to its owner."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Runner
from mailservers import smtp_server

from tracker.digests import cron
from tracker.errors import InvalidInput


def _count(db_url: str, table: str) -> int:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--cron", "0 25 * * *", "--dir", "d"], 4, "invalid cron expression '0 25 * * *'"),
        (["--cron", "0 9 * *", "--dir", "d"], 4, "expected 5 fields"),
        (["--cron", "0 9 1 * MON", "--dir", "d"], 4, "not both"),
        (["--cron", "0 0 31 2 *", "--dir", "d"], 4, "never fires"),
        (["--cron", "0 9 * * *", "--timezone", "Europe/Nowhere", "--dir", "d"], 4,
         "unknown time zone 'Europe/Nowhere'"),
        (["--cron", "0 9 * * *", "--timezone", "CEST", "--dir", "d"], 4, "unknown time zone"),
        (["--cron", "0 9 * * *"], 4, "needs somewhere to deliver"),
        (["--cron", "0 9 * * *", "--email", "not-an-address"], 4, "not one e-mail address"),
        (["--cron", "0 9 * * *", "--owner", "Nobody At All", "--dir", "d"], 3, "no owner named"),
        (["--cron", "0 9 * * *", "--owner", "finance", "--per-owner"], 4, "exclude each other"),
        (["--cron", "0 9 * * *", "--per-owner", "--email", "a@example.org"], 4, "--email exclude"),
        (["--cron", "0 9 * * *", "--dir", "d", "--format", "pdf"], 2, "choose from md, html"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_stored(
    seeded: Runner, db_url: str, args: list[str], code: int, message: str
) -> None:
    result = seeded("schedule", "add", "weekly", *args)
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert _count(db_url, "digest_schedule") == 0


def test_names_are_unique_whatever_the_case_and_fit_in_file_names(
    seeded: Runner, tmp_path: Path
) -> None:
    assert (
        seeded("schedule", "add", "weekly", "--cron", "0 9 * * 1", "--dir", tmp_path).exit_code == 0
    )
    again = seeded("schedule", "add", "Weekly", "--cron", "0 9 * * 1", "--dir", tmp_path)
    assert (again.exit_code, again.stderr) == (
        5,
        "Error: a schedule named 'Weekly' exists already\n",
    )
    for bad in ("../up", "a b", "week.ly", ""):
        refused = seeded("schedule", "add", bad, "--cron", "0 9 * * 1", "--dir", tmp_path)
        assert refused.exit_code == 4 and "bad schedule name" in refused.stderr


def test_weekdays_mean_what_they_mean_in_crontab() -> None:
    monday_noon = datetime(2026, 11, 30, 12, tzinfo=UTC)  # a Monday

    def next_days(expr: str, count: int = 3) -> list[str]:
        trigger, at, days = cron.trigger(expr, "UTC"), monday_noon, []
        for _ in range(count):
            fire = cron.next_fire_after(trigger, at)
            assert fire is not None
            days.append(fire.strftime("%a"))
            at = fire
        return days

    assert next_days("0 9 * * 1") == ["Mon"] * 3  # APScheduler's own numbering would say Tue
    assert next_days("0 9 * * 0") == ["Sun"] * 3
    assert next_days("0 9 * * 7") == ["Sun"] * 3
    assert next_days("0 9 * * 1-5", 5) == ["Tue", "Wed", "Thu", "Fri", "Mon"]
    assert next_days("0 9 * * */2", 4) == ["Tue", "Thu", "Sat", "Sun"]
    assert next_days("0 9 * * 5-7") == ["Fri", "Sat", "Sun"]
    assert next_days("0 9 * * MON,fri") == ["Fri", "Mon", "Fri"]
    seconds = cron.trigger("*/15 * * * * *", "UTC")  # the six-field form, seconds first
    assert cron.next_fire_after(seconds, monday_noon) == datetime(
        2026, 11, 30, 12, 0, 15, tzinfo=UTC
    )
    with pytest.raises(InvalidInput, match="bad day of week"):
        cron.trigger("0 9 * * fri-sun", "UTC")


def test_list_shows_the_next_and_the_last_run_and_remove_forgets(
    seeded: Runner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    added = seeded("schedule", "add", "weekly", "--cron", "0 9 * * MON",
                   "--timezone", "Europe/Minsk", "--dir", out)  # fmt: skip
    assert added.stdout == (
        "Added schedule weekly: 0 9 * * MON (Europe/Minsk), first at 2017-09-18 09:00 +03\n"
    )
    ran = seeded("schedule", "run", "weekly", "--as-of", "2017-09-11")
    assert ran.exit_code == 0, ran.stderr

    (listed,) = seeded("schedule", "list", "--json").json()
    assert listed["next_run"] == "2017-09-18T06:00:00Z"
    assert listed["audience"] == "everyone" and listed["directory"] == str(out)
    assert listed["last_run"]["status"] == "delivered"
    assert (listed["last_run"]["delivered"], listed["last_run"]["failed"]) == (2, 0)
    text = seeded("schedule", "list").stdout
    assert "2017-09-18 09:00 +03" in text and "delivered (2 ok)" in text

    removed = seeded("schedule", "remove", "weekly")
    assert removed.stdout == "Removed schedule weekly (1 run).\n"
    assert seeded("schedule", "list", "--json").json() == []
    assert seeded("schedule", "remove", "weekly").exit_code == 3
    assert seeded("schedule", "run", "weekly").exit_code == 3
    assert len(list(out.iterdir())) == 2  # delivered files stay


def test_per_owner_sends_each_owner_their_own_digest(seeded: Runner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    added = seeded("schedule", "add", "owners", "--cron", "0 9 * * MON", "--per-owner",
                   "--dir", out, "--format", "md")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    owners = {o["email"]: o["name"] for o in seeded("owner", "list", "--json").json() if o["email"]}

    with smtp_server() as (server, port):
        env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
        result = seeded("schedule", "run", "owners", "--as-of", "2017-09-11", env=env)

    assert result.exit_code == 0, result.stderr
    received = {rcpts[0]: message for rcpts, message in server.messages}
    assert sorted(received) == sorted(owners)
    for address, message in received.items():
        assert f" for {owners[address]}: " in message["Subject"]
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(owners)
    assert "owners-2017-09-11-ministry-of-finance.md" in files
