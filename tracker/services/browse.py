"""Reads the web view needs beyond the board: meetings, owners by id, the choices of its
filters, and the owner a report link names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.errors import NotFound
from tracker.models import Commitment, Meeting, Owner
from tracker.vocabulary import ACTIVE_STATUSES


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    slug: str
    title: str
    date: date
    place: str | None
    active: int
    total: int

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "date": self.date.isoformat(),
            "place": self.place,
            "active": self.active,
            "total": self.total,
        }


def list_meetings(session: Session) -> list[MeetingSummary]:
    active = sa.func.sum(sa.case((Commitment.status.in_(ACTIVE_STATUSES), 1), else_=0))
    query = (
        sa.select(
            Meeting.id,
            Meeting.slug,
            Meeting.title,
            Meeting.date,
            Meeting.place,
            sa.func.coalesce(active, 0),
            sa.func.count(Commitment.id),
        )
        .outerjoin(Commitment, Commitment.meeting_id == Meeting.id)
        .group_by(Meeting.id, Meeting.slug, Meeting.title, Meeting.date, Meeting.place)
        .order_by(Meeting.date.desc(), Meeting.slug)  # type: ignore[attr-defined]
    )
    return [MeetingSummary(*row) for row in session.execute(query)]


def meeting_json(meeting: Meeting) -> dict[str, object]:
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "place": meeting.place,
        "participants": list(meeting.participants),
        "parties": list(meeting.parties),
        "source_file": meeting.source_file,
        "source_sha256": meeting.source_sha256,
    }


def get_owner(session: Session, owner_id: int) -> Owner:
    owner = session.get(Owner, owner_id) if 0 < owner_id < 2**31 else None
    if owner is None:
        raise NotFound(f"no owner #{owner_id}")
    return owner


def filter_choices(session: Session) -> dict[str, list[str]]:
    """What the board's filters offer: owners, areas and meetings that exist."""
    owners = session.exec(select(Owner.name).order_by(Owner.name)).all()
    areas = session.exec(
        select(Commitment.area).where(Commitment.area.isnot(None)).distinct()  # type: ignore[union-attr]
    ).all()
    meetings = session.exec(select(Meeting.slug).order_by(Meeting.slug)).all()
    return {
        "owners": list(owners),
        "areas": sorted(a for a in areas if a),
        "meetings": list(meetings),
    }


def owner_for_link(session: Session, owner_id: int, epoch: int) -> Owner | None:
    """The owner a verified link names, unless the owner is gone or revoked it since."""
    owner = session.get(Owner, owner_id) if 0 < owner_id < 2**31 else None
    if owner is None or owner.link_epoch != epoch:
        return None
    return owner


def revoke_links(session: Session, owner_id: int) -> Owner:
    """Every report link given to the owner so far stops working."""
    owner = get_owner(session, owner_id)
    owner.link_epoch += 1
    session.add(owner)
    return owner
