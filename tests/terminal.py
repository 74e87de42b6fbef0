"""Running `tracker` with a pseudo-terminal as stdout and stderr, as a person at a shell."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from conftest import REPO


def at_a_terminal(args: list[str], env: dict[str, str], columns: int | None = None) -> bytes:
    """What `tracker ARGS` writes to a pseudo-terminal (`columns` wide, if given); the
    command must succeed."""
    leader, follower = pty.openpty()
    if columns is not None:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", *args],
            stdout=follower,
            stderr=follower,
            env=env,
            cwd=REPO,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command exited and closed its side
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0, b"".join(chunks)
    finally:
        os.close(leader)
    return b"".join(chunks)
