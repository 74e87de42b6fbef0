"""Leases on digest runs: which process delivers a run, and until when.

A run is delivered only under a lease taken in the database and renewed before each send.
Leases are what keep two processes — a daemon that lost the scheduler lock with an e-mail in
flight and the one that took the lock over, `--once`, `schedule run` — from sending one period
twice; a lease that ran out, or whose process is gone, marks a run left by a crash.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa

from tracker.db import Database
from tracker.models import DigestRun, RunStatus

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

T = TypeVar("T")


def new_owner() -> str:
    """Who holds a lease: this host and process, and a random part for this one delivery."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(6)}"


def owner_gone(owner: str | None) -> bool:
    """True if the lease's owner was a process of this host that no longer exists (killed
    with -9, say): its lease need not run out before the run is resumed. A process of another
    host cannot be asked, and a live one (even one that lost the scheduler lock while an
    e-mail is in flight) keeps its lease."""
    host, _, rest = (owner or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:32] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def lease_free(owner: str | None, until: datetime | None, now: datetime) -> bool:
    return until is None or until <= now or owner_gone(owner)


def with_reconnect(action: Callable[[], T]) -> T:
    """Run a short transaction, again if the database connection was found dead (a server
    restart, `pg_terminate_backend`): the pool then opens a new one. An outcome that could
    not be recorded would be sent again by whoever resumes the run."""
    for attempt in range(3):
        try:
            return action()
        except sa.exc.DBAPIError as exc:
            if not exc.connection_invalidated or attempt == 2:
                raise
            log.warning("database connection lost; reconnecting")
    raise AssertionError("unreachable")


def take(db: Database, run_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
    """Lease a claimed run whose lease is free, ran out or belonged to a process that is gone;
    False if someone else holds it."""

    def take() -> bool:
        with db.write() as session:
            held = session.execute(
                sa.select(DigestRun.lease_owner, DigestRun.lease_until).where(
                    DigestRun.id == run_id, DigestRun.status == RunStatus.CLAIMED
                )
            ).first()
            if held is None or not lease_free(held.lease_owner, held.lease_until, now):
                return False
            # Only if nobody changed the lease since it was read (a compare-and-set).
            same = (
                DigestRun.lease_owner.is_(None)  # type: ignore[union-attr]
                if held.lease_owner is None
                else DigestRun.lease_owner == held.lease_owner
            )
            taken = session.execute(
                sa.update(DigestRun)
                .where(DigestRun.id == run_id, DigestRun.status == RunStatus.CLAIMED, same)
                .values(lease_owner=owner, lease_until=now + lease)
            )
            return bool(taken.rowcount)

    return with_reconnect(take)


def renew(db: Database, run_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
    """Extend our lease before a send; False if it is no longer ours (it ran out and another
    process took the run over)."""

    def renew() -> bool:
        with db.write() as session:
            renewed = session.execute(
                sa.update(DigestRun)
                .where(DigestRun.id == run_id, DigestRun.lease_owner == owner)
                .values(lease_until=now + lease)
            )
            return bool(renewed.rowcount)

    return with_reconnect(renew)


def release(db: Database, run_id: int, owner: str) -> None:
    def release() -> None:
        with db.write() as session:
            session.execute(
                sa.update(DigestRun)
                .where(DigestRun.id == run_id, DigestRun.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    try:
        with_reconnect(release)
    except sa.exc.DBAPIError as exc:  # the lease runs out by itself
        log.warning("run %d: cannot release its lease: %s", run_id, type(exc).__name__)
