"""Digests exactly once under faults: database connections killed during a send, deliveries
that fail and are tried again later, a `schedule run` that died with its run claimed, and a
SIGTERM while an SMTP server hangs.

Daemons run as real subprocesses (`Daemon` from test_scheduler); the retry cases step a set
clock through `run_due` and `scheduler --once` rather than wait.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli
from mailservers import Recorder, smtp_server
from sqlmodel import select
from test_scheduler import Daemon, _deliveries, _runs, wait_until

from tracker.db import Database
from tracker.digests import leases, runs
from tracker.digests.delivery import SmtpSettings
from tracker.digests.runs import DeliveryOptions
from tracker.digests.schedules import add_schedule, manual_period, run_due
from tracker.models import DigestSchedule

CREATED = datetime(2026, 11, 2, 10, tzinfo=UTC)
FIRE = datetime(2026, 11, 3, 9, tzinfo=UTC)  # the first fire of a daily 09:00 UTC schedule
ADDRESS = "office@example.org"


def _now() -> datetime:
    return datetime.now(UTC)


def _smtp_env(port: int, **more: str) -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port), **more}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    handle = Database(db_url)
    yield handle
    handle.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


def _daily(db: Database, cron: str = "0 9 * * *", **kwargs: object) -> None:
    with db.write() as session:
        add_schedule(session, name="daily", cron_expr=cron, now=CREATED, **kwargs)  # type: ignore[arg-type]


# --- 1. the lock connection dies while an e-mail is in flight (PostgreSQL) ------------------


def _terminate_other_backends(db_url: str) -> int:
    """What a server restart or an administrator does to the daemon: every other connection
    to the database is cut."""
    engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            killed = conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        engine.dispose()
    return len(killed)


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_database_connections_during_a_slow_send_never_double_an_e_mail(
    postgres_url: str, daemons: Callable[..., Daemon]
) -> None:
    fire = (_now() + timedelta(seconds=3)).replace(microsecond=0)
    added = run_cli(
        ["schedule", "add", "mail", "--cron", f"{fire.second} {fire.minute} {fire.hour} * * *",
         "--email", ADDRESS],
        db_url=postgres_url, env={"TRACKER_NOW": _now().isoformat()},
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    with smtp_server() as (server, port):
        server.delay = 4.0  # DATA takes 4 s: the connections die while the e-mail is in flight
        env = _smtp_env(port)
        first = daemons(postgres_url, **env)
        wait_until(server.data_started.is_set, timeout=15, what="the e-mail in flight")
        assert _terminate_other_backends(postgres_url) >= 1  # the lock's connection among them

        # `--once` now: the first daemon's lock went with its connection, so `--once` may get
        # it (or the daemon retook it first: then `--once` is refused). Either way the run in
        # flight is leased to the live daemon: `--once` must not send it again.
        once = run_cli(["scheduler", "--once"], db_url=postgres_url,
                       env={"TRACKER_NOW": _now().isoformat(), **env})  # fmt: skip
        assert once.exit_code in (0, 5), once.stderr
        assert "resuming run" not in once.stderr
        # And a second daemon, which keeps the lock if it gets it.
        second = daemons(postgres_url, **env)

        def delivered() -> bool:
            return [d.status for d in _deliveries(postgres_url)] == ["delivered"]

        wait_until(delivered, timeout=20, what="the e-mail recorded as delivered")
        # One of the two daemons holds the lock now; the other stops with exit 7 (it lost the
        # lock for good) or 5 (refused at start).
        wait_until(lambda: first.proc.poll() is not None or second.proc.poll() is not None,
                   timeout=20, what="one of the two daemons gone")  # fmt: skip
        survivor = second if first.proc.poll() is not None else first
        if survivor is second:
            assert first.proc.returncode == 7, first.log()
            assert "lost the scheduler lock (another scheduler holds it): stopping" in first.log()
            assert (
                first.log()
                .rstrip()
                .endswith("Error: the scheduler lost its database lock and stopped")
            )
        else:
            assert second.proc.returncode == 5, second.log()
            assert "scheduler lock taken again" in first.log()
        survivor.wait_for("started")
        assert survivor.stop() == 0

    (run,) = _runs(postgres_url)
    (sent,) = _deliveries(postgres_url)
    assert (run.status, sent.status, sent.attempts) == ("delivered", "delivered", 1)
    assert server.message_ids() == [sent.message_id]  # the sink got it once


# --- 2. failed deliveries tried again; nothing lost from a reader's view ---------------------


def _options(port: int, **kwargs: object) -> DeliveryOptions:
    smtp = SmtpSettings(host="127.0.0.1", port=port, timeout=5)
    return DeliveryOptions(smtp=smtp, attempts=1, backoff=0.01, **kwargs)  # type: ignore[arg-type]


def test_a_delivery_that_fails_for_a_passing_reason_is_tried_again_later(
    db: Database, smtp: tuple[Recorder, int]
) -> None:
    server, port = smtp
    _daily(db, emails=[ADDRESS])
    server.data_replies = ["451 4.3.0 Try again later"]
    at = FIRE + timedelta(seconds=30)

    (first,) = run_due(db, clock=lambda: at, options=_options(port))
    (pending,) = first.deferred
    assert (first.status, first.failed) == ("claimed", [])
    assert pending.retry_at == at + timedelta(minutes=1)
    assert pending.error == "451 4.3.0 Try again later"

    assert run_due(db, clock=lambda: at + timedelta(seconds=59), options=_options(port)) == []
    (second,) = run_due(db, clock=lambda: at + timedelta(seconds=61), options=_options(port))

    assert (second.status, [d.status for d in second.deliveries]) == ("delivered", ["delivered"])
    (run,) = _runs(db.url)
    (sent,) = _deliveries(db.url)
    assert (run.period_key, run.status, sent.attempts) == (runs_key(FIRE), "delivered", 2)
    assert server.message_ids() == [sent.message_id]


def runs_key(fire: datetime) -> str:
    return fire.isoformat(timespec="seconds")


def test_retries_back_off_and_end_a_day_after_the_claim(
    db: Database, smtp: tuple[Recorder, int]
) -> None:
    server, port = smtp
    _daily(db, "0 9 3 11 *", emails=[ADDRESS])  # once a year: no new period meanwhile
    server.data_replies = ["451 4.3.0 Try again later"] * 100
    at, waits = FIRE, []
    while True:
        (result,) = run_due(db, clock=lambda at=at: at, options=_options(port))
        (item,) = result.deliveries
        if item.retry_at is None:
            break
        waits.append(item.retry_at - at)
        at = item.retry_at
    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert set(waits[7:]) == {timedelta(hours=1)}
    assert (result.status, item.status) == ("failed", "failed")
    assert FIRE + timedelta(hours=24) <= at < FIRE + timedelta(hours=25)
    assert len(server.data_replies) == 100 - len(waits) - 1


def test_the_next_digest_covers_the_changes_since_the_last_one_delivered(
    db: Database, smtp: tuple[Recorder, int], tmp_path: Path
) -> None:
    server, port = smtp
    _daily(db, emails=[ADDRESS, "minister@example.org"], directory=tmp_path)
    day = timedelta(days=1)
    run_due(db, clock=lambda: FIRE + timedelta(minutes=1), options=_options(port))
    # The next day the office's address is refused for good; the minister's goes through.
    server.rcpt_replies[ADDRESS] = "550 5.2.2 Mailbox full"
    run_due(db, clock=lambda: FIRE + day + timedelta(minutes=1), options=_options(port))
    del server.rcpt_replies[ADDRESS]
    run_due(db, clock=lambda: FIRE + 2 * day + timedelta(minutes=1), options=_options(port))

    first, missed, third = _runs(db.url)
    assert (first.status, missed.status, third.status) == ("delivered", "failed", "delivered")
    assert third.period_start == missed.period_end  # the runs still tile
    texts = {
        (rcpts[0], str(m["Message-ID"]).split(".")[2]): m.get_body(("plain",)).get_content()
        for rcpts, m in server.messages
    }
    day3 = "20261105T090000"
    # The office missed the second digest: the third covers both days for it, not only one.
    assert "(changes from 2026-11-03 09:00 – 2026-11-05 09:00 UTC)" in texts[(ADDRESS, day3)]
    assert (
        "(changes from 2026-11-04 09:00 – 2026-11-05 09:00 UTC)"
        in texts[("minister@example.org", day3)]
    )


def test_scheduler_once_tries_a_failed_e_mail_again_when_it_is_due(
    db: Database, db_url: str, smtp: tuple[Recorder, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.digests import scheduler

    options = scheduler._delivery_options
    # The waits between the four tries of a pass, from 2 s to 10 ms: time is not slept through.
    monkeypatch.setattr(
        scheduler, "_delivery_options", lambda **kw: replace(options(**kw), backoff=0.01)
    )
    server, port = smtp
    _daily(db, emails=[ADDRESS])
    server.data_replies = ["421 4.3.2 Service shutting down"] * 4  # the four tries of a pass
    env = {**_smtp_env(port), "TRACKER_NOW": "2026-11-03T09:00:10Z"}

    failed = run_cli(["scheduler", "--once"], db_url=db_url, env=env)
    early = run_cli(["scheduler", "--once"], db_url=db_url,
                    env={**env, "TRACKER_NOW": "2026-11-03T09:00:40Z"})  # fmt: skip
    due = run_cli(["scheduler", "--once"], db_url=db_url,
                  env={**env, "TRACKER_NOW": "2026-11-03T09:01:15Z"})  # fmt: skip

    assert failed.exit_code == 8
    assert failed.stderr.endswith(
        "Error: 1 delivery failed, 1 to be tried again later (see the log lines above)\n"
    )
    assert (early.exit_code, early.stderr) == (0, "")
    assert due.exit_code == 0, due.stderr
    assert "resuming run 1" in due.stderr and "delivered daily" in due.stderr
    (sent,) = _deliveries(db_url)
    assert (sent.status, sent.attempts) == ("delivered", 5)
    assert server.message_ids() == [sent.message_id]


# --- 4. a crashed `schedule run`; a late digest says so -------------------------------------


@pytest.mark.slow
def test_a_run_left_claimed_by_a_killed_schedule_run_is_finished_by_the_scheduler(
    db_url: str, tmp_path: Path, smtp: tuple[Recorder, int]
) -> None:
    server, port = smtp
    now = "2026-11-03T12:00:00Z"
    added = run_cli(["schedule", "add", "weekly", "--cron", "0 9 * * MON", "--email", ADDRESS,
                     "--dir", tmp_path], db_url=db_url,
                    env={"TRACKER_NOW": "2026-11-03T00:00Z"})  # fmt: skip
    assert added.exit_code == 0, added.stderr
    server.stalled = True  # DATA hangs: `schedule run` is killed with its e-mail in flight
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    manual = subprocess.Popen(
        [sys.executable, "-m", "tracker", "schedule", "run", "weekly"],
        env={**clean, "TRACKER_DATABASE_URL": db_url, "TRACKER_NOW": now, **_smtp_env(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(server.data_started.is_set, timeout=15, what="the e-mail in flight")
    finally:
        manual.kill()
        manual.wait(timeout=10)
    server.stalled = False
    (left,) = _runs(db_url)
    assert left.period_key.startswith("manual-") and left.status == "claimed"

    # Even at the very instant of the claim (its lease not run out), the scheduler sees that
    # the process holding it is gone, and finishes the run.
    once = run_cli(["scheduler", "--once"], db_url=db_url,
                   env={"TRACKER_NOW": now, **_smtp_env(port)})  # fmt: skip
    again = run_cli(["scheduler", "--once"], db_url=db_url,
                    env={"TRACKER_NOW": now, **_smtp_env(port)})  # fmt: skip

    assert once.exit_code == 0, once.stderr
    assert f"resuming run {left.id}" in once.stderr
    assert (again.exit_code, again.stderr) == (0, "")
    (run,) = _runs(db_url)
    assert (run.status, run.lease_owner) == ("delivered", None)
    assert {d.status for d in _deliveries(db_url)} == {"delivered"}
    (email,) = [d for d in _deliveries(db_url) if d.channel == "email"]
    assert server.message_ids() == [email.message_id]


def test_a_live_schedule_runs_claim_is_left_to_it(db: Database, tmp_path: Path) -> None:
    _daily(db, directory=tmp_path)
    with db.read() as session:
        schedule = session.exec(select(DigestSchedule)).one()
    at = FIRE - timedelta(hours=1)  # no scheduled period due: only the manual run is there
    period = manual_period(schedule, now=at, as_of=None)
    lease = leases.new_owner()  # this live process
    assert runs.claim(db, schedule.id or 0, period, late=False, now=at, lease_owner=lease)

    options = DeliveryOptions(smtp=None)
    # Its lease (five minutes at least, renewed before each send) keeps the scheduler off it;
    # once it runs out, the process is taken to be stuck or gone, and the run is finished.
    assert run_due(db, clock=lambda: at + timedelta(minutes=4), options=options) == []
    (resumed,) = run_due(db, clock=lambda: at + timedelta(minutes=6), options=options)
    assert (resumed.period_key, resumed.status) == (period.key, "delivered")


def test_a_catch_up_digest_says_in_its_text_and_subject_that_it_is_late(
    db: Database, db_url: str, tmp_path: Path, smtp: tuple[Recorder, int]
) -> None:
    server, port = smtp
    _daily(db, emails=[ADDRESS], directory=tmp_path, formats=["md", "html", "txt"])

    once = run_cli(["scheduler", "--once"], db_url=db_url,
                   env={"TRACKER_NOW": "2026-11-05T22:00:00Z", **_smtp_env(port)})  # fmt: skip
    on_time = run_cli(["scheduler", "--once"], db_url=db_url,
                      env={"TRACKER_NOW": "2026-11-06T09:01:00Z", **_smtp_env(port)})  # fmt: skip

    assert (once.exit_code, on_time.exit_code) == (0, 0), once.stderr + on_time.stderr
    note = "due 2026-11-05 09:00 UTC, sent 13h late"
    late, timely = (m for _, m in server.messages)
    assert str(late["Subject"]).startswith("[late] Commitments digest 2026-11-05: ")
    assert f"Late digest: {note}." in late.get_body(("plain",)).get_content()
    assert f"<strong>Late digest:</strong> {note}." in late.get_body(("html",)).get_content()
    stem = tmp_path / "daily-2026-11-05"
    assert f"> **Late digest:** {note}." in stem.with_suffix(".md").read_text()
    assert f"Late digest: {note}." in stem.with_suffix(".txt").read_text()
    # The next one, on time, says nothing of the kind.
    assert str(timely["Subject"]).startswith("Commitments digest 2026-11-06: ")
    assert "Late digest" not in timely.get_body(("plain",)).get_content()


# --- 5. SIGTERM while an SMTP server hangs ---------------------------------------------------


@pytest.mark.slow
def test_sigterm_during_a_stuck_smtp_delivery_exits_within_30_seconds(
    sqlite_url: str, smtp: tuple[Recorder, int], daemons: Callable[..., Daemon]
) -> None:
    server, port = smtp
    fire = (_now() + timedelta(seconds=2)).replace(microsecond=0)
    added = run_cli(
        ["schedule", "add", "mail", "--cron", f"{fire.second} {fire.minute} {fire.hour} * * *",
         "--email", ADDRESS],
        db_url=sqlite_url, env={"TRACKER_NOW": _now().isoformat()},
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    server.stalled = True  # DATA never answered: each of the four attempts takes its timeout
    daemon = daemons(sqlite_url, **_smtp_env(port))  # the default timeout: 10 s an attempt
    wait_until(server.data_started.is_set, timeout=15, what="the e-mail in flight")

    started = time.monotonic()
    assert daemon.stop(timeout=30) == 0
    assert time.monotonic() - started < 30
    server.stalled = False

    log = daemon.log()
    assert "cut 1 SMTP connection still in use: their e-mails stay pending" in log
    assert f"interrupted mail {_key(fire)} email {ADDRESS}: left pending" in log
    assert log.rstrip().endswith("INFO stopped")
    (run,) = _runs(sqlite_url)
    (left,) = _deliveries(sqlite_url)
    assert (run.status, run.lease_owner, left.status) == ("claimed", None, "pending")
    assert left.last_error is not None and left.last_error.startswith("interrupted")
    # The next start delivers it, once.
    once = run_cli(["scheduler", "--once"], db_url=sqlite_url,
                   env={"TRACKER_NOW": _now().isoformat(), **_smtp_env(port)})  # fmt: skip
    assert once.exit_code == 0, once.stderr
    (sent,) = _deliveries(sqlite_url)
    assert sent.status == "delivered"
    assert server.message_ids() == [sent.message_id]


def _key(fire: datetime) -> str:
    return fire.astimezone(UTC).isoformat(timespec="seconds")


# --- two threads of one daemon reach for two periods at once ----------------------------------


def test_an_earlier_period_claimed_after_a_later_one_is_left_out(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    """The fire job and the catch-up of a restarted daemon can each compute a due period, the
    catch-up an earlier one, and claim in the other order. The later period already covers the
    earlier one's changes: claiming both would overlap (two digests of the same changes)."""
    from tracker.digests.schedules import scheduled_period

    _daily(db, directory=tmp_path)
    with db.read() as session:
        schedule = session.exec(select(DigestSchedule)).one()
        first = scheduled_period(session, schedule, FIRE)
        # Both computed before either claimed: both start where nothing ended yet.
        earlier = scheduled_period(session, schedule, FIRE + timedelta(days=1))
        later = scheduled_period(session, schedule, FIRE + timedelta(days=2))
    sid = schedule.id or 0
    assert runs.claim(db, sid, first, late=False, now=FIRE)
    assert runs.claim(db, sid, later, late=True, now=FIRE + timedelta(days=2))
    assert runs.claim(db, sid, earlier, late=True, now=FIRE + timedelta(days=2)) is None
    found = sorted(_runs(db_url), key=lambda run: run.period_end)
    assert [run.period_key for run in found] == [first.key, later.key]
    # Tiled: the later period starts where the first ended, though it was computed before.
    assert found[1].period_start == found[0].period_end
