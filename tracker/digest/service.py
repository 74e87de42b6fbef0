"""Digest on demand: build for a period and audience, render the formats asked for."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlmodel import Session

from tracker.digest.data import Digest, build_digest
from tracker.digest.render import render
from tracker.errors import InvalidInput
from tracker.services.owners import resolve_owner
from tracker.services.views import end_of_day


class Rendered(dict[str, str]):
    """Format -> text, with the digest and a file-name slug for its audience."""

    def __init__(self, digest: Digest, texts: dict[str, str]) -> None:
        super().__init__(texts)
        self.digest = digest
        self.slug = slugify(digest.owner) if digest.owner else ""


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def digest_for_period(
    session: Session, *, as_of: date, since: date, owner: str | None, formats: list[str]
) -> Rendered:
    owner_id = resolve_owner(session, owner).id if owner else None
    start = datetime.combine(since, time.min).astimezone(UTC)
    digest = build_digest(
        session, as_of=as_of, since=start, until=end_of_day(as_of), owner_id=owner_id
    )
    return Rendered(digest, {fmt: render(digest, fmt) for fmt in formats})  # type: ignore[arg-type]


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# Read once at import: os.umask can only be read by setting it, which races with other threads.
_UMASK = _read_umask()


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, fsync, then rename over the target:
    a reader sees the old file or the new one, never half of one."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"no such folder: {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; a digest is meant to be read
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
