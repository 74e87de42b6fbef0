"""Digest schedules: add, change, pause, list and remove them; work out which period is due;
run digests.

A schedule fires on its cron expression in its own time zone. The run of a fire time F has the
period key F (UTC ISO), covers the changes in (previous fire time, F] (a catch-up after missed
periods: since the last digest's period) and is dated F's local calendar day. `run_due` is the
scheduler's one entry point: it claims and delivers the latest due period of each schedule, and
finishes deliveries that a dead process left pending.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.db import Database, duplicate_is_conflict
from tracker.digests import cron, leases, runs
from tracker.digests.delivery import clean_address
from tracker.digests.formats import DEFAULT_FORMATS, FORMATS
from tracker.digests.locks import LockLost
from tracker.digests.runs import MANUAL_PREFIX, Clock, DeliveryOptions, Period, RunResult
from tracker.errors import Clash, Conflict, InvalidInput, Missing, NotFound, TrackerError
from tracker.models import Audience, Delivery, DigestRun, DigestSchedule, Owner
from tracker.services.owners import resolve_owner
from tracker.services.views import iso_utc

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# A run claimed later than this after its fire time is marked late (a catch-up).
GRACE = timedelta(seconds=120)
# Part of file names and Message-IDs: no dots (a Message-ID may not hold two in a row).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")


# --- the schedule rows --------------------------------------------------------------------


def clean_schedule_name(name: str) -> str:
    name = name.strip()
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"bad schedule name {name!r}: up to 80 letters, digits, '_' or '-' "
            "(it is part of file names)"
        )
    return name


def clean_formats(formats: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if not chosen or unknown:
        bad = ", ".join(unknown) or "(none)"
        raise InvalidInput(f"bad format {bad}: choose from {', '.join(FORMATS)}")
    return chosen


def add_schedule(
    session: Session,
    *,
    name: str,
    cron_expr: str,
    timezone: str = "UTC",
    owner: str | None = None,
    per_owner: bool = False,
    formats: Sequence[str] = DEFAULT_FORMATS,
    directory: Path | None = None,
    emails: Sequence[str] = (),
    skip_empty: bool | None = None,
    now: datetime,
) -> DigestSchedule:
    """A new schedule. Its first period is the first fire time after `now`: it never owes a
    digest for the time before it existed. `skip_empty` (default: on for per-owner schedules)
    leaves out the digests that have nothing to tell their reader."""
    name = clean_schedule_name(name)
    cron_expr, zone = _timing(cron_expr, timezone, now=now)
    if owner and per_owner:
        raise Clash("owner", "per_owner")
    addresses = _addresses(emails)
    _check_channels(directory, addresses, per_owner=per_owner)
    owner_row = resolve_owner(session, owner) if owner else None
    if _find(session, name) is not None:
        raise Conflict(f"a schedule named {name!r} exists already")
    schedule = DigestSchedule(
        name=name,
        cron=cron_expr,
        timezone=zone,
        audience=(
            Audience.PER_OWNER if per_owner else Audience.OWNER if owner_row else Audience.EVERYONE
        ),
        owner_id=owner_row.id if owner_row else None,
        formats=clean_formats(formats),
        directory=str(directory) if directory else None,
        emails=addresses,
        enabled=True,
        skip_empty=per_owner if skip_empty is None else skip_empty,
        created_at=now,
        updated_at=now,
    )
    session.add(schedule)
    # Added by another process since the check above: the same conflict, whatever else the
    # integrity error could be (a foreign key) stays an error of its own.
    with duplicate_is_conflict(f"a schedule named {name!r} exists already"):
        session.flush()
    return schedule


def _timing(cron_expr: str, timezone: str, *, now: datetime) -> tuple[str, str]:
    """The cron expression (whitespace collapsed) and the zone's IANA key, checked."""
    zone = cron.zone(timezone).key
    trigger = cron.trigger(cron_expr, zone)
    if cron.first_fire_at_or_after(trigger, now) is None:
        raise InvalidInput(f"cron expression {cron_expr!r} never fires")
    return " ".join(cron_expr.split()), zone


def _addresses(emails: Iterable[str]) -> list[str]:
    # One address each: "a@x.org,b@x.org" would be two recipients behind one delivery row.
    cleaned = (clean_address(e, what="email") for e in emails if e.strip())
    return list(dict.fromkeys(cleaned))


def _check_channels(directory: Path | None, addresses: list[str], *, per_owner: bool) -> None:
    if per_owner and addresses:
        raise Clash("per_owner", "email", why="each digest goes to its owner")
    if directory is not None:
        if not directory.is_absolute():
            raise InvalidInput(f"the digest folder must be an absolute path, not {directory}")
        try:
            not_a_folder = directory.exists() and not directory.is_dir()
        except OSError as exc:  # a name too long, a folder we may not look into
            raise InvalidInput(f"unusable folder {directory}: {exc.strerror}") from None
        if not_a_folder:
            raise InvalidInput(f"not a folder: {directory}")
    if directory is None and not addresses and not per_owner:
        raise Missing("a schedule", "dir", "email", what="somewhere to deliver")


def _find(session: Session, name: str, *, for_update: bool = False) -> DigestSchedule | None:
    query = select(DigestSchedule).where(sa.func.lower(DigestSchedule.name) == name.strip().lower())
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def get_schedule(session: Session, name: str, *, for_update: bool = False) -> DigestSchedule:
    schedule = _find(session, name, for_update=for_update)
    if schedule is None:
        raise NotFound(f"no schedule named {name!r} (see `tracker schedule list`)")
    return schedule


def remove_schedule(session: Session, *, name: str) -> int:
    """Remove the schedule with its runs and their deliveries; the number of runs removed.
    Files already delivered stay where they are."""
    # Row-locked on PostgreSQL: a claim in flight (its run references the row) commits first
    # and its run is removed too; one that comes after finds no schedule. (SQLite's write
    # transactions are serialised anyway.)
    schedule = get_schedule(session, name, for_update=True)
    run_ids = sa.select(DigestRun.id).where(DigestRun.schedule_id == schedule.id)
    session.execute(sa.delete(Delivery).where(Delivery.run_id.in_(run_ids)))
    removed = session.execute(sa.delete(DigestRun).where(DigestRun.schedule_id == schedule.id))
    session.delete(schedule)
    session.flush()
    return removed.rowcount or 0


def update_schedule(
    session: Session,
    *,
    name: str,
    now: datetime,
    cron_expr: str | None = None,
    timezone: str | None = None,
    formats: Sequence[str] | None = None,
    directory: Path | None = None,
    clear_directory: bool = False,
    emails: Sequence[str] | None = None,
) -> DigestSchedule:
    """Change what is given (`emails=[]` removes every address); the rest stays. A schedule
    whose cron expression or zone changes owes no period of its new timing that fell before
    the change: it next fires at the next matching time, as a new schedule would."""
    given = (cron_expr, timezone, formats, directory, emails)
    if all(value is None for value in given) and not clear_directory:
        raise InvalidInput("nothing to update: give at least one setting to change")
    schedule = get_schedule(session, name, for_update=True)
    timing = cron_expr is not None or timezone is not None
    if timing:
        new_cron, new_zone = _timing(
            cron_expr if cron_expr is not None else schedule.cron,
            timezone if timezone is not None else schedule.timezone,
            now=now,
        )
        timing = (new_cron, new_zone) != (schedule.cron, schedule.timezone)
        schedule.cron, schedule.timezone = new_cron, new_zone
    if formats is not None:
        schedule.formats = clean_formats(formats)
    if clear_directory:
        schedule.directory = None
    addresses = _addresses(emails) if emails is not None else list(schedule.emails)
    folder = directory if directory is not None else _path(schedule.directory)
    _check_channels(folder, addresses, per_owner=schedule.audience == Audience.PER_OWNER)
    schedule.directory = str(folder) if folder is not None else None
    schedule.emails = addresses
    if timing:
        schedule.updated_at = now  # see `owed_since`
    session.add(schedule)
    session.flush()
    return schedule


def set_enabled(session: Session, *, name: str, enabled: bool, now: datetime) -> DigestSchedule:
    """Pause a schedule (no digest while paused; a run already claimed is still finished) or
    resume it. Resumed, it owes no period that fell while it was paused; its next digest
    covers every change since its last one."""
    schedule = get_schedule(session, name, for_update=True)
    if schedule.enabled == enabled:
        state = "running" if enabled else "paused"
        raise Conflict(f"schedule {schedule.name!r} is {state} already")
    schedule.enabled = enabled
    if enabled:
        schedule.updated_at = now  # see `owed_since`
    session.add(schedule)
    session.flush()
    return schedule


def owed_since(schedule: DigestSchedule) -> datetime:
    """The instant from which the schedule owes its periods: when it was created, or when its
    timing last changed (its cron expression, its zone, a resume), which is what `updated_at`
    records. An edit of its channels or formats keeps it, so no due period is skipped."""
    return max(schedule.created_at, schedule.updated_at)


def _path(directory: str | None) -> Path | None:
    return Path(directory) if directory else None


@dataclass(frozen=True)
class LastRun:
    period_key: str
    status: str
    late: bool
    claimed_at: datetime
    finished_at: datetime | None
    delivered: int
    failed: int
    pending: int
    skipped: int


@dataclass(frozen=True)
class ScheduleSummary:
    name: str
    cron: str
    timezone: str
    audience: str
    owner: str | None
    formats: list[str]
    directory: str | None
    emails: list[str]
    enabled: bool
    skip_empty: bool
    created_at: datetime
    next_run: datetime | None
    last_run: LastRun | None

    def to_json(self) -> dict[str, object]:
        last = self.last_run
        return {
            "name": self.name,
            "cron": self.cron,
            "timezone": self.timezone,
            "audience": self.audience,
            "owner": self.owner,
            "formats": self.formats,
            "directory": self.directory,
            "emails": self.emails,
            "enabled": self.enabled,
            "skip_empty": self.skip_empty,
            "created_at": iso_utc(self.created_at),
            "next_run": iso_utc(self.next_run),
            "last_run": None
            if last is None
            else {
                "period": last.period_key,
                "status": last.status,
                "late": last.late,
                "claimed_at": iso_utc(last.claimed_at),
                "finished_at": iso_utc(last.finished_at),
                "delivered": last.delivered,
                "failed": last.failed,
                "pending": last.pending,
                "skipped": last.skipped,
            },
        }


def list_schedules(session: Session, *, now: datetime) -> list[ScheduleSummary]:
    owners = dict(session.execute(sa.select(Owner.id, Owner.name)).tuples().all())
    summaries = []
    for schedule in session.exec(select(DigestSchedule).order_by(DigestSchedule.name)):
        try:
            next_run = cron.next_fire_after(cron.trigger(schedule.cron, schedule.timezone), now)
        except InvalidInput:  # a row written by hand, or a zone this system no longer knows
            next_run = None
        summaries.append(
            ScheduleSummary(
                name=schedule.name,
                cron=schedule.cron,
                timezone=schedule.timezone,
                audience=schedule.audience,
                owner=owners.get(schedule.owner_id) if schedule.owner_id else None,
                formats=list(schedule.formats),
                directory=schedule.directory,
                emails=list(schedule.emails),
                enabled=schedule.enabled,
                skip_empty=schedule.skip_empty,
                created_at=schedule.created_at,
                next_run=next_run if schedule.enabled else None,
                last_run=_last_run(session, schedule),
            )
        )
    return summaries


def _last_run(session: Session, schedule: DigestSchedule) -> LastRun | None:
    run = session.exec(
        select(DigestRun)
        .where(DigestRun.schedule_id == schedule.id)
        .order_by(DigestRun.claimed_at.desc(), DigestRun.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if run is None:
        return None
    counts = dict(
        session.execute(
            sa.select(Delivery.status, sa.func.count())
            .where(Delivery.run_id == run.id)
            .group_by(Delivery.status)
        )
        .tuples()
        .all()
    )
    return LastRun(
        period_key=run.period_key,
        status=run.status,
        late=run.late,
        claimed_at=run.claimed_at,
        finished_at=run.finished_at,
        delivered=counts.get("delivered", 0),
        failed=counts.get("failed", 0),
        pending=counts.get("pending", 0),
        skipped=counts.get("skipped", 0),
    )


# --- periods ------------------------------------------------------------------------------


def period_key(fire: datetime) -> str:
    return fire.astimezone(UTC).isoformat(timespec="seconds")


def due_fire_time(schedule: DigestSchedule, now: datetime) -> datetime | None:
    """The latest fire time <= now since the schedule was created: the one period a scheduler
    owes, however many it slept through."""
    trigger = cron.trigger(schedule.cron, schedule.timezone)
    return cron.latest_fire_at_or_before(trigger, now, after=owed_since(schedule))


def scheduled_period(session: Session, schedule: DigestSchedule, fire: datetime) -> Period:
    """The period ending at `fire`. It starts where the schedule's last period ended: the
    previous fire time — except after periods missed while no scheduler ran, when the one
    catch-up digest covers every change since the last digest rather than lose some."""
    last_end = session.exec(
        select(DigestRun.period_end)
        .where(
            DigestRun.schedule_id == schedule.id,
            DigestRun.period_end < fire,
            sa.not_(DigestRun.period_key.startswith(MANUAL_PREFIX)),
        )
        .order_by(DigestRun.period_end.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if last_end is not None:
        start = last_end
    else:  # the start of the schedule's first period, which may be this one
        trigger = cron.trigger(schedule.cron, schedule.timezone)
        first = cron.next_fire_after(trigger, schedule.created_at) or fire
        start = cron.previous_fire(trigger, first) or schedule.created_at
    return Period(
        key=period_key(fire),
        start=start,
        end=fire,
        as_of=fire.astimezone(cron.zone(schedule.timezone)).date(),
    )


def manual_period(schedule: DigestSchedule, *, now: datetime, as_of: date | None) -> Period:
    """An on-demand run: as of `as_of` (default: today in the schedule's zone), covering the
    changes since the schedule's last fire time before the end of that day (or now)."""
    zone = cron.zone(schedule.timezone)
    until = now
    if as_of is not None:
        until = min(now, datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=zone))
    trigger = cron.trigger(schedule.cron, schedule.timezone)
    since = cron.latest_fire_at_or_before(trigger, until - timedelta(seconds=1))
    if since is None:
        since = until - timedelta(days=7)
    return Period(
        key=MANUAL_PREFIX + now.astimezone(UTC).isoformat(timespec="microseconds"),
        start=since,
        end=until,
        as_of=as_of or now.astimezone(zone).date(),
    )


# --- running ------------------------------------------------------------------------------


def run_due(
    db: Database, *, clock: Clock, options: DeliveryOptions, schedule_id: int | None = None
) -> list[RunResult]:
    """Finish what is left to deliver (runs a dead process left, deliveries due for another
    try), then claim and deliver the due period of every enabled schedule (or of one). Left
    work goes first, so that a new period starts where a finished one ended.

    Call it while holding the scheduler lock (`options.guard` checks it before each claim and
    send); the leases keep a process that lost it from doubling anything in the meantime."""
    options.check()  # every pass: a daemon idle for days still notices a lost lock at once
    now = clock()
    results: list[RunResult | None] = []
    for run_id in runs.unfinished(db, now=now, schedule_id=schedule_id):
        if options.cancelled:
            break
        if run_id in runs.in_hand():  # another thread of this daemon is delivering it
            continue
        log.info("resuming run %d: deliveries left pending", run_id)
        results.append(runs.deliver(db, run_id, clock=clock, options=options))
    query = select(DigestSchedule).where(DigestSchedule.enabled == sa.true())
    if schedule_id is not None:
        query = query.where(DigestSchedule.id == schedule_id)
    with db.read() as session:
        schedules = session.exec(query.order_by(DigestSchedule.id)).all()
    for schedule in schedules:
        if options.cancelled:
            break
        try:
            results.append(_run_period(db, schedule, now=now, clock=clock, options=options))
        except LockLost:
            raise
        except TrackerError as exc:  # one bad row must not stop the other schedules
            log.error("schedule %s: %s", schedule.name, exc)
    return [result for result in results if result is not None]


def _run_period(
    db: Database, schedule: DigestSchedule, *, now: datetime, clock: Clock, options: DeliveryOptions
) -> RunResult | None:
    fire = due_fire_time(schedule, now)
    if fire is None:
        return None
    key = period_key(fire)
    with db.read() as session:
        taken = session.exec(
            select(DigestRun.id).where(
                DigestRun.schedule_id == schedule.id, DigestRun.period_key == key
            )
        ).first()
        if taken is not None:
            return None
        period = scheduled_period(session, schedule, fire)
    late = now - fire > GRACE
    assert schedule.id is not None
    options.check()  # before each claim: this process still holds the scheduler lock
    owner = leases.new_owner()
    run_id = runs.claim(
        db, schedule.id, period, late=late, now=clock(), lease_owner=owner, lease=options.lease()
    )
    if run_id is None:
        return None
    late_note = f" (catch-up, {runs.ago(now - fire)} late)" if late else ""
    log.info("claimed %s %s%s", schedule.name, key, late_note)
    return runs.deliver(db, run_id, clock=clock, options=options, lease_owner=owner)


def run_now(
    db: Database, *, name: str, as_of: date | None, clock: Clock, options: DeliveryOptions
) -> RunResult:
    """One digest now through the schedule's channels, outside its periods."""
    now = clock()
    with db.read() as session:
        schedule = get_schedule(session, name)
    period = manual_period(schedule, now=now, as_of=as_of)
    assert schedule.id is not None
    # Leased from its claim: if this process dies, the lease runs out and the scheduler
    # finishes the run; while it lives, nobody else touches it.
    owner = leases.new_owner()
    run_id = runs.claim(
        db, schedule.id, period, late=False, now=now, lease_owner=owner, lease=options.lease()
    )
    if run_id is None:
        raise Conflict(f"schedule {schedule.name!r} has a run at {period.key} already")
    result = runs.deliver(db, run_id, clock=clock, options=options, lease_owner=owner)
    if result is None:
        raise NotFound(f"schedule {schedule.name!r} was removed while it ran")
    return result
