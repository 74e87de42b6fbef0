"""Derived state of a commitment at a date: overdue, days late, stale, health. Never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tracker.models import ACTIVE_STATUSES, Status

_ACTIVE = frozenset(s.value for s in ACTIVE_STATUSES)  # plain strings: hashed, not compared
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


def assess(
    *,
    status: str,
    due: date,
    as_of: date,
    last_activity: datetime | None,
    stale_after_days: int = STALE_AFTER_DAYS,
    at_risk_window_days: int = AT_RISK_WINDOW_DAYS,
) -> Assessment:
    days_left = (due - as_of).days
    active = status in _ACTIVE
    overdue = active and days_left < 0
    stale = (
        active
        and last_activity is not None
        and (as_of - last_activity.date()).days >= stale_after_days
    )
    if status == Status.DONE:
        health = Health.DONE
    elif status == Status.DROPPED:
        health = Health.DROPPED
    elif overdue or status == Status.BLOCKED:
        health = Health.OFF_TRACK
    elif stale or (status == Status.OPEN and days_left <= at_risk_window_days):
        health = Health.AT_RISK
    else:
        health = Health.ON_TRACK
    return Assessment(
        overdue=overdue,
        days_overdue=-days_left if overdue else 0,
        days_left=days_left,
        stale=stale,
        health=health,
    )
