"""Commands for recurring digests: `schedule add/update/pause/resume/list/remove/run` and the
`scheduler` daemon."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.app import DATE, App, pass_app, print_json
from tracker.cli.render import table
from tracker.digests.formats import FORMATS
from tracker.errors import DeliveryError, InvalidInput
from tracker.words import plural

if TYPE_CHECKING:
    from tracker.digests.runs import RunResult

# Services are imported inside the commands: `tracker --help` stays free of SQLAlchemy.


def _formats(value: str) -> list[str]:
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if not chosen or unknown:
        choices = ", ".join(FORMATS)
        raise click.BadParameter(f"{value!r}: choose from {choices} (comma-separated)")
    return list(dict.fromkeys(chosen))


def _when(value: datetime | None, zone: str) -> str:
    if value is None:
        return "-"
    from tracker.digests.cron import zone as tz

    local = value.astimezone(tz(zone))
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if local.second else "%Y-%m-%d %H:%M %Z")


def _folder(path: Path) -> Path:
    """Absolute, so that a daemon started elsewhere writes to the same place."""
    try:
        return path.expanduser().absolute()
    except RuntimeError:  # `~name` of a user this system does not know
        raise InvalidInput(f"cannot expand {path}: no such user") from None


@click.group()
def schedule() -> None:
    """Recurring digests: when, for whom, in what formats, delivered where.

    The `tracker scheduler` daemon (or `tracker scheduler --once` from cron) delivers them.

    \b
    Example:
      tracker schedule add weekly --cron "0 9 * * MON" --timezone Europe/Minsk --dir digests/
      tracker schedule pause weekly
      tracker schedule list
    """


@schedule.command("add")
@click.argument("name")
@click.option(
    "--cron",
    "cron_expr",
    required=True,
    metavar="EXPR",
    help='When, as crontab "m h dom mon dow" (or with seconds first).',
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    metavar="ZONE",
    help="IANA time zone the cron expression is read in.",
)
@click.option("--owner", help="Only this owner's commitments.")
@click.option(
    "--per-owner",
    is_flag=True,
    help="A digest per owner with an e-mail address, of their own items, sent to them.",
)
@click.option(
    "--format",
    "format_",
    default="md,html",
    show_default=True,
    help="File formats in --dir: md, html, txt (e-mail is always text + HTML).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the digests into this folder (created if missing).",
)
@click.option(
    "--email",
    "emails",
    multiple=True,
    metavar="ADDR",
    help="Send the digest to this address (repeat for several).",
)
@click.option(
    "--skip-empty/--send-empty",
    default=None,
    help="Leave out a digest with nothing to report: nothing overdue, due soon or at risk, "
    "and no change in its period [default: --skip-empty with --per-owner, else --send-empty].",
)
@pass_app
def schedule_add(
    app: App,
    name: str,
    cron_expr: str,
    timezone: str,
    owner: str | None,
    per_owner: bool,
    format_: str,
    directory: Path | None,
    emails: tuple[str, ...],
    skip_empty: bool | None,
) -> None:
    """Add a digest schedule; it first fires at the next matching time.

    Weekdays are crontab's (0 or 7 = Sunday). At least one channel is needed: --dir, --email,
    or --per-owner (which mails each owner).

    \b
    Example:
      tracker schedule add weekly --cron "0 9 * * MON" --timezone Europe/Minsk \\
          --dir /srv/digests --email office@example.org
      tracker schedule add owners --cron "0 8 * * 1-5" --per-owner
    """
    from tracker.digests import cron
    from tracker.digests.schedules import add_schedule

    now = app.now()
    with app.db.write() as session:
        created = add_schedule(
            session,
            name=name,
            cron_expr=cron_expr,
            timezone=timezone,
            owner=owner,
            per_owner=per_owner,
            formats=_formats(format_),
            directory=_folder(directory) if directory else None,
            emails=list(emails),
            skip_empty=skip_empty,
            now=now,
        )
    first = cron.next_fire_after(cron.trigger(created.cron, created.timezone), now)
    click.echo(
        f"Added schedule {created.name}: {created.cron} ({created.timezone}), "
        f"first at {_when(first, created.timezone)}"
    )


@schedule.command("update")
@click.argument("name")
@click.option("--cron", "cron_expr", metavar="EXPR", help="New cron expression.")
@click.option("--timezone", metavar="ZONE", help="New IANA time zone.")
@click.option("--format", "format_", help="New file formats: md, html, txt (comma-separated).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the digests into this folder instead.",
)
@click.option("--no-dir", is_flag=True, help="Stop writing files.")
@click.option(
    "--email",
    "emails",
    multiple=True,
    metavar="ADDR",
    help="Send to these addresses instead (repeat for several).",
)
@click.option("--no-email", is_flag=True, help="Stop sending e-mail.")
@pass_app
def schedule_update(
    app: App,
    name: str,
    cron_expr: str | None,
    timezone: str | None,
    format_: str | None,
    directory: Path | None,
    no_dir: bool,
    emails: tuple[str, ...],
    no_email: bool,
) -> None:
    """Change a schedule's timing, formats or channels; the rest stays as it was.

    --email replaces the addresses (repeat it for several). A new cron expression or zone
    takes effect at its next matching time: no digest is owed for the time before the change.
    A running scheduler picks the change up within its --sync-seconds.

    \b
    Example:
      tracker schedule update weekly --cron "0 8 * * MON" --timezone Europe/Minsk
      tracker schedule update weekly --email office@example.org --email head@example.org
    """
    from tracker.digests import cron
    from tracker.digests.schedules import update_schedule

    if directory is not None and no_dir:
        raise click.UsageError("--dir and --no-dir exclude each other")
    if emails and no_email:
        raise click.UsageError("--email and --no-email exclude each other")
    now = app.now()
    with app.db.write() as session:
        updated = update_schedule(
            session,
            name=name,
            now=now,
            cron_expr=cron_expr,
            timezone=timezone,
            formats=_formats(format_) if format_ is not None else None,
            directory=_folder(directory) if directory else None,
            clear_directory=no_dir,
            emails=[] if no_email else (list(emails) if emails else None),
        )
    when = "paused"
    if updated.enabled:
        following = cron.next_fire_after(cron.trigger(updated.cron, updated.timezone), now)
        when = f"next at {_when(following, updated.timezone)}"
    click.echo(f"Updated schedule {updated.name}: {updated.cron} ({updated.timezone}), {when}")


@schedule.command("pause")
@click.argument("name")
@pass_app
def schedule_pause(app: App, name: str) -> None:
    """Pause a schedule: no digest until it is resumed (a digest being sent is finished).

    \b
    Example:
      tracker schedule pause weekly
    """
    from tracker.digests.schedules import set_enabled

    with app.db.write() as session:
        paused = set_enabled(session, name=name, enabled=False, now=app.now())
    click.echo(f"Paused schedule {paused.name}.")


@schedule.command("resume")
@click.argument("name")
@pass_app
def schedule_resume(app: App, name: str) -> None:
    """Resume a paused schedule at its next matching time.

    No digest is owed for the periods it was paused through; the next one covers every
    change since its last digest.

    \b
    Example:
      tracker schedule resume weekly
    """
    from tracker.digests import cron
    from tracker.digests.schedules import set_enabled

    now = app.now()
    with app.db.write() as session:
        resumed = set_enabled(session, name=name, enabled=True, now=now)
    following = cron.next_fire_after(cron.trigger(resumed.cron, resumed.timezone), now)
    click.echo(f"Resumed schedule {resumed.name}, next at {_when(following, resumed.timezone)}")


@schedule.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_app
def schedule_list(app: App, as_json: bool) -> None:
    """List schedules with their last run, its outcome, and the next run.

    \b
    Example:
      tracker schedule list
      tracker schedule list --json
    """
    from tracker.digests.schedules import list_schedules

    with app.db.read() as session:
        summaries = list_schedules(session, now=app.now())
    if as_json:
        print_json([s.to_json() for s in summaries])
        return
    if not summaries:
        click.echo("No schedules (see `tracker schedule add --help`).")
        return
    rows = []
    for s in summaries:
        audience = {"everyone": "everyone", "per_owner": "per owner"}.get(s.audience, s.owner or "")
        where = [*([s.directory] if s.directory else []), *s.emails] or ["owners' e-mail"]
        last = "-"
        if s.last_run is not None:
            r = s.last_run
            counts = f"{r.delivered} ok" + (f", {r.failed} failed" if r.failed else "")
            counts += f", {r.pending} pending" if r.pending else ""
            counts += f", {r.skipped} skipped (nothing to report)" if r.skipped else ""
            last = f"{_when(r.claimed_at, s.timezone)} {r.status} ({counts})"
        rows.append(
            [
                s.name,
                f"{s.cron} {s.timezone}",
                audience,
                _when(s.next_run, s.timezone) if s.enabled else "paused",
                last,
                ", ".join(where),
            ]
        )
    click.echo(table(["NAME", "WHEN", "FOR", "NEXT RUN", "LAST RUN", "TO"], rows))


@schedule.command("remove")
@click.argument("name")
@pass_app
def schedule_remove(app: App, name: str) -> None:
    """Remove a schedule and its run history; files already written stay.

    \b
    Example:
      tracker schedule remove weekly
    """
    from tracker.digests.schedules import remove_schedule

    with app.db.write() as session:
        runs = remove_schedule(session, name=name)
    click.echo(f"Removed schedule {name} ({plural(runs, 'run')}).")


def _print_result(result: RunResult) -> None:
    for d in result.deliveries:
        line = f"{d.status:<9} {d.channel:<5} {d.recipient}"
        retry = f"; retrying from {d.retry_at.isoformat(timespec='seconds')}" if d.retry_at else ""
        click.echo(line + (f"  ({d.error}{retry})" if d.error else ""))


@schedule.command("run")
@click.argument("name")
@click.option("--as-of", type=DATE, help="The digest's date (default: today in its time zone).")
@pass_app
def schedule_run(app: App, name: str, as_of: date | None) -> None:
    """Deliver one digest of a schedule now, through its channels.

    Exits with 8 if a delivery failed. It does not count as one of the schedule's periods.

    \b
    Example:
      tracker schedule run weekly
      tracker schedule run weekly --as-of 2017-09-11
    """
    import os

    from tracker.digests.delivery import RetryNotes, SmtpSettings
    from tracker.digests.runs import DeliveryOptions
    from tracker.digests.schedules import run_now

    options = DeliveryOptions(smtp=SmtpSettings.from_env(os.environ))
    with RetryNotes(lambda note: click.echo(note, err=True)):
        result = run_now(app.db, name=name, as_of=as_of, clock=app.now, options=options)
    _print_result(result)
    failed = len(result.failed) + len(result.deferred)
    if failed:
        later = " (the scheduler tries them again)" if result.deferred else ""
        total = plural(len(result.deliveries), "delivery")
        raise DeliveryError(f"{failed} of {total} failed{later}")


@click.command()
@click.option("--once", is_flag=True, help="Do what is due now, then exit (for cron).")
@click.option(
    "--sync-seconds",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="How often schedule changes are picked up and missed work is retried.",
)
@pass_app
def scheduler(app: App, once: bool, sync_seconds: int) -> None:
    """Run the digest scheduler: deliver every schedule's digests on time, exactly once.

    Logs one line per event on stderr. Stops cleanly on SIGTERM or Ctrl-C. One scheduler
    per database: a second one exits with 5. Mail goes through TRACKER_SMTP_HOST (_PORT,
    _USER, _PASSWORD, _FROM, _TLS, _STARTTLS, _ALLOW_PLAINTEXT, _TIMEOUT).

    \b
    Example:
      TRACKER_SMTP_HOST=mail.example.org tracker scheduler
      tracker scheduler --once
    """
    from tracker.digests import scheduler as daemon

    with daemon.event_log():
        daemon.check_mail_settings()  # exit 4 now, not a run stuck on its first e-mail
        if once:
            daemon.run_once(app.settings)
            return
        if app.settings.fixed_now is not None:
            daemon.log.warning(
                "TRACKER_NOW fixes the clock at %s: no new period will come due",
                app.now().astimezone(UTC).isoformat(),
            )
        daemon.run_daemon(app.settings, sync_seconds=sync_seconds)


COMMANDS = [schedule, scheduler]
