"""`/api`: the web view's reads as JSON, for a signed-in session (described at
`/api/openapi.json`). Commitments have the shape of `tracker list --json` and `show --json`."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from tracker.schemas import CommitmentPublic
from tracker.vocabulary import ACTIVE_STATUSES, Priority, Status
from tracker.web.app import web_of
from tracker.web.auth import User, signed_in
from tracker.web.pages import SORTS, digest_of, when

router = APIRouter(prefix="/api", tags=["reads"])
SignedIn = Annotated[User, Depends(signed_in)]
MAX_LIMIT = 1000


class EventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    channel: str
    kind: str
    field: str | None
    old: str | None
    new: str | None
    text: str | None


class CommitmentDetail(CommitmentPublic):
    history: list[EventOut]
    proposal: dict[str, Any] | None


class OwnerOut(BaseModel):
    id: int
    name: str
    email: str | None
    kind: str
    active: int
    total: int


class MeetingOut(BaseModel):
    slug: str
    title: str
    date: date
    place: str | None
    active: int
    total: int


class MeetingDetail(BaseModel):
    slug: str
    title: str
    date: date
    place: str | None
    participants: list[str]
    parties: list[str]
    source_file: str | None
    source_sha256: str | None
    commitments: list[CommitmentPublic]


def _json_array(objects: Any) -> Response:
    return Response("[" + ",".join(objects) + "]", media_type="application/json")


@router.get(
    "/commitments",
    response_model=None,
    responses={200: {"model": list[CommitmentPublic]}},
    summary="The board: commitments matching the filters, by the order asked",
)
def commitments(
    request: Request,
    user: SignedIn,
    as_of: str | None = None,
    status: Annotated[list[Status], Query()] = [],  # noqa: B006
    owner: str | None = None,
    area: str | None = None,
    meeting: str | None = None,
    overdue: bool = False,
    due_before: str | None = None,
    tag: Annotated[list[str], Query()] = [],  # noqa: B006
    priority: Annotated[list[Priority], Query()] = [],  # noqa: B006
    counterpart: str | None = None,
    search: str | None = None,
    sort: str = "due",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Active commitments unless `status` says otherwise (repeat it for several)."""
    from tracker.errors import InvalidInput
    from tracker.services.listing import filters_for
    from tracker.services.views import commitments_json

    web = web_of(request)
    if sort not in SORTS:
        raise InvalidInput(f"unknown order {sort!r} ({', '.join(SORTS)})")
    day = when(web, as_of, "as_of") or web.today()
    with web.db.connect() as conn:
        filters = filters_for(
            conn,
            owner=owner,
            area=area,
            meeting=meeting,
            statuses=tuple(s.value for s in status) or tuple(s.value for s in ACTIVE_STATUSES),
            overdue=overdue,
            due_before=when(web, due_before, "due_before"),
            tags=tuple(t.strip().lower() for t in tag if t.strip()),
            priorities=tuple(p.value for p in priority),
            counterpart=counterpart or None,
            search=search or None,
        )
        texts = list(
            commitments_json(
                conn, as_of=day, filters=filters, order=sort, limit=limit, offset=offset
            )
        )
    return _json_array(texts)


@router.get(
    "/commitments/{commitment_id}",
    response_model=None,
    responses={200: {"model": CommitmentDetail}},
    summary="One commitment with its whole history (to `as_of`)",
)
def commitment(
    request: Request, commitment_id: int, user: SignedIn, as_of: str | None = None
) -> Response:
    from tracker.errors import NotFound
    from tracker.models import Commitment
    from tracker.services.commitments import history
    from tracker.services.listing import commitment_json
    from tracker.services.views import end_of_day, event_to_json

    web = web_of(request)
    day = when(web, as_of, "as_of") or web.today()
    with web.db.read() as session:
        events = history(session, commitment_id, until=end_of_day(day))
        text = commitment_json(session.connection(), commitment_id, as_of=day)
        if text is None:
            raise NotFound(f"#{commitment_id} did not exist yet on {day.isoformat()}")
        row = session.get(Commitment, commitment_id)
        proposal = row.proposal if row else None
    body = json.loads(text) | {
        "history": [event_to_json(e) for e in events],
        "proposal": proposal,
    }
    return JSONResponse(body)


@router.get("/owners", response_model=list[OwnerOut], summary="Owners, with their counts")
def owners(request: Request, user: SignedIn) -> list[dict[str, object]]:
    from tracker.services.owners import list_owners

    with web_of(request).db.read() as session:
        return [o.to_json() for o in list_owners(session)]


@router.get(
    "/owners/{owner_id}",
    response_model=None,
    responses={200: {"model": list[CommitmentPublic]}},
    summary="One owner's commitments (active unless `all`)",
)
def owner(
    request: Request, owner_id: int, user: SignedIn, as_of: str | None = None, all: bool = False
) -> Response:
    from tracker.services.browse import get_owner
    from tracker.services.views import Filters, commitments_json

    web = web_of(request)
    day = when(web, as_of, "as_of") or web.today()
    statuses = () if all else tuple(s.value for s in ACTIVE_STATUSES)
    with web.db.read() as session:
        get_owner(session, owner_id)
        filters = Filters(owner_ids=(owner_id,), statuses=statuses)
        texts = list(
            commitments_json(session.connection(), as_of=day, filters=filters, stream=False)
        )
    return _json_array(texts)


@router.get("/meetings", response_model=list[MeetingOut], summary="Meetings, latest first")
def meetings(request: Request, user: SignedIn) -> list[dict[str, object]]:
    from tracker.services.browse import list_meetings

    with web_of(request).db.read() as session:
        return [m.to_json() for m in list_meetings(session)]


@router.get(
    "/meetings/{slug}",
    response_model=None,
    responses={200: {"model": MeetingDetail}},
    summary="One meeting and every commitment from it",
)
def meeting(request: Request, slug: str, user: SignedIn, as_of: str | None = None) -> Response:
    from tracker.services.browse import meeting_json
    from tracker.services.commitments import find_meeting
    from tracker.services.views import Filters, commitments_json

    web = web_of(request)
    day = when(web, as_of, "as_of") or web.today()
    with web.db.read() as session:
        found = find_meeting(session, slug)
        texts = commitments_json(
            session.connection(), as_of=day, filters=Filters(meeting_id=found.id), stream=False
        )
        body = meeting_json(found) | {"commitments": [json.loads(t) for t in texts]}
    return JSONResponse(body)


@router.get("/digest", summary="The digest's data (as the e-mail shows it) for a day")
def digest(
    request: Request,
    user: SignedIn,
    as_of: str | None = None,
    since: str | None = None,
    owner: str | None = None,
) -> Response:
    found = digest_of(web_of(request), as_of=as_of, since=since, owner=owner)
    return JSONResponse(json.loads(json.dumps(dataclasses.asdict(found), default=str)))
