"""Importing a meeting file: idempotent, matched on (meeting slug, commitment key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from tracker.meetingfile import CommitmentSpec, MeetingSpec
from tracker.models import Commitment, CommitmentCreate, EventKind, Meeting, Owner
from tracker.services.commitments import add_commitment, record
from tracker.services.owners import find_exact


@dataclass
class ImportReport:
    slug: str
    title: str
    place: str | None
    date: str
    source: str
    meeting_created: bool = False
    meeting_updated: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    owners_created: list[str] = field(default_factory=list)
    owners_total: int = 0
    not_in_file: list[str] = field(default_factory=list)
    quotes_verified: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.meeting_created
            or self.meeting_updated
            or self.created
            or self.updated
            or self.owners_created
        )

    def to_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"changed": self.changed}


def import_meeting(
    session: Session, spec: MeetingSpec, *, actor: str, now: datetime
) -> ImportReport:
    report = ImportReport(
        slug=spec.slug,
        title=spec.title,
        place=spec.place,
        date=spec.date.isoformat(),
        source=spec.source_file,
        quotes_verified=len(spec.commitments),
    )
    meeting = _upsert_meeting(session, spec, now, report)
    _upsert_owners(session, spec, report)
    existing = {
        c.key: c
        for c in session.exec(select(Commitment).where(Commitment.meeting_id == meeting.id)).all()
    }
    origin = f"imported from {spec.path.name}"
    for item in spec.commitments:
        current = existing.pop(item.key, None)
        if current is None:
            add_commitment(session, _create(item, spec.slug), actor=actor, now=now, source=origin)
            report.created.append(item.key)
        elif _apply_changes(session, current, item, actor=actor, now=now, origin=spec.path.name):
            report.updated.append(item.key)
        else:
            report.unchanged += 1
    report.not_in_file = sorted(k for k in existing if k)
    report.owners_total = len(
        {c.owner.lower() for c in spec.commitments} | {o.name.lower() for o in spec.owners}
    )
    return report


def _create(item: CommitmentSpec, meeting_slug: str) -> CommitmentCreate:
    return CommitmentCreate(
        title=item.title,
        owner=item.owner,
        due=item.due,
        area=item.area,
        priority=item.priority,
        tags=list(item.tags),
        description=item.description,
        quote=item.quote,
        counterpart=item.counterpart,
        meeting=meeting_slug,
        key=item.key,
    )


def _upsert_meeting(
    session: Session, spec: MeetingSpec, now: datetime, report: ImportReport
) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.slug == spec.slug)).first()
    values = {
        "title": spec.title,
        "date": spec.date,
        "place": spec.place,
        "participants": list(spec.participants),
        "source_file": spec.source_file,
        "source_sha256": spec.source_sha256,
    }
    if meeting is None:
        meeting = Meeting(slug=spec.slug, created_at=now, **values)
        report.meeting_created = True
    else:
        for name, value in values.items():
            if getattr(meeting, name) != value:
                setattr(meeting, name, value)
                report.meeting_updated = True
    session.add(meeting)
    session.flush()
    return meeting


def _upsert_owners(session: Session, spec: MeetingSpec, report: ImportReport) -> None:
    declared = {o.name.lower(): o for o in spec.owners}
    names = [o.name for o in spec.owners] + [c.owner for c in spec.commitments]
    for name in names:
        owner = find_exact(session, name)
        wanted = declared.get(name.lower())
        if owner is None:
            owner = Owner(
                name=name,
                email=wanted.email if wanted else None,
                kind=wanted.kind if wanted else "body",
            )
            session.add(owner)
            session.flush()
            report.owners_created.append(name)
        elif wanted is not None and (owner.email, owner.kind) != (wanted.email, wanted.kind):
            owner.email, owner.kind = wanted.email, wanted.kind
            session.add(owner)
            session.flush()


def _apply_changes(
    session: Session,
    current: Commitment,
    item: CommitmentSpec,
    *,
    actor: str,
    now: datetime,
    origin: str,
) -> bool:
    """Bring a stored commitment in line with the file; one event per changed field.

    Status, notes and closure belong to the follow-up, not to the file, and are left alone.
    """
    text = f"changed in {origin}"
    changed = False
    plain = {
        "title": item.title,
        "quote": item.quote,
        "area": item.area,
        "priority": item.priority,
        "description": item.description,
        "counterpart": item.counterpart,
    }
    for name, value in plain.items():
        if getattr(current, name) != value:
            record(
                session,
                current,
                EventKind.CHANGED,
                actor=actor,
                now=now,
                field=name,
                old=getattr(current, name),
                new=value,
                text=text,
            )
            setattr(current, name, value)
            changed = True
    if list(current.tags) != list(item.tags):
        record(
            session,
            current,
            EventKind.CHANGED,
            actor=actor,
            now=now,
            field="tags",
            old=",".join(current.tags),
            new=",".join(item.tags),
            text=text,
        )
        current.tags = list(item.tags)
        changed = True
    owner = find_exact(session, item.owner)
    assert owner is not None  # created by _upsert_owners
    if owner.id != current.owner_id:
        previous = session.get(Owner, current.owner_id)
        record(
            session,
            current,
            EventKind.OWNER,
            actor=actor,
            now=now,
            field="owner",
            old=previous.name if previous else None,
            new=owner.name,
            text=text,
        )
        current.owner_id = owner.id  # type: ignore[assignment]
        changed = True
    if current.due != item.due:
        record(
            session,
            current,
            EventKind.DUE,
            actor=actor,
            now=now,
            field="due",
            old=current.due.isoformat(),
            new=item.due.isoformat(),
            text=text,
        )
        current.due = item.due
        changed = True
    return changed
