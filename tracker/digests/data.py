"""Digest content as plain data: what is overdue, due soon, at risk, slipped, changed, delivered.

No formatting here; `tracker.digests.render` turns a `Digest` into Markdown, HTML or text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from tracker.health import AT_RISK_WINDOW_DAYS, STALE_AFTER_DAYS
from tracker.models import Commitment, Event, Owner
from tracker.services.views import (
    Filters,
    active_trend,
    board_attention,
    board_counts,
    board_overdue,
    day,
    instant,
)
from tracker.vocabulary import EventKind, Status

DEFAULT_CAP = 20
TREND_WEEKS = 12
# The area chart's stack, bottom first: each active commitment in exactly one of them.
CHART_BUCKETS = ("overdue", Status.BLOCKED.value, Status.IN_PROGRESS.value, Status.OPEN.value)
T = TypeVar("T")


def plural(count: int, word: str, many: str | None = None) -> str:
    """A count with its noun in the right number: "1 deadline", "2 deadlines"."""
    return f"{count} {word if count == 1 else many or word + 's'}"


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
    reason: str = ""  # why it is listed: "due in 5 days, not started", "blocked", …


@dataclass
class Capped(Generic[T]):
    """A list cut at `cap` entries; `more` says how many were left out."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

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
    counts: dict[str, int]  # CHART_BUCKETS entry -> number of active commitments

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TrendPoint:
    week_end: date
    active: int  # not done or dropped at the end of that day
    overdue: int  # of those, past their deadline


@dataclass(frozen=True)
class Headline:
    """The figures at the top. The status figures count every active commitment of that
    status, overdue ones included; `attention` counts the "due soon / at risk" section, whose
    items are never overdue; `due_soon` (the subject's figure) those of them due within the
    window."""

    open: int
    in_progress: int
    blocked: int
    overdue: int
    due_soon: int
    attention: int
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
    attention: Capped[Item]  # due soon or at risk, each once with its reasons
    slipped: Capped[Slip]
    changes: Capped[Change]
    delivered: Capped[Delivered]
    areas: list[AreaCount]
    trend: list[TrendPoint] = field(default_factory=list)
    stale_after_days: int = STALE_AFTER_DAYS
    due_soon_days: int = AT_RISK_WINDOW_DAYS
    statuses: tuple[str, ...] = field(default=tuple(s.value for s in Status))
    # Set on a catch-up digest: when it was due and how late it comes (its reader must know
    # that the figures are as of its date, not of the moment it arrives).
    late: str = ""
    # A per-owner digest carries the owner's report link (`tracker serve`), when the server's
    # secret is set, and the last day it works.
    report_link: str | None = None
    report_link_until: date | None = None

    @property
    def empty(self) -> bool:
        """Nothing to tell its reader: nothing overdue, due soon or at risk, and no slip,
        delivery or other change in the period (a per-owner digest like this is not sent)."""
        return not (
            self.headline.overdue
            or self.attention.total
            or self.slipped.total
            or self.delivered.total
            or self.changes.total
        )


def _item(row: Any, reason: str = "") -> Item:
    return Item(
        id=row.id,
        title=row.title,
        owner=row.owner,
        due=day(row.due),
        status=row.status,
        area=row.area,
        days_overdue=row.days_overdue,
        days_left=row.days_left,
        slips=row.slips,
        reason=reason,
    )


def _due_in(days: int) -> str:
    if days == 0:
        return "due today"
    return "due tomorrow" if days == 1 else f"due in {days} days"


def _attention_reason(row: Any, as_of: date) -> str:
    """Why an active commitment that is not overdue needs attention: every reason, soonest
    first ("due in 5 days, not started", "blocked", "no update for 41 days")."""
    reasons = []
    if row.due_soon:
        reasons.append(_due_in(row.days_left))
        if row.status == Status.OPEN:
            reasons.append("not started")
    if row.status == Status.BLOCKED:
        reasons.append("blocked")
    if row.stale and row.last_activity is not None:
        quiet = (as_of - instant(row.last_activity).date()).days  # type: ignore[union-attr]
        reasons.append(f"no update for {plural(quiet, 'day')}")
    return ", ".join(reasons)


def _overdue_groups(rows: list[Any], cap: int) -> tuple[list[OwnerGroup], int]:
    """Owner by owner, in the order of each owner's latest item, until `cap` items are shown;
    `rows` are each owner's first `cap` (`board_overdue`). Returns the groups and how many
    overdue items are shown."""
    by_owner: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner].append(row)
    groups, shown = [], 0
    for owner, owned in by_owner.items():
        room = cap - shown
        if room <= 0:
            break
        items = [_item(row) for row in owned[:room]]
        groups.append(OwnerGroup(owner=owner, items=items, total=owned[0].owner_total))
        shown += len(items)
    return groups, shown


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
    if event.kind == EventKind.PROPOSED:
        return f"proposed for closing by its owner: {event.text}"
    if event.kind == EventKind.DECLINED:
        return f"proposal to close declined: {event.text}"
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
) -> Digest:
    """The digest for `as_of`, covering changes in (since, until], for everyone or one owner."""
    owner = session.get(Owner, owner_id) if owner_id is not None else None
    filters = Filters(owner_ids=(owner_id,) if owner_id is not None else ())
    conn = session.connection()
    # Counted and cut in the database: a board of 100,000 commitments sends back a few rows.
    statuses: dict[str, int] = defaultdict(int)
    areas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    late = due_soon_total = attention_total = 0
    for row in board_counts(conn, as_of=as_of, filters=filters):
        statuses[row.status] += row.n
        late += row.overdue * row.n
        due_soon_total += row.due_soon * row.n
        attention_total += (row.due_soon or row.at_risk) * row.n
        if row.overdue:
            areas[row.area or "unassigned"]["overdue"] += row.n
        elif row.status in CHART_BUCKETS:  # active: done and dropped are not charted
            areas[row.area or "unassigned"][row.status] += row.n
    overdue, shown = _overdue_groups(
        board_overdue(conn, as_of=as_of, filters=filters, cap=cap), cap
    )
    listed = board_attention(conn, as_of=as_of, filters=filters, cap=cap)
    attention = Capped([_item(r, _attention_reason(r, as_of)) for r in listed], attention_total)
    weeks = [as_of - timedelta(weeks=n) for n in reversed(range(TREND_WEEKS))]
    trend = [TrendPoint(*p) for p in active_trend(conn, days=weeks, owner_id=owner_id)]

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

    area_counts = [
        AreaCount(area=name, counts={b: counts[b] for b in CHART_BUCKETS if counts.get(b)})
        for name, counts in sorted(areas.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    headline = Headline(
        open=statuses[Status.OPEN],
        in_progress=statuses[Status.IN_PROGRESS],
        blocked=statuses[Status.BLOCKED],
        overdue=late,
        due_soon=due_soon_total,
        attention=attention.total,
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
        overdue_more=late - shown,
        attention=attention,
        slipped=slips,
        changes=changes,
        delivered=delivered,
        areas=area_counts,
        trend=trend,
    )


def subject(digest: Digest) -> str:
    """The e-mail subject: the figures a reader decides on, before opening."""
    h = digest.headline
    figures = [f"{h.overdue} overdue", f"{h.due_soon} due within {digest.due_soon_days} days"]
    if h.delivered:
        figures.append(f"{h.delivered} delivered")
    if h.slipped:
        figures.append(f"{plural(h.slipped, 'deadline')} slipped")
    who = f" for {digest.owner}" if digest.owner else ""
    late = "[late] " if digest.late else ""
    return f"{late}Commitments digest {digest.as_of.isoformat()}{who}: {', '.join(figures)}"
