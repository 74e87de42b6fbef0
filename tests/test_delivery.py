"""Delivery of digests over real channels: a real SMTP server (aiosmtpd) on loopback, a server
that never answers, and files in a temporary folder; outcomes as recorded in the database."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Runner
from mailservers import Recorder, SilentServer, self_signed_certificate, smtp_server
from sqlmodel import select

from tracker.db import Database
from tracker.digests import delivery
from tracker.digests.data import build_digest, subject
from tracker.digests.delivery import SmtpSettings
from tracker.digests.render import render
from tracker.digests.runs import DeliveryOptions, RunResult
from tracker.digests.schedules import add_schedule, run_due, run_now
from tracker.errors import InvalidInput
from tracker.models import Delivery, DigestRun

# The seed meeting as it stood on 11 September 2017: two commitments late, two due soon.
NOW = datetime(2017, 9, 11, 9, 0, tzinfo=UTC)
AS_OF = date(2017, 9, 11)
PASSWORD = "pw-Zq9-not-for-anyone"


@pytest.fixture
def db(seeded: Runner, db_url: str) -> Iterator[Database]:
    handle = Database(db_url)
    yield handle
    handle.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


def _options(port: int, *, timeout: float = 5.0) -> DeliveryOptions:
    settings = SmtpSettings(host="127.0.0.1", port=port, timeout=timeout)
    return DeliveryOptions(smtp=settings, backoff=0.01)


def _schedule(db: Database, name: str, **kwargs: object) -> None:
    with db.write() as session:
        add_schedule(session, name=name, cron_expr="0 9 * * *", now=NOW, **kwargs)  # type: ignore[arg-type]


def _manual(db: Database, name: str, options: DeliveryOptions) -> RunResult:
    return run_now(db, name=name, as_of=AS_OF, clock=lambda: NOW, options=options)


def _deliveries(db: Database) -> dict[str, Delivery]:
    with db.read() as session:
        return {d.recipient: d for d in session.exec(select(Delivery))}


def _expected_subject(db: Database, run_id: int) -> str:
    with db.read() as session:
        run = session.get(DigestRun, run_id)
        assert run is not None
        digest = build_digest(
            session, as_of=run.as_of, since=run.period_start, until=run.period_end
        )
    return subject(digest)


def test_one_multipart_message_per_recipient(db: Database, smtp: tuple[Recorder, int]) -> None:
    server, port = smtp
    addresses = ["office@example.org", "deputy@example.org"]
    _schedule(db, "weekly", emails=addresses)

    result = _manual(db, "weekly", _options(port))

    assert result.status == "delivered"
    assert sorted(rcpts[0] for rcpts, _ in server.messages) == sorted(addresses)
    expected_subject = _expected_subject(db, result.run_id)
    assert "2 overdue" in expected_subject
    rows = _deliveries(db)
    for rcpts, message in server.messages:
        (address,) = rcpts
        assert message["To"] == address
        assert message["Subject"] == expected_subject
        assert message.get_content_type() == "multipart/alternative"
        parts = [part.get_content_type() for part in message.iter_parts()]
        assert parts == ["text/plain", "text/html"]
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and "overdue" in text.get_content().lower()
        assert html is not None and "<html" in html.get_content().lower()
        msg_id = delivery.message_id("weekly", result.period_key, address)
        assert message["Message-ID"].strip() == msg_id  # a long header may be folded
        row = rows[address]
        assert (row.status, row.attempts, row.message_id) == ("delivered", 1, msg_id)
        assert row.delivered_at == NOW and row.last_error is None


def test_message_ids_are_the_same_for_a_run_and_recipient_and_differ_otherwise() -> None:
    key = "2026-11-30T08:00:00+00:00"
    first = delivery.message_id("weekly", key, "office@example.org")
    assert first == delivery.message_id("weekly", key, "Office@Example.org ")
    assert first.startswith("<digest.weekly.20261130T080000.") and first.endswith("@tracker>")
    others = {
        delivery.message_id("weekly", key, "deputy@example.org"),
        delivery.message_id("weekly", "2026-12-07T08:00:00+00:00", "office@example.org"),
        delivery.message_id("daily", key, "office@example.org"),
    }
    assert first not in others and len(others) == 3


def test_a_4xx_reply_is_retried_and_the_message_delivered_once(
    db: Database, smtp: tuple[Recorder, int]
) -> None:
    server, port = smtp
    server.data_replies = ["451 4.3.0 Try again later"]
    _schedule(db, "weekly", emails=["office@example.org"])

    result = _manual(db, "weekly", _options(port))

    assert result.status == "delivered"
    assert len(server.messages) == 1
    row = _deliveries(db)["office@example.org"]
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, None)


def test_a_5xx_reply_fails_at_once_and_the_others_still_go(
    seeded: Runner, smtp: tuple[Recorder, int], db_url: str
) -> None:
    server, port = smtp
    server.rcpt_replies["gone@example.org"] = "550 5.1.1 No such user"
    added = seeded(
        "schedule",
        "add",
        "weekly",
        "--cron",
        "0 9 * * *",
        "--email",
        "gone@example.org",
        "--email",
        "office@example.org",
    )
    assert added.exit_code == 0, added.stderr

    env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
    result = seeded("schedule", "run", "weekly", "--as-of", "2017-09-11", env=env)

    assert result.exit_code == 8
    assert result.stderr == "Error: 1 of 2 deliveries failed\n"
    assert "failed    email gone@example.org  (550 5.1.1 No such user)" in result.stdout
    assert "delivered email office@example.org" in result.stdout
    assert server.rcpt_calls.count("gone@example.org") == 1  # not retried
    assert [rcpts for rcpts, _ in server.messages] == [["office@example.org"]]
    with Database(db_url).read() as session:
        rows = {d.recipient: d for d in session.exec(select(Delivery))}
        (run,) = session.exec(select(DigestRun)).all()
    assert (rows["gone@example.org"].status, rows["gone@example.org"].attempts) == ("failed", 1)
    assert rows["gone@example.org"].last_error == "550 5.1.1 No such user"
    assert rows["office@example.org"].status == "delivered"
    assert run.status == "failed" and run.finished_at is not None


def test_a_server_that_never_answers_times_out_and_the_pass_goes_on(
    db: Database, tmp_path: Path
) -> None:
    silent = SilentServer()
    try:
        _schedule(db, "hung", directory=tmp_path / "hung", emails=["office@example.org"])
        _schedule(db, "files", directory=tmp_path / "files")
        options = _options(silent.port, timeout=0.3)
        fire = datetime(2017, 9, 12, 9, 0, tzinfo=UTC)

        started = time.monotonic()
        results = run_due(db, clock=lambda: fire, options=options)
        elapsed = time.monotonic() - started
    finally:
        silent.close()

    assert len(silent.connections) == 4  # every attempt connected, and heard nothing
    assert elapsed < 4 * 0.3 + 0.07 + 3.0  # four timeouts and the backoff, not a hang
    by_name = {r.schedule: r for r in results}
    assert by_name["files"].status == "delivered"
    # A timeout is a passing failure: the e-mail stays pending, to be tried again in a minute.
    assert by_name["hung"].status == "claimed"
    rows = _deliveries(db)
    email = rows["office@example.org"]
    assert (email.status, email.attempts) == ("pending", 4)
    assert email.not_before == fire + timedelta(minutes=1)
    assert "timed out" in (email.last_error or "")
    assert email.message_id == delivery.message_id(
        "hung", "2017-09-12T09:00:00+00:00", "office@example.org"
    )
    files = [d for d in rows.values() if d.channel == "file"]
    assert len(files) == 4 and all(d.status == "delivered" for d in files)


def test_the_password_is_never_stored_or_printed(
    seeded: Runner, db: Database, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = SmtpSettings.from_env(
        {
            "TRACKER_SMTP_HOST": "127.0.0.1",
            "TRACKER_SMTP_USER": "tracker",
            "TRACKER_SMTP_PASSWORD": PASSWORD,
            "TRACKER_SMTP_ALLOW_PLAINTEXT": "1",  # the test server offers no TLS
        }
    )
    assert settings is not None and PASSWORD not in repr(settings)
    _schedule(db, "weekly", emails=["office@example.org", "echo@example.org"])
    caplog.set_level(logging.INFO, logger="tracker")

    with smtp_server(require_auth=True) as (_, port):
        options = DeliveryOptions(
            smtp=SmtpSettings(host="127.0.0.1", port=port, user="tracker", password=PASSWORD),
            backoff=0.01,
        )
        refused = _manual(db, "weekly", options)
    # Even a server that quotes it back (here in a 4xx reply, so it is also retried and logged).
    with smtp_server() as (server, port):
        server.rcpt_replies["echo@example.org"] = f"450 4.7.1 not with password {PASSWORD}"
        options = DeliveryOptions(
            smtp=SmtpSettings(host="127.0.0.1", port=port, password=PASSWORD), backoff=0.01
        )
        echoed = run_now(
            db,
            name="weekly",
            as_of=AS_OF,
            clock=lambda: datetime(2017, 9, 11, 10, tzinfo=UTC),
            options=options,
        )

    errors = [d.error or "" for d in refused.deliveries + echoed.deliveries]
    assert any(e.startswith("535") for e in errors)
    assert "450 4.7.1 not with password ***" in errors
    listing = seeded("schedule", "list", "--json")
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        stored = [
            str(row)
            for t in ("delivery", "digest_run", "digest_schedule")
            for row in conn.execute(sa.text(f"SELECT * FROM {t}"))
        ]
    engine.dispose()
    assert "retrying" in caplog.text
    for text in (caplog.text, listing.stdout, *stored, *errors):
        assert PASSWORD not in text


def test_files_are_complete_deterministic_and_left_without_temporaries(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "digests" / "weekly"  # created on first delivery
    _schedule(db, "weekly", directory=folder, formats=["md", "html", "txt"])
    old_umask = os.umask(0o022)
    try:
        (result,) = run_due(
            db,
            clock=lambda: datetime(2017, 9, 12, 9, 0, 30, tzinfo=UTC),
            options=DeliveryOptions(smtp=None),
        )
    finally:
        os.umask(old_umask)

    assert result.status == "delivered" and not result.late
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "weekly-2017-09-12.html",
        "weekly-2017-09-12.md",
        "weekly-2017-09-12.txt",
    ]
    with db.read() as session:
        (run,) = session.exec(select(DigestRun)).all()
        digest = build_digest(
            session, as_of=run.as_of, since=run.period_start, until=run.period_end
        )
    for fmt in ("md", "html", "txt"):
        path = folder / f"weekly-2017-09-12.{fmt}"
        assert path.read_text(encoding="utf-8") == render(digest, fmt)  # type: ignore[arg-type]
        assert path.stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "digest.md"
    assert delivery.deliver_file(target, "old\n") == delivery.Outcome(True, 1)
    assert delivery.deliver_file(target, "new, complete\n").delivered
    assert target.read_text() == "new, complete\n"

    blocked = tmp_path / "blocked.md"
    blocked.mkdir()
    (blocked / "keep").write_text("x")  # a non-empty folder where the file should go
    outcome = delivery.deliver_file(blocked, "text\n")

    assert not outcome.delivered and outcome.attempts == 1
    assert outcome.error is not None and str(blocked) in outcome.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked.md", "digest.md"]


def test_smtp_settings_come_from_the_environment() -> None:
    assert SmtpSettings.from_env({}) is None
    settings = SmtpSettings.from_env({"TRACKER_SMTP_HOST": "mail.example.org"})
    assert settings == SmtpSettings(host="mail.example.org", port=25, timeout=10.0)
    full = SmtpSettings.from_env(
        {
            "TRACKER_SMTP_HOST": "mail.example.org",
            "TRACKER_SMTP_PORT": "587",
            "TRACKER_SMTP_STARTTLS": "1",
            "TRACKER_SMTP_FROM": "digests@example.org",
            "TRACKER_SMTP_TIMEOUT": "2.5",
        }
    )
    assert full is not None
    assert (full.port, full.starttls, full.sender, full.timeout) == (
        587,
        True,
        "digests@example.org",
        2.5,
    )
    for bad in (
        {"TRACKER_SMTP_PORT": "smtp"},
        {"TRACKER_SMTP_STARTTLS": "maybe"},
        {"TRACKER_SMTP_TIMEOUT": "0"},
    ):
        with pytest.raises(InvalidInput):
            SmtpSettings.from_env({"TRACKER_SMTP_HOST": "mail.example.org", **bad})


# --- mail security: no password in clear text, implicit TLS, one address each --------------

LOGIN = {"TRACKER_SMTP_USER": "tracker", "TRACKER_SMTP_PASSWORD": PASSWORD}


@pytest.mark.parametrize(
    "args",
    [["scheduler", "--once"], ["scheduler"], ["schedule", "run", "weekly"]],
    ids=["once", "daemon", "run"],
)
def test_a_login_without_tls_is_refused_before_anything_is_claimed(
    seeded: Runner, db: Database, args: list[str]
) -> None:
    _schedule(db, "weekly", emails=["office@example.org"])
    env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": "2525", **LOGIN}

    result = seeded(*args, env=env)

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: TRACKER_SMTP_USER is set but the connection is not encrypted: set "
        "TRACKER_SMTP_TLS=1 or TRACKER_SMTP_STARTTLS=1 (or TRACKER_SMTP_ALLOW_PLAINTEXT=1 to "
        "send the password in clear text)\n"
    )
    with db.read() as session:
        assert session.exec(select(DigestRun)).all() == []


def test_smtp_settings_for_tls_and_plaintext() -> None:
    host = {"TRACKER_SMTP_HOST": "mail.example.org"}
    tls = SmtpSettings.from_env({**host, **LOGIN, "TRACKER_SMTP_TLS": "1"})
    assert tls is not None and (tls.tls, tls.starttls, tls.port) == (True, False, 465)
    starttls = SmtpSettings.from_env({**host, **LOGIN, "TRACKER_SMTP_STARTTLS": "1"})
    assert starttls is not None and (starttls.tls, starttls.port) == (False, 25)
    plain = SmtpSettings.from_env({**host, **LOGIN, "TRACKER_SMTP_ALLOW_PLAINTEXT": "1"})
    assert plain is not None and plain.user == "tracker"
    assert SmtpSettings.from_env(host) is not None  # no login: nothing to protect
    with pytest.raises(InvalidInput, match=r"TRACKER_SMTP_TLS .* or TRACKER_SMTP_STARTTLS, not"):
        SmtpSettings.from_env({**host, "TRACKER_SMTP_TLS": "1", "TRACKER_SMTP_STARTTLS": "1"})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_implicit_tls_delivers_with_a_login(
    seeded: Runner,
    db: Database,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _schedule(db, "weekly", emails=["office@example.org"])
    with smtp_server(accept_login=True, tls=certificate) as (server, port):
        env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port),
               "TRACKER_SMTP_TLS": "1", **LOGIN}  # fmt: skip
        untrusted = seeded("schedule", "run", "weekly", "--as-of", "2017-09-11", env=env)
        # The test's certificate is its own authority: trusted once it is named as one.
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        later = {**env, "TRACKER_NOW": "2017-09-11T09:05:00+00:00"}  # a run of its own
        trusted = seeded("schedule", "run", "weekly", "--as-of", "2017-09-11", env=later)

    assert untrusted.exit_code == 8
    assert "failed    email office@example.org  (TLS: self-signed certificate)" in untrusted.stdout
    assert trusted.exit_code == 0, trusted.stdout + trusted.stderr
    assert "delivered email office@example.org" in trusted.stdout
    assert [rcpts for rcpts, _ in server.messages] == [["office@example.org"]]


def test_a_recipient_is_one_address(seeded: Runner) -> None:
    result = seeded("schedule", "add", "weekly", "--cron", "0 9 * * MON",
                    "--email", "office@example.org,spy@example.org")  # fmt: skip

    assert result.exit_code == 4
    assert result.stderr == (
        "Error: email: not one e-mail address: 'office@example.org,spy@example.org'\n"
    )
    assert seeded("schedule", "list", "--json").json() == []


@pytest.mark.parametrize("sender", ["a@example.org, spy@example.org", "x,y@example.org", "nobody"])
@pytest.mark.parametrize("args", [["scheduler", "--once"], ["scheduler"]], ids=["once", "daemon"])
def test_a_bad_sender_is_refused_at_start(
    seeded: Runner, db: Database, sender: str, args: list[str]
) -> None:
    _schedule(db, "weekly", emails=["office@example.org"])
    env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_FROM": sender}

    result = seeded(*args, env=env)

    assert (result.exit_code, result.stderr) == (
        4,
        f"Error: TRACKER_SMTP_FROM: not one e-mail address: {sender!r}\n",
    )
    with db.read() as session:
        assert session.exec(select(DigestRun)).all() == []


def test_a_display_name_in_the_sender_is_kept(smtp: tuple[Recorder, int], db: Database) -> None:
    server, port = smtp
    _schedule(db, "weekly", emails=["office@example.org"])
    settings = SmtpSettings.from_env(
        {
            "TRACKER_SMTP_HOST": "127.0.0.1",
            "TRACKER_SMTP_PORT": str(port),
            "TRACKER_SMTP_FROM": "Digests <digests@example.org>",
        }
    )

    _manual(db, "weekly", DeliveryOptions(smtp=settings))

    ((_, message),) = server.messages
    assert str(message["From"]) == "Digests <digests@example.org>"
