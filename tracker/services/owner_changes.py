"""Changing owners after the fact: rename, update, merge one into another, remove.

Commitments and schedules point at an owner by id, so a rename changes one row and they follow
it; the history keeps the names that past events were written with. A merge moves every
commitment with an owner-change event, as `update --owner` writes one, so that the history
alone still says who held it when.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.db import duplicate_is_conflict
from tracker.errors import Conflict, InvalidInput
from tracker.fields import name_key
from tracker.models import Commitment, Delivery, DigestSchedule, Owner
from tracker.services.commitments import change_owner
from tracker.services.owners import clean_email, clean_kind, clean_name, find_exact, resolve_owner
from tracker.vocabulary import DeliveryStatus


def _locked(session: Session, name: str) -> Owner:
    """The owner a person meant, its row locked until the transaction ends: on PostgreSQL a
    commitment given to it meanwhile waits, rather than point at an owner that is gone."""
    found = resolve_owner(session, name)
    query = select(Owner).where(Owner.id == found.id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def rename_owner(session: Session, *, name: str, new_name: str) -> tuple[str, Owner]:
    """Give an owner a new name; returns the old name and the owner. Another owner's name (a
    look-alike too) is a conflict: two owners become one by a merge, which keeps the history."""
    owner = _locked(session, name)
    old = owner.name
    new = clean_name(new_name, what="new owner name")
    other = find_exact(session, new)
    if other is not None and other.id != owner.id:
        raise Conflict(f"owner already exists: {other.name} (merge the two instead)")
    _note_new_name(session, old, owner.id, now_stands_for=owner.id)
    owner.name = new
    session.add(owner)
    with duplicate_is_conflict(f"owner already exists: {new}"):
        session.flush()
    return old, owner


def update_owner(
    session: Session, *, name: str, email: str | None = None, kind: str | None = None
) -> Owner:
    """Set an owner's e-mail address (an empty one removes it) or kind."""
    if email is None and kind is None:
        raise InvalidInput("nothing to update: give an e-mail address or a kind")
    owner = resolve_owner(session, name)
    if email is not None:
        owner.email = clean_email(email)
    if kind is not None:
        owner.kind = clean_kind(kind)
    session.add(owner)
    session.flush()
    return owner


@dataclass(frozen=True)
class Merged:
    source: str
    target: str
    commitments: int
    schedules: int


def merge_owners(
    session: Session, *, source: str, target: str, actor: str, now: datetime
) -> Merged:
    """Move every commitment of `source` to `target` (an owner-change event on each), and the
    schedules and digest deliveries that name it; then remove `source`."""
    moving = _locked(session, source)
    into = _locked(session, target)
    if moving.id == into.id:
        raise InvalidInput(f"cannot merge {moving.name} into itself")
    commitments = session.exec(
        select(Commitment).where(Commitment.owner_id == moving.id).order_by(Commitment.id)
    ).all()
    for commitment in commitments:
        change_owner(
            session,
            commitment,
            into,
            actor=actor,
            now=now,
            text=f"{moving.name} merged into {into.name}",
            previous=moving,
        )
    _note_new_name(session, moving.name, moving.id, now_stands_for=into.id)
    schedules = session.execute(
        sa.update(DigestSchedule)
        .where(DigestSchedule.owner_id == moving.id)
        .values(owner_id=into.id)
    ).rowcount
    # Past digests of `source` count as the target's: its next digest starts where they ended.
    session.execute(
        sa.update(Delivery).where(Delivery.owner_id == moving.id).values(owner_id=into.id)
    )
    session.flush()
    session.delete(moving)
    session.flush()
    return Merged(moving.name, into.name, len(commitments), schedules or 0)


def remove_owner(session: Session, *, name: str) -> str:
    """Remove an owner that nothing points at; returns its name."""
    owner = _locked(session, name)
    commitments = _count(session, Commitment, Commitment.owner_id == owner.id)
    schedules = _count(session, DigestSchedule, DigestSchedule.owner_id == owner.id)
    if commitments or schedules:
        held = [
            *([_plural(commitments, "commitment")] if commitments else []),
            *([_plural(schedules, "schedule")] if schedules else []),
        ]
        raise Conflict(f"{owner.name} has {' and '.join(held)}: merge it into another owner first")
    pending = Delivery.status == DeliveryStatus.PENDING
    if _count(session, Delivery, Delivery.owner_id == owner.id, pending):
        raise Conflict(f"a digest for {owner.name} is still being delivered: try again later")
    # Its finished deliveries stay, as the record of what was sent, without the owner.
    session.execute(sa.update(Delivery).where(Delivery.owner_id == owner.id).values(owner_id=None))
    session.delete(owner)
    session.flush()
    return owner.name


def _note_new_name(
    session: Session, name: str, owner_id: int | None, *, now_stands_for: int | None
) -> None:
    """A meeting file still names the owner as it was: its commitments keep that name as the
    file's last imported value (`imported`), so that re-importing the unchanged file changes
    nothing, and note the owner the name now stands for, so that the import does not create
    an owner of that name again (`tracker.services.meetings`)."""
    key = name_key(name)
    rows = session.execute(
        sa.select(Commitment.id, Commitment.imported).where(Commitment.imported.is_not(None))  # type: ignore[union-attr]
    )
    for commitment_id, imported in rows.all():
        last = json.loads(imported) if isinstance(imported, str) else imported
        if not last or not last.get("owner"):
            continue
        if name_key(last["owner"]) == key or last.get("owner_id") == owner_id:
            session.execute(
                sa.update(Commitment)
                .where(Commitment.id == commitment_id)
                .values(imported=last | {"owner_id": now_stands_for})
            )


def _count(session: Session, table: type, *where: sa.ColumnElement[bool]) -> int:
    return int(
        session.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() or 0
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
