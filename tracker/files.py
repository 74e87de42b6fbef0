"""Writing files a reader may open at any moment: atomically, never a part of one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tracker.errors import InvalidInput


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, fsync it, rename it over `path`, then
    fsync the folder: a reader (or a crash) sees the old file or the new one, never a part."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # Not mkstemp: its files are 0600, and digests are for the people who share the folder.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # makes the rename itself durable
    finally:
        os.close(dir_fd)


def write_output(path: Path, text: str) -> None:
    """Write a file the user asked for, atomically; a path that cannot be written is bad input."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
