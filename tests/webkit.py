"""The web view in-process for tests: the real app (FastAPI's TestClient speaks ASGI to it, no
socket), a real database, a clock the test sets, and helpers to sign in and to follow links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tracker.db import Database
from tracker.services.accounts import add_account
from tracker.tokens import Keys, link_until, owner_link
from tracker.web.app import create_app
from tracker.web.security import LoginLimiter

SECRET = "test-secret-0123456789-abcdef"
PASSWORD = "correct horse battery"
NOW = datetime(2017, 9, 11, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    """One app over one database; `client()` gives a fresh browser (its own cookies)."""

    db_url: str
    keys: Keys = field(default_factory=lambda: Keys.parse(SECRET))
    clock: Clock = field(default_factory=Clock)
    limiter_now: list[float] = field(default_factory=lambda: [0.0])

    def __post_init__(self) -> None:
        self.limiter = LoginLimiter(clock=lambda: self.limiter_now[0])
        self.app = create_app(
            database_url=self.db_url, keys=self.keys, clock=self.clock, limiter=self.limiter
        )
        self.db = Database(self.db_url)

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)

    def add_user(self, name: str, role: str, password: str = PASSWORD) -> None:
        with self.db.write() as session:
            add_account(session, name, role=role, password=password, now=self.clock())

    def signed_in(self, name: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        response = sign_in(client, name, password)
        assert response.status_code == 303, response.text
        return client

    def link(self, owner_id: int, *, days: int = 30, keys: Keys | None = None) -> str:
        """The path of an owner's report link, as a digest would give it."""
        from tracker.models import Owner

        with self.db.read() as session:
            epoch = session.get(Owner, owner_id).link_epoch  # type: ignore[union-attr]
        until = link_until(self.clock(), days)
        url = owner_link(keys or self.keys, owner_id=owner_id, epoch=epoch, until=until)
        return url[url.index("/r/") :]

    def close(self) -> None:
        self.db.close()


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str, next: str = "/") -> Any:
    form = client.get("/login")
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(form.text), "next": next},
    )


@pytest.fixture
def site(seeded: Any, db_url: str) -> Iterator[Site]:
    """The seed meeting on a database of each backend, with a coordinator `chief` and a viewer
    `reader` (import it into a test module to use it)."""
    site = Site(db_url)
    site.add_user("chief", "coordinator")
    site.add_user("reader", "viewer")
    yield site
    site.close()


@contextmanager
def site_for(db_url: str) -> Iterator[Site]:
    site = Site(db_url)
    try:
        yield site
    finally:
        site.close()


def owner_id(db_url: str, part: str) -> int:
    from tracker.services.owners import resolve_owner

    db = Database(db_url)
    try:
        with db.read() as session:
            return resolve_owner(session, part).id  # type: ignore[return-value]
    finally:
        db.close()


def ids_of(db_url: str, owner: int) -> list[int]:
    """The ids of one owner's commitments."""
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id FROM commitment WHERE owner_id = :o ORDER BY id"), {"o": owner}
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def events_of(db_url: str, commitment_id: int) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT kind, actor, channel, field, old_value, new_value, text FROM event"
                    " WHERE commitment_id = :c ORDER BY id"
                ),
                {"c": commitment_id},
            )
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()
