"""Re-importing a meeting file never undoes the follow-up: a field changes on import only when
the file changed it since its last import; where both changed it, the follow-up's value stays
and the conflict is reported (unless --force)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_FILE, Runner, snapshot

LATER = {"TRACKER_NOW": "2017-07-01T09:00:00Z"}
LATEST = {"TRACKER_NOW": "2017-07-02T09:00:00Z"}


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copy(SEED_FILE.with_suffix(".txt"), tmp_path / SEED_FILE.with_suffix(".txt").name)
    target = tmp_path / SEED_FILE.name
    shutil.copy(SEED_FILE, target)
    return target


def _by_key(run: Runner) -> dict[str, dict[str, object]]:
    return {row["key"]: row for row in run("list", "--json").json()}


def _follow_up(run: Runner) -> int:
    """The follow-up moves a deadline, renames a commitment and hands one to another owner."""
    visa = _by_key(run)["visa-free-regime"]["id"]
    steps = [
        ("update", visa, "--due", "2017-12-31", "--reason", "Talks postponed"),
        ("update", visa, "--title", "Agree a mutual 30-day visa-free regime"),
        ("update", visa, "--owner", "Ministry of Finance", "--reason", "Financing first"),
        ("update", visa, "--tag", "urgent"),
    ]
    for step in steps:
        result = run(*step, env=LATER)
        assert result.exit_code == 0, result.stderr
    return int(visa)  # type: ignore[arg-type]


def test_unchanged_file_keeps_every_follow_up_change(seeded: Runner, db_url: str) -> None:
    visa = _follow_up(seeded)
    before = snapshot(db_url)
    again = seeded("import", SEED_FILE, "--json", env=LATEST).json()
    shown = seeded("show", visa, "--json").json()
    assert shown["due"] == "2017-12-31"
    assert shown["title"] == "Agree a mutual 30-day visa-free regime"
    assert shown["owner"] == "Ministry of Finance"
    assert shown["slips"] == 1  # the follow-up's own move, not a revert counted as a slip
    assert snapshot(db_url) == before  # nothing written, no event
    assert (again["changed"], again["updated"], again["conflicts"]) == (False, [], [])
    text = seeded("import", SEED_FILE, env=LATEST)
    assert "is up to date" in text.stdout


def test_a_field_the_file_changed_is_applied_and_named(seeded: Runner, tmp_path: Path) -> None:
    path = _copy_seed(tmp_path)
    visa = _follow_up(seeded)  # the follow-up changed title, due, owner and tags
    text = path.read_text(encoding="utf-8")
    text = text.replace('area = "tourism"', 'area = "migration"')
    text = text.replace(
        'title = "Secure untied funds to complete the oil refinery modernisation"',
        'title = "Secure $1 billion of untied funds for the refineries"',
    )
    path.write_text(text, encoding="utf-8")
    report = seeded("import", path, "--json", env=LATEST).json()
    assert report["changed_fields"] == {
        "visa-free-regime": ["area"],
        "refinery-financing": ["title"],
    }
    assert report["conflicts"] == []
    shown = seeded("show", visa, "--json").json()
    assert (shown["area"], shown["due"], shown["owner"]) == (
        "migration",
        "2017-12-31",
        "Ministry of Finance",
    )
    summary = seeded("import", path, env=LATEST)
    assert "is up to date" in summary.stdout  # the new values are now the last imported ones


def test_both_changed_is_a_conflict_kept_as_the_follow_up_set_it(
    seeded: Runner, tmp_path: Path, db_url: str
) -> None:
    path = _copy_seed(tmp_path)
    visa = _follow_up(seeded)
    text = path.read_text(encoding="utf-8").replace('due = "+90d"', 'due = "+120d"', 1)
    path.write_text(text, encoding="utf-8")
    before = snapshot(db_url)
    report = seeded("import", path, "--json", env=LATEST).json()
    assert report["conflicts"] == [
        {"key": "visa-free-regime", "field": "due", "file": "2017-09-13", "current": "2017-12-31"}
    ]
    assert report["updated"] == []
    assert snapshot(db_url) == before
    words = seeded("import", path, env=LATEST).stdout
    assert "conflict: visa-free-regime.due" in words and "--force" in words
    assert seeded("show", visa, "--json").json()["due"] == "2017-12-31"

    forced = seeded("import", path, "--force", "--json", env=LATEST).json()
    assert forced["changed_fields"] == {"visa-free-regime": ["due"]}
    shown = seeded("show", visa, "--json").json()
    assert (shown["due"], shown["slips"]) == ("2017-09-13", 2)
    assert seeded("import", path, "--json", env=LATEST).json()["changed"] is False


def test_tags_that_differ_only_in_case_or_repetition_are_up_to_date(
    run: Runner, tmp_path: Path, db_url: str
) -> None:
    path = _copy_seed(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('tags = ["visa", "instructed"]', 'tags = ["Visa", "visa", " instructed"]')
    path.write_text(text, encoding="utf-8")
    first = run("import", path)
    assert first.exit_code == 0, first.stderr
    rows = {row["key"]: row for row in run("list", "--json").json()}
    assert rows["visa-free-regime"]["tags"] == ["visa", "instructed"]
    before = snapshot(db_url)
    again = run("import", path, env=LATER)
    assert "is up to date" in again.stdout, again.stdout
    assert snapshot(db_url) == before


def test_owner_names_are_compared_cleaned(run: Runner, tmp_path: Path) -> None:
    """A zero-width space or another case does not make a second owner."""
    path = _copy_seed(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('owner = "Ministry of Finance"', 'owner = "ministry of\u200b finance"', 1)
    path.write_text(text, encoding="utf-8")
    assert run("import", path).exit_code == 0
    names = [o["name"] for o in run("owner", "list", "--json").json()]
    assert len(names) == 7
    assert "Ministry of Finance" in names
