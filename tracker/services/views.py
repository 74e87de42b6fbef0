"""Read models: commitments as they stood at a date, with their derived state.

One query builds the state (`_state`); the derived fields (overdue, days late, stale, health) are
SQL over it (`tracker.health`). Rows come back as `CommitmentView`s (`show`), as light rows
(tables, the digest's sections), or as finished JSON text, built by the database (`--json`).

`--as-of D` shows how things stood at the end of day D, every field of it: what was recorded
after D is undone from the history (`event`: each change keeps the old value, and `data` what a
column cannot hold, such as what a reopening cleared). A commitment that did not exist yet is
absent: one from a meeting file exists from its meeting's date, one added by hand from the
moment it was added. Nothing is undone when nothing happened after D (a read of today).

Only SQLAlchemy Core is used here, over `tracker.tables`: a read command does not import the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from tracker.dbtypes import UTCDateTime
from tracker.fields import PUBLIC_FIELDS
from tracker.health import Assessment, Derived, Health, derived
from tracker.sqlexpr import SQL, Expr
from tracker.tables import commitment as C
from tracker.tables import event as E
from tracker.tables import meeting as M
from tracker.tables import owner as O
from tracker.vocabulary import ACTIVE_STATUSES, EventKind, Status

_ACTIVE = [s.value for s in ACTIVE_STATUSES]


@dataclass(slots=True)
class CommitmentView:
    id: int
    key: str | None
    title: str
    description: str | None
    quote: str | None
    owner: str
    owner_email: str | None
    counterpart: str | None
    meeting: str | None
    area: str | None
    priority: str
    tags: list[str]
    status: str
    due: date
    created_at: datetime
    updated_at: datetime | None  # none before the first event (a meeting's, before its import)
    closed_at: datetime | None
    resolution: str | None
    evidence: str | None
    slips: int
    last_activity: datetime | None
    as_of: date
    assessment: Assessment


def end_of_day(day: date) -> datetime:
    """The instant day D ends where the user is, as an aware datetime."""
    if day >= date.max - timedelta(days=1):  # the calendar's last days: nothing can be later
        return datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
    return datetime.combine(day + timedelta(days=1), time.min).astimezone()


@dataclass(frozen=True)
class Filters:
    ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    owner_ids: tuple[int, ...] = ()
    areas: tuple[str, ...] = ()
    meeting_id: int | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool = False
    priorities: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # every one of them (cleaned: lower case)
    counterpart: str | None = None  # a part of it, in any case
    search: str | None = None  # a part of the title, the quote or a note, in any case


class Order:
    """How rows come back (`tracker list --sort`)."""

    DUE = "due"  # by deadline, then id
    LATE = "late"  # most days late first, then by deadline and id (the overdue review)
    OWNER = "owner"  # by owner, then by deadline and id
    UPDATED = "updated"  # the latest changed first, then id
    MOST_LATE = LATE
    CHOICES = (DUE, LATE, OWNER, UPDATED)


# The fields a change can be undone for; each is a `field` of the events that change it.
_REWINDABLE = (
    "title", "description", "quote", "owner", "counterpart", "area", "priority", "tags", "due",
    "status",
)  # fmt: skip


# Built once: every listing asks it first.
_FIELDS_CHANGED = (
    sa.select(E.c.field).where(E.c.at >= sa.bindparam("cut", type_=UTCDateTime())).distinct()
)


def _changes_after(conn: sa.Connection, cut: datetime) -> frozenset[str]:
    """The fields with changes recorded after the cut ("" for events of no field: notes and
    creations); empty when nothing happened after it, as for every read of today."""
    rows = conn.execute(_FIELDS_CHANGED, {"cut": cut})
    return frozenset(field or "" for (field,) in rows)


def _first_change(field_name: str, cut: Any) -> Expr:
    """The id of the first event after the cut that changed `field_name`: its old value is
    what the field held at the cut."""
    return (
        sa.select(E.c.id)
        .where(E.c.commitment_id == C.c.id, E.c.field == field_name, E.c.at >= cut)
        .order_by(E.c.at, E.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _tags_text(sql: SQL, old: Expr) -> Expr:
    """A tag list as an event stored it: a JSON array, or comma-joined in histories written
    before tag changes were JSON (tags hold no commas)."""
    escaped = sa.func.replace(sa.func.replace(old, "\\", "\\\\"), '"', '\\"')
    joined = sa.literal('["') + sa.func.replace(escaped, ",", '","') + sa.literal('"]')
    return sql.as_json(
        sa.case(
            (old.like("[%"), old),
            (sa.func.coalesce(old, "") == "", "[]"),
            else_=joined,
        )
    )


def _exists_at(sql: SQL, *, as_of: date, cut: Any) -> Expr:
    """A commitment from a meeting file exists from its meeting's date; one added by hand
    from the moment it was added."""
    return sa.or_(
        sa.and_(C.c.imported.is_not(None), M.c.date <= sql.day(as_of)),
        sa.and_(C.c.imported.is_(None), C.c.created_at < cut),
    )


Condition = Callable[[dict[str, Expr]], Expr]  # of the fields' values, by name


def _fold(sql: SQL, text: Expr) -> Expr:
    """`text` in one case, for matching in any case: SQLite's lower() folds ASCII only, so
    there a Python function does it (`_register_fold`)."""
    return sa.func.tracker_fold(text) if sql.sqlite else sa.func.lower(text)


def _fold_needle(sql: SQL, text: str) -> str:
    return text.casefold() if sql.sqlite else text.lower()


def _casefold(text: str | None) -> str | None:
    return text.casefold() if isinstance(text, str) else text


def _register_fold(conn: sa.Connection) -> None:
    """Make `tracker_fold` known to this SQLite connection (cheap; once per query)."""
    raw = conn.connection.driver_connection
    raw.create_function("tracker_fold", 1, _casefold, deterministic=True)  # type: ignore[union-attr]


def _contains(sql: SQL, text: Expr, part: str) -> Expr:
    return _fold(sql, text).contains(_fold_needle(sql, part), autoescape=True)


def _has_tags(sql: SQL, tags: Expr, wanted: tuple[str, ...]) -> Expr:
    """The stored JSON array of tags holds every one of `wanted`."""
    if sql.sqlite:

        def held(tag: str) -> Expr:
            each = sa.func.json_each(tags).table_valued("value")
            return sa.exists().select_from(each).where(each.c.value == tag)

        return sa.and_(*(held(tag) for tag in wanted))
    from sqlalchemy.dialects.postgresql import JSONB

    return sa.cast(tags, JSONB).op("@>")(sa.cast(sa.literal(json.dumps(list(wanted))), JSONB))


def _conditions(
    sql: SQL, filters: Filters, as_of: date, cut: Any
) -> list[tuple[tuple[str, ...], Condition]]:
    """The filters on what can change, each with the fields it reads."""
    out: list[tuple[tuple[str, ...], Condition]] = []
    if filters.owner_ids:
        out.append((("owner",), lambda v: v["owner"].in_(filters.owner_ids)))
    if filters.areas:
        out.append((("area",), lambda v: v["area"].in_(filters.areas)))
    if filters.statuses:
        out.append((("status",), lambda v: v["status"].in_(filters.statuses)))
    if (before := filters.due_before) is not None:
        out.append((("due",), lambda v: v["due"] < sql.day(before)))
    if (after := filters.due_after) is not None:
        out.append((("due",), lambda v: v["due"] > sql.day(after)))
    if filters.overdue:
        out.append(
            (
                ("status", "due"),
                lambda v: sa.and_(v["status"].in_(_ACTIVE), v["due"] < sql.day(as_of)),
            )
        )
    if filters.priorities:
        out.append((("priority",), lambda v: v["priority"].in_(filters.priorities)))
    if filters.tags:
        out.append((("tags",), lambda v: _has_tags(sql, v["tags"], filters.tags)))
    if (counterpart := filters.counterpart) is not None:
        out.append((("counterpart",), lambda v: _contains(sql, v["counterpart"], counterpart)))
    if (search := filters.search) is not None:

        def found(v: dict[str, Expr]) -> Expr:
            # Notes written by the cut: a later one was not there to be found.
            note = sa.exists().where(
                E.c.commitment_id == v["id"],
                E.c.kind == EventKind.NOTE.value,
                E.c.at < cut,
                _contains(sql, E.c.text, search),
            )
            return sa.or_(
                _contains(sql, v["title"], search), _contains(sql, v["quote"], search), note
            )

        out.append((("title", "quote"), found))
    return out


def _state(
    sql: SQL,
    *,
    as_of: date,
    filters: Filters,
    cut: Any,
    changed: frozenset[str],
    with_text: bool,
    whole: bool = True,
    slips: bool = True,
) -> sa.Subquery:
    """The commitments that existed at the cut and match `filters`, as they stood then, with
    their slips and latest activity.

    Two layers. The inner one looks up each row's history: for every field changed after the
    cut (`changed`), the first event that changed it. It is filtered on what needs no undoing
    and, when the query over it reads every row (`whole`), kept from being merged into the
    outer ones (OFFSET 0), so that each lookup runs once per row, not once per use. A query
    that stops early (the first 20 by deadline) wants the merge: it then walks the deadline
    index and looks up only the rows it reads. The outer layer puts back, from those events,
    the values the fields had at the cut; a field with no change after the cut costs nothing.
    """
    rewound = [name for name in _REWINDABLE if name in changed]
    # A search reads the quote as it stood even where the rows do not show it.
    quote_kept = with_text or filters.search is not None
    if not with_text:
        rewound = [
            name for name in rewound if name != "description" and (name != "quote" or quote_kept)
        ]
    long_text = (lambda column: column) if with_text else (lambda column: sa.null())
    quote_text = (lambda column: column) if quote_kept else (lambda column: sa.null())
    before_cut = sa.and_(E.c.commitment_id == C.c.id, E.c.at < cut)
    slip_count: Expr = sa.literal(0)  # for counts that do not need it
    if slips:
        slip_count = (
            sa.select(sa.func.count()).where(before_cut, E.c.field == "due").scalar_subquery()
        )
    last_activity = sa.select(sa.func.max(E.c.at)).where(before_cut).scalar_subquery()
    columns: list[Expr] = [
        C.c.id, C.c.key, C.c.title, long_text(C.c.description).label("description"),
        quote_text(C.c.quote).label("quote"), C.c.owner_id, C.c.counterpart,
        M.c.slug.label("meeting"), C.c.area, C.c.priority, C.c.tags, C.c.status, C.c.due,
        C.c.created_at, C.c.updated_at, C.c.closed_at,
        long_text(C.c.resolution).label("resolution"), long_text(C.c.evidence).label("evidence"),
        slip_count.label("slips"), last_activity.label("last_activity"),
    ]  # fmt: skip
    columns += [_first_change(name, cut).label(f"first_{name}") for name in rewound]
    if changed:  # its own updated time is later than the cut only if it changed since
        after_cut = sa.and_(E.c.commitment_id == C.c.id, E.c.at >= cut)
        columns.append(sa.exists().where(after_cut).label("changed_since"))
    inner = (
        sa.select(*columns)
        .select_from(C)
        .outerjoin(M, M.c.id == C.c.meeting_id)
        .where(_exists_at(sql, as_of=as_of, cut=cut))
    )
    if whole:
        inner = inner.offset(0)
    if filters.ids:  # given at execution (`_params`): one statement for any ids
        inner = inner.where(C.c.id.in_(sa.bindparam(_IDS, expanding=True)))
    if filters.meeting_id is not None:
        inner = inner.where(C.c.meeting_id == filters.meeting_id)
    # Each filter applies to the state at the cut: on the inner layer (and its indexes) when
    # its field has nothing to undo, else on the values put back.
    conditions = _conditions(sql, filters, as_of, cut)
    stored = {name: C.c[name] for name in _REWINDABLE if name != "owner"}
    stored |= {"owner": C.c.owner_id, "id": C.c.id}
    for fields, condition in conditions:
        if not any(name in rewound for name in fields):
            inner = inner.where(condition(stored))
    h = inner.subquery("history")

    # The values at the cut: from the first change after it, else as they are now.
    events = {name: E.alias(f"first_{name}") for name in rewound}

    def at_cut(name: str, now: Expr, then: Callable[[Expr], Expr] | None = None) -> Expr:
        if name not in events:
            return now
        old = events[name].c.old_value
        return sa.case((h.c[f"first_{name}"].is_(None), now), else_=then(old) if then else old)

    status = at_cut("status", h.c.status)
    closed_at, resolution, evidence = h.c.closed_at, h.c.resolution, h.c.evidence
    if "status" in events:
        # Before its first status change after the cut, a commitment was closed only if that
        # change reopened it; the reopening kept what it cleared. Active, it had no closing.
        first = events["status"]
        reopened = first.c.kind == EventKind.REOPENED.value

        def closing(now: Expr, then: Expr) -> Expr:
            unchanged = h.c.first_status.is_(None)
            return sa.case((unchanged, now), (reopened, then), else_=sa.null())

        details = first.c.data
        closed_at = closing(closed_at, sql.as_instant(sql.json_field(details, "closed_at")))
        resolution = closing(resolution, long_text(sql.json_field(details, "resolution")))
        evidence = closing(evidence, long_text(sql.json_field(details, "evidence")))
    owner_id = h.c.owner_id
    owner_name: Expr = O.c.name
    if "owner" in events:
        first = events["owner"]
        # An owner merged into another since is gone: its name lives on in the history.
        owner_name = sa.func.coalesce(O.c.name, first.c.old_value)
        # Histories written before owner changes kept the ids have only the old name.
        named = O.alias("previous_owner")
        by_name = sa.select(named.c.id).where(named.c.name == first.c.old_value).scalar_subquery()
        owner_id = at_cut(
            "owner",
            h.c.owner_id,
            lambda _: sa.func.coalesce(
                sql.as_int(sql.json_field(first.c.data, "from")), by_name, h.c.owner_id
            ),
        )
    due = at_cut("due", h.c.due, sql.as_date)
    area = at_cut("area", h.c.area)
    tags = at_cut("tags", h.c.tags, lambda old: _tags_text(sql, old))
    updated_at = h.c.updated_at
    if changed:
        updated_at = sa.case((h.c.changed_since, h.c.last_activity), else_=h.c.updated_at)
    query = sa.select(
        h.c.id,
        h.c.key,
        at_cut("title", h.c.title).label("title"),
        long_text(at_cut("description", h.c.description)).label("description"),
        long_text(at_cut("quote", h.c.quote)).label("quote"),
        owner_name.label("owner"),
        O.c.email.label("owner_email"),
        at_cut("counterpart", h.c.counterpart).label("counterpart"),
        h.c.meeting,
        area.label("area"),
        at_cut("priority", h.c.priority).label("priority"),
        tags.label("tags"),
        status.label("status"),
        due.label("due"),
        h.c.created_at,
        updated_at.label("updated_at"),
        closed_at.label("closed_at"),
        resolution.label("resolution"),
        evidence.label("evidence"),
        h.c.slips,
        h.c.last_activity,
    ).select_from(h)
    for name, first in events.items():
        query = query.outerjoin(first, first.c.id == h.c[f"first_{name}"])
    query = query.outerjoin(O, O.c.id == owner_id)

    then = {
        "status": status, "due": due, "owner": owner_id, "area": area, "tags": tags, "id": h.c.id,
        **{name: at_cut(name, h.c[name]) for name in ("title", "quote", "priority", "counterpart")},
    }  # fmt: skip
    for fields, condition in conditions:
        if any(name in events for name in fields):
            query = query.where(condition(then))
    return query.subquery("state")


@dataclass(eq=False)
class _Built:
    """The state subquery for one set of arguments of `_query`, its derived fields and the
    ordering, and the statements its callers built over it (`select`)."""

    sql: SQL
    s: sa.Subquery
    d: Derived
    order_by: list[Expr]
    selects: dict[Any, Any] = field(default_factory=dict)

    def select(self, name: Any, build: Callable[[], Any]) -> Any:
        """The statement `name` over this subquery, built once."""
        found = self.selects.get(name)
        if found is None:
            found = self.selects[name] = build()
        return found


# Building the state query costs milliseconds of Python, more than a board's page of SQL: the
# statements are kept, by everything they are built from (a filter's ids are a parameter,
# `_params`). A few hundred at most: a search's words are part of it.
_BUILT: dict[Any, _Built] = {}
_BUILT_MAX = 300
_IDS = "ids"
_LIMIT, _OFFSET = "page_limit", "page_offset"


def _params(filters: Filters, **more: Any) -> dict[str, Any]:
    """The values a statement of `_query` takes at execution."""
    return {_IDS: list(filters.ids), **more} if filters.ids else more


def _query(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters,
    with_text: bool,
    order: str,
    **options: bool,
) -> _Built:
    """The state subquery, its derived fields and the ordering; built once for the same
    arguments and the same fields changed since (execute with `_params(filters)`)."""
    sql = SQL(conn.dialect.name)
    if sql.sqlite and (filters.search is not None or filters.counterpart is not None):
        _register_fold(conn)
    end = end_of_day(as_of)
    # Undoing later changes costs lookups per row: only for the fields that have any.
    changed = _changes_after(conn, end)
    shape = replace(filters, ids=(0,) if filters.ids else ())
    key = (sql.sqlite, as_of, end, shape, with_text, order, tuple(sorted(options.items())), changed)
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        built = _BUILT[key] = _build(
            sql,
            as_of=as_of,
            filters=filters,
            # Typed as the column is, so that the comparison is with what the tables store.
            cut=sa.literal(end, UTCDateTime()),
            changed=changed,
            with_text=with_text,
            order=order,
            **options,
        )
    return built


def _build(
    sql: SQL,
    *,
    as_of: date,
    filters: Filters,
    cut: Any,
    changed: frozenset[str],
    with_text: bool,
    order: str,
    **options: bool,
) -> _Built:
    s = _state(
        sql,
        as_of=as_of,
        filters=filters,
        cut=cut,
        changed=changed,
        with_text=with_text,
        **options,
    )
    d = derived(sql, status=s.c.status, due=s.c.due, last_activity=s.c.last_activity, as_of=as_of)
    by_due = [s.c.due, s.c.id]
    orders = {
        Order.DUE: by_due,
        Order.LATE: [d.days_overdue.desc(), *by_due],
        Order.OWNER: [s.c.owner, *by_due],
        # Never changed (a meeting's commitment before its import) last.
        Order.UPDATED: [s.c.updated_at.is_(None), s.c.updated_at.desc(), s.c.id],
    }
    return _Built(sql, s, d, orders[order])


def fetch_commitments(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters = Filters(),
    order: str = Order.DUE,
) -> list[CommitmentView]:
    """Commitments matching `filters` as they stood at the end of `as_of`, whole."""
    built = _query(conn, as_of=as_of, filters=filters, with_text=True, order=order)

    def build() -> sa.Select[Any]:
        s, d = built.s, built.d
        return sa.select(
            *s.c,
            d.overdue.label("overdue"),
            d.days_overdue.label("days_overdue"),
            d.days_left.label("days_left"),
            d.stale.label("stale"),
            d.health.label("health"),
        ).order_by(*built.order_by)

    query = built.select("whole", build)
    return [_view(row._mapping, as_of) for row in conn.execute(query, _params(filters))]


def listed(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters = Filters(),
    order: str = Order.DUE,
    limit: int | None = None,
    offset: int = 0,
) -> list[Any]:
    """The same commitments as `fetch_commitments`, as the light rows a table shows: id, due
    (ISO text), owner, area, status, title, slips, days_left, days_overdue, overdue (true or
    false; 1 or 0 on SQLite), health. Nothing is decoded per row. `limit` and `offset` cut a
    page (the web board) in the database."""
    # A page stops early: let the database merge the layers and look up its rows only.
    built = _query(
        conn, as_of=as_of, filters=filters, with_text=False, order=order, whole=limit is None
    )
    query = built.select(("light", limit is not None), lambda: _light_rows(built, limit))
    page = {} if limit is None else {_LIMIT: limit, _OFFSET: offset}
    return list(conn.execute(query, _params(filters, **page)))


def _light_rows(built: _Built, limit: int | None) -> sa.Select[Any]:
    """The statement of `listed`, its page's limit and offset as parameters."""
    sql, s, d = built.sql, built.s, built.d
    query = sa.select(
        s.c.id,
        sql.iso_date(s.c.due).label("due"),
        s.c.owner,
        s.c.area,
        s.c.status,
        s.c.title,
        s.c.slips,
        d.days_left.label("days_left"),
        d.days_overdue.label("days_overdue"),
        d.overdue.label("overdue"),
        d.health.label("health"),
    ).order_by(*built.order_by)
    if limit is not None:
        query = query.limit(sa.bindparam(_LIMIT)).offset(sa.bindparam(_OFFSET))
    return query


def page_of(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters = Filters(),
    order: str = Order.DUE,
    limit: int,
    offset: int = 0,
    total: int | None = None,
    ordered: Sequence[int] | None = None,
) -> tuple[list[Any], int]:
    """One page of `listed` and how many rows there are in all (the web board); `total`: the
    count as the caller last saw it, used instead of counting again when the page does not
    tell it; `ordered`: every id of the listing in its order (`order_of`) as the caller kept
    it, to cut the page from.

    A database computes the columns of every row an OFFSET skips or a sort reads: unless
    the page is near the top of the deadline order, its ids are found first over plain
    columns (no history lookup runs), then only its rows are read with their slips and
    activity. The total is counted only when the
    page does not tell it."""
    if ordered is not None:
        ids = tuple(ordered[offset : offset + limit])
        return _in_order(conn, as_of=as_of, filters=filters, order=order, ids=ids), len(ordered)
    if order == Order.DUE and offset <= DIRECT_OFFSET:  # the deadline index, a few rows
        rows = listed(conn, as_of=as_of, filters=filters, order=order, limit=limit, offset=offset)
    else:
        ids = tuple(
            _ids(conn, as_of=as_of, filters=filters, order=order, limit=limit, offset=offset)
        )
        rows = _in_order(conn, as_of=as_of, filters=filters, order=order, ids=ids)
    if rows and len(rows) < limit:
        return rows, offset + len(rows)
    if not rows and not offset:
        return rows, 0
    if total is not None:
        return rows, total
    return rows, count_listed(conn, as_of=as_of, filters=filters)


def order_of(
    conn: sa.Connection, *, as_of: date, filters: Filters = Filters(), order: str = Order.DUE
) -> list[int]:
    """The ids `listed` gives, all of them, in its order: one query over plain columns (no
    history lookup runs), for a caller that keeps it to cut pages from (`page_of`)."""
    return _ids(conn, as_of=as_of, filters=filters, order=order)


def needs_order(order: str, offset: int) -> bool:
    """Whether `page_of` sorts the whole listing for this page (all but the first pages by
    deadline, which the deadline index gives directly)."""
    return order != Order.DUE or offset > DIRECT_OFFSET


def order_lasts_past_notes(order: str, search: str | None) -> bool:
    """Whether adding a note leaves the order and the rows of `listed` as they were: it moves
    a commitment up the `updated` order, and a search finds the notes' text."""
    return order != Order.UPDATED and search is None


def _ids(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters,
    order: str,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """The ids of `listed` in its order, over plain columns; a page of them with `limit`."""
    built = _query(conn, as_of=as_of, filters=filters, with_text=False, order=order, whole=False)

    def build() -> sa.Select[Any]:
        query = sa.select(built.s.c.id).order_by(*built.order_by)
        if limit is not None:
            query = query.limit(sa.bindparam(_LIMIT)).offset(sa.bindparam(_OFFSET))
        return query

    query = built.select(("ids", limit is not None), build)
    page = {} if limit is None else {_LIMIT: limit, _OFFSET: offset}
    return list(conn.execute(query, _params(filters, **page)).scalars())


def _in_order(
    conn: sa.Connection, *, as_of: date, filters: Filters, order: str, ids: tuple[int, ...]
) -> list[Any]:
    """The rows of `listed` with these ids, in the order of `ids` (one that no longer matches
    the filters is left out)."""
    if not ids:
        return []
    found = listed(conn, as_of=as_of, filters=replace(filters, ids=ids), order=order)
    position = {id_: index for index, id_ in enumerate(ids)}
    return sorted(found, key=lambda row: position[row.id])


def count_listed(conn: sa.Connection, *, as_of: date, filters: Filters = Filters()) -> int:
    """How many commitments `listed` gives for these filters (the web board's pages)."""
    # Merged into the count (`whole=False`): no history lookup runs for a column not counted.
    built = _query(
        conn,
        as_of=as_of,
        filters=filters,
        with_text=False,
        order=Order.DUE,
        slips=False,
        whole=False,
    )
    query = built.select("count", lambda: sa.select(sa.func.count()).select_from(built.s))
    return int(conn.scalar(query, _params(filters)) or 0)


def commitments_json(
    conn: sa.Connection,
    *,
    as_of: date,
    filters: Filters = Filters(),
    order: str = Order.DUE,
    limit: int | None = None,
    offset: int = 0,
    stream: bool = True,
) -> Iterator[str]:
    """The same commitments as `fetch_commitments`, each one JSON object as text, as the
    database sends them (consume them inside the transaction); `limit` and `offset` cut a
    page in the database. `stream`: through a server-side cursor, a thousand rows at a time
    (it needs a transaction: not for a server's plain reads, `Database(plain_reads=True)`)."""
    built = _query(
        conn, as_of=as_of, filters=filters, with_text=True, order=order, whole=limit is None
    )
    sql, s, d, order_by = built.sql, built.s, built.d, built.order_by
    exprs: dict[str, Expr] = {
        "id": s.c.id,
        "key": s.c.key,
        "title": s.c.title,
        "description": s.c.description,
        "quote": s.c.quote,
        "owner": s.c.owner,
        "owner_email": s.c.owner_email,
        "counterpart": s.c.counterpart,
        "meeting": s.c.meeting,
        "area": s.c.area,
        "priority": s.c.priority,
        "tags": sql.json_value(s.c.tags),
        "status": s.c.status,
        "due": sql.iso_date(s.c.due),
        "as_of": sa.literal_column(f"'{as_of.isoformat()}'"),
        "overdue": sql.json_bool(d.overdue),
        "days_overdue": d.days_overdue,
        "days_left": d.days_left,
        "stale": sql.json_bool(d.stale),
        "health": d.health,
        "slips": s.c.slips,
        "last_activity": sql.iso_instant(s.c.last_activity),
        "created_at": sql.iso_instant(s.c.created_at),
        "updated_at": sql.iso_instant(s.c.updated_at),
        "closed_at": sql.iso_instant(s.c.closed_at),
        "resolution": s.c.resolution,
        "evidence": s.c.evidence,
    }
    # The keys and their order are the public fields', by name (`tracker.fields`).
    fields = {name: exprs[name] for name in PUBLIC_FIELDS}
    query = sa.select(sql.json_object(fields)).order_by(*order_by)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    if stream:
        conn = conn.execution_options(yield_per=1000)
    yield from conn.execute(query, _params(filters)).scalars()


def instant(value: str | datetime | None) -> datetime | None:
    """A stored instant (ISO text on SQLite, a naive datetime on PostgreSQL) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def day(value: str | date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _view(row: Any, as_of: date) -> CommitmentView:
    """A `CommitmentView` from a row's columns by name."""
    tags = row["tags"]
    return CommitmentView(
        id=row["id"],
        key=row["key"],
        title=row["title"],
        description=row["description"],
        quote=row["quote"],
        owner=row["owner"],
        owner_email=row["owner_email"],
        counterpart=row["counterpart"],
        meeting=row["meeting"],
        area=row["area"],
        priority=row["priority"],
        tags=json.loads(tags) if isinstance(tags, str) else list(tags),
        status=row["status"],
        due=day(row["due"]),
        created_at=instant(row["created_at"]),  # type: ignore[arg-type]
        updated_at=instant(row["updated_at"]),
        closed_at=instant(row["closed_at"]),
        resolution=row["resolution"],
        evidence=row["evidence"],
        slips=row["slips"],
        last_activity=instant(row["last_activity"]),
        as_of=as_of,
        assessment=Assessment(
            overdue=bool(row["overdue"]),
            days_overdue=row["days_overdue"],
            days_left=row["days_left"],
            stale=bool(row["stale"]),
            health=Health(row["health"]),
        ),
    )


def iso_utc(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC to the second, the form every JSON output uses (the same
    as `SQL.iso_instant`)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def event_to_json(event: Any) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": iso_utc(event.at),
        "actor": event.actor,
        "channel": event.channel,
        "kind": event.kind,
        "field": event.field,
        "old": event.old_value,
        "new": event.new_value,
        "text": event.text,
    }


# Up to this offset a page is read in one query (the rows it skips cost little).
DIRECT_OFFSET = 250
_LIGHT = ("id", "title", "owner", "due", "status", "area", "slips", "last_activity")


def _light(s: sa.Subquery, d: Derived) -> list[Expr]:
    """The columns a digest lists: no long texts. Dates and instants come as the driver gives
    them (`day` and `instant` decode them)."""
    return [
        *(s.c[name] for name in _LIGHT),
        d.days_left.label("days_left"),
        d.days_overdue.label("days_overdue"),
        d.stale.label("stale"),
        d.health.label("health"),
    ]


def _board_sections(sql: SQL, s: sa.Subquery, d: Derived, as_of: date) -> dict[str, Expr]:
    """The digest's sections as conditions, written once for the counts and the lists.

    `due_soon`: active, due within the at-risk window; `at_risk`: active, not overdue, and
    blocked, quiet for too long or not started with the deadline near."""
    return {
        "overdue": d.overdue,
        "due_soon": sa.and_(d.active, s.c.due >= sql.day(as_of), d.due_soon),
        "at_risk": sa.and_(
            d.active,
            sa.not_(d.overdue),
            sa.or_(s.c.status == Status.BLOCKED.value, d.health == Health.AT_RISK.value),
        ),
    }


def board_counts(conn: sa.Connection, *, as_of: date, filters: Filters = Filters()) -> list[Any]:
    """How many commitments there are of each (area, status, overdue, due_soon, at_risk)."""
    built = _query(
        conn, as_of=as_of, filters=filters, with_text=False, order=Order.DUE, slips=False
    )
    sql, s, d = built.sql, built.s, built.d
    sections = _board_sections(sql, s, d, as_of)
    columns = [sa.case((flag, 1), else_=0).label(name) for name, flag in sections.items()]
    query = sa.select(s.c.area, s.c.status, *columns, sa.func.count().label("n")).group_by(
        s.c.area, s.c.status, *columns
    )
    return list(conn.execute(query, _params(filters)))


def board_list(
    conn: sa.Connection, *, as_of: date, filters: Filters, which: str, cap: int
) -> list[Any]:
    """The first `cap` commitments by deadline of one section (`which`: "due_soon" or
    "at_risk"), as `board_counts` counts them; light rows."""
    built = _query(
        conn, as_of=as_of, filters=filters, with_text=False, order=Order.DUE, whole=False
    )
    sql, s, d, order_by = built.sql, built.s, built.d, built.order_by
    condition = _board_sections(sql, s, d, as_of)[which]
    query = sa.select(*_light(s, d)).where(condition).order_by(*order_by).limit(cap)
    return list(conn.execute(query, _params(filters)))


def board_overdue(conn: sa.Connection, *, as_of: date, filters: Filters, cap: int) -> list[Any]:
    """Each owner's first `cap` overdue commitments, most late first, with `owner_total` (how
    many that owner has overdue) and `rank` (1 for the owner's latest); light rows."""
    late = replace(filters, overdue=True)
    built = _query(conn, as_of=as_of, filters=late, with_text=False, order=Order.DUE)
    s, d = built.s, built.d
    by_owner = {"partition_by": s.c.owner}
    ranked = sa.select(
        *_light(s, d),
        sa.func.row_number().over(**by_owner, order_by=(s.c.due, s.c.id)).label("rank"),
        sa.func.count().over(**by_owner).label("owner_total"),
    ).subquery("ranked")
    query = sa.select(*ranked.c).where(ranked.c.rank <= cap).order_by(ranked.c.due, ranked.c.id)
    return list(conn.execute(query, _params(late)))


# --- the digest's sections and trend ----------------------------------------------------------


def board_attention(conn: sa.Connection, *, as_of: date, filters: Filters, cap: int) -> list[Any]:
    """The first `cap` commitments by deadline that are due soon or at risk (each once, with
    the flags that say why: `due_soon`, `at_risk`), as `board_counts` counts them; light rows."""
    built = _query(
        conn, as_of=as_of, filters=filters, with_text=False, order=Order.DUE, whole=False
    )
    sql, s, d, order_by = built.sql, built.s, built.d, built.order_by
    sections = _board_sections(sql, s, d, as_of)
    soon, risky = sections["due_soon"], sections["at_risk"]
    query = (
        sa.select(
            *_light(s, d),
            sa.case((soon, 1), else_=0).label("due_soon"),
            sa.case((risky, 1), else_=0).label("at_risk"),
        )
        .where(sa.or_(soon, risky))
        .order_by(*order_by)
        .limit(cap)
    )
    return list(conn.execute(query, _params(filters)))


def active_trend(
    conn: sa.Connection, *, days: list[date], owner_id: int | None = None
) -> list[tuple[date, int, int]]:
    """(day, active, overdue) as things stood at the end of each of `days` (in ascending
    order), for everyone or one owner: what `board_counts` counts on each day (a test holds
    them equal), without a rewinding query per day, which costs a dozen times as much.

    A commitment whose status, deadline and owner did not change after the first day is
    counted in the database (it only has to exist by each day); the others are rewound here
    from the changes after the first day, as `_state` rewinds them: a field stood at a cut as
    the first change after the cut found it."""
    if not days:
        return []
    sql = SQL(conn.dialect.name)
    cuts = [end_of_day(when) for when in days]
    first_cut = sa.literal(cuts[0], UTCDateTime())
    moved = (
        sa.select(E.c.commitment_id)
        .where(E.c.at >= first_cut, E.c.field.in_(_MOVES))
        .distinct()
        .scalar_subquery()
    )
    active = C.c.status.in_(_ACTIVE)
    sums: list[Expr] = []
    for when, cut in zip(days, cuts, strict=True):
        exists = _exists_at(sql, as_of=when, cut=sa.literal(cut, UTCDateTime()))
        sums.append(sa.func.sum(sa.case((sa.and_(exists, active), 1), else_=0)))
        late = sa.and_(exists, active, C.c.due < sql.day(when))
        sums.append(sa.func.sum(sa.case((late, 1), else_=0)))
    quiet = sa.select(*sums).select_from(C.outerjoin(M, M.c.id == C.c.meeting_id))
    quiet = quiet.where(C.c.id.not_in(moved))
    if owner_id is not None:
        quiet = quiet.where(C.c.owner_id == owner_id)
    totals = [int(n or 0) for n in conn.execute(quiet).one()]

    changes: dict[int, list[Any]] = {}
    history = (
        sa.select(E.c.commitment_id, E.c.field, E.c.at, E.c.old_value, E.c.data)
        .where(E.c.at >= first_cut, E.c.field.in_(_MOVES))
        .order_by(E.c.commitment_id, E.c.at, E.c.id)
    )
    for row in conn.execute(history):
        changes.setdefault(row.commitment_id, []).append(row)
    owner_ids = {name: id_ for name, id_ in conn.execute(sa.select(O.c.name, O.c.id))}
    rows = sa.select(
        C.c.id, C.c.status, C.c.due, C.c.owner_id, C.c.imported.is_not(None).label("imported"),
        M.c.date.label("meeting_date"), C.c.created_at,
    ).select_from(C.outerjoin(M, M.c.id == C.c.meeting_id)).where(C.c.id.in_(moved))  # fmt: skip
    for row in conn.execute(rows):
        created = instant(row.created_at)
        meeting_date = day(row.meeting_date) if row.meeting_date is not None else None
        # Latest change first: undoing the changes after each cut, from the last day back to
        # the first, leaves each field as it stood at that cut.
        events = [(instant(e.at), e) for e in reversed(changes.get(row.id, []))]
        state = {"status": row.status, "due": day(row.due), "owner": row.owner_id}
        undone = 0
        for index in reversed(range(len(days))):
            when, cut = days[index], cuts[index]
            while undone < len(events) and events[undone][0] >= cut:  # type: ignore[operator]
                event = events[undone][1]
                state[event.field] = _before(event, owner_ids, state[event.field])
                undone += 1
            if row.imported:
                if meeting_date is None or meeting_date > when:
                    continue
            elif created is None or created >= cut:
                continue
            if owner_id is not None and state["owner"] != owner_id:
                continue
            if state["status"] in _ACTIVE:
                totals[2 * index] += 1
                if state["due"] < when:
                    totals[2 * index + 1] += 1
    return [(when, totals[2 * index], totals[2 * index + 1]) for index, when in enumerate(days)]


_MOVES = ("status", "due", "owner")  # the fields whose change moves a commitment in a trend


def _before(event: Any, owner_ids: dict[str, int], now: Any) -> Any:
    """The value a change replaced. An owner change keeps the previous owner's id in its data
    (histories written before that only have the name)."""
    if event.field == "due":
        return day(event.old_value) if event.old_value else now
    if event.field != "owner":
        return event.old_value
    data = event.data
    if isinstance(data, str):
        data = json.loads(data)
    if isinstance(data, dict) and data.get("from") is not None:
        return int(data["from"])
    return owner_ids.get(event.old_value, now)
