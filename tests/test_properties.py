"""Property tests: date parsing, meeting-file loading and the command line never fail in a way
the user cannot act on (a stray exception, exit 1, a traceback).

The bad inputs these properties found are pinned, one by one, in tests/test_bad_input.py.
"""

from __future__ import annotations

import math
import shutil
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import SEED_FILE, run_cli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.cli import cli
from tracker.dates import EARLIEST, LATEST, parse_date
from tracker.errors import ExitCode, InvalidInput, MeetingFileError
from tracker.meetingfile import load_meeting_file

READOUT = SEED_FILE.with_suffix(".txt")
SEED_DOC = tomllib.loads(SEED_FILE.read_text(encoding="utf-8"))

FAST = settings(max_examples=200, deadline=None, database=None)
WITH_TMP = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# --- (a) dates.parse_date -------------------------------------------------------------------

WORDS = ["today", "tomorrow", "yesterday", "eom", "eoq", "eoy"]
WORDS += ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WORDS += ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"]
DATE_TEXT = st.one_of(
    st.text(),
    st.sampled_from(WORDS).map(lambda w: w.upper()) | st.sampled_from(WORDS),
    st.from_regex(r"\A\s*[+-]?\d{1,7}[dwmyx]?\s*\Z"),
    st.from_regex(r"\A\s*\d{2,5}-\d{1,3}-\d{1,3}\s*\Z"),
    st.dates().map(date.isoformat),
)


def _in_range(day: date) -> bool:
    """parse_date accepts dates from 1900 to 2999 only (anything else is a typing mistake)."""
    return EARLIEST <= day <= LATEST


@pytest.mark.parametrize("text", ["1900-01-01", "2999-12-31"])
def test_the_first_and_last_accepted_days(text: str) -> None:
    assert parse_date(text, today=date(2017, 9, 11)) == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["1899-12-31", "3000-01-01", "0001-01-01", "9999-12-31"])
def test_days_outside_1900_to_2999_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        parse_date(text, today=date(2017, 9, 11))


@FAST
@example(text="tomorrow", today=date.max)
@example(text="yesterday", today=date.min)
@example(text="friday", today=date.max)
@example(text="+1m", today=date.max)
@example(text="eoq", today=date.min)
@given(text=DATE_TEXT, today=st.dates())
def test_parse_date_returns_a_date_in_range_or_refuses(text: str, today: date) -> None:
    try:
        parsed = parse_date(text, today=today)
    except InvalidInput as exc:
        assert str(exc)
        return
    assert type(parsed) is date
    assert _in_range(parsed)


@FAST
@given(day=st.dates(), today=st.dates(), pad=st.sampled_from(["", " ", "\t", " \n"]))
def test_iso_dates_round_trip(day: date, today: date, pad: str) -> None:
    text = f"{pad}{day.isoformat()}{pad}"
    if _in_range(day):
        assert parse_date(text, today=today) == day
    else:
        with pytest.raises(InvalidInput):
            parse_date(text, today=today)


@FAST
@given(
    n=st.integers(min_value=0, max_value=99_999),
    sign=st.sampled_from(["+", "-"]),
    unit=st.sampled_from(["d", "D"]),
    today=st.dates(min_value=EARLIEST, max_value=LATEST),
)
def test_day_offsets_add_days_to_today(n: int, sign: str, unit: str, today: date) -> None:
    days = n if sign == "+" else -n
    try:
        expected: date | None = today + timedelta(days=days)
    except OverflowError:
        expected = None
    if expected is not None and _in_range(expected):
        assert parse_date(f"{sign}{n}{unit}", today=today) == expected
    else:
        with pytest.raises(InvalidInput):
            parse_date(f"{sign}{n}{unit}", today=today)


@FAST
@given(today=st.dates(min_value=EARLIEST, max_value=LATEST))
def test_eom_is_the_last_day_of_this_month(today: date) -> None:
    end = parse_date("eom", today=today)
    assert (end.year, end.month) == (today.year, today.month)
    assert end >= today
    assert (end + timedelta(days=1)).day == 1


# --- (b) meetingfile.load_meeting_file ------------------------------------------------------


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def to_toml(value: Any) -> str:
    """A TOML value on one line (inline tables and arrays), enough to write any mutated file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_string(k)} = {to_toml(v)}" for k, v in value.items())
        return "{" + items + "}"
    raise TypeError(f"not a TOML value: {value!r}")


def to_toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{_toml_string(k)} = {to_toml(v)}\n" for k, v in doc.items())


TEXT = st.text(max_size=30)
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.times(),
)
TOML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
KNOWN_FIELDS = ["slug", "title", "date", "place", "participants", "source", "name", "email"]
KNOWN_FIELDS += ["kind", "key", "quote", "owner", "due", "area", "priority", "tags", "cue"]


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document: table keys and array indices, at every depth."""
    found: list[tuple[Any, ...]] = []
    children = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    )
    for key, value in children:
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key)))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated_seed(draw: st.DrawFn) -> dict[str, Any]:
    """The seed document with 1-3 structural mutations: drop a field (or an array item),
    replace a value by a value of another type, or add a field (known or unknown) to a table."""
    doc = tomllib.loads(SEED_FILE.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from([(), *_paths(doc)]))
        if not path:  # the document itself: add (or overwrite) a section, known or not
            section = draw(st.sampled_from(["meeting", "owners", "commitments"]) | TEXT)
            doc[section] = draw(TOML_VALUES)
            continue
        operation = draw(st.sampled_from(["drop", "replace", "add"]))
        parent = _parent(doc, path)
        if operation == "drop":
            del parent[path[-1]]
        elif operation == "replace":
            old = parent[path[-1]]
            parent[path[-1]] = draw(TOML_VALUES.filter(lambda v, old=old: type(v) is not type(old)))
        else:
            target = parent[path[-1]]
            if isinstance(target, dict):
                name = draw(st.sampled_from(KNOWN_FIELDS) | TEXT)
                target[name] = draw(TOML_VALUES)
    return doc


@pytest.fixture
def meeting_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "meeting"
    folder.mkdir()
    shutil.copy(READOUT, folder / READOUT.name)
    return folder


def _load_or_refuse(path: Path) -> None:
    try:
        spec = load_meeting_file(path)
    except MeetingFileError as exc:
        message = str(exc)
        assert message.startswith(str(path)), message
        return
    assert spec.commitments is not None


def test_the_toml_writer_reproduces_the_seed(meeting_dir: Path) -> None:
    path = meeting_dir / "seed.toml"
    path.write_text(to_toml_document(SEED_DOC), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == SEED_DOC
    spec = load_meeting_file(path)
    assert len(spec.commitments) == 9
    assert spec.slug == "by-cn-2017-05-16"


@WITH_TMP
@given(
    content=st.one_of(
        st.binary(max_size=2_000),
        st.text(max_size=2_000).map(lambda t: t.encode("utf-8")),
        st.builds(
            lambda start, length, junk: (
                SEED_FILE.read_bytes()[:start] + junk + SEED_FILE.read_bytes()[start + length :]
            ),
            st.integers(min_value=0, max_value=len(SEED_FILE.read_bytes())),
            st.integers(min_value=0, max_value=200),
            st.binary(max_size=40),
        ),
    )
)
def test_arbitrary_bytes_load_or_raise_meeting_file_error(
    content: bytes, meeting_dir: Path
) -> None:
    path = meeting_dir / "meeting.toml"
    path.write_bytes(content)
    _load_or_refuse(path)


@WITH_TMP
@given(doc=mutated_seed())
def test_mutated_seed_loads_or_raises_meeting_file_error(
    doc: dict[str, Any], meeting_dir: Path
) -> None:
    path = meeting_dir / "meeting.toml"
    path.write_text(to_toml_document(doc), encoding="utf-8")
    assert tomllib.loads(path.read_text(encoding="utf-8")).keys() == doc.keys()
    _load_or_refuse(path)


# --- (c) the command line -------------------------------------------------------------------

GLOBAL_OPTIONS = ["--db", "--actor", "--version", "--help"]  # not --debug: it shows tracebacks


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every command path of the real CLI (groups included) with its click command."""
    found: dict[tuple[str, ...], Any] = {}
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found[path] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, path))
    return found


COMMANDS = _commands(cli)
SERVICES = {("scheduler",): "--once"}  # long-running commands and the flag that makes them return
DELIVERING = {("schedule", "run"), ("scheduler",)}  # may exit 8: a digest could not be delivered
# A real argv cannot hold NUL. No "/", no ".." and no leading "~": every path the CLI may write
# (`digest --out`, `schedule add --dir`, `--db`) stays inside the test's folder, the working
# directory.
ARG_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), max_size=12
).filter(lambda t: t != ".." and not t.strip().startswith("~"))
MEETING = "meeting.toml"  # a copy of the seed file in the working directory
IDS = st.sampled_from(["1", "2", "3", "8", "9", "10", "99", "#3"])
DATES = st.one_of(
    st.sampled_from(["2017-06-30", "2017-10-01", "today", "friday", "+2w", "-3d", "eom", "eoy"]),
    st.dates().map(date.isoformat),
)
NAMES = st.sampled_from(
    ["Finance", "Foreign Affairs", "Ministry of", "Ministry of Economy", "by-cn-2017-05-16"]
)
# Anything, right or wrong, for any slot.
VALUES = st.one_of(
    IDS,
    DATES,
    NAMES,
    st.sampled_from(["0", "-1", "1.5", "abc", "2017-02-30", "+99999w", "+5x", "31/12/2017"]),
    st.sampled_from(["9999-12-31", "0001-01-01", "²", "٣"]),  # calendar edges, odd digits
    st.sampled_from(["open", "in_progress", "blocked", "done", "dropped", "high", "low"]),
    st.sampled_from(["Progress report", "x@example.org", "", " ", MEETING, "missing.toml"]),
    ARG_TEXT,
)


def _fitting(param: click.Parameter) -> st.SearchStrategy[str]:
    """A value of the parameter's type, often one the command accepts."""
    kind = param.type
    if isinstance(kind, click.Choice):
        return st.sampled_from([str(c) for c in kind.choices])
    if kind.name == "date":
        return DATES
    if kind.name == "id":
        return IDS
    if isinstance(kind, click.Path):
        return st.sampled_from([MEETING, "digest.txt", "."])
    return NAMES | st.sampled_from(["Progress report", "x@example.org"])


@st.composite
def _value_for(draw: st.DrawFn, param: click.Parameter) -> str:
    """Mostly a fitting value, one time in four anything at all."""
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return draw(VALUES)
    return draw(_fitting(param))


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    """Global options, a real command path, its arguments, its required options and some of
    the others (with values that mostly fit their type), then sometimes a little noise:
    option names and random tokens."""
    head: list[str] = []
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        option = draw(st.sampled_from(GLOBAL_OPTIONS))
        head = [option] + ([draw(VALUES)] if option in ("--db", "--actor") else [])
    path = draw(st.sampled_from(sorted(COMMANDS)))
    command = COMMANDS[path]
    tokens: list[str] = []
    option_names: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            tokens.append(draw(_value_for(param)))
            continue
        names = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("-")]
        option_names += names
        if names and (param.required or draw(st.integers(min_value=0, max_value=2)) == 0):
            tokens.append(draw(st.sampled_from(names)))
            if not getattr(param, "is_flag", False):
                tokens.append(draw(_value_for(param)))
    noise = st.sampled_from([*option_names, "--help"]) if option_names else st.just("--help")
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        tokens += draw(st.lists(noise | VALUES, min_size=1, max_size=3))
    if path in SERVICES:  # a service runs until stopped: only its one-pass form is a command line
        tokens = [SERVICES[path], *tokens]
    return [*head, *path, *tokens]


ALLOWED = {
    ExitCode.OK,
    ExitCode.USAGE,
    ExitCode.NOT_FOUND,
    ExitCode.INVALID,
    ExitCode.CONFLICT,
    ExitCode.MEETING_FILE,
    ExitCode.DATABASE,
}
NO_SMTP = {"TRACKER_SMTP_HOST": ""}  # e-mail deliveries fail fast instead of reaching a server


def _allowed(args: list[str]) -> set[int]:
    delivering = any(tuple(args[i : i + len(p)]) == p for p in DELIVERING for i in range(len(args)))
    return ALLOWED | {ExitCode.DELIVERY} if delivering else ALLOWED


SEED_BYTES = SEED_FILE.read_bytes()


@pytest.fixture
def seeded_sqlite(sqlite_url: str) -> str:
    result = run_cli(["import", SEED_FILE], db_url=sqlite_url)
    assert result.exit_code == 0, result.stderr
    return sqlite_url


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory of the random commands: a copy of the meeting file and readout."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / MEETING)
    shutil.copy(READOUT, folder / READOUT.name)
    monkeypatch.chdir(folder)
    return folder


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(args=argv())
def test_random_command_lines_never_crash(
    args: list[str], seeded_sqlite: str, workdir: Path
) -> None:
    assert Path.cwd() == workdir
    result = run_cli(args, db_url=seeded_sqlite, env=NO_SMTP)
    assert SEED_FILE.read_bytes() == SEED_BYTES  # the checkout is never written to
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exit_code in _allowed(args), (args, result.exit_code, result.stderr)
    if result.exit_code != 0:
        assert result.stderr.startswith("Error: "), result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr


def test_the_command_line_strategy_reaches_every_command() -> None:
    names = {path[0] for path in COMMANDS}
    assert {"add", "list", "show", "update", "note", "close", "reopen", "drop"} <= names
    assert {"overdue", "import", "owner", "init", "db"} <= names
    assert {("owner", "add"), ("db", "current")} <= COMMANDS.keys()
    assert {0, 2, 3, 4, 5, 6, 7} == ALLOWED
