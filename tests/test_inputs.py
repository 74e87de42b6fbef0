"""Inputs from devices and pipes stop at the 64 MiB cap: exit 6 and one line, at once.

The commands run as subprocesses with a memory limit and a timeout, so a reader that does
not stop fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO

from tracker.inputs import InputTooLarge, read_capped, read_text

LIMIT_AS = 1024 * 1024 * 1024  # 1 GiB: room for the 64 MiB read, not for an endless one


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def tracker(*args: str, db: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": db, "TRACKER_ACTOR": "tester"}
    env.pop("TRACKER_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def assert_refused(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 6, result.stderr[-2000:]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert says in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("import", "/dev/zero"), ("extract", "/dev/zero", "--meeting-date", "2017-05-16")],
    ids=["import", "extract"],
)
def test_an_endless_device_is_refused_at_the_cap(sqlite_url: str, args: tuple[str, ...]) -> None:
    assert_refused(tracker(*args, db=sqlite_url), "larger than the 64 MiB limit")


def test_a_readout_named_by_a_meeting_file_is_capped(sqlite_url: str, tmp_path: Path) -> None:
    meeting = tmp_path / "meeting.toml"
    meeting.write_text(
        '[meeting]\nslug = "m"\ntitle = "Talks"\ndate = 2017-05-16\nsource = "/dev/zero"\n',
        encoding="utf-8",
    )
    assert_refused(tracker("import", str(meeting), db=sqlite_url), "cannot read the readout")


def _feed_forever(fifo: Path, stop: threading.Event) -> None:
    chunk = b"x" * 65536
    try:
        with open(fifo, "wb") as pipe:
            while not stop.is_set():
                pipe.write(chunk)
    except (BrokenPipeError, OSError):
        pass  # the reader stopped reading: what the test wants


@pytest.mark.parametrize(
    "command",
    [("import",), ("extract", "--meeting-date", "2017-05-16")],
    ids=["import", "extract"],
)
def test_an_endless_pipe_is_refused_at_the_cap(
    sqlite_url: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()
    writer = threading.Thread(target=_feed_forever, args=(fifo, stop), daemon=True)
    writer.start()
    try:
        result = tracker(command[0], str(fifo), *command[1:], db=sqlite_url)
    finally:
        stop.set()
        with contextlib.suppress(OSError):  # unblock a writer waiting for a reader to open it
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(10)
    assert_refused(result, "larger than the 64 MiB limit")


def test_read_capped_reads_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "ten.txt"
    path.write_bytes(b"0123456789")
    assert read_capped(path, limit=10) == b"0123456789"
    with pytest.raises(InputTooLarge, match="limit"):
        read_capped(path, limit=9)


def test_read_text_refuses_binary_and_undecodable_input(tmp_path: Path) -> None:
    path = tmp_path / "readout.txt"
    path.write_bytes(b"\xef\xbb\xbfLine one\r\nLine two\r")
    assert read_text(path) == "Line one\nLine two\n"
    path.write_bytes(b"caf\xe9")
    with pytest.raises(ValueError, match="invalid byte 0xe9 at offset 3"):
        read_text(path)
    path.write_bytes(b"\x00\xff")
    with pytest.raises(ValueError, match="binary file"):
        read_text(path)
