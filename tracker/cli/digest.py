"""`tracker digest`: one status digest on demand, to stdout, a file or a folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tracker.cli.app import DATE, App, pass_app
from tracker.digests.formats import FORMATS
from tracker.errors import InvalidInput

# Services are imported inside the command: `tracker --help` stays free of SQLAlchemy.


def _formats(value: str) -> list[str]:
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if not chosen or unknown:
        choices = ", ".join(FORMATS)
        raise click.BadParameter(f"{value!r}: choose from {choices} (comma-separated)")
    return list(dict.fromkeys(chosen))


@click.command()
@click.option("--as-of", type=DATE, help="The digest's date (default: today).")
@click.option("--since", type=DATE, help="Start of the period for changes (default: 7 days back).")
@click.option("--owner", help="Only this owner's commitments.")
@click.option(
    "--format",
    "format_",
    default="txt",
    show_default=True,
    help="md, html or txt; several (md,html) need --out FOLDER.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="A file, or an existing folder for digest-DATE.FORMAT files.",
)
@click.option(
    "--skip-empty",
    is_flag=True,
    help="Write nothing (and say so on stderr) when there is nothing to report: nothing "
    "overdue, due soon or at risk, and no change in the period.",
)
@pass_app
def digest(
    app: App,
    as_of: date | None,
    since: date | None,
    owner: str | None,
    format_: str,
    out: Path | None,
    skip_empty: bool,
) -> None:
    """Render a status digest: overdue, due soon, at risk, slipped, delivered, changes.

    \b
    Example:
      tracker digest --as-of 2017-09-11
      tracker digest --as-of 2017-09-11 --format md,html --out digests/
      tracker digest --owner "Foreign Affairs" --format html --out mfa.html
      tracker digest --owner "Foreign Affairs" --skip-empty --out mfa.txt
    """
    from tracker.digests.ondemand import digest_for_period
    from tracker.files import write_output

    formats = _formats(format_)
    as_of = as_of or app.today()
    since = since or date.fromordinal(max(as_of.toordinal() - 7, 1))
    if since > as_of:
        raise InvalidInput(f"--since {since.isoformat()} is after the digest date {as_of}")
    with app.db.read() as session:
        rendered = digest_for_period(
            session, as_of=as_of, since=since, owner=owner, formats=formats, now=app.now()
        )
    if skip_empty and rendered.digest.empty:
        who = f" for {rendered.digest.owner}" if rendered.digest.owner else ""
        click.echo(f"Nothing to report{who} from {since} to {as_of}: no digest written.", err=True)
        return
    if out is None:
        if len(formats) > 1:
            raise InvalidInput("several formats need --out FOLDER")
        click.echo(rendered[formats[0]], nl=False)
        return
    if out.is_dir():
        suffix = f"-{rendered.slug}" if rendered.slug else ""
        targets = {f: out / f"digest-{as_of.isoformat()}{suffix}.{f}" for f in formats}
    elif len(formats) > 1:
        raise InvalidInput(f"several formats need an existing folder for --out, not {out}")
    else:
        targets = {formats[0]: out}
    for fmt, path in targets.items():
        write_output(path, rendered[fmt])
        click.echo(f"Wrote {path}")


COMMANDS = [digest]
