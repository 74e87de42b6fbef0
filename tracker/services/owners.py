"""Owners: the bodies and people accountable for commitments."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.db import duplicate_is_conflict
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import Commitment, Owner
from tracker.vocabulary import ACTIVE_STATUSES, OwnerKind

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_name(name: str, *, what: str = "owner name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(f"{what} is empty")
    if len(cleaned) > 200:
        raise InvalidInput(f"{what} is longer than 200 characters")
    return cleaned


def clean_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    email = email.strip()
    if not _EMAIL.match(email) or len(email) > 320:
        raise InvalidInput(f"not an e-mail address: {email!r}")
    return email


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
    return session.exec(select(Owner).where(sa.func.lower(Owner.name) == name.lower())).first()


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
