"""structured event details; the values a commitment last had in its meeting file

`event.data` holds what one text column cannot: the whole first state of a created
commitment, the resolution and evidence of a closing, the owner ids of an owner change. With it
the history alone rebuilds a commitment at any instant (`--as-of`).

`commitment.imported` keeps the values the meeting file gave at its last import, so that a
re-import changes a field only when the file changed it, never undoing the follow-up. A
commitment with it came from a meeting file and exists from its meeting's date.

Rows already there are completed as well as the history allows: imported commitments take
their current values as the last imported ones.

Revision ID: 0004_event_data_imported
Revises: 0003_event_history_index
Create Date: 2026-12-01 10:50:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004_event_data_imported"
down_revision: str | None = "0003_event_history_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("data", sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table("commitment") as batch:
        batch.add_column(sa.Column("imported", sa.JSON(none_as_null=True), nullable=True))
    _backfill_imported()
    _backfill_event_data()


def _backfill_imported() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.title, c.quote, o.name, c.due, c.area, c.priority, c.description,"
            " c.counterpart, c.tags FROM commitment c JOIN owner o ON o.id = c.owner_id"
            " WHERE c.meeting_id IS NOT NULL AND c.key IS NOT NULL"
        )
    ).all()
    update = sa.text("UPDATE commitment SET imported = :imported WHERE id = :id")
    for row in rows:
        tags = json.loads(row.tags) if isinstance(row.tags, str) else list(row.tags)
        due = row.due if isinstance(row.due, str) else row.due.isoformat()
        values = {
            "title": row.title,
            "quote": row.quote,
            "owner": row.name,
            "due": due,
            "area": row.area,
            "priority": row.priority,
            "description": row.description,
            "counterpart": row.counterpart,
            "tags": tags,
        }
        bind.execute(update, {"imported": json.dumps(values), "id": row.id})


def _backfill_event_data() -> None:
    """Best effort, for histories written before events had `data`: tag changes as JSON
    arrays, owner changes with the owners' ids (by name), closings with what they recorded
    (the current values for the last one of a closed commitment, else read back from the
    event's text), and reopenings with what they cleared (the closing before them)."""
    bind = op.get_bind()
    owners = {name: id_ for name, id_ in bind.execute(sa.text("SELECT name, id FROM owner"))}
    current = {
        row.id: row
        for row in bind.execute(
            sa.text(
                "SELECT id, status, resolution, evidence FROM commitment"
                " WHERE status IN ('done', 'dropped')"
            )
        )
    }
    events = bind.execute(
        sa.text(
            "SELECT id, commitment_id, at, kind, field, old_value, new_value, text FROM event"
            " WHERE data IS NULL AND (field = 'tags'"
            " OR kind IN ('owner', 'closed', 'dropped', 'reopened'))"
            " ORDER BY commitment_id, at, id"
        )
    ).all()
    last_closing: dict[int, int] = {}  # commitment -> its last closing or reopening event
    for event in events:
        if event.kind in ("closed", "dropped", "reopened"):
            last_closing[event.commitment_id] = event.id
    values: list[dict[str, object]] = []
    data: list[dict[str, object]] = []
    closing: dict[str, object] = {}  # what the latest closing recorded, for a reopening
    for event in events:
        if event.field == "tags" and event.kind == "changed":
            values.append(
                {"id": event.id, "old": _tags(event.old_value), "new": _tags(event.new_value)}
            )
        elif event.kind == "owner":
            details = {"from": owners.get(event.old_value), "to": owners.get(event.new_value)}
            data.append({"id": event.id, "data": json.dumps(details)})
        elif event.kind in ("closed", "dropped"):
            now = current.get(event.commitment_id)
            if now is not None and last_closing[event.commitment_id] == event.id:
                resolution, evidence = now.resolution, now.evidence
            elif event.kind == "closed":
                resolution, evidence = _closing_text(event.text)
            else:
                resolution, evidence = event.text, None
            details = {"resolution": resolution}
            if event.kind == "closed":
                details["evidence"] = evidence
            data.append({"id": event.id, "data": json.dumps(details)})
            closing = details | {"evidence": evidence, "closed_at": _iso(event.at)}
            closing["commitment_id"] = event.commitment_id
        elif event.kind == "reopened":
            if closing.get("commitment_id") != event.commitment_id:
                closing = {}
            details = {key: closing.get(key) for key in ("resolution", "evidence", "closed_at")}
            data.append({"id": event.id, "data": json.dumps(details)})
            closing = {}
    if values:
        bind.execute(
            sa.text("UPDATE event SET old_value = :old, new_value = :new WHERE id = :id"), values
        )
    if data:
        bind.execute(sa.text("UPDATE event SET data = :data WHERE id = :id"), data)


def _tags(value: str | None) -> str | None:
    """A tag list written comma-joined, as a JSON array (tags hold no commas)."""
    if value is None:
        return None
    if value.startswith("["):
        try:
            if isinstance(json.loads(value), list):
                return value
        except ValueError:
            pass
    return json.dumps([tag for tag in value.split(",") if tag])


def _closing_text(text: str | None) -> tuple[str | None, str | None]:
    """The note and evidence a closing wrote as its text: "note · evidence: …"."""
    if not text:
        return None, None
    if text.startswith("evidence: "):
        return None, text.removeprefix("evidence: ")
    note, _, evidence = text.partition(" · evidence: ")
    return note or None, evidence or None


def _iso(value: object) -> str:
    """A stored instant (text on SQLite, a naive datetime on PostgreSQL), UTC, as ISO."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(at, datetime)
    return at.replace(tzinfo=UTC).isoformat()


def downgrade() -> None:
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("imported")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("data")
