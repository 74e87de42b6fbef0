"""Importing a meeting file: idempotent, matched on (meeting slug, commitment key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.db import bulk_insert
from tracker.meetingfile import CommitmentSpec, MeetingSpec
from tracker.models import Commitment, Event, EventKind, Meeting, Owner, Status
from tracker.services.commitments import clean_tags, record
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
    """Bring the database in line with the file: new commitments are inserted in bulk (a
    meeting of 100,000 commitments is a few set-based statements), changed ones are updated
    one by one with an event per changed field, unchanged ones are not touched."""
    report = ImportReport(
        slug=spec.slug,
        title=spec.title,
        place=spec.place,
        date=spec.date.isoformat(),
        source=spec.source_file,
        quotes_verified=len(spec.commitments),
    )
    meeting = _upsert_meeting(session, spec, now, report)
    owner_ids = _upsert_owners(session, spec, report)
    c = Commitment.__table__.c
    existing = {
        row.key: row
        for row in session.execute(
            sa.select(
                c.id,
                c.key,
                c.title,
                c.quote,
                c.area,
                c.priority,
                c.description,
                c.counterpart,
                c.tags,
                c.owner_id,
                c.due,
            ).where(c.meeting_id == meeting.id)
        )
    }
    new: list[CommitmentSpec] = []
    for item in spec.commitments:
        row = existing.pop(item.key, None)
        if row is None:
            new.append(item)
        elif _differs(row, item, owner_ids[item.owner.lower()]):
            current = session.get(Commitment, row.id)
            assert current is not None
            _apply_changes(session, current, item, actor=actor, now=now, origin=spec.path.name)
            report.updated.append(item.key)
        else:
            report.unchanged += 1
    _insert_new(
        session,
        new,
        meeting_id=meeting.id,
        owner_ids=owner_ids,
        actor=actor,
        now=now,
        origin=f"imported from {spec.path.name}",
    )  # type: ignore[arg-type]
    report.created = [item.key for item in new]
    report.not_in_file = sorted(k for k in existing if k)
    report.owners_total = len(
        {c.owner.lower() for c in spec.commitments} | {o.name.lower() for o in spec.owners}
    )
    return report


def _differs(row: sa.Row[Any], item: CommitmentSpec, owner_id: int) -> bool:
    return (
        row.title,
        row.quote,
        row.area,
        row.priority,
        row.description,
        row.counterpart,
        list(row.tags),
        row.owner_id,
        row.due,
    ) != (
        item.title,
        item.quote,
        item.area,
        item.priority,
        item.description,
        item.counterpart,
        list(item.tags),
        owner_id,
        item.due,
    )


def _insert_new(
    session: Session,
    items: list[CommitmentSpec],
    *,
    meeting_id: int,
    owner_ids: dict[str, int],
    actor: str,
    now: datetime,
    origin: str,
) -> None:
    """Set-based inserts: the commitments (ids returned in order), then their created events."""
    if not items:
        return
    n = len(items)
    tags: dict[tuple[str, ...], list[str]] = {}  # a few hundred distinct lists, cleaned once
    columns: dict[str, list[Any]] = {
        "title": [item.title for item in items],
        "description": [item.description for item in items],
        "quote": [item.quote for item in items],
        "area": [item.area for item in items],
        "due": [item.due for item in items],
        "priority": [item.priority for item in items],
        "counterpart": [item.counterpart for item in items],
        "meeting_id": [meeting_id] * n,
        "key": [item.key for item in items],
        "owner_id": [owner_ids[item.owner.lower()] for item in items],
        "status": [Status.OPEN.value] * n,
        "tags": [
            tags[item.tags]
            if item.tags in tags
            else tags.setdefault(item.tags, clean_tags(list(item.tags)))
            for item in items
        ],
        "created_at": [now] * n,
        "updated_at": [now] * n,
    }
    table = Commitment.__table__
    bulk_insert(session, table, columns)
    # Keys are unique within a meeting, so they give back the new ids: cheaper than RETURNING,
    # which SQLite can only keep in order one row per statement.
    query = sa.select(table.c.key, table.c.id).where(table.c.meeting_id == meeting_id)
    ids = dict(session.execute(query).tuples().all())
    events: dict[str, list[Any]] = {
        "commitment_id": [ids[key] for key in columns["key"]],
        "at": [now] * n,
        "actor": [actor] * n,
        "kind": [EventKind.CREATED.value] * n,
        "new_value": columns["title"],
        "text": [origin] * n,
    }
    bulk_insert(session, Event.__table__, events)


def _cleaned(cache: dict[tuple[str, ...], list[str]], tags: tuple[str, ...]) -> list[str]:
    if tags not in cache:
        cache[tags] = clean_tags(list(tags))
    return cache[tags]


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


def _upsert_owners(session: Session, spec: MeetingSpec, report: ImportReport) -> dict[str, int]:
    """Create the owners the file names and the database lacks; update declared e-mails and
    kinds. Returns every named owner's id by lower-cased name."""
    declared = {o.name.lower(): o for o in spec.owners}
    known = {
        name.lower(): (oid, email, kind)
        for oid, name, email, kind in session.execute(
            sa.select(Owner.id, Owner.name, Owner.email, Owner.kind)
        )
    }
    ids: dict[str, int] = {}
    names = [o.name for o in spec.owners] + [c.owner for c in spec.commitments]
    for name in names:
        lower = name.lower()
        if lower in ids:
            continue
        wanted = declared.get(lower)
        if lower not in known:
            owner = Owner(
                name=name,
                email=wanted.email if wanted else None,
                kind=wanted.kind if wanted else "body",
            )
            session.add(owner)
            session.flush()
            report.owners_created.append(name)
            ids[lower] = owner.id  # type: ignore[assignment]
            continue
        oid, email, kind = known[lower]
        ids[lower] = oid
        if wanted is not None and (email, kind) != (wanted.email, wanted.kind):
            session.execute(
                sa.update(Owner).where(Owner.id == oid).values(email=wanted.email, kind=wanted.kind)
            )
    return ids


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
