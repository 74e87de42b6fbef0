"""The scheduler daemon under a slow SMTP server and a locked SQLite database: it stays alive,
keeps the other schedules on time, and catches up once the obstacle is gone.

The daemon runs as a real subprocess (`Daemon` from test_scheduler) with `--sync-seconds 1`.
Its heartbeat (`tracker.digests.scheduler.HEARTBEAT_S`, 300 s) cannot be shortened from outside the
process, so liveness is read from what the daemon logs as it works — "job fired: NAME",
"claimed", "delivered", "scheduled NAME" within a sync pass of a schedule being added — and
from the DigestRun and Delivery rows and the files.
"""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import run_cli
from mailservers import smtp_server
from sqlmodel import select
from test_scheduler import EVERY_2_S, Daemon, wait_until

from tracker.db import Database
from tracker.digests.delivery import SmtpSettings
from tracker.digests.runs import DeliveryOptions
from tracker.digests.scheduler import stop_scheduler
from tracker.digests.schedules import add_schedule, run_due
from tracker.models import Delivery, DigestRun, DigestSchedule

SMTP_TIMEOUT_S = 1
SLOW_DATA_S = 3.0  # the server's answer to DATA takes longer than the client waits for it


def _now() -> datetime:
    return datetime.now(UTC)


def _cli(db_url: str, *args: object) -> None:
    result = run_cli([str(a) for a in args], db_url=db_url, env={"TRACKER_NOW": _now().isoformat()})
    assert result.exit_code == 0, result.stderr


def _once_at(when: datetime) -> str:
    """A cron expression (with seconds) that fires at `when` (UTC), then not for a day."""
    return f"{when.second} {when.minute} {when.hour} * * *"


def _fire_times(start: datetime, end: datetime, every: int = 2) -> list[datetime]:
    """The fire times of a */`every`-second schedule in [start, end]."""
    first = start.replace(microsecond=0) + timedelta(seconds=1 if start.microsecond else 0)
    first += timedelta(seconds=-first.second % every)
    return [first + timedelta(seconds=n) for n in range(0, int((end - first).total_seconds()) + 1,
                                                        every)]  # fmt: skip


def _key(fire: datetime) -> str:
    return fire.astimezone(UTC).isoformat(timespec="seconds")


def _runs(db_url: str, schedule: str) -> list[DigestRun]:
    db = Database(db_url)
    try:
        with db.read() as session:
            query = (
                select(DigestRun)
                .join(DigestSchedule, DigestSchedule.id == DigestRun.schedule_id)
                .where(DigestSchedule.name == schedule)
                .order_by(DigestRun.period_end)
            )
            return list(session.exec(query))
    finally:
        db.close()


def _deliveries(db_url: str, schedule: str) -> list[Delivery]:
    db = Database(db_url)
    try:
        with db.read() as session:
            query = (
                select(Delivery)
                .join(DigestRun, DigestRun.id == Delivery.run_id)
                .join(DigestSchedule, DigestSchedule.id == DigestRun.schedule_id)
                .where(DigestSchedule.name == schedule)
                .order_by(Delivery.id)
            )
            return list(session.exec(query))
    finally:
        db.close()


def _assert_each_period_delivered_once(db_url: str, schedule: str, folder: Path) -> None:
    """Every run delivered, one md file each and nothing else in the folder, and the periods
    tiled: each starts where the one before ended, so no change falls between two digests."""
    found = _runs(db_url, schedule)
    deliveries = _deliveries(db_url, schedule)
    assert found
    assert [run.status for run in found] == ["delivered"] * len(found)
    assert [(d.channel, d.status, d.attempts) for d in deliveries] == [
        ("file", "delivered", 1)
    ] * len(found)
    files = sorted(Path(d.recipient).name for d in deliveries)
    assert sorted(p.name for p in folder.iterdir()) == files  # no duplicates, no temporaries
    assert len(set(files)) == len(found)
    for before, after in itertools.pairwise(found):
        assert after.period_start == before.period_end, (before.period_key, after.period_key)


def _assert_clean_stop(daemon: Daemon) -> None:
    assert daemon.stop() == 0
    log = daemon.log()
    assert log.rstrip().endswith("INFO stopped")
    assert "Traceback" not in log and " ERROR " not in log, log


# --- a slow SMTP server ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_slow_smtp_server_holds_up_only_its_own_delivery(
    db_url: str, tmp_path: Path, daemons: Callable[..., Daemon]
) -> None:
    ticks, later = tmp_path / "ticks", tmp_path / "later"
    _cli(db_url, "schedule", "add", "tick", "--cron", EVERY_2_S, "--dir", ticks, "--format", "md")
    fire = (_now() + timedelta(seconds=3)).replace(microsecond=0)
    _cli(db_url, "schedule", "add", "mail", "--cron", _once_at(fire),
         "--email", "office@example.org")  # fmt: skip
    with smtp_server() as (server, port):
        server.delay = SLOW_DATA_S
        daemon = daemons(db_url, TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(port),
                         TRACKER_SMTP_TIMEOUT=str(SMTP_TIMEOUT_S))  # fmt: skip

        # The first attempt times out; the delivery stays pending, to be retried.
        daemon.wait_for("mail to office@example.org: server disconnected")
        assert "timed out; retrying in 2 s (attempt 2 of 4)" in daemon.log()
        (mail_run,) = _runs(db_url, "mail")
        (pending,) = _deliveries(db_url, "mail")
        assert (mail_run.period_key, mail_run.status) == (_key(fire), "claimed")
        assert (pending.status, pending.attempts) == ("pending", 0)

        # Meanwhile the sync pass still runs: a schedule added now is picked up and delivered.
        _cli(db_url, "schedule", "add", "later", "--cron", EVERY_2_S, "--dir", later,
             "--format", "md")  # fmt: skip
        daemon.wait_for("scheduled later [*/2 * * * * * UTC]", timeout=5)
        wait_until(lambda: list(later.glob("later-*.md")), timeout=5, what="a 'later' digest")
        assert [d.status for d in _deliveries(db_url, "mail")] == ["pending"]

        # The server recovers during the backoff after the second timeout: the third goes.
        daemon.wait_for("retrying in 4 s (attempt 3 of 4)", timeout=10)
        server.delay = 0

        def mail_delivered() -> Delivery | None:
            (delivery,) = _deliveries(db_url, "mail")
            return delivery if delivery.status == "delivered" else None

        sent = wait_until(mail_delivered, timeout=15, what="the e-mail delivered")
        recovered = _now()
        _assert_clean_stop(daemon)

    assert sent.attempts == 3 and sent.last_error is None
    assert server.message_ids() == [sent.message_id]  # accepted once
    (mail_run,) = _runs(db_url, "mail")
    assert (mail_run.period_key, mail_run.status, mail_run.late) == (_key(fire), "delivered", False)
    log = daemon.log()
    assert log.count("mail to office@example.org: ") == 2
    assert log.count("delivered mail ") == 1
    # The tick schedule kept its times while the e-mail was stuck: every period in between.
    stuck = _fire_times(fire + timedelta(seconds=1), recovered - timedelta(seconds=1))
    assert len(stuck) >= 3
    assert {_key(t) for t in stuck} <= {run.period_key for run in _runs(db_url, "tick")}
    assert log.count("job fired: tick") >= len(stuck)
    _assert_each_period_delivered_once(db_url, "tick", ticks)
    _assert_each_period_delivered_once(db_url, "later", later)


@pytest.mark.slow
def test_four_e_mail_schedules_on_a_slow_server_do_not_starve_the_others(
    sqlite_url: str, tmp_path: Path, daemons: Callable[..., Daemon]
) -> None:
    ticks = tmp_path / "ticks"
    _cli(sqlite_url, "schedule", "add", "tick", "--cron", EVERY_2_S, "--dir", ticks,
         "--format", "md")  # fmt: skip
    fire = (_now() + timedelta(seconds=3)).replace(microsecond=0)
    for n in range(4):  # say a Monday-morning digest for the office and three ministries
        _cli(sqlite_url, "schedule", "add", f"mail{n}", "--cron", _once_at(fire),
             "--email", f"office{n}@example.org")  # fmt: skip
    with smtp_server() as (server, port):
        server.delay = SLOW_DATA_S
        daemon = daemons(sqlite_url, TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(port),
                         TRACKER_SMTP_TIMEOUT=str(SMTP_TIMEOUT_S))  # fmt: skip

        def second_failure(n: int) -> bool:
            return any(
                f"mail to office{n}@example.org: " in line and "(attempt 3 of 4)" in line
                for line in daemon.log().splitlines()
            )

        for n in range(4):
            wait_until(lambda n=n: second_failure(n), timeout=15, what=f"office{n}'s 2nd failure")
        server.delay = 0

        def all_sent() -> bool:
            return all(d.status == "delivered" for n in range(4)
                       for d in _deliveries(sqlite_url, f"mail{n}"))  # fmt: skip

        wait_until(all_sent, timeout=15, what="the four e-mails delivered")
        recovered = _now()
        _assert_clean_stop(daemon)

    stuck = _fire_times(fire + timedelta(seconds=1), recovered - timedelta(seconds=1))
    assert len(stuck) >= 3
    delivered = {run.period_key for run in _runs(sqlite_url, "tick")}
    assert [_key(t) for t in stuck if _key(t) not in delivered] == []


def test_a_run_in_hand_in_this_process_is_not_reported_as_resumed(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(sqlite_url)
    with db.write() as session:
        add_schedule(session, name="mail", cron_expr="0 9 * * *", emails=["office@example.org"],
                     now=datetime(2026, 11, 1, 10, tzinfo=UTC))  # fmt: skip

    def clock() -> datetime:
        return datetime(2026, 11, 2, 9, 0, 30, tzinfo=UTC)

    with smtp_server() as (server, port):
        server.stalled = True  # DATA hangs: the first pass's delivery is in hand
        smtp = SmtpSettings(host="127.0.0.1", port=port, timeout=10)
        options = DeliveryOptions(smtp=smtp, attempts=1)
        first = threading.Thread(
            target=run_due, args=(db,), kwargs={"clock": clock, "options": options}
        )
        first.start()
        try:
            wait_until(server.data_started.is_set, timeout=10, what="the e-mail in flight")
            with caplog.at_level(logging.INFO, logger="tracker"):
                second = run_due(db, clock=clock, options=options)  # the next catch-up pass
        finally:
            server.stalled = False
            first.join(timeout=20)
    db.close()

    assert second is not None
    assert "resuming run" not in caplog.text


# --- a locked SQLite database ----------------------------------------------------------------

# Another process takes SQLite's write lock and keeps it until told to let go.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print("released", flush=True)
"""
LOCK_HELD_S = 5.0  # well under the daemon's busy timeout (30 s): its writes wait, not fail


@pytest.mark.slow
def test_a_locked_sqlite_database_makes_the_daemon_wait_then_catch_up(
    sqlite_url: str, tmp_path: Path, daemons: Callable[..., Daemon]
) -> None:
    ticks = tmp_path / "ticks"
    _cli(sqlite_url, "schedule", "add", "tick", "--cron", EVERY_2_S, "--dir", ticks,
         "--format", "md")  # fmt: skip
    daemon = daemons(sqlite_url)
    wait_until(lambda: list(ticks.glob("tick-*.md")), timeout=15, what="a first digest")
    # Lock just after a tick, so that the lock is in place well before the next one fires.
    seen = len(list(ticks.glob("tick-*.md")))
    wait_until(lambda: len(list(ticks.glob("tick-*.md"))) > seen, timeout=5, what="a tick")

    path = sqlite_url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "locked\n"
        locked = _now()
        claimed = len(_runs(sqlite_url, "tick"))  # reads go on under the lock (WAL)
        fired = daemon.log().count("job fired: tick")

        def held_long_enough() -> bool:
            # All along: the daemon lives, claims nothing (its writes wait), logs no error.
            assert daemon.proc.poll() is None, daemon.log()
            assert len(_runs(sqlite_url, "tick")) == claimed
            assert " ERROR " not in daemon.log(), daemon.log()
            return _now() - locked >= timedelta(seconds=LOCK_HELD_S)

        wait_until(held_long_enough, timeout=LOCK_HELD_S + 5, what="the lock held")
        # Its scheduler went on firing: the tick job started and is waiting for the lock.
        assert daemon.log().count("job fired: tick") > fired
        releasing = _now()  # nothing can be written before this
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline() == "released\n"
        released = _now()
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=10)

    def back_on_time() -> bool:
        return any(run.period_end > released and run.status == "delivered"
                   for run in _runs(sqlite_url, "tick"))  # fmt: skip

    wait_until(back_on_time, timeout=10, what="a period after the lock delivered")
    _assert_clean_stop(daemon)

    found = _runs(sqlite_url, "tick")
    # The period in hand when the lock came was claimed once it went, and delivered.
    (in_hand,) = [run for run in found if locked < run.period_end <= locked + timedelta(seconds=2)]
    assert in_hand.finished_at is not None and in_hand.finished_at >= releasing
    # Those that fell due under the lock went into the next run, which spans them all (one
    # catch-up for the periods missed, as after downtime): nothing claimed twice, no gap.
    after = found[found.index(in_hand) + 1]
    assert after.period_start == in_hand.period_end
    assert after.period_end >= _fire_times(locked, releasing)[-1]
    _assert_each_period_delivered_once(sqlite_url, "tick", ticks)


# --- stopping while a job asks the scheduler for its jobs ------------------------------------


def _stop_during_a_sync_pass(stop: Callable[..., None]) -> tuple[bool, list[int]]:
    """A job that, like the sync pass, asks the scheduler for its jobs once a stop has begun.
    Returns whether the stop finished (within 10 s) and the job's answers (one once it ended)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_RUNNING

    pool = ThreadPoolExecutor(2)
    scheduler = BackgroundScheduler(timezone=UTC, executors={"default": pool})
    running, seen = threading.Event(), []

    def sync_pass() -> None:
        running.set()
        wait_until(lambda: scheduler.state != STATE_RUNNING, timeout=10, what="the stop")
        time.sleep(0.2)  # the stopping thread is now inside its wait for this job
        seen.append(len(scheduler.get_jobs()))

    scheduler.add_job(sync_pass, id="sync", next_run_time=datetime.now(UTC))
    scheduler.start()
    assert running.wait(10)
    stopper = threading.Thread(target=stop, args=[scheduler, [pool]], daemon=True)
    stopper.start()
    stopper.join(10)
    return not stopper.is_alive(), seen


def test_a_stop_during_a_sync_pass_lets_it_finish() -> None:
    """SIGTERM while the sync pass asks for the scheduler's jobs: APScheduler's own
    shutdown(wait=True) holds the job store's lock while it waits for the job, which waits for
    that lock (the daemon then never exits: seen with this very scenario, and in CI, where a
    daemon ignored SIGTERM for 30 s); stop_scheduler lets the job finish, then stops."""
    finished, seen = _stop_during_a_sync_pass(stop_scheduler)
    assert finished
    assert len(seen) == 1  # the job got its answer and ended
