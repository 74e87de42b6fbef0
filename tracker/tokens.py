"""Signed, expiring tokens: owners' report links and the web view's session cookies.

A token is `<payload>.<signature>`: the payload is base64url JSON with its expiry (`x`, Unix
seconds), the signature an HMAC-SHA256 of it under a key derived from the secret for one
purpose, so a session cookie can never pass for a report link or the other way round.

The secret comes from `TRACKER_SECRET_KEY`, never from the database. To rotate it, give the
new secret first and the old one after it, separated by a space: tokens are signed with the
first and accepted under any, so links already e-mailed keep working until the old secret is
removed. Nothing in the database depends on it. Revoking one owner's links is a number of the
owner's (`Owner.link_epoch`) that every link carries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tracker.errors import InvalidInput

ENV_SECRET = "TRACKER_SECRET_KEY"
ENV_BASE_URL = "TRACKER_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SECRET_MIN = 16
LINK_DAYS = 30  # how long a report link in a digest stays good

OWNER_LINK = "owner-link"
SESSION = "session"
CSRF = "csrf"


class BadToken(Exception):
    """A token that is malformed, signed with another key, or expired (the reason is kept for
    the log; a person is told only that the link is not valid)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keys:
    """The secrets in force, the signing one first."""

    secrets: tuple[bytes, ...]

    @classmethod
    def parse(cls, text: str) -> Keys:
        secrets = tuple(part.encode() for part in text.replace(",", " ").split())
        if not secrets:
            raise InvalidInput(f"{ENV_SECRET} is empty")
        if any(len(s) < SECRET_MIN for s in secrets):
            raise InvalidInput(
                f"{ENV_SECRET}: each secret must have at least {SECRET_MIN} characters"
            )
        return cls(secrets)

    @classmethod
    def from_env(cls) -> Keys | None:
        text = os.environ.get(ENV_SECRET, "")
        return cls.parse(text) if text.strip() else None

    def _mac(self, secret: bytes, purpose: str, payload: str) -> bytes:
        key = hmac.new(secret, b"tracker:" + purpose.encode(), hashlib.sha256).digest()
        return hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()

    def sign(self, purpose: str, data: dict[str, Any], *, expires: datetime) -> str:
        body = dict(data, x=int(expires.timestamp()))
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{_b64(self._mac(self.secrets[0], purpose, payload))}"

    def verify(self, purpose: str, token: str, *, now: datetime) -> dict[str, Any]:
        payload, dot, signature = token.partition(".")
        if not dot or len(token) > 2000:
            raise BadToken("malformed")
        try:
            given = _unb64(signature)
            payload.encode("ascii")
        except (ValueError, UnicodeEncodeError):
            raise BadToken("malformed") from None
        if not any(
            hmac.compare_digest(given, self._mac(s, purpose, payload)) for s in self.secrets
        ):
            raise BadToken("bad signature")
        try:
            body = json.loads(_unb64(payload))
            expires = int(body["x"])
        except (ValueError, KeyError, TypeError):
            raise BadToken("malformed") from None
        if not isinstance(body, dict):
            raise BadToken("malformed")
        if now.timestamp() >= expires:
            raise BadToken("expired")
        return body

    def digest(self, purpose: str, text: str) -> str:
        """A keyed digest of `text` (a CSRF token bound to a session or a link)."""
        return _b64(self._mac(self.secrets[0], purpose, text))


def base_url() -> str:
    return (os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")


def link_until(now: datetime, days: int = LINK_DAYS) -> date:
    """The last day (UTC) a report link given at `now` works."""
    return now.astimezone(UTC).date() + timedelta(days=days)


def owner_link(keys: Keys, *, owner_id: int, epoch: int, until: date) -> str:
    """The address an owner opens to report on their commitments, good to the end of `until`
    (UTC)."""
    expires = datetime.combine(until, time.max, UTC)
    token = keys.sign(OWNER_LINK, {"o": owner_id, "v": epoch}, expires=expires)
    return f"{base_url()}/r/{token}"
