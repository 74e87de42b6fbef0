"""Who is asking: the signed-in account (coordinator or viewer) and the CSRF check of a form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request

from tracker.vocabulary import Role
from tracker.web.app import Forbidden, NeedSignIn, web_of
from tracker.web.security import COOKIE, read_session, session_csrf


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    csrf: str

    @property
    def coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


def current_user(request: Request, conn: sa.Connection | None = None) -> User | None:
    """The account of the request's session cookie, read on `conn` if given."""
    web = web_of(request)
    data = read_session(web.keys, request.cookies.get(COOKIE), now=web.now())
    if data is None:
        return None
    from tracker.services.accounts import session_account

    if conn is None:
        with web.db.lookup() as own:
            account = session_account(own, data.account_id)
    else:
        account = session_account(conn, data.account_id)
    if account is None or account.session_epoch != data.epoch:
        return None  # removed, or a new password since: every session ends
    return User(account.id, account.name, account.role, session_csrf(web.keys, data.nonce))


def signed_in(request: Request) -> User:
    """The account, or off to the sign-in form (the API's dependency; a page calls it first
    thing)."""
    user = current_user(request)
    if user is None:
        raise NeedSignIn()
    return user


@contextmanager
def reading(request: Request) -> Iterator[tuple[User, sa.Connection]]:
    """The signed-in account (or off to the sign-in form) and a connection for the page's
    reads, the same one. For the pages read most (the board, a commitment): a dependency
    runs in a worker thread of its own and takes a connection of its own, each costing more
    than the check itself."""
    with web_of(request).db.lookup() as conn:
        user = current_user(request, conn)
        if user is None:
            raise NeedSignIn()
        yield user, conn


def coordinator(request: Request) -> User:
    user = signed_in(request)
    if not user.coordinator:
        raise Forbidden("viewers read only: this needs a coordinator")
    return user


def check_csrf(given: str | None, expected: str) -> None:
    import hmac

    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("the form has expired or did not come from this site: reload the page")
