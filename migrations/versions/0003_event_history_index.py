"""event history index: (commitment_id, at, field)

Every listing looks up, per commitment, its latest activity and its deadline changes up to a
date. With this index those lookups read the index alone; it replaces the index on
commitment_id, which its first column already serves (the foreign key included).

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


def upgrade() -> None:
    op.create_index("ix_event_history", "event", ["commitment_id", "at", "field"])
    op.drop_index("ix_event_commitment_id", table_name="event")


def downgrade() -> None:
    op.create_index("ix_event_commitment_id", "event", ["commitment_id"])
    op.drop_index("ix_event_history", table_name="event")
