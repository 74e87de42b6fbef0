"""Digest runs: claiming a period (a DigestRun with its pending deliveries, in one transaction)
and delivering what is pending, each outcome recorded in its own small transaction.

Exactly once per period comes from the database, not from the process: the unique key on
(schedule, period) lets one claim win; a delivery is done only while it is pending, and its
outcome is committed before the next one starts, so a process killed at any point leaves
pending work that the next scheduler pass finishes, and nothing done twice — except an e-mail
whose server accepted it in the instant before the kill, which goes again with the same
Message-ID.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tracker import delivery as channels
from tracker.db import Database
from tracker.delivery import SMTP_ATTEMPTS, SMTP_BACKOFF_S, Outcome, SmtpSettings
from tracker.digest import build_digest, render, subject
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
# The period key of a run made on demand (`schedule run`): never a fire time, so it can never
# take a scheduled period's place.
MANUAL_PREFIX = "manual-"


@dataclass(frozen=True)
class DeliveryOptions:
    """How to reach the mail server; the backoff is a parameter so that tests run fast."""

    smtp: SmtpSettings | None
    attempts: int = SMTP_ATTEMPTS
    backoff: float = SMTP_BACKOFF_S


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

    def to_json(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "recipient": self.recipient,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
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


# --- claiming -----------------------------------------------------------------------------


def claim(
    db: Database, schedule_id: int, period: Period, *, late: bool, now: datetime
) -> int | None:
    """Insert the run and its pending deliveries; the run's id, or None when the period is
    already claimed (by this process, another one, or a run that finished long ago)."""
    try:
        with db.write() as session:
            schedule = session.get(DigestSchedule, schedule_id)
            if schedule is None:  # removed since it was read
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
            for fmt in schedule.formats:
                name = channels.file_name(schedule.name, run.period_key, fmt, slug)
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
    db: Database, run_id: int, *, clock: Clock, options: DeliveryOptions
) -> RunResult | None:
    """Deliver the run's pending deliveries and settle its status; another thread of this
    process already delivering it is left to it (the result then shows the run as it stands).
    None if the run is gone: its schedule was removed meanwhile."""
    with _holding(run_id) as mine:
        if mine:
            _deliver_pending(db, run_id, clock=clock, options=options)
            _settle(db, run_id, now=clock())
        return result_of(db, run_id)


def _deliver_pending(db: Database, run_id: int, *, clock: Clock, options: DeliveryOptions) -> None:
    with db.read() as session:
        run = session.get(DigestRun, run_id)
        if run is None:
            return
        schedule = session.get(DigestSchedule, run.schedule_id)
        pending = session.exec(
            select(Delivery)
            .where(Delivery.run_id == run_id, Delivery.status == DeliveryStatus.PENDING)
            .order_by(Delivery.id)
        ).all()
    if schedule is None or not pending:
        return
    by_owner: dict[int | None, list[Delivery]] = {}
    for item in pending:
        by_owner.setdefault(item.owner_id, []).append(item)
    for owner_id, items in by_owner.items():
        content = _Content(db, run, owner_id)
        for item in items:
            outcome = _deliver_one(schedule, run, item, content, clock=clock, options=options)
            _record(db, item.id, outcome, now=clock())
            where = f"{schedule.name} {run.period_key} {item.channel} {item.recipient}"
            if outcome.delivered:
                log.info("delivered %s", where)
            else:
                log.warning("failed %s: %s", where, outcome.error)


class _Content:
    """The digest of one audience, built once and rendered once per format it is asked in."""

    def __init__(self, db: Database, run: DigestRun, owner_id: int | None) -> None:
        with db.read() as session:
            self.digest = build_digest(
                session,
                as_of=run.as_of,
                since=run.period_start,
                until=run.period_end,
                owner_id=owner_id,
            )
        self._texts: dict[str, str] = {}

    def text(self, fmt: str) -> str:
        if fmt not in self._texts:
            self._texts[fmt] = render(self.digest, fmt)  # type: ignore[arg-type]
        return self._texts[fmt]

    def subject(self) -> str:
        return subject(self.digest)


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
        options.smtp, message, attempts=options.attempts, backoff=options.backoff
    )


def _record(db: Database, delivery_id: int | None, outcome: Outcome, *, now: datetime) -> None:
    with db.write() as session:
        item = session.get(Delivery, delivery_id)
        if item is None or item.status != DeliveryStatus.PENDING:
            return
        item.status = DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.FAILED
        item.attempts += outcome.attempts
        item.last_error = outcome.error
        item.message_id = outcome.message_id
        item.delivered_at = now if outcome.delivered else None


def _settle(db: Database, run_id: int, *, now: datetime) -> None:
    """A run is over when nothing is pending: failed if any delivery failed, else delivered."""
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
            DeliveryResult(d.channel, d.recipient, d.status, d.attempts, d.last_error)
            for d in items
        ],
    )


def unfinished(db: Database, *, schedule_id: int | None = None) -> list[int]:
    """Scheduled runs still claimed: left so by a process that died while delivering them.

    Manual runs are left out: the `schedule run` that claimed one may be delivering it right
    now in another process, and nothing in the row tells a live claim from a dead one.
    """
    query = select(DigestRun.id).where(
        DigestRun.status == RunStatus.CLAIMED,
        sa.not_(DigestRun.period_key.startswith(MANUAL_PREFIX)),
    )
    if schedule_id is not None:
        query = query.where(DigestRun.schedule_id == schedule_id)
    with db.read() as session:
        return [run_id for run_id in session.exec(query.order_by(DigestRun.id)) if run_id]
