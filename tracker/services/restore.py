"""Restoring a backup (`tracker.services.backup`) into an initialised, empty database.

The whole file is read and checked before anything is written; the rows then go in, table by
table in bulk, in the one transaction of the caller: a refused file or database changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from tracker.db import SCHEMA_HEAD, bulk_insert, describe_db_error
from tracker.dbtypes import UTCDateTime
from tracker.errors import Conflict, ExitCode, TrackerError
from tracker.inputs import TextInputError, read_text
from tracker.services.backup import (
    FORMAT,
    HEADER_KEYS,
    SECTIONS,
    VERSION,
    columns_of,
)

# A backup of 100,000 commitments with their history is about 230 MiB; the cap still bounds
# what a wrong path (a device, a pipe that never ends) can cost.
MAX_BACKUP_BYTES = 1024 * 1024 * 1024


class BackupFileError(TrackerError):
    """A file that is not a backup this tracker can restore (another format, version or schema,
    malformed or truncated JSON, a row that breaks the schema)."""

    exit_code = ExitCode.MEETING_FILE


Columns = dict[str, list[Any]]


@dataclass
class Parsed:
    """The rows of a backup, column by column per table, ready for `bulk_insert`."""

    tables: list[tuple[sa.Table, Columns]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def read_backup(path: Path) -> Parsed:
    """Read and check a backup file; BackupFileError names the first thing wrong in it."""
    try:
        text = read_text(path, limit=MAX_BACKUP_BYTES, what="backup")
    except OSError as exc:
        raise BackupFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except TextInputError as exc:
        raise BackupFileError(str(exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BackupFileError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "a truncated or edited backup cannot be restored"
        ) from None
    except RecursionError:
        raise BackupFileError(f"{path}: not valid JSON (nested too deeply)") from None
    return parse_backup(data, where=str(path))


def parse_backup(data: Any, *, where: str) -> Parsed:
    _check_header(data, where)
    parsed = Parsed()
    for section in SECTIONS:
        rows = data[section.key]
        if not isinstance(rows, list):
            raise BackupFileError(f"{where}: {section.key}: expected a list")
        parsed.tables.append(
            (section.table, _decode_rows(section.table, rows, f"{where}: {section.key}"))
        )
        parsed.counts[section.key] = len(rows)
        if section.child_table is None or not section.child_key or not section.parent_column:
            continue
        # The children of every parent, each given its parent's id: they go in right after
        # their parents, before the tables that follow.
        label = f"{where}: {section.key}[].{section.child_key}"
        kids: list[Any] = []
        for index, row in enumerate(rows):
            nested = row[section.child_key]
            at = f"{where}: {section.key}[{index}].{section.child_key}"
            if not isinstance(nested, list):
                raise BackupFileError(f"{at}: expected a list")
            for kid in nested:
                if isinstance(kid, dict) and section.parent_column in kid:
                    raise BackupFileError(f"{at}: unknown {section.parent_column}")
                kids.append(
                    kid | {section.parent_column: row["id"]} if isinstance(kid, dict) else kid
                )
        parsed.tables.append((section.child_table, _decode_rows(section.child_table, kids, label)))
        parsed.counts[section.child_key] = len(kids)
    return parsed


def _check_header(data: Any, where: str) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise BackupFileError(
            f"{where}: not a tracker backup (format {found!r}, expected {FORMAT!r}; "
            "make one with `tracker export`)"
        )
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise BackupFileError(
            f"{where}: backup format version {version!r}, this tracker restores version {VERSION}"
        )
    schema = data.get("schema")
    if schema != SCHEMA_HEAD:
        advice = (
            "restore it with the tracker that made it, then `tracker db upgrade`"
            if _is_older(schema)
            else "a newer tracker made it: restore it with that one"
        )
        raise BackupFileError(
            f"{where}: backup of database schema {schema!r}, this tracker has {SCHEMA_HEAD}: "
            + advice
        )
    if data.get("partial") is not None:
        raise BackupFileError(
            f"{where}: a partial export ({_partial_text(data['partial'])}), not a backup: "
            "make one with `tracker export` without --meeting"
        )
    expected = set(HEADER_KEYS) | {s.key for s in SECTIONS}
    missing, extra = expected - data.keys(), data.keys() - expected
    if missing or extra:
        what = f"missing {', '.join(sorted(missing))}" if missing else ""
        what += ("; " if what and extra else "") + (
            f"unknown {', '.join(sorted(extra))}" if extra else ""
        )
        raise BackupFileError(f"{where}: not a complete backup ({what})")


def _is_older(schema: Any) -> bool:
    """Whether `schema` is a revision this tracker's migrations pass through on their way up."""
    from alembic.script import ScriptDirectory

    from tracker.migrate import migrations_dir

    script = ScriptDirectory(str(migrations_dir()))
    return isinstance(schema, str) and any(r.revision == schema for r in script.walk_revisions())


def _partial_text(partial: Any) -> str:
    if isinstance(partial, dict) and isinstance(partial.get("meeting"), str):
        return f"meeting {partial['meeting']}"
    return "a part of the database"


def _decode_rows(table: sa.Table, rows: list[Any], where: str) -> Columns:
    names = [c.name for c in columns_of(table)]
    # Nested rows (history, deliveries) are checked with their own table.
    nested = [s.child_key for s in SECTIONS if s.table is table and s.child_key]
    wanted = set(names) | set(nested)
    for index, row in enumerate(rows):
        if type(row) is not dict or row.keys() != wanted:
            raise BackupFileError(_row_fault(row, names + nested, f"{where}[{index}]"))
    # Column by column: a 100,000-row table is decoded in C loops, not row by row in Python.
    columns: Columns = {}
    for column in columns_of(table):
        name, decode = column.name, _decoder(column)
        values = [row[name] for row in rows]
        try:
            columns[name] = list(map(decode, values))
        except (TypeError, ValueError):
            for index, value in enumerate(values):  # which row: only when one is wrong
                try:
                    decode(value)
                except (TypeError, ValueError) as exc:
                    raise BackupFileError(f"{where}[{index}].{name}: {exc}") from None
            raise
    return columns


def _row_fault(row: Any, names: list[str], at: str) -> str:
    if not isinstance(row, dict):
        return f"{at}: expected an object"
    missing = [n for n in names if n not in row]
    if missing:
        return f"{at}: missing {', '.join(missing)}"
    return f"{at}: unknown {', '.join(sorted(row.keys() - set(names)))}"


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    """The check and conversion of one column's JSON value to what its type binds."""
    kind = column.type
    if isinstance(kind, TypeDecorator) and not isinstance(kind, UTCDateTime):
        kind = kind.impl_instance  # SQLModel's AutoString: a String underneath
    convert: Callable[[Any], Any]
    if isinstance(kind, UTCDateTime):
        convert = _instant
    elif isinstance(kind, sa.Date):
        convert = _date
    elif isinstance(kind, sa.Boolean):
        convert = _typed(bool, "true or false")
    elif isinstance(kind, sa.Integer):
        convert = _integer
    elif isinstance(kind, sa.String):
        convert = _text(kind.length)
    elif isinstance(kind, sa.JSON):
        convert = _json_value
    else:  # a column type a later migration brings must be taught here, not guessed at
        raise TypeError(f"no backup decoding for {column.table.name}.{column.name}: {kind!r}")
    nullable = bool(column.nullable) and not column.primary_key

    def decode(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise ValueError("may not be null")
        return convert(value)

    return decode


def _typed(kind: type, wanted: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {wanted}, got {value!r}")
        return value

    return check


def _integer(value: Any) -> int:
    if type(value) is not int or not -(2**63) <= value < 2**63:
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _text(length: int | None) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if type(value) is not str:
            raise TypeError(f"expected text, got {value!r}")
        if length is not None and len(value) > length:
            raise ValueError(f"longer than {length} characters")
        if "\x00" in value:  # PostgreSQL refuses NUL in text; SQLite would keep it
            raise ValueError("contains a NUL character")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate (`"\ud800"` in the JSON)
                raise ValueError("not valid Unicode text") from None
        return value

    return check


def _date(value: Any) -> date:
    if type(value) is not str or len(value) != 10 or value[4] + value[7] != "--":
        raise TypeError(f"expected a date (YYYY-MM-DD), got {value!r}")
    return date.fromisoformat(value)


def _instant(value: Any) -> datetime:
    # The one shape `export` writes (checked here, then parsed by the fast fromisoformat),
    # so that a backup holds each instant in exactly one way.
    if type(value) is not str or len(value) != 27 or value[10:20:9] + value[-1] != "T.Z":
        raise ValueError(f"expected a UTC instant (YYYY-MM-DDTHH:MM:SS.ffffffZ), got {value!r}")
    try:
        return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(
            f"expected a UTC instant (YYYY-MM-DDTHH:MM:SS.ffffffZ), got {value!r}"
        ) from None


def _json_value(value: Any) -> Any:
    return value


def _breaks_a_rule(exc: Exception) -> bool:
    """A constraint (unique, foreign key, check, not null) or a value the database refuses.
    On PostgreSQL `bulk_insert` runs COPY on the driver itself: its errors come unwrapped."""
    if isinstance(exc, IntegrityError):
        return True
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(original, "sqlstate", None) or ""
    return state.startswith(("22", "23"))  # data exception, integrity constraint violation


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@dataclass(frozen=True)
class Restored:
    counts: dict[str, int]


def restore_backup(session: Session, parsed: Parsed) -> Restored:
    """Insert a parsed backup into an empty database, in the session's transaction."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    tables = [table for table, _ in parsed.tables]
    if postgres:
        # Nobody adds a row between the emptiness check and the end of the restore.
        names = ", ".join(connection.dialect.identifier_preparer.quote(t.name) for t in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    filled = [
        t.name
        for t in tables
        if connection.scalar(sa.select(sa.literal(1)).select_from(t).limit(1))
    ]
    if filled:
        raise Conflict(
            f"the database is not empty (rows in {', '.join(filled)}): restore needs a new "
            "database, made with `tracker init`"
        )
    try:
        for table, columns in parsed.tables:
            bulk_insert(session, table, columns)
    except Exception as exc:
        if not _breaks_a_rule(exc):
            raise
        line = describe_db_error(exc) if isinstance(exc, DBAPIError) else _first_line(exc)
        raise BackupFileError(f"the backup breaks a rule of the database: {line}") from None
    if postgres:
        # Rows came with their ids: move each id sequence past them, or the next `add` would
        # be given id 1 again.
        quote = connection.dialect.identifier_preparer.quote
        for table in tables:
            connection.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {quote(table.name)}), 0) + 1, false)"
                ),
                {"table": table.name},
            )
    return Restored(parsed.counts)
