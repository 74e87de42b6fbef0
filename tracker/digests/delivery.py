"""Delivery channels for rendered digests: files written atomically into a folder, and e-mail.

Each function delivers one thing to one place and reports an `Outcome`; recording it is the
caller's business. Nothing here reads the database or the clock.

The SMTP password is only ever passed to `login()`: it is kept out of reprs, and scrubbed from
every error message that leaves this module (those end up in the database and the logs).
"""

from __future__ import annotations

import contextlib
import email.policy
import hashlib
import logging
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker.errors import InvalidInput
from tracker.files import write_atomically

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

FILE = "file"
EMAIL = "email"
SMTP_ATTEMPTS = 4
SMTP_BACKOFF_S = 2.0  # waits of 2, 4 and 8 s between the four attempts
_MAX_ERROR = 500


@dataclass(frozen=True)
class Outcome:
    """What happened to one delivery: `attempts` counts the tries made this time."""

    delivered: bool
    attempts: int
    error: str | None = None
    message_id: str | None = None
    permanent: bool = False  # no point trying again: a 5xx reply, no mail server configured
    interrupted: bool = False  # the process is stopping; nothing was accepted


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "owner"


def file_name(
    schedule: str,
    as_of: date,
    fmt: str,
    owner_slug: str | None = None,
    *,
    at: datetime | None = None,
) -> str:
    """`SCHEDULE-YYYY-MM-DD[-HHMM][-OWNER].FORMAT`: named by the digest's date, as `tracker
    digest --out FOLDER` names its files, with the local fire time `at` for a schedule that
    fires more than once a day (see `fire_time_for_name`). The same schedule, period, audience
    and format always give the same name, so a retried delivery overwrites its own file
    instead of adding a second one."""
    when = ""
    if at is not None:
        when = at.strftime("-%H%M%S" if at.second else "-%H%M")
    suffix = f"-{owner_slug}" if owner_slug else ""
    return f"{schedule}-{as_of.isoformat()}{when}{suffix}.{fmt}"


def fire_time_for_name(cron_expr: str, timezone: str, fire_time: datetime) -> datetime | None:
    """The local fire time a file name needs to tell a schedule's periods of one day apart:
    None when its seconds, minute and hour are each one number (at most one period a day)."""
    fields = cron_expr.split()
    times = fields[:3] if len(fields) == 6 else fields[:2]
    if all(part.isdigit() for part in times):
        return None
    return fire_time.astimezone(ZoneInfo(timezone))


def deliver_file(path: Path, text: str) -> Outcome:
    try:
        write_atomically(path, text)
    except OSError as exc:  # a full disk, a folder not mounted yet: worth another try later
        return Outcome(False, 1, _clip(f"cannot write {path}: {exc.strerror or exc}"))
    return Outcome(True, 1)


# --- e-mail -------------------------------------------------------------------------------


def _env_flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise InvalidInput(f"{name} must be 1 or 0, not {value!r}")


def _env_number(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, not {text!r}") from None
    if value <= 0:
        raise InvalidInput(f"{name} must be positive, not {text!r}")
    return value


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "tracker@localhost"
    starttls: bool = False
    tls: bool = False  # implicit TLS from the first byte (SMTPS, port 465)
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings | None:
        """Settings from TRACKER_SMTP_*; None when no host is set (e-mail is then refused).

        Refuses, with InvalidInput, what would fail at every send or leak the password: a
        sender that is not one address, a login over a connection without TLS (unless
        TRACKER_SMTP_ALLOW_PLAINTEXT=1 says the network is trusted), TLS and STARTTLS both."""
        sender = clean_sender(environ.get("TRACKER_SMTP_FROM") or "tracker@localhost")
        host = environ.get("TRACKER_SMTP_HOST", "").strip()
        if not host:
            return None
        tls = _env_flag(environ, "TRACKER_SMTP_TLS")
        starttls = _env_flag(environ, "TRACKER_SMTP_STARTTLS")
        if tls and starttls:
            raise InvalidInput(
                "set TRACKER_SMTP_TLS (implicit TLS, port 465) or TRACKER_SMTP_STARTTLS, not both"
            )
        port = _env_number(environ, "TRACKER_SMTP_PORT", 465 if tls else 25)
        if port != int(port) or port > 65535:
            raise InvalidInput(f"TRACKER_SMTP_PORT is not a port: {environ['TRACKER_SMTP_PORT']}")
        user = environ.get("TRACKER_SMTP_USER") or None
        plaintext = _env_flag(environ, "TRACKER_SMTP_ALLOW_PLAINTEXT")
        if user and not (tls or starttls) and not plaintext:
            raise InvalidInput(
                "TRACKER_SMTP_USER is set but the connection is not encrypted: set "
                "TRACKER_SMTP_TLS=1 or TRACKER_SMTP_STARTTLS=1 (or TRACKER_SMTP_ALLOW_PLAINTEXT=1 "
                "to send the password in clear text)"
            )
        return cls(
            host=host,
            port=int(port),
            user=user,
            password=environ.get("TRACKER_SMTP_PASSWORD") or None,
            sender=sender,
            starttls=starttls,
            tls=tls,
            timeout=_env_number(environ, "TRACKER_SMTP_TIMEOUT", 10.0),
        )

    def scrub(self, text: str) -> str:
        return text.replace(self.password, "***") if self.password else text


# One address, as a mail system reads it: a comma, a semicolon, angle brackets or a display
# name would make one recipient several, or hide one.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})*")


def clean_address(text: str, *, what: str = "e-mail address") -> str:
    """One plain address (`name@example.org`), or InvalidInput."""
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if not (at and len(address) <= 254 and _LOCAL.fullmatch(local) and _DOMAIN.fullmatch(domain)):
        raise InvalidInput(f"{what}: not one e-mail address: {text!r}")
    return str(Address(addr_spec=address))


def clean_sender(text: str) -> str:
    """TRACKER_SMTP_FROM: one address, with a display name if wanted (`Digests <d@x.org>`)."""
    problem = InvalidInput(f"TRACKER_SMTP_FROM: not one e-mail address: {text!r}")
    try:
        header = email.policy.default.header_factory("From", text.strip())
    except (ValueError, IndexError):
        raise problem from None
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or header.defects:
        raise problem
    clean_address(addresses[0].addr_spec, what="TRACKER_SMTP_FROM")
    return str(header)


def message_id(schedule: str, period_key: str, recipient: str) -> str:
    """The same for every attempt at one run and recipient: a mail system that got a message
    twice (a crash between the server's 250 and our record of it) can tell it is one."""
    period = re.sub(r"[^A-Za-z0-9.]", "", period_key.removesuffix("+00:00"))
    digest = hashlib.sha1(recipient.strip().lower().encode()).hexdigest()[:12]
    return f"<digest.{schedule}.{period}.{digest}@tracker>"


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    msg_id: str,
    sent_at: datetime,
) -> EmailMessage:
    """A multipart/alternative message: plain text first, HTML preferred by mail readers."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


class _Transient(Exception):
    """A failure worth another try: a 4xx reply, a refused or dropped connection, a timeout."""


def _reply(code: int, text: bytes | str) -> str:
    detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(detail.split())}"


# The SMTP connections being used right now, so that a stopping process can cut them: a server
# that stalls would otherwise hold it for its timeout, times each attempt.
_in_flight: set[smtplib.SMTP] = set()
_in_flight_lock = threading.Lock()


def abort_in_flight() -> int:
    """Cut every SMTP connection in use (their sends fail at once, and nothing is accepted: a
    message counts only once the server answered its final dot); how many were cut."""
    with _in_flight_lock:
        clients = list(_in_flight)
    for client in clients:
        sock = client.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # wakes a thread blocked reading it; close won't
                sock.shutdown(socket.SHUT_RDWR)
    return len(clients)


def _client(settings: SmtpSettings) -> smtplib.SMTP:
    client: smtplib.SMTP
    if settings.tls:
        client = smtplib.SMTP_SSL(timeout=settings.timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(timeout=settings.timeout)
    # The name the certificate is checked against, for SMTPS and STARTTLS alike: smtplib takes
    # it from the constructor only (which would also connect, outside our error handling),
    # never from connect(), and an empty name fails every TLS handshake.
    client._host = settings.host  # type: ignore[attr-defined]
    return client


def _send_once(settings: SmtpSettings, message: EmailMessage) -> None:
    """One connection, one message; raises `_Transient` or `smtplib.SMTPException`."""
    client = _client(settings)
    with _in_flight_lock:
        _in_flight.add(client)
    try:
        try:
            code, banner = client.connect(settings.host, settings.port)
        except ssl.SSLCertVerificationError:
            raise  # not transient: the server is not who it claims to be
        except OSError as exc:
            raise _Transient(f"cannot connect to {settings.host}:{settings.port}: {exc}") from exc
        if code != 220:
            raise smtplib.SMTPConnectError(code, banner)
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        if 400 <= code < 500:
            raise _Transient(_reply(code, text)) from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Transient(_reply(exc.smtp_code, exc.smtp_error)) from exc
        raise
    except smtplib.SMTPServerDisconnected as exc:  # how a read timeout shows, among others
        raise _Transient(f"server disconnected: {exc}") from exc
    except smtplib.SMTPException:  # SMTPException is an OSError: keep it from the next clause
        raise
    except ssl.SSLCertVerificationError as exc:
        raise smtplib.SMTPException(f"TLS: {exc.verify_message or exc}") from exc
    except OSError as exc:  # a reset connection, a write timeout
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc
    finally:
        with _in_flight_lock:
            _in_flight.discard(client)
        _close(client)


def _close(client: smtplib.SMTP) -> None:
    # QUIT after the message was accepted must not turn a delivery into a failure (and a retry
    # into a duplicate), so its errors are ignored.
    try:
        if client.sock is not None:
            client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def send_email(
    settings: SmtpSettings | None,
    message: EmailMessage,
    *,
    attempts: int = SMTP_ATTEMPTS,
    backoff: float = SMTP_BACKOFF_S,
    sleep: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Outcome:
    """Send `message`; retry transient failures with exponential backoff (`backoff`, twice
    that, …) up to `attempts` tries; a 5xx reply is final at once. Once `cancel` is set, no
    attempt starts and a backoff wait ends: the outcome is `interrupted`."""
    msg_id = str(message["Message-ID"])
    recipient = str(message["To"])
    if settings is None:
        return Outcome(False, 0, "no SMTP server: set TRACKER_SMTP_HOST", msg_id, permanent=True)
    stop = cancel or threading.Event()
    wait_for = sleep or stop.wait
    error = ""
    for attempt in range(1, attempts + 1):
        if stop.is_set():
            return _interrupted(attempt - 1, error, msg_id)
        try:
            _send_once(settings, message)
            return Outcome(True, attempt, None, msg_id)
        except _Transient as exc:
            error = _clip(settings.scrub(str(exc)))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            reply = _clip(settings.scrub(_reply(code, text)))
            return Outcome(False, attempt, reply, msg_id, permanent=True)
        except smtplib.SMTPResponseException as exc:
            reply = _reply(exc.smtp_code, exc.smtp_error)
            return Outcome(False, attempt, _clip(settings.scrub(reply)), msg_id, permanent=True)
        except smtplib.SMTPException as exc:  # e.g. the server offers no STARTTLS or AUTH
            text = _clip(settings.scrub(str(exc)))
            return Outcome(False, attempt, text, msg_id, permanent=True)
        if stop.is_set():
            return _interrupted(attempt, error, msg_id)
        if attempt < attempts:
            wait = backoff * 2 ** (attempt - 1)
            # Says what the wait is for: a `schedule run` that seems to hang is retrying.
            # `error` was scrubbed of the password above.
            log.warning(
                "mail to %s: %s; retrying in %.3g s (attempt %d of %d)",
                recipient,
                error,
                wait,
                attempt + 1,
                attempts,
            )
            wait_for(wait)
    return Outcome(False, attempts, error, msg_id)


class RetryNotes(logging.Handler):
    """Shows this module's retry notes, bare, through `echo` (a command's stderr) for as long
    as it is installed (`with RetryNotes(echo):`): for commands that keep no event log."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._echo = echo
        self._level = log.level

    def emit(self, record: logging.LogRecord) -> None:
        self._echo(record.getMessage())

    def __enter__(self) -> RetryNotes:
        if log.getEffectiveLevel() > logging.WARNING:
            log.setLevel(logging.WARNING)
        log.addHandler(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        log.removeHandler(self)
        log.setLevel(self._level)


def _interrupted(attempts: int, error: str, msg_id: str) -> Outcome:
    detail = f" (after: {error})" if error else ""
    return Outcome(
        False, attempts, _clip(f"interrupted: stopping{detail}"), msg_id, interrupted=True
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"
