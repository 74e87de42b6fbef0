"""Derived state of a commitment at a date: overdue, days late, stale, health. Never stored.

The rules are written once, as SQL over a commitment's status, deadline and latest activity, so
the database computes them for every listed row (`tracker.services.views`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa

from tracker.dbtypes import UTCDateTime
from tracker.sqlexpr import SQL, Expr
from tracker.vocabulary import ACTIVE_STATUSES, Status

AT_RISK_WINDOW_DAYS = 14
STALE_AFTER_DAYS = 30


class Health(StrEnum):
    OFF_TRACK = "off_track"  # overdue or blocked
    AT_RISK = "at_risk"  # due soon and not started, or stale
    ON_TRACK = "on_track"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class Assessment:
    overdue: bool
    days_overdue: int
    days_left: int
    stale: bool
    health: Health


@dataclass(frozen=True)
class Derived:
    """SQL expressions of the derived state; each is a boolean or a whole number."""

    active: Expr
    days_left: Expr
    due_soon: Expr  # due within the at-risk window (or before)
    overdue: Expr
    days_overdue: Expr
    stale: Expr
    health: Expr


def derived(
    sql: SQL,
    *,
    status: Expr,
    due: Expr,
    last_activity: Expr,
    as_of: date,
    stale_after_days: int = STALE_AFTER_DAYS,
    at_risk_window_days: int = AT_RISK_WINDOW_DAYS,
) -> Derived:
    """The derived state at the end of `as_of`.

    The conditions compare with constants (a deadline before `as_of`, latest activity before
    the first quiet day) rather than computing day counts: on SQLite a count is a date
    function call, and a listing evaluates these for every row, several times."""
    active = status.in_([s.value for s in ACTIVE_STATUSES])
    days_left = sql.days_between(due, sql.day(as_of))
    overdue = sa.and_(active, due < sql.day(as_of))
    # Quiet for `stale_after_days` days: the latest activity's UTC day is that long before.
    quiet_since = datetime.combine(as_of - timedelta(days=stale_after_days - 1), time.min, UTC)
    stale = sa.and_(active, last_activity < sa.literal(quiet_since, UTCDateTime()))
    due_soon = due <= sql.day(as_of + timedelta(days=at_risk_window_days))
    health = sa.case(
        (status == Status.DONE.value, Health.DONE.value),
        (status == Status.DROPPED.value, Health.DROPPED.value),
        (sa.or_(overdue, status == Status.BLOCKED.value), Health.OFF_TRACK.value),
        (
            sa.or_(stale, sa.and_(status == Status.OPEN.value, due_soon)),
            Health.AT_RISK.value,
        ),
        else_=Health.ON_TRACK.value,
    )
    return Derived(
        active=active,
        days_left=days_left,
        due_soon=due_soon,
        overdue=overdue,
        days_overdue=sa.case((overdue, -days_left), else_=0),
        stale=stale,
        health=health,
    )
