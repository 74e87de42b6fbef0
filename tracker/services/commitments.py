"""Commitments: creation, the status lifecycle, edits and notes, each change recorded as an Event.

Lifecycle: open ⇄ in_progress ⇄ blocked, then `close` (done, with a resolution or evidence) or
`drop` (dropped, with a reason); `reopen` (with a reason) brings either back to open.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from tracker import fields
from tracker.errors import InvalidInput, InvalidTransition, Missing, NotFound, OtherAction
from tracker.models import Commitment, CommitmentCreate, CommitmentUpdate, Event, Meeting, Owner
from tracker.services.owners import resolve_owner
from tracker.vocabulary import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    Channel,
    EventKind,
    Priority,
    Status,
)


def _field(clean: Callable[..., Any], name: str, *args: Any) -> Any:
    """A `tracker.fields` cleaner, its refusal as InvalidInput naming the field."""
    try:
        return clean(*args)
    except ValueError as exc:
        raise InvalidInput(f"{name} {exc}") from None


def clean_title(title: str) -> str:
    return _field(fields.clean_title, "title", title)


def clean_text(text: str | None, *, what: str) -> str:
    return _field(fields.required_block, what, text)


def clean_counterpart(counterpart: str | None) -> str | None:
    return _field(fields.clean_counterpart, "counterpart", counterpart)


def clean_area(area: str | None) -> str | None:
    return _field(fields.clean_area, "area", area)


def clean_priority(priority: str) -> str:
    try:
        return Priority(priority.strip().lower()).value
    except ValueError:
        raise InvalidInput(f"unknown priority {priority!r} (high, normal or low)") from None


def clean_status(status: str) -> str:
    try:
        return Status(status.strip().lower().replace("-", "_").replace(" ", "_")).value
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise InvalidInput(f"unknown status {status!r} ({names})") from None


def clean_tags(tags: list[str]) -> list[str]:
    return _field(fields.clean_tags, "tags", tags)


# Fields an update may empty.
_CLEARABLE = frozenset({"description", "counterpart"})


def get_commitment(session: Session, commitment_id: int) -> Commitment:
    # Ids are 32-bit on PostgreSQL: a larger number cannot name a commitment.
    commitment = session.get(Commitment, commitment_id) if commitment_id < 2**31 else None
    if commitment is None:
        raise NotFound(f"no commitment #{commitment_id}")
    return commitment


def find_meeting(session: Session, slug: str) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.slug == slug.strip())).first()
    if meeting is None:
        raise NotFound(f"no meeting {slug!r}")
    return meeting


def change_owner(
    session: Session,
    commitment: Commitment,
    owner: Owner,
    *,
    actor: str,
    now: datetime,
    text: str | None,
    previous: Owner | None = None,
) -> Event:
    """Hand `commitment` to `owner`, with its owner event: names for the reader, ids in
    `data` because names can be renamed later (`--as-of` rewinds by id). `previous`: the
    current owner when the caller has it at hand."""
    previous = previous or session.get(Owner, commitment.owner_id)
    event = record(
        session,
        commitment,
        EventKind.OWNER,
        actor=actor,
        now=now,
        field="owner",
        old=previous.name if previous else None,
        new=owner.name,
        text=text,
        data={"from": commitment.owner_id, "to": owner.id},
    )
    commitment.owner_id = owner.id  # type: ignore[assignment]
    return event


def record(
    session: Session,
    commitment: Commitment,
    kind: EventKind,
    *,
    actor: str,
    now: datetime,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    text: str | None = None,
    data: dict[str, Any] | None = None,
    channel: str = Channel.CLI,
) -> Event:
    """Append one event to the history and touch the commitment's updated time.

    `data` holds what the text columns cannot, so that the history alone rebuilds the
    commitment at any instant (`--as-of`): see `tracker.services.views`."""
    if commitment.id is None:
        session.flush()
    event = Event(
        commitment_id=commitment.id,
        at=now,
        actor=actor,
        channel=channel,
        kind=kind,
        field=field,
        old_value=old,
        new_value=new,
        text=text,
        data=data,
    )
    commitment.updated_at = now
    session.add(event)
    session.add(commitment)
    return event


def add_commitment(
    session: Session,
    data: CommitmentCreate,
    *,
    actor: str,
    now: datetime,
    source: str | None = None,
) -> Commitment:
    title = clean_title(data.title)  # checked first: the cheapest mistake to report
    owner = resolve_owner(session, data.owner)
    meeting = find_meeting(session, data.meeting) if data.meeting else None
    commitment = Commitment(
        title=title,
        description=_field(fields.optional_block, "description", data.description),
        quote=_field(fields.clean_quote, "quote", data.quote),
        area=clean_area(data.area),
        due=data.due,
        priority=clean_priority(data.priority),
        counterpart=clean_counterpart(data.counterpart),
        meeting_id=meeting.id if meeting else None,
        key=data.key,
        owner_id=owner.id,
        status=Status.OPEN,
        tags=clean_tags(data.tags),
        created_at=now,
        updated_at=now,
    )
    session.add(commitment)
    session.flush()
    record(
        session,
        commitment,
        EventKind.CREATED,
        actor=actor,
        now=now,
        new=commitment.title,
        text=source,
        data=_first_state(commitment, owner_name=owner.name),
    )
    return commitment


def _first_state(commitment: Commitment, *, owner_name: str) -> dict[str, Any]:
    """The whole state a commitment starts with: where a replay of its history begins."""
    return {
        "title": commitment.title,
        "description": commitment.description,
        "quote": commitment.quote,
        "owner_id": commitment.owner_id,
        "owner": owner_name,
        "counterpart": commitment.counterpart,
        "area": commitment.area,
        "priority": commitment.priority,
        "tags": list(commitment.tags),
        "due": commitment.due.isoformat(),
        "status": commitment.status,
        "meeting_id": commitment.meeting_id,
        "key": commitment.key,
    }


def update_commitment(
    session: Session,
    commitment_id: int,
    changes: CommitmentUpdate,
    *,
    reason: str | None,
    actor: str,
    now: datetime,
    channel: str = Channel.CLI,
) -> list[Event]:
    """Apply the fields set in `changes`; returns the events written (none if nothing changed)."""
    commitment = get_commitment(session, commitment_id)
    # What was given, cleared fields (an empty description) included.
    given = {name: getattr(changes, name) for name in changes.model_fields_set}
    given = {k: v for k, v in given.items() if v is not None or k in _CLEARABLE}
    if not given:
        raise InvalidInput("nothing to update: give at least one field to change")
    reason = (reason or "").strip() or None
    events: list[Event] = []

    def change(
        kind: EventKind,
        field: str,
        old: object,
        new: object,
        text: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        events.append(
            record(
                session,
                commitment,
                kind,
                actor=actor,
                now=now,
                field=field,
                old=_text(old),
                new=_text(new),
                text=text,
                data=data,
                channel=channel,
            )
        )

    if "title" in given:
        title = clean_title(given["title"])
        if title != commitment.title:
            change(EventKind.CHANGED, "title", commitment.title, title)
            commitment.title = title
    if "description" in given:
        description = _field(fields.optional_block, "description", given["description"])
        if description != commitment.description:
            change(EventKind.CHANGED, "description", commitment.description, description)
            commitment.description = description
    if "area" in given:
        area = clean_area(given["area"])
        if area != commitment.area:
            change(EventKind.CHANGED, "area", commitment.area, area)
            commitment.area = area
    if "priority" in given:
        priority = clean_priority(given["priority"])
        if priority != commitment.priority:
            change(EventKind.CHANGED, "priority", commitment.priority, priority)
            commitment.priority = priority
    if "counterpart" in given:
        counterpart = clean_counterpart(given["counterpart"])
        if counterpart != commitment.counterpart:
            change(EventKind.CHANGED, "counterpart", commitment.counterpart, counterpart)
            commitment.counterpart = counterpart
    if "add_tags" in given or "remove_tags" in given:
        removed = set(clean_tags(given.get("remove_tags", [])))
        tags = [t for t in commitment.tags if t not in removed]
        tags += [t for t in clean_tags(given.get("add_tags", [])) if t not in tags]
        if tags != commitment.tags:
            # JSON arrays: a tag list is rebuilt from them exactly, even an empty one.
            change(EventKind.CHANGED, "tags", json.dumps(commitment.tags), json.dumps(tags))
            commitment.tags = tags
    if "owner" in given:
        owner = resolve_owner(session, given["owner"])
        if owner.id != commitment.owner_id:
            events.append(
                change_owner(session, commitment, owner, actor=actor, now=now, text=reason)
            )
    if "due" in given and given["due"] != commitment.due:
        if commitment.status in CLOSED_STATUSES:
            raise InvalidTransition(
                f"#{commitment.id} is {commitment.status}: reopen it before moving its deadline"
            )
        if not reason:
            raise Missing("changing a deadline", "reason", why="it is counted as a slip")
        change(EventKind.DUE, "due", commitment.due, given["due"], reason)
        commitment.due = given["due"]
    if "status" in given:
        status = clean_status(given["status"])
        if status == Status.DONE:
            raise OtherAction(Status.DONE, "close")
        if status == Status.DROPPED:
            raise OtherAction(Status.DROPPED, "drop")
        if commitment.status in CLOSED_STATUSES:
            raise InvalidTransition(
                f"#{commitment.id} is {commitment.status}: `tracker reopen` it first"
            )
        if status != commitment.status:
            change(EventKind.STATUS, "status", commitment.status, status, reason)
            commitment.status = status
    return events


def add_note(
    session: Session,
    commitment_id: int,
    text: str,
    *,
    actor: str,
    now: datetime,
    channel: str = Channel.CLI,
) -> Event:
    commitment = get_commitment(session, commitment_id)
    return record(
        session,
        commitment,
        EventKind.NOTE,
        actor=actor,
        now=now,
        channel=channel,
        text=clean_text(text, what="note"),
    )


def close_commitment(
    session: Session,
    commitment_id: int,
    *,
    note: str | None,
    evidence: str | None,
    actor: str,
    now: datetime,
    channel: str = Channel.CLI,
) -> Commitment:
    """Mark done. A status states an outcome, so a resolution note or evidence is required."""
    commitment = get_commitment(session, commitment_id)
    note = _field(fields.optional_block, "note", note)
    evidence = _field(fields.optional_block, "evidence", evidence)
    if commitment.status in CLOSED_STATUSES:
        raise InvalidTransition(f"#{commitment.id} is already {commitment.status}")
    if not note and not evidence:
        raise Missing("closing", "note", "evidence", why="say what was delivered")
    text = " · ".join(
        part for part in (note, f"evidence: {evidence}" if evidence else None) if part
    )
    record(
        session,
        commitment,
        EventKind.CLOSED,
        actor=actor,
        now=now,
        field="status",
        old=commitment.status,
        new=Status.DONE,
        text=text,
        data={"resolution": note, "evidence": evidence},
        channel=channel,
    )
    commitment.status = Status.DONE
    commitment.closed_at = now
    commitment.resolution = note
    commitment.evidence = evidence
    commitment.proposal = None  # a pending proposal to close is settled by the closing
    return commitment


def reopen_commitment(
    session: Session, commitment_id: int, *, reason: str | None, actor: str, now: datetime
) -> Commitment:
    commitment = get_commitment(session, commitment_id)
    if commitment.status in ACTIVE_STATUSES:
        raise InvalidTransition(
            f"#{commitment.id} is {commitment.status}, not closed: nothing to reopen"
        )
    if not fields.optional_block(reason):
        raise Missing("reopening", "reason")
    reason = clean_text(reason, what="reason")
    record(
        session,
        commitment,
        EventKind.REOPENED,
        actor=actor,
        now=now,
        field="status",
        old=commitment.status,
        new=Status.OPEN,
        text=reason,
        # What the reopening clears, so that a view before it can put it back.
        data={
            "resolution": commitment.resolution,
            "evidence": commitment.evidence,
            "closed_at": _iso_instant(commitment.closed_at),
        },
    )
    commitment.status = Status.OPEN
    commitment.closed_at = None
    commitment.resolution = None
    commitment.evidence = None
    return commitment


def drop_commitment(
    session: Session, commitment_id: int, *, reason: str | None, actor: str, now: datetime
) -> Commitment:
    """Stop pursuing a commitment; the reason is kept as its resolution."""
    commitment = get_commitment(session, commitment_id)
    if commitment.status in CLOSED_STATUSES:
        raise InvalidTransition(f"#{commitment.id} is already {commitment.status}")
    if not fields.optional_block(reason):
        raise Missing("dropping", "reason")
    reason = clean_text(reason, what="reason")
    record(
        session,
        commitment,
        EventKind.DROPPED,
        actor=actor,
        now=now,
        field="status",
        old=commitment.status,
        new=Status.DROPPED,
        text=reason,
        data={"resolution": reason},
    )
    commitment.status = Status.DROPPED
    commitment.closed_at = now
    commitment.proposal = None
    commitment.resolution = reason
    return commitment


def each_commitment(ids: Iterable[int]) -> list[int]:
    """The ids of a command that names several, each once, in the order given: `close 3 3`
    closes #3 once rather than fail on its second mention."""
    return list(dict.fromkeys(ids))


# Several ids in one call: each is changed as the one-id function changes it, in the caller's
# one transaction, so the first refusal (naming its id) leaves every other unchanged too.


def close_commitments(
    session: Session,
    ids: Iterable[int],
    *,
    note: str | None,
    evidence: str | None,
    actor: str,
    now: datetime,
) -> list[Commitment]:
    return [
        close_commitment(session, i, note=note, evidence=evidence, actor=actor, now=now)
        for i in each_commitment(ids)
    ]


def drop_commitments(
    session: Session, ids: Iterable[int], *, reason: str | None, actor: str, now: datetime
) -> list[Commitment]:
    return [
        drop_commitment(session, i, reason=reason, actor=actor, now=now)
        for i in each_commitment(ids)
    ]


def reopen_commitments(
    session: Session, ids: Iterable[int], *, reason: str | None, actor: str, now: datetime
) -> list[Commitment]:
    return [
        reopen_commitment(session, i, reason=reason, actor=actor, now=now)
        for i in each_commitment(ids)
    ]


def add_notes(
    session: Session, ids: Iterable[int], text: str, *, actor: str, now: datetime
) -> list[Event]:
    events = [add_note(session, i, text, actor=actor, now=now) for i in each_commitment(ids)]
    session.flush()  # the events' ids, for `note --json`
    return events


def update_commitments(
    session: Session,
    ids: Iterable[int],
    changes: CommitmentUpdate,
    *,
    reason: str | None,
    actor: str,
    now: datetime,
) -> dict[int, list[Event]]:
    """Each id with the events its update wrote (none where nothing changed)."""
    return {
        i: update_commitment(session, i, changes, reason=reason, actor=actor, now=now)
        for i in each_commitment(ids)
    }


def history(session: Session, commitment_id: int, *, until: datetime | None = None) -> list[Event]:
    get_commitment(session, commitment_id)
    query = select(Event).where(Event.commitment_id == commitment_id)
    if until is not None:
        query = query.where(Event.at < until)
    return list(session.exec(query.order_by(Event.at, Event.id)).all())


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _iso_instant(value: datetime | None) -> str | None:
    """UTC, as `2017-09-12T10:00:00.123456+00:00`: both backends read it back as an instant."""
    if value is None:
        return None
    if value.tzinfo is None:  # read back from SQLite by a path that skipped the column type
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()
