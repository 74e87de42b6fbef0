"""initial schema: meetings, owners, commitments, events

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-27 03:28:30.564536
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "owner",
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('body', 'person')", name="ck_owner_kind"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "commitment",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("quote", sa.String(), nullable=True),
        sa.Column("area", sa.String(length=60), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("counterpart", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("evidence", sa.String(), nullable=True),
        sa.CheckConstraint("priority IN ('high', 'normal', 'low')", name="ck_commitment_priority"),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'blocked', 'done', 'dropped')",
            name="ck_commitment_status",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["owner.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "key", name="uq_commitment_meeting_key"),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_area"), ["area"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_due"), ["due"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_status"), ["status"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("old_value", sa.String(), nullable=True),
        sa.Column("new_value", sa.String(), nullable=True),
        sa.Column("text", sa.String(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('created', 'changed', 'status', 'due', 'owner', 'note', 'closed', 'reopened', 'dropped')",
            name="ck_event_kind",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_commitment_id"), ["commitment_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_event_at"))

    op.drop_table("event")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_status"))
        batch_op.drop_index(batch_op.f("ix_commitment_owner_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_due"))
        batch_op.drop_index(batch_op.f("ix_commitment_area"))

    op.drop_table("commitment")
    op.drop_table("owner")
    op.drop_table("meeting")
