"""The scheduler: the daemon as a real subprocess (picking up schedules without a restart, kill -9
and restart, SIGTERM, one daemon per database), `--once` with a set clock for downtime, the
fire times across DST, and the claim that makes each period happen once, on both backends."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, TypeVar

import pytest
from conftest import run_cli
from mailservers import smtp_server
from sqlmodel import select

from tracker.db import Database
from tracker.digests import runs
from tracker.digests.runs import DeliveryOptions, Period
from tracker.digests.schedules import add_schedule, run_due, scheduled_period
from tracker.models import Delivery, DigestRun, DigestSchedule

T = TypeVar("T")
EVERY_2_S = "*/2 * * * * *"
BERLIN = "Europe/Berlin"


def wait_until(check: Callable[[], T], *, timeout: float, what: str) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _cli(db_url: str, *args: object, now: str | None = None) -> str:
    result = run_cli([str(a) for a in args], db_url=db_url, env={"TRACKER_NOW": now or _now()})
    assert result.exit_code == 0, result.stderr
    return result.stdout


class Daemon:
    """`python -m tracker scheduler` in a subprocess, its stderr in a file."""

    def __init__(self, db_url: str, log_path: Path, env: dict[str, str]) -> None:
        self.log_path = log_path
        self._log: IO[str] = log_path.open("w")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "scheduler", "--sync-seconds", "1"],
            env={**clean, "TRACKER_DATABASE_URL": db_url, **env},
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, text: str, timeout: float = 15) -> None:
        def seen() -> bool:
            if self.proc.poll() is not None:
                pytest.fail(f"the daemon exited with {self.proc.returncode}:\n{self.log()}")
            return text in self.log()

        wait_until(seen, timeout=timeout, what=f"{text!r} in the daemon's log:\n{self.log()}")

    def stop(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGUSR1)  # the daemon's threads' stacks, to its log
            time.sleep(1)
            self.kill()
            pytest.fail(f"the daemon did not stop within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no handler, no cleanup
        self.proc.wait(timeout=10)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        self._log.close()


def _runs(db_url: str) -> list[DigestRun]:
    db = Database(db_url)
    try:
        with db.read() as session:
            return list(session.exec(select(DigestRun).order_by(DigestRun.period_end)))
    finally:
        db.close()


def _deliveries(db_url: str) -> list[Delivery]:
    db = Database(db_url)
    try:
        with db.read() as session:
            return list(session.exec(select(Delivery).order_by(Delivery.id)))
    finally:
        db.close()


def _assert_tiled(found: list[DigestRun]) -> None:
    """Each period starts where the one before ended: no change falls between two digests."""
    for before, after in itertools.pairwise(found):
        assert after.period_start == before.period_end, (before.period_key, after.period_key)


# --- the daemon ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_schedule_added_while_running_fires_without_a_restart(
    sqlite_url: str, tmp_path: Path, daemons: Callable[..., Daemon]
) -> None:
    out = tmp_path / "out"
    daemon = daemons(sqlite_url)
    daemon.wait_for("started")

    _cli(sqlite_url, "schedule", "add", "tick", "--cron", EVERY_2_S, "--dir", out, "--format", "md")
    wait_until(lambda: list(out.glob("tick-*.md")), timeout=15, what="a digest in the folder")
    daemon.wait_for("job fired: tick")  # its own cron job, not only the catch-up pass

    _cli(sqlite_url, "schedule", "remove", "tick")
    daemon.wait_for("unscheduled tick")
    assert daemon.stop() == 0
    log = daemon.log()
    assert "scheduled tick [*/2 * * * * * UTC]" in log
    assert log.rstrip().endswith("INFO stopped")
    assert "Traceback" not in log and "ERROR" not in log


@pytest.mark.slow
def test_sigterm_finishes_the_delivery_in_hand_and_exits_0(
    sqlite_url: str, daemons: Callable[..., Daemon]
) -> None:
    with smtp_server() as (server, port):
        server.delay = 1.5  # the SMTP server takes its time with DATA
        _cli(sqlite_url, "schedule", "add", "slow", "--cron", EVERY_2_S, "--email", "a@example.org")
        daemon = daemons(sqlite_url, TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(port))
        wait_until(server.data_started.is_set, timeout=15, what="a message in flight")

        assert daemon.stop() == 0

        log = daemon.log()
        assert "SIGTERM: stopping after the jobs in hand" in log
        assert log.rstrip().endswith("INFO stopped")
        found = _runs(sqlite_url)
        assert found and all(run.status == "delivered" for run in found)
        sent = [d.message_id for d in _deliveries(sqlite_url)]
        assert sorted(server.message_ids()) == sorted(sent)  # the one in flight arrived


@pytest.mark.slow
def test_kill_9_mid_run_then_restart_delivers_every_period_once(
    db_url: str, tmp_path: Path, daemons: Callable[..., Daemon]
) -> None:
    out = tmp_path / "out"
    created = _now()
    _cli(db_url, "schedule", "add", "tick", "--cron", EVERY_2_S, "--dir", out,
         "--email", "office@example.org", now=created)  # fmt: skip
    with smtp_server() as (server, port):
        smtp_env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
        server.stalled = True  # the first e-mail hangs in DATA: the run is in hand
        first = daemons(db_url, **smtp_env)
        wait_until(server.data_started.is_set, timeout=15, what="a message in flight")
        first.kill()
        killed = datetime.now(UTC)

        interrupted = [run for run in _runs(db_url) if run.status == "claimed"]
        assert interrupted, "the kill should have left a run claimed, its e-mail pending"
        server.stalled = False
        # Stay down over two fire times: the restart owes one catch-up for them, not two.
        wait_until(lambda: datetime.now(UTC) > killed + timedelta(seconds=4.2), timeout=6,
                   what="two missed periods")  # fmt: skip
        restarted = datetime.now(UTC)
        second = daemons(db_url, **smtp_env)

        def settled() -> bool:
            found = _runs(db_url)
            fresh = [run for run in found if run.claimed_at > restarted]
            return len(fresh) >= 2 and all(run.status == "delivered" for run in found)

        wait_until(settled, timeout=20, what="the interrupted run and two more delivered")
        assert second.stop() == 0

    found = _runs(db_url)
    deliveries = _deliveries(db_url)
    assert {run.period_key for run in interrupted} <= {run.period_key for run in found}
    assert all(run.status == "delivered" and not run.late for run in found)
    assert all(d.status == "delivered" for d in deliveries)
    assert len(deliveries) == 3 * len(found)  # md, html and one e-mail per period
    files = {Path(d.recipient).name for d in deliveries if d.channel == "file"}
    assert sorted(p.name for p in out.iterdir()) == sorted(files)  # nothing else, no temporaries
    sent = server.message_ids()
    assert len(sent) == len(set(sent)), "an e-mail went twice"
    assert set(sent) == {d.message_id for d in deliveries if d.channel == "email"}
    _assert_tiled(found)
    longest = max(run.period_end - run.period_start for run in found)
    assert longest >= timedelta(seconds=4)  # one catch-up spans the periods it was down


@pytest.mark.slow
def test_a_second_scheduler_on_the_same_database_is_refused(
    db_url: str, daemons: Callable[..., Daemon]
) -> None:
    first = daemons(db_url)
    first.wait_for("started")

    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    second = subprocess.run(
        [sys.executable, "-m", "tracker", "scheduler"],
        env={**clean, "TRACKER_DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=30,
    )
    once = run_cli(["scheduler", "--once"], db_url=db_url)

    assert second.returncode == 5
    assert second.stderr.startswith("Error: a scheduler is already running on this database")
    assert second.stderr.count("\n") == 1
    assert (once.exit_code, once.stderr) == (5, second.stderr)
    assert first.stop() == 0
    assert run_cli(["scheduler", "--once"], db_url=db_url).exit_code == 0  # the lock is free


# --- catching up, with a set clock ----------------------------------------------------------


def test_downtime_over_three_periods_gives_one_late_catch_up(
    sqlite_url: str, tmp_path: Path
) -> None:
    created = "2026-11-02T10:00:00Z"
    _cli(sqlite_url, "schedule", "add", "daily", "--cron", "0 9 * * *", "--dir", tmp_path,
         now=created)  # fmt: skip

    once = run_cli(["scheduler", "--once"], db_url=sqlite_url,
                   env={"TRACKER_NOW": "2026-11-05T22:00:00Z"})  # fmt: skip
    again = run_cli(["scheduler", "--once"], db_url=sqlite_url,
                    env={"TRACKER_NOW": "2026-11-05T22:30:00Z"})  # fmt: skip

    assert (once.exit_code, again.exit_code) == (0, 0)
    assert "claimed daily 2026-11-05T09:00:00+00:00 (catch-up, 13h late)" in once.stderr
    assert "claimed" not in again.stderr
    (run,) = _runs(sqlite_url)
    assert (run.period_key, run.late, run.status) == (
        "2026-11-05T09:00:00+00:00",
        True,
        "delivered",
    )
    assert run.as_of == date(2026, 11, 5)
    # It reports everything since the schedule's first period began, not only the last day.
    assert run.period_start == datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert sorted(p.name for p in tmp_path.glob("daily-*")) == [
        "daily-2026-11-05.html",
        "daily-2026-11-05.md",
    ]

    on_time = run_cli(["scheduler", "--once"], db_url=sqlite_url,
                      env={"TRACKER_NOW": "2026-11-06T09:01:00Z"})  # fmt: skip
    assert on_time.exit_code == 0
    first, second = _runs(sqlite_url)
    assert (second.period_key, second.late) == ("2026-11-06T09:00:00+00:00", False)
    _assert_tiled([first, second])


def test_a_run_left_claimed_by_a_crash_is_finished_and_not_repeated(
    db_url: str, tmp_path: Path
) -> None:
    created = datetime(2026, 11, 2, 10, tzinfo=UTC)
    db = Database(db_url)
    with db.write() as session:
        add_schedule(session, name="daily", cron_expr="0 9 * * *", directory=tmp_path,
                     now=created)  # fmt: skip
        schedule = session.exec(select(DigestSchedule)).one()
        fire = datetime(2026, 11, 3, 9, tzinfo=UTC)
        period = scheduled_period(session, schedule, fire)
    # What a process killed right after its claim leaves: the run, its deliveries pending.
    assert runs.claim(db, schedule.id or 0, period, late=False, now=fire) is not None
    db.close()
    assert {d.status for d in _deliveries(db_url)} == {"pending"}

    result = run_cli(
        ["scheduler", "--once"], db_url=db_url, env={"TRACKER_NOW": "2026-11-03T09:05"}
    )

    assert result.exit_code == 0, result.stderr
    assert "resuming run" in result.stderr
    (run,) = _runs(db_url)
    assert (run.period_key, run.status) == ("2026-11-03T09:00:00+00:00", "delivered")
    assert {d.status for d in _deliveries(db_url)} == {"delivered"}
    assert len(list(tmp_path.glob("daily-2026-11-03.*"))) == 2


def test_one_claim_wins_a_period_among_concurrent_contenders(db_url: str) -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    db = Database(db_url)
    with db.write() as session:
        add_schedule(session, name="daily", cron_expr="0 9 * * *", emails=["a@example.org"],
                     now=now - timedelta(days=1))  # fmt: skip
        schedule_id = session.exec(select(DigestSchedule.id)).one()
    db.close()
    period = Period(key="2026-11-02T09:00:00+00:00", start=now - timedelta(days=1), end=now,
                    as_of=now.date())  # fmt: skip
    contenders = 6
    barrier = threading.Barrier(contenders)

    def contend(_: int) -> int | None:
        handle = Database(db_url)  # its own engine and connection, as another process has
        try:
            barrier.wait(timeout=10)
            return runs.claim(handle, schedule_id or 0, period, late=False, now=now)
        finally:
            handle.close()

    with ThreadPoolExecutor(contenders) as pool:
        claims = list(pool.map(contend, range(contenders)))

    winners = [c for c in claims if c is not None]
    assert len(winners) == 1
    (run,) = _runs(db_url)
    assert run.id == winners[0]
    assert [(d.run_id, d.recipient) for d in _deliveries(db_url)] == [(run.id, "a@example.org")]


# --- daylight saving time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "fires_utc"),
    [
        # Summer time starts on 29 March 2026 at 02:00 CET: 09:00 is 08:00Z, then 07:00Z.
        (date(2026, 3, 27), ["03-27T08", "03-28T08", "03-29T07", "03-30T07", "03-31T07"]),
        # It ends on 25 October 2026 at 03:00 CEST: 09:00 is 07:00Z, then 08:00Z.
        (date(2026, 10, 23), ["10-23T07", "10-24T07", "10-25T08", "10-26T08", "10-27T08"]),
    ],
    ids=["spring", "autumn"],
)
def test_a_daily_berlin_schedule_runs_once_a_day_at_nine_local_across_dst(
    sqlite_url: str, tmp_path: Path, first_day: date, fires_utc: list[str]
) -> None:
    from zoneinfo import ZoneInfo

    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    db = Database(sqlite_url)
    with db.write() as session:
        add_schedule(session, name="berlin", cron_expr="0 9 * * *", timezone=BERLIN,
                     directory=tmp_path, now=start)  # fmt: skip
    options = DeliveryOptions(smtp=None)
    for hour in range(5 * 24):  # the clock steps through five days, hour by hour
        at = start + timedelta(hours=hour)
        run_due(db, clock=lambda at=at: at, options=options)
    db.close()

    found = _runs(sqlite_url)
    year = first_day.year
    assert [run.period_key for run in found] == [f"{year}-{f}:00:00+00:00" for f in fires_utc]
    local = [run.period_end.astimezone(ZoneInfo(BERLIN)) for run in found]
    assert [(t.hour, t.minute) for t in local] == [(9, 0)] * 5
    assert [run.as_of for run in found] == [first_day + timedelta(days=n) for n in range(5)]
    assert not any(run.late for run in found)
    _assert_tiled(found)


def test_a_daily_schedule_in_the_repeated_hour_fires_once_when_summer_time_ends(
    sqlite_url: str, tmp_path: Path
) -> None:
    # On 25 October 2026 Berlin's clocks go from 03:00 CEST back to 02:00 CET: 02:30 comes
    # twice (00:30Z and 01:30Z). A daily 02:30 digest is one digest that day.
    start = datetime(2026, 10, 24, 0, tzinfo=UTC)
    db = Database(sqlite_url)
    with db.write() as session:
        add_schedule(session, name="night", cron_expr="30 2 * * *", timezone=BERLIN,
                     directory=tmp_path, now=start)  # fmt: skip
    options = DeliveryOptions(smtp=None)
    for step in range(3 * 24 * 4):  # the clock steps through three days, 15 minutes at a time
        at = start + timedelta(minutes=15 * step)
        run_due(db, clock=lambda at=at: at, options=options)
    db.close()

    found = _runs(sqlite_url)
    assert [run.period_key for run in found] == [
        "2026-10-24T00:30:00+00:00",
        "2026-10-25T00:30:00+00:00",
        "2026-10-26T01:30:00+00:00",
    ]
    assert not any(run.late for run in found)
    _assert_tiled(found)


@pytest.mark.parametrize(
    ("now", "next_run", "shown"),
    [
        ("2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25 02:30 CEST"),
        # 02:30 CEST has fired; 02:30 CET, an hour later, is the same time again: not a run.
        ("2026-10-25T00:45:00Z", "2026-10-26T01:30:00Z", "2026-10-26 02:30 CET"),
        ("2026-10-25T01:15:00Z", "2026-10-26T01:30:00Z", "2026-10-26 02:30 CET"),
        # On 29 March 02:30 does not exist (02:00 CET is 03:00 CEST): the run is at 03:30.
        ("2026-03-28T12:00:00Z", "2026-03-29T01:30:00Z", "2026-03-29 03:30 CEST"),
        ("2026-03-29T02:00:00Z", "2026-03-30T00:30:00Z", "2026-03-30 02:30 CEST"),
    ],
)
def test_schedule_list_shows_the_next_run_across_dst_changes(
    sqlite_url: str, now: str, next_run: str, shown: str
) -> None:
    _cli(sqlite_url, "schedule", "add", "night", "--cron", "30 2 * * *", "--timezone", BERLIN,
         "--dir", "/tmp/night", now="2026-03-01T00:00:00Z")  # fmt: skip

    listed = run_cli(["schedule", "list", "--json"], db_url=sqlite_url, env={"TRACKER_NOW": now})
    table = run_cli(["schedule", "list"], db_url=sqlite_url, env={"TRACKER_NOW": now})

    assert listed.json()[0]["next_run"] == next_run
    assert f" {shown} " in table.stdout
