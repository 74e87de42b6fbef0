"""meeting.parties: who met (countries, organisations, bodies), own side first

`tracker extract` reads them from the readout's title and opening and writes them to the
draft's `[meeting] parties`; "we", "both sides" and "the parties" in a readout stand for them.
Meetings imported before have none.

Revision ID: 0007_meeting_parties
Revises: 0006_digest_skip_empty
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_meeting_parties"
down_revision: str | None = "0006_digest_skip_empty"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("parties", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("parties")
