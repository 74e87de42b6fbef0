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


def downgrade() -> None:
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("imported")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("data")
