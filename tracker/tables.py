"""Light handles on the tables for read queries: names only, no ORM and no column types.

Reads build their SQL over these rather than the SQLModel classes, so a read command does not
import SQLModel and pydantic (about 0.2 s), and rows come back as the driver gives them. A test
keeps every name here equal to a column of the real tables (`tracker.models`).
"""

from __future__ import annotations

import sqlalchemy as sa

meeting = sa.table("meeting", sa.column("id"), sa.column("slug"), sa.column("date"))

owner = sa.table("owner", sa.column("id"), sa.column("name"), sa.column("email"))

commitment = sa.table(
    "commitment",
    *(
        sa.column(name)
        for name in (
            "id",
            "meeting_id",
            "key",
            "title",
            "description",
            "quote",
            "owner_id",
            "counterpart",
            "due",
            "status",
            "priority",
            "area",
            "tags",
            "created_at",
            "updated_at",
            "closed_at",
            "resolution",
            "evidence",
            "imported",
        )
    ),
)

event = sa.table(
    "event",
    sa.column("id"),
    sa.column("commitment_id"),
    sa.column("at"),
    sa.column("actor"),
    sa.column("channel"),
    sa.column("field"),
    sa.column("old_value"),
    sa.column("new_value"),
    sa.column("kind"),
    sa.column("text"),
    sa.column("data"),
)
