"""The board (`tracker list`, `tracker overdue`): what it shows by default, its filters and
order, and how its tables fit a terminal."""

from __future__ import annotations

from conftest import Runner

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
