"""Reading the files a command is given, with a size cap that holds for devices and pipes too.

A regular file's size is known before reading it; `/dev/zero`, a FIFO or `/dev/stdin` say
nothing (or 0) and may never end. Reading at most the cap plus one byte bounds both the time
and the memory a command spends on its input, whatever the path names.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_INPUT_BYTES = 64 * 1024 * 1024


class InputTooLarge(OSError):
    """More than the cap: an OSError, so callers that report unreadable files report this one
    too (`exc.strerror` is the reason)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the {limit // 2**20} MiB limit")
        self.strerror = f"larger than the {limit // 2**20} MiB limit"


def read_capped(path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of `path`; InputTooLarge past `limit`, other OSErrors as `open` raises them."""
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:  # refused without reading
            raise InputTooLarge(limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(limit)
    return data


class TextInputError(ValueError):
    """Input that is not UTF-8 text; `str()` is a one-line message naming the file."""


def read_text(path: Path, *, limit: int = MAX_INPUT_BYTES, what: str = "file") -> str:
    """The text of `path` (UTF-8, a BOM dropped, newlines normalised to \\n).

    OSError (InputTooLarge included) when it cannot be read; TextInputError when it is
    binary or not UTF-8.
    """
    data = read_capped(path, limit=limit)
    if b"\x00" in data:  # before decoding: a binary file is named as one, not as bad UTF-8
        raise TextInputError(f"{path}: this is a binary file (it contains NUL bytes), not a text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TextInputError(
            f"{path}: the {what} is not UTF-8 text (invalid byte 0x{data[error.start]:02x} at "
            f"offset {error.start}); convert it to UTF-8 first"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
