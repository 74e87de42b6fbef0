"""`tracker extract` end to end: a draft that `tracker import` accepts unchanged."""

from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import SEED_FILE, Runner, snapshot

READOUT = SEED_FILE.with_suffix(".txt")


def test_draft_of_the_seed_imports_cleanly(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "drafts" / "draft.toml"
    out.parent.mkdir()
    result = run("extract", READOUT, "--meeting-date", "2017-05-16", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Drafted 9 commitments from")
    draft = tomllib.loads(out.read_text())
    assert (tmp_path / "drafts" / draft["meeting"]["source"]).resolve() == READOUT.resolve()
    assert all(
        {"cue", "confidence", "quote", "owner", "due"} <= set(c) for c in draft["commitments"]
    )
    imported = run("import", out, "--json")
    assert imported.exit_code == 0, imported.stderr
    assert len(imported.json()["created"]) == len(draft["commitments"])
    assert len(run("list", "--json").json()) == len(draft["commitments"])


def test_draft_to_stdout(run: Runner) -> None:
    result = run("extract", READOUT, "--meeting-date", "2017-05-16", "--min-confidence", "0.99")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Draft commitments")
    tomllib.loads(result.stdout)


def test_rules_only_leaves_out_what_the_sentence_model_adds(run: Runner, tmp_path: Path) -> None:
    readout = tmp_path / "minutes.txt"
    readout.write_text(
        "Minutes of the Garden Club committee meeting, 3 March 2024\n\n"
        "Present: Ann Lee, Bob Marsh, Carol Pike.\n\n"
        "Plant sale: Bob is organising the stall for the May fair.\n"
        "Newsletter: the spring issue goes out next week, Carol collecting articles.\n"
    )
    cues = {}
    for flags in ((), ("--rules-only",)):
        result = run("extract", readout, "--meeting-date", "2024-03-03", *flags)
        assert result.exit_code == 0, result.stderr
        cues[flags] = [c["cue"] for c in tomllib.loads(result.stdout)["commitments"]]
    # the newsletter note has no phrasing the rules know: only the model reads it
    assert cues[()] == ["is organising", "sentence model"]
    assert cues[("--rules-only",)] == ["is organising"]


def test_a_text_without_commitments_gives_an_empty_draft(run: Runner, tmp_path: Path) -> None:
    readout = tmp_path / "praise.txt"
    readout.write_text(
        "The President praised the hospitality of the hosts.\n"
        "The weather in the capital was warm and sunny.\n"
    )
    out = tmp_path / "draft.toml"
    result = run("extract", readout, "--meeting-date", "2020-01-01", "--out", out)
    assert result.exit_code == 0
    assert result.stderr.strip() == (f"No commitments found in {readout}: the draft lists none.")
    assert tomllib.loads(out.read_text()).get("commitments", []) == []
    assert run("import", out).exit_code == 0


def test_unusable_readouts_are_refused_in_one_line(
    run: Runner, tmp_path: Path, db_url: str
) -> None:
    cases = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02binary",
        "latin1.txt": "Les parties sont convenues de signer l'accord à Minsk.".encode("latin-1"),
    }
    before = snapshot(db_url)
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = run("extract", path, "--meeting-date", "2020-01-01")
        assert result.exit_code == 6, (name, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
        assert result.stdout == ""
    missing = run("extract", tmp_path / "missing.txt", "--meeting-date", "2020-01-01")
    assert missing.exit_code == 6
    assert snapshot(db_url) == before
