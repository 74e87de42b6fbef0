"""Bad input, table-driven, on SQLite and PostgreSQL: every refusal is the documented exit code,
one `Error: ` line on stderr, nothing on stdout, no traceback, and no change to the database.

Each case runs on the seeded database (commitments #1-#9 of the seed meeting). A case's setup
commands run before the snapshot is taken; meeting-file cases write an edited copy of the seed
file (and its readout) to a folder of their own; database cases point the command at a URL of
their own, and the seeded database must still be untouched.

Cases marked xfail document product bugs (see their reasons); they are strict, so a fix shows up
as an XPASS failure and the mark must then be removed.
"""

from __future__ import annotations

import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pytest
from conftest import SEED_FILE, Result, run_cli, snapshot

from tracker.errors import ExitCode

READOUT = SEED_FILE.with_suffix(".txt")
SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")

USAGE = ExitCode.USAGE
NOT_FOUND = ExitCode.NOT_FOUND
INVALID = ExitCode.INVALID
CONFLICT = ExitCode.CONFLICT
MEETING_FILE = ExitCode.MEETING_FILE
DATABASE = ExitCode.DATABASE

DUE = ("--due", "2017-10-01")
VALID_ADD = ("add", "Draft the roadmap", "--owner", "Finance", *DUE)


@dataclass(frozen=True)
class Bad:
    """One bad input: the argv (placeholders `{meeting}` and `{tmp}`), the exit code it must
    give and a fragment of the one-line message that says why."""

    args: tuple[str, ...]
    code: ExitCode
    says: str = ""
    setup: tuple[tuple[str, ...], ...] = ()  # commands run (and must succeed) before the snapshot
    toml: Callable[[str], str | bytes] | None = None  # edits the seed copy written as {meeting}
    readout: bytes | None = None  # replaces the readout beside {meeting}
    db: Callable[[Path], str] | None = None  # the case's own database URL, given a folder
    env: dict[str, str] = field(default_factory=dict)


def edit(old: str, new: str) -> Callable[[str], str]:
    """Replace `old` (which must be in the seed file, so no case silently tests a valid file)."""

    def apply(text: str) -> str:
        assert text.count(old) == 1, f"the seed file no longer contains {old!r} exactly once"
        return text.replace(old, new)

    return apply


def without_meeting_table(text: str) -> str:
    return text[text.index("[[owners]]") :]


def text_file_db(folder: Path) -> str:
    path = folder / "notes.db"
    path.write_text("These are meeting notes, not a database.\n" * 40, encoding="utf-8")
    return f"sqlite:///{path}"


def empty_file_db(folder: Path) -> str:
    path = folder / "empty.db"
    path.write_bytes(b"")
    return f"sqlite:///{path}"


def bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=f"BUG: {reason}", strict=True)


CASES = [
    # --- commitment ids -----------------------------------------------------------------
    pytest.param(Bad(("show", "99"), NOT_FOUND, "no commitment #99"), id="unknown-id-show"),
    pytest.param(
        Bad(("update", "10", "--title", "New title"), NOT_FOUND, "no commitment #10"),
        id="unknown-id-update",
    ),
    pytest.param(
        Bad(("close", "42", "--note", "Delivered"), NOT_FOUND, "no commitment #42"),
        id="unknown-id-close",
    ),
    pytest.param(Bad(("show", "abc"), USAGE, "not a commitment id: 'abc'"), id="id-abc"),
    pytest.param(Bad(("show", "-1"), USAGE, "No such option '-1'"), id="id-negative"),
    pytest.param(
        Bad(("show", "--", "-1"), USAGE, "not a commitment id: '-1'"),
        id="id-negative-after-dashdash",
    ),
    pytest.param(Bad(("note", "0", "Progress"), USAGE, "not a commitment id: '0'"), id="id-zero"),
    pytest.param(
        Bad(("close", "1.5", "--note", "Done"), USAGE, "not a commitment id: '1.5'"),
        id="id-decimal",
    ),
    pytest.param(
        Bad(("show", "²"), USAGE, "not a commitment id"),
        id="id-superscript-digit",
    ),
    pytest.param(
        Bad(
            ("show", "3000000000"),
            NOT_FOUND,
            "no commitment #3000000000",
        ),
        id="id-beyond-int32",
    ),
    # --- titles and other text fields ---------------------------------------------------
    # Bytes that are not UTF-8 reach Python as lone surrogates (here as `tracker add $'\xff'`).
    pytest.param(
        Bad(("add", "\udcff", "--owner", "Finance", *DUE), USAGE, "b'\\xff' is not UTF-8"),
        id="title-not-utf8",
    ),
    pytest.param(
        Bad(("note", "1", "Sent to the Minist\udce9re"), USAGE, "is not UTF-8 text"),
        id="note-not-utf8",
    ),
    pytest.param(
        Bad(("export", "--format", "csv", "--out", "{tmp}/\udcff.csv"), USAGE, "not UTF-8"),
        id="path-not-utf8",
    ),
    pytest.param(
        Bad(("add", "", "--owner", "Finance", *DUE), INVALID, "title is empty"), id="title-empty"
    ),
    pytest.param(
        Bad(("add", " \t  ", "--owner", "Finance", *DUE), INVALID, "title is empty"),
        id="title-whitespace",
    ),
    pytest.param(
        Bad(("add", "x" * 301, "--owner", "Finance", *DUE), INVALID, "longer than 300 characters"),
        id="title-301-chars",
    ),
    pytest.param(
        Bad(("update", "1", "--title", "  "), INVALID, "title is empty"), id="update-title-blank"
    ),
    pytest.param(
        Bad((*VALID_ADD, "--area", "a" * 61), INVALID, "area is longer than 60 characters"),
        id="area-61-chars",
    ),
    pytest.param(
        Bad((*VALID_ADD, "--tag", "two words"), INVALID, "tags must be single words without"),
        id="tag-two-words",
    ),
    pytest.param(
        Bad((*VALID_ADD, "--counterpart", "c" * 201), INVALID, "counterpart"),
        id="counterpart-201-chars",
    ),
    pytest.param(
        Bad(("--actor", "a" * 121, "note", "1", "Progress"), INVALID, "actor"),
        id="actor-121-chars",
    ),
    # --- dates ----------------------------------------------------------------------------
    pytest.param(
        Bad(
            ("add", "Title", "--owner", "Finance", "--due", "2017-02-30"), USAGE, "impossible date"
        ),
        id="date-feb-30",
    ),
    pytest.param(
        Bad(("add", "Title", "--owner", "Finance", "--due", "next blursday"), USAGE, "not a date"),
        id="date-next-blursday",
    ),
    pytest.param(
        Bad(
            ("update", "1", "--due", "2017-13-01", "--reason", "Slipped"), USAGE, "impossible date"
        ),
        id="date-month-13",
    ),
    pytest.param(Bad(("list", "--due-before", "31/12/2017"), USAGE, "not a date"), id="date-dmy"),
    pytest.param(
        Bad(("update", "1", "--due", "+5x", "--reason", "Slipped"), USAGE, "not a date: '+5x'"),
        id="date-offset-5x",
    ),
    pytest.param(
        Bad(("list", "--as-of", "9999-12-31"), USAGE, "date out of range"),
        id="as-of-last-day-of-calendar",
    ),
    pytest.param(
        Bad(
            ("add", "Title", "--owner", "Finance", "--due", "tomorrow"),
            USAGE,
            "date",
            env={"TRACKER_NOW": "9999-12-31T12:00:00+00:00"},
        ),
        id="relative-date-past-calendar-end",
    ),
    pytest.param(
        Bad(("digest", "--as-of", "0001-01-03"), USAGE, "date out of range"),
        id="digest-in-the-first-week-of-the-calendar",
    ),
    pytest.param(
        Bad(
            ("schedule", "add", "weekly", "--cron", "0 9 * * 1", "--dir", "~nobody-here/d"), INVALID
        ),
        id="schedule-dir-unknown-home",
    ),
    pytest.param(
        Bad(
            ("schedule", "add", "weekly", "--cron", "0 9 * * 1", "--dir", "{tmp}/" + "d" * 300),
            INVALID,
        ),
        id="schedule-dir-name-too-long",
    ),
    # --- owners ---------------------------------------------------------------------------
    pytest.param(
        Bad(("add", "Title", "--owner", "Ministry of Magic", *DUE), NOT_FOUND, "no owner named"),
        id="owner-unknown",
    ),
    pytest.param(
        Bad(("add", "Title", "--owner", "Ministry of", *DUE), INVALID, "is ambiguous"),
        id="owner-ambiguous-add",
    ),
    pytest.param(
        Bad(("update", "1", "--owner", "Ministry of"), INVALID, "is ambiguous"),
        id="owner-ambiguous-update",
    ),
    pytest.param(
        Bad(("list", "--owner", "Nobody"), NOT_FOUND, "no owner named"), id="list-owner-unknown"
    ),
    pytest.param(
        Bad(("owner", "add", "Ministry of Finance"), CONFLICT, "owner already exists"),
        id="owner-add-duplicate",
    ),
    pytest.param(
        Bad(("owner", "add", "MINISTRY OF FINANCE"), CONFLICT, "owner already exists"),
        id="owner-add-duplicate-other-case",
    ),
    pytest.param(
        Bad(
            ("owner", "add", "Ministry of Economy", "--email", "economy.example.org"),
            INVALID,
            "not an e-mail",
        ),
        id="owner-add-bad-email",
    ),
    pytest.param(
        Bad(("owner", "add", "   "), INVALID, "owner name is empty"), id="owner-add-blank"
    ),
    pytest.param(
        Bad(
            ("owner", "add", "Ministry of Economy", "--kind", "robot"),
            USAGE,
            "'robot' is not one of",
        ),
        id="owner-add-unknown-kind",
    ),
    # --- statuses and the lifecycle -------------------------------------------------------
    pytest.param(
        Bad(("list", "--status", "finished"), USAGE, "'finished' is not one of"),
        id="list-status-unknown",
    ),
    pytest.param(
        Bad(("update", "1", "--status", "finished"), USAGE, "'finished' is not one of"),
        id="update-status-unknown",
    ),
    pytest.param(
        Bad(("update", "1", "--status", "done"), USAGE, "'done' is not one of"),
        id="update-status-done",
    ),
    pytest.param(
        Bad(("close", "1"), INVALID, "closing needs --note or --evidence"), id="close-without-note"
    ),
    pytest.param(
        Bad(("close", "1", "--note", "  ", "--evidence", ""), INVALID, "closing needs --note"),
        id="close-blank-note-and-evidence",
    ),
    pytest.param(
        Bad(
            ("close", "8", "--evidence", "Law No. 52-Z"),
            CONFLICT,
            "#8 is already done",
            setup=(("close", "8", "--note", "Agreement in force"),),
        ),
        id="close-closed",
    ),
    pytest.param(
        Bad(("reopen", "1", "--reason", "Changed our mind"), CONFLICT, "#1 is open, not closed"),
        id="reopen-open",
    ),
    pytest.param(
        Bad(("reopen", "8"), INVALID, "needs --reason", setup=(("close", "8", "--note", "Done"),)),
        id="reopen-without-reason",
    ),
    pytest.param(Bad(("drop", "1"), INVALID, "dropping needs --reason"), id="drop-without-reason"),
    pytest.param(
        Bad(
            ("drop", "9", "--reason", "Again"),
            CONFLICT,
            "#9 is already dropped",
            setup=(("drop", "9", "--reason", "Superseded by the roadmap"),),
        ),
        id="drop-dropped",
    ),
    pytest.param(
        Bad(
            ("drop", "8", "--reason", "No longer needed"),
            CONFLICT,
            "#8 is already done",
            setup=(("close", "8", "--note", "Done"),),
        ),
        id="drop-closed",
    ),
    pytest.param(
        Bad(
            ("update", "9", "--status", "open"),
            CONFLICT,
            "reopen` it first",
            setup=(("drop", "9", "--reason", "Superseded"),),
        ),
        id="update-status-of-dropped",
    ),
    pytest.param(
        Bad(
            ("update", "8", "--due", "2018-01-31", "--reason", "Late"),
            CONFLICT,
            "reopen it before moving its deadline",
            setup=(("close", "8", "--note", "Done"),),
        ),
        id="update-due-of-closed",
    ),
    pytest.param(
        Bad(("update", "1", "--due", "2018-01-31"), INVALID, "changing a deadline needs --reason"),
        id="due-change-without-reason",
    ),
    pytest.param(Bad(("note", "1", ""), INVALID, "note is empty"), id="note-empty"),
    pytest.param(Bad(("note", "1", " \n "), INVALID, "note is empty"), id="note-whitespace"),
    pytest.param(Bad(("update", "1"), INVALID, "nothing to update"), id="update-nothing"),
    # --- add and the filters --------------------------------------------------------------
    pytest.param(
        Bad(
            (*VALID_ADD, "--meeting", "by-cn-2099-01-01"),
            NOT_FOUND,
            "no meeting 'by-cn-2099-01-01'",
        ),
        id="add-unknown-meeting",
    ),
    pytest.param(
        Bad((*VALID_ADD, "--priority", "urgent"), USAGE, "'urgent' is not one of"),
        id="priority-urgent",
    ),
    pytest.param(
        Bad(("list", "--meeting", "nope"), NOT_FOUND, "no meeting 'nope'"),
        id="list-unknown-meeting",
    ),
    pytest.param(
        Bad(("overdue", "--meeting", "nope"), NOT_FOUND, "no meeting 'nope'"),
        id="overdue-unknown-meeting",
    ),
    # --- the command line itself ----------------------------------------------------------
    pytest.param(Bad(("frobnicate",), USAGE, "No such command 'frobnicate'"), id="unknown-command"),
    pytest.param(
        Bad(("list", "--colour", "red"), USAGE, "No such option '--colour'"), id="unknown-option"
    ),
    pytest.param(Bad(("show",), USAGE, "Missing argument 'ID'"), id="missing-argument"),
    pytest.param(
        Bad(("add", "Title", "--owner", "Finance"), USAGE, "Missing option '--due'"),
        id="missing-due",
    ),
    pytest.param(Bad(("show", "1", "2"), USAGE, "unexpected extra argument"), id="extra-argument"),
    # --- meeting files --------------------------------------------------------------------
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "malformed TOML",
            toml=lambda t: t + "\nnot = = toml\n",
        ),
        id="import-malformed-toml",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "missing [meeting] table",
            toml=without_meeting_table,
        ),
        id="import-no-meeting-table",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'new-avenues'.quote: not found verbatim",
            toml=edit(
                "agreed to intensify cooperation and promote interaction in new avenues.",
                "agreed to build a bridge to the Moon.",
            ),
        ),
        id="import-quote-not-in-readout",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "meeting.source: cannot read the readout",
            toml=edit('source = "by-cn-2017-05-16.txt"', 'source = "no-such-readout.txt"'),
        ),
        id="import-readout-missing",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "is not UTF-8 text",
            readout=READOUT.read_text(encoding="utf-8").encode("utf-16"),
        ),
        id="import-readout-not-utf8",
    ),
    pytest.param(
        Bad(("import", "{tmp}/no-such-meeting.toml"), MEETING_FILE, "no such file"),
        id="import-file-missing",
    ),
    pytest.param(Bad(("import", "{tmp}"), USAGE, "is a directory"), id="import-directory"),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'visa-free-regime'.key: used twice",
            toml=edit('key = "new-avenues"', 'key = "visa-free-regime"'),
        ),
        id="import-duplicate-keys",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'visa-free-regime'.due: not a date: '+5x'",
            toml=edit('due = "+90d"', 'due = "+5x"'),
        ),
        id="import-due-offset-5x",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'great-stone-residents'.due: impossible date",
            toml=edit("due = 2017-09-22", 'due = "2017-02-30"'),
        ),
        id="import-due-impossible",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'security-agreements'.due: missing",
            toml=edit("due = 2017-06-30\n", ""),
        ),
        id="import-due-missing",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "not UTF-8 text",
            toml=lambda t: t.encode("utf-16"),
        ),
        id="import-file-not-utf8",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "'new-avenues'.colour: unknown field",
            toml=edit('key = "new-avenues"', 'key = "new-avenues"\ncolour = "red"'),
        ),
        id="import-unknown-field",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}", "--meeting-date", "9999-12-01"),
            USAGE,
            "date out of range",
        ),
        id="import-replayed-past-calendar-end",
    ),
    pytest.param(
        Bad(("import", "{meeting}", "--meeting-date", "someday"), USAGE, "not a date: 'someday'"),
        id="import-meeting-date-unparseable",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "priority",
            toml=edit('priority = "low"', 'priority = ["low"]'),
        ),
        id="import-priority-is-a-list",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "kind",
            toml=edit('email = "mfa@example.org"', 'email = "mfa@example.org"\nkind = ["body"]'),
        ),
        id="import-owner-kind-is-a-list",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "meeting.source",
            toml=edit('source = "by-cn-2017-05-16.txt"', 'source = "by-cn-2017-05-16.txt\\u0000"'),
        ),
        id="import-source-with-nul",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "",
            toml=lambda t: t + "\nweight = " + "9" * 5000 + "\n",
        ),
        id="import-5000-digit-integer",
    ),
    pytest.param(
        Bad(
            ("import", "{meeting}"),
            MEETING_FILE,
            "",
            toml=lambda t: t + "\nnested = " + "[" * 3000 + "]" * 3000 + "\n",
        ),
        id="import-deeply-nested-array",
    ),
    # --- databases (their own URL; the seeded database must stay untouched) ---------------
    pytest.param(
        Bad(("list",), DATABASE, "unsupported database 'nosuchdb'", db=lambda _: "nosuchdb://x"),
        id="db-url-unknown-scheme",
    ),
    pytest.param(
        Bad(("note", "1", "Progress"), DATABASE, "in-memory SQLite", db=lambda _: "sqlite://"),
        id="db-url-sqlite-in-memory",
    ),
    pytest.param(
        Bad(("list",), DATABASE, "bad database URL", db=lambda _: "not a url"), id="db-url-garbage"
    ),
    pytest.param(
        Bad(("note", "1", "Progress"), DATABASE, "file is not a database", db=text_file_db),
        id="db-text-file",
    ),
    pytest.param(
        Bad(
            ("list",),
            DATABASE,
            "no-such-folder for the database: run `mkdir -p ",
            db=lambda tmp: f"sqlite:///{tmp}/no-such-folder/tracker.db",
        ),
        id="db-sqlite-missing-folder",
    ),
    pytest.param(
        Bad(
            ("note", "1", "Progress"),
            DATABASE,
            "is empty: run `tracker init`",
            db=empty_file_db,
        ),
        id="db-empty-file",
    ),
    pytest.param(
        Bad(
            ("show", "1"),
            DATABASE,
            "no database at",
            db=lambda tmp: f"sqlite:///{tmp}/never-initialised.db",
        ),
        id="db-sqlite-file-missing",
    ),
    pytest.param(
        Bad(
            ("list",),
            DATABASE,
            "cannot open database",
            db=lambda _: "postgresql+psycopg://nobody@127.0.0.1:1/tracker",
        ),
        id="db-postgres-refused",
    ),
    pytest.param(
        Bad(("list",), DATABASE, "", db=lambda _: "postgresql+psycopg://tracker@localhost:abc/db"),
        id="db-url-port-not-a-number",
    ),
    pytest.param(
        Bad(("list",), DATABASE, "", db=lambda _: "sqlite:///~no-such-user-here/tracker.db"),
        id="db-sqlite-unknown-home",
    ),
    pytest.param(
        Bad(("list",), DATABASE, "", db=lambda tmp: f"sqlite:///{tmp}/{'n' * 300}.db"),
        id="db-sqlite-name-too-long",
    ),
    pytest.param(
        Bad(("list",), DATABASE, "", db=lambda tmp: f"sqlite:///{tmp}/tracker.db?colour=red"),
        id="db-url-unknown-query-argument",
    ),
]


def _expand(arg: str, *, meeting: Path, tmp: Path) -> str:
    return arg.replace("{meeting}", str(meeting)).replace("{tmp}", str(tmp))


def _write_meeting_files(case: Bad, folder: Path) -> Path:
    shutil.copy(READOUT, folder / READOUT.name)
    if case.readout is not None:
        (folder / READOUT.name).write_bytes(case.readout)
    content = case.toml(SEED_TEXT) if case.toml is not None else SEED_TEXT
    meeting = folder / "meeting.toml"
    meeting.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return meeting


def _warning_to_stderr(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextmanager
def warnings_as_the_console_script_shows_them() -> Iterator[None]:
    """pytest records warnings; a real `tracker` process prints them to stderr (Python's default
    filters), where they would break the one-line error. Show them as the process would."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for quiet in (
            DeprecationWarning,
            PendingDeprecationWarning,
            ImportWarning,
            ResourceWarning,
        ):
            warnings.simplefilter("ignore", quiet)
        warnings.showwarning = _warning_to_stderr
        yield


def assert_refused(result: Result, code: ExitCode, says: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.exit_code == code, (
        f"exit {result.exit_code}, expected {int(code)} ({code.name}); stderr: {result.stderr!r}"
    )
    assert result.stdout == "", result.stdout
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert says in result.stderr, result.stderr


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused(
    case: Bad,
    seeded: Callable[..., Result],
    db_url: str,
    tmp_path: Path,
) -> None:
    for step in case.setup:
        done = seeded(*step)
        assert done.exit_code == 0, done.stderr
    work = tmp_path / "case"
    work.mkdir()
    meeting = _write_meeting_files(case, work)
    args = [_expand(a, meeting=meeting, tmp=work) for a in case.args]

    before = snapshot(db_url)
    with warnings_as_the_console_script_shows_them():
        if case.db is not None:
            result = run_cli(args, db_url=case.db(work), env=case.env)
        else:
            result = seeded(*args, env=case.env)
    after = snapshot(db_url)

    assert_refused(result, case.code, case.says)
    assert after == before


def test_the_table_covers_every_refusal_code() -> None:
    codes = {param.values[0].code for param in CASES}
    assert codes == {USAGE, NOT_FOUND, INVALID, CONFLICT, MEETING_FILE, DATABASE}
    assert len(CASES) >= 35
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


def _folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "make_url",
    [
        pytest.param(text_file_db, id="text-file"),
        pytest.param(lambda tmp: f"sqlite:///{tmp}/never-initialised.db", id="no-file"),
        pytest.param(
            empty_file_db,
            id="empty-file",
        ),
    ],
)
@pytest.mark.parametrize("args", [("list",), ("note", "1", "Progress")], ids=["read", "write"])
def test_a_refused_database_file_is_left_as_it_was(
    make_url: Callable[[Path], str], args: tuple[str, ...], tmp_path: Path
) -> None:
    url = make_url(tmp_path)
    before = _folder_state(tmp_path)
    result = run_cli(list(args), db_url=url)
    assert result.exit_code == DATABASE, result.stderr
    assert _folder_state(tmp_path) == before
