"""the web view: accounts, the channel of each event, owners' link epochs, close proposals

- `account`: people who sign in to `tracker serve` (coordinator or viewer), argon2 hashes;
- `event.channel`: where a change was made (`cli`, `web`); earlier events were all `cli`;
- event kinds `proposed` (an owner proposes closing, with evidence) and `declined` (a
  coordinator turns the proposal down, with a reason);
- `owner.link_epoch`: raised to revoke every report link given to the owner so far;
- `commitment.proposal`: the pending proposal to close, if any.

Revision ID: 0008_web_view
Revises: 0007_meeting_parties
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_web_view"
down_revision: str | None = "0007_meeting_parties"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS_BEFORE = (
    "created", "changed", "status", "due", "owner", "note", "closed", "reopened", "dropped"
)  # fmt: skip
_KINDS = (*_KINDS_BEFORE, "proposed", "declined")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('coordinator', 'viewer')", name="ck_account_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("event") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=10), server_default="cli", nullable=False)
        )
        batch.drop_constraint("ck_event_kind", type_="check")
        batch.create_check_constraint("ck_event_kind", _kinds(_KINDS))
        batch.create_check_constraint("ck_event_channel", "channel IN ('cli', 'web')")
    with op.batch_alter_table("owner") as batch:
        batch.add_column(sa.Column("link_epoch", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("commitment") as batch:
        batch.add_column(sa.Column("proposal", sa.JSON(none_as_null=True), nullable=True))
    op.create_index(
        "ix_commitment_proposal",
        "commitment",
        ["id"],
        postgresql_where=sa.text("proposal IS NOT NULL"),
        sqlite_where=sa.text("proposal IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_commitment_proposal", table_name="commitment")
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("proposal")
    with op.batch_alter_table("owner") as batch:
        batch.drop_column("link_epoch")
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint("ck_event_channel", type_="check")
        batch.drop_constraint("ck_event_kind", type_="check")
        batch.create_check_constraint("ck_event_kind", _kinds(_KINDS_BEFORE))
        batch.drop_column("channel")
    op.drop_table("account")
