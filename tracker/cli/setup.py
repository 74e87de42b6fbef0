"""Commands that set things up: the database, meetings and owners."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tracker.cli.app import DATE, App, pass_app, print_json
from tracker.cli.render import table
from tracker.words import plural

# Services are imported inside the commands: `tracker --help` stays free of SQLAlchemy.


@click.command()
@pass_app
def init(app: App) -> None:
    """Create the database (or bring it up to date) by running every migration.

    Safe to run again: an up-to-date database is left as it is.

    \b
    Example:
      tracker init
      tracker --db postgresql+psycopg://tracker@db.example.org/tracker init
    """
    from tracker import config, migrate

    if app.settings.database_url == config.default_database_url():
        config.make_data_dir()
    before, after = migrate.upgrade(app.db)
    where = app.db.sqlite_path() or app.db.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database at {where} is up to date (schema {after}).")
    else:
        click.echo(f"Initialised database at {where} (schema {after}).")


@click.group()
def db() -> None:
    """Inspect and upgrade the database schema.

    \b
    Example:
      tracker db current
      tracker db upgrade
    """


@db.command("upgrade")
@pass_app
def db_upgrade(app: App) -> None:
    """Apply the migrations this version ships; every row is kept.

    \b
    Example:
      tracker db upgrade
    """
    from tracker import migrate

    before, after = migrate.upgrade(app.db)
    if before == after:
        click.echo(f"Already at {after}.")
    else:
        click.echo(f"Upgraded {before or 'empty database'} → {after}.")


@db.command("current")
@pass_app
def db_current(app: App) -> None:
    """Print the schema revision of the database.

    \b
    Example:
      tracker db current
    """
    from tracker.db import SCHEMA_HEAD

    path = app.db.sqlite_path()
    revision = None if path is not None and not path.exists() else app.db.schema_revision()
    if revision is None:
        click.echo("none (not initialised: run `tracker init`)")
    else:
        suffix = " (head)" if revision == SCHEMA_HEAD else f" (this tracker needs {SCHEMA_HEAD})"
        click.echo(revision + suffix)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--meeting-date", type=DATE, help="Replay the meeting at this date; offsets move.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@click.option(
    "--force", is_flag=True, help="Take the file's value where the follow-up changed it too."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def import_(
    app: App, file: Path, meeting_date: date | None, dry_run: bool, force: bool, as_json: bool
) -> None:
    """Load a meeting file (TOML): the meeting, its owners and its commitments.

    The whole file is checked first (every quote must be in the readout it names); importing
    the same file again changes nothing. A changed file changes only the fields it changed
    since its last import, with history: what the follow-up changed (a moved deadline, a new
    owner) stays. Where both changed one field, the follow-up's value stays and the conflict
    is reported, unless --force.

    \b
    Example:
      tracker import seeds/by-cn-2017-05-16.toml
      tracker import seeds/by-cn-2017-05-16.toml --meeting-date 2026-12-01 --dry-run
    """
    from tracker.meetingfile import load_meeting_file
    from tracker.services.meetings import import_meeting

    spec = load_meeting_file(file, meeting_date=meeting_date)
    with app.db.write(commit=not dry_run) as session:
        report = import_meeting(session, spec, actor=app.actor, now=app.now(), force=force)
    if as_json:
        print_json(report.to_json() | {"dry_run": dry_run})
        return
    total = len(spec.commitments)
    place = f"{report.place}, {report.date}" if report.place else report.date
    head = "Would import" if dry_run else "Imported"
    if report.meeting_created:
        click.echo(f'{head} meeting {report.slug} "{report.title}" ({place})')
    elif report.changed:
        click.echo(
            f"{'Would update' if dry_run else 'Updated'} meeting {report.slug} "
            f'"{report.title}" ({place})'
        )
    else:
        click.echo(f'Meeting {report.slug} "{report.title}" ({place}) is up to date')
    click.echo(
        f"  {plural(total, 'commitment')}, {plural(report.owners_total, 'owner')} · "
        f"quotes verified against {report.source}"
    )
    if not report.meeting_created and report.changed:
        click.echo(
            f"  {len(report.created)} new, {len(report.updated)} changed, "
            f"{report.unchanged} unchanged"
        )
        for key in report.updated:
            click.echo(f"  changed: {key} ({', '.join(report.changed_fields[key])})")
    for conflict in report.conflicts:
        click.echo(
            f"  conflict: {conflict['key']}.{conflict['field']}: the file says "
            f"{_shown(conflict['file'])}, the follow-up set {_shown(conflict['current'])}; "
            "kept the follow-up's (--force takes the file's)"
        )
    if report.not_in_file:
        click.echo(f"  not in the file (left as they are): {', '.join(report.not_in_file)}")


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return "nothing" if value is None else repr(value)


@click.group()
def owner() -> None:
    """Add and list the owners accountable for commitments.

    \b
    Example:
      tracker owner add "Ministry of Economy" --email economy@example.org
      tracker owner list
    """


@owner.command("add")
@click.argument("name")
@click.option("--email", help="Where this owner's digests go.")
@click.option("--kind", type=click.Choice(["body", "person"]), default="body", show_default=True)
@pass_app
def owner_add(app: App, name: str, email: str | None, kind: str) -> None:
    """Add an owner: a ministry, agency or named official.

    \b
    Example:
      tracker owner add "Ministry of Economy" --email economy@example.org
    """
    from tracker.services.owners import add_owner

    with app.db.write() as session:
        created = add_owner(session, name=name, email=email, kind=kind)
    click.echo(f"Added owner {created.name}" + (f" <{created.email}>" if created.email else ""))


@owner.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def owner_list(app: App, as_json: bool) -> None:
    """List owners with their active and total commitments.

    \b
    Example:
      tracker owner list --json
    """
    from tracker.services.owners import list_owners

    with app.db.read() as session:
        owners = list_owners(session)
    if as_json:
        print_json([o.to_json() for o in owners])
        return
    rows = [[str(o.active), str(o.total), o.kind, o.email or "-", o.name] for o in owners]
    click.echo(table(["ACTIVE", "TOTAL", "KIND", "EMAIL", "NAME"], rows, right={0, 1}))


COMMANDS = [init, db, import_, owner]


@click.command("export")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: everything with history; csv: one row per item.",
)
@click.option("--meeting", help="Only this meeting (slug).")
@click.option("--as-of", type=DATE, help="Derived fields (overdue, health) as of this date.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: standard output).",
)
@pass_app
def export(
    app: App, format_: str, meeting: str | None, as_of: date | None, out: Path | None
) -> None:
    """Export meetings, owners and commitments (with their history) as JSON, or CSV.

    \b
    Example:
      tracker export --out backup.json
      tracker export --format csv --meeting by-cn-2017-05-16 --out commitments.csv
    """
    import json

    from tracker.files import write_output
    from tracker.services.export import export_csv, export_json

    as_of = as_of or app.today()
    with app.db.read() as session:
        if format_ == "csv":
            text = export_csv(session, as_of=as_of, meeting=meeting)
        else:
            data = export_json(session, as_of=as_of, meeting=meeting)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        write_output(out, text)
        click.echo(f"Wrote {out}", err=True)


COMMANDS.append(export)
