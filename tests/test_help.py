"""Every command explains itself: `--help` text with an example, for the whole command tree."""

from __future__ import annotations

import click
import pytest
from conftest import run_cli

from tracker.cli import cli


def _walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_walk(command, (*prefix, name)))
    return paths


COMMAND_PATHS = _walk(cli)


def test_the_tree_has_every_documented_command() -> None:
    expected = {
        ("extract",),
        ("export",),
        ("digest",),
        ("schedule",),
        ("schedule", "add"),
        ("schedule", "list"),
        ("schedule", "remove"),
        ("schedule", "run"),
        ("schedule", "update"),
        ("schedule", "pause"),
        ("schedule", "resume"),
        ("scheduler",),
        ("init",),
        ("import",),
        ("add",),
        ("list",),
        ("show",),
        ("update",),
        ("note",),
        ("close",),
        ("reopen",),
        ("drop",),
        ("overdue",),
        ("owner",),
        ("owner", "add"),
        ("owner", "list"),
        ("owner", "rename"),
        ("owner", "update"),
        ("owner", "merge"),
        ("owner", "remove"),
        ("db",),
        ("db", "upgrade"),
        ("db", "current"),
    }
    assert expected <= set(COMMAND_PATHS)


@pytest.mark.parametrize("path", [(), *COMMAND_PATHS], ids=lambda p: " ".join(p) or "tracker")
def test_help_has_text_and_an_example(path: tuple[str, ...], sqlite_url: str) -> None:
    result = run_cli([*path, "--help"], db_url=sqlite_url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Usage: tracker")
    assert "Example:" in result.stdout
    command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.split()) >= 5
