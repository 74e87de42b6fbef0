"""indexes for reads and imports; instants on SQLite in one form

Every listing looks up, per commitment, its latest activity and its deadline changes up to a
date. With this index those lookups read the index alone; it replaces the index on
commitment_id, which its first column already serves (the foreign key included). The index on
commitment.meeting_id goes too: the unique (meeting_id, key) serves it, and every inserted row
paid for both.

On SQLite, instants are text compared as text. Imports before this revision wrote whole
seconds without the microseconds that every other write has (`2017-05-16 10:00:00` beside
`2017-05-16 10:00:00.000000`); they are completed here so that every comparison is exact.

Revision ID: 0003_event_history_index
Revises: 0002_digests
Create Date: 2026-11-27 07:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_event_history_index"
down_revision: str | None = "0002_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INSTANTS = {
    "meeting": ("created_at",),
    "commitment": ("created_at", "updated_at", "closed_at"),
    "event": ("at",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in INSTANTS.items():
            for column in columns:
                op.execute(
                    f"UPDATE {table} SET {column} = {column} || '.000000' "
                    f"WHERE length({column}) = 19"
                )
    op.create_index("ix_event_history", "event", ["commitment_id", "at", "field"])
    op.drop_index("ix_event_commitment_id", table_name="event")
    op.drop_index("ix_commitment_meeting_id", table_name="commitment")


def downgrade() -> None:
    op.create_index("ix_commitment_meeting_id", "commitment", ["meeting_id"])
    op.create_index("ix_event_commitment_id", "event", ["commitment_id"])
    op.drop_index("ix_event_history", table_name="event")
