"""Read models: commitments as they stood at a date, with their derived state.

`--as-of D` shows how things stood at the end of day D: changes of status or deadline recorded
after D are undone from the history. Commitments entered after D still count (they belong to a
meeting held earlier); their later changes are undone all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.health import Assessment, assess
from tracker.models import ACTIVE_STATUSES, Commitment, Event, Meeting, Owner


@dataclass(slots=True)
class CommitmentView:
    id: int
    key: str | None
    title: str
    description: str | None
    quote: str | None
    owner: str
    owner_email: str | None
    counterpart: str | None
    due: date
    status: str
    priority: str
    area: str | None
    tags: list[str]
    meeting: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    resolution: str | None
    evidence: str | None
    slips: int
    last_activity: datetime | None
    as_of: date
    assessment: Assessment = field(init=False)

    def __post_init__(self) -> None:
        self.assessment = assess(
            status=self.status, due=self.due, as_of=self.as_of, last_activity=self.last_activity
        )

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "id": self.id,
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "quote": self.quote,
            "owner": self.owner,
            "owner_email": self.owner_email,
            "counterpart": self.counterpart,
            "meeting": self.meeting,
            "area": self.area,
            "priority": self.priority,
            "tags": list(self.tags),
            "status": self.status,
            "due": self.due.isoformat(),
            "as_of": self.as_of.isoformat(),
            "overdue": a.overdue,
            "days_overdue": a.days_overdue,
            "days_left": a.days_left,
            "stale": a.stale,
            "health": a.health.value,
            "slips": self.slips,
            "last_activity": iso_utc(self.last_activity),
            "created_at": iso_utc(self.created_at),
            "updated_at": iso_utc(self.updated_at),
            "closed_at": iso_utc(self.closed_at),
            "resolution": self.resolution,
            "evidence": self.evidence,
        }


def iso_utc(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a Z, the form every JSON output uses."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def event_to_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": iso_utc(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "field": event.field,
        "old": event.old_value,
        "new": event.new_value,
        "text": event.text,
    }


def end_of_day(day: date) -> datetime:
    """The instant day D ends where the user is, as an aware datetime."""
    if day >= date.max - timedelta(days=1):  # the calendar's last days: nothing can be later
        return datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
    return datetime.combine(day + timedelta(days=1), time.min).astimezone()


@dataclass(frozen=True)
class Filters:
    ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    owner_ids: tuple[int, ...] = ()
    areas: tuple[str, ...] = ()
    meeting_id: int | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool = False


def _stats_subquery(cut: datetime, ids: tuple[int, ...] = ()) -> sa.Subquery:
    """Per commitment up to the cut: deadline changes (slips) and the latest activity."""
    query = (
        sa.select(
            Event.commitment_id.label("cid"),
            sa.func.sum(sa.case((Event.field == "due", 1), else_=0)).label("slips"),
            sa.func.max(Event.at).label("last_activity"),
        )
        .where(Event.at < cut)
        .group_by(Event.commitment_id)
    )
    if ids:  # one commitment (`show`): do not aggregate the whole history
        query = query.where(Event.commitment_id.in_(ids))
    return query.subquery("stats")


def _undone_after(session: Session, cut: datetime) -> dict[tuple[int, str], str]:
    """For each (commitment, field) changed after the cut, the value it had before: the old
    value of the first such change."""
    first = (
        sa.select(sa.func.min(Event.id))
        .where(Event.at >= cut, Event.field.in_(("status", "due")))
        .group_by(Event.commitment_id, Event.field)
    )
    query = sa.select(Event.commitment_id, Event.field, Event.old_value).where(Event.id.in_(first))
    return {(cid, fld): old for cid, fld, old in session.execute(query)}


def fetch_commitments(
    session: Session, *, as_of: date, filters: Filters = Filters(), with_text: bool = True
) -> list[CommitmentView]:
    """Commitments matching `filters` as they stood at the end of `as_of`, ordered by due, id.

    `with_text=False` leaves out the long texts (description, quote, resolution, evidence) for
    callers that only count and list titles, such as the digest of 100,000 commitments."""
    cut = end_of_day(as_of)
    history_after_cut = session.execute(
        sa.select(sa.exists().where(Event.at >= cut, Event.field.in_(("status", "due"))))
    ).scalar()
    stats = _stats_subquery(cut, filters.ids)
    c = Commitment.__table__.c

    def text(column: sa.Column[Any]) -> Any:
        return column if with_text else sa.null().label(column.name)

    query = (
        sa.select(
            c.id,
            c.key,
            c.title,
            text(c.description),
            text(c.quote),
            Owner.name,
            Owner.email,
            c.counterpart,
            c.due,
            c.status,
            c.priority,
            c.area,
            c.tags,
            Meeting.slug,
            c.created_at,
            c.updated_at,
            c.closed_at,
            text(c.resolution),
            text(c.evidence),
            sa.func.coalesce(stats.c.slips, 0),
            stats.c.last_activity,
        )
        .join(Owner, Owner.id == c.owner_id)
        .outerjoin(Meeting, Meeting.id == c.meeting_id)
        .outerjoin(stats, stats.c.cid == c.id)
        .order_by(c.due, c.id)
    )
    if filters.ids:
        query = query.where(c.id.in_(filters.ids))
    if filters.owner_ids:
        query = query.where(c.owner_id.in_(filters.owner_ids))
    if filters.areas:
        query = query.where(c.area.in_(filters.areas))
    if filters.meeting_id is not None:
        query = query.where(c.meeting_id == filters.meeting_id)
    if not history_after_cut:
        # The stored state is the state at the cut: filter in SQL.
        if filters.statuses:
            query = query.where(c.status.in_(filters.statuses))
        if filters.due_before:
            query = query.where(c.due < filters.due_before)
        if filters.due_after:
            query = query.where(c.due > filters.due_after)
        if filters.overdue:
            query = query.where(c.status.in_(ACTIVE_STATUSES), c.due < as_of)
    # Through the connection, not the ORM session: plain rows, without ORM result handling.
    rows = session.connection().execute(query).all()
    views = [_row_to_view(row, as_of) for row in rows]
    if not history_after_cut:
        return views
    undone = _undone_after(session, cut)
    for view in views:
        _rewind(view, undone)
    views = [v for v in views if _matches(v, filters)]
    views.sort(key=lambda v: (v.due, v.id))
    return views


def _row_to_view(row: sa.Row[Any], as_of: date) -> CommitmentView:
    return CommitmentView(*row, as_of=as_of)


def _rewind(view: CommitmentView, undone: dict[tuple[int, str], str]) -> None:
    changed = False
    if (view.id, "status") in undone:
        view.status = undone[(view.id, "status")]
        if view.status in ACTIVE_STATUSES:
            view.closed_at = None
            view.resolution = None
            view.evidence = None
        changed = True
    if (view.id, "due") in undone:
        view.due = date.fromisoformat(undone[(view.id, "due")])
        changed = True
    if changed:
        view.__post_init__()


def _matches(view: CommitmentView, filters: Filters) -> bool:
    if filters.statuses and view.status not in filters.statuses:
        return False
    if filters.due_before and not view.due < filters.due_before:
        return False
    if filters.due_after and not view.due > filters.due_after:
        return False
    return not (filters.overdue and not view.assessment.overdue)
