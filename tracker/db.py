"""Database engines and transactions for SQLite (the embedded default) and PostgreSQL.

SQLite is made safe for several processes: WAL (readers never block the writer), a busy
timeout, foreign keys on, and write transactions opened with `BEGIN IMMEDIATE` so that two
writers queue on the lock up front instead of failing mid-transaction on an upgrade.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError
from sqlalchemy.exc import DBAPIError as SADBAPIError

from tracker import config
from tracker.config import normalize_database_url
from tracker.errors import Conflict, DatabaseError

if TYPE_CHECKING:  # the ORM is imported by the commands that write, not by every read
    from sqlmodel import Session

# The Alembic revision this code expects; a test keeps it equal to the head in migrations/.
SCHEMA_HEAD = "0008_web_view"
SQLITE_BUSY_TIMEOUT_S = 30.0
_WRITE_OPTION = "tracker_write"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy: pysqlite's implicit BEGIN would defer locking.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process kills in WAL mode
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: large imports touch many pages
        # Reads through a memory map: no copy per page read, a listing of 100,000 rows reads
        # most of the file.
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _create_private_file(path: Path) -> None:
    """Create a missing database file readable and writable by its owner only (0600) before
    SQLite creates it with the umask's mode (often world-readable). SQLite gives the -wal
    and -shm files the mode of the database file, so they follow."""
    with contextlib.suppress(FileExistsError):  # an existing database keeps its mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _no_folder(folder: Path, path: Path) -> str:
    """What to run when a SQLite database's folder is missing: `tracker init` creates the
    default data folder itself; any other folder is the user's to create (a typo in --db must
    not leave a tree of folders behind)."""
    if folder == config.data_dir().expanduser().resolve():
        return f"no database at {path}: run `tracker init`"
    where = shlex.quote(str(folder))
    return f"no folder {folder} for the database: run `mkdir -p {where}`, then `tracker init`"


def create_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """An engine for `url`; refuses malformed URLs and unknown drivers with a DatabaseError.

    `pool_size`: connections kept open for a server's threads (the web view), so that busy
    moments reuse connections instead of opening and closing overflow ones."""
    url = normalize_database_url(url)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a non-numeric port fails here, not at connect time
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            f"bad database URL {url!r}: expected sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"unsupported database {backend!r} in {url!r}: use SQLite or PostgreSQL"
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise DatabaseError("an in-memory SQLite database keeps nothing: give a file path")
        try:
            folder = Path(parsed.database).expanduser().resolve().parent
            exists = folder.is_dir()
        except (RuntimeError, OSError, ValueError) as exc:
            raise DatabaseError(f"not a usable SQLite path {parsed.database!r}: {exc}") from exc
        if not exists:
            raise DatabaseError(_no_folder(folder, Path(parsed.database).expanduser()))
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    else:
        kwargs["pool_pre_ping"] = False
        kwargs["connect_args"] = {"connect_timeout": 10}
        if pool_size is not None:
            # A server keeps connections for hours: one the database dropped meanwhile (a
            # restart, a failover, an idle timeout) is replaced on checkout, not met by a request.
            kwargs.update(pool_size=pool_size, max_overflow=4, pool_pre_ping=True)
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {url!r}: {exc}") from exc
    if backend == "sqlite":
        _configure_sqlite(engine)
        if not parsed.query.get("uri"):  # a `file:` URI names its file in its own syntax
            path = Path(parsed.database).expanduser()

            @event.listens_for(engine, "do_connect")
            def _before_connect(*_args: Any) -> None:
                _create_private_file(path)

    return engine


def describe_db_error(exc: SADBAPIError) -> str:
    """One line from a driver error (drivers put SQL and links on the following lines)."""
    original = getattr(exc, "orig", None) or exc
    first = str(original).strip().splitlines()
    return first[0] if first else type(original).__name__


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether a driver error is a unique key refusing a duplicate (not a foreign key or NULL)."""
    original = getattr(exc, "orig", None)
    if getattr(original, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    name = getattr(original, "sqlite_errorname", "")
    if name:
        return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
    return "UNIQUE constraint failed" in str(original)


@contextmanager
def duplicate_is_conflict(message: str) -> Iterator[None]:
    """Report a unique key violation inside the block as `Conflict(message)`.

    A service checks "exists already?" before inserting, but on PostgreSQL another transaction
    can insert the same key between the check and the insert (SQLite's BEGIN IMMEDIATE
    serialises writers, so there the check is enough): the unique key then refuses the row,
    and the user must see the same message either way. Wrap the flush that inserts.
    """
    try:
        yield
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise Conflict(message) from exc
        raise


class Database:
    """One handle per command invocation: an engine, read and write transactions."""

    def __init__(
        self, url: str, *, pool_size: int | None = None, plain_reads: bool = False
    ) -> None:
        """`plain_reads`: on PostgreSQL, `read` and `lookup` run their statements outside any
        transaction (a server's pages). psycopg forgets its prepared statements on every
        ROLLBACK, and one ends each read transaction: outside them, the queries a server
        repeats are prepared once per connection, which saves their parsing and planning (as
        much PostgreSQL time as running them, for a board page). Under READ COMMITTED each
        statement reads its own snapshot either way (but a server-side cursor needs a
        transaction: `connect`). SQLite keeps its read transactions (there, one snapshot for
        all)."""
        self.url = normalize_database_url(url)
        self.engine = create_engine(self.url, pool_size=pool_size)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._read_engine = self.engine
        if plain_reads and self.engine.dialect.name == "postgresql":
            self._read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._checked = False

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def sqlite_path(self) -> Path | None:
        if self.backend != "sqlite":
            return None
        return Path(self.engine.url.database or "").expanduser()

    def close(self) -> None:
        self.engine.dispose()

    def schema_revision(self) -> str | None:
        """The Alembic revision stamped in the database, or None for an empty database."""
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def require_schema(self) -> None:
        """Refuse to work on a database that is not initialised or not at this code's revision."""
        if self._checked:
            return
        path = self.sqlite_path()
        if path is not None:
            # Checked before connecting: opening a missing or empty SQLite file would write it.
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                raise DatabaseError(f"no database at {path}: run `tracker init`") from None
            except OSError as exc:
                raise DatabaseError(f"cannot open database {path}: {exc.strerror}") from None
            if size == 0:
                raise DatabaseError(f"database {path} is empty: run `tracker init`")
        try:
            revision = self.schema_revision()
        except SADBAPIError as exc:
            raise DatabaseError(f"cannot open database: {describe_db_error(exc)}") from exc
        if revision is None:
            raise DatabaseError("database is not initialised: run `tracker init`")
        if revision != SCHEMA_HEAD:
            raise DatabaseError(
                f"database schema is at {revision}, this tracker needs {SCHEMA_HEAD}: "
                "run `tracker db upgrade`"
            )
        self._checked = True

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        """A read transaction on a plain connection: for queries that need no ORM."""
        self.require_schema()
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def lookup(self) -> Iterator[sa.Connection]:
        """A connection for reads that need no ORM: outside any transaction where reads are
        plain (`plain_reads`: no BEGIN and COMMIT to wait for either), else in one."""
        self.require_schema()
        with self._read_engine.connect() as conn:
            if self._read_engine is self.engine:
                with conn.begin():
                    yield conn
            else:
                yield conn

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        self.require_schema()
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, *, commit: bool = True) -> Iterator[Session]:
        """One transaction: committed if the block succeeds (and `commit`), else rolled back."""
        from sqlmodel import Session

        self.require_schema()
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                if commit:
                    session.commit()
                else:
                    session.rollback()
            except BaseException:
                session.rollback()
                raise


def bulk_insert(session: Session, table: sa.Table, columns: dict[str, list[Any]]) -> None:
    """Insert many rows, given column by column (equal lengths), in the current transaction.

    SQLite: one driver-level executemany; PostgreSQL: one COPY. The values go through each
    column type's own bind processor (dates, JSON, UTC times), as
    `session.execute(insert(table), rows)` would do, but without SQLAlchemy's per-row
    parameter dictionaries, which dominate the cost of a 100,000-row import.
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return
    if any(len(values) != count for values in columns.values()):
        raise ValueError(f"columns of unequal lengths for {table.name}")
    connection = session.connection()
    dialect = connection.dialect
    processed = []
    for name, values in columns.items():
        # The dialect's own processors (SQLite: dates and instants as SQLAlchemy writes them,
        # with microseconds); the generic types' processors would leave datetimes to sqlite3.
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        processed.append(values if process is None else list(map(_memo(process), values)))
    rows = zip(*processed, strict=True)
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(n) for n in names)})"
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection  # psycopg, in this transaction
        with driver.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {target} VALUES ({', '.join(marker for _ in names)})"
    connection.exec_driver_sql(sql, list(rows))


def _memo(process: Any) -> Any:
    """A bind processor that converts each distinct value once: an import stamps every row
    with the same instant and repeats a few hundred deadlines and tag lists."""
    cache: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        key = (list, *value) if type(value) is list else (type(value), value)
        try:
            return cache[key]
        except KeyError:
            cache[key] = result = process(value)
            return result
        except TypeError:  # unhashable inside: convert it every time
            return process(value)

    return run
