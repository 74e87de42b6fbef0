"""`tracker serve` (the web view), `tracker user …` (its accounts) and owners' report links."""

from __future__ import annotations

import sys

import click

from tracker.cli.app import COMMITMENT_ID, App, pass_app, print_json
from tracker.cli.render import table
from tracker.cli.setup import owner
from tracker.errors import InvalidInput, NotFound

ROLES = ["coordinator", "viewer"]


def _keys():  # type: ignore[no-untyped-def]
    from tracker.tokens import ENV_SECRET, Keys

    keys = Keys.from_env()
    if keys is None:
        raise InvalidInput(
            f"set {ENV_SECRET} to a long random secret (e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`): it signs "
            "sessions and owners' report links"
        )
    return keys


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Server processes (PostgreSQL only; the database, not Python, is usually the limit).",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Send cookies over HTTPS only (behind a TLS proxy).",
)
@pass_app
def serve(app: App, host: str, port: int, workers: int, secure_cookies: bool) -> None:
    """Serve the web view: the board, commitments, owners, meetings, the digest and /api;
    owners report through the personal link of their digest.

    Needs TRACKER_SECRET_KEY (several, space-separated, to rotate it: the first signs, any
    verifies) and at least one account (`tracker user add`). Digests carry report links to
    TRACKER_BASE_URL (default http://127.0.0.1:8000).

    \b
    Example:
      export TRACKER_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
      tracker user add admin --role coordinator
      tracker serve --host 127.0.0.1 --port 8000
    """
    import os

    import uvicorn

    _keys()  # refuse to start without a secret, before listening
    app.db.require_schema()
    os.environ["TRACKER_DATABASE_URL"] = app.settings.database_url
    if secure_cookies:
        os.environ["TRACKER_SECURE_COOKIES"] = "1"
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.run(
        "tracker.web.main:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # our own log leaves report-link tokens out
        log_level="warning",
        server_header=False,
        # Longer than a client's idle keep-alive (httpx: 5 s), so that the server never closes
        # a connection just as the client sends on it.
        timeout_keep_alive=30,
    )


@click.group()
def user() -> None:
    """Accounts of the web view: coordinators (read, confirm closings, notes) and viewers (read).

    \b
    Example:
      tracker user add "Head of unit" --role coordinator
      tracker user list
    """


def _read_password(from_stdin: bool) -> str:
    """Asked twice at a terminal; else the first line of stdin (an empty one is refused)."""
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("no password given: type it at a terminal or pipe it in")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)  # type: ignore[no-any-return]


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@pass_app
def user_add(app: App, name: str, role: str, password_stdin: bool) -> None:
    """Add an account (asks for its password twice, unless --password-stdin).

    \b
    Example:
      tracker user add "Head of unit" --role coordinator
      printf '%s\\n' "$PASSWORD" | tracker user add analyst --role viewer --password-stdin
    """
    from tracker.services.accounts import add_account, check_password

    password = check_password(_read_password(password_stdin))
    with app.db.write() as session:
        account = add_account(session, name, role=role, password=password, now=app.now())
    click.echo(f"Added {account.role} {account.name}")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def user_list(app: App, as_json: bool) -> None:
    """List accounts and their roles.

    \b
    Example:
      tracker user list
    """
    from tracker.services.accounts import list_accounts

    with app.db.read() as session:
        accounts = list_accounts(session)
    if as_json:
        print_json([{"name": a.name, "role": a.role} for a in accounts])
        return
    click.echo(table(["ROLE", "NAME"], [[a.role, a.name] for a in accounts]))


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read it from the first line of stdin.")
@pass_app
def user_password(app: App, name: str, password_stdin: bool) -> None:
    """Set a new password; the account's open sessions end.

    \b
    Example:
      tracker user password "Head of unit"
    """
    from tracker.services.accounts import check_password, find_account, set_password

    with app.db.read() as session:
        if find_account(session, name) is None:  # before asking for a password
            raise NotFound(f"no user {name!r}")
    password = check_password(_read_password(password_stdin))
    with app.db.write() as session:
        account = set_password(session, name, password)
    click.echo(f"New password for {account.name}")


@user.command("remove")
@click.argument("name")
@pass_app
def user_remove(app: App, name: str) -> None:
    """Remove an account; its sessions end at once.

    \b
    Example:
      tracker user remove analyst
    """
    from tracker.services.accounts import remove_account

    with app.db.write() as session:
        removed = remove_account(session, name)
    click.echo(f"Removed user {removed}")


@owner.command("link")
@click.argument("name")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@pass_app
def owner_link_cmd(app: App, name: str, days: int) -> None:
    """Print the owner's personal report link (their digests carry it too).

    \b
    Example:
      tracker owner link "foreign affairs" --days 14
    """
    from tracker.services.owners import resolve_owner
    from tracker.tokens import link_until, owner_link

    keys = _keys()
    with app.db.read() as session:
        found = resolve_owner(session, name)
    until = link_until(app.now(), days)
    click.echo(owner_link(keys, owner_id=found.id, epoch=found.link_epoch, until=until))  # type: ignore[arg-type]
    click.echo(f"{found.name}: valid until {until.isoformat()}", err=True)


@owner.command("revoke-links")
@click.argument("name")
@pass_app
def owner_revoke_links(app: App, name: str) -> None:
    """Make every report link given to the owner so far stop working.

    \b
    Example:
      tracker owner revoke-links "foreign affairs"
    """
    from tracker.services.browse import revoke_links
    from tracker.services.owners import resolve_owner

    with app.db.write() as session:
        found = resolve_owner(session, name)
        revoke_links(session, found.id)  # type: ignore[arg-type]
    click.echo(f"Revoked every report link of {found.name}")


@click.command()
@click.argument("commitment_id", metavar="ID", type=COMMITMENT_ID)
@pass_app
def confirm(app: App, commitment_id: int) -> None:
    """Confirm an owner's proposal to close: the commitment is closed with their evidence.

    \b
    Example:
      tracker confirm 4
    """
    from tracker.services.reports import confirm_close
    from tracker.vocabulary import Channel

    with app.db.write() as session:
        closed = confirm_close(
            session, commitment_id, actor=app.actor, now=app.now(), channel=Channel.CLI
        )
    click.echo(f"Closed #{closed.id} as its owner proposed (evidence: {closed.evidence})")


@click.command()
@click.argument("commitment_id", metavar="ID", type=COMMITMENT_ID)
@click.option("--reason", required=True, help="What is missing: the owner sees it.")
@pass_app
def decline(app: App, commitment_id: int, reason: str) -> None:
    """Decline an owner's proposal to close, saying why; the commitment stays open.

    \b
    Example:
      tracker decline 4 --reason "Attach the signed minutes"
    """
    from tracker.services.reports import decline_proposal
    from tracker.vocabulary import Channel

    with app.db.write() as session:
        decline_proposal(
            session,
            commitment_id,
            reason=reason,
            actor=app.actor,
            now=app.now(),
            channel=Channel.CLI,
        )
    click.echo(f"Declined the proposal to close #{commitment_id}")


COMMANDS = [serve, user, confirm, decline]
