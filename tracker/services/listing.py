"""Read services: lists, the overdue review and one commitment with its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from tracker.models import Event
from tracker.services.commitments import find_meeting, get_commitment, history
from tracker.services.owners import resolve_owner
from tracker.services.views import CommitmentView, Filters, end_of_day, fetch_commitments


def _filters(
    session: Session, *, owner: str | None, area: str | None, meeting: str | None, **rest: object
) -> Filters:
    return Filters(
        owner_ids=(resolve_owner(session, owner).id,) if owner else (),  # type: ignore[arg-type]
        areas=(area.strip().lower(),) if area else (),
        meeting_id=find_meeting(session, meeting).id if meeting else None,
        **rest,  # type: ignore[arg-type]
    )


def list_commitments(
    session: Session,
    *,
    as_of: date,
    statuses: Sequence[str] = (),
    owner: str | None = None,
    area: str | None = None,
    meeting: str | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    overdue: bool = False,
) -> list[CommitmentView]:
    filters = _filters(
        session,
        owner=owner,
        area=area,
        meeting=meeting,
        statuses=tuple(statuses),
        due_before=due_before,
        due_after=due_after,
        overdue=overdue,
    )
    return fetch_commitments(session, as_of=as_of, filters=filters)


def overdue_commitments(
    session: Session,
    *,
    as_of: date,
    owner: str | None = None,
    area: str | None = None,
    meeting: str | None = None,
) -> list[CommitmentView]:
    """Active commitments past due at `as_of`, most late first (then by id)."""
    filters = _filters(session, owner=owner, area=area, meeting=meeting, overdue=True)
    views = fetch_commitments(session, as_of=as_of, filters=filters)
    return sorted(views, key=lambda v: (-v.assessment.days_overdue, v.id))


def commitment_with_history(
    session: Session, commitment_id: int, *, as_of: date
) -> tuple[CommitmentView, list[Event]]:
    get_commitment(session, commitment_id)
    (view,) = fetch_commitments(session, as_of=as_of, filters=Filters(ids=(commitment_id,)))
    return view, history(session, commitment_id, until=end_of_day(as_of))
