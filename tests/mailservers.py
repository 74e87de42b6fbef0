"""Real SMTP servers on loopback for the delivery and scheduler tests.

`Recorder` is an aiosmtpd handler that keeps the messages it accepted and can be told to refuse
a recipient, answer DATA with scripted replies, delay, or stall; `SilentServer` accepts TCP
connections and never says a word (an SMTP server that hangs).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.rcpt_calls: list[str] = []
        self.rcpt_replies: dict[str, str] = {}  # address -> reply, e.g. "550 5.1.1 No such user"
        self.data_replies: list[str] = []  # replies to the next DATA commands, in order
        self.delay = 0.0  # seconds to wait before accepting a message
        self.stalled = False  # hold DATA unanswered until released, then drop the message
        self.data_started = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        with self._lock:
            self.rcpt_calls.append(address)
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started.set()
        if self.stalled:
            while self.stalled:
                await asyncio.sleep(0.05)
            return "421 4.3.2 Abandoned"  # the client is gone by now; nothing was accepted
        with self._lock:
            scripted = self.data_replies.pop(0) if self.data_replies else None
        if scripted:
            return scripted
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for _, m in self.messages]


def _refuse_everyone(*_args: Any) -> AuthResult:
    return AuthResult(success=False, handled=False)


def _accept_everyone(*_args: Any) -> AuthResult:
    return AuthResult(success=True)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the certificate is its own authority)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def smtp_server(
    *, require_auth: bool = False, accept_login: bool = False, tls: tuple[Path, Path] | None = None
) -> Iterator[tuple[Recorder, int]]:
    """A running aiosmtpd server on 127.0.0.1: (its handler, its port). With `tls` (a
    certificate and its key) it speaks TLS from the first byte (SMTPS)."""
    handler = Recorder()
    port = free_port()
    kwargs: dict[str, Any] = {}
    if require_auth or accept_login:
        kwargs = {
            "authenticator": _accept_everyone if accept_login else _refuse_everyone,
            "auth_required": True,
            "auth_require_tls": False,
        }
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        kwargs["ssl_context"] = context
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        handler.stalled = False
        controller.stop()


class SilentServer:
    """Accepts connections and keeps them open without a byte: every read times out."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # so that the accept loop sees `close()`
        self.port = int(self._listener.getsockname()[1])
        self.connections: list[socket.socket] = []
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for conn in self.connections:
            conn.close()
