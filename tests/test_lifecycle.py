"""The whole life of a commitment through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED_FILE, Runner


def test_lifecycle_add_update_note_close_reopen_drop(run: Runner) -> None:
    assert run("owner", "add", "Ministry of Economy", "--email", "eco@example.org").exit_code == 0
    added = run(
        "add",
        "Prepare the investment roadmap",
        "--owner",
        "economy",
        "--due",
        "2017-10-31",
        "--area",
        "Finance",
        "--tag",
        "roadmap",
        "--json",
    )
    assert added.exit_code == 0, added.stderr
    item = added.json()
    assert item["id"] == 1
    assert (item["owner"], item["due"], item["area"], item["status"]) == (
        "Ministry of Economy",
        "2017-10-31",
        "finance",
        "open",
    )
    assert item["tags"] == ["roadmap"]

    moved = run(
        "update",
        "1",
        "--due",
        "2017-12-15",
        "--reason",
        "Waiting for the ministry",
        env={"TRACKER_NOW": "2017-09-12T10:00:00Z", "TRACKER_ACTOR": "alice"},
    )
    assert moved.exit_code == 0, moved.stderr
    assert moved.stdout.strip() == "#1: due 2017-10-31 → 2017-12-15"
    assert (
        run(
            "update", "1", "--status", "in_progress", env={"TRACKER_NOW": "2017-09-13T10:00:00Z"}
        ).exit_code
        == 0
    )
    assert (
        run(
            "note",
            "1",
            "Draft circulated to ministries",
            env={"TRACKER_NOW": "2017-09-14T10:00:00Z", "TRACKER_ACTOR": "bob"},
        ).exit_code
        == 0
    )
    closed = run(
        "close",
        "1",
        "--note",
        "Roadmap adopted",
        "--evidence",
        "Resolution No. 12",
        env={"TRACKER_NOW": "2017-09-15T10:00:00Z"},
    )
    assert closed.exit_code == 0, closed.stderr
    assert (
        run(
            "reopen",
            "1",
            "--reason",
            "Resolution annulled",
            env={"TRACKER_NOW": "2017-09-16T10:00:00Z"},
        ).exit_code
        == 0
    )
    assert (
        run(
            "drop",
            "1",
            "--reason",
            "Superseded by the 2018 plan",
            env={"TRACKER_NOW": "2017-09-17T10:00:00Z", "TRACKER_ACTOR": "carol"},
        ).exit_code
        == 0
    )

    shown = run("show", "1", "--json", "--as-of", "2017-09-30").json()
    assert shown["status"] == "dropped"
    assert shown["resolution"] == "Superseded by the 2018 plan"
    assert shown["slips"] == 1
    history = [(e["kind"], e["actor"], e["old"], e["new"], e["text"]) for e in shown["history"]]
    assert history == [
        ("created", "tester", None, "Prepare the investment roadmap", None),
        ("due", "alice", "2017-10-31", "2017-12-15", "Waiting for the ministry"),
        ("status", "tester", "open", "in_progress", None),
        ("note", "bob", None, None, "Draft circulated to ministries"),
        (
            "closed",
            "tester",
            "in_progress",
            "done",
            "Roadmap adopted · evidence: Resolution No. 12",
        ),
        ("reopened", "tester", "done", "open", "Resolution annulled"),
        ("dropped", "carol", "open", "dropped", "Superseded by the 2018 plan"),
    ]
    stamps = [e["at"] for e in shown["history"]]
    assert stamps == sorted(stamps)
    assert stamps[1] == "2017-09-12T10:00:00Z"

    text = run("show", "1", "--as-of", "2017-09-30").stdout
    assert "#1  Prepare the investment roadmap" in text
    assert "due 2017-10-31 → 2017-12-15 · Waiting for the ministry" in text


def test_overdue_as_of_lists_exactly_the_overdue_most_late_first(seeded: Runner) -> None:
    result = seeded("overdue", "--as-of", "2017-09-11", "--json")
    assert result.exit_code == 0, result.stderr
    rows = [(r["key"], r["days_overdue"]) for r in result.json()]
    assert rows == [("security-agreements", 73), ("visa-free-regime", 28)]

    later = seeded("overdue", "--as-of", "2017-11-20", "--json").json()
    assert [(r["id"], r["days_overdue"]) for r in later] == [
        (4, 143),
        (1, 98),
        (5, 61),
        (3, 59),
        (2, 4),
        (6, 4),
        (9, 4),  # ties: by id
    ]

    text = seeded("overdue", "--as-of", "2017-09-11").stdout.splitlines()
    assert text[0].split() == ["ID", "DAYS", "LATE", "DUE", "OWNER", "STATUS", "SLIPS", "TITLE"]
    assert text[1].split()[:3] == ["4", "73", "2017-06-30"]
    assert text[-1] == "2 overdue commitments as of 2017-09-11"


def test_closed_and_dropped_items_are_not_overdue(seeded: Runner) -> None:
    assert seeded("close", "4", "--note", "Signed on 2017-06-20").exit_code == 0
    assert seeded("drop", "1", "--reason", "Not pursued").exit_code == 0
    assert seeded("overdue", "--as-of", "2017-09-11", "--json").json() == []
    assert seeded("overdue", "--as-of", "2017-09-11").stdout.strip() == (
        "Nothing overdue as of 2017-09-11."
    )


def test_as_of_undoes_later_changes(seeded: Runner) -> None:
    """--as-of shows how things stood: a close or a slip recorded later is not yet visible."""
    env = {"TRACKER_NOW": "2017-10-01T08:00:00Z"}
    assert seeded("close", "4", "--note", "Signed", env=env).exit_code == 0
    assert (
        seeded("update", "1", "--due", "2018-01-31", "--reason", "Talks resumed", env=env).exit_code
        == 0
    )
    then = {r["key"]: r for r in seeded("list", "--as-of", "2017-09-11", "--json").json()}
    assert then["security-agreements"]["status"] == "open"
    assert then["security-agreements"]["closed_at"] is None
    assert then["visa-free-regime"]["due"] == "2017-08-14"
    assert then["visa-free-regime"]["slips"] == 0
    now = {r["key"]: r for r in seeded("list", "--all", "--as-of", "2017-10-02", "--json").json()}
    assert now["security-agreements"]["status"] == "done"
    assert now["visa-free-regime"]["due"] == "2018-01-31"
    assert now["visa-free-regime"]["slips"] == 1
    overdue_then = seeded("overdue", "--as-of", "2017-09-11", "--json").json()
    assert [r["key"] for r in overdue_then] == ["security-agreements", "visa-free-regime"]
    overdue_later = seeded("overdue", "--as-of", "2017-10-02", "--json").json()
    assert [(r["key"], r["days_overdue"]) for r in overdue_later] == [
        ("security-working-group", 12),
        ("great-stone-residents", 10),
    ]
    # The filters apply to the state at the date, not to today's state.
    done_then = seeded("list", "--status", "done", "--as-of", "2017-09-11", "--json").json()
    assert done_then == []


def test_list_filters(seeded: Runner) -> None:
    def keys(*args: str) -> list[str]:
        result = seeded("list", "--as-of", "2017-09-11", "--json", *args)
        assert result.exit_code == 0, result.stderr
        return [r["key"] for r in result.json()]

    assert keys("--owner", "Security Council") == ["security-agreements", "security-working-group"]
    assert keys("--area", "industry") == ["great-stone-residents"]
    assert keys("--overdue") == ["security-agreements", "visa-free-regime"]
    assert keys("--due-before", "2017-09-21") == [
        "security-agreements",
        "visa-free-regime",
        "security-working-group",
    ]
    assert keys("--due-after", "2017-11-16") == ["social-housing-aid", "cargo-transport-silk-road"]
    assert keys("--meeting", "by-cn-2017-05-16") == keys()
    assert len(keys()) == 9
    seeded("update", "5", "--status", "blocked")
    assert keys("--status", "blocked") == ["security-working-group"]
    assert keys("--status", "blocked", "--status", "open")[:2] == [
        "security-agreements",
        "visa-free-regime",
    ]


def test_list_table_reads_at_a_glance(seeded: Runner) -> None:
    lines = seeded("list", "--as-of", "2017-09-11").stdout.splitlines()
    assert lines[0].split() == ["ID", "DUE", "WHEN", "OWNER", "AREA", "STATUS", "TITLE"]
    assert lines[1].split()[:4] == ["4", "2017-06-30", "73d", "late"]
    assert "in 9d" in lines[3]
    assert lines[-1] == "9 commitments · 9 active · 2 overdue · as of 2017-09-11"


def test_json_fields_and_derived_health(seeded: Runner) -> None:
    rows = seeded("list", "--as-of", "2017-09-11", "--json").json()
    required = {"id", "title", "owner", "due", "status", "area", "quote", "meeting", "days_overdue"}
    assert all(required <= set(r) for r in rows)
    health = {r["key"]: r["health"] for r in rows}
    assert health["security-agreements"] == "off_track"
    assert health["security-working-group"] == "at_risk"  # due in 9 days, not started
    assert health["social-housing-aid"] == "on_track"
    seeded("update", "5", "--status", "in_progress")
    started = {
        r["key"]: r["health"] for r in seeded("list", "--json", "--as-of", "2017-09-11").json()
    }
    assert started["security-working-group"] == "on_track"


def test_relative_dates_resolve_against_the_clock(run: Runner) -> None:
    run("owner", "add", "Ministry of Economy")
    env = {"TRACKER_NOW": "2026-11-27T12:00:00Z"}  # a Friday
    cases = {
        "today": "2026-11-27",
        "tomorrow": "2026-11-28",
        "friday": "2026-12-04",
        "monday": "2026-11-30",
        "+2w": "2026-12-11",
        "eom": "2026-11-30",
        "eoq": "2026-12-31",
        "eoy": "2026-12-31",
        "+1m": "2026-12-27",
    }
    for text, expected in cases.items():
        result = run("add", f"Due {text}", "--owner", "Economy", "--due", text, "--json", env=env)
        assert result.exit_code == 0, result.stderr
        assert result.json()["due"] == expected, text


def test_actor_from_option_beats_environment(run: Runner) -> None:
    run("owner", "add", "Ministry of Economy")
    run(
        "--actor",
        "dora",
        "add",
        "X",
        "--owner",
        "Economy",
        "--due",
        "2017-10-01",
        env={"TRACKER_ACTOR": "eve"},
    )
    history = run("show", "1", "--json").json()["history"]
    assert history[0]["actor"] == "dora"


def test_update_without_change_writes_no_event(seeded: Runner) -> None:
    result = seeded("update", "1", "--area", "tourism")
    assert result.exit_code == 0
    assert result.stdout.strip() == "#1: nothing changed."
    assert len(seeded("show", "1", "--json").json()["history"]) == 1


def test_seed_import_via_module_entry_point(tmp_path: Path) -> None:
    """`python -m tracker` is the same program as the console script (a real subprocess)."""
    import subprocess
    import sys

    env = {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "PATH": "/usr/bin:/bin"}
    env["TRACKER_NOW"] = "2017-09-11T09:00:00Z"  # imported by the day the review reads
    for args in (["init"], ["import", str(SEED_FILE)]):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "overdue", "--as-of", "2017-09-11"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "2 overdue commitments as of 2017-09-11"
