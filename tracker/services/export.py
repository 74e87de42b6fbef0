"""Exports: everything (or one meeting) as JSON with full history, or commitments as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session, select

from tracker.fields import CSV_FIELDS, TEXT_FIELDS
from tracker.models import Event, Meeting, Owner
from tracker.services.commitments import find_meeting
from tracker.services.views import Filters, commitments_json, event_to_json

# The columns that hold text people typed or imported. A spreadsheet reads a cell that starts
# with = + - @ (or a tab or carriage return before one) as a formula: `=HYPERLINK(…)` in a
# title would become a live link, and DDE formulas can run commands. A leading single quote
# makes it text (OWASP, CSV injection). Numbers (id, days_overdue, slips), dates, flags and
# the status vocabulary are left as they are, so negative numbers stay numbers.
CSV_TEXT_FIELDS = TEXT_FIELDS & set(CSV_FIELDS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """`value` as a spreadsheet will show it, never as a formula it would evaluate."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def export_json(session: Session, *, as_of: date, meeting: str | None = None) -> dict[str, Any]:
    """Meetings, owners and commitments, each commitment with its whole history."""
    meeting_row = find_meeting(session, meeting) if meeting else None
    filters = Filters(meeting_id=meeting_row.id if meeting_row else None)
    rows = [
        json.loads(text)
        for text in commitments_json(session.connection(), as_of=as_of, filters=filters)
    ]
    ids = [row["id"] for row in rows]
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        events = session.exec(
            select(Event).where(Event.commitment_id.in_(ids)).order_by(Event.at, Event.id)  # type: ignore[attr-defined]
        )
        for e in events:
            history[e.commitment_id].append(event_to_json(e))
    meetings_query = select(Meeting).order_by(Meeting.date, Meeting.slug)
    if meeting_row is not None:
        meetings_query = meetings_query.where(Meeting.id == meeting_row.id)
    meetings = [
        {
            "slug": m.slug,
            "title": m.title,
            "date": m.date.isoformat(),
            "place": m.place,
            "participants": m.participants,
            "parties": m.parties,
            "source_file": m.source_file,
            "source_sha256": m.source_sha256,
        }
        for m in session.exec(meetings_query)
    ]
    owner_names = {row["owner"] for row in rows}
    owners = [
        {"name": o.name, "email": o.email, "kind": o.kind}
        for o in session.exec(select(Owner).order_by(Owner.name))
        if meeting_row is None or o.name in owner_names
    ]
    return {
        "as_of": as_of.isoformat(),
        "meetings": meetings,
        "owners": owners,
        "commitments": [row | {"history": history[row["id"]]} for row in rows],
    }


def export_csv(session: Session, *, as_of: date, meeting: str | None = None) -> str:
    """One row per commitment, for a spreadsheet."""
    meeting_id = find_meeting(session, meeting).id if meeting else None
    texts = commitments_json(  # consumed below, inside the transaction
        session.connection(), as_of=as_of, filters=Filters(meeting_id=meeting_id)
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for text in texts:
        row = json.loads(text)
        row["tags"] = " ".join(row["tags"])
        for name in CSV_TEXT_FIELDS:
            value = row.get(name)
            if isinstance(value, str):
                row[name] = neutralise_cell(value)
        writer.writerow(row)
    return out.getvalue()
