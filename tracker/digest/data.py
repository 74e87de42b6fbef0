"""Digest content as plain data: what is overdue, due soon, at risk, slipped, changed, delivered.

No formatting here; `tracker.digest.render` turns a `Digest` into Markdown, HTML or text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from tracker.health import AT_RISK_WINDOW_DAYS, STALE_AFTER_DAYS, Health
from tracker.models import ACTIVE_STATUSES, Commitment, Event, EventKind, Owner, Status
from tracker.services.views import CommitmentView, Filters, fetch_commitments

DEFAULT_CAP = 20
T = TypeVar("T")


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    owner: str
    due: date
    status: str
    area: str | None
    days_overdue: int
    days_left: int
    slips: int
    reason: str = ""  # why it is listed where it is (at risk: "not started", "no update …")


@dataclass
class Capped(Generic[T]):
    """A list cut at `cap` entries; `more` says how many were left out."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @classmethod
    def of(cls, items: list[T], cap: int) -> Capped[T]:
        return cls(items=items[:cap], total=len(items))

    def count(self, cap: int) -> bool:
        """Count one more entry; True while it should also be built and listed (a busy period
        has thousands of entries, of which a digest shows the first few)."""
        self.total += 1
        return len(self.items) < cap


@dataclass(frozen=True)
class OwnerGroup:
    owner: str
    items: list[Item]
    total: int


@dataclass(frozen=True)
class Slip:
    id: int
    title: str
    owner: str
    old_due: str | None
    new_due: str | None
    reason: str | None
    actor: str
    at: datetime


@dataclass(frozen=True)
class Change:
    id: int
    title: str
    owner: str
    kind: str
    summary: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class Delivered:
    id: int
    title: str
    owner: str
    at: datetime
    resolution: str | None


@dataclass(frozen=True)
class AreaCount:
    area: str
    counts: dict[str, int]  # status -> number of commitments

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Headline:
    open: int
    in_progress: int
    blocked: int
    overdue: int
    due_soon: int
    delivered: int
    slipped: int


@dataclass
class Digest:
    as_of: date
    since: datetime
    until: datetime
    owner: str | None
    headline: Headline
    overdue: list[OwnerGroup]
    overdue_more: int
    due_soon: Capped[Item]
    at_risk: Capped[Item]
    slipped: Capped[Slip]
    changes: Capped[Change]
    delivered: Capped[Delivered]
    areas: list[AreaCount]
    stale_after_days: int = STALE_AFTER_DAYS
    statuses: tuple[str, ...] = field(default=tuple(s.value for s in Status))


def _item(view: CommitmentView, reason: str = "") -> Item:
    a = view.assessment
    return Item(
        id=view.id,
        title=view.title,
        owner=view.owner,
        due=view.due,
        status=view.status,
        area=view.area,
        days_overdue=a.days_overdue,
        days_left=a.days_left,
        slips=view.slips,
        reason=reason,
    )


def _risk_reason(view: CommitmentView, stale_after_days: int) -> str | None:
    a = view.assessment
    if a.overdue or view.status not in ACTIVE_STATUSES:
        return None
    if view.status == Status.BLOCKED:
        return "blocked"
    if a.stale and view.last_activity is not None:
        quiet = (view.as_of - view.last_activity.date()).days
        return f"no update for {quiet} days"
    if a.health == Health.AT_RISK:
        return f"not started, due in {a.days_left} days"
    return None


def _overdue_groups(views: list[CommitmentView], cap: int) -> tuple[list[OwnerGroup], int]:
    late = sorted(
        (v for v in views if v.assessment.overdue), key=lambda v: (-v.assessment.days_overdue, v.id)
    )
    by_owner: dict[str, list[Item]] = defaultdict(list)
    for view in late:  # owners in order of their latest item
        by_owner[view.owner].append(_item(view))
    groups, shown = [], 0
    for owner, items in by_owner.items():
        room = cap - shown
        if room <= 0:
            break
        groups.append(OwnerGroup(owner=owner, items=items[:room], total=len(items)))
        shown += len(items[:room])
    return groups, len(late) - shown


def _events(
    session: Session, *, since: datetime, until: datetime, owner_id: int | None
) -> list[tuple[Any, str, str]]:
    """The period's events as plain rows (a busy period has one per commitment imported)."""
    e = Event.__table__.c
    query = (
        sa.select(
            e.commitment_id,
            e.kind,
            e.field,
            e.old_value,
            e.new_value,
            e.text,
            e.actor,
            e.at,
            Commitment.title,
            Owner.name,
        )
        .join(Commitment, Commitment.id == Event.commitment_id)
        .join(Owner, Owner.id == Commitment.owner_id)
        .where(Event.at > since, Event.at <= until)
        .order_by(Event.at, Event.id)
    )
    if owner_id is not None:
        query = query.where(Commitment.owner_id == owner_id)
    return [(row, row[8], row[9]) for row in session.connection().execute(query)]


def _summary(event: Any) -> str:
    if event.kind == EventKind.CREATED:
        return "added" + (f" ({event.text})" if event.text else "")
    if event.kind == EventKind.NOTE:
        return f"note: {event.text}"
    change = ""
    if event.field:
        change = f"{event.field} {event.old_value or '-'} → {event.new_value or '-'}"
    return " · ".join(part for part in (change, event.text) if part) or event.kind


def build_digest(
    session: Session,
    *,
    as_of: date,
    since: datetime,
    until: datetime,
    owner_id: int | None = None,
    cap: int = DEFAULT_CAP,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Digest:
    """The digest for `as_of`, covering changes in (since, until], for everyone or one owner."""
    owner = session.get(Owner, owner_id) if owner_id is not None else None
    filters = Filters(owner_ids=(owner_id,) if owner_id is not None else ())
    views = fetch_commitments(session, as_of=as_of, filters=filters, with_text=False)
    active = [v for v in views if v.status in ACTIVE_STATUSES]

    overdue, overdue_more = _overdue_groups(views, cap)
    due_soon = sorted(
        (v for v in active if 0 <= v.assessment.days_left <= AT_RISK_WINDOW_DAYS),
        key=lambda v: (v.due, v.id),
    )
    at_risk: Capped[Item] = Capped([], 0)
    for view in sorted(active, key=lambda v: (v.due, v.id)):
        reason = _risk_reason(view, stale_after_days)
        if reason and at_risk.count(cap):
            at_risk.items.append(_item(view, reason))

    slips: Capped[Slip] = Capped([], 0)
    changes: Capped[Change] = Capped([], 0)
    delivered: Capped[Delivered] = Capped([], 0)
    for event, title, owner_name in _events(session, since=since, until=until, owner_id=owner_id):
        if event.kind == EventKind.DUE:
            if slips.count(cap):
                slips.items.append(
                    Slip(
                        id=event.commitment_id,
                        title=title,
                        owner=owner_name,
                        old_due=event.old_value,
                        new_due=event.new_value,
                        reason=event.text,
                        actor=event.actor,
                        at=event.at,
                    )
                )
        elif event.kind == EventKind.CLOSED:
            if delivered.count(cap):
                delivered.items.append(
                    Delivered(
                        id=event.commitment_id,
                        title=title,
                        owner=owner_name,
                        at=event.at,
                        resolution=event.text,
                    )
                )
        else:
            if changes.count(cap):
                changes.items.append(
                    Change(
                        id=event.commitment_id,
                        title=title,
                        owner=owner_name,
                        kind=event.kind,
                        summary=_summary(event),
                        actor=event.actor,
                        at=event.at,
                    )
                )

    areas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for view in views:
        areas[view.area or "unassigned"][view.status] += 1
    area_counts = [
        AreaCount(area=name, counts=dict(counts))
        for name, counts in sorted(areas.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    headline = Headline(
        open=sum(1 for v in views if v.status == Status.OPEN),
        in_progress=sum(1 for v in views if v.status == Status.IN_PROGRESS),
        blocked=sum(1 for v in views if v.status == Status.BLOCKED),
        overdue=sum(1 for v in views if v.assessment.overdue),
        due_soon=len(due_soon),
        delivered=delivered.total,
        slipped=slips.total,
    )
    return Digest(
        as_of=as_of,
        since=since,
        until=until,
        owner=owner.name if owner else None,
        headline=headline,
        overdue=overdue,
        overdue_more=overdue_more,
        due_soon=Capped.of([_item(v) for v in due_soon], cap),
        at_risk=at_risk,
        slipped=slips,
        changes=changes,
        delivered=delivered,
        areas=area_counts,
        stale_after_days=stale_after_days,
    )


def subject(digest: Digest) -> str:
    """The e-mail subject: the figures a reader decides on, before opening."""
    h = digest.headline
    figures = [f"{h.overdue} overdue", f"{h.due_soon} due within {AT_RISK_WINDOW_DAYS} days"]
    if h.delivered:
        figures.append(f"{h.delivered} delivered")
    if h.slipped:
        figures.append(f"{h.slipped} slipped")
    who = f" for {digest.owner}" if digest.owner else ""
    return f"Commitments digest {digest.as_of.isoformat()}{who}: {', '.join(figures)}"
