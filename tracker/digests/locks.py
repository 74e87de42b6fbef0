"""One scheduler per database: an exclusive lock beside a SQLite file, an advisory lock held on
a dedicated connection on PostgreSQL.

The OS or the server drops either when the process dies, so a daemon killed with -9 can be
restarted at once. The PostgreSQL lock can also go while the process lives (its connection cut
by a server restart or `pg_terminate_backend`): `check`, called before each claim and each
send, then takes it again on a new connection, or raises LockLost when another process has it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from tracker.db import Database
from tracker.errors import Conflict, DatabaseError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# The PostgreSQL advisory lock key: b"tracker" as a number; any constant unique to tracker.
ADVISORY_LOCK_KEY = int.from_bytes(b"tracker", "big")


class LockLost(DatabaseError):
    """The scheduler lock is gone (its connection died) and could not be taken again."""


class SchedulerLock(Protocol):
    def held(self) -> bool: ...

    def check(self) -> None: ...

    def release(self) -> None: ...


class _FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseError(f"cannot open the scheduler lock {path}: {exc.strerror}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(self._fd)
            raise Conflict(
                f"a scheduler is already running on this database (pid {holder}, lock {path})"
            ) from None
        # The pid is only for the message above; the lock is the flock, not the file's content
        # (the file stays: removing it would let two daemons lock two different files).
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def held(self) -> bool:
        return True

    def check(self) -> None:
        """An flock lasts as long as the process: nothing can take it away."""

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


class _AdvisoryLock:
    """A session advisory lock on a connection of its own. The server lets go of it when that
    connection dies (a server restart, `pg_terminate_backend`, a network cut): `check` then
    takes it again on a new connection, or raises LockLost if another process was quicker."""

    def __init__(self, db: Database, on_lost: Callable[[], None] | None = None) -> None:
        self._db = db
        self._on_lost = on_lost
        # The delivery threads check the lock concurrently; a connection is not thread-safe.
        self._mutex = threading.Lock()
        self._lost = False
        self._conn = self._take()

    def _take(self) -> sa.Connection:
        conn = self._db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            query = sa.text("SELECT pg_try_advisory_lock(:key)")
            got = conn.execute(query, {"key": ADVISORY_LOCK_KEY}).scalar()
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            raise Conflict("a scheduler is already running on this database (advisory lock)")
        return conn

    def _alive(self) -> bool:
        try:
            self._conn.execute(sa.text("SELECT 1"))
        except sa.exc.DBAPIError:
            return False
        return True

    def held(self) -> bool:
        """False once the connection holding the lock is gone and the lock was not retaken."""
        try:
            self.check()
        except LockLost:
            return False
        return True

    def check(self) -> None:
        with self._mutex:
            if self._lost:
                raise LockLost("the scheduler lost its database lock")
            if self._alive():
                return
            log.warning("the scheduler lock's database connection is gone: reconnecting")
            with contextlib.suppress(sa.exc.DBAPIError):
                self._conn.close()
            try:
                self._conn = self._take()
            except (Conflict, sa.exc.DBAPIError) as exc:
                self._lost = True
                taken = isinstance(exc, Conflict)
                reason = "another scheduler holds it" if taken else "no database"
                log.error("lost the scheduler lock (%s): stopping", reason)
                if self._on_lost is not None:
                    self._on_lost()
                raise LockLost(f"the scheduler lost its database lock ({reason})") from None
            log.info("scheduler lock taken again")

    def release(self) -> None:
        with self._mutex:
            try:
                if not self._lost:
                    unlock = sa.text("SELECT pg_advisory_unlock(:key)")
                    self._conn.execute(unlock, {"key": ADVISORY_LOCK_KEY})
            except sa.exc.DBAPIError:
                pass  # the connection is gone, and the lock with it
            finally:
                self._conn.close()


@contextmanager
def scheduler_lock(
    db: Database, on_lost: Callable[[], None] | None = None
) -> Iterator[SchedulerLock]:
    """Hold the database's scheduler lock, or raise Conflict if another process holds it.
    `on_lost` is called once if the lock is lost for good (PostgreSQL only)."""
    path = db.sqlite_path()
    lock: SchedulerLock
    if path is not None:
        lock = _FileLock(Path(f"{path.resolve()}.scheduler.lock"))
    else:
        lock = _AdvisoryLock(db, on_lost)
    try:
        yield lock
    finally:
        lock.release()
