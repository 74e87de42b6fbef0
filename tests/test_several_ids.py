"""Write commands over several ids at once (`close 3 6`, `drop`, `reopen`, `note`, `update`):
all or nothing, the refusal naming the id at fault; and `note --json`."""

from __future__ import annotations

import pytest
from conftest import Runner, snapshot


def _statuses(run: Runner, *ids: int) -> list[str]:
    return [run("show", i, "--json").json()["status"] for i in ids]


def test_close_drop_reopen_several_ids_together(seeded: Runner) -> None:
    closed = seeded("close", "3", "6", "--note", "Delivered")
    assert (closed.exit_code, closed.stdout) == (0, "#3: done.\n#6: done.\n"), closed.stderr
    assert _statuses(seeded, 3, 6) == ["done", "done"]

    reopened = seeded("reopen", "3", "6", "--reason", "Not delivered after all", "--json")
    assert reopened.exit_code == 0, reopened.stderr
    assert [(c["id"], c["status"]) for c in reopened.json()] == [(3, "open"), (6, "open")]

    dropped = seeded("drop", "6", "3", "--reason", "Superseded", "--json")
    assert [(c["id"], c["status"]) for c in dropped.json()] == [(6, "dropped"), (3, "dropped")]
    # One id still prints the one object it always printed.
    one = seeded("reopen", "3", "--reason", "Back on the agenda", "--json").json()
    assert (one["id"], one["status"]) == (3, "open")
    # An id named twice is changed once.
    twice = seeded("close", "3", "3", "--note", "Done")
    assert (twice.exit_code, twice.stdout) == (0, "#3: done.\n")


@pytest.mark.parametrize(
    ("setup", "args", "code", "message"),
    [
        ([], ("close", "3", "42", "--note", "Delivered"), 3, "no commitment #42"),
        ([("close", "6", "--note", "x")], ("close", "3", "6", "--note", "Delivered"), 5,
         "#6 is already done"),
        ([], ("drop", "3", "99", "--reason", "Superseded"), 3, "no commitment #99"),
        ([("close", "3", "--note", "x")], ("reopen", "3", "6", "--reason", "Again"), 5,
         "#6 is open, not closed"),
        ([], ("note", "3", "42", "Progress"), 3, "no commitment #42"),
        ([("close", "6", "--note", "x")], ("update", "3", "6", "--status", "in_progress"), 5,
         "#6 is done"),
        ([], ("update", "3", "42", "--area", "trade"), 3, "no commitment #42"),
    ],
)  # fmt: skip
def test_one_refused_id_changes_nothing(
    seeded: Runner,
    db_url: str,
    setup: list[tuple[str, ...]],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    for step in setup:
        assert seeded(*step).exit_code == 0
    before = snapshot(db_url)
    result = seeded(*args)
    assert (result.exit_code, result.stdout) == (code, ""), result.stderr
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert snapshot(db_url) == before


def test_update_several_ids(seeded: Runner) -> None:
    updated = seeded("update", "3", "6", "--status", "in_progress")
    assert updated.stdout == ("#3: status open → in_progress\n#6: status open → in_progress\n"), (
        updated.stderr
    )
    again = seeded("update", "3", "6", "--status", "in_progress", "--json")
    assert [(c["id"], c["status"]) for c in again.json()] == [
        (3, "in_progress"),
        (6, "in_progress"),
    ]


def test_note_several_ids_and_json(seeded: Runner) -> None:
    noted = seeded("note", "4", "5", "Discussed at the working group")
    assert (noted.exit_code, noted.stdout) == (0, "#4: note added.\n#5: note added.\n")
    for i in (4, 5):
        history = seeded("show", i, "--json").json()["history"]
        assert history[-1]["kind"] == "note"
        assert history[-1]["text"] == "Discussed at the working group"

    # The last argument is always the text: `note 4 5` notes "5" on #4.
    assert seeded("note", "4", "5").stdout == "#4: note added.\n"

    one = seeded("note", "4", "Draft sent", "--json")
    assert one.exit_code == 0, one.stderr
    item = one.json()
    assert (item["id"], item["status"], item["last_activity"]) == (
        4,
        "open",
        "2017-09-11T09:00:00Z",
    )
    assert {k: item["note"][k] for k in ("kind", "text", "actor", "at")} == {
        "kind": "note",
        "text": "Draft sent",
        "actor": "tester",
        "at": "2017-09-11T09:00:00Z",
    }
    assert item["note"]["id"] == seeded("show", 4, "--json").json()["history"][-1]["id"]
    several = seeded("note", "4", "5", "Agreed", "--json").json()
    assert [(c["id"], c["note"]["text"]) for c in several] == [(4, "Agreed"), (5, "Agreed")]
