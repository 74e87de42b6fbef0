"""What reaches a terminal: stored text never carries a control sequence to it, JSON stays
valid JSON, undecodable arguments are a usage error, and --debug keeps the exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import REPO, Runner
from terminal import at_a_terminal

from tracker.cli.render import SGR_CODES

# An OSC sequence that retitles the window (click strips only CSI sequences, and only when
# not at a terminal), a bell, a one-character CSI (U+009B) and DEL.
NASTY = "\x1b]0;owned\x07 \x9b31m \x7f"
TITLE = f"Sign the agreement {NASTY}"
RAW = ("\x1b", "\x07", "\x9b", "\x7f")


def assert_no_raw_controls(text: str) -> None:
    found = [c for c in RAW if c in text]
    assert not found, f"raw control characters {found!r} in {text!r}"


@pytest.fixture
def nasty(run: Runner, db_url: str) -> Runner:
    """An owner, a commitment and a note whose text carries control sequences.

    Input is cleaned of control characters, so they are written straight into the tables, as
    an older version or another client could have left them: output must escape them all the
    same."""
    for args in (
        ("owner", "add", "Ministry"),
        ("add", "Sign the agreement", "--owner", "Ministry", "--due", "2017-09-01"),
        ("note", "1", "Called them"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE owner SET name = :v"), {"v": f"Ministry {NASTY}"})
        conn.execute(sa.text("UPDATE commitment SET title = :v, area = 'finance'"), {"v": TITLE})
        conn.execute(
            sa.text("UPDATE event SET text = :v WHERE kind = 'note'"),
            {"v": f"Called them {NASTY}"},
        )
    engine.dispose()
    return run


def test_write_commands_echo_stored_text_escaped(run: Runner) -> None:
    added = run("owner", "add", f"Ministry {NASTY}")
    assert added.exit_code == 0, added.stderr
    assert_no_raw_controls(added.stdout)
    added = run("add", TITLE, "--owner", "Ministry", "--due", "2017-09-01")
    assert added.exit_code == 0, added.stderr
    assert_no_raw_controls(added.stdout)
    # Cleaned on the way in: what is stored and echoed has no control character at all.
    assert added.stdout.startswith("Added #1 Sign the agreement ]0;owned 31m (due")


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "1"),
        ("overdue",),
        ("owner", "list"),
        ("digest", "--as-of", "2017-09-11"),
        ("digest", "--as-of", "2017-09-11", "--format", "md"),
    ],
    ids=" ".join,
)
def test_stored_control_characters_are_shown_escaped(nasty: Runner, args: tuple[str, ...]) -> None:
    result = nasty(*args)
    assert result.exit_code == 0, result.stderr
    assert_no_raw_controls(result.stdout)
    assert "\\u001b" in result.stdout and "owned\\u0007" in result.stdout


def test_error_messages_quote_stored_text_escaped(nasty: Runner) -> None:
    result = nasty("update", "1", "--owner", f"Nobody {NASTY}")
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: no owner named") and result.stderr.count("\n") == 1
    assert_no_raw_controls(result.stderr)


@pytest.mark.parametrize(
    "args", [("list", "--json"), ("show", "1", "--json"), ("overdue", "--json")]
)
def test_json_output_is_valid_and_escapes_control_characters(
    nasty: Runner, args: tuple[str, ...]
) -> None:
    result = nasty(*args)
    assert result.exit_code == 0, result.stderr
    assert_no_raw_controls(result.stdout)
    data = result.json()
    first = data[0] if isinstance(data, list) else data
    assert first["title"] == TITLE  # the text itself is kept, only its writing is escaped


def test_owner_list_json_round_trips(nasty: Runner) -> None:
    result = nasty("owner", "list", "--json")
    assert_no_raw_controls(result.stdout)
    assert result.json()[0]["name"] == f"Ministry {NASTY}"


def _tracker(args: list[str | bytes], db: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TRACKER_DATABASE_URL": db, "TRACKER_ACTOR": "tester"}
    env.pop("TRACKER_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        [b"add", b"\xff", b"--owner", b"Finance", b"--due", b"2017-10-01"],
        [b"owner", b"add", b"Min\xe9istry"],
        [b"list", b"--owner", b"\xc3"],
    ],
    ids=["title", "owner-name", "option-value"],
)
def test_arguments_that_are_not_utf8_are_a_usage_error(
    sqlite_url: str, args: list[str | bytes]
) -> None:
    result = _tracker(args, sqlite_url)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert stderr.startswith("Error: argument b'") and "is not UTF-8 text" in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert result.stdout == b""


def test_an_actor_variable_that_is_not_utf8_is_a_usage_error(sqlite_url: str) -> None:
    env = {**os.environ, "TRACKER_DATABASE_URL": sqlite_url, "TRACKER_ACTOR": os.fsdecode(b"\xff")}
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "owner", "add", "Finance"],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr == b"Error: TRACKER_ACTOR=b'\\xff' is not UTF-8 text (see 'tracker --help')\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("show", "99"), 3, "Error: no commitment #99"),
        (("show", "abc"), 2, "Error: Invalid value for 'ID'"),
        (("note", "1", " "), 4, "Error: "),
        (("--db", "sqlite:///{tmp}/missing/x.db", "list"), 7, "Error: no folder "),
    ],
    ids=["not-found", "usage", "invalid", "database"],
)
def test_debug_shows_the_traceback_and_keeps_the_exit_code(
    seeded: Runner, tmp_path: Path, args: tuple[str, ...], code: int, says: str
) -> None:
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    plain = seeded(*args)
    debug = seeded("--debug", *args)
    assert plain.exit_code == debug.exit_code == code, debug.stderr
    assert "Traceback" not in plain.stderr and "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith(says)
    assert plain.stderr.splitlines()[-1] == debug.stderr.splitlines()[-1]


def test_debug_through_the_environment_keeps_the_exit_code(seeded: Runner) -> None:
    result = seeded("close", "99", "--note", "Done", env={"TRACKER_DEBUG": "1"})
    assert result.exit_code == 3
    assert "Traceback" in result.stderr


def _at_a_terminal(args: list[str], db: str) -> bytes:
    """What `tracker ARGS` writes to a terminal (a pseudo-terminal as stdout and stderr)."""
    env = {**os.environ, "TRACKER_DATABASE_URL": db, "TRACKER_ACTOR": "tester"}
    env.pop("TRACKER_DEBUG", None)
    return at_a_terminal(args, env)


@pytest.mark.parametrize("args", [["show", "1"], ["list"], ["list", "--json"], ["owner", "list"]])
def test_nothing_raw_reaches_a_real_terminal(nasty: Runner, db_url: str, args: list[str]) -> None:
    output = _at_a_terminal(args, db_url)
    for code in SGR_CODES:  # the colours tracker writes itself; nothing else may pass
        output = output.replace(code.encode(), b"")
    for raw in (b"\x1b", b"\x07", "\x9b".encode(), b"\x7f"):
        assert raw not in output, (raw, output)
    assert b"\\u001b" in output
