"""The scheduler daemon: APScheduler jobs made from the schedule rows, one daemon per database.

The database is the truth. Jobs live in APScheduler's in-memory store and are plain
module-level functions that open their own database handle; a sync job rebuilds the schedule
jobs from the rows every few seconds, so `tracker schedule add/remove` take effect without a
restart. What has run is decided by the DigestRun rows (see `tracker.digests.runs`), so a
job that fires twice, late, or after a crash does no harm.

One daemon per database: an exclusive lock beside a SQLite file, an advisory lock held on a
dedicated connection on PostgreSQL. The OS or the server drops either when the process dies,
so a daemon killed with -9 can be restarted at once. The PostgreSQL lock is checked before
each claim and each send: a daemon whose lock connection died reconnects and takes the lock
again, or, when another process has it by then, stops at once (exit 7).
"""

from __future__ import annotations

import faulthandler
import functools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ParamSpec

import sqlalchemy as sa
from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlmodel import select

from tracker.config import Settings
from tracker.db import Database
from tracker.digests import cron
from tracker.digests.delivery import SmtpSettings, abort_in_flight
from tracker.digests.locks import SchedulerLock, scheduler_lock
from tracker.digests.runs import DeliveryOptions, RunResult
from tracker.digests.schedules import run_due
from tracker.errors import DatabaseError, DeliveryError, InvalidInput
from tracker.models import DigestSchedule
from tracker.words import plural

log = logging.getLogger(__name__)

HEARTBEAT_S = 300
# A fire missed by less than this (a busy pool, a suspended machine) still runs at once; past
# it, the catch-up job claims the period anyway, so nothing is lost either way.
MISFIRE_GRACE_S = 3600
# Deliveries can be slow (an SMTP server that takes its timeout, four times over), so they
# run in their own pool, large enough that a few slow schedules do not hold up the others;
# the sync pass and the heartbeat have a pool of their own and are never queued behind them.
DELIVERY_WORKERS = 16
HOUSEKEEPING_WORKERS = 2
_SCHEDULE_JOB = "schedule-"
# After SIGTERM, a send in flight gets this long to finish before its connection is cut: the
# daemon is gone well within the 30 s a service manager usually waits before SIGKILL, however
# long TRACKER_SMTP_TIMEOUT is.
STOP_GRACE_S = 5.0
P = ParamSpec("P")


# --- logging ------------------------------------------------------------------------------


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes (the test runner swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


@contextmanager
def event_log() -> Iterator[None]:
    """One line per event on stderr, UTC timestamps, for as long as the command runs (tests
    run commands in-process: the next one must not inherit the handler). APScheduler's own
    chatter is muted: its 'skipped' and 'missed' warnings are expected here, and our lines say
    what happened."""
    logger, apscheduler = logging.getLogger("tracker"), logging.getLogger("apscheduler")
    levels = logger.level, apscheduler.level
    handler = _Stderr()
    formatter = logging.Formatter(
        "%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    apscheduler.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(levels[0])
        apscheduler.setLevel(levels[1])


# --- jobs: module-level functions, each with its own database handle ------------------------


def _delivery_options(
    guard: Callable[[], None] | None = None, cancel: threading.Event | None = None
) -> DeliveryOptions:
    return DeliveryOptions(smtp=SmtpSettings.from_env(os.environ), guard=guard, cancel=cancel)


def check_mail_settings() -> None:
    """Refuse bad TRACKER_SMTP_* (InvalidInput, exit 4) before anything is claimed."""
    _delivery_options()


def _report(results: list[RunResult]) -> None:
    for result in results:
        if result.failed or result.deferred:
            later = f" ({len(result.deferred)} to be tried again)" if result.deferred else ""
            log.warning(
                "run %s %s: %s, %d of %s failed%s",
                result.schedule,
                result.period_key,
                result.status,
                len(result.failed) + len(result.deferred),
                plural(len(result.deliveries), "delivery"),
                later,
            )


def _one_line_errors(job: Callable[P, None]) -> Callable[P, None]:
    """A failing pass (the database restarting, a bug in one digest) must not end the daemon,
    nor print a traceback: it says what went wrong in one line, and the next pass tries again."""

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            job(*args, **kwargs)
        except Exception as exc:
            detail = " ".join(str(exc).split())
            log.error("%s failed: %s: %s", job.__name__, type(exc).__name__, detail)

    return run


def due_work(
    database_url: str, options: DeliveryOptions, schedule_id: int | None = None
) -> list[RunResult]:
    """Claim and deliver what is due (for one schedule, or all), resume what a crash left."""
    settings = Settings.load(database_url=database_url)
    db = Database(database_url)
    try:
        results = run_due(db, clock=settings.now, options=options, schedule_id=schedule_id)
    finally:
        db.close()
    _report(results)
    return results


@_one_line_errors
def fire_schedule(database_url: str, options: DeliveryOptions, schedule_id: int, name: str) -> None:
    log.info("job fired: %s", name)
    due_work(database_url, options, schedule_id)


@_one_line_errors
def catch_up(database_url: str, options: DeliveryOptions) -> None:
    due_work(database_url, options)


@_one_line_errors
def sync_jobs(scheduler: BaseScheduler, database_url: str, options: DeliveryOptions) -> None:
    """Make the schedule jobs match the enabled schedule rows."""
    db = Database(database_url)
    try:
        with db.read() as session:
            rows = session.exec(
                select(DigestSchedule).where(DigestSchedule.enabled == sa.true())
            ).all()
    finally:
        db.close()
    wanted = {f"{_SCHEDULE_JOB}{row.id}": row for row in rows}
    current = {job.id: job for job in scheduler.get_jobs() if job.id.startswith(_SCHEDULE_JOB)}
    for job_id in current.keys() - wanted.keys():
        scheduler.remove_job(job_id)
        log.info("unscheduled %s", current[job_id].args[3])
    for job_id, row in wanted.items():
        label = f"{row.name} [{row.cron} {row.timezone}]"
        if job_id in current and current[job_id].name == label:
            continue
        try:
            trigger = cron.trigger(row.cron, row.timezone)
        except InvalidInput as exc:
            log.error("schedule %s: %s", row.name, exc)
            continue
        job = scheduler.add_job(
            fire_schedule,
            trigger,
            args=[database_url, options, row.id, row.name],
            id=job_id,
            name=label,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_S,
        )
        log.info("scheduled %s, next at %s", label, _next_run(job))


def _next_run(job: Any) -> str:
    # A job added before the scheduler starts has no next run time yet.
    when = getattr(job, "next_run_time", None)
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else "start"


@dataclass
class _State:
    lost_lock: bool = False
    stopper: threading.Thread | None = None
    # Set on SIGTERM (or a lost lock): no new claim, send, attempt or backoff wait.
    cancel: threading.Event = field(default_factory=threading.Event)

    def on_lost_lock(self) -> None:
        self.lost_lock = True
        self.cancel.set()
        os.kill(os.getpid(), signal.SIGTERM)  # the main thread's handler shuts down cleanly


@_one_line_errors
def heartbeat(scheduler: BaseScheduler, lock: SchedulerLock, state: _State) -> None:
    if not lock.held():  # it was retaken, or the daemon is stopping already
        return
    jobs = [j for j in scheduler.get_jobs() if j.id.startswith(_SCHEDULE_JOB)]
    upcoming = min((j.next_run_time for j in jobs if j.next_run_time), default=None)
    nxt = upcoming.astimezone(UTC).isoformat(timespec="seconds") if upcoming else "none"
    log.info("heartbeat: %d schedules, next fire %s", len(jobs), nxt)


# --- the daemon ---------------------------------------------------------------------------


def run_once(settings: Settings) -> list[RunResult]:
    """Take the lock, do what is due at the settings' clock, let go: for cron users and tests."""
    _delivery_options()  # refuses bad TRACKER_SMTP_* before anything is taken
    db = Database(settings.database_url)
    try:
        db.require_schema()
        with scheduler_lock(db) as lock:
            options = _delivery_options(guard=lock.check)
            results = run_due(db, clock=settings.now, options=options)
    finally:
        db.close()
    _report(results)
    failed = sum(len(r.failed) for r in results)
    deferred = sum(len(r.deferred) for r in results)
    if failed or deferred:
        later = f", {deferred} to be tried again later" if deferred else ""
        raise DeliveryError(
            f"{plural(failed + deferred, 'delivery')} failed{later} (see the log lines above)"
        )
    return results


def run_daemon(settings: Settings, *, sync_seconds: int) -> None:
    """Run until SIGTERM or SIGINT; then finish the jobs in hand and return."""
    _delivery_options()  # refuses bad TRACKER_SMTP_* now rather than at the first e-mail
    # `kill -USR1 PID` writes every thread's stack to stderr: what a daemon that does not stop
    # is waiting for.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    state = _State()
    db = Database(settings.database_url)
    try:
        db.require_schema()
        with scheduler_lock(db, state.on_lost_lock) as lock:
            options = _delivery_options(guard=lock.check, cancel=state.cancel)
            _serve(settings.database_url, lock, state, options, sync_seconds=sync_seconds)
    finally:
        db.close()
    if state.lost_lock:
        raise DatabaseError("the scheduler lost its database lock and stopped")


def stop_scheduler(
    scheduler: BaseScheduler, pools: list[ThreadPoolExecutor], grace: float | None = None
) -> None:
    """Let the jobs in hand finish, then stop.

    Not `scheduler.shutdown(wait=True)`: it waits for the jobs while holding the job store's
    lock, and the sync job asks the scheduler for its jobs, which takes that lock: a SIGTERM
    during a sync pass would wait forever. So: no new job starts (pause), the pools finish
    their jobs with no scheduler lock held, and only then does the scheduler stop. With
    `grace`, SMTP connections still in use that long after are cut (a stalled server would
    hold the stop for its timeout at every attempt)."""
    scheduler.pause()
    cutter = None
    if grace is not None:
        cutter = threading.Timer(grace, _cut_in_flight)
        cutter.daemon = True
        cutter.start()
    try:
        for pool in pools:
            pool.shutdown(wait=True)
    finally:
        if cutter is not None:
            cutter.cancel()
    scheduler.shutdown(wait=False)


def _cut_in_flight() -> None:
    cut = abort_in_flight()
    if cut:
        log.warning(
            "cut %s still in use: their e-mails stay pending", plural(cut, "SMTP connection")
        )


def _serve(
    database_url: str,
    lock: SchedulerLock,
    state: _State,
    options: DeliveryOptions,
    *,
    sync_seconds: int,
) -> None:
    pools = {
        "default": ThreadPoolExecutor(DELIVERY_WORKERS),
        "housekeeping": ThreadPoolExecutor(HOUSEKEEPING_WORKERS),
    }
    scheduler = BlockingScheduler(timezone=UTC, executors=pools)
    now = datetime.now(UTC)
    every = {"trigger": "interval", "coalesce": True, "max_instances": 1}
    scheduler.add_job(
        sync_jobs,
        **every,
        seconds=sync_seconds,
        args=[scheduler, database_url, options],
        id="sync",
        executor="housekeeping",
        next_run_time=now,
    )
    # Also the start-up catch-up: it runs at once, then keeps finishing leftovers.
    scheduler.add_job(
        catch_up,
        **every,
        seconds=sync_seconds,
        args=[database_url, options],
        id="catch-up",
        next_run_time=now,
    )
    scheduler.add_job(
        heartbeat,
        **every,
        seconds=HEARTBEAT_S,
        args=[scheduler, lock, state],
        id="heartbeat",
        executor="housekeeping",
    )

    def on_started(_event: SchedulerEvent) -> None:
        # Installed only once the scheduler runs (this listener runs in the main thread), so
        # that the handler always has a running scheduler to stop.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, on_signal)
        log.info("started: pid %d, sync every %d s", os.getpid(), sync_seconds)

    def on_signal(signum: int, _frame: Any) -> None:
        if state.stopper is not None:
            log.info("%s: already stopping", signal.Signals(signum).name)
            return
        log.info("%s: stopping after the jobs in hand", signal.Signals(signum).name)
        state.cancel.set()
        # shutdown(wait=True) joins the worker threads; a handler must not block the main
        # loop it interrupts, so a thread of its own does it, and the loop ends after.
        state.stopper = threading.Thread(
            target=stop_scheduler,
            args=[scheduler, list(pools.values()), STOP_GRACE_S],
            name="tracker-stop",
        )
        state.stopper.start()

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
    finally:
        if state.stopper is not None:
            state.stopper.join()
        elif scheduler.running:  # start() ended by an exception: still finish the jobs
            stop_scheduler(scheduler, list(pools.values()))
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("stopped")
