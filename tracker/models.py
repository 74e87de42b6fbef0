"""The tables (SQLModel).

Vocabularies (`tracker.vocabulary`) are stored as plain strings guarded by CHECK constraints (not
database enum types), so adding a value is a one-line migration on both backends.

Schema changes go through Alembic revisions in `migrations/`; nothing here creates tables.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from tracker.dbtypes import UTCDateTime
from tracker.schemas import CommitmentCreate, CommitmentUpdate  # noqa: F401  (the family)
from tracker.vocabulary import (
    Audience,
    Channel,
    DeliveryStatus,
    EventKind,
    OwnerKind,
    Priority,
    Role,
    RunStatus,
    Status,
)


def _enum_check(table: str, column: str, enum: type[StrEnum]) -> sa.CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=f"ck_{table}_{column}")


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=300)
    date: date
    place: str | None = Field(default=None, max_length=200)
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Who met, own side first: what "we" and "both sides" in the readout stand for.
    parties: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    source_file: str | None = Field(default=None, max_length=500)
    source_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class OwnerBase(SQLModel):
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    kind: str = Field(default=OwnerKind.BODY, max_length=20)


class Owner(OwnerBase, table=True):
    __table_args__ = (_enum_check("owner", "kind", OwnerKind),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # The owner's report links carry this number; raising it revokes every link given so far.
    link_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class CommitmentBase(SQLModel):
    title: str = Field(max_length=300)
    description: str | None = None
    quote: str | None = None
    area: str | None = Field(default=None, max_length=60, index=True)
    due: date = Field(index=True)
    priority: str = Field(default=Priority.NORMAL, max_length=10)
    counterpart: str | None = Field(default=None, max_length=200)


class Commitment(CommitmentBase, table=True):
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "key", name="uq_commitment_meeting_key"),
        _enum_check("commitment", "status", Status),
        _enum_check("commitment", "priority", Priority),
        # The few commitments with a proposal waiting, found without reading the table.
        sa.Index(
            "ix_commitment_proposal",
            "id",
            postgresql_where=sa.text("proposal IS NOT NULL"),
            sqlite_where=sa.text("proposal IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by the unique (meeting_id, key), its first column.
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    key: str | None = Field(default=None, max_length=120)
    owner_id: int = Field(foreign_key="owner.id", index=True)
    status: str = Field(default=Status.OPEN, max_length=20, index=True)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    resolution: str | None = None
    evidence: str | None = None
    # The values the meeting file gave at its last import (None: added by hand).
    imported: dict[str, Any] | None = Field(
        default=None, sa_column=Column(sa.JSON(none_as_null=True), nullable=True)
    )
    # An owner's pending proposal to close (evidence, note, by, at, event id), waiting for a
    # coordinator; None when there is none.
    proposal: dict[str, Any] | None = Field(
        default=None, sa_column=Column(sa.JSON(none_as_null=True), nullable=True)
    )


class Event(SQLModel, table=True):
    """Append-only history: one row per change, never updated or deleted."""

    __table_args__ = (
        _enum_check("event", "kind", EventKind),
        _enum_check("event", "channel", Channel),
        # A commitment's history up to a date, read from the index alone (migration 0003).
        sa.Index("ix_event_history", "commitment_id", "at", "field"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id")
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=120)
    channel: str = Field(
        default=Channel.CLI, max_length=10, sa_column_kwargs={"server_default": Channel.CLI.value}
    )
    kind: str = Field(max_length=20)
    field: str | None = Field(default=None, max_length=40)
    old_value: str | None = None
    new_value: str | None = None
    text: str | None = None
    # Details one text column cannot hold: a created commitment's first state, a closing's
    # resolution and evidence, an owner change's ids.
    data: dict[str, Any] | None = Field(
        default=None, sa_column=Column(sa.JSON(none_as_null=True), nullable=True)
    )


class Account(SQLModel, table=True):
    """A person who signs in to the web view: a coordinator or a viewer (owners need none:
    they report through their signed link)."""

    __table_args__ = (_enum_check("account", "role", Role),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    password_hash: str = Field(max_length=200)  # argon2id, with its own salt and parameters
    role: str = Field(default=Role.VIEWER, max_length=20)
    # Sessions carry this number; raising it (a new password, `user remove`) ends them all.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DigestSchedule(SQLModel, table=True):
    """A recurring digest: when (cron in an IANA time zone), for whom, in what formats, where."""

    __tablename__ = "digest_schedule"
    __table_args__ = (_enum_check("digest_schedule", "audience", Audience),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    cron: str = Field(max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    audience: str = Field(default=Audience.EVERYONE, max_length=20)
    owner_id: int | None = Field(default=None, foreign_key="owner.id")
    formats: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    directory: str | None = Field(default=None, max_length=1000)
    emails: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    # A digest with nothing to say to its reader is not sent (its delivery is "skipped").
    skip_empty: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DigestRun(SQLModel, table=True):
    """One digest of one schedule for one period; the unique key is what makes it exactly once."""

    __tablename__ = "digest_run"
    __table_args__ = (
        sa.UniqueConstraint("schedule_id", "period_key", name="uq_digest_run_period"),
        _enum_check("digest_run", "status", RunStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="digest_schedule.id", index=True)
    period_key: str = Field(max_length=40)  # the scheduled fire time, UTC ISO
    period_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    period_end: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    as_of: date
    late: bool = False
    status: str = Field(default=RunStatus.CLAIMED, max_length=20)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Who delivers the run and until when (see tracker.digests.runs): the fence that keeps
    # two processes from sending one period, and the sign of a process that died at it.
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Delivery(SQLModel, table=True):
    """One channel and recipient of a run, with its outcome."""

    __table_args__ = (
        sa.UniqueConstraint("run_id", "channel", "recipient", name="uq_delivery_target"),
        _enum_check("delivery", "status", DeliveryStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="digest_run.id", index=True)
    channel: str = Field(max_length=20)  # "file" or "email"
    recipient: str = Field(max_length=1000)  # a file path or an e-mail address
    owner_id: int | None = Field(default=None, foreign_key="owner.id")
    status: str = Field(default=DeliveryStatus.PENDING, max_length=20)
    attempts: int = 0
    last_error: str | None = None
    message_id: str | None = Field(default=None, max_length=300)
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # A pending delivery that failed for a passing reason is tried again from this instant.
    not_before: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
