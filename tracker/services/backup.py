"""The backup format: every row of every table, written so that `restore` rebuilds them exactly.

A backup is one JSON object, one table row a line (diffable, and small enough to read back at
100,000 commitments):

    {
    "format": "tracker-backup",
    "version": 1,
    "schema": "<the Alembic head>",
    "exported_at": "2017-09-11T09:00:00.000000Z",
    "partial": null,
    "meetings": [ …every column… ],
    "owners": [ … ],
    "accounts": [ … ],  (the web view's sign-ins, with their password hashes)
    "commitments": [ …every column, and "history": the commitment's events… ],
    "schedules": [ … ],
    "runs": [ …every column, and "deliveries": the run's deliveries… ]
    }

Rows keep every column under its own name, ids included, so history order, owner references and
run/delivery links survive; a nested row leaves out the id of its parent (it is the parent's).
Dates are ISO; instants are UTC with microseconds (`2017-09-11T09:00:00.000000Z`): nothing is
rounded. The columns come from the tables themselves, so a migration that adds one changes the
backup with it (and the schema revision says which columns to expect).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from tracker.db import SCHEMA_HEAD
from tracker.dbtypes import UTCDateTime
from tracker.errors import NotFound
from tracker.models import (
    Account,
    Commitment,
    Delivery,
    DigestRun,
    DigestSchedule,
    Event,
    Meeting,
    Owner,
)

FORMAT = "tracker-backup"
VERSION = 1
INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Section:
    """A top-level list of the backup: one table, and optionally its child rows nested in it."""

    key: str
    table: sa.Table
    child_key: str | None = None
    child_table: sa.Table | None = None
    parent_column: str | None = None  # the child's column naming its parent, left out of it


def _table(model: Any) -> sa.Table:
    return model.__table__  # type: ignore[no-any-return]


# In the order `restore` inserts them: every row's foreign keys point to rows already there.
SECTIONS = (
    Section("meetings", _table(Meeting)),
    Section("owners", _table(Owner)),
    Section("accounts", _table(Account)),
    Section("commitments", _table(Commitment), "history", _table(Event), "commitment_id"),
    Section("schedules", _table(DigestSchedule)),
    Section("runs", _table(DigestRun), "deliveries", _table(Delivery), "run_id"),
)
HEADER_KEYS = ("format", "version", "schema", "exported_at", "partial")


def instant_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime(INSTANT_FORMAT)


def _encoder(column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    """How a column's value (as SQLAlchemy hands it back) is written in JSON; None: as it is."""
    if isinstance(column.type, UTCDateTime):
        return lambda v: None if v is None else instant_text(v)
    if isinstance(column.type, sa.Date):
        return lambda v: None if v is None else v.isoformat()
    return None


def columns_of(table: sa.Table) -> list[sa.Column[Any]]:
    """A table's columns in the order a backup writes them: the id first, as a reader looks."""
    return sorted(table.columns, key=lambda c: c.name != "id")


def _rows(
    conn: sa.Connection, table: sa.Table, where: Any = None, *, skip: str | None = None
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(parent id or None, row as JSON-ready dict) for each row, by id."""
    columns = columns_of(table)
    query = sa.select(*columns).order_by(table.c.id)
    if where is not None:
        query = query.where(where)
    names = [c.name for c in columns]
    encoders = [_encoder(c) for c in columns]
    for values in conn.execute(query):
        row = {}
        for name, encode, value in zip(names, encoders, values, strict=True):
            row[name] = value if encode is None else encode(value)
        yield (row.pop(skip) if skip else None), row


def dump_backup(conn: sa.Connection, *, now: datetime, meeting: str | None = None) -> str:
    """The whole database as backup text; with `meeting`, a partial export of that meeting
    (its commitments, their owners and history) that `restore` refuses."""
    if conn.dialect.name == "postgresql":
        # One snapshot for every table, however long the export takes while others write.
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    scope = _partial_scope(conn, meeting) if meeting else None
    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema": SCHEMA_HEAD,
        "exported_at": instant_text(now),
        "partial": {"meeting": meeting} if meeting else None,
    }
    parts = ["{\n"]
    parts += [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in header.items()]
    for index, section in enumerate(SECTIONS):
        where = scope.get(section.key) if scope is not None else None
        rows = [row for _, row in _rows(conn, section.table, where)]
        if section.child_table is not None and section.child_key and section.parent_column:
            children: dict[int, list[dict[str, Any]]] = defaultdict(list)
            child_where = None
            if scope is not None:
                parent_ids = sa.select(section.table.c.id).where(where)
                child_where = section.child_table.c[section.parent_column].in_(parent_ids)
            for parent, child in _rows(
                conn, section.child_table, child_where, skip=section.parent_column
            ):
                children[parent].append(child)
            for row in rows:
                row[section.child_key] = children.pop(row["id"], [])
        last = index == len(SECTIONS) - 1
        parts.append(_array(section.key, rows) + ("\n" if last else ",\n"))
    parts.append("}\n")
    return "".join(parts)


def _array(key: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return f"{json.dumps(key)}: []"
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f"{json.dumps(key)}: [\n{lines}\n]"


def _partial_scope(conn: sa.Connection, slug: str) -> dict[str, Any]:
    """Which rows of each section a one-meeting export holds (no schedules or runs)."""
    meeting, owner, commitment = _table(Meeting), _table(Owner), _table(Commitment)
    meeting_id = conn.scalar(sa.select(meeting.c.id).where(meeting.c.slug == slug.strip()))
    if meeting_id is None:
        raise NotFound(f"no meeting {slug!r}")
    owner_ids = sa.select(commitment.c.owner_id).where(commitment.c.meeting_id == meeting_id)
    nothing = sa.false()
    return {
        "meetings": meeting.c.id == meeting_id,
        "owners": owner.c.id.in_(owner_ids),
        "commitments": commitment.c.meeting_id == meeting_id,
        "accounts": nothing,
        "schedules": nothing,
        "runs": nothing,
    }
