"""digest run leases and delivery retry times

`digest_run.lease_owner` / `lease_until` say which process is delivering a run and until when:
a run is delivered only under a lease taken in the database, so a daemon that lost its lock
while an e-mail was in flight, a second daemon, `--once` and a crashed `schedule run` can
never send the same period twice, and a lease that ran out marks work left by a dead process.

`delivery.not_before` is when a delivery that failed for a passing reason (a 4xx reply, a
server that cannot be reached) is tried again.

Revision ID: 0005_digest_leases
Revises: 0004_event_data_imported
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_digest_leases"
down_revision: str | None = "0004_event_data_imported"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_run") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("not_before")
    with op.batch_alter_table("digest_run") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
