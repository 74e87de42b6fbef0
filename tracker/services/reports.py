"""Owners' own reports (through their signed link) and the coordinator's answer to them.

An owner sees and changes only their own commitments: any other id is "not found", exactly as
an id that does not exist, so that a link tells nothing about the rest of the board. Every
change is an event with the owner's name as actor and the channel `web`. A proposal to close
waits on the commitment (`Commitment.proposal`) until a coordinator confirms it (the commitment
is closed with the owner's evidence) or declines it (with a reason).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker import fields
from tracker.errors import InvalidInput, InvalidTransition, Missing, NotFound
from tracker.models import Commitment, CommitmentUpdate, Event, Owner
from tracker.services.commitments import (
    add_note,
    clean_text,
    close_commitment,
    get_commitment,
    record,
    update_commitment,
)
from tracker.services.views import iso_utc
from tracker.vocabulary import CLOSED_STATUSES, Channel, EventKind, Status

# What an owner may set from their page; closing goes through a proposal.
OWNER_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED)
ACTOR_MAX = 120


def owner_actor(owner: Owner) -> str:
    """The actor an owner's own changes are recorded under: their name (cut to the column)."""
    return owner.name if len(owner.name) <= ACTOR_MAX else owner.name[: ACTOR_MAX - 1] + "…"


def owners_commitment(session: Session, owner: Owner, commitment_id: int) -> Commitment:
    """One of `owner`'s commitments; another owner's is not found, like one that never was."""
    commitment = session.get(Commitment, commitment_id) if 0 < commitment_id < 2**31 else None
    if commitment is None or commitment.owner_id != owner.id:
        raise NotFound(f"no commitment #{commitment_id} among yours")
    return commitment


def report_note(
    session: Session, owner: Owner, commitment_id: int, text: str, *, now: datetime
) -> Event:
    owners_commitment(session, owner, commitment_id)
    return add_note(
        session, commitment_id, text, actor=owner_actor(owner), now=now, channel=Channel.WEB
    )


def report_status(
    session: Session,
    owner: Owner,
    commitment_id: int,
    status: str,
    *,
    reason: str | None,
    now: datetime,
) -> list[Event]:
    """Set open, in progress or blocked; blocked needs a reason (what blocks it)."""
    commitment = owners_commitment(session, owner, commitment_id)
    if status not in {s.value for s in OWNER_STATUSES}:
        raise InvalidInput(f"unknown status {status!r} (open, in_progress or blocked)")
    if commitment.status in CLOSED_STATUSES:
        raise InvalidTransition(f"#{commitment_id} is {commitment.status}")
    reason = fields.optional_block(reason)
    if status == Status.BLOCKED and not reason:
        raise Missing("blocking", "reason", why="say what blocks it")
    if status == commitment.status:
        raise InvalidInput(f"#{commitment_id} is already {status.replace('_', ' ')}")
    return update_commitment(
        session,
        commitment_id,
        CommitmentUpdate(status=status),
        reason=reason,
        actor=owner_actor(owner),
        now=now,
        channel=Channel.WEB,
    )


def propose_close(
    session: Session,
    owner: Owner,
    commitment_id: int,
    *,
    evidence: str | None,
    note: str | None,
    now: datetime,
) -> Event:
    """The owner says it is done, with evidence; a coordinator confirms. A new proposal
    replaces a pending one."""
    commitment = owners_commitment(session, owner, commitment_id)
    if commitment.status in CLOSED_STATUSES:
        raise InvalidTransition(f"#{commitment_id} is already {commitment.status}")
    if not fields.optional_block(evidence):
        raise Missing("proposing to close", "evidence", why="say what shows it was delivered")
    evidence = clean_text(evidence, what="evidence")
    note = fields.optional_block(note)
    event = record(
        session,
        commitment,
        EventKind.PROPOSED,
        actor=owner_actor(owner),
        now=now,
        channel=Channel.WEB,
        text=" · ".join(p for p in (note, f"evidence: {evidence}") if p),
        data={"evidence": evidence, "note": note},
    )
    session.flush()
    commitment.proposal = {
        "evidence": evidence,
        "note": note,
        "by": owner_actor(owner),
        "at": iso_utc(now),
        "event": event.id,
    }
    return event


def _pending(session: Session, commitment_id: int) -> Commitment:
    commitment = get_commitment(session, commitment_id)
    if not commitment.proposal:
        raise InvalidTransition(f"#{commitment_id} has no proposal to close waiting")
    return commitment


def confirm_close(
    session: Session,
    commitment_id: int,
    *,
    actor: str,
    now: datetime,
    channel: str = Channel.WEB,
) -> Commitment:
    """Close the commitment with the evidence and note of its owner's proposal."""
    proposal = dict(_pending(session, commitment_id).proposal or {})
    note = proposal.get("note") or f"Confirmed the close proposed by {proposal.get('by')}"
    return close_commitment(
        session,
        commitment_id,
        note=note,
        evidence=proposal.get("evidence"),
        actor=actor,
        now=now,
        channel=channel,
    )


def decline_proposal(
    session: Session,
    commitment_id: int,
    *,
    reason: str | None,
    actor: str,
    now: datetime,
    channel: str = Channel.WEB,
) -> Event:
    commitment = _pending(session, commitment_id)
    if not fields.optional_block(reason):
        raise Missing("declining", "reason", why="tell the owner what is missing")
    event = record(
        session,
        commitment,
        EventKind.DECLINED,
        actor=actor,
        now=now,
        channel=channel,
        text=clean_text(reason, what="reason"),
        data={"proposal": commitment.proposal},
    )
    commitment.proposal = None
    return event


@dataclass(frozen=True)
class Pending:
    id: int
    title: str
    owner: str
    evidence: str
    at: str


def _pending_query() -> sa.Select[Any]:
    c, o = Commitment.__table__, Owner.__table__  # type: ignore[attr-defined]
    return (
        sa.select(c.c.id, c.c.title, o.c.name, c.c.proposal)
        .join(o, o.c.id == c.c.owner_id)
        .where(c.c.proposal.isnot(None))
    )


_PENDING = _pending_query()  # built once: the board asks on every first page


def pending_proposals(conn: sa.Connection) -> list[Pending]:
    """Commitments whose owner proposed closing them, oldest proposal first (a plain query
    over the partial index of waiting proposals: the board asks on every page)."""
    found = [
        Pending(row.id, row.title, row.name, str(p.get("evidence")), str(p.get("at")))
        for row in conn.execute(_PENDING)
        if (p := _decoded(row.proposal))
    ]
    return sorted(found, key=lambda item: (item.at, item.id))


def _decoded(value: Any) -> dict[str, Any]:
    """A JSON column as the driver gives it (text on SQLite through a plain query)."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}
