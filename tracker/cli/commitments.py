"""Commands over commitments: add, list, show, update, note, close, reopen, drop, overdue."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import click

from tracker.cli import render
from tracker.cli.app import COMMITMENT_ID, DATE, App, pass_app, print_json, print_json_objects
from tracker.vocabulary import ACTIVE_STATUSES, Priority, Status

# Services are imported inside the commands: `tracker --help` stays free of SQLAlchemy.

STATUSES = [s.value for s in Status]
PRIORITIES = [p.value for p in Priority]
# `update --status` moves between the active states; close, drop and reopen end or restart.
ACTIVE = [s.value for s in ACTIVE_STATUSES]
ID = click.argument("commitment_id", metavar="ID", type=COMMITMENT_ID)
# Several ids: a write command changes them together or not at all.
IDS = click.argument("commitment_ids", metavar="ID...", nargs=-1, required=True, type=COMMITMENT_ID)
AS_OF = click.option("--as-of", type=DATE, help="Show how things stood at the end of this date.")
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
SORTS = ("due", "late", "owner", "updated")  # `views.Order.CHOICES`, without importing it


def _tags(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Tags as they are stored: lower case, each once."""
    from tracker.fields import clean_tags

    try:
        return tuple(clean_tags(values))
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _board_filters(command: Callable[..., None]) -> Callable[..., None]:
    """The filters `list` and `overdue` share, beyond owner, area and meeting."""
    options = [
        click.option(
            "--tag",
            "tags",
            multiple=True,
            callback=_tags,
            help="Only with this tag (repeat: with all of them).",
        ),
        click.option(
            "--priority",
            "priorities",
            multiple=True,
            type=click.Choice(PRIORITIES),
            help="Only this priority (repeat for several).",
        ),
        click.option("--counterpart", help="Counterpart containing this text (any case)."),
        click.option(
            "--search", metavar="TEXT", help="TEXT in the title, the quote or a note (any case)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


COLOR = click.option(
    "--color",
    type=click.Choice(render.COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour overdue, at-risk and blocked items (auto: at a terminal, unless NO_COLOR is set).",
)


def _show_one(app: App, commitment_id: int, as_json: bool) -> None:
    """After a change, print the commitment as it now stands (JSON), or nothing."""
    if as_json:
        from tracker.services.listing import commitment_json

        with app.db.connect() as conn:
            text = commitment_json(conn, commitment_id, as_of=app.today())
        print_json(json.loads(text or "null"))


@click.command()
@click.argument("title")
@click.option(
    "--owner", required=True, help="Accountable owner (a unique part of the name will do)."
)
@click.option("--due", type=DATE, required=True, help="Deadline: 2017-06-30, friday, +2w, eom, …")
@click.option("--area", help="Area: tourism, finance, industry, security, …")
@click.option(
    "--priority", type=click.Choice(PRIORITIES), default=Priority.NORMAL.value, show_default=True
)
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--meeting", help="Slug of the meeting it comes from.")
@click.option("--description", help="Longer description.")
@click.option("--quote", help="Verbatim words of the source.")
@click.option("--counterpart", help="The other side's body, where both act.")
@JSON
@pass_app
def add(
    app: App,
    title: str,
    owner: str,
    due: date,
    area: str | None,
    priority: str,
    tags: tuple[str, ...],
    meeting: str | None,
    description: str | None,
    quote: str | None,
    counterpart: str | None,
    as_json: bool,
) -> None:
    """Add a commitment with an accountable owner and a deadline.

    \b
    Example:
      tracker add "Draft the visa-free agreement" --owner "Foreign Affairs" --due +6w --area tourism
    """
    from tracker.schemas import CommitmentCreate, checked
    from tracker.services.commitments import add_commitment

    data = checked(
        CommitmentCreate,
        title=title,
        owner=owner,
        due=due,
        area=area,
        priority=priority,
        tags=list(tags),
        meeting=meeting,
        description=description,
        quote=quote,
        counterpart=counterpart,
    )
    with app.db.write() as session:
        created = add_commitment(session, data, actor=app.actor, now=app.now())
        created_id = created.id
    if as_json:
        _show_one(app, created_id, True)
    else:
        click.echo(f"Added #{created_id} {created.title} (due {created.due.isoformat()})")


@click.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only this status (repeat for several; default: open, in_progress and blocked).",
)
@click.option(
    "--all", "show_all", is_flag=True, help="Every status: done and dropped commitments too."
)
@click.option("--owner", help="Only this owner's commitments.")
@click.option("--area", help="Only this area.")
@click.option("--meeting", help="Only this meeting (slug).")
@click.option("--due-before", type=DATE, help="Due before this date.")
@click.option("--due-after", type=DATE, help="Due after this date.")
@click.option("--overdue", is_flag=True, help="Only overdue commitments.")
@_board_filters
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="due",
    show_default=True,
    help="Order: by deadline, most late first, by owner, or latest changed first.",
)
@AS_OF
@JSON
@COLOR
@pass_app
def list_(
    app: App,
    statuses: tuple[str, ...],
    show_all: bool,
    owner: str | None,
    area: str | None,
    meeting: str | None,
    due_before: date | None,
    due_after: date | None,
    overdue: bool,
    tags: tuple[str, ...],
    priorities: tuple[str, ...],
    counterpart: str | None,
    search: str | None,
    sort: str,
    as_of: date | None,
    as_json: bool,
    color: str,
) -> None:
    """List the active commitments (open, in progress, blocked) by deadline, with filters.

    \b
    Example:
      tracker list --owner "Foreign Affairs" --status open --as-of 2017-09-11
      tracker list --all --search visa --sort updated
    """
    from tracker.services.listing import list_commitments, list_commitments_json

    as_of = as_of or app.today()
    if not statuses and not show_all:
        # The board is what still needs chasing; what ended is one `--all` away.
        statuses = tuple(ACTIVE)
    criteria = dict(
        statuses=statuses,
        owner=owner,
        area=area,
        meeting=meeting,
        due_before=due_before,
        due_after=due_after,
        overdue=overdue,
        tags=tags,
        priorities=priorities,
        counterpart=counterpart,
        search=search,
    )
    with app.db.connect() as conn:
        if as_json:
            print_json_objects(list_commitments_json(conn, as_of=as_of, order=sort, **criteria))
            return
        views = list_commitments(conn, as_of=as_of, order=sort, **criteria)
    if not views:
        click.echo(f"No commitments match (as of {as_of.isoformat()}).")
    else:
        render.commitments_table(views, color=render.use_color(color))
        click.echo(render.summary_line(views, as_of.isoformat()))


@click.command()
@ID
@AS_OF
@JSON
@pass_app
def show(app: App, commitment_id: int, as_of: date | None, as_json: bool) -> None:
    """Show one commitment: its quote, owner, deadline, health and full history.

    \b
    Example:
      tracker show 3 --as-of 2017-09-11
    """
    from tracker.errors import NotFound
    from tracker.services.commitments import history
    from tracker.services.listing import commitment_json, commitment_view
    from tracker.services.views import end_of_day, event_to_json

    as_of = as_of or app.today()
    absent = NotFound(f"#{commitment_id} did not exist yet on {as_of.isoformat()}")
    with app.db.read() as session:
        events = history(session, commitment_id, until=end_of_day(as_of))  # refuses unknown ids
        conn = session.connection()
        if as_json:
            text = commitment_json(conn, commitment_id, as_of=as_of)
            if text is None:
                raise absent
            print_json(json.loads(text) | {"history": [event_to_json(e) for e in events]})
            return
        view = commitment_view(conn, commitment_id, as_of=as_of)
    if view is None:
        raise absent
    click.echo(render.detail(view, events))


@click.command()
@IDS
@click.option("--title", help="New title.")
@click.option("--owner", help="New accountable owner.")
@click.option("--due", type=DATE, help="New deadline (needs --reason; counted as a slip).")
@click.option("--reason", help="Why: required for a deadline change.")
@click.option(
    "--status",
    type=click.Choice(ACTIVE),
    help="New status (use close or drop to end a commitment).",
)
@click.option("--area", help="New area.")
@click.option("--priority", type=click.Choice(PRIORITIES), help="New priority.")
@click.option("--description", help="New description.")
@click.option("--counterpart", help="New counterpart.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag.")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag.")
@JSON
@pass_app
def update(
    app: App, commitment_ids: tuple[int, ...], reason: str | None, as_json: bool, **fields: object
) -> None:
    """Change the fields of one or more commitments; every change is recorded in the history.

    Several ids are changed together or not at all.

    \b
    Example:
      tracker update 6 --due 2017-12-31 --reason "Financing terms still under negotiation"
      tracker update 3 4 --status in_progress
    """
    from tracker.schemas import CommitmentUpdate, checked
    from tracker.services.commitments import update_commitments

    given = {k: v for k, v in fields.items() if v not in (None, ())}
    for name in ("add_tags", "remove_tags"):
        if name in given:
            given[name] = list(given[name])  # type: ignore[call-overload]
    changes = checked(CommitmentUpdate, **given)
    with app.db.write() as session:
        changed = update_commitments(
            session, commitment_ids, changes, reason=reason, actor=app.actor, now=app.now()
        )
    if as_json:
        _show_each(app, list(changed))
        return
    for commitment_id, events in changed.items():
        if not events:
            click.echo(f"#{commitment_id}: nothing changed.")
        for event in events:
            click.echo(
                f"#{commitment_id}: {event.field} {event.old_value or '-'} → "
                f"{event.new_value or '-'}"
            )


@click.command()
@click.argument("commitment_ids", metavar="ID...", nargs=-1, required=True, type=COMMITMENT_ID)
@click.argument("text")
@JSON
@pass_app
def note(app: App, commitment_ids: tuple[int, ...], text: str, as_json: bool) -> None:
    """Add a progress note to the history of one or more commitments.

    The last argument is the note; the ones before it are ids. With --json: each commitment
    as it now stands, with the note just written under "note".

    \b
    Example:
      tracker note 1 "Draft agreement sent to the Chinese side"
      tracker note 4 5 "Both agreements discussed at the working group" --json
    """
    from tracker.services.commitments import add_notes
    from tracker.services.views import event_to_json

    with app.db.write() as session:
        events = add_notes(session, commitment_ids, text, actor=app.actor, now=app.now())
    if as_json:
        notes = {e.commitment_id: {"note": event_to_json(e)} for e in events}
        _show_each(app, list(notes), extra=notes)
        return
    for event in events:
        click.echo(f"#{event.commitment_id}: note added.")


@click.command()
@IDS
@click.option("--note", help="What was delivered (the resolution).")
@click.option("--evidence", help="Evidence: a document, law or link.")
@JSON
@pass_app
def close(
    app: App, commitment_ids: tuple[int, ...], note: str | None, evidence: str | None, as_json: bool
) -> None:
    """Mark one or more commitments done, with a resolution note or evidence.

    Several ids are closed together or not at all: one that cannot be closed (unknown,
    already closed) is named and nothing changes.

    \b
    Example:
      tracker close 7 --evidence "Agreement ratified, Law No. 52-Z" --note "Ratified"
      tracker close 4 5 --note "Both agreements signed"
    """
    from tracker.services.commitments import close_commitments

    with app.db.write() as session:
        closed = close_commitments(
            session, commitment_ids, note=note, evidence=evidence, actor=app.actor, now=app.now()
        )
        ids = [c.id for c in closed]
    _done(app, ids, "done", as_json)


@click.command()
@IDS
@click.option("--reason", help="Why it is reopened (required).")
@JSON
@pass_app
def reopen(app: App, commitment_ids: tuple[int, ...], reason: str | None, as_json: bool) -> None:
    """Reopen one or more done or dropped commitments (together or not at all).

    \b
    Example:
      tracker reopen 7 --reason "Ratification was annulled"
    """
    from tracker.services.commitments import reopen_commitments

    with app.db.write() as session:
        reopened = reopen_commitments(
            session, commitment_ids, reason=reason, actor=app.actor, now=app.now()
        )
        ids = [c.id for c in reopened]
    _done(app, ids, "reopened", as_json)


@click.command()
@IDS
@click.option("--reason", help="Why it is no longer pursued (required).")
@JSON
@pass_app
def drop(app: App, commitment_ids: tuple[int, ...], reason: str | None, as_json: bool) -> None:
    """Stop pursuing one or more commitments, with a reason (together or not at all).

    \b
    Example:
      tracker drop 9 --reason "Superseded by the 2018 roadmap"
      tracker drop 8 9 --reason "Superseded by the 2018 roadmap"
    """
    from tracker.services.commitments import drop_commitments

    with app.db.write() as session:
        dropped = drop_commitments(
            session, commitment_ids, reason=reason, actor=app.actor, now=app.now()
        )
        ids = [c.id for c in dropped]
    _done(app, ids, "dropped", as_json)


def _done(app: App, ids: list[int | None], what: str, as_json: bool) -> None:
    if as_json:
        _show_each(app, [i for i in ids if i is not None])
        return
    for commitment_id in ids:
        click.echo(f"#{commitment_id}: {what}.")


def _show_each(app: App, ids: list[int], extra: dict[int, dict[str, object]] | None = None) -> None:
    """After a change of several commitments, each as it now stands: one id prints its
    object, as a change of one always has; several print an array, in the order given."""
    from tracker.services.listing import commitment_json

    with app.db.connect() as conn:
        shown = [
            json.loads(commitment_json(conn, i, as_of=app.today()) or "null")
            | (extra or {}).get(i, {})
            for i in ids
        ]
    print_json(shown[0] if len(shown) == 1 else shown)


@click.command()
@click.option("--owner", help="Only this owner's commitments.")
@click.option("--area", help="Only this area.")
@click.option("--meeting", help="Only this meeting (slug).")
@_board_filters
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="late",
    show_default=True,
    help="Order: most late first, by deadline, by owner, or latest changed first.",
)
@AS_OF
@JSON
@COLOR
@pass_app
def overdue(
    app: App,
    owner: str | None,
    area: str | None,
    meeting: str | None,
    tags: tuple[str, ...],
    priorities: tuple[str, ...],
    counterpart: str | None,
    search: str | None,
    sort: str,
    as_of: date | None,
    as_json: bool,
    color: str,
) -> None:
    """Review what is overdue: open, in progress or blocked and past due, most late first.

    \b
    Example:
      tracker overdue --as-of 2017-09-11
      tracker overdue --owner "Security Council" --json
    """
    from tracker.services.listing import overdue_commitments, overdue_json

    as_of = as_of or app.today()
    criteria = dict(
        owner=owner,
        area=area,
        meeting=meeting,
        tags=tags,
        priorities=priorities,
        counterpart=counterpart,
        search=search,
    )
    with app.db.connect() as conn:
        if as_json:
            print_json_objects(overdue_json(conn, as_of=as_of, order=sort, **criteria))
            return
        views = overdue_commitments(conn, as_of=as_of, order=sort, **criteria)
    if not views:
        click.echo(f"Nothing overdue as of {as_of.isoformat()}.")
    else:
        render.overdue_table(views, color=render.use_color(color))
        noun = "commitment" if len(views) == 1 else "commitments"
        click.echo(f"{len(views)} overdue {noun} as of {as_of.isoformat()}")


COMMANDS = [add, list_, show, update, note, close, reopen, drop, overdue]
