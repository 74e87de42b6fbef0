"""Read services: lists, the overdue review and one commitment with its history.

They take a plain connection (`Database.connect`); the ORM is imported only to resolve an
owner's or a meeting's name, so that `tracker overdue` does not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from tracker.services.views import (
    CommitmentView,
    Filters,
    Order,
    board_counts,
    commitments_json,
    fetch_commitments,
    listed,
    needs_order,
    order_lasts_past_notes,
)


def filters_for(
    conn: sa.Connection,
    *,
    owner: str | None = None,
    area: str | None = None,
    meeting: str | None = None,
    **rest: Any,
) -> Filters:
    """Filters from what a person typed: names resolved (or refused) against the database."""
    owner_ids: tuple[int, ...] = ()
    meeting_id = None
    if owner or meeting:
        from sqlmodel import Session

        from tracker.services.commitments import find_meeting
        from tracker.services.owners import resolve_owner

        session = Session(bind=conn)
        if owner:
            owner_ids = (resolve_owner(session, owner).id,)  # type: ignore[assignment]
        if meeting:
            meeting_id = find_meeting(session, meeting).id
    return Filters(
        owner_ids=owner_ids,
        areas=(area.strip().lower(),) if area else (),
        meeting_id=meeting_id,
        **rest,
    )


def list_commitments(
    conn: sa.Connection, *, as_of: date, order: str = Order.DUE, **criteria: Any
) -> list[Any]:
    """Commitments in `order` (by deadline unless told), as the light rows of `views.listed`;
    `criteria`: owner, area and meeting (names, as typed), and the other fields of `Filters`."""
    return listed(conn, as_of=as_of, filters=filters_for(conn, **criteria), order=order)


def keeps_order(order: str, offset: int, filters: Filters) -> bool:
    """Whether a board page is cut from the whole listing's order (`views.order_of`), and that
    order is one a note cannot change: the web view may then keep it across notes."""
    return needs_order(order, offset) and order_lasts_past_notes(order, filters.search)


@dataclass(frozen=True)
class Summary:
    """The board's figures for a set of filters: how many in all, and of each kind."""

    total: int = 0
    overdue: int = 0
    attention: int = 0  # due soon or at risk, not overdue
    blocked: int = 0
    in_progress: int = 0
    open: int = 0
    done: int = 0
    dropped: int = 0


def board_summary(conn: sa.Connection, *, as_of: date, filters: Filters) -> Summary:
    """The figures over the board's listing for these filters (one grouped query)."""
    counts: dict[str, int] = {}

    def add(name: str, n: int) -> None:
        counts[name] = counts.get(name, 0) + n

    for row in board_counts(conn, as_of=as_of, filters=filters):
        add("total", row.n)
        add(row.status, row.n)
        if row.overdue:
            add("overdue", row.n)
        elif row.due_soon or row.at_risk:
            add("attention", row.n)
    return Summary(**counts)


def list_commitments_json(
    conn: sa.Connection, *, as_of: date, order: str = Order.DUE, **criteria: Any
) -> Iterator[str]:
    filters = filters_for(conn, **criteria)
    return commitments_json(conn, as_of=as_of, filters=filters, order=order)


def overdue_commitments(
    conn: sa.Connection, *, as_of: date, order: str = Order.LATE, **criteria: Any
) -> list[Any]:
    """Active commitments past due at `as_of`, most late first (then by deadline and id) unless
    told, as the light rows of `views.listed`. `criteria` as for `list_commitments`."""
    filters = filters_for(conn, overdue=True, **criteria)
    return listed(conn, as_of=as_of, filters=filters, order=order)


def overdue_json(
    conn: sa.Connection, *, as_of: date, order: str = Order.LATE, **criteria: Any
) -> Iterator[str]:
    """The same as `overdue_commitments`, each one JSON object as text."""
    filters = filters_for(conn, overdue=True, **criteria)
    return commitments_json(conn, as_of=as_of, filters=filters, order=order)


def commitment_view(
    conn: sa.Connection, commitment_id: int, *, as_of: date
) -> CommitmentView | None:
    found = fetch_commitments(conn, as_of=as_of, filters=Filters(ids=(commitment_id,)))
    return found[0] if found else None


def commitment_json(conn: sa.Connection, commitment_id: int, *, as_of: date) -> str | None:
    one = Filters(ids=(commitment_id,))
    found = list(commitments_json(conn, as_of=as_of, filters=one, stream=False))
    return found[0] if found else None
