"""Shell completion: the script for each shell, and owner names and commitment ids completed
from the database through the real entry point, as the shell's script asks for them (the
`_TRACKER_COMPLETE`, `COMP_WORDS` and `COMP_CWORD` variables)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Result, Runner, run_cli


def _complete(words: str, db_url: str, shell: str = "bash") -> Result:
    """What the shell's completion script asks `tracker` when Tab is pressed after `words`
    (the last word is the one being completed)."""
    parts = words.split(" ")
    env = {
        "_TRACKER_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    return run_cli([], db_url=db_url, env=env)


def _values(result: Result) -> list[str]:
    assert result.exit_code == 0 and result.stderr == "", result
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script_for_each_shell(shell: str, sqlite_url: str) -> None:
    result = run_cli(["completion", shell], db_url=sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert f"_TRACKER_COMPLETE={shell}_complete" in result.stdout
    assert run_cli(["completion", "tcsh"], db_url=sqlite_url).exit_code == 2


def test_commitment_ids_complete_from_the_database(seeded: Runner, db_url: str) -> None:
    assert _values(_complete("tracker show ", db_url)) == [str(n) for n in range(1, 10)]
    assert _values(_complete("tracker close 7", db_url)) == ["7"]
    assert _values(_complete("tracker note x", db_url)) == []
    # zsh and fish show each id's title beside it.
    zsh = _complete("tracker update 1", db_url, shell="zsh")
    assert zsh.exit_code == 0 and "Study a mutual 30-day visa-free regime" in zsh.stdout


@pytest.mark.parametrize(
    "words",
    [
        "tracker list --owner foreign",
        "tracker add Title --owner foreign",
        "tracker update 1 --owner foreign",
        "tracker overdue --owner foreign",
        "tracker digest --owner foreign",
        "tracker schedule add weekly --owner foreign",
    ],
)
def test_every_owner_option_completes_owner_names(seeded: Runner, db_url: str, words: str) -> None:
    assert _values(_complete(words, db_url)) == ["Ministry of Foreign Affairs"]


def test_owner_names_complete_from_the_db_given_on_the_line(
    seeded: Runner, db_url: str, tmp_path: Path
) -> None:
    elsewhere = f"sqlite:///{tmp_path / 'absent.db'}"
    words = f"tracker --db {db_url} list --owner ministry"
    assert _values(_complete(words, elsewhere)) == [
        "Ministry of Architecture and Construction",
        "Ministry of Finance",
        "Ministry of Foreign Affairs",
        "Ministry of Transport and Communications",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent/dir/x.db",
        "sqlite:///{tmp}/never-initialised.db",
        "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
        "nosuchdb://x",
        "not a url",
    ],
)
def test_completion_on_a_bad_database_completes_nothing_and_says_nothing(
    url: str, tmp_path: Path
) -> None:
    url = url.format(tmp=tmp_path)
    for words in ("tracker show ", "tracker list --owner min"):
        assert _values(_complete(words, url)) == []
    assert not (tmp_path / "never-initialised.db").exists()
