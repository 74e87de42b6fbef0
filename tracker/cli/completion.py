"""Shell completion: `tracker completion bash|zsh|fish` prints the script, and the callbacks
that complete owner names and commitment ids from the database.

A completion runs on every Tab press, inside the user's shell: a callback never raises and
never prints (a missing database, a bad URL, a server that is down all complete nothing).
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # click's completion module is loaded only when the shell asks
    from click.shell_completion import CompletionItem

PROG_NAME = "tracker"
COMPLETE_VAR = "_TRACKER_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
# Enough to choose from at a prompt; a database of 100,000 commitments must still answer fast.
MAX_ITEMS = 200


def requested() -> bool:
    """Whether the shell is asking for completions (or the script) in this process."""
    return bool(os.environ.get(COMPLETE_VAR))


class OwnerName(click.types.StringParamType):
    """Text that completes to the names of the owners in the database."""

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(name) for name in _quietly(owner_names, ctx, incomplete)]


def install(group: click.Group) -> None:
    """Give every `--owner` option of the command tree owner-name completion: the options
    are declared where their commands are, and every one of them names an owner."""
    for command in _commands(group):
        for param in command.params:
            if (
                isinstance(param, click.Option)
                and param.name == "owner"
                and type(param.type) is click.types.StringParamType
            ):
                param.type = OwnerName()


def _commands(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = [group]
    for command in group.commands.values():
        if isinstance(command, click.Group):
            found.extend(_commands(command))
        else:
            found.append(command)
    return found


def complete_ids(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    """Commitment ids that start with what was typed, with their titles as help (zsh, fish)."""
    from click.shell_completion import CompletionItem

    return [
        CompletionItem(str(number), help=title)
        for number, title in _quietly(commitment_ids, ctx, incomplete)
    ]


def _quietly(query: Any, ctx: click.Context, incomplete: str) -> list[Any]:
    # Anything a driver or a library might print goes nowhere: the shell would show it.
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return list(query(_database_url(ctx), incomplete))
    except Exception:  # on any problem, complete nothing
        return []


def _database_url(ctx: click.Context) -> str:
    """`--db` as typed on the line being completed, else TRACKER_DATABASE_URL, else the
    default: the group callback that builds the App does not run while completing."""
    from tracker.config import Settings

    url = ctx.find_root().params.get("database_url")
    return Settings.load(database_url=url).database_url


def owner_names(url: str, incomplete: str) -> list[str]:
    """Owner names that contain what was typed (any unique part names an owner), by name."""
    import sqlalchemy as sa

    from tracker.db import Database

    db = Database(url)
    try:
        with db.connect() as conn:
            names = conn.execute(sa.text("SELECT name FROM owner ORDER BY name")).scalars().all()
    finally:
        db.close()
    typed = incomplete.casefold()
    return [name for name in names if typed in name.casefold()][:MAX_ITEMS]


def commitment_ids(url: str, incomplete: str) -> list[tuple[int, str]]:
    """(id, title) of the commitments whose id starts with what was typed, by id."""
    import sqlalchemy as sa

    from tracker.db import Database

    typed = incomplete.strip().lstrip("#")
    if typed and not (typed.isascii() and typed.isdigit()):
        return []
    db = Database(url)
    try:
        with db.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT id, title FROM commitment WHERE CAST(id AS VARCHAR(20)) LIKE :prefix"
                    " ORDER BY id LIMIT :limit"
                ),
                {"prefix": f"{typed}%", "limit": MAX_ITEMS},
            ).all()
    finally:
        db.close()
    return [(int(row.id), str(row.title)) for row in rows]


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes commands, options, owner names (`--owner`) and commitment ids.

    \b
    Example:
      eval "$(tracker completion bash)"       # in ~/.bashrc
      eval "$(tracker completion zsh)"        # in ~/.zshrc
      tracker completion fish > ~/.config/fish/completions/tracker.fish
    """
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell)
    assert script is not None  # click.Choice allows only the shells click knows
    root = ctx.find_root().command
    click.echo(script(root, {}, PROG_NAME, COMPLETE_VAR).source())


COMMANDS = [completion]
