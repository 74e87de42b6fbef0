"""Digest runs: claiming a period (a DigestRun with its pending deliveries, in one transaction)
and delivering what is pending, each outcome recorded in its own small transaction.

Exactly once per period comes from the database, not from the process: the unique key on
(schedule, period) lets one claim win; a delivery is done only while it is pending, and its
outcome is committed before the next one starts, so a process killed at any point leaves
pending work that the next scheduler pass finishes, and nothing done twice — except an e-mail
whose server accepted it in the instant before the kill, which goes again with the same
Message-ID.

Delivering a run takes a lease on it in the database (`lease_owner`, `lease_until`), renewed
before each send: a process that lost the scheduler lock while an e-mail was in flight, a second
daemon, `--once` and `schedule run` never deliver a run another live process holds, and a lease
that ran out marks a run left by a process that died. A delivery that failed for a passing
reason stays pending and is tried again later (`not_before`, backoff up to an hour) until a day
after its claim; each reader's digest covers the changes since the last one that reached them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker.db import Database
from tracker.digests import delivery as channels
from tracker.digests import leases
from tracker.digests.data import build_digest, subject
from tracker.digests.delivery import SMTP_ATTEMPTS, SMTP_BACKOFF_S, Outcome, SmtpSettings
from tracker.digests.links import with_report_link
from tracker.digests.render import render
from tracker.errors import InvalidInput
from tracker.models import (
    Audience,
    Commitment,
    Delivery,
    DeliveryStatus,
    DigestRun,
    DigestSchedule,
    Owner,
    RunStatus,
)

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

Clock = Callable[[], datetime]
T = TypeVar("T")
# A delivery that keeps failing for a passing reason is retried for this long after its claim,
# waiting RETRY_FIRST_S after the first failed round, twice that after the next, … at most
# RETRY_MAX_S; then it has failed for good.
RETRY_FOR = timedelta(hours=24)
RETRY_FIRST_S = 60.0
RETRY_MAX_S = 3600.0
# How long a lease lasts at least; it is renewed before each send (see DeliveryOptions.lease).
LEASE_MIN = timedelta(minutes=5)
# The period key of a run made on demand (`schedule run`): never a fire time, so it can never
# take a scheduled period's place.
MANUAL_PREFIX = "manual-"


@dataclass(frozen=True)
class DeliveryOptions:
    """How to reach the mail server; the backoff is a parameter so that tests run fast."""

    smtp: SmtpSettings | None
    attempts: int = SMTP_ATTEMPTS
    backoff: float = SMTP_BACKOFF_S
    # Raises LockLost when this process no longer holds the scheduler lock: called before
    # each claim and each send.
    guard: Callable[[], None] | None = None
    # Set when the process is stopping: no new claim, send, attempt or backoff wait.
    cancel: threading.Event | None = None
    retry_for: timedelta = RETRY_FOR

    def check(self) -> None:
        if self.guard is not None:
            self.guard()

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def lease(self) -> timedelta:
        """Longer than one delivery can take (every attempt taking every timeout of its
        commands, and the backoff between them), so that a live lease is never taken over."""
        timeout = self.smtp.timeout if self.smtp else 10.0
        longest = self.attempts * timeout * 8 + self.backoff * 2**self.attempts
        return max(LEASE_MIN, timedelta(seconds=longest))


@dataclass(frozen=True)
class Period:
    key: str  # the fire time in UTC ISO, or manual-<claim time>
    start: datetime  # exclusive
    end: datetime  # inclusive
    as_of: date  # the fire time's calendar date in the schedule's time zone


@dataclass(frozen=True)
class DeliveryResult:
    channel: str
    recipient: str
    status: str
    attempts: int
    error: str | None
    retry_at: datetime | None = None  # a pending delivery that failed, to be tried again

    def to_json(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "recipient": self.recipient,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "retry_at": self.retry_at.isoformat(timespec="seconds") if self.retry_at else None,
        }


@dataclass(frozen=True)
class RunResult:
    run_id: int
    schedule: str
    period_key: str
    late: bool
    status: str
    deliveries: list[DeliveryResult]

    @property
    def failed(self) -> list[DeliveryResult]:
        return [d for d in self.deliveries if d.status == DeliveryStatus.FAILED]

    @property
    def skipped(self) -> list[DeliveryResult]:
        """Deliveries not sent: their digest had nothing to tell its reader."""
        return [d for d in self.deliveries if d.status == DeliveryStatus.SKIPPED]

    @property
    def deferred(self) -> list[DeliveryResult]:
        """Pending deliveries that failed this time and will be tried again."""
        return [d for d in self.deliveries if d.retry_at is not None]


# --- claiming -----------------------------------------------------------------------------


def _tiled(session: Session, schedule_id: int, period: Period) -> Period | None:
    """The period as it must be claimed now: None when a later one is claimed already (two
    threads of a daemon, the fire job and the catch-up, can reach for two periods at once:
    the later one covers the earlier's changes), else starting where the last one ended."""
    scheduled = sa.and_(
        DigestRun.schedule_id == schedule_id,
        sa.not_(DigestRun.period_key.startswith(MANUAL_PREFIX)),
    )
    later = session.exec(
        select(DigestRun.id).where(scheduled, DigestRun.period_end > period.end).limit(1)
    ).first()
    if later is not None:
        return None
    last_end = session.exec(
        select(sa.func.max(DigestRun.period_end)).where(
            scheduled, DigestRun.period_end < period.end
        )
    ).first()
    if last_end is None or last_end == period.start:
        return period
    return replace(period, start=last_end)


def claim(
    db: Database,
    schedule_id: int,
    period: Period,
    *,
    late: bool,
    now: datetime,
    lease_owner: str | None = None,
    lease: timedelta = LEASE_MIN,
) -> int | None:
    """Insert the run and its pending deliveries; the run's id, or None when the period is
    already claimed (by this process, another one, or a run that finished long ago).

    With `lease_owner`, the run is leased to it from the start: nobody else resumes it while
    the claimer goes on to deliver it."""
    try:
        with db.write() as session:
            # Claims of one schedule take turns (SQLite's write lock does this already), so
            # what the claim reads below is what the claims before it left.
            schedule = session.get(DigestSchedule, schedule_id, with_for_update=True)
            if schedule is None:  # removed since it was read
                return None
            if not period.key.startswith(MANUAL_PREFIX):
                period = _tiled(session, schedule_id, period)
                if period is None:
                    return None
            run = DigestRun(
                schedule_id=schedule_id,
                period_key=period.key,
                period_start=period.start,
                period_end=period.end,
                as_of=period.as_of,
                late=late,
                status=RunStatus.CLAIMED,
                claimed_at=now,
                lease_owner=lease_owner,
                lease_until=now + lease if lease_owner else None,
            )
            session.add(run)
            try:
                session.flush()  # the unique key (schedule, period) is checked here
            except IntegrityError as exc:
                raise _Taken from exc
            assert run.id is not None
            targets = _targets(session, schedule, run)
            session.add_all(targets)
            if not targets:
                run.status, run.finished_at = RunStatus.DELIVERED, now
                run.lease_owner = run.lease_until = None
            return run.id
    except _Taken:
        return None


class _Taken(Exception):
    """The period's run exists (or its schedule went away under a concurrent claim)."""


def _audiences(session: Session, schedule: DigestSchedule) -> list[tuple[Owner | None, list[str]]]:
    """Who gets a digest of what: (the owner whose items it holds or None, e-mail addresses)."""
    if schedule.audience == Audience.EVERYONE:
        return [(None, list(schedule.emails))]
    if schedule.audience == Audience.OWNER:
        owner = session.get(Owner, schedule.owner_id)
        return [(owner, list(schedule.emails))] if owner is not None else []
    # Per owner: those with an address and something to report on; an address shared by two
    # owners gets the first one's digest only (a run has one delivery per recipient).
    owners = session.exec(
        select(Owner)
        .where(Owner.email.is_not(None), Owner.email != "")
        .where(sa.exists().where(Commitment.owner_id == Owner.id))
        .order_by(Owner.name)
    ).all()
    seen: set[str] = set()
    result: list[tuple[Owner | None, list[str]]] = []
    for owner in owners:
        address = (owner.email or "").strip()
        try:
            address = channels.clean_address(address)
        except InvalidInput:
            log.warning("schedule %s: %s has no usable address %r; skipped", schedule.name,
                        owner.name, address)  # fmt: skip
            continue
        if address.lower() in seen:
            log.warning("schedule %s: %s shares %s; skipped", schedule.name, owner.name, address)
            continue
        seen.add(address.lower())
        result.append((owner, [address]))
    return result


def _targets(session: Session, schedule: DigestSchedule, run: DigestRun) -> list[Delivery]:
    deliveries: list[Delivery] = []
    slugs: set[str] = set()
    for owner, addresses in _audiences(session, schedule):
        owner_id = owner.id if owner is not None else None
        slug = None
        if owner is not None:
            slug = channels.slugify(owner.name)
            if slug in slugs:  # "A & B" and "A B": keep the file names apart
                slug = f"{slug}-{owner.id}"
            slugs.add(slug)
        if schedule.directory:
            at = None
            if not run.period_key.startswith(MANUAL_PREFIX):  # a manual run has no fire time
                at = channels.fire_time_for_name(schedule.cron, schedule.timezone, run.period_end)
            for fmt in schedule.formats:
                name = channels.file_name(schedule.name, run.as_of, fmt, slug, at=at)
                path = str(Path(schedule.directory) / name)
                deliveries.append(_pending(run, channels.FILE, path, owner_id))
        for address in addresses:
            deliveries.append(_pending(run, channels.EMAIL, address, owner_id))
    return deliveries


def _pending(run: DigestRun, channel: str, recipient: str, owner_id: int | None) -> Delivery:
    assert run.id is not None
    return Delivery(run_id=run.id, channel=channel, recipient=recipient, owner_id=owner_id)


# --- delivering ---------------------------------------------------------------------------

# Runs being delivered by a thread of this process. The scheduler's jobs overlap (a schedule's
# own job and the catch-up pass may both reach one run); only one of them may deliver it.
_in_hand: set[int] = set()
_in_hand_lock = threading.Lock()


@contextmanager
def _holding(run_id: int) -> Iterator[bool]:
    with _in_hand_lock:
        mine = run_id not in _in_hand
        _in_hand.add(run_id)
    try:
        yield mine
    finally:
        if mine:
            with _in_hand_lock:
                _in_hand.discard(run_id)


def in_hand() -> frozenset[int]:
    """The runs a thread of this process is delivering right now."""
    with _in_hand_lock:
        return frozenset(_in_hand)


def deliver(
    db: Database,
    run_id: int,
    *,
    clock: Clock,
    options: DeliveryOptions,
    lease_owner: str | None = None,
) -> RunResult | None:
    """Deliver the run's pending deliveries that are due and settle its status.

    `lease_owner` is given by the claimer, which holds the run's lease already; anyone else
    takes the lease first, and leaves a run that another live process holds to it (the result
    then shows the run as it stands). None if the run is gone: its schedule was removed."""
    with _holding(run_id) as mine:
        if mine:
            owner = lease_owner or leases.new_owner()
            if lease_owner is not None or leases.take(db, run_id, owner, clock(), options.lease()):
                try:
                    _deliver_pending(db, run_id, owner, clock=clock, options=options)
                    _settle(db, run_id, now=clock())
                finally:
                    leases.release(db, run_id, owner)
        return result_of(db, run_id)


def _deliver_pending(
    db: Database, run_id: int, owner: str, *, clock: Clock, options: DeliveryOptions
) -> None:
    now = clock()
    with db.read() as session:
        run = session.get(DigestRun, run_id)
        if run is None:
            return
        schedule = session.get(DigestSchedule, run.schedule_id)
        pending = session.exec(
            select(Delivery)
            .where(Delivery.run_id == run_id, Delivery.status == DeliveryStatus.PENDING)
            .where(
                sa.or_(
                    Delivery.not_before.is_(None),  # type: ignore[union-attr]
                    Delivery.not_before <= now,  # type: ignore[operator]
                )
            )
            .order_by(Delivery.id)
        ).all()
        if schedule is None or not pending:
            return
        # Each reader's digest starts where the last one that reached them ended: a reader who
        # missed a digest (it failed for good) gets its changes in this one.
        by_audience: dict[tuple[int | None, datetime], list[Delivery]] = {}
        for item in pending:
            since = _reader_since(session, run, item)
            by_audience.setdefault((item.owner_id, since), []).append(item)
    for (owner_id, since), items in by_audience.items():
        content = _Content(db, run, owner_id, since, now=now)
        if schedule.skip_empty and content.digest.empty:
            # Nothing to tell this reader: settled as skipped, so never sent nor tried again.
            for item in items:
                leases.with_reconnect(lambda item=item: _record_skipped(db, item, now=clock()))
                log.info("skipped %s %s %s %s: nothing to report", schedule.name,
                         run.period_key, item.channel, item.recipient)  # fmt: skip
            continue
        for item in items:
            if options.cancelled:
                return  # stopping: the rest stays pending for the next start
            options.check()  # before each send: this process still holds the scheduler lock
            if not leases.renew(db, run_id, owner, clock(), options.lease()):
                log.warning("run %d: its lease was taken over; leaving it", run_id)
                return
            outcome = _deliver_one(schedule, run, item, content, clock=clock, options=options)
            leases.with_reconnect(
                lambda item=item, outcome=outcome: _record(
                    db, item, outcome, run=run, now=clock(), options=options
                )
            )
            where = f"{schedule.name} {run.period_key} {item.channel} {item.recipient}"
            if outcome.delivered:
                log.info("delivered %s", where)
            elif outcome.interrupted:
                log.warning("interrupted %s: left pending", where)
            else:
                log.warning("failed %s: %s", where, outcome.error)


def _reader_since(session: Session, run: DigestRun, item: Delivery) -> datetime:
    """The end of the last period delivered to this delivery's reader (an e-mail address; for
    files, the folder's files of this audience and format) when it is earlier than the run's
    own start; else the run's start."""
    query = (
        sa.select(sa.func.max(DigestRun.period_end))
        .join(Delivery, Delivery.run_id == DigestRun.id)
        .where(
            DigestRun.schedule_id == run.schedule_id,
            DigestRun.period_end <= run.period_start,
            Delivery.status == DeliveryStatus.DELIVERED,
            Delivery.channel == item.channel,
        )
    )
    if item.channel == channels.EMAIL:
        query = query.where(sa.func.lower(Delivery.recipient) == item.recipient.lower())
    else:
        query = query.where(
            Delivery.owner_id.is_(None)  # type: ignore[union-attr]
            if item.owner_id is None
            else Delivery.owner_id == item.owner_id,
            Delivery.recipient.endswith(Path(item.recipient).suffix),  # type: ignore[attr-defined]
        )
    last = session.execute(query).scalar()
    if last is None:
        return run.period_start
    last = last if last.tzinfo else last.replace(tzinfo=run.period_start.tzinfo)
    return min(last, run.period_start)


class _Content:
    """The digest of one audience, built once and rendered once per format it is asked in."""

    def __init__(
        self, db: Database, run: DigestRun, owner_id: int | None, since: datetime, *, now: datetime
    ) -> None:
        with db.read() as session:
            digest = build_digest(
                session,
                as_of=run.as_of,
                since=since,
                until=run.period_end,
                owner_id=owner_id,
            )
            digest = with_report_link(session, digest, owner_id=owner_id, now=now)
        if run.late:
            digest = replace(digest, late=late_note(run.period_end, now))
        self.digest = digest
        self._texts: dict[str, str] = {}

    def text(self, fmt: str) -> str:
        if fmt not in self._texts:
            self._texts[fmt] = render(self.digest, fmt)  # type: ignore[arg-type]
        return self._texts[fmt]

    def subject(self) -> str:
        return subject(self.digest)


def late_note(due: datetime, now: datetime) -> str:
    """What a catch-up digest says of itself: when it was due and how late it comes."""
    return f"due {due.strftime('%Y-%m-%d %H:%M')} UTC, sent {ago(now - due)} late"


def ago(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 2 * 86400:
        return f"{seconds // 86400}d"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m" if seconds >= 120 else f"{seconds}s"


def _deliver_one(
    schedule: DigestSchedule,
    run: DigestRun,
    item: Delivery,
    content: _Content,
    *,
    clock: Clock,
    options: DeliveryOptions,
) -> Outcome:
    if item.channel == channels.FILE:
        path = Path(item.recipient)
        return channels.deliver_file(path, content.text(path.suffix.lstrip(".")))
    try:  # rows written before addresses were checked: never one recipient made several
        channels.clean_address(item.recipient)
    except InvalidInput as exc:
        return channels.Outcome(False, 0, str(exc), permanent=True)
    message = channels.build_message(
        sender=options.smtp.sender if options.smtp else "tracker@localhost",
        recipient=item.recipient,
        subject=content.subject(),
        text=content.text("txt"),
        html=content.text("html"),
        msg_id=channels.message_id(schedule.name, run.period_key, item.recipient),
        sent_at=clock(),
    )
    return channels.send_email(
        options.smtp,
        message,
        attempts=options.attempts,
        backoff=options.backoff,
        cancel=options.cancel,
    )


def _retry_wait(rounds: int) -> timedelta:
    return timedelta(seconds=min(RETRY_FIRST_S * 2 ** max(rounds - 1, 0), RETRY_MAX_S))


def _record(
    db: Database,
    pending: Delivery,
    outcome: Outcome,
    *,
    run: DigestRun,
    now: datetime,
    options: DeliveryOptions,
) -> None:
    with db.write() as session:
        item = session.get(Delivery, pending.id)
        if item is None or item.status != DeliveryStatus.PENDING:
            return
        item.attempts += outcome.attempts
        item.last_error = outcome.error
        item.message_id = outcome.message_id
        item.not_before = None
        if outcome.delivered:
            item.status, item.delivered_at = DeliveryStatus.DELIVERED, now
        elif outcome.interrupted:
            pass  # pending, for whoever starts next
        elif outcome.permanent or now - run.claimed_at >= options.retry_for:
            item.status = DeliveryStatus.FAILED
        else:
            rounds = -(-item.attempts // max(options.attempts, 1))
            item.not_before = now + _retry_wait(rounds)


def _record_skipped(db: Database, pending: Delivery, *, now: datetime) -> None:
    with db.write() as session:
        item = session.get(Delivery, pending.id)
        if item is None or item.status != DeliveryStatus.PENDING:
            return
        item.status, item.not_before, item.delivered_at = DeliveryStatus.SKIPPED, None, None
        item.last_error = None


def _settle(db: Database, run_id: int, *, now: datetime) -> None:
    """A run is over when nothing is pending: failed if any delivery failed, else delivered
    (skipped deliveries included: there was nothing to send)."""
    with db.write() as session:
        run = session.get(DigestRun, run_id)
        if run is None or run.status != RunStatus.CLAIMED:
            return
        statuses = session.exec(select(Delivery.status).where(Delivery.run_id == run_id)).all()
        if DeliveryStatus.PENDING in statuses:
            return
        failed = DeliveryStatus.FAILED in statuses
        run.status = RunStatus.FAILED if failed else RunStatus.DELIVERED
        run.finished_at = now


def result_of(db: Database, run_id: int) -> RunResult | None:
    with db.read() as session:
        run = session.get(DigestRun, run_id)
        if run is None:
            return None
        schedule = session.get(DigestSchedule, run.schedule_id)
        items = session.exec(
            select(Delivery).where(Delivery.run_id == run_id).order_by(Delivery.id)
        ).all()
    return RunResult(
        run_id=run_id,
        schedule=schedule.name if schedule else "?",
        period_key=run.period_key,
        late=run.late,
        status=run.status,
        deliveries=[
            DeliveryResult(d.channel, d.recipient, d.status, d.attempts, d.last_error, d.not_before)
            for d in items
        ],
    )


def unfinished(db: Database, *, now: datetime, schedule_id: int | None = None) -> list[int]:
    """Runs still claimed whose lease is free or ran out, with nothing pending that waits for
    a later retry: left so by a process that died (a daemon, `--once` or `schedule run`), or
    due for another try after a delivery failed for a passing reason."""
    waiting = sa.exists().where(
        Delivery.run_id == DigestRun.id,
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.not_before > now,  # type: ignore[operator]
    )
    query = sa.select(DigestRun.id, DigestRun.lease_owner, DigestRun.lease_until).where(
        DigestRun.status == RunStatus.CLAIMED, sa.not_(waiting)
    )
    if schedule_id is not None:
        query = query.where(DigestRun.schedule_id == schedule_id)
    with db.read() as session:
        rows = session.execute(query.order_by(DigestRun.id)).all()
    return [row.id for row in rows if leases.lease_free(row.lease_owner, row.lease_until, now)]
