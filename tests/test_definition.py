"""One definition of a commitment: the same cleaning, limits and rules whether a value comes
from a meeting file, `tracker add` / `update` or `owner add`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEED_FILE, Runner, snapshot

from tracker import fields
from tracker.errors import ExitCode
from tracker.schemas import (
    CommitmentCreate,
    CommitmentFileEntry,
    CommitmentPublic,
    CommitmentUpdate,
)


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copy(SEED_FILE.with_suffix(".txt"), tmp_path / SEED_FILE.with_suffix(".txt").name)
    target = tmp_path / SEED_FILE.name
    shutil.copy(SEED_FILE, target)
    return target


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Sign   the\tagreement ", "Sign the agreement"),
        ("Sign\u200b the agree\u2060ment\ufeff", "Sign the agreement"),  # zero-width
        ("Sign \x1b[31mnow\x07", "Sign [31mnow"),  # escape and bell never stored
        ("Cafe\u0301 talks", "Café talks"),  # NFC: one code point for é
        ("Line one\nline two", "Line one line two"),
        ("\u202eevil", "evil"),  # a right-to-left override
    ],
)
def test_one_line_fields_are_cleaned_one_way(raw: str, clean: str) -> None:
    assert fields.clean_title(raw) == clean
    assert fields.clean_owner_name(raw) == clean


def test_blocks_keep_their_lines_but_no_controls() -> None:
    assert fields.clean_block("First\r\n\r\n\r\n  second\x1b line  \n") == "First\n\nsecond line"


def test_the_model_family_shares_the_rules() -> None:
    base = {"title": "x", "owner": "o", "due": "2017-06-30"}
    for model in (CommitmentCreate, CommitmentFileEntry):
        fields_of = set(model.model_fields)
        assert {"title", "due", "area", "priority", "tags"} <= fields_of
    assert set(CommitmentUpdate.model_fields) >= {"title", "due", "area", "priority", "owner"}
    created = CommitmentCreate.model_validate(base | {"tags": ["Visa", "+visa", "Agreement"]})
    assert created.tags == ["visa", "agreement"]
    with pytest.raises(ValueError, match="between 1900 and 2999"):
        CommitmentCreate.model_validate(base | {"due": "3000-01-01"})
    with pytest.raises(ValueError):
        CommitmentCreate.model_validate(base | {"colour": "red"})  # unknown fields refused


def test_reads_show_the_public_fields_by_name_in_one_order(seeded: Runner) -> None:
    assert tuple(CommitmentPublic.model_fields) == fields.PUBLIC_FIELDS
    shown = seeded("show", "1", "--json").json()
    assert [k for k in shown if k != "history"] == list(fields.PUBLIC_FIELDS)
    listed = seeded("list", "--json").json()[0]
    assert list(listed) == list(fields.PUBLIC_FIELDS)
    CommitmentPublic.model_validate(listed)  # the JSON is the public model's shape


def test_add_and_update_store_cleaned_text(seeded: Runner) -> None:
    added = seeded(
        "add", "Draft\u200b the\x1b[2J   plan", "--owner", "finance", "--due", "2017-07-01",
        "--tag", "Visa", "--tag", "visa", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    row = added.json()
    assert (row["title"], row["tags"]) == ("Draft the[2J plan", ["visa"])
    updated = seeded("update", row["id"], "--area", " Tourism\u200b ", "--json")
    assert updated.json()["area"] == "tourism"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--due", "2017-07-01", "--area", "\u200b "), "area is empty"),
        (("--due", "2017-07-01", "--title", "x" * 301), "longer than 300"),
    ],
)
def test_limits_are_refused_at_the_command_line(
    seeded: Runner, db_url: str, args: tuple[str, ...], says: str
) -> None:
    before = snapshot(db_url)
    if args[-2] == "--title":
        result = seeded("add", args[-1], "--owner", "finance", *args[:2])
    else:
        result = seeded("add", "A title", "--owner", "finance", *args)
    assert result.exit_code == ExitCode.INVALID, result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert snapshot(db_url) == before


def test_look_alike_owner_names_are_refused(seeded: Runner, db_url: str) -> None:
    before = snapshot(db_url)
    for name in ("Ministry of\u200b Finance", "MINISTRY OF FINANCE", "Ministry of Finance\u2060"):
        result = seeded("owner", "add", name)
        assert result.exit_code == ExitCode.CONFLICT, (name, result.stderr)
        assert "already exists" in result.stderr
    assert snapshot(db_url) == before


def test_one_address_per_recipient(seeded: Runner) -> None:
    result = seeded("owner", "add", "Ministry of Economy", "--email", "a@x.org,b@x.org")
    assert result.exit_code == ExitCode.INVALID
    assert "not an e-mail address (one address each)" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("due = 2017-06-30", "due = 3017-06-30", "commitment 'security-agreements'.due: must be"),
        ('priority = "high"', 'priority = "urgent"', ".priority: must be one of"),
        ('area = "tourism"', "area = 7", "commitment 'visa-free-regime'.area: must be text"),
        ('key = "visa-free-regime"', 'key = "Visa Free"', "key: must use lower-case"),
        ('area = "tourism"', 'area = "tourism"\ncolour = "red"', ".colour: unknown field"),
    ],
)
def test_meeting_file_problems_name_key_and_field_with_exit_6(
    run: Runner, tmp_path: Path, db_url: str, old: str, new: str, where: str
) -> None:
    path = _copy_seed(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(db_url)
    result = run("import", path)
    assert result.exit_code == ExitCode.MEETING_FILE, result.stderr
    assert where in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(db_url) == before


def test_structured_errors_are_worded_by_the_command_line(seeded: Runner) -> None:
    moved = seeded("update", "1", "--due", "2017-12-31")
    assert moved.exit_code == ExitCode.INVALID
    assert moved.stderr == "Error: changing a deadline needs --reason: it is counted as a slip\n"
    closed = seeded("close", "1")
    assert closed.stderr == "Error: closing needs --note or --evidence: say what was delivered\n"
    done = seeded("update", "1", "--status", "in_progress")
    assert done.exit_code == 0
