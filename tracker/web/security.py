"""Sessions in signed cookies, CSRF tokens, and the login rate limit.

A session cookie is a signed token (`tracker.tokens`) naming the account, its session epoch
(raised by a new password or the account's removal, which ends every session) and a random
nonce; the CSRF token of every form is a keyed digest of that nonce, so it changes with each
sign-in and cannot be made without the secret. An owner's report page has no session: its CSRF
token is a keyed digest of the owner and link epoch.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.tokens import CSRF, SESSION, BadToken, Keys

COOKIE = "tracker_session"
SESSION_HOURS = 12


@dataclass(frozen=True)
class SessionData:
    account_id: int
    epoch: int
    nonce: str


def new_session(keys: Keys, *, account_id: int, epoch: int, now: datetime) -> tuple[str, str]:
    """(cookie value, nonce) for a fresh sign-in."""
    nonce = secrets.token_urlsafe(16)
    token = keys.sign(
        SESSION,
        {"a": account_id, "e": epoch, "n": nonce},
        expires=now + timedelta(hours=SESSION_HOURS),
    )
    return token, nonce


def read_session(keys: Keys, cookie: str | None, *, now: datetime) -> SessionData | None:
    if not cookie:
        return None
    try:
        body = keys.verify(SESSION, cookie, now=now)
        return SessionData(int(body["a"]), int(body["e"]), str(body["n"]))
    except (BadToken, KeyError, TypeError, ValueError):
        return None


def session_csrf(keys: Keys, nonce: str) -> str:
    return keys.digest(CSRF, f"session:{nonce}")


def link_csrf(keys: Keys, *, owner_id: int, epoch: int) -> str:
    return keys.digest(CSRF, f"owner:{owner_id}:{epoch}")


class LoginLimiter:
    """At most `attempts` failed sign-ins per `window` seconds for one client address and for
    one account name; beyond that, refused before the password is checked. In memory, per
    server process (a restart forgets it)."""

    def __init__(
        self,
        *,
        attempts: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait before another attempt (0: go ahead)."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.attempts:
                    wait = max(wait, failures[0] + self.window - now)
            return int(wait) + 1 if wait > 0 else 0

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget quiet keys rather than grow without end
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)
