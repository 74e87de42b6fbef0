"""Importing a meeting file: idempotent, matched on (meeting slug, commitment key)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import fields
from tracker.db import bulk_insert, duplicate_is_conflict
from tracker.fields import name_key
from tracker.meetingfile import CommitmentSpec, MeetingSpec
from tracker.models import Commitment, Event, EventKind, Meeting, Owner, Status
from tracker.services.commitments import change_owner, record
from tracker.services.views import day as views_day


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
    # Per updated commitment, the fields the import changed.
    changed_fields: dict[str, list[str]] = field(default_factory=dict)
    # Fields the file changed that the follow-up had changed too: left as the follow-up set
    # them unless forced. Each names key, field, the file's value and the current one.
    conflicts: list[dict[str, Any]] = field(default_factory=list)
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
    session: Session, spec: MeetingSpec, *, actor: str, now: datetime, force: bool = False
) -> ImportReport:
    """Bring the database in line with the file: new commitments are inserted in bulk (a
    meeting of 100,000 commitments is a few set-based statements), existing ones change only
    where the file changed since its last import (`commitment.imported`), so a re-import never
    undoes the follow-up; where both changed a field, the follow-up's value stays and the
    conflict is reported, unless `force`."""
    report = ImportReport(
        slug=spec.slug,
        title=spec.title,
        place=spec.place,
        date=spec.date.isoformat(),
        source=spec.source_file,
        quotes_verified=len(spec.commitments),
    )
    meeting = _upsert_meeting(session, spec, now, report)
    c = Commitment.__table__.c
    o = Owner.__table__.c
    existing = {
        row.key: row
        for row in session.execute(
            sa.select(
                *(c[name] for name in _STORED), c.id, c.key, c.imported, o.name.label("owner")
            )
            .join(Owner, o.id == c.owner_id)
            .where(c.meeting_id == meeting.id)
        )
    }
    owner_ids = _upsert_owners(session, spec, report, renamed=_renamed_owners(existing.values()))
    new: list[CommitmentSpec] = []
    origin = spec.path.name
    for item in spec.commitments:
        row = existing.pop(item.key, None)
        if row is None:
            new.append(item)
            continue
        changed = _merge(
            session, row, item, owner_ids, report, actor=actor, now=now, origin=origin, force=force
        )
        if changed:
            report.updated.append(item.key)
            report.changed_fields[item.key] = changed
        else:
            report.unchanged += 1
    _insert_new(
        session,
        new,
        meeting_id=meeting.id,
        owner_ids=owner_ids,
        actor=actor,
        now=now,
        origin=f"imported from {origin}",
    )  # type: ignore[arg-type]
    report.created = [item.key for item in new]
    report.not_in_file = sorted(k for k in existing if k)
    report.owners_total = len(
        {name_key(c.owner) for c in spec.commitments} | {name_key(o.name) for o in spec.owners}
    )
    return report


# The file's fields as the commitment table stores them (the owner is an id there).
_STORED = ("title", "quote", "area", "priority", "description", "counterpart", "tags", "due")


def _same(name: str, a: Any, b: Any) -> bool:
    """Whether two values of a file field are the same once cleaned the one way every writer
    cleans them: ["Visa", "visa"] is ["visa"], an owner's name is compared as `name_key`."""
    return _comparable(name, a) == _comparable(name, b)


def _comparable(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "tags":
        return fields.clean_tags(list(value))
    if name == "due":
        return value if isinstance(value, str) else value.isoformat()
    if name == "owner":
        return name_key(value)
    if name == "description":
        return fields.optional_block(value, limit=10**9)
    if name == "area":
        return fields.clean_line(value).lower() or None
    return fields.clean_line(value) or None


def _current(row: sa.Row[Any]) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in fields.FILE_FIELDS}
    values["due"] = views_day(row.due).isoformat()
    values["tags"] = json.loads(row.tags) if isinstance(row.tags, str) else list(row.tags)
    return values


def _merge(
    session: Session,
    row: sa.Row[Any],
    item: CommitmentSpec,
    owner_ids: dict[str, int],
    report: ImportReport,
    *,
    actor: str,
    now: datetime,
    origin: str,
    force: bool,
) -> list[str]:
    """Three-way: a field changes only when the file's value differs from the one it had at
    the last import; a field the follow-up changed meanwhile is a conflict. Returns the
    fields changed; keeps the file's values as the last imported ones."""
    file_values = item.file_values()
    current = _current(row)
    last = row.imported
    if isinstance(last, str):
        last = json.loads(last)
    if not last:  # imported before the file's values were kept: take the current ones
        last = current
    kept = dict(file_values)
    if last.get("owner_id") is not None:
        kept["owner_id"] = last["owner_id"]  # dropped below if the file names another owner
    to_apply: dict[str, Any] = {}
    for name in fields.FILE_FIELDS:
        theirs = file_values[name]
        if _same(name, theirs, last.get(name)):
            continue  # the file did not change it: whatever the follow-up did stands
        if _same(name, theirs, current[name]):
            continue  # already so
        if force or _same(name, current[name], last.get(name)):
            to_apply[name] = theirs
            continue
        report.conflicts.append(
            {"key": item.key, "field": name, "file": theirs, "current": current[name]}
        )
        kept[name] = last.get(name)  # still to be settled: reported again next time
    if not _same("owner", kept["owner"], last.get("owner")):
        kept.pop("owner_id", None)  # the renamed owner's old name is no longer the file's
    commitment: Commitment | None = None
    if to_apply:
        commitment = session.get(Commitment, row.id)
        assert commitment is not None
        _apply_changes(
            session, commitment, to_apply, owner_ids, actor=actor, now=now, origin=origin
        )
    if kept != last or row.imported is None:
        session.execute(sa.update(Commitment).where(Commitment.id == row.id).values(imported=kept))
        if commitment is not None:
            session.expire(commitment, ["imported"])
    return list(to_apply)


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
        "owner_id": [owner_ids[name_key(item.owner)] for item in items],
        "status": [Status.OPEN.value] * n,
        "tags": [item.tags for item in items],  # cleaned by the model already
        "created_at": [now] * n,
        "updated_at": [now] * n,
        "imported": [item.file_values() for item in items],
    }
    table = Commitment.__table__
    bulk_insert(session, table, columns)
    # Keys are unique within a meeting, so they give back the new ids: cheaper than RETURNING,
    # which SQLite can only keep in order one row per statement.
    query = sa.select(table.c.key, table.c.id).where(table.c.meeting_id == meeting_id)
    ids = dict(session.execute(query).tuples().all())
    names = dict(session.execute(sa.select(Owner.id, Owner.name)).tuples().all())
    events: dict[str, list[Any]] = {
        "commitment_id": [ids[key] for key in columns["key"]],
        "at": [now] * n,
        "actor": [actor] * n,
        "kind": [EventKind.CREATED.value] * n,
        "new_value": columns["title"],
        "text": [origin] * n,
        # The first state, whole: the history alone rebuilds the commitment at any instant.
        "data": [
            {
                "title": item.title,
                "description": item.description,
                "quote": item.quote,
                "owner_id": owner_id,
                "owner": names[owner_id],
                "counterpart": item.counterpart,
                "area": item.area,
                "priority": item.priority,
                "tags": item.tags,
                "due": item.due.isoformat(),
                "status": Status.OPEN.value,
                "meeting_id": meeting_id,
                "key": item.key,
            }
            for item, owner_id in zip(items, columns["owner_id"], strict=True)
        ],
    }
    bulk_insert(session, Event.__table__, events)


def _upsert_meeting(
    session: Session, spec: MeetingSpec, now: datetime, report: ImportReport
) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.slug == spec.slug)).first()
    values = {
        "title": spec.title,
        "date": spec.date,
        "place": spec.place,
        "participants": list(spec.participants),
        "parties": list(spec.parties),
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
    # Two imports of a new meeting at once: the second meets the unique slug (PostgreSQL).
    with duplicate_is_conflict(f"meeting {spec.slug!r} is being imported by another process"):
        session.flush()
    return meeting


def _renamed_owners(rows: Iterable[sa.Row[Any]]) -> dict[str, int]:
    """The owners renamed or merged away since the file was imported, by the `name_key` of
    the name the file gives them: `tracker.services.owner_changes` notes in each commitment's
    last imported values (`owner_id`) the owner that name now stands for."""
    renamed: dict[str, int] = {}
    for row in rows:
        last = json.loads(row.imported) if isinstance(row.imported, str) else row.imported
        if last and last.get("owner_id") is not None and last.get("owner"):
            renamed[name_key(last["owner"])] = int(last["owner_id"])
    return renamed


def _upsert_owners(
    session: Session, spec: MeetingSpec, report: ImportReport, *, renamed: dict[str, int]
) -> dict[str, int]:
    """Create the owners the file names and the database lacks; update declared e-mails and
    kinds. Returns every named owner's id by `name_key`, so that a look-alike of a known name
    (another case, a zero-width space) is that owner, not a new one; so is an old name of an
    owner renamed since the last import (`renamed`)."""
    declared = {name_key(o.name): o for o in spec.owners}
    by_id = {
        oid: (oid, email, kind, name)
        for oid, name, email, kind in session.execute(
            sa.select(Owner.id, Owner.name, Owner.email, Owner.kind)
        )
    }
    known = {key: by_id[oid][:3] for key, oid in renamed.items() if oid in by_id} | {
        name_key(name): (oid, email, kind) for oid, email, kind, name in by_id.values()
    }
    ids: dict[str, int] = {}
    names = [o.name for o in spec.owners] + [c.owner for c in spec.commitments]
    for name in names:
        key = name_key(name)
        if key in ids:
            continue
        wanted = declared.get(key)
        if key not in known:
            owner = Owner(
                name=name,
                email=wanted.email if wanted else None,
                kind=wanted.kind if wanted else "body",
            )
            session.add(owner)
            with duplicate_is_conflict(f"owner {name!r} was added meanwhile; import again"):
                session.flush()
            report.owners_created.append(name)
            ids[key] = owner.id  # type: ignore[assignment]
            continue
        oid, email, kind = known[key]
        ids[key] = oid
        if wanted is not None and (email, kind) != (wanted.email, wanted.kind):
            session.execute(
                sa.update(Owner).where(Owner.id == oid).values(email=wanted.email, kind=wanted.kind)
            )
    return ids


def _apply_changes(
    session: Session,
    current: Commitment,
    changes: dict[str, Any],
    owner_ids: dict[str, int],
    *,
    actor: str,
    now: datetime,
    origin: str,
) -> None:
    """Set the file's new values, one event per field, as the services write them."""
    text = f"changed in {origin}"
    for name, value in changes.items():
        if name == "owner":
            new_owner = session.get(Owner, owner_ids[name_key(value)])
            assert new_owner is not None
            change_owner(session, current, new_owner, actor=actor, now=now, text=text)
        elif name == "due":
            due = date.fromisoformat(value)
            record(
                session,
                current,
                EventKind.DUE,
                actor=actor,
                now=now,
                field="due",
                old=current.due.isoformat(),
                new=value,
                text=text,
            )
            current.due = due
        elif name == "tags":
            tags = fields.clean_tags(value)
            record(
                session,
                current,
                EventKind.CHANGED,
                actor=actor,
                now=now,
                field="tags",
                old=json.dumps(current.tags),
                new=json.dumps(tags),
                text=text,
            )
            current.tags = tags
        else:
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
