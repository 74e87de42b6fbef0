"""Who is asking: the signed-in account (coordinator or viewer) and the CSRF check of a form."""

from __future__ import annotations

from dataclasses import dataclass

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


def current_user(request: Request) -> User | None:
    web = web_of(request)
    data = read_session(web.keys, request.cookies.get(COOKIE), now=web.now())
    if data is None:
        return None
    from tracker.services.accounts import session_account

    with web.db.connect() as conn:
        account = session_account(conn, data.account_id)
    if account is None or account.session_epoch != data.epoch:
        return None  # removed, or a new password since: every session ends
    return User(account.id, account.name, account.role, session_csrf(web.keys, data.nonce))


def signed_in(request: Request) -> User:
    """A dependency: the account, or off to the sign-in form."""
    user = current_user(request)
    if user is None:
        raise NeedSignIn()
    return user


def coordinator(request: Request) -> User:
    user = signed_in(request)
    if not user.coordinator:
        raise Forbidden("viewers read only: this needs a coordinator")
    return user


def check_csrf(given: str | None, expected: str) -> None:
    import hmac

    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("the form has expired or did not come from this site: reload the page")
