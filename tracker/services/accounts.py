"""Accounts of the web view: coordinators and viewers, with argon2id password hashes.

Owners need no account: they report through their signed link (`tracker.web.tokens`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, func, select

from tracker import fields
from tracker.db import duplicate_is_conflict
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import Account
from tracker.vocabulary import Role

PASSWORD_MIN = 10
PASSWORD_MAX = 200


@lru_cache(maxsize=1)
def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current recommended parameters


def clean_account_name(name: str) -> str:
    try:
        return fields.required_line(name, 120)
    except ValueError as exc:
        raise InvalidInput(f"user name {exc}") from None


def clean_role(role: str) -> str:
    try:
        return Role(role.strip().lower()).value
    except ValueError:
        raise InvalidInput(f"unknown role {role!r} (coordinator or viewer)") from None


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"the password must have at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"the password must have at most {PASSWORD_MAX} characters")
    return password


def find_account(session: Session, name: str) -> Account | None:
    """The account of this name, in any case."""
    wanted = " ".join(name.split()).lower()
    return session.exec(select(Account).where(func.lower(Account.name) == wanted)).first()


def add_account(session: Session, name: str, *, role: str, password: str, now: datetime) -> Account:
    name = clean_account_name(name)
    role = clean_role(role)
    check_password(password)
    if find_account(session, name) is not None:
        raise Conflict(f"user {name!r} already exists")
    account = Account(name=name, role=role, password_hash=_hasher().hash(password), created_at=now)
    with duplicate_is_conflict(f"user {name!r} already exists"):
        session.add(account)
        session.flush()
    return account


def set_password(session: Session, name: str, password: str) -> Account:
    """A new password; every session of the account ends."""
    account = _existing(session, name)
    account.password_hash = _hasher().hash(check_password(password))
    account.session_epoch += 1
    session.add(account)
    return account


def remove_account(session: Session, name: str) -> str:
    account = _existing(session, name)
    session.delete(account)
    return account.name


def _existing(session: Session, name: str) -> Account:
    account = find_account(session, name)
    if account is None:
        raise NotFound(f"no user {name!r}")
    return account


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so that a wrong name costs as long as a wrong
    password (the time of a refusal tells nothing about which names exist)."""
    return str(_hasher().hash("no account has this password"))


def authenticate(session: Session, name: str, password: str) -> Account | None:
    """The account, if the password is its own; None otherwise (whatever was wrong)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    account = find_account(session, name) if name.strip() else None
    try:
        _hasher().verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return account


_ACCOUNT = Account.__table__  # type: ignore[attr-defined]
# Built once: it runs on every request of a signed-in page.
_SESSION_ACCOUNT = sa.select(
    _ACCOUNT.c.id, _ACCOUNT.c.name, _ACCOUNT.c.role, _ACCOUNT.c.session_epoch
).where(_ACCOUNT.c.id == sa.bindparam("id"))


def session_account(conn: sa.Connection, account_id: int) -> sa.Row[Any] | None:
    """(id, name, role, session_epoch) of an account, read on every signed-in request: a plain
    query, no ORM."""
    return conn.execute(_SESSION_ACCOUNT, {"id": account_id}).first()


@dataclass(frozen=True)
class AccountSummary:
    name: str
    role: str
    created_at: datetime


def list_accounts(session: Session) -> list[AccountSummary]:
    rows = session.exec(select(Account).order_by(Account.name))
    return [AccountSummary(a.name, a.role, a.created_at) for a in rows]
