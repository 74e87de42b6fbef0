"""digest schedules that skip empty digests, and deliveries recorded as skipped

`digest_schedule.skip_empty`: a digest with nothing to tell its reader (nothing overdue, due
soon or at risk, and no slip, delivery or other change in its period) is not sent. On for the
per-owner schedules that exist already, as it is for new ones.

`delivery.status` takes `skipped`: such a delivery is settled (never pending, never tried
again), and is neither delivered nor failed.

Revision ID: 0006_digest_skip_empty
Revises: 0005_digest_leases
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_digest_skip_empty"
down_revision: str | None = "0005_digest_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "status IN ('pending', 'delivered', 'failed')"
_AFTER = "status IN ('pending', 'delivered', 'failed', 'skipped')"


def upgrade() -> None:
    with op.batch_alter_table("digest_schedule") as batch:
        batch.add_column(
            sa.Column("skip_empty", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE digest_schedule SET skip_empty = TRUE WHERE audience = 'per_owner'")
    _status_check(_AFTER)


def downgrade() -> None:
    op.execute("UPDATE delivery SET status = 'delivered' WHERE status = 'skipped'")
    _status_check(_BEFORE)
    with op.batch_alter_table("digest_schedule") as batch:
        batch.drop_column("skip_empty")


def _status_check(condition: str) -> None:
    # SQLite copies the table in batch mode; the named constraint is replaced on the copy.
    with op.batch_alter_table("delivery") as batch:
        batch.drop_constraint("ck_delivery_status", type_="check")
        batch.create_check_constraint("ck_delivery_status", condition)
