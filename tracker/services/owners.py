"""Owners: the bodies and people accountable for commitments."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import fields
from tracker.db import duplicate_is_conflict
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.fields import name_key
from tracker.models import Commitment, Owner
from tracker.vocabulary import ACTIVE_STATUSES, OwnerKind


def clean_name(name: str, *, what: str = "owner name") -> str:
    try:
        return fields.clean_owner_name(name)
    except ValueError as exc:
        raise InvalidInput(f"{what} {exc}") from None


def clean_email(email: str | None) -> str | None:
    try:
        return fields.clean_email(email)
    except ValueError as exc:
        raise InvalidInput(f"email {exc}") from None


def clean_kind(kind: str) -> str:
    try:
        return OwnerKind(kind.strip().lower()).value
    except ValueError:
        raise InvalidInput(f"unknown owner kind {kind!r} (body or person)") from None


def add_owner(
    session: Session, *, name: str, email: str | None = None, kind: str = "body"
) -> Owner:
    name = clean_name(name)
    if find_exact(session, name) is not None:
        raise Conflict(f"owner already exists: {name}")
    owner = Owner(name=name, email=clean_email(email), kind=clean_kind(kind))
    session.add(owner)
    with duplicate_is_conflict(f"owner already exists: {name}"):
        session.flush()
    return owner


def find_exact(session: Session, name: str) -> Owner | None:
    """The owner of this name, compared as `fields.name_key` (NFC, no invisible characters,
    case-folded): "Ministry of\u200b Finance" is the Ministry of Finance."""
    found = session.exec(select(Owner).where(sa.func.lower(Owner.name) == name.lower())).first()
    if found is not None:
        return found
    key = name_key(name)
    # Names stored before they were cleaned, or differing beyond lower(): owners are few.
    for owner_id, stored in session.execute(sa.select(Owner.id, Owner.name)):
        if name_key(stored) == key:
            return session.get(Owner, owner_id)
    return None


def resolve_owner(session: Session, name: str) -> Owner:
    """The owner a person meant: an exact (case-insensitive) name, else a unique partial match,
    so `--owner "foreign affairs"` finds the Ministry of Foreign Affairs."""
    name = clean_name(name)
    exact = find_exact(session, name)
    if exact is not None:
        return exact
    pattern = "%" + name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = session.exec(
        select(Owner).where(sa.func.lower(Owner.name).like(pattern, escape="\\")).limit(6)
    ).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            f"no owner named {name!r} (see `tracker owner list`, or `tracker owner add`)"
        )
    names = "; ".join(o.name for o in matches[:5])
    raise InvalidInput(f"owner {name!r} is ambiguous: {names}")


@dataclass(frozen=True)
class OwnerSummary:
    id: int
    name: str
    email: str | None
    kind: str
    active: int
    total: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "kind": self.kind,
            "active": self.active,
            "total": self.total,
        }


def list_owners(session: Session) -> list[OwnerSummary]:
    active = sa.func.sum(sa.case((Commitment.status.in_(ACTIVE_STATUSES), 1), else_=0))
    query = (
        sa.select(
            Owner.id,
            Owner.name,
            Owner.email,
            Owner.kind,
            sa.func.coalesce(active, 0),
            sa.func.count(Commitment.id),
        )
        .outerjoin(Commitment, Commitment.owner_id == Owner.id)
        .group_by(Owner.id, Owner.name, Owner.email, Owner.kind)
        .order_by(Owner.name)
    )
    return [OwnerSummary(*row) for row in session.execute(query)]
