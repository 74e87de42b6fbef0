"""Reads the web view needs beyond the board: meetings, owners by id, the choices of its
filters, and the owner a report link names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.errors import NotFound
from tracker.models import Commitment, Event, Meeting, Owner
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


@dataclass(frozen=True)
class CommitmentPage:
    """What a commitment's page shows: the commitment as it stood at the end of a day, its
    history up to then (oldest first: rows of `event`), its meeting (slug, title, date), its
    owner's id and any proposal to close it waiting (as it is now)."""

    view: Any
    events: list[Any]
    meeting: Any | None
    owner_id: int
    proposal: dict[str, Any] | None


def commitment_page(conn: sa.Connection, commitment_id: int, *, as_of: date) -> CommitmentPage:
    """Read with plain queries over the tables, no ORM objects (a browser opens the page
    after every note it writes); NotFound for an id that never was or did not exist yet on
    `as_of`."""
    from tracker.services.listing import commitment_view
    from tracker.services.views import end_of_day

    c, e, m = Commitment.__table__, Event.__table__, Meeting.__table__  # type: ignore[attr-defined]
    row = None
    if 0 < commitment_id < 2**31:  # ids are 32-bit on PostgreSQL
        query = sa.select(c.c.owner_id, c.c.meeting_id, c.c.proposal).where(c.c.id == commitment_id)
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no commitment #{commitment_id}")
    view = commitment_view(conn, commitment_id, as_of=as_of)
    if view is None:
        raise NotFound(f"#{commitment_id} did not exist yet on {as_of.isoformat()}")
    shown = ("at", "actor", "channel", "kind", "field", "old_value", "new_value", "text")
    history = (
        sa.select(*(e.c[name] for name in shown))
        .where(e.c.commitment_id == commitment_id, e.c.at < end_of_day(as_of))
        .order_by(e.c.at, e.c.id)
    )
    meeting = None
    if row.meeting_id is not None:
        meeting_query = sa.select(m.c.slug, m.c.title, m.c.date).where(m.c.id == row.meeting_id)
        meeting = conn.execute(meeting_query).first()
    return CommitmentPage(
        view=view,
        events=list(conn.execute(history)),
        meeting=meeting,
        owner_id=row.owner_id,
        proposal=row.proposal,
    )
