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
    """Add, list, rename, update, merge and remove the owners accountable for commitments.

    \b
    Example:
      tracker owner add "Ministry of Economy" --email economy@example.org
      tracker owner list
      tracker owner merge "Minfin" "Ministry of Finance"
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


@owner.command("rename")
@click.argument("name")
@click.argument("new_name", metavar="NEW_NAME")
@pass_app
def owner_rename(app: App, name: str, new_name: str) -> None:
    """Rename an owner; its commitments and schedules follow it.

    Past events keep the name they were written with. Another owner's name is refused
    (exit 5): use `tracker owner merge` to make two owners one.

    \b
    Example:
      tracker owner rename "Ministry of Economy" "Ministry of Economy and Planning"
    """
    from tracker.services.owner_changes import rename_owner

    with app.db.write() as session:
        old, renamed = rename_owner(session, name=name, new_name=new_name)
    click.echo(f"Renamed owner {old} → {renamed.name}")


@owner.command("update")
@click.argument("name")
@click.option("--email", help='Where this owner\'s digests go ("" removes it).')
@click.option("--kind", type=click.Choice(["body", "person"]), help="A body or a person.")
@pass_app
def owner_update(app: App, name: str, email: str | None, kind: str | None) -> None:
    """Change an owner's e-mail address or kind.

    \b
    Example:
      tracker owner update "Ministry of Economy" --email minecon@example.org --kind body
    """
    from tracker.services.owner_changes import update_owner

    with app.db.write() as session:
        updated = update_owner(session, name=name, email=email, kind=kind)
    email_text = f"<{updated.email}>" if updated.email else "no e-mail"
    click.echo(f"Updated owner {updated.name}: {email_text}, {updated.kind}")


@owner.command("merge")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="INTO")
@pass_app
def owner_merge(app: App, source: str, target: str) -> None:
    """Move every commitment and schedule of one owner to another, then remove the first.

    Each commitment moved gets an owner change in its history. All or nothing.

    \b
    Example:
      tracker owner merge "Minfin" "Ministry of Finance"
    """
    from tracker.services.owner_changes import merge_owners

    with app.db.write() as session:
        merged = merge_owners(session, source=source, target=target, actor=app.actor, now=app.now())
    moved = [
        f"{count} {noun}{'' if count == 1 else 's'}"
        for count, noun in ((merged.commitments, "commitment"), (merged.schedules, "schedule"))
    ]
    click.echo(
        f"Merged {merged.source} into {merged.target}: {' and '.join(moved)} moved; "
        f"{merged.source} removed"
    )


@owner.command("remove")
@click.argument("name")
@pass_app
def owner_remove(app: App, name: str) -> None:
    """Remove an owner that has no commitments and no schedules (else exit 5: merge it).

    \b
    Example:
      tracker owner remove "Ministry of Economy"
    """
    from tracker.services.owner_changes import remove_owner

    with app.db.write() as session:
        removed = remove_owner(session, name=name)
    click.echo(f"Removed owner {removed}")


COMMANDS = [init, db, import_, owner]


@click.command("export")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: a backup of everything, for `tracker restore`; csv: one row per commitment.",
)
@click.option("--meeting", help="Only this meeting (slug): a partial export, not a backup.")
@click.option("--as-of", type=DATE, help="CSV: derived fields (overdue, health) as of this date.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (default: standard output).",
)
@pass_app
def export(
    app: App, format_: str, meeting: str | None, as_of: date | None, out: Path | None
) -> None:
    """Export the database: a JSON backup of every table, or the commitments as CSV.

    The JSON backup holds meetings, owners, commitments with their whole history, digest
    schedules and their runs and deliveries, every column and id of them: `tracker restore`
    rebuilds the database from it exactly. With --meeting it holds that meeting only, and is
    not a backup. CSV is one row per commitment for a spreadsheet, with its derived fields.

    \b
    Example:
      tracker export --out backup.json
      tracker export --format csv --meeting by-cn-2017-05-16 --out commitments.csv
    """
    from tracker.files import write_output
    from tracker.services.export import export_csv

    if format_ == "csv":
        with app.db.read() as session:
            text = export_csv(session, as_of=as_of or app.today(), meeting=meeting)
    else:
        from tracker.services.backup import dump_backup

        if as_of is not None:
            raise click.UsageError("--as-of applies to --format csv: a backup holds the history")
        with app.db.connect() as conn:
            text = dump_backup(conn, now=app.now(), meeting=meeting)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_output(out, text)
        click.echo(f"Wrote {out}", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def restore(app: App, file: Path) -> None:
    """Rebuild a database from a backup made by `tracker export`.

    The database must be initialised (`tracker init`) and empty: restore refuses one with
    rows in it (exit 5), and a file that is not a whole backup of this schema (exit 6);
    either way nothing is written. Everything goes in as one transaction.

    \b
    Example:
      tracker --db sqlite:///restored.db init
      tracker --db sqlite:///restored.db restore backup.json
    """
    from tracker.services.restore import read_backup, restore_backup

    app.db.require_schema()  # before reading what may be a large file
    parsed = read_backup(file)
    with app.db.write() as session:
        restored = restore_backup(session, parsed)
    counts = restored.counts
    parts = [
        _count(counts["meetings"], "meeting"),
        _count(counts["owners"], "owner"),
        f"{_count(counts['commitments'], 'commitment')} ({_count(counts['history'], 'event')})",
        _count(counts["schedules"], "schedule"),
        f"{_count(counts['runs'], 'run')} ({_count(counts['deliveries'], 'delivery')})",
    ]
    click.echo(f"Restored {', '.join(parts)} from {file}")


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


COMMANDS += [export, restore]
