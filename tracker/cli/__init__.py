"""The `tracker` command line: parse, call one service, print; errors become one line and a code.

Exit codes are `tracker.errors.ExitCode` (and the README's table).
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
import warnings
from collections.abc import Sequence

import click

from tracker import __version__
from tracker.cli import completion, wording
from tracker.cli.app import App
from tracker.cli.render import EscapingStream
from tracker.config import Settings
from tracker.errors import ExitCode, TrackerError


class _ReaderGone(Exception):
    """The reader of our output went away (`tracker list | head`)."""


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bare `tracker` is a request for help, not a mistake: click 8.2+ would exit 2.
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        # Click answers a broken pipe itself, with exit status 1; `main` makes it 0.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _ReaderGone() from None


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    "database_url",
    metavar="URL",
    envvar="TRACKER_DATABASE_URL",
    help="Database URL (default: a SQLite file in the user's data directory).",
)
@click.option(
    "--actor",
    metavar="NAME",
    envvar="TRACKER_ACTOR",
    help="Who is making changes (default: the login name).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, actor: str | None, debug: bool) -> None:
    """Follow up the commitments made at a meeting: owners, deadlines, quotes, history.

    \b
    Example:
      tracker init
      tracker import seeds/by-cn-2017-05-16.toml
      tracker overdue --as-of 2017-09-11
    """
    app = App(Settings.load(database_url=database_url, actor=actor), debug=debug)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from tracker.cli import commitments, digest, extract, schedules, setup, web

    for module in (setup, extract, commitments, digest, schedules, web, completion):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _database_message(exc: BaseException) -> str | None:
    """A one-line message for driver errors (locked or unreadable files, refused connections)."""
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return None
    if isinstance(exc, DBAPIError):
        from tracker.db import describe_db_error

        return f"database error: {describe_db_error(exc)}"
    return None


# Environment variables read as option values: held to the same rule as arguments.
_ENV_OPTIONS = ("TRACKER_DATABASE_URL", "TRACKER_ACTOR", "TRACKER_NOW")


def _undecodable(args: Sequence[str]) -> str | None:
    """What names the first argument (or option variable) that is not UTF-8 text, its bytes
    shown (Python hands such bytes over as lone surrogates, which fail later, anywhere, as an
    internal error)."""
    named = [("argument {}", arg) for arg in args]
    named += [(f"{name}={{}}", os.environ.get(name) or "") for name in _ENV_OPTIONS]
    for label, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return label.format(repr(os.fsencode(text)))
    return None


def _traceback(debug: bool) -> None:
    # --debug shows the traceback and keeps the exit code: scripts that check codes still work.
    if debug:
        traceback.print_exc()


def _run(args: list[str], *, debug: bool) -> int:
    """Run the command; every error becomes `Error: …` on stderr and its exit code."""
    bad = _undecodable(args)
    if bad is not None:
        click.echo(f"Error: {bad} is not UTF-8 text (see 'tracker --help')", err=True)
        return int(ExitCode.USAGE)
    try:
        code = cli.main(args=args, prog_name=completion.PROG_NAME, standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("Error: aborted", err=True)
        code = 130
    except click.ClickException as exc:
        _traceback(debug)
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        click.echo(f"Error: {_one_line(exc.format_message())}{hint}", err=True)
        code = exc.exit_code
    except TrackerError as exc:
        _traceback(debug)
        click.echo(f"Error: {_one_line(wording.word(exc))}", err=True)
        code = int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        code = 130
    except (BrokenPipeError, _ReaderGone):
        # The reader went away (`tracker list | head`): not an error worth a message. What is
        # still buffered would fail again as the interpreter flushes it on exit (exit 1):
        # point stdout at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        code = 0
    except Exception as exc:
        _traceback(debug)
        message = _database_message(exc)
        if message is not None:
            click.echo(f"Error: {_one_line(message)}", err=True)
            code = int(ExitCode.DATABASE)
        else:
            rerun = "" if debug else " (rerun with --debug for the traceback)"
            click.echo(
                f"Error: internal error: {type(exc).__name__}: {_one_line(str(exc))}{rerun}",
                err=True,
            )
            code = int(ExitCode.INTERNAL)
    return code if isinstance(code, int) else 0


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command, turn every error into `Error: …` and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("TRACKER_DEBUG") == "1"
    # A command builds up to hundreds of thousands of small objects that live until it ends;
    # the default thresholds would run the cycle collector over them a thousand times (a
    # third of a 100,000-row digest). Rarer passes still collect cycles in the daemon.
    gc.set_threshold(100_000, 50, 100)
    if not debug:
        # Library warnings (SQLAlchemy's about URL arguments, say) would break the one-line rule.
        warnings.simplefilter("ignore")
    if completion.requested():
        # The shell reads click's answer as bytes, which the escaping streams refuse; the
        # names and titles offered were cleaned of control characters when they were stored.
        completion.install(cli)
        sys.exit(_run(args, debug=debug))
    # Stored text (titles, names, notes, messages that quote them) reaches stdout and stderr
    # through many commands: escaping at the streams covers every one of them.
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(stdout), EscapingStream(stderr)  # type: ignore[assignment]
    try:
        code = _run(args, debug=debug)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    sys.exit(code)
