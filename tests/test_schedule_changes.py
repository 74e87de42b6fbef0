"""`tracker schedule update/pause/resume`: what changes, what is refused (nothing stored), and
what `scheduler --once` then delivers: nothing while paused, nothing owed for the time before
a change of timing, and no due period skipped for a change of channels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import Runner, snapshot

CREATED = {"TRACKER_NOW": "2026-11-02T10:00:00Z"}  # a Monday; the schedules fire at 09:00 UTC


def _at(instant: str) -> dict[str, str]:
    return {"TRACKER_NOW": instant}


def _runs(db_url: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            query = "SELECT period_key, status, late FROM digest_run ORDER BY id"
            return [(key, status, bool(late)) for key, status, late in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


def _listed(run: Runner) -> dict[str, Any]:
    (only,) = run("schedule", "list", "--json").json()
    return only


@pytest.fixture
def daily(run: Runner, tmp_path: Path) -> Runner:
    out = tmp_path / "out"
    added = run("schedule", "add", "daily", "--cron", "0 9 * * *", "--dir", out, env=CREATED)
    assert added.exit_code == 0, added.stderr
    return run


def test_update_changes_what_is_given(daily: Runner, tmp_path: Path) -> None:
    other = tmp_path / "other"
    updated = daily("schedule", "update", "daily", "--cron", "30  7 * * MON-FRI",
                    "--timezone", "Europe/Minsk", "--format", "txt", "--dir", other,
                    "--email", "office@example.org", "--email", "head@example.org",
                    env=CREATED)  # fmt: skip
    assert (updated.exit_code, updated.stdout) == (
        0,
        "Updated schedule daily: 30 7 * * MON-FRI (Europe/Minsk), next at 2026-11-03 07:30 +03\n",
    ), updated.stderr
    listed = _listed(daily)
    assert (listed["cron"], listed["timezone"], listed["formats"]) == (
        "30 7 * * MON-FRI",
        "Europe/Minsk",
        ["txt"],
    )
    assert listed["directory"] == str(other)
    assert listed["emails"] == ["office@example.org", "head@example.org"]

    assert daily("schedule", "update", "daily", "--no-dir", env=CREATED).exit_code == 0
    assert _listed(daily)["directory"] is None
    assert _listed(daily)["emails"] == ["office@example.org", "head@example.org"]
    assert daily("schedule", "update", "daily", "--dir", other, "--no-email").exit_code == 0
    assert (_listed(daily)["directory"], _listed(daily)["emails"]) == (str(other), [])


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 4, "nothing to update"),
        (("--cron", "0 25 * * *"), 4, "invalid cron expression"),
        (("--cron", "0 0 31 2 *"), 4, "never fires"),
        (("--timezone", "Europe/Nowhere"), 4, "unknown time zone"),
        (("--no-dir",), 4, "needs somewhere to deliver"),
        (("--email", "a@x.org,b@x.org"), 4, "not one e-mail address"),
        (("--format", "pdf"), 2, "choose from md, html"),
        (("--dir", "{tmp}", "--no-dir"), 2, "exclude each other"),
    ],
)
def test_update_refusals_change_nothing(
    daily: Runner, db_url: str, tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(db_url), _listed(daily)
    result = daily(
        "schedule", "update", "daily", *(a.replace("{tmp}", str(tmp_path)) for a in args)
    )
    assert (result.exit_code, result.stdout) == (code, ""), result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr, result.stderr
    assert (snapshot(db_url), _listed(daily)) == before


def test_unknown_schedules_and_repeated_pauses(daily: Runner) -> None:
    for command in ("update", "pause", "resume"):
        extra = ("--format", "md") if command == "update" else ()
        missing = daily("schedule", command, "weekly", *extra)
        assert (missing.exit_code, missing.stderr) == (
            3,
            "Error: no schedule named 'weekly' (see `tracker schedule list`)\n",
        )
    resumed = daily("schedule", "resume", "daily")
    assert (resumed.exit_code, resumed.stderr) == (
        5,
        "Error: schedule 'daily' is running already\n",
    )
    assert daily("schedule", "pause", "daily").stdout == "Paused schedule daily.\n"
    again = daily("schedule", "pause", "daily")
    assert (again.exit_code, again.stderr) == (5, "Error: schedule 'daily' is paused already\n")


def test_a_paused_schedule_is_not_run_and_a_resumed_one_is(daily: Runner, db_url: str) -> None:
    assert daily("schedule", "pause", "daily", env=_at("2026-11-02T12:00:00Z")).exit_code == 0
    listed = _listed(daily)
    assert (listed["enabled"], listed["next_run"]) == (False, None)
    assert "paused" in daily("schedule", "list").stdout

    once = daily("scheduler", "--once", env=_at("2026-11-03T09:30:00Z"))
    assert once.exit_code == 0, once.stderr
    assert _runs(db_url) == []

    resumed = daily("schedule", "resume", "daily", env=_at("2026-11-03T10:00:00Z"))
    assert resumed.stdout == "Resumed schedule daily, next at 2026-11-04 09:00 UTC\n"
    # The period of 09:00 fell while it was paused: not owed.
    assert daily("scheduler", "--once", env=_at("2026-11-03T10:05:00Z")).exit_code == 0
    assert _runs(db_url) == []
    assert daily("scheduler", "--once", env=_at("2026-11-04T09:00:30Z")).exit_code == 0
    assert _runs(db_url) == [("2026-11-04T09:00:00+00:00", "delivered", False)]


def test_a_new_timing_owes_nothing_before_the_change(daily: Runner, db_url: str) -> None:
    moved = daily("schedule", "update", "daily", "--cron", "0 11 * * *",
                  env=_at("2026-11-03T12:00:00Z"))  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert daily("scheduler", "--once", env=_at("2026-11-03T12:05:00Z")).exit_code == 0
    assert _runs(db_url) == []  # neither 09:00 nor 11:00 of the day it changed
    assert daily("scheduler", "--once", env=_at("2026-11-04T11:00:30Z")).exit_code == 0
    assert _runs(db_url) == [("2026-11-04T11:00:00+00:00", "delivered", False)]


def test_a_change_of_channels_skips_no_due_period(daily: Runner, db_url: str) -> None:
    changed = daily("schedule", "update", "daily", "--format", "md",
                    env=_at("2026-11-03T09:02:00Z"))  # fmt: skip
    assert changed.exit_code == 0, changed.stderr
    assert daily("scheduler", "--once", env=_at("2026-11-03T09:03:00Z")).exit_code == 0
    # Still owed, and so delivered, three minutes late.
    assert _runs(db_url) == [("2026-11-03T09:00:00+00:00", "delivered", True)]
