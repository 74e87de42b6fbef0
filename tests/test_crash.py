"""kill -9 during a large import: the database holds all of the meeting or none of it.

A meeting file of several thousand commitments (their quotes verbatim from a generated readout) is
imported by `python -m tracker import` in a subprocess, which is killed with SIGKILL at varied
points: at fractions of the time an uninterrupted import takes on this machine (timed first; from
start-up and reading the file into the write transaction and past its commit), and the moment its
uncommitted rows reach the database (SQLite: pages spilled into the -wal file with no commit frame
yet; PostgreSQL: the import's backend holds a transaction id). After each kill the meeting, its
owners, commitments and events are all there or none of them is. A killed attempt leaves the
database as it was, so the next round imports over it; a round that got everything in is followed
by a reset. At the end `tracker import` completes on what the last kill left, and a second import
changes nothing.

On SQLite the -wal file of the killed process is read before anything else opens the database,
so a round knows for certain whether the process died before its commit frame or after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import FIXED_NOW, TABLES, run_cli, snapshot

N = 5000  # commitments in the meeting file
SENTENCES = 400  # distinct sentences in the readout; commitment i quotes sentence i % 400
SLUG = "bulk-talks-2024-01-15"
OWNERS = (
    "Ministry of Economy",
    "Ministry of Finance",
    "Ministry of Foreign Affairs",
    "State Committee for Science and Technology",
    "Ministry of Industry",
)
AREAS = ("finance", "industry", "security", "tourism", "trade")
PRIORITIES = ("high", "normal", "low")
# Bulk for each row: the more pages the transaction dirties, the sooner SQLite spills them into
# the -wal file before its commit, and the wider the window a kill can land in.
DESCRIPTION = "Follow-up of the talks: " + "terms, financing and a timetable agreed; " * 8


# --- the meeting file -----------------------------------------------------------------------


def _sentence(j: int) -> str:
    owner = OWNERS[j % len(OWNERS)]
    return (
        f"The {owner} agreed to prepare proposal No. {j} on joint project "
        f"{j * 7919 % 100003} before the end of the year."
    )


def write_meeting(folder: Path, count: int = N) -> Path:
    """A readout and a meeting file of `count` commitments quoting it; the file's path."""
    readout = ["Readout of the talks held in Minsk on 15 January 2024.", ""]
    readout += [_sentence(j) for j in range(SENTENCES)]
    (folder / "readout.txt").write_text("\n".join(readout) + "\n", encoding="utf-8")
    parts = [
        "[meeting]",
        f'slug = "{SLUG}"',
        'title = "Bulk talks"',
        "date = 2024-01-15",
        'place = "Minsk"',
        'source = "readout.txt"',
        "",
        "[[owners]]",
        f'name = "{OWNERS[0]}"',
        'email = "economy@example.org"',
        "",
    ]
    for i in range(count):
        j = i % SENTENCES
        parts += [
            "[[commitments]]",
            f'key = "c-{i:05d}"',
            f'title = "Prepare proposal {i}"',
            f'quote = "{_sentence(j)}"',
            f'owner = "{OWNERS[j % len(OWNERS)]}"',
            f'due = "+{30 + i % 300}d"',
            f'area = "{AREAS[i % len(AREAS)]}"',
            f'priority = "{PRIORITIES[i % len(PRIORITIES)]}"',
            f'tags = ["bulk", "t{i % 10}"]',
            f'description = "{DESCRIPTION}(item {i})"',
            "",
        ]
    path = folder / "bulk.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


# --- what is in the database ----------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    meetings: int
    owners: int
    commitments: int
    keys: int  # distinct keys among the meeting's commitments
    events: int

    @property
    def everything(self) -> bool:
        return self == Contents(meetings=1, owners=len(OWNERS), commitments=N, keys=N, events=N)

    @property
    def nothing(self) -> bool:
        return self == Contents(meetings=0, owners=0, commitments=0, keys=0, events=0)


def contents(db_url: str) -> Contents:
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:

            def count(sql: str) -> int:
                return int(conn.execute(sa.text(sql), {"slug": SLUG}).scalar() or 0)

            return Contents(
                meetings=count("SELECT count(*) FROM meeting WHERE slug = :slug"),
                owners=count("SELECT count(*) FROM owner"),
                commitments=count("SELECT count(*) FROM commitment"),
                keys=count(
                    "SELECT count(DISTINCT c.key) FROM commitment c "
                    "JOIN meeting m ON m.id = c.meeting_id WHERE m.slug = :slug"
                ),
                events=count("SELECT count(*) FROM event WHERE kind = 'created'"),
            )
    finally:
        engine.dispose()


# --- watching the import from outside -------------------------------------------------------


def wal_frames(db_path: Path) -> tuple[int, int]:
    """(valid frames, commit frames) in the SQLite -wal file beside `db_path`.

    A frame is valid while its salt matches the header's (frames past a WAL restart carry an
    older salt); a commit frame has a non-zero "database size" field. Frames with no commit
    frame after them are a transaction in progress, which recovery drops.
    """
    try:
        data = Path(f"{db_path}-wal").read_bytes()
    except FileNotFoundError:
        return 0, 0
    if len(data) < 32:
        return 0, 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salt = data[16:24]
    frames = commits = 0
    offset = 32
    while offset + 24 + page_size <= len(data) and data[offset + 8 : offset + 16] == salt:
        frames += 1
        commits += struct.unpack(">I", data[offset + 4 : offset + 8])[0] != 0
        offset += 24 + page_size
    return frames, commits


# Phases. SQLite's are read from the -wal file after the kill, so they are certain; on
# PostgreSQL, "writing" is the last thing seen before the kill (a commit may come after it).
NOTHING_IN_WAL = "no frame in the WAL"
UNCOMMITTED_IN_WAL = "uncommitted frames in the WAL, no commit frame"
COMMITTED_IN_WAL = "a commit frame in the WAL"
PG_WRITING = "seen writing: its backend holds a transaction id"
FINISHED = "finished before the kill"


class Watcher:
    """A backend's view of an import in progress, and of what it had done when it died."""

    interval = 0.002  # seconds between looks

    def start(self) -> None:
        """A new import is about to start."""

    def poll(self) -> bool:
        """Look at the import; True once its transaction has written uncommitted rows."""
        raise NotImplementedError

    def after_kill(self) -> str:
        """Wait until the killed import can change nothing more; how far it had got."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of whatever the watcher holds."""


class SqliteWatcher(Watcher):
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def start(self) -> None:
        assert wal_frames(self.db_path) == (0, 0), "a WAL left over from the round before"

    def poll(self) -> bool:
        frames, commits = wal_frames(self.db_path)
        return frames > 0 and commits == 0

    def after_kill(self) -> str:
        # Read before anything opens the database: opening it would recover the WAL.
        frames, commits = wal_frames(self.db_path)
        if commits:
            return COMMITTED_IN_WAL
        return UNCOMMITTED_IN_WAL if frames else NOTHING_IN_WAL


class PostgresWatcher(Watcher):
    interval = 0.01  # each look is a query: fewer of them leave the server to the import

    def __init__(self, db_url: str) -> None:
        self.engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        self.conn = self.engine.connect()
        self.seen = ""

    def _others(self) -> list[tuple[int, bool]]:
        """(pid, holds a transaction id) of the other clients of the test database."""
        rows = self.conn.execute(
            sa.text(
                "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
        ).all()
        return [(int(pid), bool(has_xid)) for pid, has_xid in rows]

    def _wait_alone(self, who: str) -> None:
        deadline = time.monotonic() + 15
        while self._others():
            if time.monotonic() > deadline:
                pytest.fail(f"{who} still connected after 15 s: {self._others()}")
            time.sleep(0.02)

    def start(self) -> None:
        # A client that has just closed its connection may keep its backend for a moment.
        self._wait_alone("another client of the test database")
        self.seen = "not seen connected"

    def poll(self) -> bool:
        others = self._others()
        if any(has_xid for _, has_xid in others):
            self.seen = PG_WRITING
        elif others and self.seen != PG_WRITING:
            self.seen = "seen connected, no transaction id"
        return self.seen == PG_WRITING

    def after_kill(self) -> str:
        # The server rolls back a dead client's transaction once it notices the connection is
        # gone; until that backend has ended, a COMMIT already sent could still land.
        self._wait_alone("the killed import's backend")
        return self.seen

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


# --- the rounds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KillPoint:
    label: str
    fraction: float | None = None  # of the time an uninterrupted import takes
    writing_plus_s: float | None = None  # this long after its first uncommitted rows are seen


# Start-up and reading the file come first, the write transaction last (how much of the time it
# takes depends on the backend and the machine): one kill early, the others late, up to the
# exit; the rounds that watch for uncommitted rows make sure a kill lands inside the
# transaction. The last round must leave a killed import behind: the final imports run on it.
KILL_POINTS = (
    KillPoint("at 30 % of the import time", fraction=0.3),
    KillPoint("at 65 %", fraction=0.65),
    KillPoint("at 80 %", fraction=0.8),
    KillPoint("at 90 %", fraction=0.9),
    KillPoint("at 100 %", fraction=1.0),
    KillPoint("100 ms after the first uncommitted rows", writing_plus_s=0.1),
    KillPoint("as the first uncommitted rows land", writing_plus_s=0.0),
)
UNINTERRUPTED = KillPoint("uninterrupted")


@dataclass(frozen=True)
class Round:
    point: KillPoint
    killed: bool  # False: the import finished before its kill point
    returncode: int
    stderr: str
    phase: str  # how far the watcher knew the import had got
    found: Contents
    elapsed: float  # seconds from start to the kill or the end

    def __str__(self) -> str:
        said = f", stderr {self.stderr.strip()!r}" if self.stderr else ""
        return (
            f"{self.point.label}, {self.elapsed:.2f} s: {self.phase}, exit {self.returncode}"
            f"{said}, {self.found}"
        )


def _import_env(db_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return {
        **clean,
        "TRACKER_DATABASE_URL": db_url,
        "TRACKER_ACTOR": "importer",
        "TRACKER_NOW": FIXED_NOW,
    }


def kill_round(
    db_url: str, meeting_file: Path, point: KillPoint, watcher: Watcher, full_s: float = 0.0
) -> Round:
    """Start `tracker import`, SIGKILL it at `point` (`full_s`: how long an uninterrupted
    import takes), and see what it left."""
    watcher.start()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "import", str(meeting_file)],
        env=_import_env(db_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    writing_since: float | None = None
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if watcher.poll() and writing_since is None:
                writing_since = now
            if point.fraction is not None and now - started >= point.fraction * full_s:
                break
            wait = point.writing_plus_s
            if wait is not None and writing_since is not None and now - writing_since >= wait:
                break
            if now - started > 60:
                pytest.fail(f"{point.label}: the import neither finished nor reached the point")
            time.sleep(watcher.interval)
        elapsed = time.monotonic() - started
    finally:
        proc.send_signal(signal.SIGKILL)  # a no-op if it has finished
        _, err = proc.communicate(timeout=30)
    killed = proc.returncode == -signal.SIGKILL  # else it finished first, if only just
    phase = watcher.after_kill()
    phase = phase if killed else FINISHED
    return Round(point, killed, proc.returncode, err, phase, contents(db_url), elapsed)


def _reset(db_url: str, template: Path | None) -> None:
    """Back to an empty, migrated database."""
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        assert template is not None and url.database
        for suffix in ("-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, url.database)
        return
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def watcher(db_url: str) -> Callable[[], Watcher]:
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return lambda: SqliteWatcher(Path(url.database or ""))
    return lambda: PostgresWatcher(db_url)


@pytest.mark.slow
def test_kill_9_during_a_large_import_leaves_all_of_it_or_none(
    db_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    watcher: Callable[[], Watcher],
) -> None:
    meeting_file = write_meeting(tmp_path)
    sqlite = db_url.startswith("sqlite")
    template = request.getfixturevalue("sqlite_template") if sqlite else None

    rounds: list[Round] = []
    watching = watcher()
    try:
        timed = kill_round(db_url, meeting_file, UNINTERRUPTED, watching)
        assert (timed.returncode, timed.stderr, timed.found.everything) == (0, "", True), str(timed)
        _reset(db_url, template)
        for point in KILL_POINTS:
            done = kill_round(db_url, meeting_file, point, watching, timed.elapsed)
            rounds.append(done)
            assert done.found.everything or done.found.nothing, f"partial import: {done}"
            if done.killed:
                assert done.stderr == "", str(done)
            else:
                assert (done.returncode, done.stderr) == (0, ""), str(done)
                assert done.found.everything, str(done)
            if done.phase == UNCOMMITTED_IN_WAL:  # it died before its commit: nothing remains
                assert done.found.nothing, str(done)
            if done.phase == COMMITTED_IN_WAL:
                assert done.found.everything, str(done)
            if done.found.everything:
                _reset(db_url, template)
    finally:
        watching.close()
    summary = "\n".join(map(str, rounds))

    # The round killed as its first uncommitted rows landed did stop a transaction in the
    # middle (else this test proves nothing), and nothing of it is left.
    (mid_write,) = [r for r in rounds if r.point.writing_plus_s == 0.0]
    writing = UNCOMMITTED_IN_WAL if sqlite else PG_WRITING
    assert (mid_write.killed, mid_write.phase, mid_write.found.nothing) == (
        True,
        writing,
        True,
    ), summary
    assert rounds[-1] is mid_write

    # What that kill left takes the import; a second import changes nothing.
    first = run_cli(["import", str(meeting_file), "--json"], db_url=db_url)
    assert (first.exit_code, first.stderr) == (0, ""), summary
    report = first.json()
    assert (report["meeting_created"], len(report["created"]), report["unchanged"]) == (
        True,
        N,
        0,
    )
    assert contents(db_url).everything
    before = snapshot(db_url)
    second = run_cli(["import", str(meeting_file), "--json"], db_url=db_url)
    assert (second.exit_code, second.stderr) == (0, "")
    again = second.json()
    assert (again["changed"], again["created"], again["updated"], again["unchanged"]) == (
        False,
        [],
        [],
        N,
    )
    assert snapshot(db_url) == before
