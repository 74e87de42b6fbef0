"""The derived state (overdue, days late, stale, health), which the database computes, checked
against the rules written out in Python, on each backend, across their edges: the deadline
the day before, on and after the as-of date and at the end of the at-risk window; the latest
activity 29 and 30 days back, and none before the date."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tracker.db import Database
from tracker.models import Commitment, Event, Owner
from tracker.services.views import Filters, Order, commitments_json, fetch_commitments

AS_OF = date(2017, 9, 11)
STATUSES = ["open", "in_progress", "blocked", "done", "dropped"]
DUE_OFFSETS = [-40, -1, 0, 1, 13, 14, 15, 40]
CREATED = datetime.combine(AS_OF - timedelta(days=60), time(10), UTC)
ACTIVITY_OFFSETS = [-45, -30, -29, -1, 0, 1]  # days from AS_OF; 1: after it, so none by then


def expected(status: str, due: date, last_activity: date | None) -> dict[str, Any]:
    """The rules, as the README states them."""
    days_left = (due - AS_OF).days
    active = status in ("open", "in_progress", "blocked")
    overdue = active and days_left < 0
    stale = active and last_activity is not None and (AS_OF - last_activity).days >= 30
    if status in ("done", "dropped"):
        health = status
    elif overdue or status == "blocked":
        health = "off_track"
    elif stale or (status == "open" and days_left <= 14):
        health = "at_risk"
    else:
        health = "on_track"
    return {
        "overdue": overdue,
        "days_overdue": -days_left if overdue else 0,
        "days_left": days_left,
        "stale": stale,
        "health": health,
    }


def _fill(db: Database) -> dict[int, dict[str, Any]]:
    """One commitment per combination; returns what each should show."""
    wants: dict[int, dict[str, Any]] = {}
    with db.write() as session:
        owner = Owner(name="Ministry of Health", email="health@example.org")
        session.add(owner)
        session.flush()
        grid = itertools.product(STATUSES, DUE_OFFSETS, ACTIVITY_OFFSETS)
        for status, due_offset, activity_offset in grid:
            due = AS_OF + timedelta(days=due_offset)
            active_day = AS_OF + timedelta(days=activity_offset)
            at = datetime.combine(active_day, time(10), UTC)
            c = Commitment(
                title=f"{status} due {due_offset:+d} active {activity_offset:+d}",
                owner_id=owner.id,  # type: ignore[arg-type]
                due=due,
                status=status,
                tags=["edge", "ü"],
                created_at=CREATED,  # before the as-of date: a commitment after it is absent
                updated_at=at,
                closed_at=at if status in ("done", "dropped") else None,
            )
            session.add(c)
            session.flush()
            session.add(
                Event(commitment_id=c.id, at=at, actor="test", kind="note")  # type: ignore[arg-type]
            )
            last = active_day if activity_offset <= 0 else None
            wants[c.id] = expected(status, due, last)  # type: ignore[index]
    return wants


def test_derived_state_follows_the_rules_on_every_edge(db_url: str) -> None:
    db = Database(db_url)
    try:
        wants = _fill(db)
        with db.connect() as conn:
            views = fetch_commitments(conn, as_of=AS_OF)
            texts = list(commitments_json(conn, as_of=AS_OF))
        assert len(views) == len(texts) == len(wants) == 240
        for view in views:
            a = view.assessment
            got = {
                "overdue": a.overdue,
                "days_overdue": a.days_overdue,
                "days_left": a.days_left,
                "stale": a.stale,
                "health": a.health.value,
            }
            assert got == wants[view.id], view.title
        for text in texts:
            row = json.loads(text)
            assert {k: row[k] for k in wants[row["id"]]} == wants[row["id"]], row["title"]
            assert isinstance(row["overdue"], bool) and isinstance(row["stale"], bool)
            assert row["tags"] == ["edge", "ü"]
            assert row["as_of"] == "2017-09-11"
            assert date.fromisoformat(row["due"]) - AS_OF == timedelta(days=row["days_left"])
            assert row["created_at"].endswith("T10:00:00Z")
    finally:
        db.close()


def test_the_overdue_review_is_most_late_first_in_both_forms(db_url: str) -> None:
    db = Database(db_url)
    try:
        wants = _fill(db)
        late = sorted(
            (i for i, w in wants.items() if w["overdue"]),
            key=lambda i: (-wants[i]["days_overdue"], i),
        )
        with db.connect() as conn:
            kwargs: dict[str, Any] = {"filters": Filters(overdue=True), "order": Order.MOST_LATE}
            views = fetch_commitments(conn, as_of=AS_OF, **kwargs)
            texts = list(commitments_json(conn, as_of=AS_OF, **kwargs))
            # Both forms come from one query shape: the same rows in the same order.
            assert [v.id for v in views] == late
            assert [json.loads(t)["id"] for t in texts] == late
            assert len(late) == 3 * 2 * len(ACTIVITY_OFFSETS)
    finally:
        db.close()


def test_read_tables_name_real_columns() -> None:
    """`tracker.tables` (names only, for reads) stays in step with the real tables."""
    from sqlmodel import SQLModel

    import tracker.models  # noqa: F401  (registers the tables)
    from tracker import tables

    for light in (tables.commitment, tables.owner, tables.meeting, tables.event):
        real = SQLModel.metadata.tables[light.name]
        assert {c.name for c in light.columns} <= {c.name for c in real.columns}, light.name
