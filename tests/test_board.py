"""The board (`tracker list`, `tracker overdue`): what it shows by default, its filters and
order, and how its tables fit a terminal."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from conftest import FIXED_NOW, Runner
from terminal import at_a_terminal

from tracker.cli.render import SGR_CODES

LATER = {"TRACKER_NOW": "2017-10-01T08:00:00Z"}


def _ended(seeded: Runner) -> Runner:
    """#4 done and #9 dropped on 1 October 2017."""
    assert seeded("close", "4", "--note", "Signed", env=LATER).exit_code == 0
    assert seeded("drop", "9", "--reason", "Superseded", env=LATER).exit_code == 0
    return seeded


def _ids(run: Runner, *args: str) -> list[int]:
    result = run("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in result.json()]


def test_list_shows_active_commitments_by_default(seeded: Runner) -> None:
    run = _ended(seeded)
    active = _ids(run, "--as-of", "2017-10-02")
    assert len(active) == 7 and 4 not in active and 9 not in active
    table = run("list", "--as-of", "2017-10-02").stdout.splitlines()
    assert not any(" done " in line or " dropped " in line for line in table)
    assert table[-1] == "7 commitments · 7 active · 3 overdue · as of 2017-10-02"


def test_list_all_shows_every_status(seeded: Runner) -> None:
    run = _ended(seeded)
    everything = _ids(run, "--as-of", "2017-10-02", "--all")
    assert sorted(everything) == list(range(1, 10))
    lines = run("list", "--all", "--as-of", "2017-10-02").stdout.splitlines()
    statuses = {line.split()[0]: line for line in lines[1:-1]}
    assert " done " in statuses["4"] and " dropped " in statuses["9"]


def test_an_explicit_status_selects_exactly_that(seeded: Runner) -> None:
    run = _ended(seeded)
    assert _ids(run, "--status", "done", "--as-of", "2017-10-02") == [4]
    assert _ids(run, "--status", "dropped", "--all", "--as-of", "2017-10-02") == [9]
    # Before the closing, #4 was open: the default is the state at the date.
    assert 4 in _ids(run, "--as-of", "2017-09-11")


# --- Tables at a terminal ---------------------------------------------------------------

SGR = re.compile(rb"\x1b\[[0-9;]*m")


def _at_a_terminal(args: list[str], db: str, columns: int = 80, **env: str) -> bytes:
    """What `tracker ARGS` writes to a pseudo-terminal `columns` wide."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "LINES")}
    full_env |= {"TRACKER_DATABASE_URL": db, "TRACKER_NOW": FIXED_NOW, "TERM": "xterm"} | env
    full_env.pop("TRACKER_DEBUG", None)
    return at_a_terminal(args, full_env, columns)


def _screen(output: bytes) -> list[str]:
    """The lines as a person sees them: colour codes take no room."""
    return SGR.sub(b"", output).decode().replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize(
    ("args", "headers"),
    [
        (["list", "--all"], ["ID", "DUE", "WHEN", "OWNER", "AREA", "STATUS", "TITLE"]),
        (["overdue"], ["ID", "DAYS", "LATE", "DUE", "OWNER", "STATUS", "SLIPS", "TITLE"]),
        (["owner", "list"], ["ACTIVE", "TOTAL", "KIND", "EMAIL", "NAME"]),
    ],
    ids=["list", "overdue", "owner-list"],
)
def test_tables_fit_an_80_column_terminal(
    seeded: Runner, db_url: str, args: list[str], headers: list[str]
) -> None:
    assert seeded("update", "5", "--status", "blocked").exit_code == 0
    lines = _screen(_at_a_terminal(args, db_url))
    assert lines[0].split() == headers
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    assert any("…" in line for line in lines)  # the long owners and titles, cut
    if args[0] != "owner":
        # The title keeps room to be read: at least 20 columns of it on the first row.
        start = lines[0].index("TITLE")
        assert len(lines[1][start:]) >= 20, lines[1]


def test_a_wide_terminal_shows_whole_cells(seeded: Runner, db_url: str) -> None:
    lines = _screen(_at_a_terminal(["list"], db_url, columns=200))
    assert not any("…" in line for line in lines)
    assert "State Secretariat of the Security Council" in lines[1]


def test_a_pipe_gets_whole_cells_unless_columns_is_set(seeded: Runner) -> None:
    piped = seeded("list", env={"COLUMNS": None}).stdout.splitlines()
    assert "State Secretariat of the Security Council" in piped[1]
    assert any(len(line) > 100 for line in piped)
    assert not any("…" in line for line in piped)
    narrow = seeded("list", env={"COLUMNS": "80"}).stdout.splitlines()
    assert max(len(line) for line in narrow) <= 80
    assert narrow[0].split()[-1] == "TITLE"


def test_late_at_risk_and_blocked_are_coloured_at_a_terminal(seeded: Runner, db_url: str) -> None:
    assert seeded("update", "3", "--status", "blocked").exit_code == 0
    output = _at_a_terminal(["list", "--as-of", "2017-09-11"], db_url)
    rows = {line.split()[0]: line for line in output.decode().splitlines()[1:-1]}
    assert "\x1b[31m73d late\x1b[0m" in rows["4"]  # overdue
    assert "\x1b[33min 9d\x1b[0m" in rows["5"]  # at risk: due soon, not started
    assert "\x1b[31mblocked\x1b[0m" in rows["3"]
    assert "\x1b" not in rows["2"]  # on track
    late = _at_a_terminal(["overdue", "--as-of", "2017-09-11"], db_url).decode()
    assert "\x1b[31m73\x1b[0m" in late


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"NO_COLOR": "1"}, []),
        ({"NO_COLOR": "x"}, []),
        ({"TERM": "dumb"}, []),
        ({}, ["--color", "never"]),
    ],
    ids=["NO_COLOR=1", "NO_COLOR=x", "TERM=dumb", "--color never"],
)
def test_no_colour_when_asked(
    seeded: Runner, db_url: str, env: dict[str, str], args: list[str]
) -> None:
    for command in (["list", *args], ["overdue", *args]):
        assert b"\x1b" not in _at_a_terminal(command, db_url, **env)


def test_an_empty_no_color_keeps_colour(seeded: Runner, db_url: str) -> None:
    assert b"\x1b[31m" in _at_a_terminal(["overdue"], db_url, NO_COLOR="")


def test_colour_is_off_in_a_pipe_unless_always(seeded: Runner) -> None:
    assert "\x1b" not in seeded("overdue").stdout
    assert "\x1b[31m" in seeded("overdue", "--color", "always").stdout
    assert "\x1b[31m" in seeded("overdue", "--color", "always", env={"NO_COLOR": "1"}).stdout


def test_colour_never_lets_stored_control_characters_through(seeded: Runner, db_url: str) -> None:
    """The codes tracker writes pass the escaping stream; the text around them does not."""
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE commitment SET title = :v WHERE id = 4"), {"v": "A \x1b[2J b"})
    engine.dispose()
    for args in (["list"], ["overdue"]):
        output = _at_a_terminal(args, db_url)
        assert b"\x1b[2J" not in output and b"A \\u001b[2J b" in output
        assert set(SGR.findall(output)) <= {code.encode() for code in SGR_CODES}


# --- Filters and order ------------------------------------------------------------------

AS_OF = ("--as-of", "2017-09-11")


def test_filters_by_tag_priority_and_counterpart(seeded: Runner) -> None:
    assert _ids(seeded, *AS_OF, "--tag", "agreement") == [4, 7, 8]
    assert _ids(seeded, *AS_OF, "--tag", "AGREEMENT", "--tag", "signed") == [7, 8]
    assert _ids(seeded, *AS_OF, "--priority", "high") == [4, 1, 2]
    assert _ids(seeded, *AS_OF, "--priority", "low", "--priority", "high") == [4, 1, 2, 9]
    assert _ids(seeded, *AS_OF, "--counterpart", "public SECURITY") == [4, 5]
    assert _ids(seeded, *AS_OF, "--counterpart", "100%_") == []
    assert seeded("list", "--tag", "two words").exit_code == 2


def test_search_reads_title_quote_and_notes_in_any_case(seeded: Runner) -> None:
    assert _ids(seeded, *AS_OF, "--search", "VISA-free") == [1]
    assert _ids(seeded, *AS_OF, "--search", "polonez") == [6]  # title
    quoted = _ids(seeded, *AS_OF, "--search", "gearing up")  # only in a quote
    assert quoted and all(i in range(1, 10) for i in quoted)
    assert seeded("note", "2", "Call with the Эксим банк").exit_code == 0
    assert _ids(seeded, "--search", "ЭКСИМ") == [2]
    assert _ids(seeded, "--search", "100%") == []


def test_filters_read_the_state_at_the_date(seeded: Runner) -> None:
    """Changes made later are undone before the filters apply; a note written later is not
    found at the date before it."""
    changes = [
        ("update", "1", "--priority", "low", "--counterpart", "Embassy", "--untag", "visa"),
        ("update", "1", "--title", "Draft the travel agreement"),
        ("note", "6", "Contract signed for Polonez-M"),
    ]
    for change in changes:
        assert seeded(*change, env=LATER).exit_code == 0
    before, after = AS_OF, ("--as-of", "2017-10-02")
    assert _ids(seeded, *before, "--priority", "high") == [4, 1, 2]
    assert _ids(seeded, *after, "--priority", "high") == [4, 2]
    assert _ids(seeded, *before, "--tag", "visa") == [1]
    assert _ids(seeded, *after, "--tag", "visa") == []
    assert _ids(seeded, *before, "--counterpart", "embassy") == []
    assert _ids(seeded, *after, "--counterpart", "embassy") == [1]
    assert _ids(seeded, *before, "--search", "travel agreement") == []
    assert _ids(seeded, *after, "--search", "travel agreement") == [1]
    assert _ids(seeded, *before, "--search", "polonez-m") == []
    assert _ids(seeded, *after, "--search", "polonez-m") == [6]
    late = seeded("overdue", "--json", *after, "--priority", "low").json()
    assert [r["id"] for r in late] == [1]


def test_sort_orders(seeded: Runner) -> None:
    assert _ids(seeded, *AS_OF) == [4, 1, 5, 3, 2, 6, 9, 7, 8]
    assert _ids(seeded, *AS_OF, "--sort", "late")[:3] == [4, 1, 5]
    owners = [r["owner"] for r in seeded("list", "--json", *AS_OF, "--sort", "owner").json()]
    assert owners == sorted(owners)
    assert seeded("note", "7", "Site chosen", env=LATER).exit_code == 0
    assert (
        seeded("note", "3", "Two residents signed", env={"TRACKER_NOW": "2017-10-03"}).exit_code
        == 0
    )
    assert _ids(seeded, "--sort", "updated", "--as-of", "2017-10-05")[:2] == [3, 7]
    assert _ids(seeded, "--sort", "updated", "--as-of", "2017-10-02")[0] == 7
    late = seeded("overdue", "--json", *AS_OF, "--sort", "owner").json()
    assert [r["id"] for r in late] == [1, 4]  # Foreign Affairs before the Security Council


def test_sort_choices_are_the_services_orders() -> None:
    from tracker.cli.commitments import SORTS
    from tracker.services.views import Order

    assert SORTS == Order.CHOICES
