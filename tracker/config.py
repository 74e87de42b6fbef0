"""Settings: command-line options beat `TRACKER_*` environment variables beat XDG defaults."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from tracker.errors import InvalidInput

ENV_DATABASE_URL = "TRACKER_DATABASE_URL"
ENV_ACTOR = "TRACKER_ACTOR"
# A fixed clock (ISO date or datetime, UTC) for replays and tests; unset in normal use.
ENV_NOW = "TRACKER_NOW"


def data_dir() -> Path:
    """The user's data directory for tracker (XDG_DATA_HOME, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tracker"


def make_data_dir() -> Path:
    """Create the data directory if it is missing, for its owner only (0700): the database
    holds names, e-mail addresses and the state of agreements. An existing folder keeps the
    mode its owner gave it."""
    folder = data_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


# PostgreSQL spelled without a driver (as hosting providers and libpq write it): SQLAlchemy
# rejects `postgres://` and would reach for psycopg2, which is not installed, for `postgresql://`.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
POSTGRES_SCHEME = "postgresql+psycopg://"


def normalize_database_url(url: str) -> str:
    """`postgres://…` and `postgresql://…` as `postgresql+psycopg://…` (psycopg 3, the driver
    tracker ships with); every other URL as it is."""
    stripped = url.strip()
    for scheme in _POSTGRES_SCHEMES:
        if stripped[: len(scheme)].lower() == scheme:
            return POSTGRES_SCHEME + stripped[len(scheme) :]
    return url


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'tracker.db'}"


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def parse_now(text: str) -> datetime:
    """Read a fixed clock: a date means midnight UTC; a naive datetime is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"{ENV_NOW} is not an ISO date or datetime: {text!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Settings:
    database_url: str
    actor: str
    fixed_now: datetime | None = None

    @classmethod
    def load(cls, *, database_url: str | None = None, actor: str | None = None) -> Settings:
        now_text = os.environ.get(ENV_NOW)
        actor = " ".join((actor or os.environ.get(ENV_ACTOR) or default_actor()).split())
        if not actor or len(actor) > 120:
            raise InvalidInput("the actor name must be 1 to 120 characters")
        return cls(
            database_url=normalize_database_url(
                database_url or os.environ.get(ENV_DATABASE_URL) or default_database_url()
            ),
            actor=actor,
            fixed_now=parse_now(now_text) if now_text else None,
        )

    def now(self) -> datetime:
        """The current instant (UTC-aware): the one clock every command reads."""
        return self.fixed_now or datetime.now(UTC)

    def today(self) -> date:
        """Today's calendar date where the user is (deadlines are local calendar dates)."""
        return self.now().astimezone().date()
