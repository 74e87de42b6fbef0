"""Importing meeting files: the seed, idempotence, changes with history, replays, dry runs."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_FILE, Runner, snapshot


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copy(SEED_FILE.with_suffix(".txt"), tmp_path / SEED_FILE.with_suffix(".txt").name)
    target = tmp_path / SEED_FILE.name
    shutil.copy(SEED_FILE, target)
    return target


def test_seed_loads_every_commitment_with_owner_deadline_and_quote(seeded: Runner) -> None:
    rows = seeded("list", "--json").json()
    assert len(rows) >= 8
    readout = " ".join(SEED_FILE.with_suffix(".txt").read_text().split())
    for row in rows:
        assert row["owner"] and row["due"] and row["quote"]
        assert " ".join(row["quote"].split()) in readout
        assert row["meeting"] == "by-cn-2017-05-16"
    owners = seeded("owner", "list", "--json").json()
    assert len(owners) == 7
    assert sum(o["total"] for o in owners) == len(rows)
    by_key = {r["key"]: r for r in rows}
    assert by_key["visa-free-regime"]["due"] == "2017-08-14"  # +90d from 2017-05-16
    assert by_key["refinery-financing"]["due"] == "2017-11-16"  # +6m
    assert by_key["security-agreements"]["counterpart"] == "Ministry of Public Security of China"


def test_second_import_changes_nothing(seeded: Runner, db_url: str) -> None:
    before_list = seeded("list", "--json").stdout
    before = snapshot(db_url)
    again = seeded("import", SEED_FILE, env={"TRACKER_NOW": "2017-09-30T00:00:00Z"})
    assert again.exit_code == 0, again.stderr
    assert "is up to date" in again.stdout
    assert seeded("list", "--json").stdout == before_list
    assert snapshot(db_url) == before


def test_changed_file_updates_what_changed_with_events(seeded: Runner, tmp_path: Path) -> None:
    path = _copy_seed(tmp_path)
    text = path.read_text()
    text = text.replace("due = 2017-06-30", "due = 2017-07-31")
    text = text.replace(
        'title = "Study a mutual 30-day visa-free regime"',
        'title = "Study and agree a mutual 30-day visa-free regime"',
    )
    text += """
[[commitments]]
key = "speech-analysis"
title = "Analyse the forum speech"
quote = "We will analyze it at home."
owner = "Ministry of Foreign Affairs"
due = "+1m"
area = "diplomacy"
"""
    path.write_text(text)
    later = {"TRACKER_NOW": "2017-09-20T00:00:00Z"}
    result = seeded("import", path, "--json", env=later)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["created"] == ["speech-analysis"]
    assert sorted(report["updated"]) == ["security-agreements", "visa-free-regime"]
    assert report["unchanged"] == 7

    shown = seeded("show", "4", "--json", env=later).json()
    assert shown["due"] == "2017-07-31"
    assert shown["slips"] == 1
    last = shown["history"][-1]
    assert (last["kind"], last["old"], last["new"]) == ("due", "2017-06-30", "2017-07-31")
    assert last["text"] == f"changed in {path.name}"
    title_event = seeded("show", "1", "--json", env=later).json()["history"][-1]
    assert (title_event["field"], title_event["new"]) == (
        "title",
        "Study and agree a mutual 30-day visa-free regime",
    )
    assert len(seeded("list", "--json", env=later).json()) == 10


def test_import_keeps_follow_up_state(seeded: Runner) -> None:
    """Status, notes and closure belong to the follow-up; re-importing leaves them alone."""
    seeded("close", "7", "--note", "Construction under way")
    seeded("import", SEED_FILE)
    assert seeded("show", "7", "--json").json()["status"] == "done"


def test_meeting_date_replays_offsets(seeded: Runner) -> None:
    result = seeded("import", SEED_FILE, "--meeting-date", "2026-12-01", "--json")
    assert result.exit_code == 0, result.stderr
    # Listed once the meeting has been held: a meeting file's commitments exist from its date.
    rows = {r["key"]: r for r in seeded("list", "--json", "--as-of", "2026-12-01").json()}
    assert rows["visa-free-regime"]["due"] == "2027-03-01"  # +90d
    assert rows["refinery-financing"]["due"] == "2027-06-01"  # +6m
    assert rows["social-housing-aid"]["due"] == "2027-12-01"  # +12m
    assert rows["security-agreements"]["due"] == "2017-06-30"  # absolute dates stay


def test_dry_run_reports_and_writes_nothing(run: Runner, db_url: str) -> None:
    before = snapshot(db_url)
    result = run("import", SEED_FILE, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Would import meeting by-cn-2017-05-16")
    assert snapshot(db_url) == before


def test_import_output_names_the_meeting(run: Runner) -> None:
    result = run("import", SEED_FILE)
    assert result.stdout.splitlines() == [
        'Imported meeting by-cn-2017-05-16 "Talks of the Presidents of Belarus and China" '
        "(Beijing, 2017-05-16)",
        "  9 commitments, 7 owners · quotes verified against by-cn-2017-05-16.txt",
    ]


def test_problems_name_the_commitment_and_field(run: Runner, tmp_path: Path, db_url: str) -> None:
    path = _copy_seed(tmp_path)
    text = path.read_text().replace(
        'due = "+6m"\narea = "finance"', 'due = "soon"\narea = "finance"'
    )
    text = text.replace("the country’s oil refineries", "the oil refineries of the country")
    path.write_text(text)
    before = snapshot(db_url)
    result = run("import", path)
    assert result.exit_code == 6
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"Error: {path}: commitment 'refinery-financing'.quote: not found verbatim in the readout"
    )
    assert "(and 1 more problems)" in result.stderr
    assert snapshot(db_url) == before


def test_missing_quotes_finds_exactly_the_absent_ones() -> None:
    from tracker.meetingfile import missing_quotes, normalise

    source = normalise(
        "The parties agreed to build a bridge. The parties agreed to build a road by May. "
        "The parties agreed to build   a port. Ministries will report monthly."
    )
    quotes = [
        "The parties agreed to build a bridge.",  # shares a long prefix with the next two
        "The parties agreed to build a road by May.",
        "The parties agreed to build a port.",  # whitespace differs from the source
        "arties agreed to build a road",  # starts inside a word
        "report",  # shorter than the indexed prefix
        "The parties agreed to build a tunnel.",  # not there
        "Ministries will report weekly.",  # not there
    ]
    assert missing_quotes(source, quotes) == {
        "The parties agreed to build a tunnel.",
        "Ministries will report weekly.",
    }


def test_large_meeting_file_imports_in_bulk(run: Runner, tmp_path: Path) -> None:
    sentences = [
        f"The Ministry number {i % 7} agreed to deliver item {i} on time." for i in range(600)
    ]
    (tmp_path / "big.txt").write_text(" ".join(sentences))
    parts = ['[meeting]\nslug = "big"\ntitle = "Big"\ndate = 2020-01-01\nsource = "big.txt"\n']
    for i, sentence in enumerate(sentences):
        parts.append(
            f'[[commitments]]\nkey = "c{i}"\ntitle = "Item {i}"\nquote = "{sentence}"\n'
            f'owner = "Ministry {i % 7}"\ndue = "+{i}d"\n'
        )
    path = tmp_path / "big.toml"
    path.write_text("\n".join(parts))
    result = run("import", path, "--json")
    assert result.exit_code == 0, result.stderr
    assert len(result.json()["created"]) == 600
    rows = run("list", "--json", "--meeting", "big", "--as-of", "2020-01-01").json()
    assert len(rows) == 600
    assert {r["key"]: r["due"] for r in rows}["c599"] == "2021-08-22"
    assert run("owner", "list", "--json").json()[0]["total"] in (85, 86)
    shown = run("show", str(rows[-1]["id"]), "--json", "--as-of", "2020-01-01").json()
    assert [e["kind"] for e in shown["history"]] == ["created"]
    assert run("import", path, "--json").json()["unchanged"] == 600
    bad = path.read_text().replace("deliver item 599 on time", "deliver item 599 late")
    path.write_text(bad)
    refused = run("import", path)
    assert refused.exit_code == 6
    assert "commitment 'c599'.quote: not found verbatim" in refused.stderr


def test_imported_instants_are_stored_as_every_other_write_stores_them(
    seeded: Runner, db_url: str
) -> None:
    """The bulk path writes instants through the dialect's own conversion: on SQLite, text
    with microseconds, exactly as a commitment added by hand (compared as text, the two
    forms would order wrongly at a whole second)."""
    seeded("add", "By hand", "--owner", "Ministry of Finance", "--due", "2017-12-01",
           env={"TRACKER_NOW": "2017-05-20T10:00:00Z"})  # fmt: skip
    rows = snapshot(db_url)
    stamps = {row[2] for row in rows["event"]}  # (id, commitment_id, at, ...)
    if db_url.startswith("sqlite"):
        assert all(isinstance(s, str) and len(s) == 26 for s in stamps), stamps
    assert len(stamps) == 2  # the import's instant and the addition's
